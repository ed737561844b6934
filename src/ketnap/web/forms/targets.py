"""Forms of the target pages (chỉ tiêu kết nạp). Dates are typed dd/mm/yyyy; the services validate the rest."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ketnap.stats.models import PeriodKind
from ketnap.web.forms.common import day_field

COUNT_ERRORS = {
    "min_value": _("Số chỉ tiêu phải từ 0 trở lên."),
    "invalid": _("Nhập một số nguyên."),
    "required": _("Nhập số đảng viên kết nạp (chỉ tiêu)."),
}


class TargetForm(forms.Form):
    kind = forms.ChoiceField(label=_("Loại kỳ"), choices=PeriodKind.choices)
    year = forms.IntegerField(
        label=_("Năm"),
        required=False,
        min_value=1930,
        max_value=2100,
        help_text=_("Chỉ tiêu năm: chỉ cần nhập năm (tính từ 01/01 đến 31/12)."),
    )
    starts_on = day_field(_("Từ ngày"), required=False, help_text=_("Nhiệm kỳ: ngày đại hội (hoặc đầu nhiệm kỳ)."))
    ends_on = day_field(_("Đến ngày (tính cả ngày này)"), required=False)
    admissions = forms.IntegerField(
        label=_("Số đảng viên kết nạp (chỉ tiêu)"), min_value=0, error_messages=COUNT_ERRORS
    )
    basis = forms.CharField(
        label=_("Căn cứ"),
        max_length=500,
        required=False,
        help_text=_("Ví dụ: Nghị quyết Đại hội Đảng bộ … nhiệm kỳ 2025–2030; Kế hoạch số … của Đảng ủy."),
    )
    note = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def clean(self):
        data = super().clean()
        if data.get("kind") == PeriodKind.YEAR:
            self._clean_year(data)
        else:
            for name in ("starts_on", "ends_on"):
                if not data.get(name) and name not in self.errors:
                    self.add_error(name, _("Nhập ngày theo dạng dd/mm/yyyy."))
        return data

    def _clean_year(self, data: dict) -> None:
        """A year's target: the year alone gives its dates (01/01 to 31/12); dates typed instead are kept."""
        year = data.get("year")
        if year and not data.get("starts_on") and not data.get("ends_on"):
            data["starts_on"], data["ends_on"] = dt.date(year, 1, 1), dt.date(year, 12, 31)
        if not data.get("starts_on") and not year and "year" not in self.errors:
            self.add_error("year", _("Nhập năm của chỉ tiêu."))


class SplitForm(forms.Form):
    """One number per direct sub-organisation: its part of the parent's target (empty: left as it is)."""

    def __init__(self, *args, children, current: dict[int, int], members: dict[int, int], **kwargs):
        super().__init__(*args, **kwargs)
        self.children = list(children)
        for child in self.children:
            self.fields[f"org_{child.pk}"] = forms.IntegerField(
                label=child.name,
                required=False,
                min_value=0,
                initial=current.get(child.pk),
                error_messages=COUNT_ERRORS,
                help_text=ngettext("%(n)s đảng viên", "%(n)s đảng viên", members.get(child.pk, 0))
                % {"n": members.get(child.pk, 0)},
                widget=forms.NumberInput(attrs={"inputmode": "numeric", "class": "share", "min": 0}),
            )

    def shares(self) -> dict:
        return {child: self.cleaned_data.get(f"org_{child.pk}") for child in self.children}
