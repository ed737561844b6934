"""The road in figures: how many candidates are at each stage (now or on a past day), how many of those who entered a
stage went on, how long each stage takes, who has stalled, and whether probation ends in recognition on time.

Everything is read from the recorded steps (Step: date, stage before, stage after), as of the day shown: a candidate's
stage on day D is the stage after their last step on or before D. Candidates belong to the subtree through their
chi bộ (merged or split ones follow the successor, stats.admissions.Attribution). Only the candidates of the
organisations that can count in the subtree are read, with their steps up to the day: a road's durations and the
stages it reached are what the tables are made of (medians and percentiles of the stays).
"""

import datetime as dt
import statistics
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Candidate, Step
from ketnap.registry.models import Organization
from ketnap.registry.services.dates import today
from ketnap.rules.deadlines import recognition_review_due
from ketnap.stats import admissions as admissions_
from ketnap.stats.bieu import subtree_on
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, Table, percent

ROAD = [s for s in Stage.board() if s != Stage.OFFICIAL]  # the open stages, in the order of the road
RANK = {stage: i for i, stage in enumerate([*ROAD, Stage.OFFICIAL])}
EXITS = {Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED}
MIN_SAMPLE = 5  # fewer finished stays than this: no stall threshold (a percentile of 2 cases says nothing)
RECOGNITION_STEP = StepKind.RECOGNITION_CELL_RESOLUTION  # the chi bộ's review of the probation (13-KNĐ; rules.md §2.3)


@dataclass
class Road:
    candidate_id: int
    person_id: int
    entries: list[tuple[str, dt.date]] = field(default_factory=list)  # (stage entered, on), in order

    @property
    def stage(self) -> str:
        return self.entries[-1][0]

    @property
    def since(self) -> dt.date:
        return self.entries[-1][1]


def _p75(values: list[int]) -> float | None:
    if len(values) < MIN_SAMPLE:
        return None
    return statistics.quantiles(values, n=4, method="inclusive")[2]


class Funnel:
    """The roads of the candidates of an organisation's subtree (as it stood on `day`), up to `day`."""

    def __init__(self, org: Organization, day: dt.date, subtree: dict | None = None):
        """`subtree`: subtree_on(org, day) when the caller has it."""
        self.org, self.day = org, day
        attribution = admissions_.Attribution(set(subtree_on(org, day) if subtree is None else subtree), org)
        candidates = list(
            Candidate.objects.filter(attribution.org_q("organization"), started_on__lte=day).values_list(
                "pk", "person_id", "organization_id", "started_on", "stage"
            )
        )
        orgs = {org_id for _pk, _person, org_id, _s, _st in candidates}
        attribution.prepare(orgs)
        inside = {org_id for org_id in orgs if attribution.node_for(org_id) is not None}
        steps: dict[int, list[tuple]] = {}
        rows = (
            Step.objects.filter(
                candidate__organization_id__in=sorted(inside), candidate__started_on__lte=day, on__lte=day
            )
            .order_by("candidate_id", "on", "id")
            .values_list("candidate_id", "on", "stage_before", "stage_after")
        )
        for candidate_id, *rest in rows:
            steps.setdefault(candidate_id, []).append(rest)
        self.roads: list[Road] = []
        is_today = day >= today()
        for pk, person_id, org_id, started_on, stage in candidates:
            if org_id not in inside or started_on > day:
                continue
            road = Road(pk, person_id)
            own = steps.get(pk, [])
            if not own:
                # no step yet: on a past day still where the road starts; today, whatever stage was recorded
                road.entries.append((stage if is_today else Stage.SOURCE, started_on))
            elif own[0][1] == Stage.SOURCE:
                road.entries.append((Stage.SOURCE, started_on))
            for on, _before, after in own:
                # a failed vote leaves the stage as it was; a member adopted from the register enters at the decision
                if not road.entries or after != road.stage:
                    road.entries.append((after, on))
            self.roads.append(road)
        self.spans = self._spans()

    # -- figures -----------------------------------------------------------------------------------
    def _spans(self) -> dict[str, list[int]]:
        """Days spent in each stage by every finished stay (entry into the stage to the next change)."""
        spans: dict[str, list[int]] = {stage: [] for stage in ROAD}
        for road in self.roads:
            for (stage, start), (_next, end) in zip(road.entries, road.entries[1:], strict=False):
                if stage in spans:
                    spans[stage].append((end - start).days)
        return spans

    def open_roads(self) -> list[Road]:
        return [r for r in self.roads if r.stage in ROAD]

    def thresholds(self) -> dict[str, float | None]:
        return {stage: _p75(self.spans[stage]) for stage in ROAD}

    def stalled(self) -> list[Road]:
        """Open candidates in their stage longer than the 75th percentile of the finished stays of that stage here."""
        limits = self.thresholds()
        return [
            r for r in self.open_roads() if limits[r.stage] is not None and (self.day - r.since).days > limits[r.stage]
        ]

    def people_at(self, stage: str) -> list[int]:
        return [r.person_id for r in self.open_roads() if r.stage == stage]

    def stalled_people(self, stage: str) -> list[int]:
        return [r.person_id for r in self.stalled() if r.stage == stage]

    # -- tables ------------------------------------------------------------------------------------
    def _subtitle(self) -> str:
        return f"{self.org.name} · " + _("ngày %(d)s") % {"d": f"{self.day:%d/%m/%Y}"}

    def stages(self, link=None) -> Table:
        """How many candidates are at each stage of the road on the day (last row: all open candidates)."""
        table = Table(
            "giai-doan",
            _("Quần chúng ưu tú và đảng viên dự bị theo giai đoạn"),
            [Column("stage", _("Giai đoạn")), Column("count", _("Số người"), Kind.INT)],
            subtitle=self._subtitle(),
            note=_("Giai đoạn tại ngày xem, theo các bước đã ghi nhận đến ngày đó."),
        )
        counts = {stage: 0 for stage in ROAD}
        for road in self.open_roads():
            counts[road.stage] += 1
        for stage in ROAD:
            table.add(Stage(stage).label, counts[stage], link=link(giai_doan=stage) if link and counts[stage] else None)
        table.add(_("Tổng số đang theo dõi"), sum(counts.values()), strong=True)
        return table

    def conversion(self, period: Period | None = None) -> Table:
        """Of those who entered each stage (in `period`, or ever), how many reached a later stage of the road."""
        table = Table(
            "chuyen-tiep",
            _("Tỷ lệ chuyển tiếp giữa các giai đoạn"),
            [
                Column("stage", _("Giai đoạn")),
                Column("entered", _("Số vào giai đoạn"), Kind.INT),
                Column("went_on", _("Đã sang giai đoạn sau"), Kind.INT),
                Column("rate", _("Tỷ lệ chuyển tiếp"), Kind.PERCENT),
                Column("still", _("Còn ở giai đoạn này"), Kind.INT),
                Column("left", _("Dừng, không kết nạp, xóa tên"), Kind.INT),
            ],
            subtitle=f"{self.org.name} · " + (period.label if period else _("toàn bộ quá trình")),
            note=_(
                "Người vào giai đoạn trong kỳ (theo ngày của bước đưa vào giai đoạn); “đã sang giai đoạn sau”: đã qua "
                "một giai đoạn bất kỳ tiếp theo trên đường kết nạp (có giai đoạn không áp dụng cho mọi tổ chức), tính "
                "đến ngày xem."
            ),
        )
        figures = {stage: [0, 0, 0, 0] for stage in ROAD}  # entered, went on, still there, left the road
        for road in self.roads:
            seen: set[str] = set()
            reached = 0  # the furthest rank reached after each entry, read from the end of the road
            later: list[int] = []
            for s, _on in reversed(road.entries):
                later.append(reached)
                reached = max(reached, RANK.get(s, -1))
            later.reverse()
            for (stage, on), furthest in zip(road.entries, later, strict=True):
                if stage not in figures or stage in seen or (period is not None and not period.contains(on)):
                    continue
                seen.add(stage)
                counts = figures[stage]
                counts[0] += 1
                if furthest > RANK[stage]:
                    counts[1] += 1
                elif road.stage == stage:
                    counts[2] += 1
                elif road.stage in EXITS:
                    counts[3] += 1
        for stage in ROAD:
            entered, went_on, still, left = figures[stage]
            table.add(Stage(stage).label, entered, went_on, percent(went_on, entered), still, left)
        return table

    def durations(self, link=None) -> Table:
        """Median days per stage (finished stays), the stall threshold (75th percentile) and who is past it now."""
        limits = self.thresholds()
        stalled: dict[str, int] = {}
        for road in self.stalled():
            stalled[road.stage] = stalled.get(road.stage, 0) + 1
        table = Table(
            "thoi-gian",
            _("Thời gian ở mỗi giai đoạn và trường hợp chậm"),
            [
                Column("stage", _("Giai đoạn")),
                Column("finished", _("Số lượt đã qua"), Kind.INT),
                Column("median", _("Trung vị (ngày)"), Kind.DECIMAL),
                Column("threshold", _("Ngưỡng chậm: bách phân vị 75 (ngày)"), Kind.DECIMAL),
                Column("open", _("Đang ở giai đoạn"), Kind.INT),
                Column("stalled", _("Quá ngưỡng chậm"), Kind.INT),
            ],
            subtitle=self._subtitle(),
            note=_(
                "Số ngày từ bước đưa vào giai đoạn đến bước tiếp theo, của mọi lượt đã qua trong cây tổ chức này đến "
                "ngày xem. Chậm: đang ở giai đoạn lâu hơn 75%% số lượt đã qua (cần ít nhất %(n)s lượt)."
            )
            % {"n": MIN_SAMPLE},
        )
        open_counts: dict[str, int] = {}
        for road in self.open_roads():
            open_counts[road.stage] = open_counts.get(road.stage, 0) + 1
        for stage in ROAD:
            spans = self.spans[stage]
            n_stalled = stalled.get(stage, 0)
            table.add(
                Stage(stage).label,
                len(spans),
                float(statistics.median(spans)) if spans else None,
                limits[stage],
                open_counts.get(stage, 0),
                n_stalled if limits[stage] is not None else None,
                link=link(giai_doan=stage) if link and n_stalled else None,
                flag=_("chưa đủ dữ liệu") if limits[stage] is None and open_counts.get(stage) else "",
            )
        return table


def probation_on_time(org: Organization, period: Period, subtree: dict | None = None) -> Table:
    """Recognition reviews in the period (the chi bộ's resolution, 13-KNĐ) made within their legal deadline: 30 working
    days after the 12 months of probation (QĐ điểm 4.2.1; ketnap.rules.deadlines.recognition_review_due).
    `subtree`: subtree_on(org, period.end) when the caller has it."""
    previous = period.same_period_last_year()
    nodes = subtree_on(org, period.end) if subtree is None else subtree  # the tree at the period's end
    attribution = admissions_.Attribution(set(nodes), org)
    reviews: dict[int, tuple[dt.date, int]] = {}
    rows = (
        Step.objects.filter(
            attribution.org_q("candidate__organization"),
            kind=RECOGNITION_STEP,
            passed=True,
            on__range=(previous.start, period.end),
        )
        .order_by("on", "id")
        .values_list("candidate_id", "on", "candidate__organization_id")
    )
    for candidate_id, on, org_id in rows:
        reviews.setdefault(candidate_id, (on, org_id))
    attribution.prepare({org_id for _on, org_id in reviews.values()})
    ceremonies: dict[int, dt.date] = {}
    for candidate_id, on in (
        Step.objects.filter(kind=StepKind.CEREMONY, passed=True, candidate_id__in=list(reviews))
        .order_by("-on", "-id")
        .values_list("candidate_id", "on")
    ):
        ceremonies[candidate_id] = on  # ordered latest first: the first ceremony wins
    calendar = app_calendar()
    table = Table(
        "chuyen-chinh-thuc-dung-han",
        _("Xét công nhận đảng viên chính thức đúng hạn"),
        [
            Column("period", _("Kỳ")),
            Column("reviewed", _("Số chi bộ đã xét"), Kind.INT),
            Column("on_time", _("Đúng hạn"), Kind.INT),
            Column("late", _("Quá hạn"), Kind.INT),
            Column("rate", _("Tỷ lệ đúng hạn"), Kind.PERCENT),
        ],
        subtitle=org.name,
        note=_(
            "Nghị quyết chi bộ đề nghị công nhận chính thức (13-KNĐ) trong kỳ; đúng hạn: không quá 30 ngày làm việc "
            "sau khi hết 12 tháng dự bị, tính từ ngày lễ kết nạp (Quy định thi hành Điều lệ Đảng, điểm 4.2.1)."
        ),
    )
    for label, span in ((_("Kỳ này"), period), (_("Cùng kỳ năm trước"), previous)):
        reviewed = on_time = 0
        for candidate_id, (on, org_id) in reviews.items():
            ceremony = ceremonies.get(candidate_id)
            if not span.contains(on) or ceremony is None or attribution.node_for(org_id) is None:
                continue
            reviewed += 1
            on_time += on <= recognition_review_due(ceremony, calendar).due
        table.add(f"{label} ({span.label})", reviewed, on_time, reviewed - on_time, percent(on_time, reviewed))
    return table
