"""Statistics against a small hand-counted dataset: biểu 2 and biểu 3 row by row, the funnel, the source pool, probation
on time, the past-date tree, and that an overseer never sees a name.

The dataset (on top of conftest's world; "today" is pinned to TODAY, later than every date here):
- admitted in 2025 in hospital A: Mai (A1, Tày, youth union, BS CKI, sơ cấp LLCT, 30 at decision), Hùng (A2, công
  chức, Catholic, re-admitted, ĐH, trung cấp LLCT, 36), Lan (A3 "Khoa Nhi", merged into A1 on 01/09/2025; THCS,
  trung cấp, youth union, on a fixed-term labour contract, 25) and Hạnh (A1, decided 10/11/2025, ceremony still to
  come; cao đẳng, 33); nobody else has an employment type but Mai (viên chức);
- admitted in 2024 in hospital A: Thu (A2, ĐH, 54; official since 13/03/2025) and Sơn (A1, tiến sĩ, PGS, cao cấp
  LLCT, 62); admitted in 2025 in hospital B: Tú;
- Bảo, official member of A1 since 2000, exempt from activities, died 01/06/2025;
- cell A2 renamed "Chi bộ Ngoại tổng hợp" on 01/01/2026;
- candidates of hospital A seen on 30/06/2026: six sent to the sympathiser list on 01/06/2026 after 10, 20 … 60 days
  as sources; Bình a source for 100 days, Khoa for 20; Vinh withdrawn in 2025 after 61 days; Hạnh's whole road;
- hospital B: three non-members (Quý, Ngân, Phúc) whose probation reviews were on time, late, on time.
"""

import datetime as dt
import io
import re
from typing import NamedTuple

import openpyxl
import pytest

from ketnap.audit.context import SYSTEM
from ketnap.pipeline import domain
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Step
from ketnap.registry.enums import Gender, MembershipEventKind, OrgKind
from ketnap.registry.models import CodeItem, Person
from ketnap.registry.services import organizations, people
from ketnap.stats import bieu, funnel, pool
from ketnap.stats import figures as kept_figures
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, Table
from tests import factories as f
from tests.replay import replayed

D = dt.date
Y2025 = Period.year(2025)
SEEN = D(2026, 6, 30)  # the day the funnel is read on (a fixed past day: durations do not move with the clock)
TODAY = D(2026, 11, 24)  # later than every date of the dataset; ages ("under 30") are counted on it
pytestmark = pytest.mark.today(TODAY)


def code(kind, value):
    return CodeItem.objects.get(kind=kind, code=value)


def staff(unit, name, *, born, gender=Gender.FEMALE, **coded):
    """A person; coded attributes by their code-list code (ethnicity="02", professional_level="bs_cki" …)."""
    plain = {k: coded.pop(k) for k in ("youth_union_member", "in_cadre_planning") if k in coded}
    fields = {kind: code(kind, value) for kind, value in coded.items()}
    return f.person(unit, name, born=born, gender=gender, **fields, **plain)


def walk(candidate, steps):
    """Record the steps of a road as rows (the rules' dossier checks are tested in test_pipeline; here only the dates
    and stages matter)."""
    before = candidate.stage
    for kind, on, after in steps:
        Step.objects.create(candidate=candidate, kind=kind, on=on, stage_before=before, stage_after=after)
        before = after
    candidate.stage, candidate.stage_since = before, steps[-1][1]
    candidate.save()


@pytest.fixture
@replayed
def data(world, personas):
    system = personas.superuser
    a1, a2 = world.cell_a1, world.cell_a2
    a3 = f.org("BVA-NHI", "Chi bộ Khoa Nhi", OrgKind.CELL, world.hospital_a)
    dept_a3 = f.unit("UA-NHI", "Khoa Nhi", world.unit_a, covered_by=a3)
    common = {"general_education": "thpt"}
    mai = staff(
        world.dept_a1,
        "Hà Thị Mai",
        born=D(1995, 3, 10),
        ethnicity="02",
        religion="00",
        youth_union_member=True,
        professional_level="bs_cki",
        political_theory="so_cap",
        employment_type="vien_chuc",
        **common,
    )
    f.admitted(mai, a1, D(2025, 4, 1))
    hung = staff(
        world.dept_a2,
        "Lương Văn Hùng",
        born=D(1988, 12, 31),
        gender=Gender.MALE,
        ethnicity="01",
        religion="02",
        professional_level="dai_hoc",
        political_theory="trung_cap",
        employment_type="cong_chuc",
        **common,
    )
    f.admitted(hung, a2, D(2025, 6, 15), readmission=True)
    lan = staff(
        dept_a3,
        "Đỗ Thị Lan",
        born=D(2000, 7, 1),
        youth_union_member=True,
        general_education="thcs",
        professional_level="trung_cap",
        political_theory="none",
        employment_type="hdld_xac_dinh",
    )
    f.admitted(lan, a3, D(2025, 7, 1))
    organizations.merge([a3], into=a1, on=D(2025, 9, 1), actor=SYSTEM)
    thu = staff(
        world.dept_a2, "Trịnh Thị Thu", born=D(1970, 2, 2), ethnicity="01", professional_level="dai_hoc", **common
    )
    thu_membership = f.admitted(thu, a2, D(2024, 3, 3))
    people.recognise_official(thu_membership, official_date=D(2025, 3, 13), on=D(2025, 3, 20), actor=SYSTEM)
    son = staff(
        world.dept_a1,
        "Cao Văn Sơn",
        born=D(1962, 1, 1),
        gender=Gender.MALE,
        professional_level="tien_si",
        academic_title="pgs",
        political_theory="cao_cap",
        **common,
    )
    f.admitted(son, a1, D(2024, 10, 10))
    tu = staff(world.dept_b1, "Phan Văn Tú", born=D(1985, 5, 5), gender=Gender.MALE)
    f.admitted(tu, world.cell_b1, D(2025, 5, 5))
    bao = staff(world.dept_a1, "Ngô Văn Bảo", born=D(1960, 1, 1), gender=Gender.MALE)
    bao_membership = f.member(bao, a1, decision=D(2000, 1, 1))
    bao_membership.exempt_from_activities = True
    bao_membership.save()
    people.end_membership(bao_membership, MembershipEventKind.DIED, on=D(2025, 6, 1), actor=SYSTEM)
    organizations.rename(a2, "Chi bộ Ngoại tổng hợp", on=D(2026, 1, 1), actor=SYSTEM)

    # the road of hospital A's candidates
    hanh = staff(
        world.dept_a1, "Bùi Thị Hạnh", born=D(1992, 1, 15), ethnicity="01", professional_level="cao_dang", **common
    )
    walk(
        domain.create_candidate(hanh, actor=system, on=D(2025, 1, 1)),
        [
            ("sympathise", D(2025, 2, 1), Stage.SYMPATHISER),
            ("certificate", D(2025, 4, 1), Stage.DOSSIER),
            ("cell_resolution", D(2025, 9, 1), Stage.CELL_RESOLVED),
            ("committee_resolution", D(2025, 10, 1), Stage.COMMITTEE_RESOLVED),
            ("decision", D(2025, 11, 10), Stage.DECIDED),
        ],
    )
    sent = D(2026, 6, 1)
    for n, days in enumerate((10, 20, 30, 40, 50, 60), start=1):
        person = staff(world.dept_a2, f"Lê Thị Nguồn{n}", born=D(1998, 1, n))
        candidate = domain.create_candidate(person, actor=system, on=sent - dt.timedelta(days=days))
        walk(candidate, [("sympathise", sent, Stage.SYMPATHISER)])
    domain.create_candidate(world.binh, actor=system, on=SEEN - dt.timedelta(days=100))
    khoa = staff(world.dept_a2, "Đặng Văn Khoa", born=D(1996, 4, 2), gender=Gender.MALE)
    domain.create_candidate(khoa, actor=system, on=SEEN - dt.timedelta(days=20))
    vinh = staff(world.dept_a1, "Tô Văn Vinh", born=D(1993, 9, 9), gender=Gender.MALE)
    walk(domain.create_candidate(vinh, actor=system, on=D(2025, 3, 1)), [("withdraw", D(2025, 5, 1), Stage.WITHDRAWN)])

    # hospital B: the source pool and probation reviews (ceremony → chi bộ's recognition resolution)
    roads = [
        ("Vương Văn Quý", D(2000, 1, 1), "dai_hoc", True, False, "bac_si", D(2024, 3, 13), D(2025, 3, 18)),
        ("Kiều Thị Ngân", D(1980, 6, 6), "trung_cap", False, True, "dieu_duong", D(2024, 1, 10), D(2025, 6, 2)),
        ("Lâm Văn Phúc", D(1999, 12, 1), "bs_ckii", True, True, "bac_si", D(2023, 2, 1), D(2024, 2, 20)),
    ]
    for name, born, level, youth, planning, profession, ceremony, review in roads:
        person = staff(
            world.dept_b1,
            name,
            born=born,
            professional_level=level,
            profession=profession,
            youth_union_member=youth,
            in_cadre_planning=planning,
        )
        walk(
            domain.create_candidate(person, actor=system, on=D(2023, 1, 1)),
            [
                ("decision", ceremony - dt.timedelta(days=20), Stage.DECIDED),
                ("ceremony", ceremony, Stage.PROBATION),
                ("recognition_cell_resolution", review, Stage.RECOGNITION_CELL),
            ],
        )
    return world


def named(table: Table, row) -> dict:
    """A row's values by column key."""
    return dict(zip([c.key for c in table.columns], row.values, strict=True))


def keyed(table: Table, key: str) -> dict[object, dict]:
    """The rows by their value in column `key`, each the rest of its values by column key."""
    return {cells.pop(key): cells for cells in (named(table, row) for row in table.rows)}


class Figures(NamedTuple):
    """The numbers of a form's row: kỳ này, cùng kỳ năm trước, %."""

    current: object
    previous: object
    percent: object


def row_figures(table: Table, row) -> Figures:
    cells = named(table, row)
    return Figures(cells["current"], cells["previous"], cells["percent"])


def figures(table: Table) -> dict[tuple[str, str], Figures]:
    """(heading, label) -> its Figures for every numbered row of a form. A row with a code that is not a number (I,
    II.1, a, b) is a heading; a row two levels deep under a numbered row is "parent › label" (biểu 2 III: "Đảng bộ cơ
    sở › Không còn quần chúng")."""
    out, heading, last = {}, "", {}
    for row in table.rows:
        cells = named(table, row)
        code_, label = cells["code"], cells["label"]
        numbered = bool(code_) and code_[0].isdigit()
        if code_ and not numbered:
            heading = label
        elif numbered:
            parent = last.get(row.level - 1)
            key = f"{parent[0]} › {label}" if row.level >= 2 and parent and parent[1] else label
            out[(heading, key)] = row_figures(table, row)
        last[row.level] = (label, numbered)
    return out


def row_of(table: Table, label: str):
    return next(r for r in table.rows if named(table, r)["label"] == label)


EMPTY = Figures(None, None, None)  # a row ketnap does not count (a heading, a note, a fact it does not record)


III = "Số tổ chức cơ sở đảng có đến cuối kỳ báo cáo"
WORKING = "Đảng viên đang làm việc và công tác"
RETIRED = "Đảng viên đã nghỉ hưu và nghỉ công tác"
LEVEL_NOTE = (
    "* Quy đổi của ketnap (trường stat_group của danh mục trình độ chuyên môn), không phải văn bằng tương đương: "
    "dòng Thạc sĩ gồm cả Chuyên khoa cấp I (bác sĩ, dược sĩ CKI), Bác sĩ nội trú; dòng Tiến sĩ gồm cả Chuyên khoa "
    "cấp II (bác sĩ, dược sĩ CKII)."
)


def test_bieu2_counts_the_admissions_row_by_row(data):
    table = bieu.new_members(data.hospital_a, Y2025)
    got = figures(table)
    expected = {
        ("Đảng viên mới kết nạp", "Tổng số đảng viên mới kết nạp"): (4, 2, 200.0),
        ("Đảng viên mới kết nạp", "Trong đó: Nữ"): (3, 1, 300.0),
        ("Đảng viên mới kết nạp", "Dân tộc thiểu số"): (1, 0, None),
        ("Đảng viên mới kết nạp", "Người có đạo (theo tôn giáo)"): (1, 0, None),
        ("Đảng viên mới kết nạp", "Đoàn viên Thanh niên Cộng sản Hồ Chí Minh"): (2, 0, None),
        ("Đảng viên mới kết nạp", "Kết nạp lại"): (1, 0, None),
        ("Nghề nghiệp", "Công chức trong cơ quan nhà nước (từ cấp huyện trở lên)"): (1, 0, None),
        # Mai (viên chức), Hạnh (no employment type); 2024: Thu, Sơn (none)
        ("Nghề nghiệp", "Viên chức trong đơn vị sự nghiệp công lập"): (2, 2, 100.0),
        ("Nghề nghiệp", "Sinh viên"): (0, 0, None),
        ("Nghề nghiệp", "Khác"): (1, 0, None),  # Lan, on a labour contract
        ("Tuổi đời", "Từ 18 đến 30 tuổi"): (2, 0, None),
        ("Tuổi đời", "Từ 31 đến 35 tuổi"): (1, 0, None),
        ("Tuổi đời", "Từ 36 đến 40 tuổi"): (1, 0, None),
        ("Tuổi đời", "Từ 41 đến 45 tuổi"): (0, 0, None),
        ("Tuổi đời", "Từ 51 đến 55 tuổi"): (0, 1, 0.0),
        ("Tuổi đời", "Trên 60 tuổi"): (0, 1, 0.0),
        ("Tuổi đời", "Tuổi bình quân"): (31.0, 58.0, 53.4),
        ("Trình độ giáo dục phổ thông", "Trung học cơ sở"): (1, 0, None),
        ("Trình độ giáo dục phổ thông", "Trung học phổ thông"): (3, 2, 150.0),
        ("Trình độ giáo dục phổ thông", "Tiểu học"): (0, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Công nhân kỹ thuật, sơ cấp"): (0, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Trung cấp"): (1, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Cao đẳng"): (1, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Đại học"): (1, 1, 100.0),
        ("Trình độ chuyên môn nghiệp vụ", "Thạc sĩ"): (1, 0, None),  # BS CKI
        ("Trình độ chuyên môn nghiệp vụ", "Tiến sĩ"): (0, 1, 0.0),
        ("Học hàm", "Phó Giáo sư"): (0, 1, 0.0),
        ("Học hàm", "Giáo sư"): (0, 0, None),
        ("Trình độ lý luận chính trị", "Sơ cấp"): (1, 0, None),
        ("Trình độ lý luận chính trị", "Trung cấp"): (1, 0, None),
        ("Trình độ lý luận chính trị", "Cao cấp, cử nhân"): (0, 1, 0.0),
        (III, "Đảng bộ cơ sở"): (1, 1, 100.0),
        (III, "Đảng bộ cơ sở › Trong đó: có kết nạp đảng viên"): (1, 1, 100.0),
        (III, "Đảng bộ cơ sở › Không còn quần chúng"): (0, 0, None),  # Bình and others are not members
        (III, "Chi bộ cơ sở"): (0, 0, None),
        (III, "Chi bộ cơ sở › Trong đó: có kết nạp đảng viên"): (0, 0, None),
        (III, "Chi bộ cơ sở › Không còn quần chúng"): (0, 0, None),
    }
    assert {key: got[key] for key in expected} == expected
    # the form's order of section I: the rows ketnap does not record stay, empty and flagged, before "Kết nạp lại"
    section_one = table.column("label")[: table.rows.index(row_of(table, "Kết nạp lại")) + 1]
    assert section_one[-4:] == [
        "Chủ doanh nghiệp tư nhân",
        "Vi phạm chính sách dân số và kế hoạch hóa gia đình",
        "Kết hôn với người nước ngoài",
        "Kết nạp lại",
    ]
    assert row_figures(table, row_of(table, "Chủ doanh nghiệp tư nhân")) == EMPTY
    assert row_of(table, "Chủ doanh nghiệp tư nhân").flag == "không theo dõi"
    # every numbered row is accounted for: the rest of the occupation list is zero
    assert sum(v.current for (h, _l), v in got.items() if h == "Nghề nghiệp") == 4
    assert [code_ for code_ in table.column("code") if code_[:1].isdigit()][:3] == ["01", "02", "03"]
    assert "11-HD/BTCTW" in table.note and "hiện tại" in table.note
    # the province counts hospital B's admission too; hospital B only its own
    total = ("Đảng viên mới kết nạp", "Tổng số đảng viên mới kết nạp")
    assert figures(bieu.new_members(data.upper, Y2025))[total].current == 5
    assert figures(bieu.new_members(data.hospital_b, Y2025))[total].current == 1


def test_bieu3_counts_the_membership_on_a_day(data):
    table = bieu.membership(data.hospital_a, D(2025, 12, 31))
    got = figures(table)
    expected = {
        ("Đảng viên", "Tổng số đảng viên"): (7, 5, 140.0),
        ("Đảng viên", "Trong đó: Nữ"): (3, 1, 300.0),
        ("Đảng viên", "Dân tộc thiểu số"): (1, 0, None),
        ("Đảng viên", "Người có đạo (theo tôn giáo)"): (1, 0, None),
        ("Đảng viên", "Đảng viên dự bị"): (5, 3, 166.7),
        ("Đảng viên", "Đoàn viên Thanh niên Cộng sản Hồ Chí Minh"): (2, 0, None),
        # II.1 b: Bảo, exempt, was a member on 31/12/2024 and died in 2025
        ("Tuổi đời", "Từ 18 đến 30 tuổi"): (2, 0, None),
        ("Tuổi đời", "Từ 31 đến 35 tuổi"): (2, 2, 100.0),
        ("Tuổi đời", "Từ 36 đến 40 tuổi"): (1, 0, None),
        ("Tuổi đời", "Từ 51 đến 55 tuổi"): (1, 1, 100.0),
        ("Tuổi đời", "Trên 60 tuổi"): (1, 2, 50.0),
        ("Tuổi đời", "Tuổi bình quân"): (40.0, 49.6, 80.6),
        ("Thời kỳ vào Đảng", "Từ 01/5/1975 đến nay"): (7, 5, 140.0),
        ("Thời kỳ vào Đảng", "Trước 19/8/1945"): (0, 0, None),
        (RETIRED, "Trong đó: Được miễn công tác và sinh hoạt đảng"): (0, 1, 0.0),
        # II.1 a: 2025 An, Dũng, Mai, Thu, Sơn (viên chức or none), Hùng (công chức), Lan (contract); 2024 An, Dũng,
        # Thu, Sơn, Bảo
        (WORKING, "Công chức trong cơ quan nhà nước (từ cấp huyện trở lên)"): (1, 0, None),
        (WORKING, "Viên chức trong đơn vị sự nghiệp công lập"): (5, 5, 100.0),
        (WORKING, "Khác"): (1, 0, None),
        ("Trình độ giáo dục phổ thông", "Trung học cơ sở"): (1, 0, None),
        ("Trình độ giáo dục phổ thông", "Trung học phổ thông"): (4, 2, 200.0),
        ("Trình độ chuyên môn nghiệp vụ", "Trung cấp"): (1, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Đại học"): (2, 1, 200.0),
        ("Trình độ chuyên môn nghiệp vụ", "Thạc sĩ"): (1, 0, None),
        ("Trình độ chuyên môn nghiệp vụ", "Tiến sĩ"): (1, 1, 100.0),
        ("Học hàm", "Phó Giáo sư"): (1, 1, 100.0),
        ("Trình độ lý luận chính trị", "Sơ cấp"): (1, 0, None),
        ("Trình độ lý luận chính trị", "Trung cấp"): (1, 0, None),
        ("Trình độ lý luận chính trị", "Cao cấp, cử nhân"): (1, 1, 100.0),
    }
    assert {key: got[key] for key in expected} == expected
    # section I in the form's order, the rows ketnap does not record empty and flagged
    assert table.column("label")[1:9] == [
        "Tổng số đảng viên",
        "Trong đó: Nữ",
        "Đảng viên dự bị",
        "Dân tộc thiểu số",
        "Người có đạo (theo tôn giáo)",
        "Đoàn viên Thanh niên Cộng sản Hồ Chí Minh",
        "Chủ doanh nghiệp tư nhân",
        "Kết hôn với người nước ngoài",
    ]
    # II.1: a (at work, by occupation), b (retired: not recorded, empty), of whom exempted
    working, retired = row_of(table, WORKING), row_of(table, RETIRED)
    assert (named(table, working)["code"], working.level, row_figures(table, working)) == ("a", 1, EMPTY)
    assert (named(table, retired)["code"], retired.level, row_figures(table, retired), retired.flag) == (
        "b",
        1,
        EMPTY,
        "không theo dõi",
    )
    exempt = table.rows[table.rows.index(retired) + 1]
    assert (named(table, exempt)["label"], exempt.level) == ("Trong đó: Được miễn công tác và sinh hoạt đảng", 2)
    assert set(table.column("label")) & {"Nghỉ hưu", "Được miễn công tác và sinh hoạt đảng"} == set()
    assert "không ghi việc nghỉ hưu" in table.note
    # the occupation rows add up to the members at work (everybody: retirement is not recorded)
    occupations = [v for (h, _l), v in got.items() if h == WORKING]
    assert sum(v.current for v in occupations) == 7 and sum(v.previous for v in occupations) == 5
    # before the merge Lan counted in Khoa Nhi, which was then part of hospital A
    assert figures(bieu.membership(data.hospital_a, D(2025, 8, 1)))[("Đảng viên", "Tổng số đảng viên")].current == 7


def test_bieu2_counts_base_committees_and_base_cells_apart(data):
    """Mục III as on the form: đảng bộ cơ sở and chi bộ cơ sở, each with "có kết nạp" and "không còn quần chúng".
    On top of the dataset: a chi bộ cơ sở under the Sở whose only staff member, Hoa, is admitted on 03/03/2025."""
    cell = f.org("TTKS", "Chi bộ Trung tâm Kiểm soát bệnh tật", OrgKind.BASE_CELL, data.upper)
    unit = f.unit("UTTKS", "Trung tâm Kiểm soát bệnh tật", covered_by=cell)
    f.admitted(staff(unit, "Mạc Thị Hoa", born=D(1990, 2, 2)), cell, D(2025, 3, 3))
    table = bieu.new_members(data.upper, Y2025)
    got = figures(table)
    assert {key: value for key, value in got.items() if key[0] == III} == {
        # hospitals A and B, both in 2024 too
        (III, "Đảng bộ cơ sở"): (2, 2, 100.0),
        # 2025: A (Mai, Hùng, Lan, Hạnh) and B (Tú); 2024: A only (Thu, Sơn)
        (III, "Đảng bộ cơ sở › Trong đó: có kết nạp đảng viên"): (2, 1, 200.0),
        # both hospitals have non-members on staff (Bình …; Quý, Ngân, Phúc)
        (III, "Đảng bộ cơ sở › Không còn quần chúng"): (0, 0, None),
        (III, "Chi bộ cơ sở"): (1, 1, 100.0),
        (III, "Chi bộ cơ sở › Trong đó: có kết nạp đảng viên"): (1, 0, None),
        # end of 2025: Hoa, its one staff member, is a member; end of 2024 she was not yet
        (III, "Chi bộ cơ sở › Không còn quần chúng"): (1, 0, None),
    }
    assert got[("Đảng viên mới kết nạp", "Tổng số đảng viên mới kết nạp")] == (6, 2, 300.0)
    heading = row_of(table, III)
    assert named(table, heading)["code"] == "III" and row_figures(table, heading) == EMPTY
    assert [(named(table, r)["label"], r.level) for r in table.rows[table.rows.index(heading) + 1 :]] == [
        ("Đảng bộ cơ sở", 1),
        ("Trong đó: có kết nạp đảng viên", 2),
        ("Không còn quần chúng", 2),
        ("Chi bộ cơ sở", 1),
        ("Trong đó: có kết nạp đảng viên", 2),
        ("Không còn quần chúng", 2),
    ]


def test_contract_workers_count_as_other_occupation(data):
    assert bieu.occupation_of("cong_chuc") == "cong_chuc_nha_nuoc"
    for employment in ("hdld_khong_xac_dinh", "hdld_xac_dinh", "hd_nd111", "khac"):
        assert bieu.occupation_of(employment) == "khac", employment
    assert bieu.occupation_of("vien_chuc") == bieu.occupation_of(None) == "vien_chuc_su_nghiep_cong_lap"
    # every contract type of the code list is counted as one (a new "Hợp đồng …" type must be added)
    contracts = set(
        CodeItem.objects.filter(kind="employment_type", name__startswith="Hợp đồng").values_list("code", flat=True)
    )
    assert contracts and contracts == bieu.CONTRACT_EMPLOYMENT
    # and the form says so
    note = bieu.new_members(data.hospital_a, Y2025).note
    assert "hợp đồng lao động, hợp đồng theo NĐ 111 và loại hình “Khác” tính vào “Khác”" in note


@pytest.mark.parametrize(
    ("form", "table_of", "query"),
    [
        ("bieu-2", lambda org: bieu.new_members(org, Y2025), "?tu=01/01/2025&den=31/12/2025"),
        ("bieu-3", lambda org: bieu.membership(org, D(2025, 12, 31)), "?ngay=31/12/2025"),
    ],
    ids=["bieu-2", "bieu-3"],
)
def test_forms_number_their_columns_and_state_the_level_mapping(data, personas, login, form, table_of, query):
    table = table_of(data.hospital_a)
    assert table.column_numbers == ["", "1", "2", "3", "4 (=2×100/3)"]
    assert [c.key for c in table.columns] == ["code", "label", "current", "previous", "percent"]
    # the specialist levels: a note row under the levels, and a mark on the two rows it changes
    note = row_of(table, LEVEL_NOTE)
    assert (named(table, note)["code"], row_figures(table, note), note.level) == ("", EMPTY, 1)
    assert named(table, table.rows[table.rows.index(note) - 1])["label"] == "Tiến sĩ"
    marked = {named(table, r)["label"] for r in table.rows if r.flag == "có quy đổi, xem ghi chú *"}
    assert marked == {"Thạc sĩ", "Tiến sĩ"}
    # … on screen, in the .xlsx and in the CSV (the column numbers are for people: not in the CSV)
    client = login(personas.office_a)
    url = f"/thong-ke/{data.hospital_a.code}/{form}/{query}"
    html = client.get(url).content.decode()
    numbers = re.search(r'<tr class="colnum">(.*?)</tr>', html).group(1)
    assert re.findall(r"<td[^>]*>([^<]*)</td>", numbers) == ["", "1", "2", "3", "4 (=2×100/3)"]
    assert LEVEL_NOTE in html and "có quy đổi, xem ghi chú *" in html
    ws = openpyxl.load_workbook(io.BytesIO(client.get(url + "&xuat=xlsx").content)).active
    header = next(row for row in ws.iter_rows() if row[1].value == "Chỉ tiêu")[0].row
    assert [c.value for c in ws[header + 1]][:5] == [None, "1", "2", "3", "4 (=2×100/3)"]
    assert ws.freeze_panes == f"A{header + 2}" and ws.print_title_rows == f"${header}:${header + 1}"
    texts = [c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str)]
    assert LEVEL_NOTE in texts and "có quy đổi, xem ghi chú *" in texts
    lines = client.get(url + "&xuat=csv").content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Mã số,Chỉ tiêu,Kỳ này") and lines[1].startswith("I,")
    assert any(line.startswith(',"* Quy đổi của ketnap') for line in lines)


def test_funnel_stages_conversion_durations_and_stalls(data):
    road = funnel.Funnel(data.hospital_a, SEEN)
    stages = {stage: cells["count"] for stage, cells in keyed(road.stages(), "stage").items()}
    assert stages[Stage.SOURCE.label] == 2 and stages[Stage.SYMPATHISER.label] == 6
    assert stages[Stage.DECIDED.label] == 1 and stages["Tổng số đang theo dõi"] == 9
    conversion = keyed(road.conversion(), "stage")
    assert conversion[Stage.SOURCE.label] == {"entered": 10, "went_on": 7, "rate": 70.0, "still": 2, "left": 1}
    assert conversion[Stage.SYMPATHISER.label] == {"entered": 7, "went_on": 1, "rate": 14.3, "still": 6, "left": 0}
    assert conversion[Stage.DOSSIER.label] == {"entered": 1, "went_on": 1, "rate": 100.0, "still": 0, "left": 0}
    assert conversion[Stage.SUB_APPRAISED.label] == {"entered": 0, "went_on": 0, "rate": None, "still": 0, "left": 0}
    assert conversion[Stage.DECIDED.label] == {"entered": 1, "went_on": 0, "rate": 0.0, "still": 1, "left": 0}
    in_2025 = keyed(road.conversion(Y2025), "stage")
    assert in_2025[Stage.SOURCE.label] == {"entered": 2, "went_on": 1, "rate": 50.0, "still": 0, "left": 1}
    table = road.durations()
    durations = {named(table, r)["stage"]: (named(table, r), r.flag) for r in table.rows}
    # source stays: 10, 20, 30, 40, 50, 60 (sympathisers), 31 (Hạnh), 61 (Vinh): median 35.5, 75th percentile 52.5
    assert durations[Stage.SOURCE.label] == (
        {"stage": Stage.SOURCE.label, "finished": 8, "median": 35.5, "threshold": 52.5, "open": 2, "stalled": 1},
        "",
    )
    assert durations[Stage.SYMPATHISER.label] == (
        {
            "stage": Stage.SYMPATHISER.label,
            "finished": 1,
            "median": 59.0,
            "threshold": None,
            "open": 6,
            "stalled": None,
        },
        "chưa đủ dữ liệu",
    )
    assert road.stalled_people(Stage.SOURCE) == [data.binh.pk]  # 100 days > 52.5; Khoa's 20 days are not
    # on a past day only what had happened by then
    earlier = {
        s: cells["count"]
        for s, cells in keyed(funnel.Funnel(data.hospital_a, D(2025, 6, 30)).stages(), "stage").items()
    }
    assert earlier[Stage.DOSSIER.label] == 1 and earlier["Tổng số đang theo dõi"] == 1


def test_probation_reviews_on_time(data):
    table = funnel.probation_on_time(data.hospital_b, Y2025)
    # 2025: Quý reviewed 5 days after the 12 months (on time), Ngân almost 5 months after (late); 2024: Phúc on time
    assert keyed(table, "period") == {
        "Kỳ này (Năm 2025)": {"reviewed": 2, "on_time": 1, "late": 1, "rate": 50.0},
        "Cùng kỳ năm trước (Năm 2024)": {"reviewed": 1, "on_time": 1, "late": 0, "rate": 100.0},
    }
    assert keyed(funnel.probation_on_time(data.hospital_a, Y2025), "period")["Kỳ này (Năm 2025)"]["reviewed"] == 0


def test_source_pool_profile_and_member_share(data):
    day = TODAY
    profile, by_profession = pool.pool_profile(data.hospital_b, day)
    # Quý (26, ĐH, youth union), Ngân (ĐD, planning), Phúc (26, BS CKII, youth union, planning)
    assert [r.values for r in profile.rows] == [
        ["Đảng bộ Bệnh viện B", 3, 2, 2, 2, 2, 0, 0],  # none reviewed yet (tests/test_source_review.py)
        ["Chi bộ Khoa Sản", 3, 2, 2, 2, 2, 0, 0],
    ]
    assert profile.rows[0].strong and not profile.rows[1].strong
    assert [c.label for c in by_profession.columns] == ["Tổ chức đảng", "Quần chúng", "Bác sĩ", "Điều dưỡng"]
    assert by_profession.rows[0].values == ["Đảng bộ Bệnh viện B", 3, 2, 1]
    share = pool.member_share(data.hospital_b, day, Y2025)
    assert share.rows[0].values == ["Đảng bộ Bệnh viện B", 5, 2, 40.0, 3, 1, 0]
    units = pool.unit_share(data.hospital_b, day)
    assert [r.values for r in units.rows] == [["Bệnh viện B", 5, 2, 40.0, 3], ["Khoa Sản", 5, 2, 40.0, 3]]
    assert sorted(pool.pool_people(data.hospital_b, day)) == sorted(
        Person.objects.filter(family_name__in=["Vương", "Kiều", "Lâm"]).values_list("pk", flat=True)
    )


def test_a_long_tree_leaves_the_chi_bo_inside_base_organisations_out_and_says_so(data, monkeypatch):
    """Issue 14: past MAX_ROWS rows a table lists the base organisations, not every chi bộ inside them; each row links
    to its own page, and the totals are the same."""
    day = TODAY
    full = pool.member_share(data.upper, day, Y2025)
    full_profile, _ = pool.pool_profile(data.upper, day)
    assert any(r.level == 2 for r in full.rows) and "dài hơn" not in full.note
    monkeypatch.setattr(pool, "MAX_ROWS", len(full.rows) - 1)
    short = pool.member_share(data.upper, day, Y2025)
    profile, by_profession = pool.pool_profile(data.upper, day)
    assert [r.level for r in short.rows] == [r.level for r in full.rows if r.level < 2]
    assert short.rows[0].values == full.rows[0].values and profile.rows[0].values == full_profile.rows[0].values
    levels_one = {named(full, r)["name"]: r.values for r in full.rows if r.level == 1}
    assert {named(short, r)["name"]: r.values for r in short.rows if r.level == 1} == levels_one  # with its chi bộ
    for table in (short, profile, by_profession):
        assert f"dài hơn {len(full.rows) - 1} dòng" in table.note


def test_a_long_table_shows_its_largest_rows_and_sums_the_others_in_one_row():
    """Issue 14: a province of 1,500 hospitals shows the largest on screen, one row summing the rest (counts summed,
    a percentage left empty: it is not the sum of percentages); the totals above them stay whole."""
    table = Table(
        "t", "T", [Column("name", "Tổ chức"), Column("staff", "Nhân sự", Kind.INT), Column("pct", "%", Kind.PERCENT)]
    )
    table.add("Tỉnh", 100, 50.0, level=0)
    for name, staff in (("A", 10), ("B", 40), ("C", 5), ("D", 30), ("E", 15)):
        table.add(name, staff, 20.0, level=1)
    assert table.shortened(6, "staff", "Khác ({n})", "") is table  # within the limit: the table itself
    short = table.shortened(3, "staff", "Khác ({n})", "Chỉ hiện 3 dòng.")
    assert [r.values for r in short.rows] == [
        ["Tỉnh", 100, 50.0],
        ["B", 40, 20.0],
        ["D", 30, 20.0],
        ["Khác (3)", 30, None],
    ]
    assert short.rows[-1].level == 1 and short.note == "Chỉ hiện 3 dòng." and len(table.rows) == 6


def test_the_dashboard_shortens_long_tables_on_screen_and_exports_them_whole(data, personas, login, monkeypatch):
    """Issue 14: the screen shows pool.MAX_ROWS rows of a table and says so; its file keeps every row."""
    client = login(personas.overseer)
    full = pool.member_share(data.upper, TODAY)
    hospitals = [named(full, r) for r in full.rows if r.level == 1]
    monkeypatch.setattr(pool, "MAX_ROWS", 2)  # the upper committee, its two hospitals: one too many
    page = client.get(f"/thong-ke/{data.upper.code}/").content.decode()
    largest, other = sorted(hospitals, key=lambda h: -h["staff"])
    rows = page.split('id="dang-vien-theo-to-chuc"')[1].split("<tbody>")[1].split("</tbody>")[0]  # the chart: all
    assert largest["name"] in rows and other["name"] not in rows and "Các tổ chức, đơn vị khác (1)" in rows
    assert "Trên màn hình chỉ hiện 2 dòng lớn nhất" in page
    response = client.get(f"/thong-ke/{data.upper.code}/?xuat=xlsx&bang=dang-vien-theo-to-chuc")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    names = [cell.value for row in sheet.iter_rows() for cell in row[:1]]
    assert largest["name"] in names and other["name"] in names and not any("khác (" in str(n) for n in names)


def test_past_dashboard_shows_the_tree_of_that_day(data, personas, login):
    client = login(personas.office_a)
    then = client.get(f"/thong-ke/{data.hospital_a.code}/?ngay=01/08/2025").content.decode()
    now = client.get(f"/thong-ke/{data.hospital_a.code}/").content.decode()
    assert "Chi bộ Khoa Nhi" in then and "Chi bộ Khoa Ngoại" in then and "Chi bộ Ngoại tổng hợp" not in then
    assert "Chi bộ Khoa Nhi" not in now and "Chi bộ Ngoại tổng hợp" in now
    share = pool.member_share(data.hospital_a, D(2025, 8, 1))
    assert keyed(share, "name")["Chi bộ Khoa Nhi"]["members"] == 1  # Lan, before the merge


def _pages(org_code):
    return [
        f"/thong-ke/{org_code}/",
        f"/thong-ke/{org_code}/?ngay=01/08/2025&tu=01/01/2025&den=31/12/2025",
        f"/thong-ke/{org_code}/bieu-2/?tu=01/01/2025&den=31/12/2025",
        f"/thong-ke/{org_code}/bieu-3/?ngay=31/12/2025",
    ]


def test_overseer_sees_every_number_and_no_name(data, personas, login):
    client = login(personas.overseer)
    assert client.get("/thong-ke/").url == f"/thong-ke/{data.upper.code}/"
    names = [p.full_name for p in Person.objects.all()]
    assert len(names) >= 20
    for url in _pages(data.upper.code) + _pages(data.hospital_a.code):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200, url
        assert "danh-sach" not in html, url
        leaked = [name for name in names if name in html]
        assert leaked == [], (url, leaked)
    # the figures are there: the province's admissions of 2025
    html = client.get(_pages(data.upper.code)[2]).content.decode()
    assert re.search(r"Tổng số đảng viên mới kết nạp</td>\s*<td class=\"num\">5</td>", html)


def test_drill_down_to_names_only_within_scope(data, personas, login):
    url = f"/thong-ke/{data.hospital_a.code}/danh-sach/?nhom=pool"
    assert login(personas.overseer).get(url).status_code == 404
    assert login(personas.secretary_b1).get(url).status_code == 404
    assert login(personas.secretary_b1).get(f"/thong-ke/{data.hospital_a.code}/").status_code == 404
    office = login(personas.office_a)
    dashboard = office.get(f"/thong-ke/{data.hospital_a.code}/?ngay=30/06/2026").content.decode()
    assert re.search(r'danh-sach/\?nhom=pool&amp;ngay=30%2F06%2F2026&amp;to-chuc=BVA"', dashboard)
    pool_page = office.get(url).content.decode()
    assert "Trần Thị Bình" in pool_page and "Nguyễn Văn An" not in pool_page  # An is a member
    stalled = office.get(
        f"/thong-ke/{data.hospital_a.code}/danh-sach/?nhom=stalled&giai-doan=source&ngay=30/06/2026"
    ).content.decode()
    assert "Trần Thị Bình" in stalled and "Đặng Văn Khoa" not in stalled
    admitted = office.get(
        f"/thong-ke/{data.hospital_a.code}/danh-sach/?nhom=admitted&tu=01/01/2025&den=31/12/2025"
    ).content.decode()
    for name in ("Hà Thị Mai", "Lương Văn Hùng", "Đỗ Thị Lan", "Bùi Thị Hạnh"):
        assert name in admitted
    assert "Trịnh Thị Thu" not in admitted
    # a cell of another hospital cannot be slipped in through to-chuc
    assert office.get(url + "&to-chuc=BVB-SAN").status_code == 404
    assert office.get(f"/thong-ke/{data.hospital_a.code}/danh-sach/?nhom=stage&giai-doan=xyz").status_code == 404
    # the names list downloads too, in the same order, and only for those who may read it
    csv_rows = b"".join(office.get(url + "&xuat=csv").streaming_content).decode("utf-8-sig").splitlines()
    assert csv_rows[0].startswith("Họ và tên,Ngày sinh") and any(r.startswith("Trần Thị Bình,") for r in csv_rows)
    assert not any("Nguyễn Văn An" in r for r in csv_rows)
    xlsx = office.get(url + "&xuat=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.getvalue()[:2] == b"PK"  # a zip, sent from a temporary file (read to the end, which closes it)
    assert login(personas.overseer).get(url + "&xuat=csv").status_code == 404


@pytest.mark.parametrize(
    ("form", "wanted", "content_type"),
    [
        ("bieu-2", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("bieu-2", "pdf", "application/pdf"),
        ("bieu-2", "csv", "text/csv"),
        ("bieu-3", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("bieu-3", "pdf", "application/pdf"),
    ],
)
def test_forms_download(data, personas, login, form, wanted, content_type):
    response = login(personas.office_a).get(f"/thong-ke/{data.hospital_a.code}/{form}/?xuat={wanted}&bang={form}")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(content_type)
    assert "attachment" in response["Content-Disposition"]


def test_forms_download_in_vietnamese_from_the_english_interface(data, personas, login, settings):
    client = login(personas.office_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    screen = client.get(f"/thong-ke/{data.hospital_a.code}/bieu-2/?tu=01/01/2025&den=31/12/2025").content.decode()
    assert "Indicator" in screen  # the page follows the interface …
    csv_text = client.get(
        f"/thong-ke/{data.hospital_a.code}/bieu-2/?tu=01/01/2025&den=31/12/2025&xuat=csv"
    ).content.decode("utf-8-sig")
    assert csv_text.startswith("Mã số,Chỉ tiêu,Kỳ này")  # … the form, a party document, is Vietnamese
    assert "Indicator" not in csv_text


def test_dashboard_tables_download(data, personas, login):
    response = login(personas.overseer).get(f"/thong-ke/{data.upper.code}/?xuat=csv&bang=nguon-phat-trien")
    assert response["Content-Type"].startswith("text/csv")
    assert "Bình" not in response.content.decode("utf-8-sig")


def test_dashboard_query_count_does_not_grow_with_rows(data, personas, login, django_assert_max_num_queries):
    client = login(personas.superuser)
    kept_figures.catch_up()  # the kept counts catch up what the fixture wrote, as its commit would (stats.figures)
    # the first look keeps the funnel's counts for the roads' version, and the pool's and the admissions' per
    # organisation and per row shown (stats.kept_counts: a query or two more each) …
    with django_assert_max_num_queries(61):
        assert client.get(f"/thong-ke/{data.upper.code}/").status_code == 200
    with django_assert_max_num_queries(34):  # … which the next look reads instead of counting
        assert client.get(f"/thong-ke/{data.upper.code}/").status_code == 200
    # a past day: the figures of that day kept for the tree (stats.figures.counts_on) …
    with django_assert_max_num_queries(62):
        assert client.get(f"/thong-ke/{data.upper.code}/?ngay=01/08/2025").status_code == 200
    with django_assert_max_num_queries(39):  # … which the next look reads instead of seeking each organisation's
        assert client.get(f"/thong-ke/{data.upper.code}/?ngay=01/08/2025").status_code == 200
    # the place set in the app (Preferences); the trees read level by level and the successions into them, and one
    # aggregate query per column of the form and kind of admission (issue 14): a fixed number, whatever the rows;
    # the first look keeps the admissions' counts (and the candidates' decided, waiting for their ceremony) per
    # organisation and period …
    with django_assert_max_num_queries(50):
        assert client.get(f"/thong-ke/{data.upper.code}/bieu-2/").status_code == 200
    with django_assert_max_num_queries(37) as captured:  # … which the next look reads instead of counting
        assert client.get(f"/thong-ke/{data.upper.code}/bieu-2/").status_code == 200
    assert not [q["sql"] for q in captured.captured_queries if "COUNT(CASE WHEN" in q["sql"]]
    # the first look keeps each organisation's counts and their sum (stats.kept_counts: 3 queries more per day
    # counted, and 2 for the sum) …
    with django_assert_max_num_queries(29):
        assert client.get(f"/thong-ke/{data.upper.code}/bieu-3/").status_code == 200
    with django_assert_max_num_queries(21):  # … whose sum the next look reads instead of counting
        assert client.get(f"/thong-ke/{data.upper.code}/bieu-3/").status_code == 200


def test_a_form_count_takes_only_the_operators_it_writes_into_its_sql():
    """stats.bieu.Test's operator is written into the count's SQL as text; anything else is refused when built."""
    assert bieu.Test("person__gender", "=", Gender.FEMALE).op == "="
    with pytest.raises(ValueError, match="unknown operator"):
        bieu.Test("person__gender", "= 'F' OR 1 = 1 --", None)


@pytest.mark.django_db
def test_ages_counted_in_the_database_are_the_forms_ages():
    """stats.sqldates.age (biểu 2 and 3 count ages inside their SQL, on a fixed day or on each row's own date) agrees
    with bieu.age_on, the forms' rule (years, less one before the birthday), at birthdays and on 29/02."""
    from ketnap.stats import sqldates

    unit = f.unit("K-TUOI", "Khoa Tuổi")
    births = [dt.date(1990, 5, 17), dt.date(1992, 2, 29), dt.date(2000, 12, 31), dt.date(1966, 1, 1)]
    days = [dt.date(2026, 5, 16), dt.date(2026, 5, 17), dt.date(2028, 2, 28), dt.date(2028, 2, 29), dt.date(2026, 3, 1)]
    for i, born in enumerate(births):
        for k, day in enumerate(days):
            f.person(unit, f"Nguyễn Văn T{i}x{k}", born=born, joined_unit_on=day)
    rows = Person.objects.filter(work_unit=unit)
    for day in days:  # on a fixed day
        found = rows.annotate(age=sqldates.age("birth_date", day)).values_list("birth_date", "age")
        assert sorted(found) == sorted((born, bieu.age_on(born, day)) for born, _age in found)
    # on each row's own date (biểu 2: the age on the admission decision)
    found = rows.annotate(age=sqldates.age("birth_date", "joined_unit_on")).values_list(
        "birth_date", "joined_unit_on", "age"
    )
    assert len(found) == len(births) * len(days)
    assert all(age == bieu.age_on(born, day) for born, day, age in found)
