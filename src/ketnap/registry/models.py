"""The registry: the party organisation tree (effective-dated), work units, all staff, party memberships.

Current state lives on the main rows (fast lists, one query per page); every change also writes a
dated history row, so the tree, names and memberships can be read as they were on any date.
Rows change only through ketnap.registry.services (one entry point per change), which audits them.
"""

import datetime as dt

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ketnap import vietnamese
from ketnap.registry.enums import (
    CodeKind,
    Gender,
    MembershipEventKind,
    MembershipStatus,
    OrgChange,
    OrgKind,
    UnitKind,
)
from ketnap.registry.privacy_notice import default_privacy_notice
from ketnap.registry.search import indexed_text, matching
from ketnap.rules import eligibility
from ketnap.rules.dates import ddmmyyyy


class EffectiveQuerySet(models.QuerySet):
    def on(self, day: dt.date):
        """Rows in force on `day`: valid_from <= day < valid_to (valid_to empty = still in force)."""
        return self.filter(Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day)))


class CodeItem(models.Model):
    """An entry of an official code list (ethnicity, religion, levels …), versioned as data."""

    kind = models.CharField(_("danh mục"), max_length=32, choices=CodeKind.choices)
    code = models.CharField(_("mã"), max_length=64)
    name = models.CharField(_("tên"), max_length=200)
    position = models.PositiveIntegerField(default=0)
    stat_group = models.CharField(max_length=64, blank=True, help_text="Dòng tương ứng trên biểu thống kê")
    list_version = models.CharField(max_length=32)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["kind", "position"]
        constraints = [models.UniqueConstraint(fields=["kind", "code"], name="codeitem_unique_code")]
        verbose_name = _("mục danh mục")
        verbose_name_plural = _("danh mục dùng chung")

    def __str__(self) -> str:
        return self.name


def _code(kind: CodeKind, verbose: str, **extra):
    return models.ForeignKey(
        CodeItem,
        models.PROTECT,
        verbose_name=verbose,
        null=True,
        blank=True,
        limit_choices_to={"kind": kind, "active": True},
        related_name="+",
        **extra,
    )


class Organization(models.Model):
    """A party organisation (tổ chức đảng). Fields here are the current state; OrganizationVersion keeps history."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("trực thuộc")
    )
    authorised_to_admit = models.BooleanField(_("được ủy quyền kết nạp"), default=False)
    above_base_powers = models.BooleanField(_("được giao quyền cấp trên cơ sở"), default=False)
    competent_org = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cấp ủy có thẩm quyền quyết định kết nạp"),
    )
    established_on = models.DateField(_("ngày thành lập"))
    dissolved_on = models.DateField(_("ngày kết thúc hoạt động"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Materialised path of ids ("/1/7/42/") of the current tree: a subtree is one indexed prefix filter.
    path = models.CharField(max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["path"]
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")

    def __str__(self) -> str:
        return self.name

    @property
    def active(self) -> bool:
        return self.dissolved_on is None

    @property
    def is_cell(self) -> bool:
        return self.kind in OrgKind.cell_kinds()

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/")[:-1] if part]

    def base_organization(self) -> "Organization | None":
        """The đảng bộ / chi bộ cơ sở this organisation is (or is inside): where "working together" is judged."""
        if self.kind in OrgKind.base_kinds():
            return self
        chain = Organization.objects.filter(pk__in=self.ancestor_ids(), kind__in=OrgKind.base_kinds())
        return chain.order_by("-depth").first()

    def deciding_organization(self) -> "Organization | None":
        """The committee competent to decide admissions for members of this organisation (rules.md §2.1, §6).

        An explicit setting wins. Otherwise: an authorised đảng ủy cơ sở decides itself; else the nearest
        above-base committee (or a base committee granted above-base powers) above the base organisation.
        """
        if self.competent_org_id:
            return self.competent_org
        chain = list(Organization.objects.filter(pk__in=self.ancestor_ids()).order_by("-depth"))
        for org in [self, *chain]:
            if org.kind in OrgKind.base_kinds():
                return org._deciding_for_base(chain)
        return None

    def _deciding_for_base(self, chain: list["Organization"]) -> "Organization | None":
        """This base organisation itself when authorised (or granted above-base powers); else the nearest
        above-base committee above it in `chain` (nearest first), or the committee set as competent for it."""
        if self.authorised_to_admit or self.above_base_powers:
            return self
        for upper in chain:
            if upper.depth < self.depth and (
                upper.kind in {OrgKind.UPPER, OrgKind.PROVINCE} or upper.above_base_powers
            ):
                return upper.competent_org or upper
        return None


class OrganizationVersion(models.Model):
    """The state of an organisation over [valid_from, valid_to): names, parent and powers as they were."""

    organization = models.ForeignKey(Organization, models.CASCADE, related_name="versions")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    change = models.CharField(max_length=20, choices=OrgChange.choices)
    name = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    authorised_to_admit = models.BooleanField(default=False)
    above_base_powers = models.BooleanField(default=False)
    competent_org = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(_("căn cứ / lý do"), max_length=500, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["organization", "valid_from", "id"]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.name} ({ddmmyyyy(self.valid_from)}–{self.valid_to or ''})"


class OrganizationSuccession(models.Model):
    """A merge or split: which organisations' members and units went on in which, and when."""

    predecessor = models.ForeignKey(Organization, models.PROTECT, related_name="successions")
    successor = models.ForeignKey(Organization, models.PROTECT, related_name="predecessions")
    on = models.DateField()
    change = models.CharField(max_length=20, choices=OrgChange.choices)
    reason = models.CharField(max_length=500, blank=True)

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({ddmmyyyy(self.on)})"


class WorkUnit(models.Model):
    """A public service unit (đơn vị sự nghiệp) or one of its departments (khoa/phòng)."""

    code = models.CharField(_("mã"), max_length=32, unique=True)
    name = models.CharField(_("tên"), max_length=255)
    kind = models.CharField(_("loại"), max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("thuộc")
    )
    established_on = models.DateField(_("ngày thành lập"))
    dissolved_on = models.DateField(_("ngày giải thể"), null=True, blank=True)
    position = models.PositiveIntegerField(default=0)
    # Who may introduce an applicant here (Điều lệ Điều 4 khoản 1): where a base Youth Union / Trade Union exists,
    # its executive introduces with one official member. A department follows its unit (see union_facts()).
    has_youth_union = models.BooleanField(_("có tổ chức Đoàn cơ sở"), default=True)
    has_trade_union = models.BooleanField(_("có tổ chức Công đoàn cơ sở"), default=True)
    # The area exceptions to the education condition (HD 01-HD/TW 2021 điểm 1.2): "" = none of them
    area_kind = models.CharField(
        _("địa bàn (ngoại lệ về trình độ học vấn)"),
        max_length=24,
        blank=True,
        choices=list(eligibility.AREA_KINDS.items()),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")

    def __str__(self) -> str:
        return self.name

    def union_facts(self) -> tuple[bool, bool, str]:
        """(has a base Youth Union, has a base Trade Union, area kind) for people of this unit: a department
        inherits its unit's area and has the unions only if its unit (the employer) has them."""
        parent = self.parent
        youth = self.has_youth_union and (parent.has_youth_union if parent else True)
        trade = self.has_trade_union and (parent.has_trade_union if parent else True)
        return youth, trade, self.area_kind or (parent.area_kind if parent else "")


class WorkUnitVersion(models.Model):
    """Names and parents of a unit over time (hospitals were renamed when the district level ended)."""

    unit = models.ForeignKey(WorkUnit, models.CASCADE, related_name="versions")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    name = models.CharField(max_length=255)
    parent = models.ForeignKey(WorkUnit, models.PROTECT, null=True, blank=True, related_name="+")
    reason = models.CharField(max_length=500, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "valid_from", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({ddmmyyyy(self.valid_from)}–{self.valid_to or ''})"


class UnitCoverage(models.Model):
    """Which party organisation (usually a chi bộ) covers the staff of a work unit, over time."""

    unit = models.ForeignKey(WorkUnit, models.CASCADE, related_name="coverages")
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="coverages")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["unit", "valid_from"]
        indexes = [models.Index(fields=["organization", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.organization} phụ trách {self.unit} từ {ddmmyyyy(self.valid_from)}"


citizen_id_validator = RegexValidator(r"^\d{12}$", _("Số CCCD phải gồm đúng 12 chữ số."))


class PersonQuerySet(models.QuerySet):
    def current(self):
        """Staff not archived and not gone."""
        return self.filter(archived_at__isnull=True, left_on__isnull=True)

    def search(self, text: str):
        """The people `text` finds: every word typed begins a word of the name, CCCD or staff code, tones and case
        aside (ketnap.registry.search, the one search of ketnap)."""
        return matching(self, text)

    def vietnamese_order(self):
        return self.order_by("sort_key", "pk")


class Person(models.Model):
    """A staff member (viên chức, người lao động), party member or not."""

    family_name = models.CharField(_("họ"), max_length=50)
    middle_name = models.CharField(_("tên đệm"), max_length=80, blank=True)
    given_name = models.CharField(_("tên"), max_length=50)
    gender = models.CharField(_("giới tính"), max_length=1, choices=Gender.choices)
    birth_date = models.DateField(_("ngày sinh"))
    ethnicity = _code(CodeKind.ETHNICITY, _("dân tộc"))
    religion = _code(CodeKind.RELIGION, _("tôn giáo"))
    citizen_id = models.CharField(
        _("số CCCD"), max_length=12, unique=True, null=True, blank=True, validators=[citizen_id_validator]
    )
    staff_code = models.CharField(_("mã nhân viên"), max_length=32, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    general_education = _code(CodeKind.GENERAL_EDUCATION, _("giáo dục phổ thông"))
    professional_level = _code(CodeKind.PROFESSIONAL_LEVEL, _("trình độ chuyên môn"))
    profession = _code(CodeKind.PROFESSION, _("ngành / chức danh nghề nghiệp"))
    academic_title = _code(CodeKind.ACADEMIC_TITLE, _("học hàm"))
    political_theory = _code(CodeKind.POLITICAL_THEORY, _("lý luận chính trị"))
    employment_type = _code(CodeKind.EMPLOYMENT_TYPE, _("loại hình lao động"))
    job_title = models.CharField(_("chức vụ / chức danh"), max_length=120, blank=True)
    work_unit = models.ForeignKey(WorkUnit, models.PROTECT, related_name="staff", verbose_name=_("khoa / phòng"))
    joined_unit_on = models.DateField(_("ngày vào đơn vị"), null=True, blank=True)
    left_on = models.DateField(_("ngày thôi việc"), null=True, blank=True)
    youth_union_member = models.BooleanField(_("đoàn viên"), default=False)
    youth_union_joined_on = models.DateField(_("ngày vào Đoàn"), null=True, blank=True)
    trade_union_member = models.BooleanField(_("công đoàn viên"), default=True)
    in_cadre_planning = models.BooleanField(_("trong quy hoạch"), default=False)
    # già làng, trưởng bản, người có uy tín: the education exception of HD 01-HD/TW 2021 điểm 1.2 (in the areas only)
    elder_role = models.CharField(
        _("già làng, trưởng bản, người có uy tín"),
        max_length=24,
        blank=True,
        choices=list(eligibility.ELDER_ROLES.items()),
    )
    # The party organisation responsible for this person: the member's cell, else the cell covering the
    # work unit. Kept by the services; every personal-data scope filter goes through it.
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("tổ chức đảng phụ trách"),
    )
    sort_key = models.CharField(max_length=255, db_index=True, editable=False)
    search_text = models.CharField(max_length=255, editable=False)
    # The login of a staff member who uses ketnap (a secretary, a mentor): their own lists and reminders.
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
        verbose_name=_("tài khoản"),
    )
    archived_at = models.DateTimeField(_("lưu trữ lúc"), null=True, blank=True)
    archived_reason = models.CharField(_("lý do lưu trữ"), max_length=255, blank=True)
    # Set when the retention period ran out (registry.services.retention): the row stays, stripped of who it was,
    # so that past statistics still count it.
    purged_at = models.DateTimeField(_("xóa dữ liệu cá nhân lúc"), null=True, blank=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["sort_key", "pk"]
        verbose_name = _("nhân sự")
        verbose_name_plural = _("nhân sự")
        indexes = [models.Index(fields=["organization", "sort_key"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.family_name, self.middle_name, self.given_name) if part)

    def prepare(self) -> "Person":
        """Normalise the name and compute the sort and search keys (bulk loaders call this themselves)."""
        self.family_name = vietnamese.normalize_name(self.family_name)
        self.middle_name = vietnamese.normalize_name(self.middle_name)
        self.given_name = vietnamese.normalize_name(self.given_name)
        self.citizen_id = self.citizen_id or None
        self.sort_key = vietnamese.sort_key(self.given_name, self.family_name, self.middle_name)
        self.search_text = indexed_text(self.full_name, self.citizen_id or "", self.staff_code)
        return self

    def save(self, *args, **kwargs):
        self.prepare()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {
                *update_fields,
                "sort_key",
                "search_text",
                "family_name",
                "middle_name",
                "given_name",
            }
        super().save(*args, **kwargs)

    def age_on(self, day: dt.date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def membership(self) -> "PartyMembership | None":
        """The current (active) membership, if any."""
        for membership in self.memberships.all():
            if membership.status in MembershipStatus.active():
                return membership
        return None


class Assignment(models.Model):
    """Where a person worked, over time (work unit history)."""

    person = models.ForeignKey(Person, models.CASCADE, related_name="assignments")
    unit = models.ForeignKey(WorkUnit, models.PROTECT, related_name="assignments")
    job_title = models.CharField(max_length=120, blank=True)
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)

    objects = EffectiveQuerySet.as_manager()

    class Meta:
        ordering = ["person", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.person} tại {self.unit} từ {ddmmyyyy(self.valid_from)}"


class PartyMembership(models.Model):
    """One admission to the Party and what followed (a re-admission is a new membership)."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="memberships")
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="memberships", verbose_name=_("chi bộ sinh hoạt")
    )
    status = models.CharField(_("tình trạng"), max_length=20, choices=MembershipStatus.choices)
    decision_date = models.DateField(_("ngày quyết định kết nạp"), null=True, blank=True)
    decision_number = models.CharField(_("số quyết định kết nạp"), max_length=50, blank=True)
    ceremony_date = models.DateField(_("ngày kết nạp (lễ kết nạp)"), null=True, blank=True)
    official_date = models.DateField(_("ngày chính thức"), null=True, blank=True)
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, blank=True)
    is_readmission = models.BooleanField(_("kết nạp lại"), default=False)
    exempt_from_activities = models.BooleanField(_("miễn sinh hoạt"), default=False)
    ended_on = models.DateField(_("ngày ra khỏi danh sách"), null=True, blank=True)
    # The national member database (CSDL đảng viên) starts at admission and is keyed in by hand at the office:
    # the day this membership was entered there, so nothing is typed twice or forgotten (documents.national_db).
    national_db_entered_on = models.DateField(_("ngày nhập vào CSDL đảng viên"), null=True, blank=True)
    national_db_entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-decision_date"]
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["probationary", "official"]),
                name="one_active_membership_per_person",
            ),
            # what rules.membership_dates checks on one row, kept by the database against any write that skips the
            # services (a bulk write, a shell); an empty date is not yet known and contradicts nothing
            models.CheckConstraint(
                condition=Q(ceremony_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(ceremony_date__gte=F("decision_date")),
                name="membership_ceremony_not_before_decision",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(official_date__gt=F("decision_date")),
                name="membership_official_after_decision",
            ),
            models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(ceremony_date__isnull=True)
                | Q(official_date__gt=F("ceremony_date")),
                name="membership_official_after_ceremony",
            ),
            models.CheckConstraint(
                condition=~Q(status="official") | Q(official_date__isnull=False),
                name="membership_official_has_official_date",
            ),
        ]
        indexes = [models.Index(fields=["organization", "status"])]

    def __str__(self) -> str:
        return f"{self.person} ({self.get_status_display()})"


class MembershipEvent(models.Model):
    """A dated change of a membership; the state after it (status, cell) makes history readable by date."""

    membership = models.ForeignKey(PartyMembership, models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=MembershipEventKind.choices)
    on = models.DateField()
    status_after = models.CharField(max_length=20, choices=MembershipStatus.choices)
    organization_after = models.ForeignKey(Organization, models.PROTECT, related_name="+")
    from_organization = models.ForeignKey(Organization, models.PROTECT, null=True, blank=True, related_name="+")
    external_party = models.CharField(_("nơi đến / nơi đi"), max_length=255, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")

    class Meta:
        ordering = ["membership", "on", "id"]
        indexes = [models.Index(fields=["on"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {ddmmyyyy(self.on)}: {self.membership.person}"


class Preferences(models.Model):
    """What an administrator sets once for the whole installation (one row), in the app rather than the server's
    environment: the place printed before the date on every form and report ("Quảng Ninh, ngày … tháng … năm …")."""

    place = models.CharField(
        _("địa danh trên văn bản"),
        max_length=100,
        blank=True,
        help_text=_("In trước ngày tháng trên biểu thống kê, báo cáo và văn bản, ví dụ: Quảng Ninh."),
    )
    # Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: kept only as long as the purpose needs (Điều 3 khoản 3), deleted
    # when the storage period ends (Điều 14 khoản 1 điểm c) — registry.services.retention.
    retention_months = models.PositiveSmallIntegerField(
        _("thời hạn lưu dữ liệu người đã thôi việc (tháng)"),
        default=60,
        validators=[MinValueValidator(12)],
        help_text=_(
            "Nhân sự đã thôi việc hoặc đã lưu trữ, chưa từng là đảng viên hay người vào Đảng, được xóa dữ liệu cá "
            "nhân sau số tháng này (lệnh ketnap purge-expired). Tối thiểu 12 tháng."
        ),
    )
    privacy_notice = models.TextField(
        _("thông báo xử lý dữ liệu cá nhân"),
        blank=True,
        default=default_privacy_notice,
        help_text=_(
            "Trang /bao-mat/, ai cũng đọc được, kể cả khi chưa đăng nhập: không ghi dữ liệu cá nhân vào đây. Dòng bắt "
            'đầu bằng "# " là tiêu đề mục; để trống thì dùng nội dung mặc định.'
        ),
    )
    privacy_contact = models.CharField(
        _("đầu mối liên hệ về dữ liệu cá nhân"),
        max_length=255,
        blank=True,
        help_text=_("Ví dụ: Văn phòng Đảng ủy Bệnh viện Đa khoa tỉnh, phòng 203 nhà A, điện thoại 0203 3825 xxx."),
    )

    class Meta:
        verbose_name = _("thiết lập chung")
        verbose_name_plural = _("thiết lập chung")

    def __str__(self) -> str:
        return str(_("Thiết lập chung"))

    @classmethod
    def current(cls) -> "Preferences":
        return cls.objects.filter(pk=1).first() or cls(pk=1)


def document_place() -> str:
    """The place on documents: the administrator's setting, else the KETNAP_PLACE variable (older installations)."""
    return Preferences.current().place.strip() or settings.KETNAP_PLACE.strip()
