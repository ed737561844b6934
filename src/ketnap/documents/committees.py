"""The party bodies a form names: the committee that signs for an organisation, the superior line of a
heading, the base organisation, and who decides an admission."""

import re

from ketnap.documents.wording import DOTS
from ketnap.registry.enums import OrgKind


def committee_name(org) -> str:
    """The committee that signs for an organisation: “Đảng bộ X” is led by “Đảng ủy X”."""
    if org is None:
        return DOTS
    name = org.name
    for prefix, committee in (("Đảng bộ tỉnh ", "Tỉnh ủy "), ("Đảng bộ thành phố ", "Thành ủy ")):
        if org.kind == OrgKind.PROVINCE and name.startswith(prefix):
            return committee + name[len(prefix) :]
    return "Đảng ủy " + name[len("Đảng bộ ") :] if name.startswith("Đảng bộ ") else name


def _ancestors(org) -> list:
    """The organisation's ancestors, nearest first."""
    from ketnap.registry.models import Organization

    return list(Organization.objects.filter(pk__in=org.ancestor_ids()).order_by("-depth"))


GENERIC_PLACE = re.compile(r"\b(tỉnh|thành phố)$", re.IGNORECASE)


def heading_upper(org) -> str:
    """The superior organisation's line of a heading (HD 36-HD/VPTW: tên cơ quan cấp trên trực tiếp), in capitals.

    The direct parent in the organisation tree; a name that ends on a bare “tỉnh” / “thành phố” (“Đảng bộ UBND
    tỉnh”, “Đảng bộ Khối các cơ quan tỉnh”) does not say which province, so the province found above it in the tree
    is added (“ĐẢNG BỘ UBND TỈNH QUẢNG NINH”). The province's own name (“Đảng bộ tỉnh Quảng Ninh”) is kept."""
    if org is None:
        return ""
    name = org.name
    if org.kind != OrgKind.PROVINCE and GENERIC_PLACE.search(name):
        province = next((o for o in [*_ancestors(org)] if o.kind == OrgKind.PROVINCE), None)
        place = _province_place(province)
        if place:
            name = f"{name} {place}"
    return name.upper()


def _province_place(province) -> str:
    """“Đảng bộ tỉnh Quảng Ninh” → “Quảng Ninh” (the place name after “tỉnh” / “thành phố”)."""
    if province is None:
        return ""
    name = province.name
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ "):
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return ""


def base_organization(cell):
    """The base organisation (đảng bộ cơ sở or chi bộ cơ sở) a chi bộ belongs to."""
    if cell.kind in OrgKind.base_kinds():
        return cell
    return next((o for o in _ancestors(cell) if o.kind in OrgKind.base_kinds()), None)


def deciding_by_whole_committee(deciding) -> bool:
    """rules.md §2.1 (QĐ 29 §4.3.2; HD 06-HD/TW điểm 3.7.a): an authorised đảng ủy cơ sở decides as a whole
    committee; anyone else (the committee above the base, a đảng ủy with above-base powers, the province) decides
    through its standing committee."""
    return bool(deciding and deciding.kind in OrgKind.base_kinds() and deciding.authorised_to_admit)
