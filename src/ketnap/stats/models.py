"""Admission targets (chỉ tiêu kết nạp đảng viên).

No central per-chi bộ number exists: each congress resolution sets a target for its term and each committee's
yearly plan sets one for the year, then splits it down to its cells (rules.md §5). A target is therefore an
admission count for one organisation over one dated period. Rows change only through ketnap.stats.targets
(set_target, split_target), which validate and audit them.
"""

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ketnap.registry.models import Organization
from ketnap.rules.dates import ddmmyyyy

QUARTERS = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodKind(models.TextChoices):
    TERM = "term", _("Nhiệm kỳ")
    YEAR = "year", _("Năm")
    PLAN = "plan", _("Kế hoạch khác (quý, đợt)")


def period_label(kind: str, starts_on: dt.date, ends_on: dt.date) -> str:
    """ "Nhiệm kỳ 2020–2025", "Năm 2026", "Quý I/2021 (01/01/2021–31/03/2021)", "Từ 01/01/2021 đến 15/05/2021"."""
    if kind == PeriodKind.TERM:
        return gettext("Nhiệm kỳ %(start)s–%(end)s") % {"start": starts_on.year, "end": ends_on.year}
    if starts_on == dt.date(starts_on.year, 1, 1) and ends_on == dt.date(starts_on.year, 12, 31):
        return gettext("Năm %(year)s") % {"year": starts_on.year}
    quarter = (starts_on.month + 2) // 3
    if starts_on.day == 1 and starts_on.month == 3 * quarter - 2:
        next_first = dt.date(starts_on.year + (quarter == 4), (3 * quarter) % 12 + 1, 1)
        if ends_on == next_first - dt.timedelta(days=1):
            return gettext("Quý %(quarter)s/%(year)s (%(start)s–%(end)s)") % {
                "quarter": QUARTERS[quarter],
                "year": starts_on.year,
                "start": ddmmyyyy(starts_on),
                "end": ddmmyyyy(ends_on),
            }
    return gettext("Từ %(start)s đến %(end)s") % {"start": ddmmyyyy(starts_on), "end": ddmmyyyy(ends_on)}


class Target(models.Model):
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="targets", verbose_name=_("tổ chức đảng")
    )
    kind = models.CharField(_("loại kỳ"), max_length=8, choices=PeriodKind.choices)
    starts_on = models.DateField(_("từ ngày"))
    ends_on = models.DateField(_("đến ngày"), help_text=_("Tính cả ngày này."))
    admissions = models.PositiveIntegerField(_("số đảng viên kết nạp (chỉ tiêu)"))
    basis = models.CharField(
        _("căn cứ"),
        max_length=500,
        blank=True,
        help_text=_("Ví dụ: Nghị quyết Đại hội Đảng bộ … nhiệm kỳ 2020–2025; Kế hoạch số … của Đảng ủy."),
    )
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("người nhập")
    )
    created_at = models.DateTimeField(_("nhập lúc"), auto_now_add=True)

    class Meta:
        ordering = ["organization", "-starts_on", "kind"]
        verbose_name = _("chỉ tiêu kết nạp")
        verbose_name_plural = _("chỉ tiêu kết nạp")
        constraints = [
            models.UniqueConstraint(fields=["organization", "kind", "starts_on"], name="target_unique_period"),
            models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="target_ends_after_start"),
            models.CheckConstraint(condition=Q(admissions__gte=0), name="target_admissions_not_negative"),
        ]
        indexes = [models.Index(fields=["starts_on", "ends_on"])]

    def __str__(self) -> str:
        return f"{self.label} — {self.organization}: {self.admissions}"

    @property
    def label(self) -> str:
        return period_label(self.kind, self.starts_on, self.ends_on)

    @property
    def period_key(self) -> tuple[dt.date, dt.date]:
        """Targets of different organisations are for "the same period" when their dates are the same."""
        return (self.starts_on, self.ends_on)


class OrgFigures(models.Model):
    """An organisation's own counts (registry.indicators' past-day counting: the assignments in force through the unit
    coverage in force, each membership's state after its last event) from `day` until its next row: a row only where a
    value changes, so the counts on day D are the row with the greatest day <= D (none: all zero). Kept by
    ketnap.stats.figures after every write the registry announces; `ketnap rebuild-figures` recomputes them."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    day = models.DateField()
    staff = models.PositiveIntegerField()
    staff_members = models.PositiveIntegerField()
    official = models.PositiveIntegerField()
    probationary = models.PositiveIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "day"], name="orgfigures_one_row_a_day")]

    def __str__(self) -> str:
        return f"{self.organization_id} từ {ddmmyyyy(self.day)}: {self.staff}/{self.official}+{self.probationary}"


class CurrentOrgFigures(models.Model):
    """An organisation's own counts today (registry.indicators' counting of today: the current people by their
    responsible organisation, the active memberships by chi bộ); no row: all zero. Kept with OrgFigures."""

    organization = models.OneToOneField(Organization, models.CASCADE, primary_key=True, related_name="+")
    staff = models.PositiveIntegerField()
    staff_members = models.PositiveIntegerField()
    official = models.PositiveIntegerField()
    probationary = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.staff}/{self.official}+{self.probationary}"


class KeptAdmission(models.Model):
    """An admission recorded in the register, as stats.admissions defines it: the first event of a membership, when it
    is an entry (ADMITTED, REGISTERED) and the membership has a decision date; counted on that date for the chi bộ of
    that event. One row per such membership, kept by ketnap.stats.figures with the organisation counts (the events
    are announced by the registry the same way), so that counting a period's admissions is an index range over the
    decision dates instead of finding each membership's first event among all of a province's events."""

    membership = models.OneToOneField("registry.PartyMembership", models.CASCADE, primary_key=True, related_name="+")
    person = models.ForeignKey("registry.Person", models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")  # the admitting chi bộ
    decided_on = models.DateField()
    is_readmission = models.BooleanField()

    class Meta:
        indexes = [
            models.Index(fields=["decided_on"], name="keptadmission_decided"),
            models.Index(fields=["organization", "decided_on"], name="keptadmission_org_decided"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} vào {self.organization_id} ngày {ddmmyyyy(self.decided_on)}"


class KeptMemberSpan(models.Model):
    """A membership while it is active (official or probationary), between two of its event days: the state after the
    last event of `starts_on` holds until the next event day `ends_on` (None: still), in the chi bộ of that event —
    registry.indicators' reading of a day, kept by ketnap.stats.figures from the same announcements as the counts.
    Biểu 3 counts the members of any day from these rows (an index range, no search for each membership's last
    event). `first_decided_on`: the member's first admission decision, from which party seniority runs."""

    membership = models.ForeignKey("registry.PartyMembership", models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    status = models.CharField(max_length=20)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True)
    first_decided_on = models.DateField(null=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "starts_on"], name="keptmemberspan_one_a_day")]
        indexes = [models.Index(fields=["organization", "starts_on"], name="keptmemberspan_org_starts")]

    def __str__(self) -> str:
        return f"{self.membership_id} ở {self.organization_id} từ {ddmmyyyy(self.starts_on)}: {self.status}"


class KeptStay(models.Model):
    """One stay of a candidate on the road: the stage entered (a step whose stage after differs from the stage before
    it, or the start in the source), the day, and the day the next stay began (None: still there) — the road
    stats.funnel reads, from all the candidate's steps. The road up to a day D is the stays entered on or before D.
    Kept by ketnap.stats.figures after every save of a step or a candidate (batched per transaction), so that the
    funnel counts stages, stays and conversions in SQL instead of reading every step of a province."""

    candidate = models.ForeignKey("pipeline.Candidate", models.CASCADE, related_name="+")
    person = models.ForeignKey("registry.Person", models.CASCADE, related_name="+")
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")  # the candidate's chi bộ now
    started_on = models.DateField()  # the candidate's start in the source
    position = models.PositiveSmallIntegerField()
    stage = models.CharField(max_length=24)
    rank = models.SmallIntegerField()  # stats.figures.RANK (the order on the road; -1: left it)
    entered_on = models.DateField()
    left_on = models.DateField(null=True)
    # no step recorded: the stage is the candidate's recorded stage today, the source on a past day
    without_steps = models.BooleanField(default=False)
    # of the whole road, for the days after its last stay began: the days of this stay (None: open), the highest
    # rank reached after it (-1: none), the stage the road is at, the day its last stay began
    days = models.IntegerField(null=True)
    reached_after = models.SmallIntegerField()
    final_stage = models.CharField(max_length=24)
    last_entered_on = models.DateField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["candidate", "position"], name="keptstay_one_a_position")]
        indexes = [models.Index(fields=["organization", "entered_on"], name="keptstay_org_entered")]

    def __str__(self) -> str:
        return f"{self.candidate_id} #{self.position}: {self.stage} từ {ddmmyyyy(self.entered_on)}"


class CurrentUnitFigures(models.Model):
    """Today's current people (registry Person.objects.current()) of one responsible organisation in one work unit:
    staff, members, and the source pool (the non-members) with what its profile is counted from — youth union,
    cadre planning, and counts per professional level, per profession and per birth date (the age groups change
    with the day: stats.pool compares the dates with the day's cut when it reads them). No row: none.
    Kept by ketnap.stats.figures with CurrentOrgFigures, recomputed for the announced organisations and the units
    they cover (a member keeps their chi bộ when changing unit), and after every save of a person."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    unit = models.ForeignKey("registry.WorkUnit", models.CASCADE, related_name="+")
    staff = models.PositiveIntegerField()
    members = models.PositiveIntegerField()
    pool = models.PositiveIntegerField()
    youth = models.PositiveIntegerField()
    planning = models.PositiveIntegerField()
    levels = models.JSONField(default=dict)  # {"<professional level id>": pool count}
    professions = models.JSONField(default=dict)  # {"<profession id>" or "": pool count}
    births = models.JSONField(default=dict)  # {"<birth date, ISO>": pool count}: a row holds some ten people

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organization", "unit"], name="currentunitfigures_one")]

    def __str__(self) -> str:
        return f"{self.organization_id}/{self.unit_id}: {self.staff}/{self.members}, quần chúng {self.pool}"


class KeptVersion(models.Model):
    """A counter moved by every write of the kept rows it names ("stays": KeptStay, after any change of a candidate or
    a step), so that what is computed from them once (ForecastBase) knows when it is out of date."""

    name = models.CharField(max_length=20, primary_key=True)
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.value}"


class ForecastBase(models.Model):
    """The whole register's past stays of the stages before the decision, as the forecast's events on the axis of days
    waited (stats.targets.forecast, pool "toàn bộ dữ liệu"), for one day and one version of the stays. Computed by the
    first forecast of the day that needs them (and again after a change of any candidate's road), so that a chi bộ's
    forecast reads its own history, not every candidate of the register. `stage` -1: the rows of (day, version) are
    complete."""

    day = models.DateField()
    version = models.BigIntegerField()
    stage = models.SmallIntegerField()  # stats.targets.forecast: the stage's number in sorted(PRE_DECISION)
    x = models.IntegerField()
    gone = models.IntegerField()
    hit = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["day", "version", "stage"], name="forecastbase_day_version")]

    def __str__(self) -> str:
        return f"{ddmmyyyy(self.day)} v{self.version} {self.stage}@{self.x}: -{self.gone} +{self.hit}"


class KeptOrgVersion(models.Model):
    """A counter per organisation moved by every write that can change what its own rows count in a report (stats.
    figures: the member spans it rewrites, an edit of a member's recorded attributes or of a membership), so that the
    counts kept for it (KeptCounts) know when they are out of date. No row: version 0."""

    organization = models.OneToOneField(Organization, models.CASCADE, primary_key=True, related_name="+")
    value = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.value}"


class KeptCounts(models.Model):
    """One organisation's own counts for one report (`kind`: the report and a digest of what it counts) on one day,
    as computed by the first report that needed them (stats.kept_counts), valid while the organisation's version is
    `version`: a province's biểu 3 then counts only the organisations changed since, not its 30,000 members."""

    kind = models.CharField(max_length=40)
    organization = models.ForeignKey(Organization, models.CASCADE, related_name="+")
    day = models.DateField()
    version = models.BigIntegerField()
    values = models.JSONField()  # a list of numbers, in the order the report's counting gives them ([]: none)
    made_on = models.DateField()  # rows not remade for a while are removed (stats.kept_counts.KEPT_DAYS)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "organization", "day"], name="keptcounts_one")]
        indexes = [models.Index(fields=["made_on"], name="keptcounts_made_on")]

    def __str__(self) -> str:
        return f"{self.kind} {self.organization_id} {ddmmyyyy(self.day)} v{self.version}"
