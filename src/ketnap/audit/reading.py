"""Which audit entries concern a part of the tree, and the filters of the Nhật ký page.

Scope.audit_entries (ketnap.scope) decides *whose* part of the tree a user reads; this module knows how each
kind of entry is tied to the tree: through the person it concerns (AuditEntry.person_id: every change of a person's
data, membership, road to the Party and dossier), else through its object (an organisation, its history, a unit, the
chi bộ covering a unit, a role, a target, an import anchored on an organisation). Entries that reach no part of the
tree (code lists, the working-day calendar, settings, API tokens) are read by superusers and by whoever made them.
"""

import datetime as dt

from django.apps import apps
from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast

from ketnap.audit.models import AuditEntry


def _keys(queryset: QuerySet) -> QuerySet:
    """The primary keys as AuditEntry.object_id stores them (text)."""
    return queryset.annotate(audit_key=Cast("pk", output_field=CharField())).values("audit_key")


def _model(label: str):
    return apps.get_model(label)


def concerning(*, people: QuerySet, organizations: QuerySet, units: QuerySet) -> Q:
    """Entries about one of `people`, or about no person and an object of `organizations` / `units`.

    An entry about a person is read only with that person (where they are now, as on their page): it never shows
    through its other ties (the organisation or unit it also names)."""
    tied = {
        "registry.Organization": organizations,
        "registry.OrganizationVersion": _model("registry.OrganizationVersion").objects.filter(
            organization__in=organizations
        ),
        "registry.OrganizationSuccession": _model("registry.OrganizationSuccession").objects.filter(
            Q(predecessor__in=organizations) | Q(successor__in=organizations)
        ),
        "registry.UnitCoverage": _model("registry.UnitCoverage").objects.filter(organization__in=organizations),
        "registry.WorkUnit": units,
        "registry.WorkUnitVersion": _model("registry.WorkUnitVersion").objects.filter(unit__in=units),
        "accounts.Role": _model("accounts.Role").objects.filter(organization__in=organizations),
        "stats.Target": _model("stats.Target").objects.filter(organization__in=organizations),
    }
    about_object = Q(pk__in=[])
    for label, objects in tied.items():
        about_object |= Q(model=label, object_id__in=_keys(objects))
    return Q(person_id__in=people.values("pk")) | (Q(person_id__isnull=True) & about_object)


def own_actions(user) -> Q:
    """What the user did to objects that concern no person (a code item, a target, a calendar day …). A person's
    entries are read through the person only: someone who has since moved out of the reader's scope stays out."""
    return Q(person_id__isnull=True, actor=user)


def filtered(
    entries: QuerySet[AuditEntry],
    *,
    people: QuerySet,
    text: str = "",
    person=None,
    actor=None,
    since: dt.date | None = None,
    until: dt.date | None = None,
    kind: str = "",
    action: str = "",
) -> QuerySet[AuditEntry]:
    """The Nhật ký page's filters. `text`: a name without diacritics, among `people` (Person.search); `person`: one
    person; `since`/`until`: days in local time, both included; `kind`: a model label; `action`: an Action value."""
    if text.strip():
        entries = entries.filter(person_id__in=people.search(text).values("pk"))
    if person is not None:
        entries = entries.filter(person_id=person.pk)
    if actor is not None:
        entries = entries.filter(actor=actor)
    if since is not None:
        entries = entries.filter(at__date__gte=since)
    if until is not None:
        entries = entries.filter(at__date__lte=until)
    if kind:
        entries = entries.filter(model=kind)
    if action:
        entries = entries.filter(action=action)
    return entries
