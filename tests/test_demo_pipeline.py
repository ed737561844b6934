"""The demo's road to membership (demo/pipeline_story.py), checked on the data the demo really builds: every stage of
the board is filled, the due list has a realistic mix, Đông Triều's story is told by its members' own candidacies,
and every recorded step passes the rules again."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db.models import Count, Q

from ketnap.pipeline import checks, due
from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, RECOGNITION_DOCUMENTS, HelperRole, IntroducerKind, Stage
from ketnap.pipeline.models import Candidate, Step
from ketnap.pipeline.transitions import ON_PROBATION, PRE_DECISION, available
from ketnap.registry.enums import MembershipStatus, OrgKind
from ketnap.registry.models import Organization, PartyMembership
from ketnap.rules import deadlines, eligibility, votes
from ketnap.rules.verdict import Severity
from tests.conftest import DEMO_TODAY as TODAY

pytestmark = pytest.mark.slow  # the demo: half a minute to build, once per session

Q1_2021 = (dt.date(2021, 1, 1), dt.date(2021, 3, 31))
ADMITTED = {Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE, Stage.OFFICIAL}


def _steps(candidate) -> list[Step]:
    return sorted(candidate.steps.all(), key=lambda s: (s.on, s.id))


@pytest.mark.django_db
def test_every_stage_of_the_board_has_open_candidates(demo):
    open_stages = set(Candidate.objects.exclude(stage__in=Stage.terminal()).values_list("stage", flat=True))
    wanted = [s for s in Stage.board() if s not in {Stage.OFFICIAL, Stage.SUB_APPRAISED}]
    assert [s for s in wanted if s not in open_stages] == []
    # every active chi bộ has 2–6 outstanding non-members on the road
    cells = Organization.objects.filter(kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True).annotate(
        n=Count(
            "candidates",
            filter=Q(candidates__membership__isnull=True, candidates__stage__in=PRE_DECISION | {Stage.DECIDED}),
        )
    )
    assert cells.exists() and all(2 <= c.n <= 6 for c in cells), [(c.code, c.n) for c in cells if not 2 <= c.n <= 6]
    assert demo.summary["candidates_open"] == Candidate.objects.exclude(stage__in=Stage.terminal()).count()
    # closed history besides the story: withdrawn and not admitted with a reason, one removed (xóa tên)
    for stage in (Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED):
        closed = Candidate.objects.filter(stage=stage)
        assert closed.exists() and not closed.filter(outcome_reason="").exists(), stage
    removed = Candidate.objects.get(stage=Stage.REMOVED)
    assert removed.membership.status == MembershipStatus.REMOVED
    assert removed.membership.ended_on == _steps(removed)[-1].on
    assert removed.membership.events.filter(kind="removed").exists()


@pytest.mark.django_db
def test_the_due_list_has_a_realistic_mix(demo):
    items = due.due_items(Candidate.objects.all(), TODAY)
    mix = due.counts(items)
    assert mix["overdue"] >= 3 and mix["soon"] >= 3
    assert mix["ok"] > 10 * (mix["overdue"] + mix["soon"]) / 2  # most are fine
    overdue = {i.candidate.stage for i in items if i.urgency == "overdue"}
    # no probation may pass its end unnoticed: the recognition review shows up when it is late
    assert Stage.PROBATION in overdue
    assert Stage.DECIDED in overdue  # a ceremony
    assert overdue & {Stage.CELL_RESOLVED, Stage.COMMITTEE_RESOLVED}  # a decision
    counts = demo.summary
    assert (mix["overdue"], mix["soon"], mix["ok"]) == (counts["due_overdue"], counts["due_soon"], counts["due_ok"])


@pytest.mark.django_db
def test_dong_trieu_sent_65_to_the_course_since_2015_and_admitted_them_all(demo):
    base = Organization.objects.get(code="BVTT-DT")
    candidacies = Candidate.objects.filter(organization__parent=base)
    course = candidacies.filter(steps__kind="certificate", steps__on__gte=dt.date(2015, 1, 1)).distinct()
    assert course.count() == 65
    assert set(course.values_list("stage", flat=True)) <= ADMITTED
    assert course.filter(stage=Stage.OFFICIAL).count() > 65 / 2  # most are official by now
    assert not candidacies.filter(stage__in=Stage.terminal() - {Stage.OFFICIAL}).exists()
    # the others on its road have not been sent to the course yet
    assert set(candidacies.exclude(stage__in=ADMITTED).values_list("stage", flat=True)) <= {
        Stage.SOURCE,
        Stage.SYMPATHISER,
    }


@pytest.mark.django_db
def test_dong_trieu_admitted_17_of_17_in_the_first_quarter_of_2021(demo):
    decisions = Step.objects.filter(
        kind="decision", on__range=Q1_2021, candidate__organization__parent__code="BVTT-DT"
    ).select_related("candidate__membership")
    assert decisions.count() == 17 == demo.summary["story_q1_2021"]
    for decision in decisions:
        membership = decision.candidate.membership
        assert membership.decision_date == decision.on
        assert membership.decision_number == decision.document_number
        assert "17/17" in decision.note
    registry = PartyMembership.objects.filter(
        organization__parent__code="BVTT-DT", decision_date__range=Q1_2021, events__kind="admitted"
    )
    assert registry.count() == 17  # the registry tells the same story


@pytest.mark.django_db
def test_candidacies_are_the_registrys_memberships(demo):
    linked = Candidate.objects.filter(membership__isnull=False).select_related("membership")
    assert linked.count() > 200
    for candidate in linked:
        membership = candidate.membership
        steps = {s.kind: s for s in _steps(candidate)}
        assert membership.person_id == candidate.person_id
        assert membership.organization_id == candidate.organization_id
        assert (membership.decision_date, membership.ceremony_date) == (steps["decision"].on, steps["ceremony"].on)
        if candidate.stage == Stage.OFFICIAL:
            assert membership.status == MembershipStatus.OFFICIAL
            assert membership.official_date == deadlines.official_date(membership.ceremony_date)
            recognised = membership.events.get(kind="recognised")
            assert recognised.on == steps["recognition_decision"].on
        elif candidate.stage in ON_PROBATION:
            assert membership.status == MembershipStatus.PROBATIONARY
            assert not membership.events.filter(kind="recognised").exists()
        assert membership.events.get(kind="admitted").on == membership.ceremony_date
    # every probationary member of the registry is on the road to recognition
    assert not PartyMembership.objects.filter(status=MembershipStatus.PROBATIONARY, candidacy__isnull=True).exists()
    # before the ceremony there is no membership, and nobody on the road is already a member
    early = Candidate.objects.filter(stage__in=PRE_DECISION | {Stage.DECIDED})
    assert not early.filter(membership__isnull=False).exists()
    assert not early.filter(person__memberships__status__in=MembershipStatus.active()).exists()
    # the register still tells the seed figures
    assert PartyMembership.objects.filter(status__in=MembershipStatus.active()).count() == 3162


@pytest.mark.django_db
def test_every_recorded_step_passes_the_rules_again(demo):
    calendar = app_calendar()
    candidates = Candidate.objects.select_related("person", "organization__parent").prefetch_related("steps")
    for candidate in candidates:
        steps = _steps(candidate)
        who = f"{candidate.person} ({candidate.organization.code})"
        # the road: from the source, each step allowed where it stands, dates never going back
        stage, last = Stage.SOURCE, candidate.started_on
        for step in steps:
            assert step.stage_before == stage, who
            shape = SimpleNamespace(stage=stage, organization=candidate.organization)
            assert step.kind in {t.name for t in available(shape)}, (who, step.kind)
            assert step.on >= last and step.on <= TODAY, (who, step.kind)
            assert not [f for f in step.findings if f["severity"] in {Severity.BLOCK, Severity.CONSENT}], who
            stage, last = step.stage_after, step.on
        assert (candidate.stage, candidate.stage_since) == (stage, last), who
        by_kind = {s.kind: s for s in steps}
        if "cell_resolution" in by_kind:
            meeting = by_kind["cell_resolution"]
            need = votes.chi_bo_threshold(meeting.members_total, meeting.members_excused or 0)
            assert meeting.votes_for >= need, who
            certificate = by_kind["certificate"].on
            assert certificate <= meeting.on < eligibility.certificate_expires_on(certificate), who
            conditions = checks.admission_conditions(candidate, meeting.on)
            assert conditions.allowed, (who, [f.message for f in conditions.blocking])
            assert checks.documents(candidate, list(ADMISSION_DOCUMENTS), meeting.on, checks.DOSSIER_SOURCE).allowed
            for intro in candidate.introductions.filter(kind=IntroducerKind.MEMBER).select_related("introducer"):
                assert intro.introducer.memberships.get(status=MembershipStatus.OFFICIAL).organization_id == (
                    candidate.organization_id
                ), who
                assert intro.introduced_on <= meeting.on, who
        for kind in ("committee_resolution", "recognition_committee_resolution"):
            if kind in by_kind:
                assert by_kind[kind].votes_for >= votes.committee_threshold(by_kind[kind].members_total), who
        if "decision" in by_kind:
            decision = by_kind["decision"]
            assert decision.on <= deadlines.decision_due(meeting.on, "admission", calendar=calendar).due, who
            assert decision.received_on >= decision.on, who
        if "ceremony" in by_kind:
            ceremony = by_kind["ceremony"]
            assert ceremony.on <= deadlines.ceremony_due(decision.received_on, calendar=calendar).due, who
            mentor = candidate.helpers.get(role=HelperRole.MENTOR)
            assert mentor.since == ceremony.on and checks.official_member(mentor.member, ceremony.on), who
            assert not candidate.helpers.filter(role=HelperRole.HELPER, until__isnull=True).exists(), who
        if "recognition_cell_resolution" in by_kind:
            resolution = by_kind["recognition_cell_resolution"]
            assert resolution.on >= deadlines.probation_end(ceremony.on).due, who
            assert resolution.votes_for >= votes.chi_bo_threshold(resolution.members_total, resolution.members_excused)
            assert checks.documents(
                candidate, list(RECOGNITION_DOCUMENTS), resolution.on, checks.DOSSIER_SOURCE
            ).allowed
        if "recognition_decision" in by_kind:
            assert (
                by_kind["recognition_decision"].on
                <= deadlines.decision_due(resolution.on, "recognition", calendar=calendar).due
            ), who
        for helper in candidate.helpers.select_related("member"):
            member = helper.member.memberships.get(status=MembershipStatus.OFFICIAL)
            assert member.organization_id == candidate.organization_id, who
            assert checks.official_member(helper.member, helper.since), who


@pytest.mark.django_db
def test_the_story_notes_are_the_mentors_and_the_demo_mentor_and_candidate_see_their_own(demo, client):
    from django.contrib.auth.models import User

    from ketnap.pipeline.models import MentorNote

    notes = MentorNote.objects.select_related("helper")
    assert notes.exists() and not notes.filter(helper__isnull=True).exists()
    for note in notes:
        helper = note.helper
        assert helper.role == HelperRole.MENTOR and helper.candidate_id == note.candidate_id
        assert helper.since <= note.on and (helper.until is None or note.on <= helper.until)
    # the two demo members without a role land on their own page with something to show
    for username, shown in (("giupdo.noi", "Người tôi được phân công giúp đỡ"), ("ungvien.noi", "của tôi")):
        user = User.objects.get(username=username)
        assert not user.roles.exists() and user.person is not None
        client.force_login(user)
        assert shown in client.get("/", follow=True).content.decode()
