"""Candidates and their road. Each recorded step is a row (who, when, votes, document, consent); the stage is
set only by ketnap.pipeline.domain.transition(); the next deadline is derived from step dates when they change
and kept on the candidate (ketnap.pipeline.due.store)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ketnap.pipeline.enums import DocumentKind, HelperRole, IntroducerKind, Stage, StepKind
from ketnap.registry.models import Organization, PartyMembership, Person
from ketnap.rules import eligibility, notes
from ketnap.rules.dates import ddmmyyyy


class Candidate(models.Model):
    person = models.ForeignKey(Person, models.PROTECT, related_name="candidacies", verbose_name=_("người"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="candidates", verbose_name=_("chi bộ"))
    stage = models.CharField(_("giai đoạn"), max_length=24, choices=Stage.choices, default=Stage.SOURCE)
    stage_since = models.DateField(_("từ ngày"))
    started_on = models.DateField(_("ngày đưa vào nguồn"))
    is_readmission = models.BooleanField(_("kết nạp lại"), default=False)
    # Re-admission (QĐ 294 điểm 3.5): when and why the person left, whether re-admitted once already
    left_party_on = models.DateField(_("ngày ra khỏi Đảng"), null=True, blank=True)
    left_cause = models.CharField(
        _("lý do ra khỏi Đảng"), max_length=40, blank=True, choices=list(eligibility.READMISSION_CAUSE_LABELS.items())
    )
    readmitted_before = models.BooleanField(_("đã được kết nạp lại một lần"), default=False)
    conviction_cleared_on = models.DateField(_("ngày được xóa án tích"), null=True, blank=True)
    first_decision_on = models.DateField(_("ngày quyết định kết nạp lần đầu"), null=True, blank=True)
    # Over 60 (HD 01-HD/TW 2021 điểm 1.1): the facts the province committee decides on
    health_and_prestige = models.BooleanField(_("có sức khỏe và uy tín (trên 60 tuổi)"), null=True, blank=True)
    place_condition = models.CharField(
        _("điều kiện nơi công tác, cư trú (trên 60 tuổi)"),
        max_length=24,
        blank=True,
        choices=list(eligibility.PLACE_CONDITIONS.items()),
    )
    membership = models.OneToOneField(PartyMembership, models.PROTECT, null=True, blank=True, related_name="candidacy")
    outcome_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    # a pause (long training, maternity leave, contract ended): the road waits; the legal clocks do not stop
    paused_since = models.DateField(_("tạm dừng từ ngày"), null=True, blank=True)
    pause_reason = models.CharField(_("lý do tạm dừng"), max_length=500, blank=True)
    # The deadline of the next action, kept (not recomputed per request) so that "overdue" and "soon" are indexed
    # comparisons with today. Derived from the step dates and the working-day calendar and written only by
    # ketnap.pipeline.due.store() (every transition, a calendar change, `ketnap rebuild-deadlines`); empty when no
    # clock runs and once the road has ended. Not audited: the steps it is derived from are.
    due_on = models.DateField(_("hạn việc tiếp theo"), null=True, blank=True, editable=False)
    due_soon_on = models.DateField(_("sắp đến hạn từ ngày"), null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-stage_since", "pk"]
        verbose_name = _("quần chúng ưu tú / đảng viên dự bị")
        verbose_name_plural = _("phát triển đảng viên")
        indexes = [
            models.Index(fields=["organization", "stage"]),
            # the overdue counts per organisation (home page) and the due list of a chi bộ, by deadline
            models.Index(fields=["organization", "due_on"], name="pipeline_candidate_org_due"),
            # a scope of many chi bộ ordered by deadline, and a calendar change (the deadlines from a day on)
            models.Index(fields=["due_on"], name="pipeline_candidate_due"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=~models.Q(stage__in=["official", "withdrawn", "not_admitted", "removed"]),
                name="one_open_candidacy_per_person",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_stage_display()}"

    @property
    def open(self) -> bool:
        return self.stage not in Stage.terminal()


class Step(models.Model):
    """One recorded step of the road (a resolution, a decision, a ceremony …)."""

    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="steps")
    kind = models.CharField(_("bước"), max_length=40, choices=StepKind.choices)
    on = models.DateField(_("ngày"))
    received_on = models.DateField(_("ngày nhận"), null=True, blank=True)  # decisions: day the chi bộ got it
    document_number = models.CharField(_("số văn bản"), max_length=60, blank=True)
    issuer = models.CharField(_("cơ quan ban hành"), max_length=255, blank=True)
    members_total = models.PositiveSmallIntegerField(
        _("tổng số (đảng viên chính thức / cấp ủy viên)"), null=True, blank=True
    )
    members_excused = models.PositiveSmallIntegerField(
        _("vắng do chuyển sinh hoạt tạm thời / miễn sinh hoạt"), null=True, blank=True
    )
    votes_for = models.PositiveSmallIntegerField(_("số tán thành"), null=True, blank=True)
    passed = models.BooleanField(default=True)
    consent_document = models.CharField(_("văn bản đồng ý của cấp trên"), max_length=255, blank=True)
    consent_reason = models.CharField(_("lý do"), max_length=500, blank=True)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    findings = models.JSONField(default=list)  # what the rules said when it was recorded (code, severity, text, source)
    stage_before = models.CharField(max_length=24, choices=Stage.choices)
    stage_after = models.CharField(max_length=24, choices=Stage.choices)
    # a transfer: the chi bộ the candidacy left (the step's candidate.organization at the time is the new one)
    from_organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("từ chi bộ")
    )
    to_organization = models.ForeignKey(
        Organization, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sang chi bộ")
    )
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-on", "-id"]
        indexes = [
            models.Index(fields=["candidate", "kind"]),
            # the passed steps of a kind in a period (decisions waiting for their ceremony, reviews): a range, not a
            # scan of every step
            models.Index(fields=["kind", "on"], condition=Q(passed=True), name="step_passed_kind_on"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {ddmmyyyy(self.on)}: {self.candidate.person}"


def attachment_path(instance, filename: str) -> str:
    return f"dinh-kem/{instance.candidate_id}/{filename}"


class DossierItem(models.Model):
    """A paper of the dossier: received (and scanned) or not. Handwritten forms are tracked, not generated."""

    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="documents")
    kind = models.CharField(_("giấy tờ"), max_length=12, choices=DocumentKind.choices)
    received_on = models.DateField(_("ngày nhận"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    scan = models.FileField(_("bản quét"), upload_to=attachment_path, blank=True)
    scan_type = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["kind", "-received_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.candidate.person}"


class Introduction(models.Model):
    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="introductions")
    kind = models.CharField(_("người / tổ chức giới thiệu"), max_length=12, choices=IntroducerKind.choices)
    introducer = models.ForeignKey(
        Person, models.PROTECT, null=True, blank=True, related_name="introduced", verbose_name=_("đảng viên giới thiệu")
    )
    together_since = models.DateField(_("cùng công tác từ ngày"), null=True, blank=True)
    introduced_on = models.DateField(_("ngày giới thiệu"))
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    # QĐ 24 điểm 3.2.2: an introducer who moved, was disciplined or cannot go on is replaced by an official member
    # the chi bộ assigns, who need not have worked with the applicant for 12 months
    replacement = models.BooleanField(_("người giới thiệu thay thế"), default=False)
    replacement_reason = models.CharField(
        _("lý do thay người giới thiệu"),
        max_length=16,
        blank=True,
        choices=list(eligibility.REPLACEMENT_REASONS.items()),
    )

    class Meta:
        ordering = ["introduced_on"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.introducer or ''} → {self.candidate.person}"


class Helper(models.Model):
    """An official member assigned to help a sympathiser, or (one, at the ceremony) a probationary member."""

    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="helpers")
    member = models.ForeignKey(Person, models.PROTECT, related_name="helping", verbose_name=_("đảng viên"))
    role = models.CharField(max_length=10, choices=HelperRole.choices)
    since = models.DateField()
    until = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["role", "since"]

    def __str__(self) -> str:
        return f"{self.member} giúp đỡ {self.candidate.person}"


class MentorNote(models.Model):
    """A helper's periodic note on the person they help (the sympathiser's helpers, the probationary member's mentor:
    they feed the chi bộ's review and the 11-KNĐ). `helper`: whose note it is — written by the helper themself, or
    recorded from paper by the secretary or the office; empty for a note of the chi bộ's own."""

    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="mentor_notes")
    helper = models.ForeignKey(
        Helper, models.SET_NULL, null=True, blank=True, related_name="notes", verbose_name=_("nhận xét của")
    )
    on = models.DateField(_("ngày"))
    text = models.TextField(_("nhận xét"))
    author = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["-on"]

    def __str__(self) -> str:
        return f"{ddmmyyyy(self.on)} {self.candidate.person}"


class NotePlan(models.Model):
    """How often each helper in a chi bộ writes a note on the person they help (ketnap.rules.notes): the chi bộ's own
    plan, set by its secretary or the office. No row: rules.notes.EVERY_MONTHS."""

    organization = models.OneToOneField(
        Organization, models.CASCADE, primary_key=True, related_name="note_plan", verbose_name=_("chi bộ")
    )
    every_months = models.PositiveSmallIntegerField(
        _("nhận xét mấy tháng một lần"),
        default=notes.EVERY_MONTHS,
        validators=[MinValueValidator(notes.MONTHS_RANGE[0]), MaxValueValidator(notes.MONTHS_RANGE[1])],
        help_text=_("Từ 1 đến 12 tháng; thường là 3 tháng (mỗi quý)."),
    )

    class Meta:
        verbose_name = _("kế hoạch nhận xét của người giúp đỡ")
        verbose_name_plural = _("kế hoạch nhận xét của người giúp đỡ")

    def __str__(self) -> str:
        return f"{self.organization}: {self.every_months} tháng"


class Assessment(models.TextChoices):
    OUTSTANDING = "outstanding", _("Ưu tú: đề nghị đưa vào nguồn")
    NOT_YET = "not_yet", _("Chưa đủ điều kiện: tiếp tục bồi dưỡng")
    NOT_ELIGIBLE = "not_eligible", _("Không đủ điều kiện")


class Nomination(models.TextChoices):
    NONE = "", _("Chưa có")
    YOUTH_UNION = "youth_union", _("Đoàn giới thiệu đoàn viên ưu tú")
    TRADE_UNION = "trade_union", _("Công đoàn giới thiệu công đoàn viên ưu tú")


class SourceReview(models.Model):
    """One non-member's assessment at the chi bộ's review of its source (rà soát nguồn, pipeline.review): each year
    every staff member who is not a member is looked at, the outstanding ones become the source. Rows are only added
    (a later review does not erase an earlier one): the history of how someone was seen is the chi bộ's record."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="source_reviews", verbose_name=_("người"))
    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("chi bộ"))
    reviewed_on = models.DateField(_("ngày rà soát"))
    assessment = models.CharField(_("đánh giá"), max_length=16, choices=Assessment.choices)
    reason = models.CharField(_("lý do"), max_length=300, blank=True)
    nomination = models.CharField(_("đoàn thể giới thiệu"), max_length=16, choices=Nomination.choices, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-reviewed_on", "-pk"]
        indexes = [models.Index(fields=["person", "reviewed_on"], name="sourcereview_person_day")]
        verbose_name = _("rà soát nguồn")
        verbose_name_plural = _("rà soát nguồn")

    def __str__(self) -> str:
        return f"{self.person} {ddmmyyyy(self.reviewed_on)}: {self.get_assessment_display()}"


class InquiryKind(models.TextChoices):
    RESIDENCE = "residence", _("Xin ý kiến nhận xét của chi ủy nơi cư trú")
    UNIONS = "unions", _("Xin ý kiến nhận xét của đoàn thể nơi làm việc")
    VERIFICATION = "verification", _("Đề nghị thẩm tra lý lịch")


class Inquiry(models.Model):
    """A request the chi bộ sends about an applicant — the residence chi ủy's and the unions' comments (summarised in
    5-KNĐ), the verification of the biography (thẩm tra lý lịch, HD 06-HD/TW điểm 3.4) — with the reply date the
    letter asks for, and the reply once it comes (pipeline.inquiries)."""

    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="inquiries")
    kind = models.CharField(_("việc"), max_length=16, choices=InquiryKind.choices)
    addressee = models.CharField(_("kính gửi"), max_length=255)
    about = models.CharField(
        _("thẩm tra về"), max_length=255, blank=True, help_text=_("Ví dụ: bố đẻ Trần Văn Hùng, sinh năm 1965.")
    )
    document_number = models.CharField(_("số công văn"), max_length=60, blank=True)
    sent_on = models.DateField(_("ngày gửi"))
    reply_by = models.DateField(_("đề nghị trả lời trước ngày"))
    replied_on = models.DateField(_("ngày nhận trả lời"), null=True, blank=True)
    result = models.CharField(_("nội dung trả lời"), max_length=500, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+")

    class Meta:
        ordering = ["sent_on", "pk"]
        verbose_name = _("hỏi ý kiến, thẩm tra lý lịch")
        verbose_name_plural = _("hỏi ý kiến, thẩm tra lý lịch")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.candidate.person} ({ddmmyyyy(self.sent_on)})"


class CourseKind(models.TextChoices):
    AWARENESS = "awareness", _("Lớp bồi dưỡng nhận thức về Đảng")
    NEW_MEMBER = "new_member", _("Lớp bồi dưỡng lý luận chính trị cho đảng viên mới")


class CourseClass(models.Model):
    """A class of the political centre the committee sends people to (pipeline.courses): the awareness course before
    admission (its certificate CN-NTVĐ, valid 60 months) or the new members' course during probation."""

    organization = models.ForeignKey(Organization, models.PROTECT, related_name="+", verbose_name=_("cấp ủy cử đi học"))
    kind = models.CharField(_("lớp"), max_length=16, choices=CourseKind.choices)
    name = models.CharField(_("tên lớp, khóa"), max_length=120, help_text=_("Ví dụ: Khóa 3 năm 2026."))
    organizer = models.CharField(
        _("nơi mở lớp"), max_length=255, help_text=_("Ví dụ: Trung tâm Chính trị thành phố Hạ Long.")
    )
    starts_on = models.DateField(_("học từ ngày"))
    ends_on = models.DateField(_("đến ngày"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("người mở lớp")
    )

    class Meta:
        ordering = ["-starts_on", "-pk"]
        verbose_name = _("lớp bồi dưỡng")
        verbose_name_plural = _("lớp bồi dưỡng")
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=F("starts_on")), name="course_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.name} ({ddmmyyyy(self.starts_on)})"


class CourseResult(models.TextChoices):
    PENDING = "", _("Chưa có kết quả")
    PASSED = "passed", _("Hoàn thành, được cấp giấy chứng nhận")
    FAILED = "failed", _("Không hoàn thành")


class CourseSeat(models.Model):
    """One person sent to a class, and what they brought back."""

    course = models.ForeignKey(CourseClass, models.CASCADE, related_name="seats", verbose_name=_("lớp"))
    candidate = models.ForeignKey(Candidate, models.CASCADE, related_name="course_seats")
    nominated_on = models.DateField(_("ngày cử đi học"))
    result = models.CharField(_("kết quả"), max_length=8, choices=CourseResult.choices, blank=True)
    certificate_number = models.CharField(_("số giấy chứng nhận"), max_length=60, blank=True)
    certificate_on = models.DateField(_("ngày cấp giấy chứng nhận"), null=True, blank=True)

    class Meta:
        ordering = ["course", "pk"]
        constraints = [models.UniqueConstraint(fields=["course", "candidate"], name="courseseat_once_a_class")]
        verbose_name = _("người được cử đi học")
        verbose_name_plural = _("người được cử đi học")

    def __str__(self) -> str:
        return f"{self.candidate.person} — {self.course}"


class CalendarOverride(models.Model):
    """A day off or a make-up working day the Government announced after ketnap shipped (admins add them)."""

    day = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=4, choices=[("off", _("Nghỉ")), ("work", _("Làm bù"))])
    reason = models.CharField(_("lý do"), max_length=255)
    source = models.CharField(_("căn cứ (văn bản)"), max_length=255)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("điều chỉnh lịch làm việc")
        verbose_name_plural = _("điều chỉnh lịch làm việc")

    def __str__(self) -> str:
        return f"{ddmmyyyy(self.day)} {self.get_kind_display()}: {self.reason}"
