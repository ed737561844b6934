"""ketnap.rules.sources: which text governs a date (shared/domain/rules.md §0), on each side of every boundary."""

import datetime as dt

import pytest

from ketnap.rules.sources import GUIDANCE, REGULATIONS, guidance, guidance_in_force, regulation, regulation_in_force
from ketnap.rules.verdict import Confidence

D = dt.date
ONE = dt.timedelta(days=1)


# rules.md §0: 45-QĐ/TW (1/11/2011) → 29-QĐ/TW (25/7/2016) → 24-QĐ/TW (30/7/2021) → 232-QĐ/TW (20/1/2025, in force on
# signing) → 294-QĐ/TW (26/5/2025, in force 1/7/2025).
@pytest.mark.parametrize(
    ("first_day", "before", "after"),
    [
        (D(2016, 7, 25), "QĐ 45-QĐ/TW", "QĐ 29-QĐ/TW"),
        (D(2021, 7, 30), "QĐ 29-QĐ/TW", "QĐ 24-QĐ/TW"),
        (D(2025, 1, 20), "QĐ 24-QĐ/TW", "QĐ 232-QĐ/TW"),
        (D(2025, 7, 1), "QĐ 232-QĐ/TW", "QĐ 294-QĐ/TW"),
    ],
)
def test_regulation_boundaries(first_day, before, after):
    assert regulation(first_day - ONE, "điểm 1.1.1").document == before
    assert regulation(first_day, "điểm 1.1.1").document == after
    assert regulation_in_force(first_day).effective_from == first_day


def test_qd294_is_not_applied_from_its_signing_date():
    # QĐ 294 was signed on 26/5/2025 but takes effect on 1/7/2025 (rules.md §0 [C]).
    assert regulation(D(2025, 5, 26), "x").document == "QĐ 232-QĐ/TW"
    assert regulation(D(2025, 6, 30), "x").document == "QĐ 232-QĐ/TW"


# Guidance: 01-HD/TW (5/1/2012) → 01-HD/TW (20/9/2016) → 01-HD/TW (28/9/2021) → 06-HD/TW (9/6/2025, [U] from signing)
@pytest.mark.parametrize(
    ("first_day", "before", "after"),
    [
        (D(2016, 9, 20), "HD 01-HD/TW (2012)", "HD 01-HD/TW (2016)"),
        (D(2021, 9, 28), "HD 01-HD/TW (2016)", "HD 01-HD/TW (2021)"),
        (D(2025, 6, 9), "HD 01-HD/TW (2021)", "HD 06-HD/TW"),
    ],
)
def test_guidance_boundaries(first_day, before, after):
    assert guidance(first_day - ONE, "điểm 1.1").document == before
    assert guidance(first_day, "điểm 1.1").document == after


def test_before_25_07_2016_the_2011_texts_govern():
    # The editions table covers the texts implementing the 2011 Charter before QĐ 29 / HD 01 (2016).
    assert regulation(D(2014, 3, 1), "điểm 3.5").document == "QĐ 45-QĐ/TW"
    assert guidance(D(2014, 3, 1), "điểm 1.2").document == "HD 01-HD/TW (2012)"
    # Between QĐ 29 (25/7/2016) and HD 01 (20/9/2016) the 2012 guidance was still the one in force.
    assert guidance(D(2016, 8, 1), "x").document == "HD 01-HD/TW (2012)"
    # Dates before the first edition fall back to it (nothing older is modelled).
    assert regulation(D(2011, 1, 1), "x").document == "QĐ 45-QĐ/TW"


def test_editions_are_ordered_and_say_why_their_date():
    for editions in (REGULATIONS, GUIDANCE):
        dates = [e.effective_from for e in editions]
        assert dates == sorted(dates) and len(set(dates)) == len(dates)
        assert all(e.basis for e in editions)
    assert "[U]" in guidance_in_force(D(2026, 1, 1)).basis  # 06-HD/TW's date of effect is an assumption


def test_default_confidences():
    assert regulation(D(2026, 1, 1), "x").confidence == Confidence.CONFIRMED
    assert guidance(D(2026, 1, 1), "x").confidence == Confidence.SECONDARY
