"""Synthetic staff, party members and their history for the demo. Pure Python, no Django: every draft is
made from one random.Random in a fixed order, so the same seed and the same `today` give the same people.
"""

import bisect
import datetime as dt
import random
from dataclasses import dataclass

from ketnap.demo import catalogue as cat
from ketnap.demo import data
from ketnap.demo.plan import AUTHORISED_ON, DISTRICT_END_ON, UnitPlan
from ketnap.rules.eligibility import add_months

DAY = dt.timedelta(days=1)
LEADERS = {"gd", "pgd", "head", "deputy", "chief"}


# --- dates --------------------------------------------------------------------------------------------------
def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def months_between(start: dt.date, end: dt.date) -> int:
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - (end.day < start.day)


def retirement_months(year: int, gender: str) -> int:
    """Retirement age in months under the Labour Code 2019 (Decree 135/2020): raised step by step from 2021."""
    steps = max(0, min(year, 2035) - 2020)
    if gender == "M":
        return min(720 + 3 * steps, 744)
    return min(660 + 4 * steps, 720)


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def uniform_day(rng: random.Random, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=rng.randint(0, max(0, (hi - lo).days)))


class Weighted:
    """A fixed weighted choice, drawn with one rng.random() call."""

    def __init__(self, weights: dict | list[tuple]):
        items = list(weights.items()) if isinstance(weights, dict) else list(weights)
        self.values = [v for v, _w in items]
        self.cum, total = [], 0.0
        for _v, w in items:
            total += w
            self.cum.append(total)
        self.total = total

    def __call__(self, rng: random.Random):
        return self.values[bisect.bisect_right(self.cum, rng.random() * self.total)]


# --- the people --------------------------------------------------------------------------------------------
@dataclass(eq=False)
class Draft:
    unit: UnitPlan
    dept: str
    role: str  # gd, pgd, head, deputy, chief, staff
    title: str
    profession: str
    gender: str = "F"
    birth: dt.date = dt.date(1990, 1, 1)
    level: str = "dai_hoc"
    joined: dt.date = dt.date(2015, 1, 1)
    family: str = ""
    middle: str = ""
    given: str = ""
    academic: str | None = None
    ethnicity: str = "01"
    religion: str = "00"
    citizen_id: str | None = None
    phone: str = ""
    staff_code: str = ""
    employment: str = "vien_chuc"
    general_education: str = "thpt"
    youth_union: bool = False
    youth_joined: dt.date | None = None
    trade_union: bool = True
    planning: bool = False
    political_theory: str | None = None
    # party membership
    member: bool = False
    must_official: bool = False
    transfer: bool = False
    decision: dt.date | None = None
    decision_number: str = ""
    ceremony: dt.date | None = None
    official: dt.date | None = None
    card: str = ""
    transfer_on: dt.date | None = None
    external: str = ""
    # an earlier post in the same unit
    earlier_dept: str | None = None
    earlier_title: str = ""
    switch_on: dt.date | None = None
    # people who have left (retired or died): not current staff
    left_on: dt.date | None = None
    end_kind: str | None = None  # transferred_out / died
    ended_on: dt.date | None = None
    early_range: tuple[dt.date, dt.date] | None = None  # the year chosen for an admission before 2020

    def age_on(self, day: dt.date) -> int:
        return age_on(self.birth, day)

    @property
    def probationary(self) -> bool:
        return self.member and self.official is None

    @property
    def entry_on(self) -> dt.date | None:
        """The day the membership enters this unit's register: the ceremony, or the transfer."""
        return self.transfer_on if self.transfer else self.ceremony


FAMILY_NAMES = Weighted(data.FAMILY_NAMES)
MIDDLE = {"M": Weighted(data.MIDDLE_NAMES_MALE), "F": Weighted(data.MIDDLE_NAMES_FEMALE)}
_RARE_GIVEN = {"Êm", "Ổn", "Ơn", "Ưng", "Ước", "Ấn", "Ý", "Ân"}
GIVEN = {
    "M": Weighted([(n, 0.25 if n in _RARE_GIVEN else 1.0) for n in data.GIVEN_NAMES_MALE]),
    "F": Weighted([(n, 0.25 if n in _RARE_GIVEN else 1.0) for n in data.GIVEN_NAMES_FEMALE]),
}
ETHNICITY_LOWLAND = Weighted({"01": 95.3, "02": 1.3, "09": 1.0, "18": 1.2, "04": 0.7, "15": 0.5})
ETHNICITY_HIGHLAND = Weighted({"01": 70, "02": 10, "09": 8, "15": 5, "18": 3, "04": 2, "07": 2})
RELIGION = Weighted({"00": 94, "01": 4.5, "02": 1.5})
STAFF_AGE = Weighted(
    [
        (a, w)
        for a, w in (
            [(a, 1.6) for a in range(22, 25)]
            + [(a, 3.6) for a in range(25, 30)]
            + [(a, 4.4) for a in range(30, 35)]
            + [(a, 4.0) for a in range(35, 40)]
            + [(a, 3.1) for a in range(40, 45)]
            + [(a, 2.5) for a in range(45, 50)]
            + [(a, 1.9) for a in range(50, 55)]
            + [(a, 1.1) for a in range(55, 57)]
            + [(a, 0.7) for a in range(57, 60)]
            + [(a, 0.4) for a in range(60, 62)]
        )
    ]
)
LEADER_AGES = {"gd": (46, 58), "pgd": (40, 58), "head": (37, 58), "deputy": (32, 56), "chief": (34, 55)}
PROFESSION_MIXES = {key: Weighted(mix) for key, mix in cat.PROFESSION_MIX.items()}
SCHOOL_MIXES = {
    "K-Y": Weighted({"bac_si": 70, "dieu_duong": 10, "khac": 20}),
    "K-DD": Weighted({"dieu_duong": 70, "ho_sinh": 15, "bac_si": 15}),
    "K-DUOC": Weighted({"duoc_si": 80, "duoc_trung_cao": 5, "khac": 15}),
    "K-CB": Weighted({"khac": 70, "bac_si": 30}),
}
SCHOOL_HEADS = {"K-Y": "bac_si", "K-DD": "dieu_duong", "K-DUOC": "duoc_si", "K-CB": "khac"}
LEADER_LEVELS_DOCTOR = {"bs_cki": 40, "bs_ckii": 28, "thac_si": 17, "tien_si": 4, "dai_hoc": 11}
EMPLOYMENT_MANUAL = Weighted({"vien_chuc": 40, "hd_nd111": 45, "hdld_xac_dinh": 15})
EMPLOYMENT_BY_AGE = [
    (28, Weighted({"vien_chuc": 58, "hdld_xac_dinh": 36, "hdld_khong_xac_dinh": 6})),
    (35, Weighted({"vien_chuc": 82, "hdld_xac_dinh": 11, "hdld_khong_xac_dinh": 7})),
    (200, Weighted({"vien_chuc": 93, "hdld_khong_xac_dinh": 5, "hdld_xac_dinh": 2})),
]
MANUAL = {"lai_xe", "bao_ve", "ho_ly"}
DEPUTY_TITLES = {"khoa": "Phó trưởng khoa", "phong": "Phó trưởng phòng", "tram": "Phó trạm trưởng"}
HEAD_TITLES = {"khoa": "Trưởng khoa", "phong": "Trưởng phòng", "tram": "Trạm trưởng"}
CHIEF_TITLES = {
    "lam_sang": "Điều dưỡng trưởng",
    "ksnk": "Điều dưỡng trưởng",
    "san": "Hộ sinh trưởng",
    "cls": "Kỹ thuật viên trưởng",
    "cap_cuu": "Điều dưỡng trưởng",
    "ytdp": "Điều dưỡng trưởng",
}
CHIEF_PROFESSION = {"san": "ho_sinh", "cls": "ky_thuat_y"}


class People:
    """Makes the drafts of every unit; keeps what must be unique across units (CCCD, card numbers)."""

    def __init__(self, rng: random.Random, today: dt.date):
        self.rng = rng
        self.today = today
        self.citizen_ids: set[str] = set()
        self.cards: set[str] = set()
        self.max_age = {g: (retirement_months(today.year, g) - 1) // 12 for g in ("M", "F")}

    # -- one person ------------------------------------------------------------------------------------------
    def _roles(self, unit: UnitPlan, dept) -> list[tuple[str, str]]:
        """(role, title) for each post of a department, leaders first."""
        n = dept.size
        school = unit.kind == "school"
        if dept.kind == "bgd":
            return [("gd", "Hiệu trưởng" if school else "Giám đốc")] + [
                ("pgd", "Phó Hiệu trưởng" if school else "Phó Giám đốc")
            ] * (n - 1)
        team = dept.code.startswith("DOI")
        head = "Đội trưởng" if team else HEAD_TITLES.get(dept.kind, "Trưởng khoa")
        deputy = "Đội phó" if team else DEPUTY_TITLES.get(dept.kind, "Phó trưởng khoa")
        if dept.kind == "phong":
            deputies = 2 if n >= 16 else 1 if n >= 8 else 0
        elif dept.kind == "tram":
            deputies = 1 if n >= 7 else 0
        else:
            deputies = 2 if n >= 25 else 1 if n >= 10 else 0
        roles = [("head", head)] + [("deputy", deputy)] * deputies
        if dept.kind == "khoa" and dept.dtype in CHIEF_TITLES and n >= 8:
            roles.append(("chief", CHIEF_TITLES[dept.dtype]))
        return roles + [("staff", "")] * (n - len(roles))

    def _profession(self, unit: UnitPlan, dept, role: str) -> str:
        rng = self.rng
        if role == "gd":
            return "duoc_si" if unit.base_code == "TTKN" else "bac_si"
        if role == "pgd":
            if unit.base_code == "TTKN":
                return "duoc_si"
            return Weighted({"bac_si": 85, "duoc_si": 8, "dieu_duong": 7})(rng)
        if role == "chief":
            return CHIEF_PROFESSION.get(dept.dtype, "dieu_duong")
        if unit.kind == "school" and dept.code in SCHOOL_MIXES:
            if role in {"head", "deputy"}:
                return SCHOOL_HEADS[dept.code]
            return SCHOOL_MIXES[dept.code](rng)
        if role in {"head", "deputy"}:
            if role == "deputy" and dept.dtype in {"khth", "qlcl", "ytdp"} and rng.random() < 0.4:
                return "dieu_duong"
            return cat.HEAD_PROFESSION.get(dept.dtype, "bac_si")
        return PROFESSION_MIXES[dept.dtype](rng)

    def _age(self, role: str, profession: str, gender: str) -> int:
        rng = self.rng
        low = max(22, cat.PROFESSION_MIN_AGE.get(profession, 22))
        high = self.max_age[gender]
        if role in LEADER_AGES:
            a, b = LEADER_AGES[role]
            return rng.randint(max(a, low), min(b, high))
        while True:
            age = STAFF_AGE(rng)
            if low <= age <= high:
                return age

    def _birth(self, age: int, gender: str) -> dt.date:
        today = self.today
        while True:
            latest = add_years(today, -age)
            birth = latest - dt.timedelta(days=self.rng.randint(0, 364))
            if months_between(birth, today) < retirement_months(today.year, gender):
                return birth
            age -= 1

    def _level(self, role: str, profession: str, age: int) -> str:
        if profession == "bac_si" and role in {"gd", "pgd", "head"}:
            weights = LEADER_LEVELS_DOCTOR
        else:
            weights = dict(cat.LEVELS[profession])
            if role in LEADERS and len(weights) > 1:
                ranked = list(weights)
                for code in ranked[-2:]:
                    weights[code] *= 3
                for code in ("chua_dao_tao", "so_cap"):
                    if code in weights and len(weights) > 1:
                        weights.pop(code)
        allowed = {code: w for code, w in weights.items() if age >= cat.LEVEL_MIN_AGE.get(code, 0)}
        if not allowed:
            allowed = {"dai_hoc": 1} if profession in {"bac_si", "duoc_si"} else {next(iter(weights)): 1}
        return Weighted(allowed)(self.rng)

    def _joined(self, birth: dt.date, role: str, profession: str) -> dt.date:
        rng = self.rng
        first = max(22, cat.PROFESSION_MIN_AGE.get(profession, 22))
        mean = 3.0 if role in LEADERS else 3.5
        join_age = first + int(rng.expovariate(1 / mean))
        joined = add_years(birth, join_age) + dt.timedelta(days=rng.randint(0, 364))
        earliest = add_years(birth, first)
        latest = self.today - dt.timedelta(days=15)
        return max(earliest, min(joined, latest)) if earliest <= latest else earliest

    def _identity(self, draft: Draft, highland: bool) -> None:
        rng = self.rng
        draft.family = FAMILY_NAMES(rng)
        while True:
            draft.middle = MIDDLE[draft.gender](rng)
            draft.given = GIVEN[draft.gender](rng)
            if draft.given != draft.middle.split()[-1]:
                break
        draft.ethnicity = (ETHNICITY_HIGHLAND if highland else ETHNICITY_LOWLAND)(rng)
        draft.religion = RELIGION(rng) if draft.ethnicity == "01" else Weighted({"00": 96, "01": 4})(rng)
        if rng.random() < 0.85:
            self.give_citizen_id(draft)
        draft.phone = f"09{rng.randint(0, 99999999):08d}"

    def give_citizen_id(self, draft: Draft) -> None:
        """A unique CCCD: 022 (Quảng Ninh), century-and-gender digit, year of birth, six digits."""
        if draft.citizen_id:
            self.citizen_ids.discard(draft.citizen_id)
        digit = (0 if draft.birth.year < 2000 else 2) + (1 if draft.gender == "F" else 0)
        while True:
            cid = f"022{digit}{draft.birth.year % 100:02d}{self.rng.randint(0, 999999):06d}"
            if cid not in self.citizen_ids:
                self.citizen_ids.add(cid)
                draft.citizen_id = cid
                return

    def make(self, unit: UnitPlan, dept, role: str, title: str) -> Draft:
        rng = self.rng
        profession = self._profession(unit, dept, role)
        share = cat.FEMALE_SHARE[profession]
        if role == "gd":
            share = 0.25
        elif role == "pgd":
            share = 0.4
        elif role in {"head", "deputy"}:
            share = min(share, 0.55) if share > 0.3 else share
        gender = "F" if rng.random() < share else "M"
        birth = self._birth(self._age(role, profession, gender), gender)
        age = age_on(birth, self.today)
        if not title:
            title = "Giảng viên" if unit.kind == "school" and dept.kind == "khoa" else cat.STAFF_TITLE[profession]
            if profession == "hanh_chinh" and rng.random() < 0.15:
                title = "Văn thư"
        draft = Draft(
            unit=unit,
            dept=dept.code,
            role=role,
            title=title,
            profession=profession,
            gender=gender,
            birth=birth,
            level=self._level(role, profession, age),
        )
        draft.joined = self._joined(birth, role, profession)
        self._identity(draft, unit.locality in cat.HIGHLAND)
        if role in LEADERS:
            draft.employment = "vien_chuc"
        elif profession in MANUAL:
            draft.employment = EMPLOYMENT_MANUAL(rng)
        else:
            draft.employment = next(w for limit, w in EMPLOYMENT_BY_AGE if age < limit)(rng)
        if profession in MANUAL and age >= 50 and rng.random() < 0.25:
            draft.general_education = "thcs"
        draft.trade_union = rng.random() < 0.97
        return draft

    # -- a unit ----------------------------------------------------------------------------------------------
    def unit_staff(self, unit: UnitPlan) -> list[Draft]:
        drafts = []
        for dept in unit.depts:
            for role, title in self._roles(unit, dept):
                drafts.append(self.make(unit, dept, role, title))
        for i, draft in enumerate(drafts):
            draft.staff_code = f"{unit.code}-{i + 1:04d}"
        if unit.is_general_hospital:
            self._professors(drafts)
        return drafts

    def _professors(self, drafts: list[Draft]) -> None:
        """A few Phó Giáo sư in the general hospital: the director and two senior heads of department."""
        senior = [
            d for d in drafts if d.profession == "bac_si" and d.role in {"gd", "head"} and d.age_on(self.today) >= 45
        ]
        senior.sort(key=lambda d: (d.role != "gd", d.birth))
        for draft in senior[:3]:
            draft.level, draft.academic = "tien_si", "pgs"


# --- membership -------------------------------------------------------------------------------------------
@dataclass
class Buckets:
    """Ranges of admission-decision dates that the seed story counts."""

    ranges: dict[str, tuple[dt.date, dt.date]]
    last_official: dt.date

    @classmethod
    def for_today(cls, today: dt.date) -> "Buckets":
        c_lo = add_months(today, -12)
        last_official = c_lo - dt.timedelta(days=27)
        ranges = {
            "P0": (dt.date(1975, 1, 1), min(dt.date(2019, 12, 31), last_official)),
            "A": (dt.date(2020, 1, 1), min(dt.date(2023, 7, 31), last_official)),
            "B1": (dt.date(2023, 8, 1), min(dt.date(2025, 6, 30), last_official)),
            "B2": (dt.date(2025, 7, 1), last_official),
            "C": (c_lo, today - dt.timedelta(days=26)),
        }
        return cls({k: v for k, v in ranges.items() if v[0] <= v[1]}, last_official)

    def years(self, key: str) -> float:
        if key not in self.ranges:
            return 0.0
        lo, hi = self.ranges[key]
        return ((hi - lo).days + 1) / 365.25


ADMITTED_2020_2023 = 437  # the seed article: admitted in the sector from 2020 to 7/2023
GENERAL_HOSPITAL_A = 38  # of which the general hospital (its term total is 64)
GENERAL_HOSPITAL_TERM = 64  # admitted by the general hospital in its 2020–2025 term (to 30/6/2025)
FULL_B1_YEARS = ((dt.date(2025, 6, 30) - dt.date(2023, 8, 1)).days + 1) / 365.25  # rest of the term after 7/2023
PROBATIONARY_SHARE = 0.05
SYT_LATE_RATE = 0.35  # the Health Department's own 11 units after 7/2023 (see admission_targets)
TRANSFER_SHARE = 0.08


def _largest_remainder(total: int, weights: dict[str, float]) -> dict[str, int]:
    whole = sum(weights.values())
    shares = {k: total * w / whole for k, w in weights.items()}
    out = {k: int(v) for k, v in shares.items()}
    for k in sorted(shares, key=lambda k: (-(shares[k] - out[k]), k))[: total - sum(out.values())]:
        out[k] += 1
    return out


def admission_targets(plans: list[UnitPlan], buckets: Buckets) -> dict[str, dict[str, int]]:
    """Admissions per unit and date range, so the sector tells the seed story (by data.py's codes).

    The 11 units led by the Health Department's committee in 2023 admit at about a third of the rate after 7/2023, so
    that on 30/6/2023 they already held close to the article's 398 members (and still hold 398 today).
    """
    originals = [p for p in plans if p.copy_no == 1]
    full_a = ((dt.date(2023, 7, 31) - dt.date(2020, 1, 1)).days + 1) / 365.25
    fraction = buckets.years("A") / full_a
    general = next(p.base_code for p in originals if p.is_general_hospital)
    a_total = round(ADMITTED_2020_2023 * fraction)
    a_general = round(GENERAL_HOSPITAL_A * fraction)
    rest = _largest_remainder(
        a_total - a_general, {p.base_code: p.members for p in originals if p.base_code != general}
    )
    c_all = _largest_remainder(
        round(PROBATIONARY_SHARE * sum(p.members for p in originals)),
        {p.base_code: p.members * (SYT_LATE_RATE if p.under_syt else 1.0) for p in originals},
    )
    targets = {}
    for p in originals:
        a = a_general if p.base_code == general else rest[p.base_code]
        rate = a / buckets.years("A") if buckets.years("A") else PROBATIONARY_SHARE * p.members
        late_rate = rate * (SYT_LATE_RATE if p.under_syt else 1.0)
        b1 = round(late_rate * buckets.years("B1"))
        if p.base_code == general and "B1" in buckets.ranges:
            b1 = round((GENERAL_HOSPITAL_TERM - GENERAL_HOSPITAL_A) * buckets.years("B1") / FULL_B1_YEARS)
        b2 = round(late_rate * buckets.years("B2"))
        wanted = {"A": a, "B1": b1, "B2": b2, "C": c_all[p.base_code]}
        targets[p.base_code] = {k: v for k, v in wanted.items() if k in buckets.ranges}
    return targets


AGE_WEIGHTS = [(25, 0.12), (30, 0.45), (35, 0.9), (40, 1.3), (50, 1.8), (200, 2.2)]
LEVEL_WEIGHTS = {
    "chua_dao_tao": 0.25,
    "so_cap": 0.35,
    "trung_cap": 0.6,
    "cao_dang": 0.85,
    "dai_hoc": 1.2,
    "thac_si": 2.0,
    "bs_cki": 2.0,
    "bs_noi_tru": 2.0,
    "bs_ckii": 2.8,
    "tien_si": 2.8,
}


class Members:
    """Chooses each unit's members and dates their admission, transfer and recognition."""

    def __init__(self, people: People, buckets: Buckets, targets: dict[str, dict[str, int]]):
        self.people = people
        self.rng = people.rng
        self.today = people.today
        self.buckets = buckets
        self.targets = targets

    # windows of the admission decision
    def admit_window(self, d: Draft) -> tuple[dt.date, dt.date]:
        # 14 months in the unit: introducers must have worked with the applicant for 12 months before the
        # chi bộ meeting (rules.md §3), which precedes the decision (demo.pipeline_story builds the road)
        lo = max(add_years(d.birth, 22), add_months(d.joined, 14))
        hi = min(add_years(d.birth, 45), self.today - dt.timedelta(days=26))
        return lo, hi

    def transfer_window(self, d: Draft) -> tuple[dt.date, dt.date]:
        lo = add_years(d.birth, 22)
        hi = min(add_months(d.joined, -13), add_years(d.birth, 40), dt.date(2019, 12, 31))
        return lo, hi

    def can_admit(self, d: Draft, official: bool = False) -> bool:
        lo, hi = self.admit_window(d)
        if official:
            hi = min(hi, self.buckets.last_official)
        return (hi - lo).days >= 60

    def can_transfer(self, d: Draft) -> bool:
        lo, hi = self.transfer_window(d)
        return (hi - lo).days >= 30 and d.joined + dt.timedelta(days=60) <= self.today

    def weight(self, d: Draft) -> float:
        """How likely a person is to be a member: older, more qualified and leading staff more so."""
        age = d.age_on(self.today)
        w = next(weight for limit, weight in AGE_WEIGHTS if age < limit)
        w *= LEVEL_WEIGHTS[d.level]
        w *= {"head": 25, "chief": 25, "deputy": 10}.get(d.role, 1)
        if d.employment != "vien_chuc":
            w *= 0.5
        return w

    def _pick(self, candidates: list[Draft], count: int) -> list[Draft]:
        """Weighted sampling without replacement (Efraimidis–Spirakis), deterministic for the rng."""
        rng = self.rng
        keyed = [(rng.random() ** (1.0 / self.weight(d)), i) for i, d in enumerate(candidates)]
        keyed.sort(reverse=True)
        return [candidates[i] for _k, i in keyed[:count]]

    def choose(self, unit: UnitPlan, drafts: list[Draft]) -> None:
        """The unit's members among its staff: three official ones per chi bộ, the board, then the rest by weight."""
        chosen = self._three_officials_per_cell(unit, drafts)
        for d in drafts:
            if d.role in {"gd", "pgd"} and not d.member and self._may_be_member(d):
                d.member = True
                chosen.append(d)
        pool = [d for d in drafts if not d.member and self._may_be_member(d)]
        for d in self._pick(pool, unit.members - len(chosen)):
            d.member = True
            chosen.append(d)
        if len(chosen) != unit.members:
            raise RuntimeError(f"{unit.code}: chỉ chọn được {len(chosen)}/{unit.members} đảng viên")
        self._date(unit, [d for d in drafts if d.member])

    def _may_be_member(self, d: Draft) -> bool:
        return self.can_admit(d) or self.can_transfer(d)

    def _three_officials_per_cell(self, unit: UnitPlan, drafts: list[Draft]) -> list[Draft]:
        """Every chi bộ (as it ever stood) gets at least three official members."""
        by_dept: dict[str, list[Draft]] = {}
        for d in drafts:
            by_dept.setdefault(d.dept, []).append(d)
        chosen: list[Draft] = []
        for group in unit.finest_groups():
            pool = [
                d
                for code in group
                for d in by_dept.get(code, [])
                if self.can_admit(d, official=True) or self.can_transfer(d)
            ]
            for d in self._pick(pool, 3):
                d.member = d.must_official = True
                chosen.append(d)
        return chosen

    def _date(self, unit: UnitPlan, members: list[Draft]) -> None:
        rng = self.rng
        for d in members:  # chosen although only a transfer can make them (official) members here
            if not self.can_admit(d, official=d.must_official):
                d.transfer = True
        wanted = round(TRANSFER_SHARE * len(members)) - sum(d.transfer for d in members)
        candidates = [d for d in members if not d.transfer and self.can_transfer(d)]
        # people who joined the unit older are likelier to have been admitted elsewhere
        keyed = sorted((-(d.joined - d.birth).days / 365.25 + rng.random() * 8, i) for i, d in enumerate(candidates))
        for _k, i in keyed[: max(0, wanted)]:
            candidates[i].transfer = True
        assignment = self._buckets(unit, [d for d in members if not d.transfer])
        for d in members:
            if d.transfer:
                self._transfer(d)
            else:
                self._admit(d, assignment[id(d)])

    def _feasible(self, d: Draft) -> list[str]:
        lo, hi = self.admit_window(d)
        out = []
        for key, (b_lo, b_hi) in self.buckets.ranges.items():
            if d.must_official and key == "C":
                continue
            if max(lo, b_lo) <= min(hi, b_hi):
                out.append(key)
        return out

    def _buckets(self, unit: UnitPlan, admitted: list[Draft]) -> dict[int, str]:
        rng = self.rng
        targets = dict(self.targets[unit.base_code])
        feasible = {id(d): self._feasible(d) for d in admitted}
        assignment: dict[int, str] = {}
        for d in admitted:
            options = feasible[id(d)]
            if not options:
                raise RuntimeError(f"{unit.code}: không xếp được ngày kết nạp cho {d.family} {d.given}")
            if len(options) == 1:
                assignment[id(d)] = options[0]
                if options[0] in targets:
                    targets[options[0]] -= 1
        for key in ("C", "B2", "B1", "A"):
            want = targets.get(key, 0)
            if want <= 0:
                continue
            pool = [d for d in admitted if id(d) not in assignment and key in feasible[id(d)]]
            pool.sort(key=lambda d: ("P0" in feasible[id(d)], rng.random()))
            for d in pool[:want]:
                assignment[id(d)] = key
        for d in admitted:
            if id(d) not in assignment:
                options = feasible[id(d)]
                assignment[id(d)] = "P0" if "P0" in options else rng.choice(options)
        self._early_years([d for d in admitted if assignment[id(d)] == "P0"])
        return assignment

    def _early_years(self, early: list[Draft]) -> None:
        """Spread the admissions before 2020 smoothly over the years (rising to a steady rate by 2008),
        placing the most constrained people first, so that the young do not all land in 2018–2019."""
        rng = self.rng
        p0_lo, p0_hi = self.buckets.ranges["P0"]
        years = range(max(1985, p0_lo.year), p0_hi.year + 1)
        weights = {str(y): 0.15 + 0.85 * min(1.0, max(0.0, (y - 1990) / 18)) for y in years}
        quota = _largest_remainder(len(early), weights)
        windows = {}
        for d in early:
            lo, hi = self.admit_window(d)
            windows[id(d)] = (max(lo, p0_lo), min(hi, p0_hi))
        order = sorted(early, key=lambda d: ((windows[id(d)][1] - windows[id(d)][0]).days, rng.random()))
        for d in order:
            lo, hi = windows[id(d)]
            best = max(range(lo.year, hi.year + 1), key=lambda y: (quota.get(str(y), 0), rng.random()))
            quota[str(best)] = quota.get(str(best), 0) - 1
            d.early_range = (max(lo, dt.date(best, 1, 1)), min(hi, dt.date(best, 12, 31)))

    def _decision_number(self, unit: UnitPlan, day: dt.date) -> str:
        if unit.is_general_hospital and day >= AUTHORISED_ON:
            suffix = "QĐ/ĐU"
        elif unit.under_syt or day >= DISTRICT_END_ON:
            suffix = "QĐ/ĐU"
        else:
            suffix = "QĐ/HU" if cat.LOCALITIES[unit.locality][0] == "huyện" else "QĐ/TU"
        return f"{self.rng.randint(1, 1800)}-{suffix}"

    def _card(self) -> str:
        while True:
            card = f"{self.rng.randint(10_000_000, 99_999_999)}"
            if card not in self.people.cards:
                self.people.cards.add(card)
                return card

    def _admit(self, d: Draft, bucket: str) -> None:
        rng = self.rng
        lo, hi = self.admit_window(d)
        b_lo, b_hi = d.early_range if bucket == "P0" else self.buckets.ranges[bucket]
        d.decision = uniform_day(rng, max(lo, b_lo), min(hi, b_hi))
        d.decision_number = self._decision_number(d.unit, d.decision)
        d.ceremony = d.decision + dt.timedelta(days=rng.randint(5, 25))
        official = add_months(d.ceremony, 12)
        if official <= self.today:
            d.official = official
            d.card = self._card()

    def _transfer(self, d: Draft) -> None:
        rng = self.rng
        lo, hi = self.transfer_window(d)
        d.decision = uniform_day(rng, lo, hi)
        d.decision_number = f"{rng.randint(1, 1800)}-{rng.choice(['QĐ/TU', 'QĐ/HU', 'QĐ/ĐU'])}"
        d.ceremony = d.decision + dt.timedelta(days=rng.randint(5, 25))
        d.official = add_months(d.ceremony, 12)
        d.card = self._card()
        d.transfer_on = min(d.joined + dt.timedelta(days=rng.randint(7, 60)), self.today - DAY)
        parties = cat.EXTERNAL_PARTIES_AFTER if d.transfer_on >= DISTRICT_END_ON else cat.EXTERNAL_PARTIES_BEFORE
        d.external = rng.choice(parties)

    # -- after membership --------------------------------------------------------------------------------------
    def finish(self, unit: UnitPlan, drafts: list[Draft]) -> None:
        """Youth Union, cadre planning, political theory and earlier posts, which depend on membership."""
        rng, today = self.rng, self.today
        for d in drafts:
            age = d.age_on(today)
            # a party member in youth age is a đoàn viên (Điều lệ Điều 4 khoản 1: admitted as one)
            chance = (1.0 if d.member else 0.72) if age <= 30 else 0.12 if age <= 35 else 0.0
            if rng.random() < chance:
                d.youth_union = True
                d.youth_joined = min(
                    add_years(d.birth, rng.randint(14, 17)) + dt.timedelta(days=rng.randint(0, 364)), today
                )
        pool = [d for d in drafts if 30 <= d.age_on(today) <= 50 and d.role != "gd"]
        weights = {id(d): (6 if d.member else 1) * (3 if d.role in LEADERS else 1) for d in pool}
        count = round(0.06 * len(drafts))
        keyed = sorted(((rng.random() ** (1.0 / weights[id(d)]), i) for i, d in enumerate(pool)), reverse=True)
        for _k, i in keyed[:count]:
            pool[i].planning = True
        for d in drafts:
            d.political_theory = self._theory(d)
        self._earlier_posts(unit, drafts)

    def _theory(self, d: Draft) -> str | None:
        rng = self.rng
        if not d.member:
            return "so_cap" if rng.random() < 0.02 else None
        if d.role == "gd":
            return "cu_nhan" if rng.random() < 0.1 else "cao_cap"
        if d.role == "pgd":
            return "cao_cap" if rng.random() < 0.5 else "trung_cap"
        if d.role == "head":
            return "trung_cap" if rng.random() < 0.7 else "so_cap"
        if d.role in {"deputy", "chief"}:
            return "trung_cap" if rng.random() < 0.4 else "so_cap"
        if d.probationary:
            return "so_cap" if rng.random() < 0.3 else "none"
        r = rng.random()
        return "trung_cap" if r < 0.05 else "so_cap" if r < 0.92 else "none"

    def _earlier_posts(self, unit: UnitPlan, drafts: list[Draft]) -> None:
        """About 10 % worked in another department of the unit before (a closed assignment)."""
        rng, today = self.rng, self.today
        offices = [d.code for d in unit.depts if d.kind == "phong"]
        clinical = [d.code for d in unit.depts if d.kind in {"khoa", "tram"}]
        candidates = []
        for d in drafts:
            if d.transfer:
                continue
            earliest = add_years(d.joined, 1)
            latest = d.decision - dt.timedelta(days=30) if d.member else today - dt.timedelta(days=180)
            if (latest - earliest).days >= 30:
                candidates.append((d, earliest, latest))
        rng.shuffle(candidates)
        for d, earliest, latest in candidates[: round(0.10 * len(drafts))]:
            kind = unit.dept(d.dept).kind
            choices = [c for c in (offices if kind == "phong" else clinical) if c != d.dept]
            if not choices:
                continue
            d.earlier_dept = rng.choice(choices)
            d.switch_on = uniform_day(rng, earliest, latest)
            earlier_kind = unit.dept(d.earlier_dept).kind
            if d.role in {"gd", "pgd"}:
                d.earlier_title = HEAD_TITLES.get(earlier_kind, "Trưởng khoa")
            elif d.role == "head":
                d.earlier_title = DEPUTY_TITLES.get(earlier_kind, "Phó trưởng khoa")
            elif d.title.startswith(("Giảng viên", "Văn thư")):
                d.earlier_title = d.title
            else:
                d.earlier_title = cat.STAFF_TITLE[d.profession]

    # -- people who left --------------------------------------------------------------------------------------
    def departed(self, unit: UnitPlan, kind: str) -> Draft:
        """A member who retired (and moved to the residence cell) or died: history, not current staff."""
        rng, today = self.rng, self.today
        depts = [d for d in unit.depts if d.kind != "bgd"]
        dept = Weighted([(d, d.size) for d in depts])(rng)
        role = "head" if rng.random() < 0.2 else "staff"
        title = HEAD_TITLES.get(dept.kind, "Trưởng khoa") if role == "head" else ""
        people = self.people
        while True:
            d = people.make(unit, dept, role, title)
            if kind == "transferred_out":
                left = uniform_day(rng, dt.date(2021, 1, 1), today - dt.timedelta(days=45))
                d.birth = add_months(left, -retirement_months(left.year, d.gender))
                d.ended_on = min(left + dt.timedelta(days=rng.randint(10, 30)), today - DAY)
            else:
                left = uniform_day(rng, dt.date(2019, 1, 1), today - dt.timedelta(days=30))
                d.birth = add_years(left, -rng.randint(40, 59)) - dt.timedelta(days=rng.randint(0, 364))
                d.ended_on = left
            d.left_on, d.end_kind = left, kind
            d.level = people._level(role, d.profession, d.age_on(left))
            d.joined = min(
                add_years(d.birth, 22 + rng.randint(0, 5)) + dt.timedelta(days=rng.randint(0, 364)),
                left - dt.timedelta(days=400),
            )
            if d.citizen_id:  # born on another day than first drawn
                people.give_citizen_id(d)
            lo = max(add_years(d.birth, 22), d.joined + dt.timedelta(days=60))
            hi = min(add_years(d.birth, 45), dt.date(2019, 12, 31), add_months(left, -15))
            if (hi - lo).days >= 60:
                break
        d.member, d.must_official = True, True
        d.youth_union = False
        d.planning = False
        d.decision = uniform_day(rng, lo, hi)
        d.decision_number = self._decision_number(unit, d.decision)
        d.ceremony = d.decision + dt.timedelta(days=rng.randint(5, 25))
        d.official = add_months(d.ceremony, 12)
        d.card = self._card()
        d.political_theory = self._theory(d)
        d.staff_code = ""
        return d
