"""What a user's roles grant over the organisation tree: the paths they reach, what they may read and change there.

Roles and the tree only (accounts.models, registry): the domain apps ask it without reaching up to
ketnap.scope, which reads their models (Scope extends Grants).

The one convention for writes: every service that changes data takes the actor (`actor=`, a user or
audit.context.SYSTEM) and calls authorize(actor, Permission.…, org) before it writes, whoever calls it (a screen,
an import, the CLI). Screens ask the same table through Scope.may() only to choose what to show; the service is
where a write is refused. tests/test_authorize.py calls every write service as an outsider.
"""

import enum
from functools import cached_property

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet

from ketnap.accounts.models import RoleKind
from ketnap.audit.context import SYSTEM
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization, PartyMembership, Person, WorkUnit


def under(paths: list[str], field: str = "path") -> Q:
    query = Q(pk__in=[])
    for path in paths:
        query |= Q(**{f"{field}__startswith": path})
    return query


class Permission(enum.StrEnum):
    """What a write needs, over which organisation (Grants.may)."""

    EDIT_PEOPLE = "edit_people"  # a chi bộ's people, memberships, candidates and their road: secretary, office, admin
    RESTRUCTURE = "restructure"  # rename, move, merge, split, dissolve, powers: admin, the office of a committee above
    MANAGE_WITHIN = "manage_within"  # found a sub-organisation, cover a unit, classes, targets, sign-ins: office, admin
    MANAGE_UNITS = "manage_units"  # a work unit and its departments (given the unit; None: a new unit): office, admin


class Grants:
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
        return Organization.objects.filter(under(self.aggregate_paths))

    def root_organizations(self) -> list[Organization]:
        """The top nodes of this user's scope (a subtree inside another role's subtree is not a root)."""
        orgs = list(self.organizations().filter(depth=0) if self.is_superuser else [r.organization for r in self.roles])
        paths = sorted({o.path: o for o in orgs}.items())
        roots: list[Organization] = []
        for path, org in paths:
            if not any(path.startswith(r.path) for r in roots):
                roots.append(org)
        return roots

    def managed_organizations(self) -> QuerySet[Organization]:
        """Organisations this user may found sub-organisations in, or move, merge, split into (MANAGE_WITHIN): the
        choices the restructuring forms offer, so that none of them is refused when sent."""
        if self.is_superuser:
            return Organization.objects.all()
        return Organization.objects.filter(under(self._paths({RoleKind.ADMIN, RoleKind.OFFICE})))

    def personal_organizations(self) -> QuerySet[Organization]:
        """Organisations whose people this user may read (and choose, e.g. as a member's chi bộ)."""
        if self.is_superuser:
            return Organization.objects.all()
        return Organization.objects.filter(under(self.personal_paths))

    def persons(self) -> QuerySet[Person]:
        """People whose names and personal data this user may read (none for an overseer)."""
        return self.readable(Person.objects.all())

    def memberships(self) -> QuerySet[PartyMembership]:
        if self.is_superuser:
            return PartyMembership.objects.all()
        return PartyMembership.objects.filter(under(self.personal_paths, "organization__path"))

    def readable(self, rows: QuerySet) -> QuerySet:
        """The rows (of a model with an `organization`) whose names this user may read: all of them for a superuser."""
        return rows if self.is_superuser else self._within_personal_scope(rows)

    def _within_personal_scope(self, rows: QuerySet) -> QuerySet:
        """Rows whose `organization` lies in the personal-data subtrees, in the SQL that suits the scope's size (#14).
        A grassroots committee or a chi bộ: its organisations by their path index, then their rows by the
        organisation's index, so its lists and searches read its own rows, not every row of the database. Above the
        grassroots, most of the register: a join on the path, so that a list is read in name order by that index,
        skipping the few outside."""
        if self._wide_personal_scope:
            return rows.filter(under(self.personal_paths, "organization__path"))
        return rows.filter(organization__in=self.personal_organizations())

    def work_units(self) -> QuerySet[WorkUnit]:
        """Units covered (now) by an organisation in the personal-data scope."""
        if self.is_superuser:
            return WorkUnit.objects.all()
        return WorkUnit.objects.filter(
            Q(coverages__valid_to__isnull=True) & under(self.personal_paths, "coverages__organization__path")
        ).distinct()

    # -- checks ------------------------------------------------------------------------------------
    def may(self, permission: Permission, org: Organization | None = None) -> bool:
        checks = {
            Permission.EDIT_PEOPLE: self.can_edit_people_of,
            Permission.RESTRUCTURE: self.can_restructure,
            Permission.MANAGE_WITHIN: self.can_manage_within,
            Permission.MANAGE_UNITS: self.can_manage_unit,
        }
        return checks[permission](org)

    def can_read_people_of(self, org: Organization) -> bool:
        return self.is_superuser or any(org.path.startswith(p) for p in self.personal_paths)

    def can_edit_people_of(self, org: Organization | None) -> bool:
        if org is None:
            return self.is_superuser
        return self.is_superuser or any(
            org.path.startswith(r.organization.path) for r in self.roles if r.kind in RoleKind.editing()
        )

    def can_restructure(self, org: Organization | None) -> bool:
        """Restructuring the tree is for admins and the office of a committee above the node."""
        if org is None:
            return self.is_superuser
        return self.is_superuser or any(
            org.path.startswith(r.organization.path)
            and (r.kind == RoleKind.ADMIN or (r.kind == RoleKind.OFFICE and org.pk != r.organization_id))
            for r in self.roles
        )

    def can_manage_within(self, org: Organization | None) -> bool:
        """Founding sub-organisations and assigning units: the committee's own office may do it too. Above every
        organisation (a new root): the superuser only."""
        if org is None:
            return self.is_superuser
        return self.is_superuser or any(
            org.path.startswith(r.organization.path) and r.kind in {RoleKind.ADMIN, RoleKind.OFFICE} for r in self.roles
        )

    def can_manage_units(self) -> bool:
        """Adding and renaming departments is office work (secretaries and overseers only read)."""
        return self.is_superuser or any(r.kind in {RoleKind.ADMIN, RoleKind.OFFICE} for r in self.roles)

    def can_manage_unit(self, unit: WorkUnit | None) -> bool:
        """Office work on a unit the user reaches: one covered in their scope, or the parent of one (the screens' units,
        web.views.registry._visible_units). None, a unit not yet made (a new hospital of an imported tree): the office
        work alone, as before units had owners."""
        if not self.can_manage_units():
            return False
        if unit is None or self.is_superuser:
            return True
        return self.work_units().filter(Q(pk=unit.pk) | Q(parent_id=unit.pk)).exists()

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


def authorize(actor, permission: Permission, *orgs: Organization | None) -> None:
    """The check every write service makes before it writes (see the module docstring): PermissionDenied (403 on a
    screen, a refused row in an import) unless the actor may do it over each organisation. SYSTEM passes; None is
    refused (fail closed)."""
    if actor is SYSTEM:
        return
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    grants = Grants(actor)
    if not all(grants.may(permission, org) for org in orgs or (None,)):
        raise PermissionDenied
