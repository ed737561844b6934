"""The one writer of a day for people (ketnap.rules.dates): dd/mm/yyyy with leading zeros."""

import datetime as dt

from ketnap.rules.dates import DAY_FORMAT, ddmmyyyy, ddmmyyyy_hhmm


def test_a_day_is_written_day_month_year_with_leading_zeros():
    assert ddmmyyyy(dt.date(2024, 3, 5)) == "05/03/2024"
    assert ddmmyyyy(dt.date(2025, 12, 31)) == "31/12/2025"
    assert ddmmyyyy(dt.date(999, 1, 2)) == "02/01/0999"  # four digits, as Django's |date:"d/m/Y" wrote it


def test_a_moment_is_written_by_its_day():
    assert ddmmyyyy(dt.datetime(2026, 1, 2, 23, 59)) == "02/01/2026"


def test_the_written_day_reads_back():
    assert dt.datetime.strptime(ddmmyyyy(dt.date(1990, 7, 9)), DAY_FORMAT).date() == dt.date(1990, 7, 9)


def test_a_moment_is_written_day_first_then_the_time():
    assert ddmmyyyy_hhmm(dt.datetime(2024, 3, 5, 7, 4, 9)) == "05/03/2024 07:04"
    assert ddmmyyyy_hhmm(dt.datetime(2024, 3, 5, 7, 4, 9), seconds=True) == "05/03/2024 07:04:09"
