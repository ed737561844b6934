"""Who may see and change what: the one place every view, export and command asks.

A role at an organisation reaches that organisation's subtree (current tree). Office, secretary and admin
roles read names and personal data there; an overseer reads aggregated indicators only, never a name.
Objects outside the scope answer 404 (healthchecks' style): views fetch with get_object_or_404 on these
querysets, never on Model.objects.

Scope reads the models of pipeline, audit and privacy, so it sits above them, outside ketnap.accounts (which the
pipeline asks): the interfaces (web, API, importers, commands) ask it; a domain app asks accounts.grants (the roles
over the tree, which Scope extends).
"""

from django.db.models import Q

from ketnap.accounts.grants import Grants, under
from ketnap.accounts.models import Role
from ketnap.audit import reading
from ketnap.audit.models import AuditEntry
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate
from ketnap.privacy.models import ReadEntry
from ketnap.registry.models import Organization, Person, WorkUnit


class Scope(Grants):
    def helped_candidates(self):
        """The candidates this user's staff record helps now (assignments in force, roads still open): all a mentor
        without a role may open, and only through their own page (web.views.mine)."""
        if self.person is None:
            return Candidate.objects.none()
        return (
            Candidate.objects.filter(helpers__member=self.person, helpers__until__isnull=True)
            .exclude(stage__in=Stage.terminal())
            .distinct()
        )

    def own_candidacies(self):
        """The user's own roads to the Party (a candidate reads theirs, nothing of anyone else's)."""
        if self.person is None:
            return Candidate.objects.none()
        return Candidate.objects.filter(person=self.person)

    def candidates(self):
        """Candidates (outstanding non-members to probationary members) whose names this user may read."""
        return self.readable(Candidate.objects.all())

    def audit_entries_about(self, person: Person):
        """audit_entries() about one person (their page): only an entry's person ties it to the tree then, so this is
        one indexed read of their entries, not a filter over every person of the subtrees (#14)."""
        if not self.audits_person(person):
            return AuditEntry.objects.none()
        return AuditEntry.objects.filter(person_id=person.pk)

    def read_entries_about(self, person: Person):
        """read_entries() about one person ("Ai đã xem" on their page), the same way as audit_entries_about."""
        if not self.audits_person(person):
            return ReadEntry.objects.none()
        return ReadEntry.objects.filter(person_id=person.pk)

    def audit_entries(self):
        """Entries about the people, organisations and units of the audit subtrees (ketnap.audit.reading), plus the
        user's own actions on objects that concern no person (a code item, a calendar day). Never an entry about a
        person outside those subtrees, whoever wrote it."""
        if self.is_superuser:
            return AuditEntry.objects.all()
        if not self.audit_paths:
            return AuditEntry.objects.none()
        covered = WorkUnit.objects.filter(
            Q(coverages__valid_to__isnull=True) & under(self.audit_paths, "coverages__organization__path")
        ).values("pk")
        return AuditEntry.objects.filter(
            reading.concerning(
                people=Person.objects.filter(under(self.audit_paths, "organization__path")),
                organizations=Organization.objects.filter(under(self.audit_paths)),
                # the departments its chi bộ cover and the hospital (unit) they belong to
                units=WorkUnit.objects.filter(Q(pk__in=covered) | Q(children__in=covered)),
            )
            | reading.own_actions(self.user)
        )

    def read_entries(self):
        """The read log (ketnap.privacy) the audit readers may see: reads of the people of their audit subtrees, and
        downloads (no one person) by users holding a role in those subtrees, plus the user's own downloads."""
        if self.is_superuser:
            return ReadEntry.objects.all()
        if not self.audit_paths:
            return ReadEntry.objects.none()
        people = Person.objects.filter(under(self.audit_paths, "organization__path")).values("pk")
        users = Role.objects.filter(under(self.audit_paths, "organization__path")).values("user_id")
        return ReadEntry.objects.filter(
            Q(person_id__in=people) | Q(person_id__isnull=True) & (Q(user_id__in=users) | Q(user_id=self.user.pk))
        )


def scope_for(request) -> Scope:
    """The request's scope, computed once per request."""
    if not hasattr(request, "_ketnap_scope"):
        request._ketnap_scope = Scope(request.user)
    return request._ketnap_scope
