"""The periods targets are set for (a term, a calendar year, another plan), and NQ 21's yearly share as a hint."""

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ketnap.stats.models import PeriodKind, Target, period_label

NQ21_SOURCE = gettext_lazy("NQ 21-NQ/TW (16/6/2022): kết nạp 3–4 % tổng số đảng viên mỗi năm")
NQ21_RANGE = (0.03, 0.04)


@dataclass(frozen=True)
class TargetPeriod:
    kind: str
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> "TargetPeriod":
        return cls(PeriodKind.YEAR, dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def of(cls, target: Target) -> "TargetPeriod":
        return cls(target.kind, target.starts_on, target.ends_on)

    @property
    def key(self) -> tuple[dt.date, dt.date]:
        return (self.start, self.end)

    @property
    def label(self) -> str:
        return period_label(self.kind, self.start, self.end)

    @property
    def slug(self) -> str:
        """The ?ky= value: "2026" for a calendar year, else "2020-01-01_2025-06-30"."""
        if self.kind == PeriodKind.YEAR:
            return str(self.start.year)
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    def years_counted(self) -> list[int]:
        """Calendar years whose year target counts for this term: those whose 1 January lies in it."""
        return [y for y in range(self.start.year, self.end.year + 1) if self.start <= dt.date(y, 1, 1) <= self.end]


def nq21_hint(members: int, years: int = 1) -> str:
    """NQ 21's yearly 3–4 % of all members, as a number of people for `members` members over `years` years."""
    low, high = (round(members * share * years) for share in NQ21_RANGE)
    span = f"{low}" if low == high else f"{low}–{high}"
    values = {"source": NQ21_SOURCE, "members": members, "span": span, "years": years}
    if years == 1:
        return _("%(source)s → với %(members)s đảng viên: khoảng %(span)s người mỗi năm.") % values
    return (
        ngettext(
            "%(source)s → với %(members)s đảng viên: khoảng %(span)s người trong %(years)s năm.",
            "%(source)s → với %(members)s đảng viên: khoảng %(span)s người trong %(years)s năm.",
            years,
        )
        % values
    )


def target_keys(period: TargetPeriod) -> list[tuple[dt.date, dt.date]]:
    """The periods whose targets a table of `period` compares: itself and, for a term, the years it counts."""
    years = period.years_counted() if period.kind == PeriodKind.TERM else []
    return [period.key, *(TargetPeriod.year(y).key for y in years)]
