"""What is due: the next action of each candidate with its deadline, derived from the recorded step dates at
read time (healthchecks' way: nothing is kept in sync by cron; cron only sends reminders)."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Prefetch

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import Stage
from ketnap.pipeline.models import Candidate, Step
from ketnap.pipeline.transitions import available
from ketnap.rules import deadlines, eligibility
from ketnap.rules.sources import guidance
from ketnap.rules.verdict import Source


@dataclass
class DueItem:
    candidate: Candidate
    action: str
    due: dt.date | None
    rule: str
    source: Source | None
    urgency: str  # overdue / soon / ok / none

    @property
    def sort_key(self):
        order = {"overdue": 0, "soon": 1, "ok": 2, "none": 3}[self.urgency]
        return (order, self.due or dt.date.max, self.candidate.person.sort_key)


def _step(candidate: Candidate, kind: str) -> Step | None:
    found = [s for s in candidate.steps.all() if s.kind == kind and s.passed]
    return min(found, key=lambda s: (s.on, s.id)) if found else None


def next_action(candidate: Candidate, today: dt.date) -> DueItem:
    stage = candidate.stage

    def item(action, deadline=None, *, due=None, rule="", source=None):
        if deadline is not None:
            due, rule, source = deadline.due, deadline.rule, deadline.source
        urgency = deadlines.urgency(due, today, calendar=app_calendar()) if due else "none"
        return DueItem(candidate, action, due, rule, source, urgency)

    if stage == Stage.SOURCE:
        return item("Chi bộ xem xét đưa vào danh sách cảm tình Đảng, phân công đảng viên giúp đỡ")
    if stage == Stage.SYMPATHISER:
        return item("Cử đi học lớp bồi dưỡng nhận thức về Đảng")
    if stage == Stage.DOSSIER:
        certificate = _step(candidate, "certificate")
        expiry = eligibility.certificate_expires_on(certificate.on) if certificate else None
        return item(
            "Hoàn thiện hồ sơ, chi bộ họp xét đề nghị kết nạp",
            due=expiry,
            rule="Chi bộ phải họp xét khi giấy chứng nhận CN-NTVĐ còn giá trị (60 tháng)",
            source=guidance(certificate.on if certificate else today, "điểm 5.4"),
        )
    if stage in {Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED}:
        resolution = _step(candidate, "cell_resolution")
        following = [t for t in available(candidate) if t.name not in {"withdraw", "not_admitted"}]
        return item(
            str(following[0].label) if following else "Cấp ủy có thẩm quyền xem xét, quyết định kết nạp",
            deadlines.decision_due(resolution.on, "admission", calendar=app_calendar()),
        )
    if stage == Stage.DECIDED:
        decision = _step(candidate, "decision")
        return item(
            "Tổ chức lễ kết nạp", deadlines.ceremony_due(decision.received_on or decision.on, calendar=app_calendar())
        )
    if stage == Stage.PROBATION:
        ceremony = _step(candidate, "ceremony")
        end = deadlines.probation_end(ceremony.on)
        action = f"Chi bộ xét công nhận đảng viên chính thức (hết dự bị ngày {end.due:%d/%m/%Y})"
        return item(action, deadlines.recognition_review_due(ceremony.on, calendar=app_calendar()))
    if stage in {Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE}:
        resolution = _step(candidate, "recognition_cell_resolution")
        return item(
            "Cấp ủy có thẩm quyền quyết định công nhận đảng viên chính thức",
            deadlines.decision_due(resolution.on, "recognition", calendar=app_calendar()),
        )
    return item("")


def due_items(candidates, today: dt.date) -> list[DueItem]:
    """The next action of every open candidate in `candidates`, overdue first, then by due date."""
    rows = (
        candidates.exclude(stage__in=Stage.terminal())
        .select_related("person", "organization", "organization__parent")
        .prefetch_related(Prefetch("steps", queryset=Step.objects.order_by("on", "id")))
    )
    items = [next_action(c, today) for c in rows]
    return sorted(items, key=lambda i: i.sort_key)


def counts(items: list[DueItem]) -> dict[str, int]:
    result = {"overdue": 0, "soon": 0, "ok": 0, "none": 0}
    for entry in items:
        result[entry.urgency] += 1
    return result


def overdue_by_organization(candidates, today: dt.date) -> tuple[dict[int, int], dict[int, int]]:
    """Per organisation: (overdue items, overdue recognitions). Counts only: safe to show to overseers."""
    overdue: dict[int, int] = {}
    recognitions: dict[int, int] = {}
    for entry in due_items(candidates, today):
        if entry.urgency != "overdue":
            continue
        org_id = entry.candidate.organization_id
        overdue[org_id] = overdue.get(org_id, 0) + 1
        if entry.candidate.stage in {Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE}:
            recognitions[org_id] = recognitions.get(org_id, 0) + 1
    return overdue, recognitions
