"""The shape of the demo province before anything is written: units, departments and their sizes, chi bộ
and which departments each covers over time. Pure Python, no Django, no randomness.
"""

import datetime as dt
from dataclasses import dataclass, field

from ketnap.demo import catalogue as cat
from ketnap.demo import data

REGISTER_START = dt.date(2010, 1, 1)  # the register's history starts here
AUTHORISED_ON = dt.date(2020, 10, 15)  # the general hospital's đảng ủy authorised to admit
SPLIT_ON = dt.date(2022, 4, 1)  # Chi bộ Khối Ngoại split in two
PROVINCE_REFORM_ON = dt.date(2025, 2, 1)  # Đảng bộ UBND tỉnh; Khối các cơ quan ended
DISTRICT_END_ON = dt.date(2025, 7, 1)  # QĐ 294-QĐ/TW: no district level


@dataclass
class DeptPlan:
    code: str  # within the unit (data.py's code)
    name: str
    kind: str  # khoa / phong / tram / bgd
    dtype: str  # staffing profile (catalogue.PROFESSION_MIX)
    weight: float = 1.0
    size: int = 0


@dataclass
class CellPlan:
    key: str  # "" = the base organisation itself (a chi bộ cơ sở)
    name: str
    depts: list[str]
    start: dt.date = REGISTER_START
    end: dt.date | None = None


@dataclass
class UnitPlan:
    code: str
    base_code: str  # the code in data.PROVINCIAL_UNITS (copies share it)
    copy_no: int  # 1 = the original
    name: str
    short: str
    kind: str
    under_syt: bool
    staff: int
    members: int
    locality: str
    depts: list[DeptPlan] = field(default_factory=list)
    org_kind: str = "base_committee"
    cells: list[CellPlan] = field(default_factory=list)
    split: tuple[dt.date, str, list[str]] | None = None  # (on, source key, target keys)
    merge: tuple[dt.date, list[str], str] | None = None  # (on, source keys, target key)

    @property
    def is_general_hospital(self) -> bool:
        return self.kind == "general_hospital"

    @property
    def org_name(self) -> str:
        return ("Đảng bộ " if self.org_kind == "base_committee" else "Chi bộ ") + self.name

    def cell_code(self, key: str) -> str:
        return f"{self.code}.{key}" if key else self.code

    def dept(self, code: str) -> DeptPlan:
        return next(d for d in self.depts if d.code == code)

    def cell_on(self, dept_code: str, day: dt.date) -> str:
        """Key of the chi bộ covering a department on `day` (before the register started: the first one)."""
        day = max(day, REGISTER_START)
        for cell in self.cells:
            if dept_code in cell.depts and cell.start <= day and (cell.end is None or day < cell.end):
                return cell.key
        raise LookupError(f"{self.code}: {dept_code} không có chi bộ ngày {day}")

    def cell_changes(self, dept_code: str, start: dt.date, end: dt.date) -> list[tuple[dt.date, str, str]]:
        """(on, from key, to key) for each change of a department's chi bộ in (start, end]."""
        changes = []
        for on in sorted({c.start for c in self.cells} | {c.end for c in self.cells if c.end}):
            if start < on <= end:
                before, after = self.cell_on(dept_code, on - dt.timedelta(days=1)), self.cell_on(dept_code, on)
                if before != after:
                    changes.append((on, before, after))
        return changes

    def finest_groups(self) -> list[list[str]]:
        """Departments grouped by every chi bộ they ever belonged to: each group needs its own members."""
        groups: dict[tuple[str, ...], list[str]] = {}
        for dept in self.depts:
            keys = tuple(cell.key for cell in self.cells if dept.code in cell.depts)
            groups.setdefault(keys, []).append(dept.code)
        return list(groups.values())


def _short(name: str) -> str:
    for prefix in ("Khoa ", "Phòng ", "Trạm Y tế "):
        if name.startswith(prefix):
            return name[len(prefix) :]
    return name


def _departments(unit: dict) -> list[tuple[str, str, str]]:
    code, kind, staff = unit["code"], unit["kind"], unit["staff"]
    board = [cat.SCHOOL_BOARD if kind == "school" else cat.BOARD]
    if kind == "general_hospital":
        return board + list(data.HOSPITAL_DEPARTMENTS)
    if kind == "district_hc":
        khoa = [d for d in data.HEALTH_CENTRE_DEPARTMENTS if d[2] != "tram"]
        if staff < 150:
            khoa = [d for d in khoa if d[0] in cat.SMALL_CENTRE_CODES]
        if code == "BVTT-DT":
            stations = [d for d in data.HEALTH_CENTRE_DEPARTMENTS if d[2] == "tram"]
        else:
            locality = cat.locality_of(code, unit["name"])
            count = max(3, min(6, staff // 50, len(cat.STATIONS[locality])))
            stations = [
                (f"TYT-{i + 1}", f"Trạm Y tế {ward}", "tram") for i, ward in enumerate(cat.STATIONS[locality][:count])
            ]
        return board + khoa + stations
    if kind == "specialty_hospital":
        codes, extra = cat.SPECIALTY_DEPARTMENTS[code]
        known = {d[0]: d for d in data.HOSPITAL_DEPARTMENTS}
        chosen = [known[c] for c in codes]
        khoa = [d for d in chosen if d[2] == "khoa"]
        phong = [d for d in chosen if d[2] == "phong"]
        # own specialties first, then the rest (clinical before paraclinical as in data.py)
        return board + list(extra) + khoa + phong
    return board + list(cat.CENTRE_DEPARTMENTS[code])


def _allocate(total: int, depts: list[DeptPlan], board_size: int, minimum: int) -> None:
    """Department sizes adding up to `total`: the board fixed, the rest by weight (largest remainder)."""
    others = [d for d in depts if d.kind != "bgd"]
    for d in depts:
        if d.kind == "bgd":
            d.size = board_size
    rest = total - board_size
    weight = sum(d.weight for d in others)
    shares = [rest * d.weight / weight for d in others]
    sizes = [int(s) for s in shares]
    order = sorted(range(len(others)), key=lambda i: (-(shares[i] - sizes[i]), i))
    for i in order[: rest - sum(sizes)]:
        sizes[i] += 1
    for i, d in enumerate(others):
        d.size = sizes[i]
    # every department gets at least `minimum` (its leaders), taken from the largest
    for d in others:
        while d.size < minimum:
            biggest = max(others, key=lambda x: (x.size, -others.index(x)))
            biggest.size -= 1
            d.size += 1


def _family(dept: DeptPlan) -> str:
    if dept.kind in {"bgd", "phong"}:
        return "phong"
    if dept.kind == "tram":
        return "tram"
    return cat.FAMILY_OF.get(dept.code, "noi")


def _generic_cells(unit: UnitPlan) -> list[CellPlan]:
    """3–8 chi bộ by department families: merge the smallest neighbours or split the largest to fit."""
    target = max(3, min(8, round(unit.staff / 100) + 2))
    groups = _family_groups(unit)
    while len(groups) > target and _merge_smallest_neighbours(groups):
        pass
    while len(groups) < target and _split_largest(groups):
        pass
    return _cells_of(groups)


def _family_groups(unit: UnitPlan) -> list[dict]:
    """The unit's departments, neighbours of one family together, in the families' order."""
    groups: list[dict] = []
    for dept in sorted(unit.depts, key=lambda d: cat.FAMILIES[_family(d)][0]):
        family = _family(dept)
        if groups and groups[-1]["family"] == family:
            groups[-1]["depts"].append(dept)
        else:
            groups.append({"family": family, "depts": [dept], "names": [family], "part": 0})
    return groups


def _group_size(group: dict) -> int:
    return sum(d.size for d in group["depts"])


def _merge_smallest_neighbours(groups: list[dict]) -> bool:
    """Merge the two neighbouring groups smallest together (phòng and trạm stay apart); False when none can."""
    fixed = {"phong", "tram"}
    pairs = [
        (_group_size(groups[i]) + _group_size(groups[i + 1]), i)
        for i in range(len(groups) - 1)
        if groups[i]["family"] not in fixed and groups[i + 1]["family"] not in fixed
    ]
    if not pairs:
        return False
    _total, i = min(pairs)
    first, second = groups[i], groups.pop(i + 1)
    first["depts"] += second["depts"]
    first["names"] += second["names"]
    first["family"] = "merged"
    return True


def _split_largest(groups: list[dict]) -> bool:
    """Split the largest group of two or more departments in two halves; False when none can."""
    splittable = [(_group_size(g), -i) for i, g in enumerate(groups) if len(g["depts"]) >= 2]
    if not splittable:
        return False
    _size, neg = max(splittable)
    i = -neg
    group = groups[i]
    half = len(group["depts"]) // 2
    second = {**group, "depts": group["depts"][half:], "part": 2}
    group["depts"], group["part"] = group["depts"][:half], 1
    groups.insert(i + 1, second)
    return True


def _cells_of(groups: list[dict]) -> list[CellPlan]:
    """A chi bộ per group, named after its families ("Khối lâm sàng n" when that name would be too long)."""
    cells, generic = [], 0
    for i, group in enumerate(groups):
        if len(group["names"]) == 1:
            name = cat.FAMILIES[group["names"][0]][1]
        else:
            name = " – ".join(cat.FAMILIES[n][2] for n in group["names"])
            if len(group["names"]) > 3 or len(name) > 45:
                generic += 1
                name = f"Khối lâm sàng {generic}"
        if group["part"]:
            name = f"{name} {group['part']}"
        cells.append(CellPlan(f"CB{i + 1}", "Chi bộ " + name, [d.code for d in group["depts"]]))
    if generic == 1:
        for cell in cells:
            cell.name = cell.name.replace("Khối lâm sàng 1", "Khối lâm sàng")
    return cells


def unit_plans(scale: int, today: dt.date) -> list[UnitPlan]:
    """The 30 units of data.py, then scale-1 numbered copies of all of them (≈ 8,000 more staff each)."""
    sources = list(data.PROVINCIAL_UNITS)
    entries = [(u, 1) for u in sources]
    for copy_no in range(2, scale + 1):
        entries += [(u, copy_no) for u in sources]  # ≈ 8,000 staff per copy: --scale 10 ≈ 80,000
    return [_unit_plan(unit, copy_no, today) for unit, copy_no in entries]


def _unit_plan(unit: dict, copy_no: int, today: dt.date) -> UnitPlan:
    """One unit (a numbered copy when copy_no > 1): its departments sized, and its chi bộ."""
    suffix_code = f"-{copy_no}" if copy_no > 1 else ""
    suffix_name = f" số {copy_no}" if copy_no > 1 else ""
    locality = cat.locality_of(unit["code"], unit["name"]) if not unit["under_syt_2023"] else ""
    plan = UnitPlan(
        code=unit["code"] + suffix_code,
        base_code=unit["code"],
        copy_no=copy_no,
        name=unit["name"] + suffix_name,
        short=unit["short"] + suffix_name,
        kind=unit["kind"],
        under_syt=unit["under_syt_2023"],
        staff=unit["staff"],
        members=unit["members"],
        locality=locality,
    )
    main = cat.MAIN_SPECIALTY.get(unit["code"], set())
    for code, name, kind in _departments(unit):
        dtype = cat.dept_type(code, kind, unit["kind"])
        plan.depts.append(DeptPlan(code, name, kind, dtype, cat.size_weight(code, kind, dtype, main)))
    staff = plan.staff
    deputies = 3 if staff >= 600 else 2 if staff >= 250 else 1
    _allocate(staff, plan.depts, 1 + deputies, 3 if staff < 60 else 4)
    if staff < 150:
        plan.org_kind = "base_cell"
        plan.cells = [CellPlan("", plan.org_name, [d.code for d in plan.depts])]
    elif plan.is_general_hospital:
        _general_hospital_cells(plan, today)
    elif unit["code"] == "BVTT-DT":
        plan.cells = [CellPlan(key, name, list(depts)) for key, name, depts in cat.DONG_TRIEU_CELLS]
    else:
        plan.cells = _generic_cells(plan)
    covered = sorted(code for cell in plan.cells for code in cell.depts if cell.end is None)
    assert covered == sorted(d.code for d in plan.depts), (plan.code, covered)
    return plan


def _general_hospital_cells(plan: UnitPlan, today: dt.date) -> None:
    """The seed story's general hospital: its chi bộ, the 2022 split of one and the 1/7/2025 merger of two."""
    plan.cells = [CellPlan(key, name, list(depts)) for key, name, depts in cat.GENERAL_HOSPITAL_CELLS]
    source_key, parts = cat.GENERAL_HOSPITAL_SPLIT
    if today >= SPLIT_ON:
        next(c for c in plan.cells if c.key == source_key).end = SPLIT_ON
        plan.cells += [CellPlan(key, name, list(depts), start=SPLIT_ON) for key, name, depts in parts]
        plan.split = (SPLIT_ON, source_key, [key for key, _n, _d in parts])
    sources_keys, (target_key, target_name) = cat.GENERAL_HOSPITAL_MERGE
    if today >= DISTRICT_END_ON:
        merged_depts = []
        for cell in plan.cells:
            if cell.key in sources_keys:
                cell.end = DISTRICT_END_ON
                merged_depts += cell.depts
        plan.cells.append(CellPlan(target_key, target_name, merged_depts, start=DISTRICT_END_ON))
        plan.merge = (DISTRICT_END_ON, list(sources_keys), target_key)
