"""`ketnap import candidates`: people already on the road, imported with the dates of the steps they took.

Every step goes through pipeline.domain in date order and is judged as of its own date; what the past cannot
change is refused, or accepted with a recorded reason (domain.transition(back_entry=True)).
"""

import datetime as dt
from collections import Counter

import openpyxl
import pytest

from ketnap.audit.models import AuditEntry
from ketnap.imports.candidates import ALIASES, COLUMNS, CandidateImporter, CandidateReport
from ketnap.imports.columns import heading_key
from ketnap.pipeline import domain, due
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, DocumentKind, HelperRole, IntroducerKind, Stage
from ketnap.pipeline.models import Candidate, Helper, Introduction, Step
from ketnap.pipeline.transitions import TRANSITIONS
from ketnap.registry.enums import Gender, MembershipStatus
from ketnap.registry.models import CodeItem, PartyMembership
from tests import factories as f

D = dt.date

HEAD = [
    "STT",
    "Họ và tên",
    "Ngày sinh",
    "Số CCCD",
    "Giai đoạn hiện tại",
    "Ngày vào danh sách quần chúng ưu tú",
    "Ngày nghị quyết cảm tình Đảng",
    "Đảng viên giúp đỡ quần chúng",
    "Ngày cấp giấy chứng nhận",
    "Số giấy chứng nhận",
    "Ngày hoàn thiện hồ sơ",
    "Người giới thiệu 1",
    "Người giới thiệu 1: cùng công tác từ ngày",
    "Người giới thiệu 2",
    "Người giới thiệu 2: cùng công tác từ ngày",
    "Nghị quyết chi bộ: ngày",
    "Nghị quyết chi bộ: biểu quyết",
    "Nghị quyết đảng ủy cơ sở: ngày",
    "Nghị quyết đảng ủy cơ sở: số",
    "Nghị quyết đảng ủy cơ sở: số cấp ủy viên",
    "Nghị quyết đảng ủy cơ sở: số tán thành",
    "Quyết định kết nạp: ngày",
    "Quyết định kết nạp: số",
    "Quyết định kết nạp: ngày chi bộ nhận",
    "Ngày lễ kết nạp",
    "Đảng viên giúp đỡ đảng viên dự bị",
    "Lý do ghi nhận",
    "Ghi chú",
]
NUMBERS = [f"({i})" for i in range(1, len(HEAD) + 1)]


@pytest.fixture
def road(world):
    """Cell A1 with official members to help and introduce, and four more non-members on the road."""
    members = {"an": world.an}
    for key, name in (("cuong", "Hoàng Văn Cường"), ("dung", "Phạm Thị Dung"), ("giang", "Vũ Văn Giang")):
        person = f.person(world.dept_a1, name, born=D(1980, 3, 3))
        f.member(person, world.cell_a1, decision=D(2012, 5, 5))
        members[key] = person
    thpt = CodeItem.objects.get(kind="general_education", code="thpt")
    people = {"binh": world.binh}
    for key, name, gender in (
        ("lan", "Hoàng Thị Lan", Gender.FEMALE),
        ("minh", "Đỗ Văn Minh", Gender.MALE),
        ("nga", "Ngô Thị Nga", Gender.FEMALE),
        ("phuc", "Phan Văn Phúc", Gender.MALE),
    ):
        people[key] = f.person(world.dept_a1, name, gender=gender, born=D(1992, 6, 1))
    for person in people.values():
        person.general_education = thpt
        person.save()
    # Bình's introducers' "together since" is left out of the file: derived from the register's "Ngày vào đơn vị"
    for person, joined in ((world.binh, D(2016, 1, 4)), (world.an, D(2010, 9, 1))):
        person.joined_unit_on = joined
        person.save()
    return {**members, **people}


def row(person, stage="", **cells):
    values = {h: "" for h in HEAD}
    values.update({"Họ và tên": person.full_name, "Ngày sinh": person.birth_date, "Số CCCD": person.citizen_id})
    values["Giai đoạn hiện tại"] = stage
    values.update(cells)
    return values


def five_people(p):
    """Five people at different stages (dates as an office would type them, or real Excel dates)."""
    dossier = {"Ngày nghị quyết cảm tình Đảng": "01/02/2024", "Ngày cấp giấy chứng nhận": "15/04/2024"}
    return [
        row(p["lan"], "Quần chúng ưu tú", **{"Ngày vào danh sách quần chúng ưu tú": "05/01/2026"}),
        row(
            p["minh"],
            **{
                "Ngày vào danh sách quần chúng ưu tú": "10/03/2025",
                "Ngày nghị quyết cảm tình Đảng": dt.datetime(2025, 4, 14),
                "Đảng viên giúp đỡ quần chúng": "Nguyễn Văn An",
                "Ngày cấp giấy chứng nhận": "20/06/2025",
                "Số giấy chứng nhận": "CN-12",
            },
        ),
        row(
            p["nga"],
            "Hoàn thiện hồ sơ",
            **{
                "Ngày vào danh sách quần chúng ưu tú": "02/01/2024",
                **dossier,
                "Đảng viên giúp đỡ quần chúng": "Phạm Thị Dung",
                "Ngày hoàn thiện hồ sơ": "10/05/2024",
                "Người giới thiệu 1": "Hoàng Văn Cường",
                "Người giới thiệu 1: cùng công tác từ ngày": "01/01/2015",
                "Người giới thiệu 2": p["dung"].citizen_id,
                "Người giới thiệu 2: cùng công tác từ ngày": "01/01/2015",
            },
        ),
        row(
            p["binh"],
            "Chi bộ đề nghị kết nạp",
            **{
                "Ngày vào danh sách quần chúng ưu tú": "06/01/2025",
                "Ngày nghị quyết cảm tình Đảng": "03/02/2025",
                "Đảng viên giúp đỡ quần chúng": "Nguyễn Văn An",
                "Ngày cấp giấy chứng nhận": "14/04/2025",
                "Ngày hoàn thiện hồ sơ": "05/09/2025",
                "Người giới thiệu 1": "Nguyễn Văn An",
                "Người giới thiệu 2": "Vũ Văn Giang",
                "Người giới thiệu 2: cùng công tác từ ngày": "01/03/2016",
                "Nghị quyết chi bộ: ngày": "03/11/2025",
                "Nghị quyết chi bộ: biểu quyết": "4/4",
            },
        ),
        row(
            p["phuc"],
            "Đảng viên dự bị",
            **{
                "Ngày vào danh sách quần chúng ưu tú": "03/01/2024",
                "Ngày nghị quyết cảm tình Đảng": "01/02/2024",
                "Đảng viên giúp đỡ quần chúng": "Nguyễn Văn An; Vũ Văn Giang",
                "Ngày cấp giấy chứng nhận": "10/04/2024",
                "Ngày hoàn thiện hồ sơ": "03/06/2024",
                "Người giới thiệu 1": "Nguyễn Văn An",
                "Người giới thiệu 1: cùng công tác từ ngày": "01/01/2015",
                "Người giới thiệu 2": "Hoàng Văn Cường",
                "Người giới thiệu 2: cùng công tác từ ngày": "01/01/2015",
                "Nghị quyết chi bộ: ngày": "01/07/2024",
                "Nghị quyết chi bộ: biểu quyết": "4/4",
                "Nghị quyết đảng ủy cơ sở: ngày": "15/07/2024",
                "Nghị quyết đảng ủy cơ sở: số": "12-NQ/ĐU",
                "Nghị quyết đảng ủy cơ sở: số cấp ủy viên": 7,
                "Nghị quyết đảng ủy cơ sở: số tán thành": 6,
                "Quyết định kết nạp: ngày": "05/08/2024",
                "Quyết định kết nạp: số": "45-QĐ/ĐU",
                "Quyết định kết nạp: ngày chi bộ nhận": "08/08/2024",
                "Ngày lễ kết nạp": "26/08/2024",
                "Đảng viên giúp đỡ đảng viên dự bị": "Vũ Văn Giang",
            },
        ),
    ]


def write_xlsx(path, rows, head=HEAD):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["ĐẢNG BỘ BỆNH VIỆN A"])
    sheet.append(["DANH SÁCH QUẦN CHÚNG ĐANG TRÊN ĐƯỜNG PHÁT TRIỂN ĐẢNG VIÊN"])
    sheet.append([])
    sheet.append(head)
    sheet.append(NUMBERS[: len(head)])
    for number, values in enumerate(rows, start=1):
        sheet.append([number if h == "STT" else values.get(h, "") for h in head])
    workbook.save(path)
    return path


def run(world, path, user, **kwargs) -> CandidateReport:
    return CandidateImporter(world.hospital_a, path, user=user, **kwargs).run()


def written():
    return (
        Candidate.objects.count(),
        Step.objects.count(),
        Introduction.objects.count(),
        Helper.objects.count(),
        PartyMembership.objects.count(),
    )


def test_people_on_the_road_are_imported_at_their_stage_with_dated_steps(world, personas, road, tmp_path):
    office = personas.office_a
    path = write_xlsx(tmp_path / "dang-tren-duong.xlsx", five_people(road))
    report = run(world, path, office)
    assert report.ok, [str(e) for e in report.errors]
    assert report.written and (report.header_row, report.rows, report.created) == (4, 5, 5)
    assert report.stages == {
        Stage.SOURCE: 1,
        Stage.DOSSIER: 2,
        Stage.CELL_RESOLVED: 1,
        Stage.PROBATION: 1,
    }
    assert "Ghi chú" not in report.ignored_headers and report.accepted == 0
    assert "sẽ thêm" not in report.summary() and "Đảng viên dự bị: 1" in report.summary()

    def candidate(key):
        return Candidate.objects.get(person=road[key])

    def steps(key):
        return [(s.kind, s.on) for s in candidate(key).steps.order_by("on", "id")]

    lan, minh, nga, binh, phuc = (candidate(k) for k in ("lan", "minh", "nga", "binh", "phuc"))
    assert (lan.stage, lan.started_on, steps("lan")) == (Stage.SOURCE, D(2026, 1, 5), [])
    assert minh.stage == Stage.DOSSIER and steps("minh") == [
        ("sympathise", D(2025, 4, 14)),
        ("certificate", D(2025, 6, 20)),
    ]
    assert minh.documents.get(kind=DocumentKind.CERTIFICATE).note.startswith("Số CN-12")
    assert [h.member for h in minh.helpers.all()] == [world.an]
    assert nga.stage == Stage.DOSSIER
    assert sorted(nga.documents.values_list("kind", "received_on")) == sorted(
        [(DocumentKind.CERTIFICATE, D(2024, 4, 15))] + [(k, D(2024, 5, 10)) for k in ADMISSION_DOCUMENTS]
    )
    assert sorted((i.introducer.full_name, i.together_since) for i in nga.introductions.all()) == [
        ("Hoàng Văn Cường", D(2015, 1, 1)),
        ("Phạm Thị Dung", D(2015, 1, 1)),
    ]
    assert binh.stage == Stage.CELL_RESOLVED and steps("binh")[-1] == ("cell_resolution", D(2025, 11, 3))
    vote = binh.steps.get(kind="cell_resolution")
    assert (vote.votes_for, vote.members_total, vote.passed) == (4, 4, True)
    # together since: the later "Ngày vào đơn vị" of Bình (04/01/2016) and An (01/09/2010)
    assert binh.introductions.get(introducer=world.an).together_since == D(2016, 1, 4)
    assert phuc.stage == Stage.PROBATION and steps("phuc") == [
        ("sympathise", D(2024, 2, 1)),
        ("certificate", D(2024, 4, 10)),
        ("cell_resolution", D(2024, 7, 1)),
        ("committee_resolution", D(2024, 7, 15)),
        ("decision", D(2024, 8, 5)),
        ("ceremony", D(2024, 8, 26)),
    ]
    decision = phuc.steps.get(kind="decision")
    assert (decision.document_number, decision.received_on) == ("45-QĐ/ĐU", D(2024, 8, 8))
    membership = road["phuc"].memberships.get()
    assert (membership.status, membership.decision_date, membership.ceremony_date, membership.decision_number) == (
        MembershipStatus.PROBATIONARY,
        D(2024, 8, 5),
        D(2024, 8, 26),
        "45-QĐ/ĐU",
    )
    assert phuc.membership == membership
    mentor = phuc.helpers.get(role=HelperRole.MENTOR)
    assert (mentor.member, mentor.since, mentor.until) == (road["giang"], D(2024, 8, 26), None)
    assert phuc.helpers.filter(role=HelperRole.HELPER, until=D(2024, 8, 26)).count() == 2  # help ends at the ceremony
    assert all(s.recorded_by == office for s in Step.objects.all())
    # one audit entry for the file, besides the entries of every step
    event = AuditEntry.objects.get(model="registry.Organization", action="event", changes__import__1__kind="candidates")
    assert event.changes["import"][1]["created"] == 5 and event.actor == office

    # What is due from the day of the import (rules.md §2.2–2.3; working days: Mon–Fri minus holidays, plus
    # make-up Saturdays, counted from the day after the event).
    today = D(2026, 12, 7)
    lan_due = due.next_action(lan, today)
    assert lan_due.action.startswith("Chi bộ xem xét đưa vào danh sách cảm tình Đảng") and lan_due.due is None
    # the certificate is valid 60 months (HD 06-HD/TW điểm 5.4): the chi bộ must meet before 20/06/2030
    minh_due = due.next_action(minh, today)
    assert (minh_due.due, str(minh_due.source)) == (D(2030, 6, 20), "HD 06-HD/TW, điểm 5.4")
    assert due.next_action(nga, today).due == D(2029, 4, 15)
    # 60 working days after the chi bộ resolution of Mon 03/11/2025 (QĐ 294-QĐ/TW điểm 4.3.1): 42 in Nov–Dec 2025,
    # 01/01 (New Year) and Fri 02/01/2026 (swapped) off, Sat 10/01/2026 worked: 5–10/01 give 6 (48), 12–23/01
    # give 10 (58), 26 and 27/01 the last two → Tue 27/01/2026
    binh_due = due.next_action(binh, today)
    assert binh_due.action == str(TRANSITIONS["committee_resolution"].label)
    assert (binh_due.due, binh_due.source.document, binh_due.urgency) == (D(2026, 1, 27), "QĐ 294-QĐ/TW", "overdue")
    # 12 months of probation from the ceremony of 26/08/2024 end 26/08/2025 (Điều lệ Điều 5 khoản 1); the chi bộ
    # reviews within 30 working days (QĐ điểm 4.2.1): 27–29/08 (3), 01–02/09/2025 National Day off, 03/09–30/09
    # (20 → 23), 01–09/10 (7 → 30) → Thu 09/10/2025, long overdue on the day of the import
    phuc_due = due.next_action(phuc, today)
    assert "hết dự bị ngày 26/08/2025" in phuc_due.action
    assert (phuc_due.due, phuc_due.urgency) == (D(2025, 10, 9), "overdue")
    overdue = {item.candidate.person.given_name for item in due.due_items(Candidate.objects.all(), today)[:2]}
    assert overdue == {"Phúc", "Bình"}  # overdue first, the oldest deadline first

    # Importing the same file again creates nothing: each row says exactly what ketnap holds
    before = written()
    again = run(world, path, office)
    assert again.ok and (again.created, again.unchanged) == (0, 5) and written() == before
    # … nor after the office went on in ketnap: the file says nothing ketnap does not hold
    data = {"on": D(2025, 11, 10), "members_total": 7, "votes_for": 6}
    domain.transition(binh, "committee_resolution", actor=office, data=data)
    later = run(world, path, office)
    assert later.ok and later.unchanged == 5 and Candidate.objects.count() == 5


def test_a_dry_run_checks_everything_and_writes_nothing(world, personas, road, tmp_path):
    before, audit = written(), AuditEntry.objects.count()
    report = run(world, write_xlsx(tmp_path / "a.xlsx", five_people(road)), personas.office_a, dry_run=True)
    assert report.ok and report.created == 5 and not report.written
    assert report.summary().startswith("5 dòng: sẽ thêm 5 người")
    assert written() == before and AuditEntry.objects.count() == audit


SHORT_VOTE = {
    "Ngày vào danh sách quần chúng ưu tú": "05/01/2023",
    "Ngày nghị quyết cảm tình Đảng": "01/02/2023",
    "Đảng viên giúp đỡ quần chúng": "Nguyễn Văn An",
    "Ngày cấp giấy chứng nhận": "03/04/2023",
    "Ngày hoàn thiện hồ sơ": "10/05/2023",
    "Người giới thiệu 1": "Hoàng Văn Cường",
    "Người giới thiệu 1: cùng công tác từ ngày": "01/01/2015",
    "Người giới thiệu 2": "Vũ Văn Giang",
    "Người giới thiệu 2: cùng công tác từ ngày": "01/01/2015",
    "Nghị quyết chi bộ: ngày": "12/06/2023",
    "Nghị quyết chi bộ: biểu quyết": "4/7",  # 2/3 of 7 needs 5 (Điều lệ Điều 4 khoản 3)
}


def test_a_past_step_a_rule_faults_is_refused_without_a_reason(world, personas, road, tmp_path):
    before = written()
    path = write_xlsx(tmp_path / "b.xlsx", [row(road["binh"], **SHORT_VOTE)])
    report = run(world, path, personas.office_a)
    assert not report.ok and not report.written and written() == before
    assert [str(e) for e in report.errors] == [
        "Dòng 6 (Trần Thị Bình), bước 'Nghị quyết chi bộ' ngày 12/06/2023: 4/7 đảng viên chính thức được tính đồng "
        "ý, chưa đạt hai phần ba (cần 5): nghị quyết không được thông qua. (Điều lệ Đảng (2011), Điều 4 khoản 3)"
    ]
    assert report.errors_by_row() == [(6, "Trần Thị Bình", [str(report.errors[0])])]


REASON = "Chi bộ năm 2023 tính cả đảng viên dự bị vào tổng số; cấp ủy đã kết luận"


@pytest.mark.parametrize(
    ("cells", "file_reason"),
    [({**SHORT_VOTE, "Lý do ghi nhận": REASON}, ""), (SHORT_VOTE, REASON)],
    ids=["column", "file"],  # the reason in the row's column, or one given for the whole file
)
def test_with_a_reason_it_is_accepted_and_the_reason_is_kept(world, personas, road, tmp_path, cells, file_reason):
    path = write_xlsx(tmp_path / "c.xlsx", [row(road["binh"], **cells)])
    report = run(world, path, personas.office_a, reason=file_reason)
    assert report.ok and report.written and report.accepted == 1
    assert report.samples["accepted"] == [(6, "Trần Thị Bình", f"Nghị quyết chi bộ ngày 12/06/2023: {REASON}")]
    candidate = Candidate.objects.get(person=world.binh)
    assert candidate.stage == Stage.CELL_RESOLVED
    step = candidate.steps.get(kind="cell_resolution")
    assert step.passed and REASON in step.note
    codes = {f["code"]: f for f in step.findings}
    assert codes["vote.chi_bo_failed"]["accepted_reason"] == REASON
    assert "back_entry.accepted" in codes
    entry = AuditEntry.objects.get(model="pipeline.Step", object_id=str(step.pk), action="create")
    assert REASON in entry.note and entry.changes["findings"][1] == step.findings


def test_every_error_is_listed_and_nothing_is_written(world, personas, road, tmp_path):
    stranger = row(road["lan"], **{"Ngày vào danh sách quần chúng ưu tú": "05/01/2026"})
    stranger.update({"Họ và tên": "Đỗ Văn Tâm", "Số CCCD": "001099000777"})
    rows = [
        five_people(road)[0],
        stranger,
        row(road["minh"], **{"Ngày vào danh sách quần chúng ưu tú": "31/02/2024"}),
        row(
            road["nga"],
            **{
                "Ngày vào danh sách quần chúng ưu tú": "02/01/2024",
                "Ngày nghị quyết cảm tình Đảng": "01/06/2024",
                "Đảng viên giúp đỡ quần chúng": "Nguyễn Văn An",
                "Ngày cấp giấy chứng nhận": "15/04/2024",
            },
        ),
        row(road["phuc"], **{"Ngày vào danh sách quần chúng ưu tú": "03/01/2024", "Ngày lễ kết nạp": "26/08/2024"}),
    ]
    before, audit = written(), AuditEntry.objects.count()
    report = run(world, write_xlsx(tmp_path / "d.xlsx", rows), personas.office_a)
    assert written() == before and AuditEntry.objects.count() == audit and not report.written
    messages = [str(e) for e in report.errors]
    assert len(messages) == 4, messages
    assert messages[0].startswith("Dòng 7 (Đỗ Văn Tâm): không có trong danh sách nhân sự của Đảng bộ Bệnh viện A")
    assert "Hãy nhập danh sách nhân sự trước" in messages[0]
    assert messages[1].startswith("Dòng 8 (Đỗ Văn Minh), cột 'Ngày vào danh sách quần chúng ưu tú': '31/02/2024'")
    assert "không phải ngày hợp lệ" in messages[1]
    assert messages[2] == (
        "Dòng 9 (Ngô Thị Nga), bước 'Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng' ngày 15/04/2024: ngày "
        "15/04/2024 sớm hơn bước trước 'Nghị quyết cảm tình Đảng' (01/06/2024)."
    )
    assert messages[3] == (
        "Dòng 10 (Phan Văn Phúc): thiếu các bước 'Nghị quyết cảm tình Đảng', 'Giấy chứng nhận lớp bồi dưỡng nhận "
        "thức về Đảng', 'Nghị quyết chi bộ', 'Nghị quyết đảng ủy cơ sở', 'Quyết định kết nạp' trước bước 'Lễ kết "
        "nạp' (các bước phải liền nhau theo quy trình)."
    )


def test_a_row_lists_all_its_faults_at_once(world, personas, road, tmp_path):
    """A late ceremony without consent and a helper who is not a member: both, in one run."""
    cells = dict(five_people(road)[4])
    cells.update({"Ngày lễ kết nạp": "15/10/2024", "Đảng viên giúp đỡ quần chúng": "Trần Thị Bình"})
    report = run(world, write_xlsx(tmp_path / "e.xlsx", [cells]), personas.office_a)
    messages = [str(e) for e in report.errors]
    assert (
        messages[0]
        == "Dòng 6 (Phan Văn Phúc), cột 'Đảng viên giúp đỡ quần chúng': 'Trần Thị Bình' không phải đảng viên."
    )
    assert len(messages) == 1  # the helper's error stops the row before any step is tried
    cells["Đảng viên giúp đỡ quần chúng"] = ""  # no helper: a rule finding, as is the late ceremony
    report = run(world, write_xlsx(tmp_path / "f.xlsx", [cells]), personas.office_a)
    messages = [str(e) for e in report.errors]
    assert len(messages) == 2, messages
    assert (
        "bước 'Nghị quyết cảm tình Đảng' ngày 01/02/2024: Cần phân công ít nhất một đảng viên chính thức" in messages[0]
    )
    # 30 working days after receiving the decision on 08/08/2024 → 23/09/2024 (QĐ 24-QĐ/TW điểm 4.1)
    assert "bước 'Lễ kết nạp' ngày 15/10/2024: Quá hạn tổ chức lễ kết nạp (23/09/2024)" in messages[1]
    assert "QĐ 24-QĐ/TW, điểm 4.1" in messages[1]
    cells["Văn bản đồng ý của cấp trên"] = "CV 15-CV/ĐUSYT"  # not a column of HEAD: the consent alone is not enough
    cells["Lý do ghi nhận"] = "Chi bộ không lưu danh sách người giúp đỡ năm 2024"
    report = run(
        world, write_xlsx(tmp_path / "g.xlsx", [cells], head=[*HEAD, "Văn bản đồng ý của cấp trên"]), personas.office_a
    )
    assert report.ok and report.accepted == 1, [str(e) for e in report.errors]
    ceremony = Step.objects.get(kind="ceremony")
    assert ceremony.consent_document == "CV 15-CV/ĐUSYT" and "accepted_reason" not in ceremony.findings[0]


def test_already_followed_or_member(world, personas, road, tmp_path):
    domain.create_candidate(road["lan"], actor=personas.office_a, on=D(2025, 1, 6))
    rows = [five_people(road)[0], row(world.an, **{"Ngày vào danh sách quần chúng ưu tú": "05/01/2026"})]
    report = run(world, write_xlsx(tmp_path / "h.xlsx", rows), personas.office_a)
    messages = [str(e) for e in report.errors]
    assert messages[0].startswith(
        "Dòng 6 (Hoàng Thị Lan): đang được theo dõi phát triển đảng viên (Quần chúng ưu tú từ 06/01/2025)"
    )
    assert messages[1] == ("Dòng 7 (Nguyễn Văn An): đã là đảng viên chính thức; không nhập vào quá trình phát triển.")


def test_two_row_headings_staff_code_and_name_with_birth_date(world, personas, road, tmp_path):
    road["minh"].staff_code = "NV-17"
    road["minh"].save()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["DANH SÁCH"])
    sheet.append(["Họ và tên", "Ngày sinh", "Mã NV", "Quần chúng ưu tú", "Nghị quyết chi bộ", None, None])
    sheet.append([None, None, None, None, "Ngày", "Số", "Biểu quyết"])
    sheet.merge_cells("E2:G2")
    sheet.append(["Đỗ Văn Minh", "01/06/1992", "NV-17", "10/03/2025", None, None, None])
    sheet.append(["Hoàng Thị Lan", dt.datetime(1992, 6, 1), None, "05/01/2026", None, None, None])
    workbook.save(tmp_path / "i.xlsx")
    report = run(world, tmp_path / "i.xlsx", personas.office_a)
    assert report.ok, [str(e) for e in report.errors]
    # the header starts on row 2 (its upper half), as for the rosters of people (imports.layout)
    assert (
        report.header_row == 2 and ("Nghị quyết chi bộ / Biểu quyết", "Nghị quyết chi bộ: biểu quyết") in report.columns
    )
    assert set(Candidate.objects.values_list("person__given_name", "started_on")) == {
        ("Minh", D(2025, 3, 10)),
        ("Lan", D(2026, 1, 5)),
    }


def test_who_may_import(world, personas, road, tmp_path):
    path = write_xlsx(tmp_path / "j.xlsx", five_people(road)[:1])
    assert "--user" in run(world, path, None).file_error
    assert "không được ghi" in run(world, path, personas.secretary_b1).file_error
    # the secretary of cell A1 records for A1's people (--org BVA-NOI), not for the whole hospital
    report = CandidateImporter(world.cell_a1, path, user=personas.secretary_a1).run()
    assert report.ok and report.written


def test_headings_are_unambiguous():
    owners: dict[str, set[str]] = {}
    for column in COLUMNS:
        for text in (column.label, *column.aliases):
            owners.setdefault(heading_key(text), set()).add(column.key)
    assert {k: v for k, v in owners.items() if len(v) > 1} == {}
    assert Counter(c.key for c in COLUMNS).most_common(1)[0][1] == 1
    assert ALIASES[heading_key("Ngày nộp đơn (1-KNĐ)")].key == "doc.1-KNĐ"


# --- the back entry of pipeline.domain.transition ---------------------------------------------------------------


def _decided(world, road, actor):
    candidate = domain.create_candidate(road["binh"], actor=actor, on=D(2023, 1, 5))
    domain.transition(candidate, "sympathise", actor=actor, data={"on": D(2023, 2, 1), "helpers": [world.an]})
    domain.transition(candidate, "certificate", actor=actor, data={"on": D(2023, 4, 1)})
    for kind in ADMISSION_DOCUMENTS:
        domain.receive_document(candidate, kind, actor=actor, on=D(2023, 5, 10))
    for member in (road["cuong"], road["giang"]):
        Introduction.objects.create(
            candidate=candidate,
            kind=IntroducerKind.MEMBER,
            introducer=member,
            together_since=D(2015, 1, 1),
            introduced_on=D(2023, 5, 12),
        )
    data = {"on": D(2023, 6, 1), "members_total": 4, "votes_for": 4}
    domain.transition(candidate, "cell_resolution", actor=actor, data=data)
    domain.transition(candidate, "committee_resolution", actor=actor, data={**data, "on": D(2023, 6, 15)})
    domain.transition(candidate, "decision", actor=actor, data={"on": D(2023, 7, 20), "received_on": D(2023, 7, 25)})
    return candidate


def test_a_reason_without_back_entry_changes_nothing(world, personas, road):
    office = personas.office_a
    candidate = _decided(world, road, office)
    late = {"on": D(2023, 10, 2), "mentor": road["giang"], "accepted_reason": "Bệnh viện chống dịch"}
    with pytest.raises(domain.TransitionRefused):  # 30 working days after 25/07/2023 → 06/09/2023
        domain.transition(candidate, "ceremony", actor=office, data=late)
    with pytest.raises(domain.TransitionRefused):  # back entry without a reason: the rules as usual
        domain.transition(candidate, "ceremony", actor=office, data={**late, "accepted_reason": " "}, back_entry=True)
    step = domain.transition(candidate, "ceremony", actor=office, data=late, back_entry=True)
    assert candidate.stage == Stage.PROBATION and step.note == "Lý do ghi nhận: Bệnh viện chống dịch"
    assert [(f["code"], f.get("accepted_reason")) for f in step.findings] == [
        ("ceremony.late", "Bệnh viện chống dịch"),
        ("back_entry.accepted", "Bệnh viện chống dịch"),
    ]
    notes = set(
        AuditEntry.objects.filter(person_id=road["binh"].pk, model="pipeline.Step").values_list("note", flat=True)
    )
    assert (
        "Ghi nhận bước đã diễn ra trước khi dùng ketnap; chấp nhận ceremony.late; lý do: Bệnh viện chống dịch" in notes
    )
    assert road["binh"].memberships.get().ceremony_date == D(2023, 10, 2)
