"""The road in figures: how many candidates are at each stage (now or on a past day), how many of those who entered a
stage went on, how long each stage takes, who has stalled, and whether probation ends in recognition on time.

Everything is read from the recorded steps (Step: date, stage before, stage after), as of the day shown: a candidate's
stage on day D is the stage after their last step on or before D. Candidates belong to the subtree through their
chi bộ (merged or split ones follow the successor, stats.admissions.Attribution). The roads are read from the stays
kept by stats.figures (KeptStay: a row per stage a candidate entered, from its steps), and counted in SQL: stages per
day, stays per number of days (medians and percentiles are computed on those counts), conversions per stage. A
province's 20,000 steps are never read one by one.
"""

import datetime as dt
import functools
import math
import operator
import statistics
from functools import cached_property

from django.db.models import CharField, Count, Exists, F, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.expressions import Case, When
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext as _

from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.enums import Stage, StepKind
from ketnap.pipeline.models import Step
from ketnap.registry.models import Organization
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.deadlines import recognition_review_due
from ketnap.stats import admissions as admissions_
from ketnap.stats import figures, kept_counts
from ketnap.stats.bieu import subtree_on
from ketnap.stats.figures import RANK, ROAD
from ketnap.stats.idlist import id_list
from ketnap.stats.models import KeptStay
from ketnap.stats.periods import Period
from ketnap.stats.tables import Column, Kind, Table, percent

EXITS = {Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED}
MIN_SAMPLE = 5  # fewer finished stays than this: no stall threshold (a percentile of 2 cases says nothing)
RECOGNITION_STEP = StepKind.RECOGNITION_CELL_RESOLUTION  # the chi bộ's review of the probation (13-KNĐ; rules.md §2.3)


def _p75(values: list[int]) -> float | None:
    if len(values) < MIN_SAMPLE:
        return None
    return statistics.quantiles(values, n=4, method="inclusive")[2]


def _expanded(histogram: dict[int, int]) -> list[int]:
    """The values a histogram {value: count} counts, in order (medians and percentiles are computed on them)."""
    return [value for value in sorted(histogram) for _n in range(histogram[value])]


class Funnel:
    """The roads of the candidates of an organisation's subtree (as it stood on `day`), up to `day`: counted in SQL
    from the candidates' stays kept by stats.figures (KeptStay, one row per stage entered), read only as counts
    per stage and per number of days."""

    def __init__(self, org: Organization, day: dt.date, subtree: dict | None = None):
        """`subtree`: subtree_on(org, day) when the caller has it."""
        self.org, self.day = org, day
        # the roads' version before any stay is read (stats.kept_counts): a transaction reads the steps it recorded
        self._version = figures.stays_version()
        nodes = set(subtree_on(org, day) if subtree is None else subtree)
        # today the tree is what lies under the root's path: no path to read (Attribution's by_path)
        self.attribution = attribution = admissions_.Attribution(nodes, org, by_path=day >= today())
        # the candidates of the organisations that count in the tree: those under its paths always do (their nearest
        # ancestor in the tree at least), a predecessor when its successions lead into it (Attribution.node_for)
        attribution.prepare(attribution.predecessors)
        outside = sorted(p for p in attribution.predecessors if attribution.node_for(p) is None)
        # what the counts depend on besides the roads: the tree, its predecessors, whether the day is today
        self._what = (org.path, day >= today(), sorted(nodes), sorted(attribution.predecessors), outside)
        self.stays = (
            KeptStay.objects.filter(attribution.org_q("organization"), started_on__lte=day)
            .exclude(organization_id__in=outside)
            .order_by()
        )
        # no step recorded: the recorded stage today, still the source on a past day
        self.stage = (
            F("stage")
            if day >= today()
            else Case(When(without_steps=True, then=Value(Stage.SOURCE)), default=F("stage"), output_field=CharField())
        )
        self.rank = (
            F("rank")
            if day >= today()
            else Case(
                When(without_steps=True, then=Value(RANK[Stage.SOURCE])), default=F("rank"), output_field=IntegerField()
            )
        )
        # the stays entered by the day; a road whose first step (an adopted member's decision) came later is still
        # at its start in the source (`before`)
        self.entered = self.stays.filter(entered_on__lte=day)
        self.current = self.entered.filter(Q(left_on__isnull=True) | Q(left_on__gt=day)).annotate(at=self.stage)
        self.before = self.stays.filter(position=0, entered_on__gt=day)
        histogram: dict[str, dict[int, int]] = {stage: {} for stage in ROAD}
        finished = self._kept(
            "finished",
            lambda: list(
                self.stays.filter(left_on__lte=day, stage__in=ROAD)
                .values("stage", "days")
                .annotate(n=Count("pk"))
                .values_list("stage", "days", "n")
            ),
        )
        for stage, days, n in finished:
            histogram[stage][days] = n
        self.spans = {stage: _expanded(histogram[stage]) for stage in ROAD}

    def _kept(self, piece: str, compute, *what):
        """`compute()` (JSON: lists, dicts with text keys, numbers), kept for the tree (and `what` else it depends
        on), the day and the roads' version (stats.kept_counts): a province's funnel counts its 60,000 stays again
        only after a road changed."""
        kind = kept_counts.kind(f"funnel-{piece}", (self._what, what))
        return kept_counts.for_subtree(kind, self.org.pk, self.day, self._version, compute)

    # -- figures -----------------------------------------------------------------------------------
    def thresholds(self) -> dict[str, float | None]:
        return {stage: _p75(self.spans[stage]) for stage in ROAD}

    def _stalled_q(self, limits: dict[str, float | None], stage: str) -> Q | None:
        """Open at `stage` longer than its threshold: (day - since) > limit, i.e. since <= day - (floor(limit) + 1)."""
        if limits[stage] is None:
            return None
        return Q(at=stage, entered_on__lte=self.day - dt.timedelta(days=math.floor(limits[stage]) + 1))

    @cached_property
    def _open(self) -> tuple[dict[str, int], dict[str, int]]:
        """Open candidates per stage on the day, and of them those past the stall threshold: one grouped query (and
        the roads still at their start)."""
        counts, past = self._kept("open", self._count_open)
        return counts, past

    def _count_open(self) -> list[dict[str, int]]:
        limits = self.thresholds()
        stalled = [q for stage in ROAD if (q := self._stalled_q(limits, stage)) is not None]
        late = Count("pk", filter=functools.reduce(operator.or_, stalled)) if stalled else Value(0)
        counts = {stage: 0 for stage in ROAD}
        past = {stage: 0 for stage in ROAD if limits[stage] is not None}
        rows = self.current.filter(at__in=ROAD).values("at").annotate(n=Count("pk"), late=late)
        for stage, n, n_late in rows.values_list("at", "n", "late"):
            counts[stage] = n
            if stage in past:
                past[stage] = n_late
        counts[Stage.SOURCE] += self.before.count()
        if Stage.SOURCE in past:  # the roads still at their start count from it
            limit = self.day - dt.timedelta(days=math.floor(limits[Stage.SOURCE]) + 1)
            past[Stage.SOURCE] += self.before.filter(started_on__lte=limit).count()
        return [counts, past]

    def people_at(self, stage: str) -> list[int]:
        people = list(self.current.filter(at=stage).values_list("person_id", flat=True))
        if stage == Stage.SOURCE:
            people += list(self.before.values_list("person_id", flat=True))
        return people

    def stalled_people(self, stage: str) -> list[int]:
        condition = self._stalled_q(self.thresholds(), stage)
        if condition is None:
            return []
        people = list(self.current.filter(condition).values_list("person_id", flat=True))
        if stage == Stage.SOURCE:
            limit = self.day - dt.timedelta(days=math.floor(self.thresholds()[stage]) + 1)
            people += list(self.before.filter(started_on__lte=limit).values_list("person_id", flat=True))
        return people

    # -- tables ------------------------------------------------------------------------------------
    def _subtitle(self) -> str:
        return f"{self.org.name} · " + _("ngày %(d)s") % {"d": ddmmyyyy(self.day)}

    def stages(self, link=None) -> Table:
        """How many candidates are at each stage of the road on the day (last row: all open candidates)."""
        table = Table(
            "giai-doan",
            _("Quần chúng ưu tú và đảng viên dự bị theo giai đoạn"),
            [Column("stage", _("Giai đoạn")), Column("count", _("Số người"), Kind.INT)],
            subtitle=self._subtitle(),
            note=_("Giai đoạn tại ngày xem, theo các bước đã ghi nhận đến ngày đó."),
        )
        counts = dict(self._open[0])
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
        counts = {stage: [0, 0, 0, 0] for stage in ROAD}  # entered, went on, still there, left the road
        rows, started = self._kept(
            "conversion",
            lambda: [list(self._conversion_rows(period)), self._started(period)],
            None if period is None else (period.start, period.end),
        )
        for stage, *values in rows:
            counts[stage] = values
        if started:  # a road still at its start in the source: entered it, is still there
            counts[Stage.SOURCE] = [
                counts[Stage.SOURCE][0] + started,
                counts[Stage.SOURCE][1],
                counts[Stage.SOURCE][2] + started,
                counts[Stage.SOURCE][3],
            ]
        for stage in ROAD:
            entered, went_on, still, left = counts[stage]
            table.add(Stage(stage).label, entered, went_on, percent(went_on, entered), still, left)
        return table

    def _started(self, period: Period | None) -> int:
        """The roads still at their start in the source that began in the period (ever)."""
        before = self.before if period is None else self.before.filter(started_on__range=(period.start, period.end))
        return before.count()

    def _conversion_rows(self, period: Period | None):
        """(stage, entered, went on, still there, left the road) of the first entry of each road into each stage in
        the period (ever, without one), up to the day: what the road reached after it, where it is on the day."""
        day = self.day
        road = KeptStay.objects.filter(candidate_id=OuterRef("candidate_id"), entered_on__lte=day).order_by()
        entries = self.entered
        earlier = road.filter(position__lt=OuterRef("position"), stage=OuterRef("stage"))
        if period is not None:
            entries = entries.filter(entered_on__range=(period.start, period.end))
            earlier = earlier.filter(entered_on__range=(period.start, period.end))
        # a road whose last stay began by the day: what it reached after each stay and where it is are kept on its
        # rows; a road that went on after the day (a past day) is read back to the day
        furthest = road.filter(position__gt=OuterRef("position")).values("candidate_id").annotate(m=Max("rank"))
        last = road.order_by("-position").annotate(at=self.stage).values("at")[:1]
        kept = (
            Greatest(F("reached_after"), Value(0), output_field=IntegerField()),
            Case(When(without_steps=True, then=self.stage), default=F("final_stage"), output_field=CharField()),
        )
        if self.entered.filter(last_entered_on__gt=day).exists():  # a past day some roads went on from
            whole = Q(last_entered_on__lte=day)
            read_back = (
                Coalesce(Subquery(furthest.values("m")), Value(0), output_field=IntegerField()),
                Subquery(last),
            )
            kept = tuple(
                Case(When(whole, then=mine), default=back, output_field=mine.output_field)
                for mine, back in zip(kept, read_back, strict=True)
            )
        rows = (
            entries.filter(~Exists(earlier))
            .annotate(at=self.stage, at_rank=self.rank, reached=kept[0], now=kept[1])
            .filter(at__in=ROAD)
        )
        on = Q(reached__gt=F("at_rank"))
        return (
            rows.values("at")
            .annotate(
                entered=Count("pk"),
                went_on=Count("pk", filter=on),
                still=Count("pk", filter=~on & Q(now=F("at"))),
                left=Count("pk", filter=~on & Q(now__in=sorted(EXITS))),
            )
            .values_list("at", "entered", "went_on", "still", "left")
        )

    def durations(self, link=None) -> Table:
        """Median days per stage (finished stays), the stall threshold (75th percentile) and who is past it now."""
        limits = self.thresholds()
        open_counts, stalled = self._open
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


def probation_on_time(
    org: Organization,
    period: Period,
    subtree: dict | None = None,
    attribution: admissions_.Attribution | None = None,
) -> Table:
    """Recognition reviews in the period (the chi bộ's resolution, 13-KNĐ) made within their legal deadline: 30 working
    days after the 12 months of probation (QĐ điểm 4.2.1; ketnap.rules.deadlines.recognition_review_due).
    `subtree`: subtree_on(org, period.end) when the caller has it, and `attribution` its Attribution (Funnel's)."""
    previous = period.same_period_last_year()
    if attribution is None:
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
        Step.objects.filter(kind=StepKind.CEREMONY, passed=True, candidate_id__in=id_list(reviews))
        .order_by("-on", "-id")
        .values_list("candidate_id", "on")
    ):
        ceremonies[candidate_id] = on  # ordered latest first: the first ceremony wins
    calendar = app_calendar()
    due = functools.cache(lambda ceremony: recognition_review_due(ceremony, calendar).due)  # a day of ceremonies: once
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
            on_time += on <= due(ceremony)
        table.add(f"{label} ({span.label})", reviewed, on_time, reviewed - on_time, percent(on_time, reviewed))
    return table
