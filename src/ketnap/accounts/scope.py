"""Who may see and change what: the one place every view, export and command asks.

A role at an organisation reaches that organisation's subtree (current tree). Office, secretary and admin
roles read names and personal data there; an overseer reads aggregated indicators only, never a name.
Objects outside the scope answer 404 (healthchecks' style): views fetch with get_object_or_404 on these
querysets, never on Model.objects.
"""

from functools import cached_property

from django.db.models import Q, QuerySet

from ketnap.accounts.models import RoleKind
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization, PartyMembership, Person, WorkUnit


def _under(paths: list[str], field: str = "path") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


class Scope:
    def __init__(self, user):
        self.user = user
        self.is_superuser = bool(user and user.is_authenticated and user.is_superuser)
        if user and user.is_authenticated:
            self.roles = list(user.roles.select_related("organization"))
        else:
            self.roles = []

    # -- paths -------------------------------------------------------------------------------------
    def _paths(self, kinds: set[str] | None = None) -> list[str]:
        return [r.organization.path for r in self.roles if kinds is None or r.kind in kinds]

    @cached_property
    def aggregate_paths(self) -> list[str]:
        return self._paths()

    @cached_property
    def personal_paths(self) -> list[str]:
        return self._paths(RoleKind.personal_data())

    @cached_property
    def _wide_personal_scope(self) -> bool:
        """Names read above the grassroots (a province or an upper committee's office): a large share of everyone.
        SQLite's planner cannot tell a chi bộ from a province by the SQL alone (_within_personal_scope)."""
        above_base = {OrgKind.PROVINCE, OrgKind.UPPER}
        return any(r.organization.kind in above_base for r in self.roles if r.kind in RoleKind.personal_data())

    @cached_property
    def person(self) -> Person | None:
        """The staff record linked to this login (Person.user; read with the user, accounts.backends): a member sees
        their own page — the people they help, their own road — whatever role they hold, or none."""
        if not (self.user and self.user.is_authenticated):
            return None
        try:
            return self.user.person
        except Person.DoesNotExist:
            return None

    def helped_candidates(self):
        """The candidates this user's staff record helps now (assignments in force, roads still open): all a mentor
        without a role may open, and only through their own page (web.views.mine)."""
        from ketnap.pipeline.enums import Stage
        from ketnap.pipeline.models import Candidate

        if self.person is None:
            return Candidate.objects.none()
        return (
            Candidate.objects.filter(helpers__member=self.person, helpers__until__isnull=True)
            .exclude(stage__in=Stage.terminal())
            .distinct()
        )

    def own_candidacies(self):
        """The user's own roads to the Party (a candidate reads theirs, nothing of anyone else's)."""
        from ketnap.pipeline.models import Candidate

        if self.person is None:
            return Candidate.objects.none()
        return Candidate.objects.filter(person=self.person)

    @property
    def sees_personal_data(self) -> bool:
        return self.is_superuser or bool(self.personal_paths)

    @property
    def is_admin(self) -> bool:
        return self.is_superuser or any(r.kind == RoleKind.ADMIN for r in self.roles)

    # -- querysets ---------------------------------------------------------------------------------
    def organizations(self) -> QuerySet[Organization]:
        """Organisations whose indicators this user may read."""
        if self.is_superuser:
            return Organization.objects.all()
        return Organization.objects.filter(_under(self.aggregate_paths))

    def root_organizations(self) -> list[Organization]:
        """The top nodes of this user's scope (a subtree inside another role's subtree is not a root)."""
        orgs = list(self.organizations().filter(depth=0) if self.is_superuser else [r.organization for r in self.roles])
        paths = sorted({o.path: o for o in orgs}.items())
        roots: list[Organization] = []
        for path, org in paths:
            if not any(path.startswith(r.path) for r in roots):
                roots.append(org)
        return roots

    def personal_organizations(self) -> QuerySet[Organization]:
        """Organisations whose people this user may read (and choose, e.g. as a member's chi bộ)."""
        if self.is_superuser:
            return Organization.objects.all()
        return Organization.objects.filter(_under(self.personal_paths))

    def persons(self) -> QuerySet[Person]:
        """People whose names and personal data this user may read (none for an overseer)."""
        if self.is_superuser:
            return Person.objects.all()
        return self._within_personal_scope(Person.objects.all())

    def memberships(self) -> QuerySet[PartyMembership]:
        if self.is_superuser:
            return PartyMembership.objects.all()
        return PartyMembership.objects.filter(_under(self.personal_paths, "organization__path"))

    def candidates(self):
        """Candidates (outstanding non-members to probationary members) whose names this user may read."""
        from ketnap.pipeline.models import Candidate

        if self.is_superuser:
            return Candidate.objects.all()
        return self._within_personal_scope(Candidate.objects.all())

    def _within_personal_scope(self, rows: QuerySet) -> QuerySet:
        """Rows whose `organization` lies in the personal-data subtrees, in the SQL that suits the scope's size (#14).
        A grassroots committee or a chi bộ: its organisations by their path index, then their rows by the
        organisation's index, so its lists and searches read its own rows, not every row of the database. Above the
        grassroots, most of the register: a join on the path, so that a list is read in name order by that index,
        skipping the few outside."""
        if self._wide_personal_scope:
            return rows.filter(_under(self.personal_paths, "organization__path"))
        return rows.filter(organization__in=self.personal_organizations())

    def work_units(self) -> QuerySet[WorkUnit]:
        """Units covered (now) by an organisation in the personal-data scope."""
        if self.is_superuser:
            return WorkUnit.objects.all()
        return WorkUnit.objects.filter(
            Q(coverages__valid_to__isnull=True) & _under(self.personal_paths, "coverages__organization__path")
        ).distinct()

    # -- checks ------------------------------------------------------------------------------------
    def can_read_people_of(self, org: Organization) -> bool:
        return self.is_superuser or any(org.path.startswith(p) for p in self.personal_paths)

    def can_edit_people_of(self, org: Organization | None) -> bool:
        if org is None:
            return self.is_superuser
        return self.is_superuser or any(
            org.path.startswith(r.organization.path) for r in self.roles if r.kind in RoleKind.editing()
        )

    def can_restructure(self, org: Organization) -> bool:
        """Restructuring the tree is for admins and the office of a committee above the node."""
        return self.is_superuser or any(
            org.path.startswith(r.organization.path)
            and (r.kind == RoleKind.ADMIN or (r.kind == RoleKind.OFFICE and org.pk != r.organization_id))
            for r in self.roles
        )

    def can_manage_within(self, org: Organization) -> bool:
        """Founding sub-organisations and assigning units: the committee's own office may do it too."""
        return self.is_superuser or any(
            org.path.startswith(r.organization.path) and r.kind in {RoleKind.ADMIN, RoleKind.OFFICE} for r in self.roles
        )

    def can_manage_units(self) -> bool:
        """Adding and renaming departments is office work (secretaries and overseers only read)."""
        return self.is_superuser or any(r.kind in {RoleKind.ADMIN, RoleKind.OFFICE} for r in self.roles)

    # -- the audit trail (the Nhật ký page, a person's change log) --------------------------------------
    @cached_property
    def audit_paths(self) -> list[str]:
        """Subtrees whose audit trail this user reads: those of their office and admin roles.

        A chi bộ secretary reads no trail, not even of their own chi bộ: the trail is the đảng ủy's check on how its
        data is kept, the secretaries' own entries included; it keeps values since overwritten (an earlier birth
        date, a religion, why someone was archived) and what was recorded about a person before they came to the
        chi bộ, none of which a chi bộ's work needs: the person and candidate pages show the record as it is now.
        An overseer reads no names, so no trail either; both get 404 on the page."""
        return self._paths({RoleKind.OFFICE, RoleKind.ADMIN})

    def can_see_audit(self) -> bool:
        return self.is_superuser or bool(self.audit_paths)

    def audits_person(self, person: Person) -> bool:
        """Whether the person's own trail and reads are this user's: the person is now in an audit subtree. It is what
        audit_entries() and read_entries() keep of the rows about one person, told without their subqueries."""
        if self.is_superuser:
            return True
        org = person.organization
        return org is not None and any(org.path.startswith(path) for path in self.audit_paths)

    def audit_entries_about(self, person: Person):
        """audit_entries() about one person (their page): only an entry's person ties it to the tree then, so this is
        one indexed read of their entries, not a filter over every person of the subtrees (#14)."""
        from ketnap.audit.models import AuditEntry

        if not self.audits_person(person):
            return AuditEntry.objects.none()
        return AuditEntry.objects.filter(person_id=person.pk)

    def read_entries_about(self, person: Person):
        """read_entries() about one person ("Ai đã xem" on their page), the same way as audit_entries_about."""
        from ketnap.privacy.models import ReadEntry

        if not self.audits_person(person):
            return ReadEntry.objects.none()
        return ReadEntry.objects.filter(person_id=person.pk)

    def audit_entries(self):
        """Entries about the people, organisations and units of the audit subtrees (ketnap.audit.reading), plus the
        user's own actions on objects that concern no person (a code item, a calendar day). Never an entry about a
        person outside those subtrees, whoever wrote it."""
        from ketnap.audit import reading
        from ketnap.audit.models import AuditEntry

        if self.is_superuser:
            return AuditEntry.objects.all()
        if not self.audit_paths:
            return AuditEntry.objects.none()
        covered = WorkUnit.objects.filter(
            Q(coverages__valid_to__isnull=True) & _under(self.audit_paths, "coverages__organization__path")
        ).values("pk")
        return AuditEntry.objects.filter(
            reading.concerning(
                people=Person.objects.filter(_under(self.audit_paths, "organization__path")),
                organizations=Organization.objects.filter(_under(self.audit_paths)),
                # the departments its chi bộ cover and the hospital (unit) they belong to
                units=WorkUnit.objects.filter(Q(pk__in=covered) | Q(children__in=covered)),
            )
            | reading.own_actions(self.user)
        )

    def read_entries(self):
        """The read log (ketnap.privacy) the audit readers may see: reads of the people of their audit subtrees, and
        downloads (no one person) by users holding a role in those subtrees, plus the user's own downloads."""
        from ketnap.accounts.models import Role
        from ketnap.privacy.models import ReadEntry

        if self.is_superuser:
            return ReadEntry.objects.all()
        if not self.audit_paths:
            return ReadEntry.objects.none()
        people = Person.objects.filter(_under(self.audit_paths, "organization__path")).values("pk")
        users = Role.objects.filter(_under(self.audit_paths, "organization__path")).values("user_id")
        return ReadEntry.objects.filter(
            Q(person_id__in=people) | Q(person_id__isnull=True) & (Q(user_id__in=users) | Q(user_id=self.user.pk))
        )


def scope_for(request) -> Scope:
    """The request's scope, computed once per request."""
    if not hasattr(request, "_ketnap_scope"):
        request._ketnap_scope = Scope(request.user)
    return request._ketnap_scope
