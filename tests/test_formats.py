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
