"""The transition table owns the road: every stage × every step × every shape of organisation, by hand.

A chi bộ trực thuộc resolves, then its đảng ủy cơ sở (8-KNĐ), then the competent committee decides; under a đảng ủy
bộ phận the sub-committee appraises first (7-KNĐ); a chi bộ cơ sở has no đảng ủy cơ sở and its resolution goes
straight up (rules.md §2.1; Điều lệ Điều 4 khoản 3; HD 12-HD/BTCTW 2022 forms 6–9-KNĐ, 13–16-KNĐ). The one entry
point, domain.transition(), refuses whatever the table does not offer: it never skips a level.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import ValidationError

from ketnap.pipeline import domain
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, Step
from ketnap.pipeline.transitions import TRANSITIONS, available, clocks, road
from ketnap.registry.enums import Gender, OrgKind
from tests import factories as f

S, K = Stage, StepKind
COMMON = {
    S.SOURCE: {K.SYMPATHISE, K.WITHDRAW, K.PAUSE},
    S.SYMPATHISER: {K.CERTIFICATE, K.WITHDRAW, K.PAUSE},
    S.DOSSIER: {K.CELL_RESOLUTION, K.WITHDRAW, K.PAUSE},
    S.DECIDED: {K.CEREMONY, K.PAUSE},
    S.PROBATION: {K.RECOGNITION_CELL_RESOLUTION, K.REMOVE, K.PAUSE},
    S.OFFICIAL: set(),
    S.WITHDRAWN: set(),
    S.NOT_ADMITTED: set(),
    S.REMOVED: set(),
}
EXPECTED = {
    # a chi bộ trực thuộc đảng ủy cơ sở
    "cell": {
        **COMMON,
        S.CELL_RESOLVED: {K.COMMITTEE_RESOLUTION, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.SUB_APPRAISED: {K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.COMMITTEE_RESOLVED: {K.DECISION, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.RECOGNITION_CELL: {K.RECOGNITION_COMMITTEE_RESOLUTION, K.REMOVE, K.PAUSE},
        S.RECOGNITION_COMMITTEE: {K.RECOGNITION_DECISION, K.REMOVE, K.PAUSE},
    },
    # a chi bộ trực thuộc đảng ủy bộ phận
    "under_sub": {
        **COMMON,
        S.CELL_RESOLVED: {K.SUB_APPRAISAL, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.SUB_APPRAISED: {K.COMMITTEE_RESOLUTION, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.COMMITTEE_RESOLVED: {K.DECISION, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.RECOGNITION_CELL: {K.RECOGNITION_COMMITTEE_RESOLUTION, K.REMOVE, K.PAUSE},
        S.RECOGNITION_COMMITTEE: {K.RECOGNITION_DECISION, K.REMOVE, K.PAUSE},
    },
    # a chi bộ cơ sở: no đảng ủy cơ sở between it and the competent committee
    "base_cell": {
        **COMMON,
        S.CELL_RESOLVED: {K.DECISION, K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.SUB_APPRAISED: {K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.COMMITTEE_RESOLVED: {K.WITHDRAW, K.NOT_ADMITTED, K.PAUSE},
        S.RECOGNITION_CELL: {K.RECOGNITION_DECISION, K.REMOVE, K.PAUSE},
        S.RECOGNITION_COMMITTEE: {K.REMOVE, K.PAUSE},
    },
}
SHAPES = {
    "cell": SimpleNamespace(kind=OrgKind.CELL, parent=SimpleNamespace(kind=OrgKind.BASE_COMMITTEE)),
    "under_sub": SimpleNamespace(kind=OrgKind.CELL, parent=SimpleNamespace(kind=OrgKind.SUB_COMMITTEE)),
    "base_cell": SimpleNamespace(kind=OrgKind.BASE_CELL, parent=SimpleNamespace(kind=OrgKind.UPPER)),
}


def test_the_table_knows_every_step_and_every_stage():
    assert set(TRANSITIONS) == set(StepKind.values)
    assert set(EXPECTED["cell"]) == set(Stage.values)
    # every step leads to a stage, or (a pause, a resumption, a transfer) leaves the candidate where it is
    assert all(t.target in Stage.values or t.target is None for t in TRANSITIONS.values())


@pytest.mark.parametrize("shape", sorted(EXPECTED))
@pytest.mark.parametrize("stage", Stage.values)
def test_available_steps_for_every_stage_and_shape(shape, stage):
    candidate = SimpleNamespace(stage=stage, organization=SHAPES[shape])
    assert {t.name for t in available(candidate)} == EXPECTED[shape][stage]


@pytest.mark.parametrize("stage", [stage for stage, steps in EXPECTED["cell"].items() if steps])
def test_a_paused_candidacy_can_only_resume_or_end(stage):
    candidate = SimpleNamespace(stage=stage, organization=SHAPES["cell"], paused_since=dt.date(2024, 3, 1))
    endings = EXPECTED["cell"][stage] & {K.WITHDRAW, K.REMOVE}
    assert {t.name for t in available(candidate)} == endings | {K.RESUME}


@pytest.mark.parametrize("stage", [stage for stage, steps in EXPECTED["cell"].items() if not steps])
def test_a_paused_candidacy_at_the_end_of_the_road_offers_nothing(stage):
    candidate = SimpleNamespace(stage=stage, organization=SHAPES["cell"], paused_since=dt.date(2024, 3, 1))
    assert {t.name for t in available(candidate)} == set()


@pytest.mark.parametrize(
    ("shape", "steps"),
    [
        ("cell", ["cell_resolution", "committee_resolution", "decision"]),
        ("under_sub", ["cell_resolution", "sub_appraisal", "committee_resolution", "decision"]),
        ("base_cell", ["cell_resolution", "decision"]),
    ],
)
def test_the_road_of_each_shape(shape, steps):
    names = [t.name for t in road(SimpleNamespace(organization=SHAPES[shape]))]
    admission = names[names.index("cell_resolution") : names.index("ceremony")]
    assert admission == steps
    assert names[:2] == ["sympathise", "certificate"] and names[-1] == "recognition_decision"


def test_clocks_start_at_the_steps_the_deadlines_count_from():
    # certificate 60 months (06-HD/TW 5.4), decision 60 working days after the chi bộ (QĐ 294 4.3.1), ceremony 30
    # working days after receipt (QĐ 4.1), recognition review 30 working days after 12 months (QĐ 4.2.1),
    # recognition decision 30 working days after the chi bộ (QĐ 4.3.1)
    assert [t.name for t in clocks()] == [
        "certificate",
        "cell_resolution",
        "decision",
        "ceremony",
        "recognition_cell_resolution",
    ]
    staged = [stage for t in clocks() for stage in t.clock.stages]
    assert len(staged) == len(set(staged)), "two clocks may not run at the same stage"


@pytest.fixture
def shapes(world):
    sub = f.org("BVA-KHOI", "Đảng bộ Khối Nội", OrgKind.SUB_COMMITTEE, world.hospital_a)
    under_sub = f.org("BVA-KHOI-TM", "Chi bộ Tim mạch", OrgKind.CELL, sub)
    base_cell = f.org("TTYT-CB", "Chi bộ Trung tâm Y tế", OrgKind.BASE_CELL, world.upper)
    return {"cell": world.cell_a1, "under_sub": under_sub, "base_cell": base_cell}


def test_transition_refuses_every_step_the_table_does_not_offer(world, shapes):
    """Every stage × every step × every shape through the one entry point: offered steps reach the rules (which
    may still refuse them for their own reasons); the others are refused before any rule or write."""
    actor = f.user("he-thong", superuser=True)
    refused = 0
    for shape, organization in shapes.items():
        unit = f.unit(f"U-{organization.code}", f"Khoa {organization.name}", covered_by=organization)
        person = f.person(unit, f"Phan Văn {shape.title().replace('_', '')}", gender=Gender.MALE)
        candidate = domain.create_candidate(person, actor=actor, on=dt.date(2024, 1, 8))
        for stage in Stage.values:
            Candidate.objects.filter(pk=candidate.pk).update(stage=stage)
            candidate.refresh_from_db()
            for name in sorted(set(StepKind.values) - EXPECTED[shape][stage]):  # the steps not offered
                with pytest.raises(ValidationError, match="không áp dụng ở giai đoạn"):
                    domain.transition(candidate, name, actor=actor, data={"on": dt.date(2024, 2, 1)})
                refused += 1
    assert refused == sum(len(StepKind.values) - len(steps) for e in EXPECTED.values() for steps in e.values())
    assert not Step.objects.exists()


def test_the_base_committee_cannot_be_skipped(world):
    """The case that went through before: a chi bộ trực thuộc's candidate straight from the chi bộ's resolution to
    the decision, without the đảng ủy cơ sở's 8-KNĐ."""
    actor = f.user("he-thong", superuser=True)
    candidate = domain.create_candidate(world.binh, actor=actor, on=dt.date(2024, 1, 8))
    Candidate.objects.filter(pk=candidate.pk).update(stage=Stage.CELL_RESOLVED)
    candidate.refresh_from_db()
    with pytest.raises(ValidationError, match="Quyết định kết nạp của cấp ủy có thẩm quyền"):
        domain.transition(candidate, "decision", actor=actor, data={"on": dt.date(2024, 3, 1)})
    with pytest.raises(ValidationError, match="Không có bước"):
        domain.transition(candidate, "skip_everything", actor=actor, data={"on": dt.date(2024, 3, 1)})


def test_plan_is_the_one_answer_for_the_domain_and_the_demo():
    from ketnap.pipeline.transitions import NotOnTheRoad, plan

    shape = SimpleNamespace(stage=Stage.CELL_RESOLVED, organization=SHAPES["cell"])
    assert plan(shape, "committee_resolution").stage_after == Stage.COMMITTEE_RESOLVED
    assert plan(shape, "pause").stage_after == Stage.CELL_RESOLVED  # the road waits
    with pytest.raises(NotOnTheRoad, match="không áp dụng"):
        plan(shape, "decision")  # the base committee's 8-KNĐ comes first
    with pytest.raises(NotOnTheRoad, match="Không có bước"):
        plan(shape, "skip")
