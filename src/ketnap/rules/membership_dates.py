"""The dates of a party membership and the order the Charter puts them in (shared/domain/rules.md §2.2, §2.3).

Pure Python (no Django): dates in, a Verdict out. One rule for every writer of a membership's dates, so that what
the register refuses on the screen the roster import refuses too: registry.services.people (registering a member,
recognising one official) and imports.members (new and corrected memberships). What one row of the register can
check is also a CHECK constraint of registry.models.PartyMembership, the last word against a write that skips the
services; the birth date is the person's, so only this rule compares it.

The order, "Dates to record" in rules.md §2.2:
- the admission decision (9-KNĐ) comes first: the chi bộ holds the ceremony after receiving it (QĐ điểm 4.1);
- probation runs 12 months from the ceremony (Điều lệ Điều 5 khoản 1) and the official date is their end (QĐ 24
  điểm 4.2.2), so it falls after the ceremony and after the decision;
- an official member has an official date: it is the day from which they are official;
- the person was a full 18 at the chi bộ's review meeting (Điều lệ Điều 1 khoản 2; QĐ điểm 1.1.1), which comes
  before the decision.

No more than the order, on purpose. The register takes in members admitted decades ago under earlier texts and
members transferred in with papers ketnap never saw, so the official date is not required to fall exactly 12 months
after the ceremony, and the age is counted the way most favourable to the record: calendar months, ignoring the
day (the reading rules.md §1.2 suggests; eligibility.age_in_months counts completed months to judge a new
admission). A record is refused only when no reading of the rule could have admitted the person.
"""

import datetime as dt
from dataclasses import dataclass, replace

from ketnap.rules.eligibility import MIN_AGE_MONTHS
from ketnap.rules.sources import charter, regulation
from ketnap.rules.verdict import Confidence, Finding, Severity, Source, Verdict


@dataclass(frozen=True)
class DateFinding(Finding):
    field: str = ""  # the membership's date to correct: decision_date, ceremony_date or official_date


@dataclass(frozen=True)
class MembershipDates:
    is_official: bool
    decision: dt.date | None
    ceremony: dt.date | None = None
    official: dt.date | None = None
    born: dt.date | None = None


def check_dates(dates: MembershipDates) -> Verdict:
    """The problems with a membership's dates, each naming the date to correct; no finding means they hold together.

    In the order an office reads them: the official date, then the ceremony, then the age at the decision.
    """
    return Verdict.of(*_official_date(dates), *_ceremony_date(dates), *_age_at_decision(dates))


def _problem(code: str, field: str, message: str, source: Source) -> DateFinding:
    return DateFinding(code, Severity.BLOCK, message, source, field)


def _official_date(dates: MembershipDates) -> list[DateFinding]:
    official, found = dates.official, []
    probation = charter("Điều 5, khoản 1")
    if dates.is_official and official is None:
        found.append(
            _problem(
                "membership.official_missing",
                "official_date",
                "Đảng viên chính thức cần có ngày chính thức.",
                probation,
            )
        )
    if official and dates.decision and official <= dates.decision:
        found.append(
            _problem(
                "membership.official_not_after_decision",
                "official_date",
                "Ngày chính thức phải sau ngày quyết định kết nạp (ngày vào Đảng).",
                probation,
            )
        )
    if official and dates.ceremony and official <= dates.ceremony:
        found.append(
            _problem(
                "membership.official_not_after_ceremony",
                "official_date",
                "Ngày chính thức phải sau ngày lễ kết nạp: thời kỳ dự bị 12 tháng tính từ ngày lễ kết nạp.",
                probation,
            )
        )
    return found


def _ceremony_date(dates: MembershipDates) -> list[DateFinding]:
    if not (dates.ceremony and dates.decision and dates.ceremony < dates.decision):
        return []
    return [
        _problem(
            "membership.ceremony_before_decision",
            "ceremony_date",
            "Ngày lễ kết nạp không thể trước ngày quyết định kết nạp.",
            _ceremony_source(dates.decision),
        )
    ]


def _ceremony_source(decision: dt.date) -> Source:
    """QĐ điểm 4.1 of the text in force at the decision: read in QĐ 24 and 232, through the quiz bank for 294."""
    source = regulation(decision, "điểm 4.1")
    return replace(source, confidence=Confidence.SECONDARY) if source.document == "QĐ 294-QĐ/TW" else source


def calendar_months(born: dt.date, on: dt.date) -> int:
    """Months from the month of birth to the month of `on`, the day ignored: (Y*12 + M) − (Yb*12 + Mb)."""
    return (on.year * 12 + on.month) - (born.year * 12 + born.month)


def _age_at_decision(dates: MembershipDates) -> list[DateFinding]:
    if not (dates.born and dates.decision and calendar_months(dates.born, dates.decision) < MIN_AGE_MONTHS):
        return []
    return [
        _problem(
            "membership.too_young",
            "decision_date",
            "Ngày quyết định kết nạp không hợp lý so với ngày sinh: người vào Đảng phải đủ 18 tuổi khi chi bộ xét "
            "kết nạp.",
            charter("Điều 1, khoản 2"),
        )
    ]
