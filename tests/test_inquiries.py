"""Asking others about an applicant (issue #15): the residence chi ủy's and the unions' comments, the verification of
the biography — a letter with the reply date asked for, overdue when unanswered past it, on the candidate page and on
the meeting's agenda."""

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from ketnap.audit.models import AuditEntry
from ketnap.pipeline import inquiries
from ketnap.pipeline.meeting import agenda as agenda_of
from ketnap.pipeline.models import Inquiry, InquiryKind
from ketnap.privacy.models import ReadEntry
from ketnap.registry.services.dates import today


def test_a_request_is_recorded_printed_chased_and_answered(client, world, personas, pipeline_world):
    bình = pipeline_world.bình
    client.force_login(personas.secretary_a1)
    sent = today() - dt.timedelta(days=40)
    response = client.post(
        f"/ung-vien/{bình.pk}/hoi-y-kien/",
        {
            "kind": "verification",
            "addressee": "Đảng ủy phường Hồng Hải",
            "about": "bố đẻ Trần Văn Hùng, sinh năm 1965",
            "document_number": "05-CV/CB",
            "sent_on": f"{sent:%d/%m/%Y}",
        },
    )
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.reply_by == sent + dt.timedelta(days=30)  # the chi bộ's default: 30 days
    assert AuditEntry.objects.filter(model="pipeline.Inquiry", person_id=world.binh.pk).exists()
    page = client.get(f"/ung-vien/{bình.pk}/").content.decode()
    assert (
        "Đề nghị thẩm tra lý lịch" in page and f'<span class="badge overdue">{inquiry.reply_by:%d/%m/%Y}</span>' in page
    )
    # the letter, as the chi bộ sends it; its download is in the read log
    letter = client.get(f"/ung-vien/{bình.pk}/hoi-y-kien/{inquiry.pk}.pdf")
    text = " ".join(" ".join(p.extract_text().split()) for p in PdfReader(io.BytesIO(letter.content)).pages)
    assert "Kính gửi: Đảng ủy phường Hồng Hải" in text and "Trần Thị Bình" in text
    assert "bố đẻ Trần Văn Hùng" in text and f"trước ngày {inquiry.reply_by:%d/%m/%Y}" in text
    assert ReadEntry.objects.filter(kind="download", person_id=world.binh.pk).exists()
    # the reply
    assert (
        client.post(
            f"/ung-vien/{bình.pk}/hoi-y-kien/{inquiry.pk}/tra-loi/",
            {"replied_on": f"{today():%d/%m/%Y}", "result": "Lý lịch khai đúng, gia đình chấp hành tốt."},
        ).status_code
        == 302
    )
    inquiry.refresh_from_db()
    assert inquiry.replied_on == today() and inquiries.urgency(inquiry, today()) == "done"


def test_a_verification_names_whom_it_verifies_and_dates_make_sense(world, personas, pipeline_world):
    kwargs = {"addressee": "Đảng ủy xã", "actor": personas.secretary_a1}
    with pytest.raises(ValidationError, match="người được thẩm tra"):
        inquiries.send(pipeline_world.bình, kind=InquiryKind.VERIFICATION, sent_on=today(), **kwargs)
    with pytest.raises(ValidationError, match="chưa đến"):
        inquiries.send(
            pipeline_world.bình, kind=InquiryKind.RESIDENCE, sent_on=today() + dt.timedelta(days=1), **kwargs
        )
    early = today() - dt.timedelta(days=3)
    with pytest.raises(ValidationError, match="từ ngày gửi"):
        inquiries.send(pipeline_world.bình, kind=InquiryKind.UNIONS, sent_on=today(), reply_by=early, **kwargs)
    assert not Inquiry.objects.exists()


def test_the_meeting_agenda_says_which_replies_are_still_awaited(world, personas, meeting):
    lan = meeting["Hà Thị Lan"]
    inquiries.send(
        lan, kind=InquiryKind.RESIDENCE, addressee="Chi ủy khu 5", sent_on=dt.date(2023, 5, 2), actor=personas.office_a
    )
    (case,) = [c for c in agenda_of(world.cell_a1, today()).admission if c.candidate == lan]
    assert "Chưa có trả lời: Xin ý kiến nhận xét của chi ủy nơi cư trú (hạn trả lời 01/06/2023)" in case.note


def test_only_the_chi_bos_own_may_ask_and_answer(client, world, personas, pipeline_world):
    client.force_login(personas.overseer)
    assert client.get(f"/ung-vien/{pipeline_world.bình.pk}/hoi-y-kien/").status_code == 404
    client.force_login(personas.secretary_b1)
    assert client.get(f"/ung-vien/{pipeline_world.bình.pk}/hoi-y-kien/").status_code == 404
