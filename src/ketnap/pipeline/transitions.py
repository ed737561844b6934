"""The road as data, and its only owner: each step says from which stages it leads where, for which shapes of
organisation, what the rules check (pipeline.checks), what it changes in the register (pipeline.consequences),
and which clock it starts (the deadline of the next action, pipeline.due).

domain.transition() records a step only if available() offers it; the screens, the due list, the demo and the
imports read this table instead of knowing the steps themselves. Nothing here writes.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ketnap.pipeline import checks, consequences
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, RECOGNITION_DOCUMENTS, Stage, StepKind
from ketnap.registry.enums import OrgKind
from ketnap.rules import deadlines, eligibility
from ketnap.rules.sources import guidance

PRE_DECISION = frozenset(
    {Stage.SOURCE, Stage.SYMPATHISER, Stage.DOSSIER, Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}
)
ON_PROBATION = frozenset({Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE})
ENDINGS = frozenset({StepKind.WITHDRAW, StepKind.NOT_ADMITTED, StepKind.REMOVE})
OPEN = PRE_DECISION | {Stage.DECIDED} | ON_PROBATION
# steps that leave the stage as it is (the road waits, or goes on in another chi bộ)
STAYS = None
# recorded by the register when the person moves (domain.follow_person), never chosen on the candidate's page
BY_THE_REGISTER = frozenset({StepKind.TRANSFER})


# --- shapes of organisation (the candidate's chi bộ; duck-typed: anything with .organization works) ------------
def under_sub_committee(candidate) -> bool:
    parent = candidate.organization.parent
    return bool(parent and parent.kind == OrgKind.SUB_COMMITTEE)


def has_base_committee(candidate) -> bool:
    """A chi bộ cơ sở has no đảng ủy cơ sở: its resolution goes straight up (rules.md §2.1)."""
    return candidate.organization.kind == OrgKind.CELL


def always(candidate) -> bool:
    return True


# --- clocks: the deadline of the next action, from the date of the step that starts it ----------------------
@dataclass(frozen=True)
class Clock:
    """Runs while the candidate is at one of `stages`, counted from the step's date (and receipt date)."""

    stages: frozenset
    deadline: Callable  # (on, received_on, calendar) -> (due, rule, source)


def _certificate_clock(on, received_on, calendar):
    due = eligibility.certificate_expires_on(on)
    return due, "Chi bộ phải họp xét khi giấy chứng nhận CN-NTVĐ còn giá trị (60 tháng)", guidance(on, "điểm 5.4")


def _deadline(function, *args):
    def clock(on, received_on, calendar):
        found = function(on, *args, calendar=calendar)
        return found.due, found.rule, found.source

    return clock


def _ceremony_clock(on, received_on, calendar):
    found = deadlines.ceremony_due(received_on or on, calendar=calendar)
    return found.due, found.rule, found.source


# --- the table -----------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset  # the stages it can follow, for any shape (routed() narrows them for one)
    target: str
    fields: tuple[str, ...] = ()  # the form fields this step asks for (see web.pipeline_forms)
    vote: str | None = None  # "cell" (official members of the chi bộ) or "committee" (committee members)
    # what a vote short of two thirds leads to (rules.votes.escalation): no proposal for an admission; after three,
    # the committee above decides for a recognition or a removal (QĐ 24 điểm 4.2.3)
    purpose: str = "admission"
    documents: tuple = ()  # dossier papers that must have been received
    applies: Callable = field(default=always)  # whether the step exists for this candidate's organisation
    # the stages it follows for this candidate's organisation (default: all of `sources`)
    routed: Callable | None = None
    check: Callable = field(default=checks.nothing)  # (candidate, data) -> Verdict: the rules of this step
    consequence: Callable = field(default=consequences.nothing)  # (candidate, step, data, actor): the register
    clock: Clock | None = None  # the deadline this step starts
    # offered while the candidacy is paused (resume, and the endings), or only while it is not (all the others)
    while_paused: bool = False
    todo: str = ""  # the next action, as the due list says it, when this step is the one awaited
    date_label: str = ""  # what the step's date is ("Ngày chi bộ họp", "Ngày ký quyết định"); default "Ngày"
    form_help: str = ""

    def sources_for(self, candidate) -> frozenset:
        return self.routed(candidate) if self.routed else self.sources


def _after_committee_or_cell(committee_stage: str, cell_stage: str) -> Callable:
    """A decision follows the base committee's resolution, or the chi bộ cơ sở's own (it has no base committee)."""
    return lambda candidate: frozenset({committee_stage if has_base_committee(candidate) else cell_stage})


def _after_sub_or_cell(candidate) -> frozenset:
    """The base committee resolves after the sub-committee's appraisal where there is one, else after the chi bộ."""
    return frozenset({Stage.SUB_APPRAISED if under_sub_committee(candidate) else Stage.CELL_RESOLVED})


T = Transition
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        T(
            StepKind.SYMPATHISE,
            _("Chi bộ đưa vào danh sách cảm tình Đảng, phân công đảng viên giúp đỡ"),
            frozenset({Stage.SOURCE}),
            Stage.SYMPATHISER,
            ("on", "document_number", "helpers", "note"),
            check=checks.sympathise,
            consequence=consequences.assign_helpers,
            todo="Chi bộ xem xét đưa vào danh sách cảm tình Đảng, phân công đảng viên giúp đỡ",
            date_label=_("Ngày chi bộ ra nghị quyết"),
        ),
        T(
            StepKind.CERTIFICATE,
            _("Ghi nhận giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"),
            frozenset({Stage.SYMPATHISER}),
            Stage.DOSSIER,
            ("on", "document_number", "issuer"),
            consequence=consequences.file_certificate,
            clock=Clock(frozenset({Stage.DOSSIER}), _certificate_clock),
            todo="Cử đi học lớp bồi dưỡng nhận thức về Đảng",
            date_label=_("Ngày cấp giấy chứng nhận"),
        ),
        T(
            StepKind.CELL_RESOLUTION,
            _("Chi bộ họp xét, nghị quyết đề nghị kết nạp (6-KNĐ)"),
            frozenset({Stage.DOSSIER}),
            Stage.CELL_RESOLVED,
            ("on", "document_number", "votes", "consent", "note"),
            vote="cell",
            documents=tuple(ADMISSION_DOCUMENTS),
            check=checks.cell_resolution,
            # the decision is due 60 working days after the chi bộ's resolution, whoever resolves in between
            clock=Clock(
                frozenset({Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}),
                _deadline(deadlines.decision_due, "admission"),
            ),
            todo="Hoàn thiện hồ sơ, chi bộ họp xét đề nghị kết nạp",
            date_label=_("Ngày chi bộ họp xét"),
        ),
        T(
            StepKind.SUB_APPRAISAL,
            _("Đảng ủy bộ phận thẩm định (7-KNĐ)"),
            frozenset({Stage.CELL_RESOLVED}),
            Stage.SUB_APPRAISED,
            ("on", "document_number", "note"),
            applies=under_sub_committee,
            date_label=_("Ngày đảng ủy bộ phận thẩm định"),
        ),
        T(
            StepKind.COMMITTEE_RESOLUTION,
            _("Đảng ủy cơ sở nghị quyết đề nghị kết nạp (8-KNĐ)"),
            frozenset({Stage.CELL_RESOLVED, Stage.SUB_APPRAISED}),
            Stage.COMMITTEE_RESOLVED,
            ("on", "document_number", "votes", "note"),
            vote="committee",
            applies=has_base_committee,
            routed=_after_sub_or_cell,
            date_label=_("Ngày đảng ủy cơ sở họp"),
        ),
        T(
            StepKind.DECISION,
            _("Quyết định kết nạp của cấp ủy có thẩm quyền (9-KNĐ)"),
            frozenset({Stage.COMMITTEE_RESOLVED, Stage.CELL_RESOLVED}),
            Stage.DECIDED,
            ("on", "received_on", "document_number", "issuer", "consent", "note"),
            routed=_after_committee_or_cell(Stage.COMMITTEE_RESOLVED, Stage.CELL_RESOLVED),
            check=checks.decision,
            clock=Clock(frozenset({Stage.DECIDED}), _ceremony_clock),
            date_label=_("Ngày ký quyết định"),
        ),
        T(
            StepKind.CEREMONY,
            _("Tổ chức lễ kết nạp, phân công đảng viên giúp đỡ"),
            frozenset({Stage.DECIDED}),
            Stage.PROBATION,
            ("on", "mentor", "consent", "note"),
            check=checks.ceremony,
            consequence=consequences.admit,
            clock=Clock(frozenset({Stage.PROBATION}), _deadline(deadlines.recognition_review_due)),
            todo="Tổ chức lễ kết nạp",
            date_label=_("Ngày tổ chức lễ kết nạp"),
        ),
        T(
            StepKind.RECOGNITION_CELL_RESOLUTION,
            _("Chi bộ xét, nghị quyết đề nghị công nhận đảng viên chính thức (13-KNĐ)"),
            frozenset({Stage.PROBATION}),
            Stage.RECOGNITION_CELL,
            ("on", "document_number", "votes", "note"),
            vote="cell",
            purpose="recognition",
            documents=tuple(RECOGNITION_DOCUMENTS),
            check=checks.recognition_cell_resolution,
            clock=Clock(
                frozenset({Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE}),
                _deadline(deadlines.decision_due, "recognition"),
            ),
            todo="Chi bộ xét công nhận đảng viên chính thức",
            date_label=_("Ngày chi bộ họp xét"),
        ),
        T(
            StepKind.RECOGNITION_COMMITTEE_RESOLUTION,
            _("Đảng ủy cơ sở nghị quyết đề nghị công nhận chính thức (15-KNĐ)"),
            frozenset({Stage.RECOGNITION_CELL}),
            Stage.RECOGNITION_COMMITTEE,
            ("on", "document_number", "votes", "note"),
            vote="committee",
            purpose="recognition",
            applies=has_base_committee,
            date_label=_("Ngày đảng ủy cơ sở họp"),
        ),
        T(
            StepKind.RECOGNITION_DECISION,
            _("Quyết định công nhận đảng viên chính thức (16-KNĐ)"),
            frozenset({Stage.RECOGNITION_COMMITTEE, Stage.RECOGNITION_CELL}),
            Stage.OFFICIAL,
            ("on", "received_on", "document_number", "issuer", "note"),
            routed=_after_committee_or_cell(Stage.RECOGNITION_COMMITTEE, Stage.RECOGNITION_CELL),
            check=checks.recognition_decision,
            consequence=consequences.recognise,
            todo="Cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức",
            date_label=_("Ngày ký quyết định"),
        ),
        T(
            StepKind.WITHDRAW,
            _("Dừng theo dõi (rút khỏi danh sách)"),
            PRE_DECISION,
            Stage.WITHDRAWN,
            ("on", "reason"),
            check=checks.reason_given,
            consequence=consequences.end_help,
            while_paused=True,
        ),
        T(
            StepKind.NOT_ADMITTED,
            _("Cấp có thẩm quyền không kết nạp"),
            frozenset({Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}),
            Stage.NOT_ADMITTED,
            ("on", "document_number", "reason"),
            check=checks.reason_given,
            consequence=consequences.end_help,
        ),
        # Điều lệ Điều 5 khoản 2: the chi bộ proposes the removal (its vote, two thirds of the official members) and
        # the competent committee decides; the step is dated on the decision and carries the chi bộ's vote
        T(
            StepKind.REMOVE,
            _("Xóa tên khỏi danh sách đảng viên dự bị"),
            ON_PROBATION,
            Stage.REMOVED,
            ("on", "document_number", "issuer", "votes", "reason"),
            vote="cell",
            purpose="removal",
            check=checks.reason_given,
            consequence=consequences.remove,
            while_paused=True,
            date_label=_("Ngày ký quyết định xóa tên"),
        ),
        # A pause (long training, maternity leave, a contract that ended) stops ketnap's reminders, not the law's
        # clocks: no text suspends the certificate's 60 months, the decision's 60 working days or the 12 months of
        # probation, so the due list keeps them and says the candidacy is paused.
        T(
            StepKind.PAUSE,
            _("Tạm dừng theo dõi (đi học dài hạn, nghỉ thai sản, hết hợp đồng…)"),
            OPEN,
            STAYS,
            ("on", "reason"),
            check=checks.reason_given,
            consequence=consequences.pause,
            date_label=_("Tạm dừng từ ngày"),
        ),
        T(
            StepKind.RESUME,
            _("Tiếp tục theo dõi"),
            OPEN,
            STAYS,
            ("on", "note"),
            consequence=consequences.resume,
            while_paused=True,
            date_label=_("Tiếp tục từ ngày"),
        ),
        T(
            StepKind.TRANSFER,
            _("Chuyển sang chi bộ khác (theo nơi làm việc, sinh hoạt mới)"),
            OPEN,
            STAYS,
            ("on", "note"),
            consequence=consequences.transfer,
            while_paused=True,
        ),
    ]
}


def available(candidate, *, by_the_register: bool = False) -> list[Transition]:
    """The steps that can follow from the candidate's stage, for its organisation's shape (in the table's order);
    while paused, only what the pause allows. A transfer is offered only to the register (domain.follow_person)."""
    paused = getattr(candidate, "paused_since", None) is not None
    return [
        t
        for t in TRANSITIONS.values()
        if t.applies(candidate)
        and candidate.stage in t.sources_for(candidate)
        and (t.while_paused if paused else t.name != StepKind.RESUME)
        and (by_the_register or t.name not in BY_THE_REGISTER)
    ]


class NotOnTheRoad(ValueError):
    """The step does not follow from where the candidate stands (or is no step at all)."""


@dataclass(frozen=True)
class Planned:
    transition: Transition
    stage_before: str
    stage_after: str


def plan(candidate, name: str, *, by_the_register: bool = False) -> Planned:
    """Whether step `name` may follow where the candidate stands, and the stage it leads to: the one answer
    domain.transition() and the demo both act on (pure: anything with .stage and .organization will do)."""
    step = TRANSITIONS.get(name)
    if step is None:
        raise NotOnTheRoad(f"Không có bước “{name}”.")
    if step not in available(candidate, by_the_register=by_the_register):
        raise NotOnTheRoad(f"Bước “{step.label}” không áp dụng ở giai đoạn {Stage(candidate.stage).label}.")
    return Planned(step, candidate.stage, candidate.stage if step.target is None else step.target)


def road(candidate) -> list[Transition]:
    """The steps from the source to recognition for the candidate's organisation, in order (no endings)."""
    return [
        t
        for t in TRANSITIONS.values()
        if t.target not in (STAYS, *Stage.terminal() - {Stage.OFFICIAL}) and t.applies(candidate)
    ]


def clocks() -> list[Transition]:
    """The steps that start a clock (their dates are what the due list counts from)."""
    return [t for t in TRANSITIONS.values() if t.clock is not None]
