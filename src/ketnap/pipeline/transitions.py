"""The road as data: which step leads from which stages to which, what it needs, and which rules judge it.

Nothing here writes; ketnap.pipeline.domain.transition() is the one place that does.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, RECOGNITION_DOCUMENTS, Stage
from ketnap.registry.enums import OrgKind

PRE_DECISION = frozenset(
    {Stage.SOURCE, Stage.SYMPATHISER, Stage.DOSSIER, Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}
)
ON_PROBATION = frozenset({Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE})


def under_sub_committee(candidate) -> bool:
    parent = candidate.organization.parent
    return bool(parent and parent.kind == OrgKind.SUB_COMMITTEE)


def has_base_committee(candidate) -> bool:
    """A chi bộ cơ sở has no đảng ủy cơ sở: its resolution goes straight up (rules.md §2.1)."""
    return candidate.organization.kind == OrgKind.CELL


def always(candidate) -> bool:
    return True


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset
    target: str
    fields: tuple[str, ...] = ()  # the form fields this step asks for (see web.pipeline_forms)
    vote: str | None = None  # "cell" (official members of the chi bộ) or "committee" (committee members)
    documents: tuple = ()  # dossier papers that must have been received
    applies: object = field(default=always)  # whether the step exists for this candidate's organisation
    form_help: str = ""


T = Transition
TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in [
        T(
            "sympathise",
            _("Chi bộ đưa vào danh sách cảm tình Đảng, phân công đảng viên giúp đỡ"),
            frozenset({Stage.SOURCE}),
            Stage.SYMPATHISER,
            ("on", "document_number", "helpers", "note"),
        ),
        T(
            "certificate",
            _("Ghi nhận giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng"),
            frozenset({Stage.SYMPATHISER}),
            Stage.DOSSIER,
            ("on", "document_number", "issuer"),
        ),
        T(
            "cell_resolution",
            _("Chi bộ họp xét, nghị quyết đề nghị kết nạp (6-KNĐ)"),
            frozenset({Stage.DOSSIER}),
            Stage.CELL_RESOLVED,
            ("on", "document_number", "votes", "consent", "note"),
            vote="cell",
            documents=tuple(ADMISSION_DOCUMENTS),
        ),
        T(
            "sub_appraisal",
            _("Đảng ủy bộ phận thẩm định (7-KNĐ)"),
            frozenset({Stage.CELL_RESOLVED}),
            Stage.SUB_APPRAISED,
            ("on", "document_number", "note"),
            applies=under_sub_committee,
        ),
        T(
            "committee_resolution",
            _("Đảng ủy cơ sở nghị quyết đề nghị kết nạp (8-KNĐ)"),
            frozenset({Stage.CELL_RESOLVED, Stage.SUB_APPRAISED}),
            Stage.COMMITTEE_RESOLVED,
            ("on", "document_number", "votes", "note"),
            vote="committee",
            applies=has_base_committee,
        ),
        T(
            "decision",
            _("Quyết định kết nạp của cấp ủy có thẩm quyền (9-KNĐ)"),
            frozenset({Stage.COMMITTEE_RESOLVED, Stage.CELL_RESOLVED, Stage.SUB_APPRAISED}),
            Stage.DECIDED,
            ("on", "received_on", "document_number", "issuer", "note"),
        ),
        T(
            "ceremony",
            _("Tổ chức lễ kết nạp, phân công đảng viên giúp đỡ"),
            frozenset({Stage.DECIDED}),
            Stage.PROBATION,
            ("on", "mentor", "consent", "note"),
        ),
        T(
            "recognition_cell_resolution",
            _("Chi bộ xét, nghị quyết đề nghị công nhận đảng viên chính thức (13-KNĐ)"),
            frozenset({Stage.PROBATION}),
            Stage.RECOGNITION_CELL,
            ("on", "document_number", "votes", "note"),
            vote="cell",
            documents=tuple(RECOGNITION_DOCUMENTS),
        ),
        T(
            "recognition_committee_resolution",
            _("Đảng ủy cơ sở nghị quyết đề nghị công nhận chính thức (15-KNĐ)"),
            frozenset({Stage.RECOGNITION_CELL}),
            Stage.RECOGNITION_COMMITTEE,
            ("on", "document_number", "votes", "note"),
            vote="committee",
            applies=has_base_committee,
        ),
        T(
            "recognition_decision",
            _("Quyết định công nhận đảng viên chính thức (16-KNĐ)"),
            frozenset({Stage.RECOGNITION_COMMITTEE, Stage.RECOGNITION_CELL}),
            Stage.OFFICIAL,
            ("on", "received_on", "document_number", "issuer", "note"),
        ),
        T("withdraw", _("Dừng theo dõi (rút khỏi danh sách)"), PRE_DECISION, Stage.WITHDRAWN, ("on", "reason")),
        T(
            "not_admitted",
            _("Cấp có thẩm quyền không kết nạp"),
            frozenset({Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}),
            Stage.NOT_ADMITTED,
            ("on", "document_number", "reason"),
        ),
        T(
            "remove",
            _("Xóa tên khỏi danh sách đảng viên dự bị"),
            ON_PROBATION,
            Stage.REMOVED,
            ("on", "document_number", "issuer", "reason"),
        ),
    ]
}


def available(candidate) -> list[Transition]:
    """The steps that can follow from the candidate's stage, for its organisation's shape."""
    steps = []
    for transition in TRANSITIONS.values():
        if candidate.stage not in transition.sources or not transition.applies(candidate):
            continue
        # the decision follows the last resolution this organisation has: sub-committee / base committee
        if transition.name == "decision":
            if has_base_committee(candidate) and candidate.stage != Stage.COMMITTEE_RESOLVED:
                continue
            if not has_base_committee(candidate) and candidate.stage == Stage.COMMITTEE_RESOLVED:
                continue
            if (
                under_sub_committee(candidate)
                and candidate.stage == Stage.CELL_RESOLVED
                and not has_base_committee(candidate)
            ):
                continue
        if (
            transition.name == "committee_resolution"
            and under_sub_committee(candidate)
            and (candidate.stage == Stage.CELL_RESOLVED)
        ):
            continue
        if (
            transition.name == "recognition_decision"
            and has_base_committee(candidate)
            and (candidate.stage == Stage.RECOGNITION_CELL)
        ):
            continue
        steps.append(transition)
    return steps
