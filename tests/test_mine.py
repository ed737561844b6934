"""Việc của tôi (/cua-toi/, issue #15): members sign in without any role — a mentor sees the people they help and the
note each owes next, writes it from a phone; a candidate sees their own road; neither reaches anyone else (the URL
walk of tests/test_scope_leaks.py covers every other page for both)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from ketnap.accounts.models import RoleKind
from ketnap.audit.models import AuditEntry
from ketnap.pipeline import notes
from ketnap.pipeline.enums import HelperRole
from ketnap.pipeline.models import Helper, MentorNote
from ketnap.registry.services.dates import today
from tests import factories as f


def test_a_mentor_without_a_role_lands_on_their_own_page_with_the_note_due(client, world, pipeline_world, mentor):
    client.force_login(mentor)
    response = client.get("/", follow=True)
    assert response.redirect_chain == [("/cua-toi/", 302)]
    body = response.content.decode()
    assert "Người tôi được phân công giúp đỡ" in body and "Trần Thị Bình" in body
    # assigned 01/03/2024, no note since: a quarter later, long overdue, the rule and its source beside the date
    assert '<span class="badge overdue">01/06/2024</span>' in body
    assert "chi bộ phân công nhận xét 3 tháng một lần" in body and "HD 12-HD/BTCTW (2022)" in body
    assert "1 nhận xét quá hạn" in body
    # only what a member without a role has: no tree of organisations, no statistics in the menu
    assert 'href="/thong-ke/"' not in body and 'href="/cua-toi/"' in body
    for name in ("Đặng Văn Khoa", "Võ Thị Yến", "Phạm Thị Xuyến"):  # candidates and people they do not help
        assert name not in body


def test_a_mentor_writes_the_note_in_one_form_and_the_next_one_moves(client, world, pipeline_world, mentor):
    client.force_login(mentor)
    url = f"/cua-toi/nhan-xet/{pipeline_world.bình.pk}/"
    form = client.get(url).content.decode()
    assert "Hạn nhận xét" in form and f'value="{today():%d/%m/%Y}"' in form  # today by default: one field to fill
    entries = AuditEntry.objects.count()
    response = client.post(url, {"on": today().strftime("%d/%m/%Y"), "text": "Tích cực học tập, gương mẫu."})
    assert response.status_code == 302 and response.url == "/cua-toi/"
    note = MentorNote.objects.get()
    assert (note.candidate, note.author, note.on) == (pipeline_world.bình, mentor, today())
    assert note.helper == Helper.objects.get(member=world.an)  # whose note it is: their assignment
    assert AuditEntry.objects.count() == entries + 1  # the note and its audit entry, together
    (item,) = notes.schedule(Helper.objects.filter(member=world.an), today())
    assert item.last_note == today() and item.urgency == "ok"
    page = client.get("/cua-toi/").content.decode()
    assert f"Nhận xét gần nhất của tôi: {today():%d/%m/%Y}" in page and "Đã lưu nhận xét về Trần Thị Bình" in page


def test_the_note_service_keeps_the_rule_the_helper_themself_or_the_chi_bos_editors(
    world, pipeline_world, mentor, personas
):
    """notes.write_note, whoever calls it: a member without a role writes the notes of their own assignment in force,
    nobody else's and not the chi bộ's own; the secretary records anyone's from paper."""
    own = Helper.objects.get(member=world.an)
    other = Helper.objects.create(
        candidate=pipeline_world.bình, member=world.dung, role=HelperRole.HELPER, since=dt.date(2024, 3, 1)
    )
    notes.write_note(pipeline_world.bình, actor=mentor, on=today(), text="Gương mẫu.", helper=own)
    for helper in (other, None):
        with pytest.raises(PermissionDenied):
            notes.write_note(pipeline_world.bình, actor=mentor, on=today(), text="Không phải của tôi.", helper=helper)
    notes.write_note(pipeline_world.bình, actor=personas.secretary_a1, on=today(), text="Theo giấy.", helper=other)
    assert [(n.helper, n.author) for n in MentorNote.objects.order_by("pk")] == [
        (own, mentor),
        (other, personas.secretary_a1),
    ]


def test_a_note_without_text_is_refused_in_vietnamese_and_nothing_is_written(client, pipeline_world, mentor):
    client.force_login(mentor)
    response = client.post(f"/cua-toi/nhan-xet/{pipeline_world.bình.pk}/", {"on": "31/02/2026", "text": ""})
    body = response.content.decode()
    assert response.status_code == 200 and "Chưa lưu" in body and "Nhận xét" in body
    assert not MentorNote.objects.exists()


def test_a_mentor_opens_no_one_else_and_no_longer_once_the_assignment_ends(client, world, pipeline_world, mentor):
    client.force_login(mentor)
    for url in (
        f"/cua-toi/nhan-xet/{pipeline_world.khoa.pk}/",  # not theirs
        f"/ung-vien/{pipeline_world.bình.pk}/",  # the chi bộ's full page: not a mentor's
        f"/nhan-su/{world.binh.pk}/",
    ):
        assert client.get(url).status_code == 404, url
    assert client.get("/tim-kiem/", {"q": "binh"}).status_code == 404
    Helper.objects.filter(member=world.an).update(until=dt.date(2024, 9, 1))
    assert client.get(f"/cua-toi/nhan-xet/{pipeline_world.bình.pk}/").status_code == 404
    assert "Trần Thị Bình" not in client.get("/cua-toi/").content.decode()


def test_a_candidate_reads_their_own_road_and_nothing_else(client, world, pipeline_world, candidate_user, mentor):
    client.force_login(candidate_user)
    body = client.get("/", follow=True).content.decode()
    assert "Quá trình phấn đấu vào Đảng của tôi" in body and "Quần chúng ưu tú" in body
    assert "Chi bộ Khoa Nội" in body
    # the papers: the application received 01/02/2024, the biography still missing; who helps her
    assert "✔ Đơn xin vào Đảng (1-KNĐ)" in body and "01/02/2024" in body
    assert "✘ Lý lịch của người xin vào Đảng (2-KNĐ)" in body
    assert "Đảng viên giúp đỡ tôi: Nguyễn Văn An" in body
    assert "Bước tiếp theo" in body
    # no notes about her, nobody else's road, no page of the chi bộ's
    assert "Người tôi được phân công giúp đỡ" not in body
    assert client.get(f"/cua-toi/nhan-xet/{pipeline_world.bình.pk}/").status_code == 404
    assert client.get(f"/ung-vien/{pipeline_world.bình.pk}/").status_code == 404


def test_a_login_without_a_staff_record_is_told_what_to_ask_for(client, db):
    client.force_login(f.user("khach"))
    body = client.get("/cua-toi/").content.decode()
    assert "chưa gắn với hồ sơ nhân sự" in body


def test_the_chi_bo_sets_its_interval_once_for_every_helper_and_a_wrong_one_is_refused(world, pipeline_world, mentor):
    office = f.user("vp.ke-hoach", (RoleKind.OFFICE, world.hospital_a))
    notes.set_plan(world.cell_a1, 1, actor=office)
    (item,) = notes.schedule(Helper.objects.filter(member=world.an), today())
    assert item.deadline.due == dt.date(2024, 4, 1) and "1 tháng một lần" in item.deadline.rule
    with pytest.raises(ValidationError):
        notes.set_plan(world.cell_a1, 13, actor=office)
    assert notes.plan_of(world.cell_a1.pk) == 1


def test_the_own_page_costs_the_same_for_one_or_many_people_helped(client, world, pipeline_world, mentor):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(mentor)
    client.get("/cua-toi/")
    with CaptureQueriesContext(connection) as one:
        client.get("/cua-toi/")
    for candidate in (pipeline_world.khoa, pipeline_world.yen):
        Helper.objects.create(candidate=candidate, member=world.an, role=HelperRole.HELPER, since=dt.date(2024, 5, 2))
    with CaptureQueriesContext(connection) as three:
        body = client.get("/cua-toi/").content.decode()
    assert body.count("+ Ghi nhận xét") == 3
    assert len(three.captured_queries) == len(one.captured_queries) <= 12, [q["sql"] for q in three]


def test_the_secretary_sets_the_plan_on_the_chi_bo_page_and_only_there(client, world, personas):
    client.force_login(personas.secretary_a1)
    page = client.get(f"/to-chuc/{world.cell_a1.code}/").content.decode()
    assert "Người giúp đỡ nhận xét" in page and "3 tháng một lần" in page
    url = f"/to-chuc/{world.cell_a1.code}/ke-hoach-nhan-xet/"
    refused = client.post(url, {"every_months": "13"})
    assert refused.status_code == 200 and "Chưa lưu" in refused.content.decode()
    assert client.post(url, {"every_months": "2"}).status_code == 302
    assert notes.plan_of(world.cell_a1.pk) == 2
    entry = AuditEntry.objects.filter(model="pipeline.NotePlan").get()  # the change is in the trail: who, what
    assert entry.actor == personas.secretary_a1 and entry.changes["every_months"][1] == 2
    # not a chi bộ (the đảng bộ above), another chi bộ, a reader without the right to change it
    assert client.get(f"/to-chuc/{world.hospital_a.code}/ke-hoach-nhan-xet/").status_code == 404
    assert client.get(f"/to-chuc/{world.cell_b1.code}/ke-hoach-nhan-xet/").status_code == 404
    client.force_login(personas.overseer)
    assert client.get(url).status_code == 404


def test_the_secretary_records_a_helpers_note_from_paper_and_that_helpers_clock_moves(
    client, world, personas, pipeline_world, mentor, cell
):
    other = Helper.objects.create(
        candidate=pipeline_world.bình, member=cell[1], role=HelperRole.HELPER, since=dt.date(2024, 3, 1)
    )
    client.force_login(personas.secretary_a1)
    url = f"/ung-vien/{pipeline_world.bình.pk}/nhan-xet/"
    form = client.get(url).content.decode()
    assert "Nhận xét của" in form and "Hoàng Văn Cường (đảng viên giúp đỡ quần chúng)" in form
    response = client.post(url, {"helper": other.pk, "on": "02/12/2026", "text": "Đã đọc bản nhận xét viết tay."})
    assert response.status_code == 302
    assert MentorNote.objects.get().helper == other and MentorNote.objects.get().author == personas.secretary_a1
    due = {item.helper.member: item for item in notes.schedule(pipeline_world.bình.helpers.all(), today())}
    assert due[cell[1]].last_note == dt.date(2026, 12, 2) and due[world.an].last_note is None
    # the candidate page shows each helper's next note, so the chi bộ sees who has not written
    page = client.get(f"/ung-vien/{pipeline_world.bình.pk}/").content.decode()
    assert '<span class="badge overdue">01/06/2024</span>' in page
    assert "<strong>02/12/2026</strong> (Hoàng Văn Cường)" in page


def test_notes_written_before_they_named_their_helper_are_given_one(world, pipeline_world, mentor, cell):
    """The migration's fill: the helper whose login wrote it, else the one mentor in force that day, else none."""
    import importlib

    from django.apps import apps

    fill = importlib.import_module("ketnap.pipeline.migrations.0007_note_plan_and_helper").fill_helpers
    bình = pipeline_world.bình  # An: mentor since 01/03/2024 (the fixture); Cường: a helper from 01/03 to 30/06/2024
    cuong = Helper.objects.create(
        candidate=bình, member=cell[1], role=HelperRole.HELPER, since=dt.date(2024, 3, 1), until=dt.date(2024, 6, 30)
    )
    cell[1].user = f.user("cuong")
    cell[1].save()
    written = {
        "by Cường's login": MentorNote.objects.create(
            candidate=bình, on=dt.date(2024, 5, 1), text="a", author=cell[1].user
        ),
        "by the office": MentorNote.objects.create(candidate=bình, on=dt.date(2024, 9, 1), text="b"),
        "before anyone helped": MentorNote.objects.create(candidate=bình, on=dt.date(2024, 1, 2), text="c"),
    }
    fill(apps, None)
    found = {k: MentorNote.objects.get(pk=n.pk).helper for k, n in written.items()}
    mentor_helper = Helper.objects.get(member=world.an)
    assert found == {"by Cường's login": cuong, "by the office": mentor_helper, "before anyone helped": None}
