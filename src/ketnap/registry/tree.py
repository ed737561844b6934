"""The organisation tree as it stood on a day, read from the versions (OrganizationVersion); a read below the services
(registry.indicators draws on it; the services write the versions it reads)."""

import datetime as dt

from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization, OrganizationVersion


def tree_on(
    day: dt.date, roots: list[Organization] | None = None
) -> tuple[list[OrganizationVersion], dict[int | None, list[OrganizationVersion]]]:
    """The tree as it stood on `day`: (all versions in force, children by parent organisation id). With `roots`, only
    the subtrees under them as they stood that day, read level by level (a query per level, not the whole register)."""
    in_force = (
        OrganizationVersion.objects.on(day).select_related("organization").order_by("organization__position", "name")
    )
    versions = list(in_force) if roots is None else _subtrees(in_force, roots)
    children: dict[int | None, list[OrganizationVersion]] = {}
    for version in versions:
        children.setdefault(version.parent_id, []).append(version)
    return versions, children


def _subtrees(in_force, roots: list[Organization]) -> list[OrganizationVersion]:
    """The versions under `roots`, read level by level."""
    versions, seen = [], set()
    level = list(in_force.filter(organization_id__in=[root.pk for root in roots]))
    while level:
        level = [v for v in level if v.organization_id not in seen]
        seen.update(v.organization_id for v in level)
        versions += level
        parents = [v.organization_id for v in level if v.kind not in OrgKind.cell_kinds()]  # chi bộ: leaves
        level = list(in_force.filter(parent_id__in=parents)) if parents else []
    return versions
