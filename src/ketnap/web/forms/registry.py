"""Registry forms: people, memberships, organisations and their restructurings, work units."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ketnap.registry.enums import MembershipEventKind, MembershipStatus, OrgKind, UnitKind
from ketnap.registry.models import Organization, PartyMembership, Person, WorkUnit
from ketnap.web.forms.common import DATE_ERROR, DayInput, OrgChoiceField, UnitChoiceField, day_field

DATE_FIELDS = ("birth_date", "youth_union_joined_on", "joined_unit_on", "left_on")


class PersonForm(forms.ModelForm):
    class Meta:
        model = Person
        fields = [
            "family_name",
            "middle_name",
            "given_name",
            "gender",
            "birth_date",
            "citizen_id",
            "staff_code",
            "ethnicity",
            "religion",
            "phone",
            "email",
            "general_education",
            "professional_level",
            "profession",
            "academic_title",
            "political_theory",
            "employment_type",
            "job_title",
            "work_unit",
            "joined_unit_on",
            "left_on",
            "youth_union_member",
            "youth_union_joined_on",
            "trade_union_member",
            "in_cadre_planning",
            "elder_role",
        ]
        field_classes = {"work_unit": UnitChoiceField}
        widgets = {name: DayInput() for name in DATE_FIELDS}

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["work_unit"]  # moving between units has its own dated form
        else:
            self.fields["work_unit"].queryset = units.select_related("parent").order_by("parent__name", "name")
        # typed as printed on the card ("022 190 001 234"): up to 15 characters, the spaces taken out in clean_
        self.fields["citizen_id"].widget.attrs.update({"inputmode": "numeric", "maxlength": "15"})
        self.fields["citizen_id"].max_length = 15
        self.fields["citizen_id"].validators = []  # checked on the digits in clean_citizen_id
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.error_messages["invalid"] = DATE_ERROR

    def clean_citizen_id(self):
        raw = "".join((self.data.get(self.add_prefix("citizen_id")) or "").split()).replace(".", "")
        if not raw:
            return None
        if not raw.isdigit() or len(raw) != 12:
            raise forms.ValidationError(_("Số CCCD phải gồm đúng 12 chữ số. Dấu cách được bỏ qua."))
        other = Person.objects.filter(citizen_id=raw).exclude(pk=self.instance.pk).first()
        if other is not None:
            # the register's scope decides who may open that person; their name is enough to avoid a duplicate
            raise forms.ValidationError(
                _("Số CCCD %(cid)s đã thuộc %(name)s (sinh năm %(year)s).")
                % {"cid": raw, "name": other.full_name, "year": other.birth_date.year if other.birth_date else "?"}
            )
        return raw

    def clean(self):
        data = super().clean()
        if data.get("youth_union_joined_on") and not data.get("youth_union_member"):
            self.add_error("youth_union_member", "Đã có ngày vào Đoàn thì phải là đoàn viên.")
        born = data.get("birth_date")
        for name in ("joined_unit_on", "youth_union_joined_on"):
            if born and data.get(name) and data[name] <= born:
                self.add_error(name, "Ngày này phải sau ngày sinh.")
        return data


class ArchiveForm(forms.Form):
    reason = forms.CharField(label=_("Lý do lưu trữ"), max_length=255)


class MoveUnitForm(forms.Form):
    unit = UnitChoiceField(label=_("Chuyển đến khoa / phòng"), queryset=WorkUnit.objects.none())
    on = day_field(_("Từ ngày"))
    job_title = forms.CharField(label=_("Chức vụ / chức danh mới"), required=False, max_length=120)

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("parent").order_by("parent__name", "name")


class MembershipForm(forms.ModelForm):
    ARRIVALS = [
        (MembershipEventKind.REGISTERED.value, _("Đảng viên đã sinh hoạt tại đây (nhập vào sổ theo dõi)")),
        (MembershipEventKind.TRANSFERRED_IN.value, _("Chuyển sinh hoạt đảng đến")),
    ]
    arrival = forms.ChoiceField(label=_("Trường hợp"), choices=ARRIVALS)
    arrived_on = day_field(_("Ngày chuyển đến"), required=False)
    external_party = forms.CharField(label=_("Chuyển từ (đảng bộ, chi bộ nơi đi)"), required=False, max_length=255)
    organization = OrgChoiceField(label=_("Chi bộ sinh hoạt"), queryset=Organization.objects.none())

    class Meta:
        model = PartyMembership
        fields = [
            "organization",
            "status",
            "decision_date",
            "decision_number",
            "ceremony_date",
            "official_date",
            "card_number",
            "is_readmission",
        ]
        widgets = {name: DayInput() for name in ("decision_date", "ceremony_date", "official_date")}

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations.filter(
            kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True
        )
        self.fields["status"].choices = [
            (s.value, s.label) for s in (MembershipStatus.OFFICIAL, MembershipStatus.PROBATIONARY)
        ]
        self.fields["decision_date"].required = True
        self.order_fields(["arrival", "arrived_on", "external_party"])

    def clean(self):
        data = super().clean()
        if data.get("status") == MembershipStatus.PROBATIONARY and not data.get("ceremony_date"):
            self.add_error("ceremony_date", "Đảng viên dự bị cần ngày lễ kết nạp (12 tháng dự bị tính từ ngày này).")
        if data.get("arrival") == MembershipEventKind.TRANSFERRED_IN:
            if not data.get("arrived_on"):
                self.add_error("arrived_on", "Nhập ngày chuyển sinh hoạt đến.")
            if not data.get("external_party"):
                self.add_error("external_party", "Nhập nơi chuyển đi.")
        return data


MEMBERSHIP_CHANGES = [
    (MembershipEventKind.RECOGNISED.value, MembershipEventKind.RECOGNISED.label),
    (MembershipEventKind.MOVED.value, MembershipEventKind.MOVED.label),
    (MembershipEventKind.TRANSFERRED_OUT.value, MembershipEventKind.TRANSFERRED_OUT.label),
    (MembershipEventKind.REMOVED.value, MembershipEventKind.REMOVED.label),
    (MembershipEventKind.EXPELLED.value, MembershipEventKind.EXPELLED.label),
    (MembershipEventKind.LEFT.value, MembershipEventKind.LEFT.label),
    (MembershipEventKind.DIED.value, MembershipEventKind.DIED.label),
]


class MembershipChangeForm(forms.Form):
    kind = forms.ChoiceField(label=_("Biến động"), choices=MEMBERSHIP_CHANGES)
    on = day_field(_("Ngày"))
    to_organization = OrgChoiceField(
        label=_("Chuyển đến chi bộ (trong đảng bộ)"), required=False, queryset=Organization.objects.none()
    )
    official_date = day_field(_("Ngày chính thức (khi công nhận)"), required=False)
    external_party = forms.CharField(label=_("Nơi chuyển đến"), required=False, max_length=255)
    note = forms.CharField(label=_("Căn cứ / ghi chú"), required=False, max_length=500)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_organization"].queryset = organizations.filter(
            kind__in=OrgKind.cell_kinds(), dissolved_on__isnull=True
        )

    def clean(self):
        data = super().clean()
        kind = data.get("kind")
        if kind == MembershipEventKind.MOVED and not data.get("to_organization"):
            self.add_error("to_organization", "Chọn chi bộ chuyển đến.")
        if kind == MembershipEventKind.RECOGNISED and not data.get("official_date"):
            self.add_error("official_date", "Nhập ngày chính thức.")
        if kind == MembershipEventKind.TRANSFERRED_OUT and not data.get("external_party"):
            self.add_error("external_party", "Nhập nơi chuyển sinh hoạt đến.")
        return data


# --- organisation tree ----------------------------------------------------------------------------
class DatedForm(forms.Form):
    on = day_field(_("Ngày có hiệu lực"))
    reason = forms.CharField(label=_("Căn cứ (số quyết định, ngày) / lý do"), max_length=500, required=False)


class RenameForm(DatedForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    field_order = ["name", "on", "reason"]


class MoveForm(DatedForm):
    parent = OrgChoiceField(label=_("Trực thuộc (mới)"), queryset=Organization.objects.none())
    field_order = ["parent", "on", "reason"]

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].queryset = organizations.filter(dissolved_on__isnull=True)


class PowersForm(DatedForm):
    authorised_to_admit = forms.BooleanField(label=_("Được ủy quyền kết nạp đảng viên"), required=False)
    above_base_powers = forms.BooleanField(label=_("Được giao quyền cấp trên cơ sở"), required=False)
    competent_org = OrgChoiceField(
        label=_("Cấp ủy có thẩm quyền quyết định kết nạp (để trống: xác định theo cây tổ chức)"),
        required=False,
        queryset=Organization.objects.none(),
    )
    field_order = ["authorised_to_admit", "above_base_powers", "competent_org", "on", "reason"]

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competent_org"].queryset = organizations.filter(dissolved_on__isnull=True)


class ChildForm(DatedForm):
    code = forms.SlugField(label=_("Mã"), max_length=32, allow_unicode=False)
    name = forms.CharField(label=_("Tên"), max_length=255)
    kind = forms.ChoiceField(label=_("Loại"), choices=OrgKind.choices)
    field_order = ["code", "name", "kind", "on", "reason"]


class MergeForm(DatedForm):
    into = OrgChoiceField(label=_("Hợp nhất vào"), queryset=Organization.objects.none())
    field_order = ["into", "on", "reason"]

    def __init__(self, *args, candidates=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["into"].queryset = candidates


class AssignUnitForm(DatedForm):
    unit = UnitChoiceField(label=_("Khoa / phòng"), queryset=WorkUnit.objects.none())
    field_order = ["unit", "on", "reason"]

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.select_related("parent").order_by("parent__name", "name")


class SplitForm(DatedForm):
    """One choice per unit the organisation covers: which new chi bộ takes it over."""

    def __init__(self, *args, units=(), targets=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit_fields = []
        for unit in units:
            name = f"unit_{unit.pk}"
            self.fields[name] = OrgChoiceField(label=unit.name, queryset=targets)
            self.unit_fields.append((name, unit))


class UnitRenameForm(DatedForm):
    name = forms.CharField(label=_("Tên mới"), max_length=255)
    field_order = ["name", "on", "reason"]


class UnitFactsForm(forms.ModelForm):
    class Meta:
        model = WorkUnit
        fields = ["has_youth_union", "has_trade_union", "area_kind"]
        help_texts = {
            "has_youth_union": _(
                "Nơi có tổ chức Đoàn, người trong độ tuổi thanh niên phải là đoàn viên, do BCH Đoàn cơ sở và một "
                "đảng viên chính thức giới thiệu (Điều lệ Đảng Điều 4 khoản 1)."
            ),
            "area_kind": _(
                "Miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, vùng đặc biệt khó khăn: chỉ cần hoàn "
                "thành tiểu học (HD 01-HD/TW 2021 điểm 1.2). Khoa/phòng theo địa bàn của đơn vị."
            ),
        }


class DepartmentForm(forms.Form):
    code = forms.SlugField(label=_("Mã"), max_length=32)
    name = forms.CharField(label=_("Tên khoa / phòng"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Loại"), choices=[(k.value, k.label) for k in (UnitKind.DEPARTMENT, UnitKind.STATION)]
    )
    on = day_field(_("Ngày thành lập"))
    covered_by = OrgChoiceField(label=_("Chi bộ phụ trách"), queryset=Organization.objects.none(), required=False)

    def __init__(self, *args, organizations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["covered_by"].queryset = organizations.filter(dissolved_on__isnull=True)


class NationalDbEntryForm(forms.Form):
    national_db_entered_on = day_field(_("Ngày nhập vào CSDL đảng viên"), required=False)

    def clean(self):
        data = super().clean()
        if "clear" not in self.data and not data.get("national_db_entered_on") and not self.errors:
            self.add_error("national_db_entered_on", _("Hãy nhập ngày (dd/mm/yyyy)."))
        return data
