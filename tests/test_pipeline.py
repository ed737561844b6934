"""The road from outstanding non-member to official member, through the one entry point (domain.transition)."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from ketnap.audit.models import AuditEntry
from ketnap.pipeline import domain, due
from ketnap.pipeline.enums import RECOGNITION_DOCUMENTS, DocumentKind, IntroducerKind, Stage
from ketnap.pipeline.models import Introduction
from ketnap.pipeline.transitions import available
from ketnap.registry.enums import Gender, MembershipStatus, OrgKind
from ketnap.registry.models import CodeItem
from tests import factories as f
from tests.factories import step, walk_to_decision, walk_to_dossier

D = dt.date


def test_the_whole_road_to_official_member(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    step(candidate, "cell_resolution", office, on=D(2023, 6, 1), members_total=4, votes_for=4, document_number="6")
    assert next(t.name for t in available(candidate)) == "committee_resolution"  # a chi bộ trực thuộc
    step(candidate, "committee_resolution", office, on=D(2023, 6, 15), members_total=7, votes_for=6)
    step(
        candidate,
        "decision",
        office,
        on=D(2023, 7, 20),
        received_on=D(2023, 7, 25),
        document_number="45-QĐ/ĐU",
        issuer="Đảng ủy Sở Y tế",
    )
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])
    membership = world.binh.memberships.get()
    assert (membership.status, membership.decision_date, membership.ceremony_date) == (
        MembershipStatus.PROBATIONARY,
        D(2023, 7, 20),
        D(2023, 8, 10),
    )
    for kind in RECOGNITION_DOCUMENTS:
        domain.receive_document(candidate, kind, actor=office, on=D(2024, 8, 12))
    step(candidate, "recognition_cell_resolution", office, on=D(2024, 8, 20), members_total=4, votes_for=3)
    step(candidate, "recognition_committee_resolution", office, on=D(2024, 8, 26), members_total=7, votes_for=5)
    step(candidate, "recognition_decision", office, on=D(2024, 9, 5), document_number="90-QĐ/ĐU")
    candidate.refresh_from_db()
    membership.refresh_from_db()
    assert candidate.stage == Stage.OFFICIAL and candidate.membership == membership
    # QĐ 24 §4.2.2: official from the end of the 12 months, not from the (later) decision
    assert (membership.status, membership.official_date) == (MembershipStatus.OFFICIAL, D(2024, 8, 10))
    steps = AuditEntry.objects.filter(person_id=world.binh.pk, model="pipeline.Step").count()
    assert steps == 9  # every step is in the audit trail


def test_a_base_cell_skips_the_base_committee(world, personas):
    base_cell = f.org("CBCS", "Chi bộ Trung tâm Pháp y", OrgKind.BASE_CELL, world.upper)
    unit = f.unit("PY", "Trung tâm Pháp y", covered_by=base_cell)
    members = []
    for name in ("Đinh Văn Hải", "Lý Thị Hoa", "Tạ Văn Hùng"):
        person = f.person(unit, name, born=D(1978, 1, 1))
        f.member(person, base_cell, decision=D(2010, 1, 1))
        members.append(person)
    person = f.person(unit, "Mai Văn Lâm", gender=Gender.MALE, born=D(1985, 2, 2))
    person.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    person.save()
    candidate = domain.create_candidate(person, actor=personas.superuser, on=D(2023, 1, 5))
    walk_to_dossier(candidate, personas.superuser, members)
    step(candidate, "cell_resolution", personas.superuser, on=D(2023, 6, 1), members_total=3, votes_for=2)
    assert [t.name for t in available(candidate)] == ["decision", "withdraw", "not_admitted", "pause"]


def test_the_rules_refuse_with_reasons_and_sources(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    # a probationary member cannot introduce (QĐ điểm 3.2.1)
    intro = candidate.introductions.first()
    intro.introducer = world.dung
    intro.save()
    with pytest.raises(domain.TransitionRefused) as refused:
        step(candidate, "cell_resolution", office, on=D(2023, 6, 1), members_total=4, votes_for=4)
    codes = {f.code for f in refused.value.verdict.findings}
    assert "introducer.probationary" in codes
    assert any("3.2.1" in str(f.source) for f in refused.value.verdict.findings)
    candidate.refresh_from_db()
    assert candidate.stage == Stage.DOSSIER and not candidate.steps.filter(kind="cell_resolution").exists()


def test_a_failed_vote_is_recorded_but_does_not_advance(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    recorded = step(candidate, "cell_resolution", office, on=D(2023, 6, 1), members_total=4, votes_for=2)
    candidate.refresh_from_db()
    assert recorded.passed is False and candidate.stage == Stage.DOSSIER  # 2 of 4 < 2/3 (Điều lệ Điều 4 khoản 3)
    step(candidate, "cell_resolution", office, on=D(2023, 7, 1), members_total=4, votes_for=1)
    third = step(candidate, "cell_resolution", office, on=D(2023, 8, 1), members_total=4, votes_for=2)
    # Điều lệ Điều 4 khoản 3: a failed admission vote means no proposal, however often; the report to the committee
    # above after three failed votes (QĐ 24 điểm 4.2.3) is for recognition and removal only
    codes = [f["code"] for f in third.findings]
    assert "vote.not_proposed" in codes and "vote.escalate" not in codes
    with pytest.raises(domain.TransitionRefused, match="biểu quyết"):  # no vote entered is refused, not "failed"
        step(candidate, "cell_resolution", office, on=D(2023, 9, 1))
    assert candidate.steps.filter(kind="cell_resolution").count() == 3


def test_a_late_ceremony_needs_the_upper_committees_consent(world, personas, cell):
    office = personas.office_a
    candidate = walk_to_decision(world, office, cell, received_on=D(2023, 7, 25))
    with pytest.raises(domain.TransitionRefused) as refused:  # 30 working days after 25/07/2023 → 06/09/2023
        step(candidate, "ceremony", office, on=D(2023, 10, 2), mentor=cell[1])
    assert [f.code for f in refused.value.verdict.findings] == ["ceremony.late"]
    done = step(
        candidate,
        "ceremony",
        office,
        on=D(2023, 10, 2),
        mentor=cell[1],
        consent_document="CV 15-CV/ĐUSYT ngày 20/9/2023",
        consent_reason="Bệnh viện chống dịch",
    )
    assert done.consent_document.startswith("CV 15") and done.findings[0]["code"] == "ceremony.late"


def test_recognition_waits_for_the_twelve_months(world, personas, cell):
    office = personas.office_a
    candidate = walk_to_decision(world, office, cell)
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])
    for kind in RECOGNITION_DOCUMENTS:
        domain.receive_document(candidate, kind, actor=office, on=D(2024, 7, 1))
    with pytest.raises(domain.TransitionRefused, match="Chưa hết 12 tháng"):
        step(candidate, "recognition_cell_resolution", office, on=D(2024, 8, 5), members_total=4, votes_for=4)
    item = due.next_action(candidate, D(2024, 8, 5))
    # 30 working days after Sat 10/08/2024: 12/8–30/8 give 15, 2/9 and 3/9/2024 are off, 4/9–24/9 give 15 more
    assert item.due == D(2024, 9, 24) and item.urgency == "ok"
    assert due.next_action(candidate, D(2024, 9, 25)).urgency == "overdue"


def test_removal_from_probation_ends_the_membership(world, personas, cell):
    office = personas.office_a
    candidate = walk_to_decision(world, office, cell)
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])
    reason = {"reason": "Không đủ tư cách đảng viên", "issuer": "Đảng ủy SYT"}
    # Điều lệ Điều 5 khoản 2: the chi bộ proposes the removal with two thirds of its official members
    with pytest.raises(domain.TransitionRefused, match="biểu quyết"):
        step(candidate, "remove", office, on=D(2024, 9, 1), **reason)
    for day in (1, 8):
        failed = step(candidate, "remove", office, on=D(2024, 9, day), members_total=6, votes_for=3, **reason)
        assert failed.passed is False
    third = step(candidate, "remove", office, on=D(2024, 9, 15), members_total=6, votes_for=3, **reason)
    # QĐ 24 điểm 4.2.3: after three votes short of two thirds, the committee above and the competent one decide
    assert "vote.escalate" in [f["code"] for f in third.findings]
    assert world.binh.memberships.get().status == MembershipStatus.PROBATIONARY
    step(candidate, "remove", office, on=D(2024, 10, 1), members_total=6, votes_for=4, **reason)
    assert world.binh.memberships.get().status == MembershipStatus.REMOVED


def test_only_someone_in_scope_may_move_a_candidate(world, personas, cell):
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    with pytest.raises(PermissionDenied):
        step(candidate, "sympathise", personas.secretary_b1, on=D(2023, 2, 1), helpers=cell[:1])
    with pytest.raises(PermissionDenied):
        step(candidate, "sympathise", personas.overseer, on=D(2023, 2, 1), helpers=cell[:1])


def test_members_cannot_become_candidates(world, personas):
    with pytest.raises(Exception, match="đã là đảng viên"):
        domain.create_candidate(world.an, actor=personas.office_a, on=D(2023, 1, 5))


def test_an_overdue_recognition_is_flagged_on_every_level_above(client, world, personas, cell):
    office = personas.office_a
    candidate = walk_to_decision(world, office, cell)
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])  # review was due 24/09/2024
    client.force_login(personas.overseer)
    rows = {n.code: (n.overdue, n.overdue_recognitions) for n in client.get("/").context["rows"]}
    assert rows["SYT"] == (1, 1) and rows["BVA"] == (1, 1) and rows["BVB"] == (0, 0)
    assert "Trần Thị Bình" not in client.get("/").content.decode()  # counts only for an overseer
    client.force_login(office)
    home = client.get("/")
    assert home.context["due_counts"]["overdue"] == 1
    assert [i.candidate.person.full_name for i in client.get("/viec-can-lam/").context["page"].object_list] == [
        "Trần Thị Bình"
    ]


def test_one_ceremony_day_for_several_each_checked_and_recorded_alone(client, world, personas, cell, pipeline_world):
    office = personas.office_a
    second = f.person(world.dept_a1, "Ngô Thị Hạnh", born=D(1995, 6, 6))
    second.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    second.save()

    def resolved(candidate):
        step(candidate, "cell_resolution", office, on=D(2023, 6, 1), members_total=4, votes_for=4)
        step(candidate, "committee_resolution", office, on=D(2023, 6, 15), members_total=7, votes_for=6)
        return candidate

    binh = world.binh.candidacies.get()  # pipeline_world's road, begun on 08/01/2024: from 05/01/2023 here
    binh.started_on = D(2023, 1, 5)
    binh.save()
    walk_to_dossier(binh, office, cell)
    resolved(binh)
    hanh = domain.create_candidate(second, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(hanh, office, cell)
    # Hạnh is of youth age: the Youth Union route, as the rules require
    first = hanh.introductions.first()
    first.kind, first.introducer, first.together_since = IntroducerKind.YOUTH_UNION, None, None
    first.save()
    second.youth_union_member = True
    second.save()
    with pytest.raises(domain.TransitionRefused, match="4-KNĐ"):  # its resolution must be in the dossier
        step(hanh, "cell_resolution", office, on=D(2023, 6, 1), members_total=4, votes_for=4)
    domain.receive_document(hanh, DocumentKind.YOUTH_UNION, actor=office, on=D(2023, 5, 11))
    decided = [binh, resolved(hanh)]
    client.force_login(office)
    ids = [c.pk for c in decided]
    response = client.post("/ung-vien/hang-loat/decision/", {"ids": ids, "on": "20/07/2023", "document_number": "45"})
    assert [ok for _c, ok, _r in response.context["results"]] == [True, True]
    response = client.post(
        "/ung-vien/hang-loat/ceremony/",
        {"ids": ids, "on": "10/08/2023", f"mentor_{ids[0]}": cell[1].pk, f"mentor_{ids[1]}": ""},
    )
    outcome = {c.person.full_name: (ok, reasons) for c, ok, reasons in response.context["results"]}
    assert outcome["Trần Thị Bình"] == (True, [])
    ok, reasons = outcome["Ngô Thị Hạnh"]
    assert ok is False and "giúp đỡ đảng viên dự bị" in reasons[0]
    assert world.binh.memberships.get().ceremony_date == D(2023, 8, 10)
    assert not second.memberships.exists()
    outsider = pipeline_world.yen.pk
    assert client.post("/ung-vien/hang-loat/ceremony/", {"ids": [ids[1], outsider]}).status_code == 404


def test_open_candidates_follow_their_cell_through_a_merge(world, personas, cell):
    from ketnap.registry.services import organizations

    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    organizations.merge([world.cell_a1], into=world.cell_a2, on=D(2025, 7, 1), actor=personas.office_a)
    candidate.refresh_from_db()
    assert candidate.organization == world.cell_a2


def test_help_ends_with_the_road(world, personas, cell):
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    step(candidate, "sympathise", personas.office_a, on=D(2023, 2, 1), helpers=cell[:2])
    step(candidate, "withdraw", personas.office_a, on=D(2023, 3, 1), reason="Chuyển công tác khỏi bệnh viện")
    assert list(candidate.helpers.values_list("until", flat=True)) == [D(2023, 3, 1), D(2023, 3, 1)]


def test_next_action_names_the_step_that_really_follows(world, personas, cell):
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    walk_to_dossier(candidate, personas.office_a, cell)
    step(candidate, "cell_resolution", personas.office_a, on=D(2023, 6, 1), members_total=4, votes_for=4)
    item = due.next_action(candidate, D(2023, 6, 2))
    # 60 working days after Thu 01/06/2023 (no holiday between): 2/6 is the 1st, 24/08/2023 the 60th
    assert item.action.startswith("Đảng ủy cơ sở") and item.due == D(2023, 8, 24)


def test_a_probationary_member_entered_in_the_register_is_tracked(client, world, personas):
    client.force_login(personas.office_a)
    response = client.post(
        f"/nhan-su/{world.binh.pk}/dang-vien/",
        {
            "arrival": "registered",
            "organization": world.cell_a1.pk,
            "status": "probationary",
            "decision_date": "02/09/2025",
            "ceremony_date": "15/09/2025",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    candidate = world.binh.candidacies.get()
    assert candidate.stage == Stage.PROBATION and candidate.membership == world.binh.memberships.get()
    item = due.next_action(candidate, D(2026, 11, 24))
    # probation ends 15/09/2026; 30 working days: 16/9 is the 1st, 27/10/2026 the 30th
    assert item.due == D(2026, 10, 27) and item.urgency == "overdue"
    missing = client.post(f"/nhan-su/{world.an.pk}/dang-vien/", {"status": "probationary"})
    assert missing.status_code in {200, 403}


def test_a_day_off_added_by_an_admin_moves_the_deadline(world, personas, cell):
    from ketnap.pipeline.models import CalendarOverride

    candidate = walk_to_decision(world, personas.office_a, cell, received_on=D(2023, 7, 25))
    before = due.next_action(candidate, D(2023, 7, 26)).due  # 30 working days after 25/07/2023
    CalendarOverride.objects.create(day=D(2023, 8, 1), kind="off", reason="Nghỉ bù (ví dụ)", source="CV thử nghiệm")
    after = due.next_action(candidate, D(2023, 7, 26)).due
    # 26/7–31/8/2023 give 27 working days; 1/9 and 4/9/2023 were off; 5, 6, 7/9 make 30. One more day off: 8/9.
    assert (before, after) == (D(2023, 9, 7), D(2023, 9, 8))  # the cached calendar was refreshed on save


def test_a_day_off_saved_by_another_worker_process_reaches_this_one(
    world, personas, cell, django_capture_on_commit_callbacks, settings, tmp_path
):
    """`ketnap serve` runs several processes, each keeping its calendar: the saving one replaces a stamp file after the
    commit, and the others rebuild theirs when they see it (simulated here by putting back this process's old
    calendar, as a process that never saw the save signal would still hold it)."""
    from ketnap.pipeline import calendar
    from ketnap.pipeline.models import CalendarOverride

    settings.DATA_DIR = tmp_path
    candidate = walk_to_decision(world, personas.office_a, cell, received_on=D(2023, 7, 25))
    stale = calendar.app_calendar()
    stale_stamp = calendar._cached_stamp
    with django_capture_on_commit_callbacks(execute=True):
        CalendarOverride.objects.create(day=D(2023, 8, 1), kind="off", reason="Nghỉ bù (ví dụ)", source="CV thử")
    calendar._cached, calendar._cached_stamp = stale, stale_stamp  # the other process's memory
    assert due.next_action(candidate, D(2023, 7, 26)).due == D(2023, 9, 8)  # not the stale 07/09/2023
    assert calendar._cached is not stale


def test_the_candidate_page_keeps_the_first_entry_and_shows_no_invented_form_codes(login, world, personas, cell):
    """Issue #12: the road's first entry (put on the list) stays once steps exist; ketnap's own aids (minutes, the
    ceremony programme) are listed by name, not under codes that look like the 12-HD/BTCTW numbers."""
    candidate = walk_to_decision(world, personas.office_a, cell, document_number="45-QĐ/ĐU")
    step(candidate, "ceremony", personas.office_a, on=D(2023, 8, 10), mentor=cell[1])
    page = login(personas.office_a).get(reverse("candidate_detail", args=[candidate.pk])).content.decode()
    timeline = page[page.index('class="timeline"') :]
    assert "05/01/2023</strong> — Đưa vào danh sách quần chúng ưu tú" in timeline
    assert timeline.index("10/08/2023") < timeline.index("05/01/2023")  # newest first, the first entry last
    assert "9-KNĐ — " in page and "CT-LKN" not in page and "BB-KN" not in page


def test_the_decision_form_names_the_committee_not_the_organisation(login, world, personas, cell):
    """The body that issues a decision is the Đảng ủy (the committee), not the Đảng bộ (the organisation)."""
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    walk_to_dossier(candidate, personas.office_a, cell)
    step(candidate, "cell_resolution", personas.office_a, on=D(2023, 6, 1), members_total=4, votes_for=4)
    step(candidate, "committee_resolution", personas.office_a, on=D(2023, 6, 15), members_total=7, votes_for=6)
    page = login(personas.office_a).get(reverse("candidate_step", args=[candidate.pk, "decision"])).content.decode()
    deciding = candidate.organization.deciding_organization()
    assert deciding.name.startswith("Đảng bộ ")
    assert f'value="Đảng ủy {deciding.name[len("Đảng bộ ") :]}"' in page


def test_the_checklist_asks_for_the_unions_resolution_once_a_union_introduces(login, world, personas, cell):
    """HD 12-HD/BTCTW Phần II mục 1: the Đoàn introduces by its resolution (4-KNĐ). The chi bộ's step refuses without
    it; the candidate page lists it as missing as soon as the Đoàn's introduction is recorded, not only then."""
    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    client = login(personas.office_a)
    url = reverse("candidate_detail", args=[candidate.pk])
    assert "đoàn viên ưu tú" not in client.get(url).content.decode()
    Introduction.objects.create(candidate=candidate, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 11))
    checklist = client.get(url).content.decode().split('class="checklist"')[1].split("</ul>")[0]
    assert 'class="missing">✘ Nghị quyết giới thiệu đoàn viên ưu tú (4-KNĐ)' in checklist


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_note_and_its_audit_entry_are_written_together(login, world, personas):
    """Nothing half-written: the forms that write a row straight from the view (a mentor's note, an introducer, a
    unit's facts) write it and its audit entry in one transaction (they were two autocommits: a failed audit append
    left a row without its entry). Watched at the row's post_save, where the audit entry is appended."""
    from django.db import transaction
    from django.db.models.signals import post_save

    from ketnap.pipeline.models import MentorNote

    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2026, 1, 5))
    inside: list[bool] = []

    def watch(sender, **kwargs):
        inside.append(transaction.get_connection().in_atomic_block)

    post_save.connect(watch, sender=MentorNote, dispatch_uid="test-note-atomic")
    try:
        response = login(personas.office_a).post(
            reverse("candidate_note", args=[candidate.pk]), {"on": "05/02/2026", "text": "Tiến bộ."}
        )
    finally:
        post_save.disconnect(sender=MentorNote, dispatch_uid="test-note-atomic")
    assert response.status_code == 302 and inside == [True]
    assert AuditEntry.objects.filter(model="pipeline.MentorNote").count() == 1


def test_an_introducer_is_recorded_by_the_domain_and_not_before_the_day(login, world, personas):
    """domain.add_introduction, for the screen as for the import: a date still to come is refused on its field,
    nothing written; a past one is recorded with its audit entry, attributed to who typed it."""
    from ketnap.registry.services.dates import today

    candidate = domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))
    client, url = login(personas.secretary_a1), reverse("candidate_introduction", args=[candidate.pk])
    tomorrow = today() + dt.timedelta(days=1)
    refused = client.post(url, {"kind": IntroducerKind.YOUTH_UNION, "introduced_on": f"{tomorrow:%d/%m/%Y}"})
    assert refused.status_code == 200 and "chưa đến" in refused.context["form"].errors["introduced_on"][0]
    assert not candidate.introductions.exists()
    assert client.post(url, {"kind": IntroducerKind.YOUTH_UNION, "introduced_on": "12/05/2023"}).status_code == 302
    (intro,) = candidate.introductions.all()
    assert (intro.kind, intro.introduced_on) == (IntroducerKind.YOUTH_UNION, D(2023, 5, 12))
    assert AuditEntry.objects.get(model="pipeline.Introduction").actor == personas.secretary_a1
