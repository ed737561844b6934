"""ketnap.rules.notes: a helper's next note — the chi bộ's interval, the 11-KNĐ at the end of probation.

The duty to help is the law's (the chi bộ's resolution assigning official members to help each sympathiser,
HD 09-HD/BTCTW §I.1.1 / 12-HD/BTCTW 2022; during probation, Điều lệ Điều 5 khoản 1; the mentor's assessment 11-KNĐ in
the recognition dossier, HD 12-HD/BTCTW 2022). The interval is the chi bộ's own plan, never a legal figure."""

import datetime as dt

import pytest

from ketnap.rules import notes
from ketnap.rules.verdict import Confidence

D = dt.date


def test_a_sympathisers_helper_reports_each_interval_after_the_last_note_citing_the_assignment():
    first = notes.next_note(D(2024, 1, 10), None)  # assigned 10/01/2024, nothing written yet
    assert first.due == D(2024, 4, 10)  # the default plan: a quarter
    assert "3 tháng một lần" in first.rule and "chưa có nhận xét" in first.rule
    assert (first.source.document, first.source.confidence) == ("HD 12-HD/BTCTW (2022)", Confidence.UNCONFIRMED)
    after = notes.next_note(D(2024, 1, 10), D(2024, 3, 15), 2)  # a plan of two months
    assert after.due == D(2024, 5, 15) and "lần trước ngày 15/03/2024" in after.rule
    # a note older than the assignment (written as someone's earlier helper) does not move the clock back
    assert notes.next_note(D(2024, 1, 10), D(2023, 6, 1)).due == D(2024, 4, 10)
    # the operational guide in force on the day of the assignment (09-HD/BTCTW before 18/01/2022)
    assert notes.next_note(D(2020, 5, 4), None).source.document == "HD 09-HD/BTCTW (2017)"


def test_month_ends_clamp_like_every_period_in_months():
    assert notes.next_note(D(2023, 11, 30), None).due == D(2024, 2, 29)  # leap year
    assert notes.next_note(D(2024, 11, 30), None).due == D(2025, 2, 28)


def test_during_probation_notes_run_to_its_end_then_the_11_knd_is_due_then_nothing():
    ceremony = D(2023, 8, 10)  # probation ends 10/08/2024 (Điều lệ Điều 5 khoản 1)
    mid = notes.next_note(ceremony, D(2024, 2, 1), 3, ceremony=ceremony)
    assert mid.due == D(2024, 5, 1) and mid.source.document == "Điều lệ Đảng (2011)"
    assert mid.source.clause == "Điều 5, khoản 1"
    late = notes.next_note(ceremony, D(2024, 6, 20), 3, ceremony=ceremony)  # 20/09 would fall after the end
    assert late.due == D(2024, 8, 10) and "11-KNĐ" in late.rule and "11-KNĐ" in late.source.clause
    assert notes.next_note(ceremony, D(2024, 6, 20), 3, ceremony=ceremony, review_received=True) is None


@pytest.mark.parametrize("months", [0, 13, -1])
def test_a_plan_outside_one_to_twelve_months_is_refused(months):
    with pytest.raises(ValueError):
        notes.next_note(D(2024, 1, 1), None, months)
