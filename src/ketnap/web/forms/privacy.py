"""The Nhật ký truy cập page's filters (a GET form, like the Nhật ký page's)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnap.privacy.models import ReadKind
from ketnap.web.forms.audit import ActorChoiceField
from ketnap.web.forms.common import day_field


class ReadLogFilterForm(forms.Form):
    """nhan-su: one person (the person page's link); nguoi-dung: who read; tu-ngay / den-ngay: dd/mm/yyyy, both
    included; loai: the kind of read."""

    def __init__(self, data, *, users, people):
        super().__init__(data)
        self.fields["nhan-su"] = forms.ModelChoiceField(queryset=people, required=False, widget=forms.HiddenInput)
        self.fields["nguoi-dung"] = ActorChoiceField(
            queryset=users, required=False, label=_("Người xem"), empty_label=_("Mọi người")
        )
        self.fields["tu-ngay"] = day_field(_("Từ ngày"), required=False)
        self.fields["den-ngay"] = day_field(_("Đến ngày"), required=False)
        self.fields["loai"] = forms.ChoiceField(
            label=_("Loại"), required=False, choices=[("", _("Mọi loại")), *ReadKind.choices]
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("tu-ngay"), data.get("den-ngay")
        if since and until and until < since:
            self.add_error("den-ngay", _("Ngày cuối trước ngày đầu."))
        return data
