"""Regression: Django's own vi locale has no DATE_INPUT_FORMATS, so 12/03/1995 parsed as 3 December."""

import datetime as dt

from django import forms
from django.utils import translation
from django.utils.formats import date_format


class DayForm(forms.Form):
    day = forms.DateField()


def test_vietnamese_dates_are_day_first():
    with translation.override("vi"):
        form = DayForm({"day": "12/03/1995"})
        assert form.is_valid()
        assert form.cleaned_data["day"] == dt.date(1995, 3, 12)
        assert DayForm({"day": "25/03/1995"}).is_valid()
        assert not DayForm({"day": "03/25/1995"}).is_valid()
        assert date_format(dt.date(2025, 7, 1), "SHORT_DATE_FORMAT") == "01/07/2025"


def test_english_ui_keeps_day_first_dates():
    with translation.override("en"):
        form = DayForm({"day": "12/03/1995"})
        assert form.is_valid() and form.cleaned_data["day"] == dt.date(1995, 3, 12)


def test_the_ddmmyyyy_filter_writes_what_the_date_filter_wrote():
    """The templates' |ddmmyyyy (rules.dates through web/templatetags/ketnap_dates) replaced |date:"d/m/Y"."""
    from django.template import engines

    engine = engines["django"]
    ours = engine.from_string('{% load ketnap_dates %}{{ v|ddmmyyyy|default:"—" }}')
    django_s = engine.from_string('{{ v|date:"d/m/Y"|default:"—" }}')
    late_evening_utc = dt.datetime(2024, 3, 5, 20, 30, tzinfo=dt.UTC)  # 6 March in Hà Nội
    for value in (dt.date(2024, 3, 5), dt.date(999, 1, 2), late_evening_utc, None, "", "2024-03-05"):
        assert ours.render({"v": value}) == django_s.render({"v": value}), value
    assert ours.render({"v": late_evening_utc}) == "06/03/2024"


def test_the_moment_filter_writes_the_local_day_then_the_time():
    """|ddmmyyyy_hhmm replaced |date:"d/m/Y H:i" and |date:"H:i d/m/Y" (two orders for one thing): the day first."""
    from django.template import engines

    engine = engines["django"]
    ours = engine.from_string('{% load ketnap_dates %}{{ v|ddmmyyyy_hhmm|default:"—" }}')
    django_s = engine.from_string('{{ v|date:"d/m/Y H:i"|default:"—" }}')
    late_evening_utc = dt.datetime(2024, 3, 5, 20, 30, tzinfo=dt.UTC)
    assert ours.render({"v": late_evening_utc}) == "06/03/2024 03:30"  # Hà Nội is seven hours ahead
    for value in (late_evening_utc, dt.datetime(999, 1, 2, 8, 5, tzinfo=dt.UTC), None, ""):
        assert ours.render({"v": value}) == django_s.render({"v": value}), value
    assert ours.render({"v": dt.date(2024, 3, 5)}) == "—"  # a day has no time: the day filter writes it
