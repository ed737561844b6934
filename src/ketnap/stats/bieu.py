"""The statistical forms of Hướng dẫn 11-HD/BTCTW (13/12/2021): biểu 2 (new members admitted in a period) and
biểu 3 (the membership on a day), each with "Kỳ này | Cùng kỳ năm trước | %".

The screen, the .xlsx, the .csv and the PDF all present the Table these two functions return: there is no other code
path for these figures. The counting is done by the database: one aggregate query per column of the form and kind of
row (members on a day; admissions by membership event or by decision step), over the organisations that can count in
the subtree (stats.admissions.Attribution); only the people of an organisation split since, whose place depends on
where they are now, are read one by one and counted in Python (Tally), with the same rules. Biểu 3's members and
biểu 2's admissions by membership event are counted per organisation (grouped in the same query) and kept for the day
or period (stats.kept_counts): the next look counts again only the organisations changed since.

Row structure: rules.md §5, checked row by row against two third-party implementations of the 2021 forms that agree
(github thanhvu16/quan_ly_can_bo, Modules/BaoCaoThongKe/Resources/views/mau-bao-cao-excel/{2a,3}.blade.php, and a
React "ThongKe4Page" with the same rows); the official text (thuvienphapluat, Hướng dẫn 11-HD/BTCTW) could not be
read past its preamble, so the layout is still unconfirmed against the paper form. From those forms:
- the columns are numbered under the header: Tiêu chí 1, Kỳ này 2, Cùng kỳ năm trước 3, % 4 (=2×100/3)
  (FormTable.column_numbers; ketnap's Mã số column has no number);
- biểu 2 III counts đảng bộ cơ sở and chi bộ cơ sở apart, each with "có kết nạp đảng viên" and "không còn quần chúng";
- biểu 3 II.1 splits "a. Đảng viên đang làm việc và công tác" (the occupations) from "b. Đảng viên đã nghỉ hưu và
  nghỉ công tác", with "Trong đó: được miễn công tác và sinh hoạt đảng" under b;
- the occupation "Khác" is "lao động hợp đồng, tự do…".
Assumptions of ketnap, stated in each table's note or in a note row:
- personal attributes (gender, ethnicity, education …) are today's values: the registry does not keep their history;
- the form's occupation (II.1) is not recorded per person: công chức count as "công chức trong cơ quan nhà nước",
  contract workers (the employment types hợp đồng …) and the employment type "Khác" as "Khác", everybody else
  (viên chức, or no employment type recorded) as "viên chức trong đơn vị sự nghiệp công lập" (the code list's
  hospital default);
- retirement is not recorded (a person has a leaving date, not a reason): row b of biểu 3 II.1 stays empty and every
  member counts under a; exemption from activities is the membership's current flag;
- professional levels go to the form's rows by their stat_group (BS CKI, nội trú → thạc sĩ; CKII → tiến sĩ), said on
  the form in a note row under the levels and flagged on the rows it changes;
- political theory: cao cấp and cử nhân are one row on the form.
"""

import datetime as dt
import enum
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from django.db import connections
from django.db.models import F, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from ketnap.registry import codelists
from ketnap.registry.enums import CodeKind, Gender, MembershipStatus, OrgKind
from ketnap.registry.models import CodeItem, Organization, OrganizationVersion, Person
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.stats import admissions as admissions_
from ketnap.stats import figures, kept_counts, sqldates
from ketnap.stats.idlist import id_list
from ketnap.stats.models import KeptMemberSpan
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, Table, percent

SOURCE = "Hướng dẫn 11-HD/BTCTW ngày 13/12/2021 của Ban Tổ chức Trung ương"
KINH = "01"  # ethnicity code of the Kinh: every other known ethnicity is an ethnic minority
NO_RELIGION = "00"
AGE_GROUPS = [(18, 30), (31, 35), (36, 40), (41, 45), (46, 50), (51, 55), (56, 60)]
UNIVERSITY_AND_ABOVE = {"dai_hoc", "thac_si", "tien_si"}
# employment types (code list employment_type) counted as the form's occupation "Khác (lao động hợp đồng, tự do…)"
CONTRACT_EMPLOYMENT = frozenset({"hdld_khong_xac_dinh", "hdld_xac_dinh", "hd_nd111"})
OTHER_EMPLOYMENT = "khac"
OTHER_OCCUPATION = "khac"
# the number of each column on the form, under its header (Mã số is ketnap's and has none)
COLUMN_NUMBERS = {"code": "", "label": "1", "current": "2", "previous": "3", "percent": "4 (=2×100/3)"}
LEVEL_GROUPS = ["so_cap", "trung_cap", "cao_dang", "dai_hoc", "thac_si", "tien_si"]
THEORY_GROUPS = {"so_cap": "so_cap", "trung_cap": "trung_cap", "cao_cap": "cao_cap", "cu_nhan": "cao_cap"}
# Thời kỳ vào Đảng (biểu 3): by the first admission decision (party seniority counts from it, Điều lệ Điều 5 khoản 4)
JOINING_PERIODS = [
    (dt.date(1945, 8, 18), gettext_noop("Trước 19/8/1945")),
    (dt.date(1954, 7, 20), gettext_noop("Từ 19/8/1945 đến 20/7/1954")),
    (dt.date(1975, 4, 30), gettext_noop("Từ 21/7/1954 đến 30/4/1975")),
    (dt.date.max, gettext_noop("Từ 01/5/1975 đến nay")),
]
PERSON_FIELDS = (
    "pk",
    "gender",
    "birth_date",
    "ethnicity_id",
    "religion_id",
    "youth_union_member",
    "general_education_id",
    "professional_level_id",
    "academic_title_id",
    "political_theory_id",
    "employment_type_id",
    "organization_id",
)
NOTE_BIEU2 = gettext_noop(
    "Kết nạp tính theo ngày quyết định kết nạp, vào tổ chức đảng đã kết nạp (tổ chức đã hợp nhất, chia tách chuyển "
    "cho tổ chức kế tục), trong cây tổ chức tại ngày cuối kỳ; tuổi tính tại ngày quyết định. Mục III theo cây tổ chức "
    "tại ngày cuối mỗi kỳ; “không còn quần chúng”: tổ chức có nhân sự và toàn bộ nhân sự là đảng viên."
)
NOTE_BIEU3 = gettext_noop(
    "Đảng viên đang sinh hoạt (dự bị, chính thức) tại ngày báo cáo theo lịch sử biến động, trong cây tổ chức tại ngày "
    "đó; cột cùng kỳ: cùng ngày năm trước, tính cho các tổ chức nay thuộc cây này. Tuổi tính tại ngày báo cáo; thời kỳ "
    "vào Đảng theo ngày quyết định kết nạp lần đầu. ketnap không ghi việc nghỉ hưu (chỉ ghi ngày thôi việc, không ghi "
    "lý do): dòng “Đảng viên đã nghỉ hưu và nghỉ công tác” để trống, mọi đảng viên tính ở mục a theo loại hình lao "
    "động. “Được miễn công tác và sinh hoạt đảng” theo tình trạng miễn hiện tại của đảng viên (không lưu ngày được "
    "miễn), kể cả người chưa được ghi là nghỉ hưu."
)
CHUNK = 5000  # ids per IN (...) list: far below every database's parameter limit


# --- shared by the statistics modules -------------------------------------------------------------
@dataclass(frozen=True)
class TreeNode:
    org_id: int
    parent_id: int | None
    kind: str
    name: str
    code: str


def subtree_on(org: Organization, day: dt.date) -> dict[int, TreeNode]:
    """`org` and everything under it as the tree stood on `day` (names, kinds, parents of that day); empty when the
    organisation did not exist then. Read level by level from the versions in force that day: a query per level
    (a chi bộ has nothing under it: Điều lệ Đảng Điều 24)."""
    fields = ("organization_id", "parent_id", "kind", "name", "organization__code")
    versions = OrganizationVersion.objects.on(day)
    out: dict[int, TreeNode] = {}
    level = [TreeNode(*r) for r in versions.filter(organization_id=org.pk).values_list(*fields)]
    while level:
        out.update((node.org_id, node) for node in level)
        parents = [node.org_id for node in level if node.kind not in OrgKind.cell_kinds()]
        rows = versions.filter(parent_id__in=id_list(parents)).values_list(*fields) if parents else []
        level = [TreeNode(*r) for r in rows if r[0] not in out]
    return out


@cache
def hospital_occupation() -> str:
    """The occupation row of biểu 2 II.1 where public hospital staff go (the code list's hospital_default)."""
    items = codelists.read()["lists"][CodeKind.OCCUPATION]["items"]
    return next(i["code"] for i in items if i.get("hospital_default"))


def occupation_of(employment_code: str | None) -> str:
    """ketnap records the employment type, not the form's occupation: công chức work in a state agency (e.g. the
    Sở Y tế); contract workers (hợp đồng lao động, hợp đồng NĐ 111) and the employment type "Khác" go to the form's
    "Khác (lao động hợp đồng, tự do…)"; viên chức, and whoever has no employment type recorded, to the public
    service unit row, the code list's hospital default (rules.md §5, biểu 2 II.1)."""
    if employment_code == "cong_chuc":
        return "cong_chuc_nha_nuoc"
    if employment_code in CONTRACT_EMPLOYMENT or employment_code == OTHER_EMPLOYMENT:
        return OTHER_OCCUPATION
    return hospital_occupation()


def age_on(birth: dt.date, day: dt.date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def code_items() -> dict[int, tuple[str, str, str]]:
    """CodeItem id -> (kind, code, stat_group): one small query instead of a join per coded attribute."""
    return {
        pk: (kind, code, group)
        for pk, kind, code, group in CodeItem.objects.values_list("pk", "kind", "code", "stat_group")
    }


def people_rows(ids) -> dict[int, tuple]:
    """PERSON_FIELDS of the given people, by id (chunked IN lists)."""
    ids = list(ids)
    out: dict[int, tuple] = {}
    for start in range(0, len(ids), CHUNK):
        for row in Person.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(*PERSON_FIELDS):
            out[row[0]] = row
    return out


# --- counting -------------------------------------------------------------------------------------
def _coded(codes: dict[int, tuple[str, str, str]], pk: int | None) -> tuple[str, str, str] | None:
    """A code item's (kind, code, stat_group), or None when nothing is recorded."""
    return codes.get(pk) if pk is not None else None


def _profile_keys(person: tuple, codes: dict[int, tuple[str, str, str]]) -> list[str]:
    """Gender, ethnicity, religion, the Youth Union."""
    _pk, gender, _birth, ethnicity, religion, youth, *_rest = person
    keys = []
    if gender == Gender.FEMALE:
        keys.append("female")
    if (eth := _coded(codes, ethnicity)) and eth[1] != KINH:
        keys.append("minority")
    if (rel := _coded(codes, religion)) and rel[1] != NO_RELIGION:
        keys.append("religion")
    if youth:
        keys.append("youth")
    return keys


def _qualification_keys(person: tuple, codes: dict[int, tuple[str, str, str]]) -> list[str]:
    """Occupation, general education, professional level, academic title, political theory."""
    *_rest, education, level, title, theory, employment, _org = person
    emp = _coded(codes, employment)
    keys = ["occ:" + occupation_of(emp[1] if emp else None)]
    if edu := _coded(codes, education):
        keys.append("edu:" + edu[1])
    if lvl := _coded(codes, level):
        keys.append("lvl:" + lvl[2])
    if ttl := _coded(codes, title):
        keys.append("title:" + ttl[1])
    if (thr := _coded(codes, theory)) and thr[1] in THEORY_GROUPS:
        keys.append("theory:" + THEORY_GROUPS[thr[1]])
    return keys


def person_keys(person: tuple, codes: dict[int, tuple[str, str, str]]) -> tuple[str, ...]:
    """The rows a person counts in whatever the date (all but age and the membership flags)."""
    return ("total", *_profile_keys(person, codes), *_qualification_keys(person, codes))


class Tally:
    """Counts of one column of a form: keys such as "female", "age:31", "edu:thpt"; plus the ages for the average.
    `keys` (person id -> person_keys) may be shared by the two columns: each person's rows are worked out once."""

    def __init__(self, codes: dict[int, tuple[str, str, str]], keys: dict[int, tuple[str, ...]] | None = None):
        self.codes = codes
        self.keys = {} if keys is None else keys
        self.n: Counter = Counter()
        self.ages: list[int] = []

    def add(self, person: tuple, on: dt.date, **flags: bool) -> None:
        keys = self.keys.get(person[0])
        if keys is None:
            keys = self.keys[person[0]] = person_keys(person, self.codes)
        n = self.n
        for key in keys:
            n[key] += 1
        for flag, value in flags.items():
            if value:
                n[flag] += 1
        age = age_on(person[2], on)
        self.ages.append(age)
        n["age:" + age_group(age)] += 1

    def value(self, key: str):
        if key == "age:avg":
            return round(statistics.fmean(self.ages), 1) if self.ages else None
        return self.n[key]


def age_group(age: int) -> str:
    for low, high in AGE_GROUPS:
        if age <= high:
            return str(low)  # under 18 cannot be admitted; an odd birth date counts with the youngest group
    return "61"


# --- counting in the database ---------------------------------------------------------------------
class Counted:
    """A form's column counted by the database: Tally's keys and the average age, plus the people that had to be
    counted one by one (a Tally, added with `add`)."""

    def __init__(self) -> None:
        self.n: Counter = Counter()
        self.age_sum = 0
        self.ages = 0

    def add(self, other: "Tally | Counted") -> None:
        self.n.update(other.n)
        if isinstance(other, Tally):
            self.age_sum, self.ages = self.age_sum + sum(other.ages), self.ages + len(other.ages)
        else:
            self.age_sum, self.ages = self.age_sum + other.age_sum, self.ages + other.ages

    def value(self, key: str):
        if key == "age:avg":  # = round(fmean(ages), 1): the sum of whole ages is exact
            return round(self.age_sum / self.ages, 1) if self.ages else None
        return self.n[key]


def _ids(codes: dict[int, tuple[str, str, str]], test) -> list[int]:
    """The code items (any list: as person_keys reads them) whose (kind, code, stat_group) pass `test`."""
    return sorted(pk for pk, item in codes.items() if test(*item))


@dataclass(frozen=True)
class Test:
    """A test of one column of the counted rows, which _count writes into its SQL as text: a form's ~35 conditions as
    Django filters cost a chi bộ's biểu 2 three quarters of its time, resolving them in each of its queries (#14)."""

    lookup: str  # from the counted rows ("person__gender"), or AGE
    op: str  # one of OPERATORS: a comparison with the value, "in" / "null_or_in" (NULL or) one of the ids, "not_null"
    value: object = None

    def __post_init__(self):
        if self.op not in OPERATORS:  # written into the SQL as it is
            raise ValueError(f"Test: unknown operator {self.op!r}")


OPERATORS = frozenset({"=", "<=", ">", ">=", "in", "null_or_in", "not_null"})


AGE = "a_age"  # the person's age on the day counted (a fixed day, or each row's date column), as _count reads it
Condition = tuple[Test, ...]  # all of them hold; () every row


def _age_band(key: str, on: dt.date | str, person: str) -> Condition:
    """The rows in the age group `key` ("age:31") on `on`: birth dates against a fixed day, else the age expression."""
    bounds = {str(low): (None if i == 0 else low, high) for i, (low, high) in enumerate(AGE_GROUPS)}
    low, high = bounds.get(key.partition(":")[2], (AGE_GROUPS[-1][1] + 1, None))
    tests: list[Test] = []
    if isinstance(on, dt.date):
        birth = f"{person}__birth_date"
        if low is not None:
            tests.append(Test(birth, "<=", sqldates.born_by(on, low)))
        if high is not None:
            tests.append(Test(birth, ">", sqldates.born_by(on, high + 1)))
        return tuple(tests)
    if low is not None:
        tests.append(Test(AGE, ">=", low))
    if high is not None:
        tests.append(Test(AGE, "<=", high))
    return tuple(tests)


def _code_ids(name: str, arg: str, codes: dict[int, tuple[str, str, str]], jobs: dict) -> tuple[str, list[int]] | None:
    """For a key counted by a code list: the person's field and the code items that count; else None."""
    if name == "minority":
        return "ethnicity_id", _ids(codes, lambda _k, code, _g: code != KINH)
    if name == "religion":
        return "religion_id", _ids(codes, lambda _k, code, _g: code != NO_RELIGION)
    if name == "occ":
        return "employment_type_id", sorted(jobs.get(arg, []))
    if name == "edu":
        return "general_education_id", _ids(codes, lambda _k, code, _g: code == arg)
    if name == "lvl":
        return "professional_level_id", _ids(codes, lambda _k, _c, group: group == arg)
    if name == "title":
        return "academic_title_id", _ids(codes, lambda _k, code, _g: code == arg)
    if name == "theory":
        return "political_theory_id", _ids(codes, lambda _k, code, _g: THEORY_GROUPS.get(code) == arg)
    return None


def _condition(key: str, codes: dict[int, tuple[str, str, str]], jobs: dict, person: str, on) -> Condition | None:
    """The condition of one Tally key; None when no row can have it."""
    p = f"{person}__"
    name, _sep, arg = key.partition(":")
    if key == "total":
        return ()
    if key == "female":
        return (Test(f"{p}gender", "=", Gender.FEMALE),)
    if key == "youth":
        return (Test(f"{p}youth_union_member", "=", True),)
    if name == "age":
        return _age_band(key, on, person) if arg != "avg" else None
    found = _code_ids(name, arg, codes, jobs)
    if found is None:
        return None
    field, ids = found
    if name == "occ" and arg == hospital_occupation():  # nothing recorded counts there too
        return (Test(f"{p}{field}", "null_or_in", tuple(ids)),)
    return (Test(f"{p}{field}", "in", tuple(ids)),) if ids else None


def _conditions(keys: set[str], codes: dict[int, tuple[str, str, str]], person: str, on) -> dict[str, Condition]:
    """The condition of each Tally key of person_keys and of the age groups; a key no row can have is left out (it
    counts 0)."""
    jobs: dict[str, list[int]] = {}
    for pk, (_kind, code, _group) in codes.items():
        jobs.setdefault(occupation_of(code), []).append(pk)
    found = {key: _condition(key, codes, jobs, person, on) for key in sorted(keys)}
    return {key: condition for key, condition in found.items() if condition is not None}


def _test_sql(test: Test, column: str, params: list, connection) -> str:
    """`test` on `column` as SQL text; its value, if a parameter, appended to `params` (ids are written as integers)."""
    if test.op in {"in", "null_or_in"}:
        listed = f"{column} IN ({', '.join(str(int(pk)) for pk in test.value)})" if test.value else "1 = 0"
        return f"({column} IS NULL OR {listed})" if test.op == "null_or_in" else listed
    if test.op == "not_null":
        return f"{column} IS NOT NULL"
    value = test.value
    if isinstance(value, dt.date):
        value = connection.ops.adapt_datefield_value(value)
    elif isinstance(value, enum.Enum):
        value = value.value
    params.append(value)
    return f"{column} {test.op} %s"


def _counted(conditions: dict[str, Condition], values: list) -> Counted:
    """A Counted from one row of _count_rows ([]: nothing counted)."""
    out = Counted()
    if values:
        out.ages, out.age_sum = values[0], values[1] or 0
        out.n.update(dict(zip(conditions, values[2:], strict=True)))
    return out


def _counted_columns(conditions: dict[str, Condition], person: str, on, group: str) -> tuple[dict, dict]:
    """The columns the counts read, each under a short alias: the tests' lookups, the age and the group."""
    lookups = sorted({test.lookup for condition in conditions.values() for test in condition} - {AGE})
    alias = {lookup: f"c{i}" for i, lookup in enumerate(lookups)} | {AGE: AGE}
    columns = {alias[lookup]: F(lookup) for lookup in lookups} | {AGE: sqldates.age(f"{person}__birth_date", on)}
    if group:
        columns["g_group"] = F(group)
    return alias, columns


def _counts_sql(conditions: dict[str, Condition], alias: dict, params: list, connection) -> list[str]:
    """The rows, the sum of their ages, and a count per condition, as SQL over the aliased columns."""
    quote = connection.ops.quote_name
    counts = ["COUNT(*)", f"SUM({quote(AGE)})"]
    for condition in conditions.values():
        tests = " AND ".join(_test_sql(test, quote(alias[test.lookup]), params, connection) for test in condition)
        counts.append(f"COUNT(CASE WHEN {tests} THEN 1 END)" if tests else "COUNT(*)")
    return counts


def _count_rows(rows: QuerySet, conditions: dict[str, Condition], person: str, on, group: str = "") -> dict:
    """{value of `group` (a lookup of the rows; "": None for all): [rows, sum of ages, each condition's count]}, from
    one aggregate query. The rows' columns come from Django (joins, scope); the counts over them are written as SQL
    text (Test)."""
    connection = connections[rows.db]
    quote = connection.ops.quote_name
    alias, columns = _counted_columns(conditions, person, on, group)
    inner, inner_params = rows.order_by().values(**columns).query.get_compiler(rows.db).as_sql()
    params: list = []
    counts = _counts_sql(conditions, alias, params, connection)
    if not isinstance(on, dt.date):
        # each row's age is an expression over its own date, which some ten age tests read: kept as a subquery (an
        # OFFSET stops the databases from copying the expression into every test), it is computed once a row (3×)
        inner += " LIMIT -1 OFFSET 0" if connection.vendor == "sqlite" else " OFFSET 0"
    grouped = f"{quote('g_group')}, " if group else "NULL, "
    sql = f"SELECT {grouped}{', '.join(counts)} FROM ({inner}) counted"
    if group:
        sql += f" GROUP BY {quote('g_group')}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *inner_params])
        found = cursor.fetchall()
    return {key: [n, age_sum or 0, *rest] for key, n, age_sum, *rest in found if n}


# --- layout ---------------------------------------------------------------------------------------
HEADING, DATA, UNTRACKED, NOTE = "heading", "data", "untracked", "note"


@dataclass
class FormTable(Table):
    """A form's Table plus the number of each column, printed in a row under the header (screen, .xlsx, PDF; the
    CSV, for programs, leaves it out)."""

    column_numbers: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Line:
    label: str
    key: str | None  # the Tally key of a data row; None for the other roles
    level: int = 0
    strong: bool = False
    kind: Kind = Kind.INT
    role: str = DATA  # HEADING; UNTRACKED: a row of the form ketnap does not record (empty, flagged); NOTE: text only
    code: str = ""  # the Mã số of a sub-heading or an untracked row ("a", "b"); data rows are numbered 01, 02 …
    flag: str = ""


def heading(label: str, level: int = 0, code: str = "") -> Line:
    return Line(label, None, level, strong=True, role=HEADING, code=code)


def untracked(label: str, level: int = 1, code: str = "", strong: bool = False) -> Line:
    return Line(label, None, level, strong=strong, role=UNTRACKED, code=code)


def _items(kind: str, exclude: set[str] = frozenset()) -> list[tuple[str, str]]:
    return [
        (code, name)
        for code, name in CodeItem.objects.filter(kind=kind, active=True)
        .order_by("position")
        .values_list("code", "name")
        if code not in exclude
    ]


@dataclass(frozen=True)
class CodeLists:
    occupations: list[tuple[str, str]]
    education: list[tuple[str, str]]
    levels: dict[str, str]  # the form's level rows: stat_group -> name
    titles: list[tuple[str, str]]
    mapped_levels: dict[str, list[str]]  # stat_group -> names of the other levels counted in that row (BS CKI …)


def _code_lists() -> CodeLists:
    rows = (
        CodeItem.objects.filter(kind=CodeKind.PROFESSIONAL_LEVEL, active=True)
        .order_by("position")
        .values_list("code", "name", "stat_group")
    )
    levels: dict[str, str] = {}
    mapped: dict[str, list[str]] = {}
    for code, name, group in rows:
        if code in LEVEL_GROUPS:
            levels[code] = name
        elif group in LEVEL_GROUPS:
            mapped.setdefault(group, []).append(name)
    return CodeLists(
        _items(CodeKind.OCCUPATION),
        _items(CodeKind.GENERAL_EDUCATION, {"none"}),
        levels,
        _items(CodeKind.ACADEMIC_TITLE),
        mapped,
    )


def level_mapping_note(mapped: dict[str, list[str]], levels: dict[str, str]) -> str:
    """The note row under the professional levels: which levels ketnap counts in another row (stat_group), said on
    the form because it is ketnap's assumption, not an equivalence of degrees."""
    if not mapped:
        return ""
    parts = [
        _("dòng %(row)s gồm cả %(names)s") % {"row": levels.get(group, group), "names": ", ".join(names)}
        for group in LEVEL_GROUPS
        if (names := mapped.get(group))
    ]
    return _(
        "* Quy đổi của ketnap (trường stat_group của danh mục trình độ chuyên môn), không phải văn bằng tương "
        "đương: %(parts)s."
    ) % {"parts": "; ".join(parts)}


def _breakdowns(lists: CodeLists, occupation_lines: list[Line] | None = None) -> list[Line]:
    """Section II of both forms; `occupation_lines` replaces the plain occupation rows (biểu 3's a/b split)."""
    lines = [heading(_("Nghề nghiệp"))]
    lines += occupation_lines or [Line(name, "occ:" + code, 1) for code, name in lists.occupations]
    lines.append(heading(_("Tuổi đời")))
    lines += [Line(_("Từ %(a)s đến %(b)s tuổi") % {"a": low, "b": high}, f"age:{low}", 1) for low, high in AGE_GROUPS]
    lines.append(Line(_("Trên 60 tuổi"), "age:61", 1))
    lines.append(Line(_("Tuổi bình quân"), "age:avg", 1, kind=Kind.DECIMAL))
    lines.append(heading(_("Trình độ giáo dục phổ thông")))
    lines += [Line(name, "edu:" + code, 1) for code, name in lists.education]
    lines.append(heading(_("Trình độ chuyên môn nghiệp vụ")))
    mark = _("có quy đổi, xem ghi chú *")
    lines += [
        Line(lists.levels[group], "lvl:" + group, 1, flag=mark if group in lists.mapped_levels else "")
        for group in LEVEL_GROUPS
    ]
    if note := level_mapping_note(lists.mapped_levels, lists.levels):
        lines.append(Line(note, None, 1, role=NOTE))
    lines.append(heading(_("Học hàm")))
    lines += [Line(name, "title:" + code, 1) for code, name in lists.titles]
    lines.append(heading(_("Trình độ lý luận chính trị")))
    lines += [
        Line(_("Sơ cấp"), "theory:so_cap", 1),
        Line(_("Trung cấp"), "theory:trung_cap", 1),
        Line(_("Cao cấp, cử nhân"), "theory:cao_cap", 1),
    ]
    return lines


def _columns() -> list[Column]:
    return [
        Column("code", _("Mã số")),
        Column("label", pgettext("biểu thống kê", "Chỉ tiêu")),
        Column("current", _("Kỳ này"), Kind.INT),
        Column("previous", _("Cùng kỳ năm trước"), Kind.INT),
        Column("percent", "%", Kind.PERCENT),
    ]


def _fill(table: Table, lines: list[Line], current, previous) -> None:
    """Rows from the layout: data rows numbered 01, 02 … (ketnap's Mã số); headings by their own code (I, II, III,
    a …), the breakdowns under II as II.1, II.2 …; rows ketnap does not record empty and flagged; note rows as text."""
    number = section = 0
    for line in lines:
        level, strong = line.level, line.strong
        if line.role == HEADING:
            code = line.code
            if not code and not level:
                section += 1
                code = f"II.{section}"
            table.add(code, line.label, None, None, None, level=level, strong=True)
        elif line.role == UNTRACKED:
            table.add(line.code, line.label, None, None, None, level=level, strong=strong, flag=_("không theo dõi"))
        elif line.role == NOTE:
            table.add("", line.label, None, None, None, level=level)
        else:
            number += 1
            now, before = current(line.key), previous(line.key)
            table.add(
                f"{number:02d}",
                line.label,
                now,
                before,
                percent(now, before),
                level=level,
                strong=strong,
                flag=line.flag,
            )


def _note(extra: str) -> str:
    return _(
        "Theo mẫu biểu của %(source)s (cấu trúc dòng và số thứ tự cột đối chiếu qua hai bản triển khai của bên thứ "
        "ba, chưa đối chiếu với mẫu gốc; cột Mã số là số thứ tự dòng của ketnap). %(extra)s Giới tính, dân tộc, tôn "
        "giáo, trình độ… là thông tin hiện tại của nhân sự (không lưu lịch sử). Nghề nghiệp: ketnap ghi loại hình lao "
        "động, không ghi nghề nghiệp theo biểu — công chức tính vào “Công chức trong cơ quan nhà nước”; hợp đồng lao "
        "động, hợp đồng theo NĐ 111 và loại hình “Khác” tính vào “Khác”; viên chức và người chưa ghi loại hình tính "
        "vào “Viên chức trong đơn vị sự nghiệp công lập”. Trình độ chuyên môn: xem ghi chú * dưới mục đó. Người chưa "
        "ghi một thông tin không được tính ở dòng chi tiết của thông tin đó. Dòng ketnap không theo dõi để trống. "
        "%% = kỳ này × 100 / cùng kỳ."
    ) % {"source": SOURCE, "extra": extra}


def _form_table(slug: str, title: str, subtitle: str, note: str) -> FormTable:
    columns = _columns()
    return FormTable(
        slug, title, columns, subtitle=subtitle, note=note, column_numbers=[COLUMN_NUMBERS[c.key] for c in columns]
    )


# --- biểu 2 ---------------------------------------------------------------------------------------
@dataclass
class _Base:
    """An organisation of the tree at the end of a period, for mục III: its kind, the staff and non-members of its
    subtree, and its subtree's organisations."""

    kind: str
    staff: int
    non_members: int
    subtree: list[int]


def _end_tree(org: Organization, day: dt.date) -> list[_Base]:
    """Every organisation of the subtree on `day` (today's tree from today on), with the staff/member counts of that
    day as kept per organisation and day (ketnap.stats.figures), read as plain rows: the kinds and parents of the
    organisations (today's, or the versions in force that day: subtree_on) and their own staff counts — no tree of
    model instances or count objects for a province's 1,400 organisations."""
    if day >= today():
        if not org.active:
            return []
        orgs = Organization.objects.filter(path__startswith=org.path, dissolved_on__isnull=True)
        nodes = {pk: (kind, parent_id) for pk, kind, parent_id in orgs.values_list("pk", "kind", "parent_id")}
        own = figures.current_staff(orgs.values("pk"))
    else:
        versions = subtree_on(org, day)
        nodes = {pk: (node.kind, node.parent_id) for pk, node in versions.items()}
        own = {pk: (c.staff, c.staff_members) for pk, c in figures.counts_on(list(versions), day, org.pk).items()}
    children: dict[int, list[int]] = {}
    for org_id, (_kind, parent_id) in nodes.items():
        if parent_id in nodes and org_id != org.pk:
            children.setdefault(parent_id, []).append(org_id)
    out: list[_Base] = []

    def visit(org_id: int) -> tuple[int, int, list[int]]:
        staff, staff_members = own.get(org_id, (0, 0))
        subtree = [org_id]
        for child in children.get(org_id, []):
            child_staff, child_members, child_subtree = visit(child)
            staff, staff_members = staff + child_staff, staff_members + child_members
            subtree += child_subtree
        out.append(_Base(nodes[org_id][0], staff, staff - staff_members, subtree))
        return staff, staff_members, subtree

    if org.pk in nodes:
        visit(org.pk)
    return out


BASE_KINDS = {"committee": OrgKind.BASE_COMMITTEE, "cell": OrgKind.BASE_CELL}


def _admitting(org: Organization, period: Period, nodes: list) -> set[int]:
    """The organisations of the end tree (as their nodes count them) where an admission of the period counts."""
    node_ids = {node.subtree[0] for node in nodes}  # a subtree starts with its organisation
    attribution = admissions_.Attribution(node_ids, org, by_path=period.end >= today())  # today's tree: by path
    found = (attribution.node_for(org_id) for org_id in admissions_.counts(period, attribution))
    return {node for node in found if node is not None}


def _base_figures(org: Organization, period: Period) -> Counter:
    """Mục III: the base organisations of each kind (đảng bộ cơ sở "base:committee", chi bộ cơ sở "base:cell") in the
    subtree at the end of the period; of them with an admission in the period (":admitted"); of them with no
    non-member left, every staff member being a member (":no_pool")."""
    nodes = _end_tree(org, period.end)
    admitted = _admitting(org, period, nodes)
    out: Counter = Counter()
    for name, kind in BASE_KINDS.items():
        base = [n for n in nodes if n.kind == kind]
        out[f"base:{name}"] = len(base)
        out[f"base:{name}:admitted"] = sum(any(o in admitted for o in n.subtree) for n in base)
        out[f"base:{name}:no_pool"] = sum(n.staff > 0 and n.non_members == 0 for n in base)
    return out


def _base_lines() -> list[Line]:
    lines = [heading(_("Số tổ chức cơ sở đảng có đến cuối kỳ báo cáo"), code="III")]
    for name, label in (("committee", _("Đảng bộ cơ sở")), ("cell", _("Chi bộ cơ sở"))):
        lines += [
            Line(label, f"base:{name}", 1, strong=True),
            Line(_("Trong đó: có kết nạp đảng viên"), f"base:{name}:admitted", 2),
            Line(_("Không còn quần chúng"), f"base:{name}:no_pool", 2),
        ]
    return lines


def _data_keys(lines: list[Line]) -> set[str]:
    return {line.key for line in lines if line.role == DATA and line.key and not line.key.startswith("base:")}


def _admitted(
    org: Organization, attribution: admissions_.Attribution, period: Period, keys: set[str], codes
) -> Counted:
    """Biểu 2's column for `period`: the admissions that count in the tree, by the admitted person's rows and age on
    the decision date: both kinds (admissions_.sources: members by their first event, candidates decided and waiting
    for their ceremony) counted per admitting organisation and kept together (a step, like a kept admission's
    rewrite and a person's edit, moves its organisation's version)."""
    out = Counted()
    depends = attribution.holder_dependent()
    kinds = admissions_.sources(period)
    sources = [
        (
            source.rows,
            source.organization,
            {
                **_conditions(keys, codes, source.person, source.decided),
                "readmitted": (Test(source.readmission, "=", True),),
            },
            source.person,
            source.decided,
        )
        for source in kinds
    ]
    report = kept_counts.kind("bieu2", ([conditions for _rows, _org, conditions, *_rest in sources], period.start))
    out.add(_kept_total(org, attribution, sources, report, period.end))
    for source in kinds if depends else []:
        # a split chi bộ: where the member is now decides which part counts the admission
        rows = source.rows.filter(**{f"{source.organization}__in": depends})
        found = list(rows.values_list(f"{source.person}_id", source.organization, source.decided, source.readmission))
        people = people_rows({person_id for person_id, *_rest in found})
        tally = Tally(codes)
        for person_id, org_id, decided, readmission in found:
            if attribution.node_for(org_id, people[person_id][-1]) is not None:
                tally.add(people[person_id], decided, readmitted=readmission)
        out.add(tally)
    return out


Counting = tuple[QuerySet, str, dict[str, Condition], str, object]  # rows, their organisation, conditions, person, on


def _kept_total(
    org: Organization, attribution: admissions_.Attribution, sources: list[Counting], report: str, day: dt.date
) -> Counted:
    """The rows of `sources` (each: the rows, the lookup of their organisation's id, the conditions counted, the
    person's lookup and the day or date column ages are counted on; every source the same conditions by name) counted
    per organisation that counts in the tree and added up, kept under `report` for `day` (stats.kept_counts; a
    rewrite of the kept rows, a step and a person's edit move the organisation's version): the next look counts again
    only the organisations changed since, and reads their sum for `org` while none of them changed."""

    def count(org_ids: list[int] | None) -> dict[int, list]:
        out: dict[int, list] = {}
        for rows, organization, conditions, person, on in sources:
            field = organization.removesuffix("_id")
            chosen = attribution.counted_q(field) if org_ids is None else Q(**{f"{organization}__in": id_list(org_ids)})
            for org_id, values in _count_rows(rows.filter(chosen), conditions, person, on, group=organization).items():
                out[org_id] = [a + b for a, b in zip(out[org_id], values, strict=True)] if org_id in out else values
        return out

    conditions = sources[0][2]
    orgs = Organization.objects.filter(attribution.counted_q("pk"))
    return _counted(conditions, kept_counts.total_for(report, org.pk, day, orgs, count, len(conditions) + 2))


def new_members(org: Organization, period: Period) -> FormTable:
    """Biểu 2-BTCTW: members admitted in `period` in the organisation's subtree (as it stood at the period's end), with
    the same period a year earlier, by the one definition of an admission (stats.admissions)."""
    previous = period.same_period_last_year()
    nodes = subtree_on(org, min(period.end, today()))
    attribution = admissions_.Attribution(set(nodes), org)
    codes = code_items()
    base_now = _base_figures(org, period)
    base_before = _base_figures(org, previous)
    table = _form_table(
        "bieu-2", _("Biểu 2-BTCTW: Đảng viên mới kết nạp"), f"{org.name} · {period.label}", _note(_(NOTE_BIEU2))
    )
    lines = [
        heading(_("Đảng viên mới kết nạp"), code="I"),
        Line(_("Tổng số đảng viên mới kết nạp"), "total", strong=True),
        Line(_("Trong đó: Nữ"), "female", 1),
        Line(_("Dân tộc thiểu số"), "minority", 1),
        Line(_("Người có đạo (theo tôn giáo)"), "religion", 1),
        Line(_("Đoàn viên Thanh niên Cộng sản Hồ Chí Minh"), "youth", 1),
        untracked(_("Chủ doanh nghiệp tư nhân")),
        untracked(_("Vi phạm chính sách dân số và kế hoạch hóa gia đình")),
        untracked(_("Kết hôn với người nước ngoài")),
        Line(_("Kết nạp lại"), "readmitted", 1),
        heading(_("Phân tích đảng viên mới kết nạp"), code="II"),
        *_breakdowns(_code_lists()),
        *_base_lines(),
    ]

    keys = _data_keys(lines)
    now = _admitted(org, attribution, period, keys, codes)
    before = _admitted(org, attribution, previous, keys, codes)

    def value(figures: Counted, base: Counter):
        return lambda key: base[key] if key.startswith("base:") else figures.value(key)

    _fill(table, lines, value(now, base_now), value(before, base_before))
    return table


# --- biểu 3 ---------------------------------------------------------------------------------------
def _joined(decided: dt.date) -> str:
    """The Tally key of the period of a first admission decision (Thời kỳ vào Đảng)."""
    return f"joined:{next(i for i, (until, _l) in enumerate(JOINING_PERIODS) if decided <= until)}"


def _joining(i: int) -> Condition:
    """The members whose first admission decision falls in the i-th period of JOINING_PERIODS (_joined)."""
    until = JOINING_PERIODS[i][0]
    after = Test("first_decided_on", ">", JOINING_PERIODS[i - 1][0]) if i else Test("first_decided_on", "not_null")
    return (after, Test("first_decided_on", "<=", until)) if until != dt.date.max else (after,)


def _members(org: Organization, attribution: admissions_.Attribution, day: dt.date, keys: set[str], codes) -> Counted:
    """Biểu 3's column for `day`: the memberships active that day (the state after each one's last event on or before
    it) in an organisation that counts in the tree, by the member's rows, age on the day and first admission. Read
    from the member spans kept by stats.figures: the spans in force that day, no search for last events."""
    figures.catch_up()  # a transaction reads the members it wrote
    spans = KeptMemberSpan.objects.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=day), starts_on__lte=day)
    depends = attribution.holder_dependent()
    flags = {
        "probationary": (Test("status", "=", MembershipStatus.PROBATIONARY),),
        "exempt": (Test("membership__exempt_from_activities", "=", True),),
        **{f"joined:{i}": _joining(i) for i in range(len(JOINING_PERIODS))},
    }
    conditions = {**_conditions(keys, codes, "person", day), **flags}
    counted = [(spans, "organization_id", conditions, "person", day)]
    out = _kept_total(org, attribution, counted, kept_counts.kind("bieu3", conditions), day)
    if depends:  # a split chi bộ (a year back): where the member is now decides which part counts them
        found = list(
            spans.filter(organization_id__in=depends).values_list(
                "person_id", "organization_id", "status", "membership__exempt_from_activities", "first_decided_on"
            )
        )
        people = people_rows({person_id for person_id, *_rest in found})
        tally = Tally(codes)
        for person_id, org_id, status, exempt, decided in found:
            if attribution.node_for(org_id, people[person_id][-1]) is None:
                continue
            tally.add(people[person_id], day, probationary=status == MembershipStatus.PROBATIONARY, exempt=exempt)
            if decided is not None:
                tally.n[_joined(decided)] += 1
        out.add(tally)
    return out


def membership(org: Organization, day: dt.date) -> FormTable:
    """Biểu 3-BTCTW: the members of the organisation's subtree (as it stood on `day`) on `day`, against the same day a
    year earlier (its members counted for the organisations that became today's subtree: merges follow successors)."""
    before_day = Period(day, day).same_period_last_year().start
    nodes = subtree_on(org, min(day, today()))
    attribution = admissions_.Attribution(set(nodes), org)
    codes = code_items()
    table = _form_table(
        "bieu-3",
        _("Biểu 3-BTCTW: Đội ngũ đảng viên"),
        f"{org.name} · " + _("đến ngày %(d)s") % {"d": ddmmyyyy(day)},
        _note(_(NOTE_BIEU3)),
    )
    lists = _code_lists()
    # II.1 as on the form: a. members at work, by occupation; b. retired members (not recorded), of whom exempted
    occupations = [
        heading(_("Đảng viên đang làm việc và công tác"), 1, code="a"),
        *(Line(name, "occ:" + code, 2) for code, name in lists.occupations),
        untracked(_("Đảng viên đã nghỉ hưu và nghỉ công tác"), 1, code="b", strong=True),
        Line(_("Trong đó: Được miễn công tác và sinh hoạt đảng"), "exempt", 2),
    ]
    breakdowns = _breakdowns(lists, occupations)
    # Thời kỳ vào Đảng goes after the age breakdown, as on the form
    at = next(i for i, line in enumerate(breakdowns) if line.key == "age:avg") + 1
    breakdowns[at:at] = [heading(_("Thời kỳ vào Đảng"))] + [
        Line(_(label), f"joined:{i}", 1) for i, (_until, label) in enumerate(JOINING_PERIODS)
    ]
    lines = [
        heading(_("Đảng viên"), code="I"),
        Line(_("Tổng số đảng viên"), "total", strong=True),
        Line(_("Trong đó: Nữ"), "female", 1),
        Line(_("Đảng viên dự bị"), "probationary", 1),
        Line(_("Dân tộc thiểu số"), "minority", 1),
        Line(_("Người có đạo (theo tôn giáo)"), "religion", 1),
        Line(_("Đoàn viên Thanh niên Cộng sản Hồ Chí Minh"), "youth", 1),
        untracked(_("Chủ doanh nghiệp tư nhân")),
        untracked(_("Kết hôn với người nước ngoài")),
        heading(_("Phân tích đội ngũ đảng viên"), code="II"),
        *breakdowns,
    ]
    keys = _data_keys(lines)
    now, before = _members(org, attribution, day, keys, codes), _members(org, attribution, before_day, keys, codes)
    _fill(table, lines, now.value, before.value)
    return table


def admitted_people(org: Organization, period: Period) -> list[int]:
    """Ids of the people counted as admitted in `period` in the organisation's subtree (the drill-down's list)."""
    attribution = admissions_.Attribution(set(subtree_on(org, min(period.end, today()))), org)
    found = admissions_.admissions(period, attribution)
    attribution.prepare({a.organization_id for a in found})
    split = {a.person_id for a in found if attribution.depends_on_holder(a.organization_id)}
    holders = {pk: row[-1] for pk, row in people_rows(split).items()}
    return [a.person_id for a in found if attribution.node_for(a.organization_id, holders.get(a.person_id)) is not None]
