"""Họp chi bộ (issue #15): the agenda of a meeting day — who may be put on the sympathiser list, whose dossier the
chi bộ may consider and what it still lacks, whose probation has ended, which helpers owe a note — who votes and the
two thirds it takes, and the votes of several cases typed on one page, each checked and recorded alone."""

import datetime as dt

import pytest

from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Step
from ketnap.registry.services.dates import today

# the meeting is held today: pinned, or the course certificate of 01/04/2023 would expire under it in 2028 (60 months)
pytestmark = pytest.mark.today(dt.date(2026, 11, 24))


def test_the_agenda_names_each_case_what_it_lacks_and_the_votes_it_takes(client, world, personas, meeting):
    client.force_login(personas.secretary_a1)
    body = client.get(f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/").content.decode()
    section = {key: body[body.index(f'id="{key}"') :] for key in ("cam-tinh", "ket-nap", "cong-nhan", "thanh-phan")}
    assert "Vũ Thị Minh" in section["cam-tinh"].split("</section>")[0]
    admission = section["ket-nap"].split("</section>")[0]
    assert "Hà Thị Lan" in admission and "Đỗ Văn Hùng" in admission
    assert "Còn thiếu: Đơn xin vào Đảng (1-KNĐ)" in admission  # Hùng's, not Lan's: hers is complete
    assert admission.count("Còn thiếu") == 1
    recognition = section["cong-nhan"].split("</section>")[0]
    assert "Trần Thị Bình" in recognition and "Hết dự bị 10/08/2024" in recognition
    # four official members (An and the three of the cell fixture), Bình probationary: at least 3 of 4 agree
    voters = section["thanh-phan"].split("</section>")[0]
    assert "4 đảng viên chính thức" in voters and "1 đảng viên dự bị" in voters
    assert (
        "cần ít nhất <strong>3</strong> phiếu tán thành" in voters and "Điều lệ Đảng (2011), Điều 4 khoản 3" in voters
    )
    # the helper of Hùng owes a note by today (assigned 01/02/2023, none written)
    assert "Nguyễn Văn An → Đỗ Văn Hùng" in body


def test_the_votes_of_a_meeting_are_recorded_each_alone(client, world, personas, meeting):
    client.force_login(personas.secretary_a1)
    lan, hung, binh = meeting["Hà Thị Lan"], meeting["Đỗ Văn Hùng"], meeting["Trần Thị Bình"]
    response = client.post(
        f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/",
        {
            "on": f"{today():%d/%m/%Y}",
            "members_total": "4",
            "members_excused": "0",
            f"votes_{lan.pk}": "4",
            f"so_{lan.pk}": "15-NQ/CB",
            f"votes_{hung.pk}": "4",  # his dossier is not complete: refused, the others still recorded
            f"votes_{binh.pk}": "2",  # short of two thirds: recorded, and she stays probationary
        },
    )
    body = response.content.decode()
    results = body[body.index('id="ket-qua"') :].split("</section>")[0]
    for candidate in (lan, hung, binh):
        candidate.refresh_from_db()
    assert lan.stage == Stage.CELL_RESOLVED and lan.steps.get(kind="cell_resolution").document_number == "15-NQ/CB"
    assert hung.stage == Stage.DOSSIER and not hung.steps.filter(kind="cell_resolution").exists()
    assert "Đỗ Văn Hùng</strong>: chưa ghi" in results and "1-KNĐ" in results
    assert binh.stage == Stage.PROBATION
    assert Step.objects.get(candidate=binh, kind="recognition_cell_resolution").passed is False
    assert "chưa đạt hai phần ba" in results
    # the resolution and the minutes, filled from what was just recorded, one click from the results
    assert f"/ung-vien/{lan.pk}/van-ban/6-knd.docx" in results
    assert f"/ung-vien/{lan.pk}/van-ban/bien-ban-xet-ket-nap.docx" in results
    assert client.get(f"/ung-vien/{lan.pk}/van-ban/6-knd.docx").status_code == 200
    # the agenda reloaded: Lan has moved on, Hùng and Bình are still to decide
    agenda = body[body.index('id="ket-nap"') :].split("</section>")[0]
    assert "Hà Thị Lan" not in agenda and "Đỗ Văn Hùng" in agenda


def test_a_wrong_number_is_named_and_nothing_is_recorded(client, world, personas, meeting):
    client.force_login(personas.secretary_a1)
    lan = meeting["Hà Thị Lan"]
    response = client.post(
        f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/",
        {"on": f"{today():%d/%m/%Y}", "members_total": "bốn", f"votes_{lan.pk}": "4"},
    )
    body = response.content.decode()
    assert "Chưa ghi" in body and "Tổng số đảng viên chính thức: nhập một số nguyên không âm." in body
    assert not Step.objects.filter(kind="cell_resolution", candidate=lan).exists()
    empty = client.post(
        f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/", {"on": f"{today():%d/%m/%Y}", "members_total": "4"}
    )
    assert "Chưa nhập số phiếu tán thành của trường hợp nào." in empty.content.decode()


def test_the_meeting_is_the_chi_bos_own(client, world, personas):
    client.force_login(personas.secretary_b1)
    assert client.get(f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/").status_code == 404
    client.force_login(personas.overseer)
    assert client.get(f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/").status_code == 404
    client.force_login(personas.office_a)
    assert client.get(f"/to-chuc/{world.hospital_a.code}/hop-chi-bo/").status_code == 404  # not a chi bộ
    assert client.get(f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/", {"ngay": "31/02/2026"}).status_code == 200


def test_a_certificate_is_out_of_date_on_its_expiry_day_itself(world, meeting):
    """HD 06-HD/TW điểm 5.4 as rules.eligibility reads it: a certificate of 01/04/2023 is expired on 01/04/2028."""
    from ketnap.pipeline.meeting import agenda

    def note_of_hung(day):
        (case,) = [c for c in agenda(world.cell_a1, day).admission if c.candidate == meeting["Đỗ Văn Hùng"]]
        return case.note

    assert "hết giá trị" not in note_of_hung(dt.date(2028, 3, 31))
    assert "hết giá trị từ ngày 01/04/2028: phải học lại" in note_of_hung(dt.date(2028, 4, 1))


def test_the_resolution_and_minutes_are_drafted_for_the_meeting_day_before_the_vote(client, world, personas, meeting):
    """The meeting's papers before it (the pack the secretary takes in): 6-KNĐ / 13-KNĐ and the minutes for each case,
    dated the meeting day, the members from the register of that day, the votes dotted; only for a case at the stage
    that meeting decides, only inside the scope, and named as drafts."""
    from tests.test_documents import text_of

    client.force_login(personas.secretary_a1)
    lan, binh = meeting["Hà Thị Lan"], meeting["Trần Thị Bình"]
    day = today() + dt.timedelta(days=10)
    body = client.get(f"/to-chuc/{world.cell_a1.code}/hop-chi-bo/?ngay={day:%d/%m/%Y}").content.decode()
    admission = body[body.index('id="ket-nap"') :].split("</section>")[0]
    draft = f"?du-thao={day:%d/%m/%Y}".replace("/", "%2F")
    assert f"/ung-vien/{lan.pk}/van-ban/6-knd.docx{draft}" in admission
    assert f"/ung-vien/{lan.pk}/van-ban/bien-ban-xet-ket-nap.docx{draft}" in admission
    recognition = body[body.index('id="cong-nhan"') :].split("</section>")[0]
    assert f"/ung-vien/{binh.pk}/van-ban/13-knd.docx{draft}" in recognition

    response = client.get(f"/ung-vien/{lan.pk}/van-ban/6-knd.docx{draft}")
    assert response.status_code == 200
    assert f"DU-THAO_6-KND_ha-thi-lan_{day:%Y-%m-%d}.docx" in response["Content-Disposition"]
    text = text_of(b"".join(response.streaming_content) if response.streaming else response.content)
    assert "Hà Thị Lan" in text and f"ngày {day:%d} tháng {day:%m} năm {day:%Y}" in text
    # the register of that day: four official members and Bình on probation; the votes are the meeting's
    assert "Tổng số đảng viên của chi bộ: 5 đồng chí, trong đó đảng viên chính thức: 4 đồng chí" in text
    assert "tán thành việc kết nạp quần chúng Hà Thị Lan vào Đảng: ………… đồng chí" in text
    minutes = client.get(f"/ung-vien/{binh.pk}/van-ban/bien-ban-xet-cong-nhan.docx{draft}")
    assert minutes.status_code == 200 and "DU-THAO_BIEN-BAN-XET-CONG-NHAN" in minutes["Content-Disposition"]

    # not before the vote without the draft's day; not for a case the meeting does not decide; a day that is none
    assert client.get(f"/ung-vien/{lan.pk}/van-ban/6-knd.docx").status_code == 404
    assert client.get(f"/ung-vien/{lan.pk}/van-ban/13-knd.docx{draft}").status_code == 404
    assert client.get(f"/ung-vien/{lan.pk}/van-ban/6-knd.docx?du-thao=31/02/2026").status_code == 404
    client.force_login(personas.secretary_b1)  # another hospital's chi bộ
    assert client.get(f"/ung-vien/{lan.pk}/van-ban/6-knd.docx{draft}").status_code == 404
