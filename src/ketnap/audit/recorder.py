"""Records every create/update/delete of personal and party data, whoever makes it (services, admin, shell).

Signals rather than calls in each service, so that no write path can forget the trail. Bulk writes bypass
signals: the few that exist (demo loading, imports) record one entry for the batch themselves.
"""

import contextlib
import contextvars
import datetime as dt
import decimal

from django.apps import apps
from django.db import models
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_save, pre_save

from ketnap.audit.context import current_actor, current_note
from ketnap.audit.models import AuditEntry, append_all

# model label -> how to find the person an entry concerns
AUDITED = {
    "registry.Person": lambda obj: obj.pk,
    "registry.Assignment": lambda obj: obj.person_id,
    "registry.PartyMembership": lambda obj: obj.person_id,
    "registry.MembershipEvent": lambda obj: obj.membership.person_id,
    "registry.Organization": lambda obj: None,
    "registry.OrganizationVersion": lambda obj: None,
    "registry.OrganizationSuccession": lambda obj: None,
    "registry.WorkUnit": lambda obj: None,
    "registry.WorkUnitVersion": lambda obj: None,
    "registry.UnitCoverage": lambda obj: None,
    "registry.CodeItem": lambda obj: None,
    "registry.Preferences": lambda obj: None,
    "accounts.Role": lambda obj: None,
    "pipeline.Candidate": lambda obj: obj.person_id,
    "pipeline.Step": lambda obj: obj.candidate.person_id,
    "pipeline.DossierItem": lambda obj: obj.candidate.person_id,
    "pipeline.Introduction": lambda obj: obj.candidate.person_id,
    "pipeline.Helper": lambda obj: obj.candidate.person_id,
    "pipeline.MentorNote": lambda obj: obj.candidate.person_id,
    "pipeline.CalendarOverride": lambda obj: None,
    "pipeline.NotePlan": lambda obj: None,
    "pipeline.SourceReview": lambda obj: obj.person_id,
    "pipeline.Inquiry": lambda obj: obj.candidate.person_id,
    "pipeline.CourseClass": lambda obj: None,
    "pipeline.CourseSeat": lambda obj: obj.candidate.person_id,
    "stats.Target": lambda obj: None,
    "api.ApiToken": lambda obj: None,
}
SKIPPED_FIELDS = {"sort_key", "search_text", "path", "depth"}


def _plain(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, FieldFile):
        return value.name or ""  # the stored path, not the content
    if isinstance(value, decimal.Decimal):
        return str(value)
    return value


def snapshot(obj: models.Model) -> dict:
    return {
        field.attname: _plain(getattr(obj, field.attname))
        for field in obj._meta.concrete_fields
        if field.attname not in SKIPPED_FIELDS
    }


def _label(sender) -> str:
    return f"{sender._meta.app_label}.{sender.__name__}"


_collected: contextvars.ContextVar[list[AuditEntry] | None] = contextvars.ContextVar("audit_collected", default=None)


@contextlib.contextmanager
def collected():
    """Inside the block (and one transaction), entries are kept in memory and appended together when it ends, in the
    order written: one insert instead of a lock, a read and an insert each (the demo's load, thousands of service
    calls). Nothing is appended if the block fails. Entries written inside have no id until then."""
    entries: list[AuditEntry] = []
    token = _collected.set(entries)
    try:
        yield
    finally:
        _collected.reset(token)
    append_all(entries)


def write_entry(action: str, obj: models.Model, changes: dict, person_id=None, note: str = "") -> AuditEntry:
    """Append one entry (AuditEntry.save chains, hashes and seals it). Runs inside the caller's transaction."""
    actor = current_actor()
    entry = AuditEntry(
        actor=actor,
        actor_name=actor.get_username() if actor else "hệ thống",
        action=action,
        model=_label(type(obj)),
        object_id=str(obj.pk),
        object_repr=str(obj)[:255],
        person_id=person_id,
        changes=changes,
        note=note or current_note(),
    )
    pending = _collected.get()
    if pending is None:
        entry.save(force_insert=True)
    else:
        pending.append(entry)
    return entry


def _pre_save(sender, instance, raw=False, **kwargs):
    if raw:
        return
    before = None
    if instance.pk is not None:
        old = sender._default_manager.filter(pk=instance.pk).first()
        before = snapshot(old) if old is not None else None
    instance._audit_before = before


def _post_save(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    after = snapshot(instance)
    before = getattr(instance, "_audit_before", None) or {}
    if created:
        changes = {key: [None, value] for key, value in after.items() if value not in (None, "", False)}
    else:
        changes = {key: [before.get(key), value] for key, value in after.items() if before.get(key) != value}
        if not changes:
            return
    write_entry("create" if created else "update", instance, changes, AUDITED[_label(sender)](instance))


def _post_delete(sender, instance, **kwargs):
    before = snapshot(instance)
    write_entry(
        "delete",
        instance,
        {key: [value, None] for key, value in before.items()},
        AUDITED[_label(sender)](instance),
    )


def connect() -> None:
    for label in AUDITED:
        model = apps.get_model(label)
        uid = f"ketnap-audit-{label}"
        pre_save.connect(_pre_save, sender=model, dispatch_uid=uid + "-pre")
        post_save.connect(_post_save, sender=model, dispatch_uid=uid + "-post")
        post_delete.connect(_post_delete, sender=model, dispatch_uid=uid + "-delete")
