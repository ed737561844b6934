"""Form pieces every screen uses: dates typed dd/mm/yyyy (ketnap/formats/vi), organisation and unit choices, the
searchable member lists (choosing introducers, helpers, mentors)."""

from django import forms
from django.forms.models import ModelChoiceIterator
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from ketnap import vietnamese
from ketnap.registry.models import Organization, WorkUnit
from ketnap.rules.dates import DAY_FORMAT


class DayInput(forms.DateInput):
    input_type = "text"

    def __init__(self, **kwargs):
        super().__init__(
            format=DAY_FORMAT,
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


# --- member lists: one row per member, a filter box above (static/ketnap/picker.js), every row there without JS ------


def member_label(person) -> str:
    """ "Họ và tên — khoa/phòng — chi bộ (năm sinh)": namesakes are told apart by where they work and meet. Reads
    person.work_unit and person.organization: select_related them."""
    parts = [person.full_name, person.work_unit.name]
    if person.organization_id:
        parts.append(person.organization.name)
    label = f"{' — '.join(parts)} ({person.birth_date:%Y})"
    if getattr(person, "probationary", False):  # annotated where probationary members are listed too
        label += " · " + str(_("đảng viên dự bị"))
    return label


def member_order(person) -> tuple:
    """Vietnamese alphabetical order of the full name as written (family, middle, given name)."""
    return vietnamese.sort_key(person.family_name, person.middle_name, person.given_name), person.pk


class MemberChoiceIterator(ModelChoiceIterator):
    """The members in full-name order, those of the field's own organisation (the candidate's chi bộ) first, as a
    group, then the others under the field's others_label. One query (or none, with a shared evaluated list)."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        people = sorted(self.field.people if self.field.people is not None else self.queryset, key=member_order)
        own = self.field.own_organization
        if own is None:
            yield from (self.choice(p) for p in people)
            return
        yield from self._grouped(people, own)

    def _grouped(self, people: list, own):
        """The members of `own` as one group, the others as another; an empty group is left out."""
        mine = [self.choice(p) for p in people if p.organization_id == own.pk]
        others = [self.choice(p) for p in people if p.organization_id != own.pk]
        if mine:
            yield (own.name, mine)
        if others:
            yield (self.field.others_label, others)


class PickerWidget:
    """A list of radio buttons or checkboxes with a filter box (web/_member_picker.html): each row carries its
    label folded (vietnamese.fold) in data-fold, so the script compares what is typed without diacritics."""

    template_name = "web/_member_picker.html"
    label = ""  # the field's label, naming the group for screen readers

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex=subindex, attrs=attrs)
        option["fold"] = vietnamese.fold(str(label)) if value != "" else ""
        return option

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["label"] = self.label
        return context

    def _render(self, template_name, context, renderer=None):
        # the product's templates (src/ketnap/templates), which the forms renderer's own engine does not search
        return mark_safe(render_to_string(template_name, context))


class MemberPicker(PickerWidget, forms.RadioSelect):
    pass


class MembersPicker(PickerWidget, forms.CheckboxSelectMultiple):
    pass


class MemberField:
    """What the member choice fields share: the picker widget labelled like the field, the iterator's order.

    own_organization: listed first (usually the candidate's chi bộ); others_label: the heading of everyone else;
    people: an optional list or queryset shared by several fields (read once), else the field's queryset is read.
    Validation always asks the field's queryset: only a member of the allowed set is accepted."""

    iterator = MemberChoiceIterator

    def __init__(self, *args, own_organization=None, others_label="", people=None, **kwargs):
        self.own_organization, self.others_label, self.people = own_organization, others_label, people
        super().__init__(*args, **kwargs)
        self.widget.label = self.label

    def label_from_instance(self, obj) -> str:
        return member_label(obj)


class MemberChoice(MemberField, forms.ModelChoiceField):
    """One member (radio buttons). Pass blank=True with an empty_label to offer "nobody"."""

    widget = MemberPicker


class MembersChoice(MemberField, forms.ModelMultipleChoiceField):
    """Several members (checkboxes)."""

    widget = MembersPicker
