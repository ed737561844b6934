"""Form pieces every screen uses: dates typed dd/mm/yyyy (ketnap/formats/vi), organisation and unit choices."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnap.registry.models import Organization, WorkUnit


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format="%d/%m/%Y",
            attrs={
                "placeholder": "dd/mm/yyyy",
                "inputmode": "numeric",
                "autocomplete": "off",
                "class": "date",
            },
            **kwargs,
        )


DATE_ERROR = _("Ngày không hợp lệ: nhập theo dạng dd/mm/yyyy, ví dụ 05/03/2024.")


def day_field(label, required=True, **kwargs) -> forms.DateField:
    return forms.DateField(
        label=label, required=required, widget=DayInput(), error_messages={"invalid": DATE_ERROR}, **kwargs
    )


class OrgChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Organization) -> str:
        return f"{'— ' * obj.depth}{obj.name}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: WorkUnit) -> str:
        return f"{obj.parent.name} › {obj.name}" if obj.parent_id else obj.name
