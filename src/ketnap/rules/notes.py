"""When a helper's next note on the person they help is due (shared/domain/rules.md §3, anchors need 10).

Pure Python (no Django). The duty is the law's: the chi bộ assigns official members to help each sympathiser
(procedure.helpers_source) and, during the 12 months of probation, one official member to help the probationary
member (Điều lệ Điều 5 khoản 1), who writes the assessment 11-KNĐ when they end (rules.md §3). How often a helper
reports in between is the chi bộ's own plan, not a legal figure: it sets the interval (ketnap.pipeline.models.NotePlan;
every 3 months, a quarter, unless it says otherwise), and the deadline says so.
"""

import datetime as dt

from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.deadlines import Deadline, probation_end
from ketnap.rules.eligibility import add_months
from ketnap.rules.procedure import helpers_source
from ketnap.rules.sources import charter
from ketnap.rules.verdict import Source

EVERY_MONTHS = 3  # no plan recorded: a note each quarter
MONTHS_RANGE = (1, 12)  # a plan of more than a year would leave a probation without a single note
MENTOR_REVIEW_SOURCE = Source("HD 12-HD/BTCTW (2022)", "hồ sơ xét công nhận đảng viên chính thức (11-KNĐ)")


def next_note(
    since: dt.date,
    last_note: dt.date | None,
    every_months: int = EVERY_MONTHS,
    *,
    ceremony: dt.date | None = None,
    review_received: bool = False,
) -> Deadline | None:
    """The next note due from one helper, assigned on `since`, whose last note was on `last_note` (None: none yet).

    A note is due `every_months` after the later of the two. During probation (`ceremony`: the day it began) the notes
    run up to the end of the 12 months; what is due after the last of them is the mentor's written assessment 11-KNĐ, on
    the day the probation ends, and nothing once the chi bộ has it (`review_received`).
    """
    low, high = MONTHS_RANGE
    if not low <= every_months <= high:
        raise ValueError(f"every_months must be {low}–{high}, not {every_months}")
    base = max(since, last_note) if last_note else since
    due = add_months(base, every_months)
    plan = f"chi bộ phân công nhận xét {every_months} tháng một lần"
    after = (
        f"lần trước ngày {ddmmyyyy(last_note)}"
        if last_note
        else f"được phân công từ ngày {ddmmyyyy(since)}, chưa có nhận xét"
    )
    if ceremony is None:
        return Deadline(due, f"Nhận xét quần chúng được giúp đỡ: {plan} ({after})", helpers_source(since))
    end = probation_end(ceremony).due
    if due > end:
        if review_received:
            return None
        return Deadline(
            end,
            f"Bản nhận xét đảng viên dự bị (11-KNĐ) của đảng viên giúp đỡ, khi hết 12 tháng dự bị ({ddmmyyyy(end)})",
            MENTOR_REVIEW_SOURCE,
        )
    return Deadline(due, f"Nhận xét đảng viên dự bị được giúp đỡ: {plan} ({after})", charter("Điều 5, khoản 1"))
