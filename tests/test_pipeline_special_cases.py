"""The special cases through the one entry point, with the facts the register records for them.

Each test names its source; the rules themselves are tested one by one in tests/test_rules_*.py.
"""

import datetime as dt

import pytest

from ketnap.audit.context import SYSTEM
from ketnap.pipeline import domain
from ketnap.pipeline.enums import DocumentKind, IntroducerKind, Stage
from ketnap.pipeline.models import Introduction
from ketnap.registry.enums import Gender
from ketnap.registry.models import CodeItem
from tests import factories as f
from tests.factories import step, walk_to_dossier

D = dt.date
MEETING = D(2023, 6, 1)


def codes(refused) -> set[str]:
    return {finding.code for finding in refused.value.verdict.findings}


def applicant(world, name, born, *, education="thpt", youth=False, unit=None):
    person = f.person(unit or world.dept_a1, name, born=born, gender=Gender.MALE, youth_union_member=youth)
    person.general_education = CodeItem.objects.get(kind="general_education", code=education)
    person.save()
    return person


def vote(candidate, actor, **data):
    return step(candidate, "cell_resolution", actor, on=MEETING, members_total=4, votes_for=4, **data)


# --- Điều lệ Điều 4 khoản 1: the Youth Union path ------------------------------------------------------------------


@pytest.mark.today(D(2026, 11, 24))  # Nam is 26: not a đoàn viên now, so not one in 2023 (youth_member_then)
def test_a_young_non_member_where_the_youth_union_exists_is_not_introduced_by_two_members(world, personas, cell):
    office = personas.office_a
    nam = applicant(world, "Đinh Văn Nam", D(2000, 2, 2), youth=False)
    candidate = domain.create_candidate(nam, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)
    assert {"introducers.youth_not_member", "introducers.youth_union_required"} <= codes(refused)
    # where the unit has no base Youth Union, two official members introduce (the same article)
    world.unit_a.has_youth_union = False
    world.unit_a.save()
    assert vote(candidate, office).passed


def test_a_young_union_member_is_introduced_by_the_union_and_one_member(world, personas, cell):
    office = personas.office_a
    an = applicant(world, "Đinh Văn An", D(2000, 2, 2), youth=True)
    candidate = domain.create_candidate(an, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    Introduction.objects.filter(candidate=candidate).order_by("-pk").first().delete()  # one member only
    Introduction.objects.create(candidate=candidate, kind=IntroducerKind.YOUTH_UNION, introduced_on=D(2023, 5, 12))
    domain.receive_document(candidate, DocumentKind.YOUTH_UNION, actor=office, on=D(2023, 5, 12))
    assert vote(candidate, office).passed


# --- QĐ 24 điểm 3.2.2: a replacement introducer ----------------------------------------------------------------------


def test_a_replacement_introducer_need_not_have_twelve_months(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    late = Introduction.objects.filter(candidate=candidate).order_by("-pk").first()
    late.together_since = D(2023, 3, 1)  # three months together
    late.save()
    with pytest.raises(domain.TransitionRefused):
        vote(candidate, office)
    late.replacement, late.replacement_reason = True, "moved"
    late.save()
    assert vote(candidate, office).passed


# --- QĐ 294 điểm 3.5: re-admission -------------------------------------------------------------------------------


def test_readmission_waits_36_months_and_needs_the_province_consent_before_the_decision(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(
        world.binh,
        actor=office,
        on=D(2023, 1, 5),
        is_readmission=True,
        left_party_on=D(2021, 1, 10),
        left_cause="removed",
    )
    walk_to_dossier(candidate, office, cell)
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)  # 28 months after leaving
    assert "readmission.too_soon" in codes(refused) or any("36" in str(f) for f in refused.value.verdict.findings)
    domain.record_facts(candidate, actor=office, left_party_on=D(2019, 12, 1))
    vote(candidate, office)  # the consent is not asked at the chi bộ's meeting: it comes before the decision
    step(candidate, "committee_resolution", office, on=D(2023, 6, 15), members_total=7, votes_for=6)
    with pytest.raises(domain.TransitionRefused) as refused:
        step(candidate, "decision", office, on=D(2023, 7, 20))
    assert "readmission.consent" in codes(refused)
    step(candidate, "decision", office, on=D(2023, 7, 20), consent_document="Văn bản 15-CV/TU ngày 10/07/2023")
    candidate.refresh_from_db()
    assert candidate.stage == Stage.DECIDED


def test_who_left_by_abandoning_the_party_is_never_readmitted(world, personas, cell):
    office = personas.office_a
    candidate = domain.create_candidate(
        world.binh,
        actor=office,
        on=D(2023, 1, 5),
        is_readmission=True,
        left_party_on=D(2010, 1, 10),
        left_cause="self_abandoned",
    )
    walk_to_dossier(candidate, office, cell)
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)
    assert any(f.code.startswith("readmission.") for f in refused.value.verdict.blocking)
    domain.record_facts(candidate, actor=office, left_cause="removed", readmitted_before=True)
    with pytest.raises(domain.TransitionRefused):  # once only (QĐ 294 điểm 3.5.3)
        vote(candidate, office)


# --- QĐ 294 điểm 1.1.2, HD 01-HD/TW 2021 điểm 1.1: over 60 -------------------------------------------------------


def test_over_sixty_needs_its_facts_and_a_province_level_decision(world, personas, cell):
    office = personas.office_a
    elder = applicant(world, "Lý Văn Thọ", D(1960, 1, 1))
    candidate = domain.create_candidate(elder, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)
    assert "over_60.health_unknown" in codes(refused)
    domain.record_facts(candidate, actor=office, health_and_prestige=True, place_condition="special_requirement")
    vote(candidate, office)
    step(candidate, "committee_resolution", office, on=D(2023, 6, 15), members_total=7, votes_for=6)
    # the competent committee of this chi bộ is the Sở's: it may not admit someone over 60
    consent = {"consent_document": "Văn bản 20-CV/TU"}
    with pytest.raises(domain.TransitionRefused) as refused:
        step(candidate, "decision", office, on=D(2023, 7, 20), issuer="Ban Thường vụ Đảng ủy Sở Y tế", **consent)
    assert "over_60.wrong_level" in codes(refused)
    step(candidate, "decision", office, on=D(2023, 7, 20), issuer="Ban Thường vụ Tỉnh ủy Thử Nghiệm", **consent)


# --- HD 01-HD/TW 2021 điểm 1.2: the education exceptions --------------------------------------------------------


def test_the_elder_exception_holds_only_in_the_areas_the_text_names(world, personas, cell):
    office = personas.office_a
    elder = applicant(world, "Hà Văn Già", D(1970, 1, 1), education="biet_doc_viet")
    elder.elder_role = "village_elder"
    elder.save()
    candidate = domain.create_candidate(elder, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)
    assert "education.elder_outside_area" in codes(refused)
    world.unit_a.area_kind = "mountain"  # the department lies where its hospital lies
    world.unit_a.save()
    vote(candidate, office)
    step(candidate, "committee_resolution", office, on=D(2023, 6, 15), members_total=7, votes_for=6)
    with pytest.raises(domain.TransitionRefused) as refused:
        step(candidate, "decision", office, on=D(2023, 7, 20))
    assert "education.elder_consent" in codes(refused)


# --- people who move or pause ---------------------------------------------------------------------------------------


def test_a_candidate_who_changes_khoa_takes_the_road_to_the_new_chi_bo(world, personas, cell, client):
    from django.urls import reverse

    from ketnap.pipeline import due
    from ketnap.registry.services import people

    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    before = due.next_action(candidate, D(2023, 6, 1))
    people.change_work_unit(world.binh, world.dept_a2, on=D(2023, 5, 20), actor=SYSTEM)
    candidate.refresh_from_db()
    assert candidate.organization == world.cell_a2 and candidate.stage == Stage.DOSSIER
    moved = candidate.steps.get(kind="transfer")
    # the step is dated after the road's last step (the introductions of 12/05 were papers, the last step 01/04)
    assert (moved.from_organization, moved.to_organization, moved.on) == (world.cell_a1, world.cell_a2, D(2023, 5, 20))
    # dossier, introducers, helpers and clock come along
    assert candidate.documents.count() == 6 and candidate.introductions.count() == 2 and candidate.helpers.exists()
    assert due.next_action(candidate, D(2023, 6, 1)).due == before.due
    # the old secretary no longer sees the candidacy; the office of the hospital still does
    url = reverse("candidate_detail", kwargs={"candidate_pk": candidate.pk})
    client.force_login(personas.secretary_a1)
    assert client.get(url).status_code == 404
    client.force_login(office)
    assert client.get(url).status_code == 200


def test_a_paused_candidacy_waits_but_the_legal_clock_runs(world, personas, cell):
    from ketnap.pipeline import due

    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    before = due.next_action(candidate, D(2023, 6, 1))
    with pytest.raises(domain.TransitionRefused, match="lý do"):
        step(candidate, "pause", office, on=D(2023, 5, 15))
    step(candidate, "pause", office, on=D(2023, 5, 15), reason="Nghỉ thai sản")
    candidate.refresh_from_db()
    assert (candidate.stage, candidate.paused_since) == (Stage.DOSSIER, D(2023, 5, 15))
    paused = due.next_action(candidate, D(2023, 6, 1))
    # no text suspends the certificate's 60 months (06-HD/TW điểm 5.4): the deadline stays, the page says why
    assert paused.due == before.due and "Tạm dừng từ 15/05/2023: Nghỉ thai sản" in paused.action
    with pytest.raises(Exception, match="không áp dụng"):
        vote(candidate, office)
    step(candidate, "resume", office, on=D(2023, 11, 20))
    candidate.refresh_from_db()
    assert candidate.paused_since is None
    assert step(candidate, "cell_resolution", office, on=D(2023, 11, 23), members_total=4, votes_for=4).passed


def test_a_probationary_member_who_moves_keeps_the_probation_and_its_clock(world, personas, cell):
    from ketnap.pipeline import due
    from ketnap.registry.services import people
    from tests.factories import walk_to_decision

    office = personas.office_a
    candidate = walk_to_decision(world, office, cell)
    step(candidate, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])
    before = due.next_action(candidate, D(2024, 1, 2))
    people.move_membership(world.binh.memberships.get(), world.cell_a2, on=D(2024, 1, 2), actor=SYSTEM)
    candidate.refresh_from_db()
    # Điều lệ Điều 5 khoản 1: the 12 months run from the ceremony, wherever the member now belongs
    assert (candidate.organization, candidate.stage) == (world.cell_a2, Stage.PROBATION)
    assert due.next_action(candidate, D(2024, 1, 2)).due == before.due
    assert candidate.steps.filter(kind="transfer", to_organization=world.cell_a2).exists()


def test_papers_older_than_twelve_months_are_flagged_not_refused(world, personas, cell):
    """06-HD/TW điểm 5.4 sets how long dossier papers are valid; the figure could not be read (a 2019 local guide
    says 12 months), so ketnap warns and does not block."""
    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)  # papers received 10/05/2023
    recorded = step(candidate, "cell_resolution", office, on=D(2024, 6, 3), members_total=4, votes_for=4)
    expired = [f for f in recorded.findings if f["code"].startswith("paper.")]
    assert expired and all(f["severity"] == "notice" for f in expired)


def test_a_paper_recorded_after_the_meeting_is_named_and_can_be_corrected_or_withdrawn(world, personas, cell, client):
    """Back-entering history: the refusal names the date conflict instead of "missing"; the record is corrected
    (or withdrawn), audited, so nobody records it twice."""
    from django.urls import reverse

    from ketnap.audit.models import AuditEntry
    from ketnap.pipeline.enums import ADMISSION_DOCUMENTS

    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    walk_to_dossier(candidate, office, cell)
    application = candidate.documents.get(kind=ADMISSION_DOCUMENTS[0])
    domain.correct_document(application, actor=office, on=D(2023, 6, 20))  # typed as today, so to speak
    with pytest.raises(domain.TransitionRefused) as refused:
        vote(candidate, office)
    assert "đã ghi nhận ngày 20/06/2023, sau ngày 01/06/2023 của bước này" in str(refused.value)
    client.force_login(office)
    url = reverse("candidate_document_edit", args=[candidate.pk, application.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'value="20/06/2023"' in page.content.decode()
    assert client.post(url, {"received_on": "10/05/2023", "note": ""}).status_code == 302
    application.refresh_from_db()
    assert application.received_on == D(2023, 5, 10)
    assert vote(candidate, office).passed
    entry = AuditEntry.objects.filter(model="pipeline.DossierItem", object_id=str(application.pk)).latest("id")
    assert entry.changes["received_on"] == ["2023-06-20", "2023-05-10"]
    # withdrawing needs a reason; the audit keeps what the record said
    other = candidate.documents.get(kind=ADMISSION_DOCUMENTS[1])
    url = reverse("candidate_document_edit", args=[candidate.pk, other.pk])
    assert "Cần ghi lý do" in client.post(url, {"received_on": "10/05/2023", "withdraw": "1"}).content.decode()
    assert client.post(url, {"received_on": "10/05/2023", "withdraw": "1", "reason": "Ghi nhầm"}).status_code == 302
    assert not candidate.documents.filter(pk=other.pk).exists()
    assert AuditEntry.objects.filter(model="pipeline.DossierItem", object_id=str(other.pk), action="delete").exists()


def test_the_step_page_says_what_is_missing_before_and_one_box_after(world, personas, cell, client):
    from django.urls import reverse

    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    step(candidate, "sympathise", office, on=D(2023, 2, 1), helpers=cell[:1])
    step(candidate, "certificate", office, on=D(2023, 4, 1))
    client.force_login(office)
    url = reverse("candidate_step", args=[candidate.pk, "cell_resolution"])
    before = client.get(url).content.decode()
    # before anything is typed: the papers and the introducers the record lacks, with their sources
    assert "Hồ sơ hiện chưa đủ cho bước này" in before and "Hồ sơ còn thiếu" in before and "12-HD/BTCTW" in before
    after = client.post(url, {"on": "01/06/2023", "members_total": "4", "votes_for": "2"}).content.decode()
    assert after.count('class="verdict"') == 1 and 'class="errors"' not in after
    assert "Chưa ghi nhận được" in after


def test_a_step_form_names_its_date_marks_what_is_required_and_can_be_left(world, personas, cell, client):
    from django.urls import reverse

    office = personas.office_a
    candidate = domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    client.force_login(office)
    body = client.get(reverse("candidate_step", args=[candidate.pk, "sympathise"])).content.decode()
    assert "Ngày chi bộ ra nghị quyết" in body and 'class="required"' in body
    assert f'href="{reverse("candidate_detail", args=[candidate.pk])}">Hủy</a>' in body


def test_the_due_list_downloads_in_the_offices_order(world, personas, cell, client):
    import csv
    import io

    from django.urls import reverse

    office = personas.office_a
    domain.create_candidate(world.binh, actor=office, on=D(2023, 1, 5))
    khoa = applicant(world, "Đặng Văn Khoa", D(1996, 4, 2), unit=world.dept_a2)
    domain.create_candidate(khoa, actor=office, on=D(2023, 2, 5))
    client.force_login(office)
    response = client.get(reverse("due_list") + "?xuat=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["Khoa / phòng", "Chi bộ", "Họ và tên"]
    # unit → chi bộ → name (Khoa Ngoại before Khoa Nội in Vietnamese order)
    assert [r[2] for r in rows[1:]] == ["Đặng Văn Khoa", "Trần Thị Bình"]
    xlsx = client.get(reverse("due_list") + "?xuat=xlsx")
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert xlsx.getvalue()[:2] == b"PK"  # a zip, sent from a temporary file (read to the end, which closes it)
