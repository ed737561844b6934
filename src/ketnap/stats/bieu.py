"""The statistical forms of Hướng dẫn 11-HD/BTCTW (13/12/2021): biểu 2 (new members admitted in a period) and
biểu 3 (the membership on a day), each with "Kỳ này | Cùng kỳ năm trước | %".

The screen, the .xlsx, the .csv and the PDF all present the Table these two functions return: there is no other code
path for these figures. A handful of narrow queries (values_list over the needed columns); the counting is done in
Python over plain tuples, which stays fast at tens of thousands of members.

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
import statistics
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, pgettext

from ketnap.registry import codelists, indicators
from ketnap.registry.enums import CodeKind, Gender, MembershipStatus, OrgKind
from ketnap.registry.models import CodeItem, MembershipEvent, Organization, OrganizationVersion, PartyMembership, Person
from ketnap.registry.services.dates import today
from ketnap.stats import admissions as admissions_
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
    organisation did not exist then."""
    rows = OrganizationVersion.objects.on(day).values_list(
        "organization_id", "parent_id", "kind", "name", "organization__code"
    )
    nodes = {r[0]: TreeNode(*r) for r in rows}
    if org.pk not in nodes:
        return {}
    children: dict[int | None, list[int]] = {}
    for node in nodes.values():
        children.setdefault(node.parent_id, []).append(node.org_id)
    out, frontier = {}, [org.pk]
    while frontier:
        org_id = frontier.pop()
        out[org_id] = nodes[org_id]
        frontier.extend(children.get(org_id, []))
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
def person_keys(person: tuple, codes: dict[int, tuple[str, str, str]]) -> tuple[str, ...]:
    """The rows a person counts in whatever the date (all but age and the membership flags)."""
    _pk, gender, _birth, ethnicity, religion, youth, education, level, title, theory, employment, _org = person

    def coded(pk: int | None) -> tuple[str, str, str] | None:
        return codes.get(pk) if pk is not None else None

    keys = ["total"]
    if gender == Gender.FEMALE:
        keys.append("female")
    if (eth := coded(ethnicity)) and eth[1] != KINH:
        keys.append("minority")
    if (rel := coded(religion)) and rel[1] != NO_RELIGION:
        keys.append("religion")
    if youth:
        keys.append("youth")
    emp = coded(employment)
    keys.append("occ:" + occupation_of(emp[1] if emp else None))
    if edu := coded(education):
        keys.append("edu:" + edu[1])
    if lvl := coded(level):
        keys.append("lvl:" + lvl[2])
    if ttl := coded(title):
        keys.append("title:" + ttl[1])
    if (thr := coded(theory)) and thr[1] in THEORY_GROUPS:
        keys.append("theory:" + THEORY_GROUPS[thr[1]])
    return tuple(keys)


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
def _end_tree(org: Organization, day: dt.date) -> list[indicators.Node]:
    """The subtree with its staff/member counts on `day` (today's counts when the day is today or later)."""
    if day >= today():
        return indicators.current_tree([org]) if org.active else []
    return indicators.tree_on_day([org], day)


BASE_KINDS = {"committee": OrgKind.BASE_COMMITTEE, "cell": OrgKind.BASE_CELL}


def _base_figures(org: Organization, period: Period, found: list) -> Counter:
    """Mục III: the base organisations of each kind (đảng bộ cơ sở "base:committee", chi bộ cơ sở "base:cell") in the
    subtree at the end of the period; of them with an admission in the period (":admitted"); of them with no
    non-member left, every staff member being a member (":no_pool")."""
    tree = _end_tree(org, period.end)
    nodes = indicators.flatten(tree)
    node_ids = {n.org_id for n in nodes}
    attribution = admissions_.Attribution(node_ids)
    admitted: set[int] = set()
    for admission in found:
        node = attribution.node_for(admission.organization_id)
        if node is not None:
            admitted.add(node)

    def has_admission(node) -> bool:
        return node.org_id in admitted or any(has_admission(c) for c in node.children)

    out: Counter = Counter()
    for name, kind in BASE_KINDS.items():
        base = [n for n in nodes if n.kind == kind]
        out[f"base:{name}"] = len(base)
        out[f"base:{name}:admitted"] = sum(has_admission(n) for n in base)
        out[f"base:{name}:no_pool"] = sum(n.totals.staff > 0 and n.totals.non_members == 0 for n in base)
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


def new_members(org: Organization, period: Period) -> FormTable:
    """Biểu 2-BTCTW: members admitted in `period` in the organisation's subtree (as it stood at the period's end), with
    the same period a year earlier, by the one definition of an admission (stats.admissions)."""
    previous = period.same_period_last_year()
    nodes = subtree_on(org, min(period.end, today()))
    attribution = admissions_.Attribution(set(nodes))
    current_list, previous_list = admissions_.admissions(period), admissions_.admissions(previous)
    people = people_rows({a.person_id for a in current_list} | {a.person_id for a in previous_list})
    codes = code_items()

    keys: dict[int, tuple[str, ...]] = {}

    def tally(found) -> Tally:
        out = Tally(codes, keys)
        for admission in found:
            person = people.get(admission.person_id)
            if person is None or attribution.node_for(admission.organization_id, person[-1]) is None:
                continue
            out.add(person, admission.decided_on, readmitted=admission.is_readmission)
        return out

    now, before = tally(current_list), tally(previous_list)
    base_now = _base_figures(org, period, current_list)
    base_before = _base_figures(org, previous, previous_list)
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

    def value(figures: Tally, base: Counter):
        return lambda key: base[key] if key.startswith("base:") else figures.value(key)

    _fill(table, lines, value(now, base_now), value(before, base_before))
    return table


# --- biểu 3 ---------------------------------------------------------------------------------------
def members_on(days: list[dt.date]) -> list[dict[int, tuple[str, int, int]]]:
    """For each day: membership id -> (status, chi bộ, person id) of the memberships active that day, from the dated
    events (the state after each membership's last event on or before the day). One query for all the days."""
    last = max(days)
    states: list[dict[int, tuple[str, int, int]]] = [{} for _d in days]
    events = (
        MembershipEvent.objects.filter(on__lte=last)
        .order_by("membership_id", "on", "id")
        .values_list("membership_id", "on", "status_after", "organization_after_id", "membership__person_id")
    )
    for membership_id, on, status, org_id, person_id in events:
        for i, day in enumerate(days):
            if on <= day:
                states[i][membership_id] = (status, org_id, person_id)
    active = MembershipStatus.active()
    return [{m: s for m, s in state.items() if s[0] in active} for state in states]


def membership(org: Organization, day: dt.date) -> FormTable:
    """Biểu 3-BTCTW: the members of the organisation's subtree (as it stood on `day`) on `day`, against the same day a
    year earlier (its members counted for the organisations that became today's subtree: merges follow successors)."""
    before_day = Period(day, day).same_period_last_year().start
    nodes = subtree_on(org, min(day, today()))
    attribution = admissions_.Attribution(set(nodes))
    state_now, state_before = members_on([day, before_day])
    rows = PartyMembership.objects.values_list("pk", "person_id", "decision_date", "exempt_from_activities")
    exempt_ids: dict[int, bool] = {}
    first_decision: dict[int, dt.date] = {}
    for pk, person_id, decided, exempt in rows:
        exempt_ids[pk] = exempt
        if decided and (person_id not in first_decision or decided < first_decision[person_id]):
            first_decision[person_id] = decided
    people = {
        row[0]: row
        for row in Person.objects.filter(pk__in=PartyMembership.objects.values("person_id")).values_list(*PERSON_FIELDS)
    }
    codes = code_items()
    joined = {
        person_id: "joined:" + next(str(i) for i, (until, _l) in enumerate(JOINING_PERIODS) if decided <= until)
        for person_id, decided in first_decision.items()
    }
    keys: dict[int, tuple[str, ...]] = {}

    def tally(state: dict[int, tuple[str, int, int]], on: dt.date) -> Tally:
        out = Tally(codes, keys)
        for membership_id, (status, org_id, person_id) in state.items():
            exempt = exempt_ids.get(membership_id, False)
            person = people[person_id]
            if attribution.node_for(org_id, person[-1]) is None:
                continue
            out.add(person, on, probationary=status == MembershipStatus.PROBATIONARY, exempt=exempt)
            if person_id in joined:
                out.n[joined[person_id]] += 1
        return out

    now, before = tally(state_now, day), tally(state_before, before_day)
    table = _form_table(
        "bieu-3",
        _("Biểu 3-BTCTW: Đội ngũ đảng viên"),
        f"{org.name} · " + _("đến ngày %(d)s") % {"d": f"{day:%d/%m/%Y}"},
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
    _fill(table, lines, now.value, before.value)
    return table


def admitted_people(org: Organization, period: Period) -> list[int]:
    """Ids of the people counted as admitted in `period` in the organisation's subtree (the drill-down's list)."""
    attribution = admissions_.Attribution(set(subtree_on(org, min(period.end, today()))))
    found = admissions_.admissions(period)
    people = people_rows({a.person_id for a in found})
    return [
        a.person_id
        for a in found
        if a.person_id in people and attribution.node_for(a.organization_id, people[a.person_id][-1]) is not None
    ]
