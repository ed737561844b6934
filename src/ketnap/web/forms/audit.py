"""The Nhật ký page's filters (a GET form: the address keeps them, for the pager and the downloads)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnap.accounts.models import display_name
from ketnap.audit.models import AuditEntry
from ketnap.web.auditlog import ACTIONS
from ketnap.web.forms.common import day_field


class ActorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        name = display_name(obj)
        return name if name == obj.get_username() else f"{name} ({obj.get_username()})"


class AuditFilterForm(forms.Form):
    """q: a person's name (with or without diacritics); nhan-su: one person (the person page's link); nguoi-dung: who
    did it; tu-ngay / den-ngay: dd/mm/yyyy, both included; doi-tuong: the kind of object; thao-tac: the action."""

    def __init__(self, data, *, users, people, kinds: list[tuple[str, str]]):
        super().__init__(data)
        self.fields["q"] = forms.CharField(
            label=_("Nhân sự"),
            required=False,
            max_length=100,
            widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Tên (gõ có dấu hoặc không dấu)")}),
        )
        self.fields["nhan-su"] = forms.ModelChoiceField(queryset=people, required=False, widget=forms.HiddenInput)
        self.fields["nguoi-dung"] = ActorChoiceField(
            queryset=users, required=False, label=_("Người thực hiện"), empty_label=_("Mọi người")
        )
        self.fields["tu-ngay"] = day_field(_("Từ ngày"), required=False)
        self.fields["den-ngay"] = day_field(_("Đến ngày"), required=False)
        self.fields["doi-tuong"] = forms.ChoiceField(
            label=_("Đối tượng"), required=False, choices=[("", _("Mọi đối tượng")), *kinds]
        )
        self.fields["thao-tac"] = forms.ChoiceField(
            label=_("Thao tác"),
            required=False,
            choices=[("", _("Mọi thao tác")), *((a.value, ACTIONS[a]) for a in AuditEntry.Action)],
        )

    def clean(self):
        data = super().clean()
        since, until = data.get("tu-ngay"), data.get("den-ngay")
        if since and until and until < since:
            self.add_error("den-ngay", _("Ngày cuối trước ngày đầu."))
        return data
