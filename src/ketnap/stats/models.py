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
                "start": f"{starts_on:%d/%m/%Y}",
                "end": f"{ends_on:%d/%m/%Y}",
            }
    return gettext("Từ %(start)s đến %(end)s") % {"start": f"{starts_on:%d/%m/%Y}", "end": f"{ends_on:%d/%m/%Y}"}


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
        return f"{self.organization_id} từ {self.day:%d/%m/%Y}: {self.staff}/{self.official}+{self.probationary}"


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
