"""Deadlines of admission and official recognition, in working days or months (shared/domain/rules.md §2.2–2.3, §4).

Every deadline says which rule produced it and cites its source; the Quy định thi hành Điều lệ is the one in force
on the date of the triggering event (ketnap.rules.sources.regulation). Working days are those of
ketnap.rules.workdays: a period starts the day after the event (the event's day is not counted).

29 February (rules.md §2.2 marks "same calendar day 12 months later" as common practice, [U]): a probation that
starts on 29/02 ends on 28/02 of the next year, because the 12 months are complete at the end of February and
there is no 29/02 then. Any other day keeps its day number (31/01/2025 → 31/01/2026).
"""

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Literal

from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.eligibility import add_months
from ketnap.rules.sources import charter, regulation
from ketnap.rules.verdict import Confidence, Source
from ketnap.rules.workdays import Calendar, add_working_days, is_working_day, working_days_between

DecisionKind = Literal["admission", "recognition"]

DECISION_WORKING_DAYS: dict[str, int] = {"admission": 60, "recognition": 30}  # QĐ §4.3.1
DECISION_EXTENSION_WORKING_DAYS = 30  # "trường hợp đặc biệt ... kéo dài thêm không quá 30 ngày làm việc"
CEREMONY_WORKING_DAYS = 30  # QĐ §4.1
PROBATION_MONTHS = 12  # Điều lệ Điều 5 khoản 1
RECOGNITION_REVIEW_WORKING_DAYS = 30  # QĐ §4.2.1
SOON_WORKING_DAYS = 5  # urgency(): "soon" when this many working days or fewer remain

# How sure rules.md is that QĐ 294-QĐ/TW keeps each clause's wording (24/232 are read in the text).
_CONFIDENCE_IN_294 = {
    "điểm 4.1": Confidence.SECONDARY,  # quiz Q13
    "điểm 4.2.1": Confidence.SECONDARY,  # quiz Q19
    "điểm 4.3.1": Confidence.UNCONFIRMED,  # presumed unchanged
}


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    rule: str  # Vietnamese, for the user
    source: Source
    working_days: int | None = None  # the length of the period in working days (None for a period in months)
    extended_due: dt.date | None = None  # the latest date an extension allows, where the rule provides one


class Urgency(StrEnum):
    OVERDUE = "overdue"  # red
    SOON = "soon"  # amber
    OK = "ok"  # green


def _regulation(day: dt.date, clause: str) -> Source:
    source = regulation(day, clause)
    if source.document == "QĐ 294-QĐ/TW" and clause in _CONFIDENCE_IN_294:
        source = replace(source, confidence=_CONFIDENCE_IN_294[clause])
    return source


def decision_due(
    resolution_date: dt.date, kind: DecisionKind, calendar: Calendar | None = None, extended: bool = False
) -> Deadline:
    """When the competent committee must decide, counted from the chi bộ resolution (QĐ §4.3.1, rules.md §2.2.11).

    kind "admission": 60 working days (decision 9-KNĐ); "recognition": 30 working days (decision 16-KNĐ).
    `extended_due` is always the outer limit of the extension the rule allows in special cases (30 more working
    days). `extended=True` records that the extension was granted: `due` is then that outer limit.
    """
    try:
        days = DECISION_WORKING_DAYS[kind]
    except KeyError:
        raise ValueError(f"kind must be 'admission' or 'recognition', not {kind!r}") from None
    due = add_working_days(resolution_date, days, calendar)
    extended_due = add_working_days(due, DECISION_EXTENSION_WORKING_DAYS, calendar)
    what = "quyết định kết nạp" if kind == "admission" else "quyết định công nhận đảng viên chính thức"
    proposal = "đề nghị kết nạp" if kind == "admission" else "đề nghị công nhận đảng viên chính thức"
    rule = f"Cấp ủy có thẩm quyền {what} trong {days} ngày làm việc kể từ ngày chi bộ có nghị quyết {proposal}"
    if extended:
        total = days + DECISION_EXTENSION_WORKING_DAYS
        rule += f"; trường hợp đặc biệt đã kéo dài thêm {DECISION_EXTENSION_WORKING_DAYS} ngày làm việc"
        return Deadline(extended_due, rule, _regulation(resolution_date, "điểm 4.3.1"), total, extended_due)
    rule += f" (trường hợp đặc biệt được kéo dài thêm không quá {DECISION_EXTENSION_WORKING_DAYS} ngày làm việc)"
    return Deadline(due, rule, _regulation(resolution_date, "điểm 4.3.1"), days, extended_due)


def ceremony_due(decision_received: dt.date, calendar: Calendar | None = None) -> Deadline:
    """The admission ceremony: within 30 working days of the chi bộ receiving the decision (QĐ §4.1).

    Later than that it needs the consent of the committee directly above (rules.md §2.2.12, §2.6).
    """
    due = add_working_days(decision_received, CEREMONY_WORKING_DAYS, calendar)
    rule = (
        f"Chi bộ tổ chức lễ kết nạp trong {CEREMONY_WORKING_DAYS} ngày làm việc kể từ ngày nhận được quyết định "
        "kết nạp; quá thời hạn phải báo cáo và được cấp ủy cấp trên trực tiếp đồng ý"
    )
    return Deadline(due, rule, _regulation(decision_received, "điểm 4.1"), CEREMONY_WORKING_DAYS)


def probation_end(ceremony: dt.date) -> Deadline:
    """The end of the 12 months of probation, counted from the ceremony date (Điều lệ Điều 5 khoản 1).

    Same day number 12 months later; a ceremony on 29/02 ends on 28/02 (see the module docstring, [U]).
    """
    due = add_months(ceremony, PROBATION_MONTHS)
    rule = f"Thời kỳ dự bị {PROBATION_MONTHS} tháng, tính từ ngày chi bộ tổ chức lễ kết nạp ({ddmmyyyy(ceremony)})"
    if due.day != ceremony.day:
        rule += f"; không có ngày {ceremony.day:02d}/{due.month:02d}/{due.year} nên tính đến ngày cuối tháng"
    return Deadline(due, rule, charter("Điều 5, khoản 1"))


def official_date(ceremony: dt.date) -> dt.date:
    """The date the member becomes official: the end of the 12 months, even if the chi bộ or the committee acted
    late (QĐ 24-QĐ/TW §4.2.2, rules.md §2.2)."""
    return probation_end(ceremony).due


def recognition_review_due(ceremony: dt.date, calendar: Calendar | None = None) -> Deadline:
    """The chi bộ reviews and proposes recognition (or removal) within 30 working days after the probation ends
    (QĐ §4.2.1, rules.md §2.3). Its resolution must be dated after the end of the probation."""
    end = probation_end(ceremony).due
    due = add_working_days(end, RECOGNITION_REVIEW_WORKING_DAYS, calendar)
    rule = (
        f"Chi bộ xét, đề nghị công nhận đảng viên chính thức trong {RECOGNITION_REVIEW_WORKING_DAYS} ngày làm việc kể "
        f"từ khi hết {PROBATION_MONTHS} tháng dự bị ({ddmmyyyy(end)}); nếu không đủ tư cách thì đề nghị xóa tên"
    )
    return Deadline(due, rule, _regulation(end, "điểm 4.2.1"), RECOGNITION_REVIEW_WORKING_DAYS)


def soon_from(due: dt.date, calendar: Calendar | None = None) -> dt.date:
    """The first day on which urgency(due, day) is "soon": the 6th working day counted back from `due` (`due`
    included when it is one), since from that day on at most 5 working days lie in (day, due]. A deadline kept
    with this date makes "soon" a comparison with today (due_soon_on <= today <= due) instead of a count."""
    day, seen = due, 0
    while True:
        if is_working_day(day, calendar):
            seen += 1
            if seen > SOON_WORKING_DAYS:
                return day
        day -= dt.timedelta(days=1)


def urgency(due: dt.date, today: dt.date, calendar: Calendar | None = None) -> Urgency:
    """Colour of a deadline: "overdue" after `due`, "soon" when 5 working days or fewer remain, else "ok"."""
    if today > due:
        return Urgency.OVERDUE
    if working_days_between(today, due, calendar) <= SOON_WORKING_DAYS:
        return Urgency.SOON
    return Urgency.OK
