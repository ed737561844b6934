"""Forms for the pipeline: one StepForm built from the transition's field list."""

from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from ketnap.documents.committees import committee_name
from ketnap.pipeline import domain
from ketnap.pipeline.enums import DocumentKind, IntroducerKind
from ketnap.pipeline.models import Candidate, CourseKind, Helper, InquiryKind
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import Organization, PartyMembership, Person
from ketnap.rules import eligibility, notes
from ketnap.web.forms.common import DayInput, MemberChoice, MembersChoice, day_field


def official_members(candidate):
    """The official members of the candidate's own chi bộ (the chi bộ's vote counts them)."""
    return Person.objects.filter(
        memberships__organization=candidate.organization, memberships__status=MembershipStatus.OFFICIAL
    ).order_by("sort_key")


def party_base(organization: Organization) -> Organization:
    """The đảng bộ (or chi bộ cơ sở) an organisation is in: the pool introducers, helpers and mentors come from."""
    return organization.base_organization() or organization


def members_of(base: Organization, statuses=(MembershipStatus.OFFICIAL,)):
    """Members of the đảng bộ `base` in the given statuses, with what their row shows (khoa/phòng, chi bộ): one
    query for the whole list. Probationary ones, when asked for, are marked (member_label says so)."""
    members = Person.objects.filter(
        memberships__status__in=statuses, memberships__organization__path__startswith=base.path
    ).select_related("work_unit", "organization")
    if MembershipStatus.PROBATIONARY in statuses:
        probationary = PartyMembership.objects.filter(person=OuterRef("pk"), status=MembershipStatus.PROBATIONARY)
        members = members.annotate(probationary=Exists(probationary))
    return members


def member_field(field_class, candidate, base: Organization, queryset, **kwargs):
    """A searchable member list for a candidate: their chi bộ first, then the rest of the đảng bộ."""
    return field_class(
        queryset=queryset,
        own_organization=candidate.organization,
        others_label=_("Các chi bộ khác của %(org)s") % {"org": base.name},
        **kwargs,
    )


# which form field a refusal concerns, by the finding's code (its start)
CONCERNS = {
    "vote.": ("members_total", "votes_for", "members_excused"),
    "date.": ("on",),
    "ceremony.": ("on", "consent_document"),
    "decision.received": ("received_on",),
    "decision.late": ("on",),
    "mentor.": ("mentor",),
    "helpers.": ("helpers",),
    "reason.": ("reason",),
    "recognition.too_early": ("on",),
}


def fields_concerned(verdict, form) -> list[str]:
    """The form fields the refusing findings are about (a consent needed marks the consent's field)."""
    found = []
    for finding in (*verdict.blocking, *verdict.needs_consent):
        names = next((v for k, v in CONCERNS.items() if finding.code.startswith(k)), ())
        if finding in verdict.needs_consent:
            names = (*names, "consent_document")
        found += [n for n in names if n in form.fields and n not in found]
    return found


class StepForm(forms.Form):
    """The fields the transition asks for (Transition.fields), in this order: its date and document, the members
    assigned, the vote, a consent, a reason, a note."""

    def __init__(self, *args, transition, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        self.transition = transition
        wanted = transition.fields
        self._add_document_fields(wanted, candidate)
        self._add_member_fields(wanted, candidate)
        if "votes" in wanted:
            self._add_vote_fields(transition.vote == "cell", candidate)
        if "consent" in wanted:
            self.fields["consent_document"] = forms.CharField(
                label=_("Văn bản đồng ý của cấp ủy cấp trên (nếu cần)"), max_length=255, required=False
            )
            self.fields["consent_reason"] = forms.CharField(label=_("Lý do"), max_length=500, required=False)
        if "reason" in wanted:
            self.fields["reason"] = forms.CharField(label=_("Lý do"), max_length=500)
        if "note" in wanted:
            self.fields["note"] = forms.CharField(label=_("Ghi chú"), max_length=500, required=False)

    def _add_document_fields(self, wanted, candidate) -> None:
        if "on" in wanted:
            self.fields["on"] = day_field(self.transition.date_label or _("Ngày"))
        if "received_on" in wanted:
            self.fields["received_on"] = day_field(
                _("Ngày chi bộ nhận được"), required=False, help_text=_("Để trống nếu nhận ngay trong ngày.")
            )
        if "document_number" in wanted:
            self.fields["document_number"] = forms.CharField(label=_("Số văn bản"), max_length=60, required=False)
        if "issuer" in wanted:
            deciding = candidate.organization.deciding_organization()
            self.fields["issuer"] = forms.CharField(
                label=_("Cấp ủy ban hành"),
                max_length=255,
                required=False,
                initial=committee_name(deciding) if deciding else "",
            )

    def _add_member_fields(self, wanted, candidate) -> None:
        # helpers are assigned by the chi bộ's resolution, the probation's mentor by its chi ủy (rules.md §3;
        # Điều lệ Điều 5 khoản 1): the chi bộ's own official members, not the whole đảng bộ's
        base = candidate.organization
        pool = members_of(base)
        if "helpers" in wanted:
            self.fields["helpers"] = member_field(
                MembersChoice, candidate, base, pool, label=_("Đảng viên chính thức được phân công giúp đỡ")
            )
        if "mentor" in wanted:
            self.fields["mentor"] = member_field(
                MemberChoice, candidate, base, pool, label=_("Đảng viên chính thức giúp đỡ đảng viên dự bị")
            )

    def _add_vote_fields(self, cell: bool, candidate) -> None:
        """A chi bộ's vote counts its official members (those excused apart); a committee's, its members."""
        self.fields["members_total"] = forms.IntegerField(
            label=_("Tổng số đảng viên chính thức của chi bộ") if cell else _("Tổng số cấp ủy viên"),
            min_value=1,
            initial=official_members(candidate).count() if cell else None,
        )
        if cell:
            self.fields["members_excused"] = forms.IntegerField(
                label=_("Số vắng mặt do đang chuyển sinh hoạt tạm thời hoặc được miễn sinh hoạt"),
                min_value=0,
                initial=0,
                required=False,
            )
        self.fields["votes_for"] = forms.IntegerField(label=_("Số tán thành"), min_value=0)

    def clean(self):
        data = super().clean()
        if "votes_for" in data and data.get("members_total") and data["votes_for"] is not None:
            present = data["members_total"] - (data.get("members_excused") or 0)
            if data["votes_for"] > present:
                self.add_error("votes_for", _("Số tán thành lớn hơn số người có quyền biểu quyết."))
        return data


ALLOWED_SCAN_TYPES = {"application/pdf": b"%PDF", "image/jpeg": b"\xff\xd8\xff", "image/png": b"\x89PNG"}
# the stored name's ending follows the type found in the bytes: a PDF sent as "scan.jpg" is kept as "scan.pdf", so
# whoever opens the file later (download, backup, a file manager) gets what it really is
SCAN_SUFFIXES = {"application/pdf": (".pdf",), "image/jpeg": (".jpg", ".jpeg"), "image/png": (".png",)}


class DocumentCorrectionForm(forms.Form):
    received_on = day_field(_("Ngày nhận"))
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
    reason = forms.CharField(label=_("Lý do rút (khi rút bản ghi)"), max_length=255, required=False)


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Giấy tờ"), choices=DocumentKind.choices)
    received_on = day_field(_("Ngày nhận"))
    note = forms.CharField(label=_("Ghi chú"), max_length=255, required=False)
    scan = forms.FileField(label=_("Bản quét (PDF, JPG, PNG; tối đa 10 MB)"), required=False)

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if not scan:
            return scan
        if scan.size > settings.KETNAP_MAX_UPLOAD_BYTES:
            raise ValidationError(_("Tệp lớn hơn 10 MB."))
        head = scan.read(8)
        scan.seek(0)
        kind = next((t for t, magic in ALLOWED_SCAN_TYPES.items() if head.startswith(magic)), None)
        if kind is None:  # judged by content, not by the name or the browser's claim
            raise ValidationError(_("Chỉ nhận tệp PDF, JPG hoặc PNG."))
        scan.content_type = kind
        name = PurePath(scan.name or "")
        if name.suffix.lower() not in SCAN_SUFFIXES[kind]:
            scan.name = (name.stem.lstrip(".") or "ban-quet") + SCAN_SUFFIXES[kind][0]
        return scan


class IntroductionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Người / tổ chức giới thiệu"), choices=IntroducerKind.choices)
    introducer = MemberChoice(
        label=_("Đảng viên giới thiệu"),
        queryset=Person.objects.none(),
        required=False,
        blank=True,
        empty_label=_("Không chọn (Đoàn, Công đoàn giới thiệu)"),
    )
    together_since = day_field(_("Cùng công tác / sinh hoạt từ ngày"), required=False)
    introduced_on = day_field(_("Ngày giới thiệu"))
    replacement = forms.BooleanField(
        label=_("Người giới thiệu thay thế (chi bộ phân công thay người đã chuyển đi, bị kỷ luật…)"),
        required=False,
        help_text=_("QĐ 24-QĐ/TW điểm 3.2.2: không cần đủ 12 tháng cùng công tác."),
    )
    replacement_reason = forms.ChoiceField(
        label=_("Lý do thay"), choices=[("", "—"), *eligibility.REPLACEMENT_REASONS.items()], required=False
    )

    def __init__(self, *args, candidate, **kwargs):
        super().__init__(*args, **kwargs)
        base = party_base(candidate.organization)
        # probationary members are listed (and marked): the rules then refuse them with their source (QĐ 294 3.2.1)
        members = members_of(base, MembershipStatus.active()).exclude(pk=candidate.person_id)
        self.fields["introducer"] = member_field(
            MemberChoice,
            candidate,
            base,
            members,
            label=self.fields["introducer"].label,
            required=False,
            blank=True,
            empty_label=self.fields["introducer"].empty_label,
        )

    def clean(self):
        data = super().clean()
        if data.get("kind") == IntroducerKind.MEMBER:
            if not data.get("introducer"):
                self.add_error("introducer", _("Chọn đảng viên giới thiệu."))
            if not data.get("together_since") and not data.get("replacement"):
                self.add_error("together_since", _("Nhập ngày bắt đầu cùng công tác (để tính đủ 12 tháng)."))
            if data.get("replacement") and not data.get("replacement_reason"):
                self.add_error("replacement_reason", _("Ghi lý do thay người giới thiệu."))
        elif data.get("kind"):
            data["introducer"] = None  # the Youth Union or the Trade Union introduces, not a member ticked by mistake
        return data


class BatchMentorForm(forms.Form):
    """The ceremony for several people: one mentor each (field mentor_<candidate pk>) from the candidate's own chi
    bộ. The members of one chi bộ are read once for all its candidates; "not chosen" is
    allowed here and left to the rules, which refuse that person alone."""

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.candidates = candidates
        pools: dict[int, QuerySet] = {}
        for candidate in candidates:
            base = candidate.organization  # the chi ủy assigns one of the chi bộ's own official members
            if base.pk not in pools:
                pools[base.pk] = members_of(base)
            pool = pools[base.pk]
            self.fields[f"mentor_{candidate.pk}"] = member_field(
                MemberChoice,
                candidate,
                base,
                pool.all(),
                people=pool,  # one evaluated list shared by every candidate of the chi bộ
                label=_("Đảng viên giúp đỡ %(name)s") % {"name": candidate.person.full_name},
                required=False,
                blank=True,
                empty_label=_("Chưa chọn"),
            )

    def mentors(self) -> dict:
        """candidate pk → {"mentor": the member chosen or None}, as domain.transition_batch takes it (own=)."""
        return {c.pk: {"mentor": self.cleaned_data.get(f"mentor_{c.pk}")} for c in self.candidates}


class HelperChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.member.full_name} ({obj.get_role_display().lower()})"


class MentorNoteForm(forms.Form):
    """A note on a candidate. `helpers`: the assignments in force, when the secretary or the office records a helper's
    note from paper (whose it is decides whose next note moves); a helper writing their own note chooses nothing."""

    on = day_field(_("Ngày"))
    text = forms.CharField(label=_("Nhận xét"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000)

    def __init__(self, *args, helpers=None, **kwargs):
        super().__init__(*args, **kwargs)
        if helpers:
            self.fields["helper"] = HelperChoice(
                queryset=Helper.objects.filter(pk__in=[h.pk for h in helpers]).select_related("member"),
                required=False,
                label=_("Nhận xét của"),
                empty_label=_("Chi bộ (không phải của người giúp đỡ)"),
            )
            self.order_fields(["helper", "on", "text"])


class CourseForm(forms.Form):
    organization = forms.ModelChoiceField(label=_("Cấp ủy cử đi học"), queryset=Organization.objects.none())
    kind = forms.ChoiceField(label=_("Lớp"), choices=CourseKind.choices)
    name = forms.CharField(label=_("Tên lớp, khóa"), max_length=120, help_text=_("Ví dụ: Khóa 3 năm 2026."))
    organizer = forms.CharField(
        label=_("Nơi mở lớp"), max_length=255, help_text=_("Ví dụ: Trung tâm Chính trị thành phố Hạ Long.")
    )
    starts_on = day_field(_("Học từ ngày"))
    ends_on = day_field(_("Đến ngày"))

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = Organization.objects.filter(pk__in=[o.pk for o in organizations])
        if len(organizations) == 1:
            self.fields["organization"].initial = organizations[0].pk


class InquiryForm(forms.Form):
    kind = forms.ChoiceField(label=_("Việc"), choices=InquiryKind.choices)
    addressee = forms.CharField(
        label=_("Kính gửi"), max_length=255, help_text=_("Ví dụ: Chi ủy Chi bộ khu phố 3, phường Hồng Hải.")
    )
    about = forms.CharField(
        label=_("Thẩm tra về"),
        max_length=255,
        required=False,
        help_text=_("Chỉ khi thẩm tra lý lịch: người được thẩm tra, ví dụ “bố đẻ Trần Văn Hùng, sinh năm 1965”."),
    )
    document_number = forms.CharField(label=_("Số công văn"), max_length=60, required=False)
    sent_on = day_field(_("Ngày gửi"))
    reply_by = day_field(_("Đề nghị trả lời trước ngày"), required=False, help_text=_("Để trống: sau 30 ngày."))


class InquiryReplyForm(forms.Form):
    replied_on = day_field(_("Ngày nhận trả lời"))
    result = forms.CharField(label=_("Nội dung trả lời"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


class NotePlanForm(forms.Form):
    every_months = forms.IntegerField(
        label=_("Người giúp đỡ nhận xét mấy tháng một lần"),
        min_value=notes.MONTHS_RANGE[0],
        max_value=notes.MONTHS_RANGE[1],
        help_text=_(
            "Chi bộ tự định (thường là 3 tháng, mỗi quý), áp dụng cho mọi đảng viên giúp đỡ quần chúng và đảng viên "
            "dự bị của chi bộ. Khi hết 12 tháng dự bị, việc đến hạn là bản nhận xét 11-KNĐ."
        ),
    )


class FactsForm(forms.ModelForm):
    """What the special cases turn on (QĐ 294 điểm 3.5 re-admission; HD 01-HD/TW 2021 điểm 1.1 over 60)."""

    class Meta:
        model = Candidate
        fields = list(domain.FACTS)
        widgets = {name: DayInput() for name in ("left_party_on", "conviction_cleared_on", "first_decision_on")}
        help_texts = {
            "is_readmission": _(
                "Người đã từng là đảng viên (QĐ 294-QĐ/TW điểm 3.5: ít nhất 36 tháng sau khi ra khỏi Đảng)."
            ),
            "readmitted_before": _("Chỉ kết nạp lại một lần (QĐ 294-QĐ/TW điểm 3.5.3)."),
            "conviction_cleared_on": _(
                "Người bị án hình sự về tội ít nghiêm trọng: 60 tháng sau khi được xóa án tích."
            ),
            "health_and_prestige": _("Chỉ với người trên 60 tuổi (HD 01-HD/TW 2021 điểm 1.1)."),
        }

    def clean(self):
        data = super().clean()
        if data.get("is_readmission"):
            for name in ("left_party_on", "left_cause"):
                if not data.get(name):
                    self.add_error(name, _("Kết nạp lại: cần ghi ngày và lý do ra khỏi Đảng."))
        left, cleared = data.get("left_party_on"), data.get("conviction_cleared_on")
        if left and cleared and cleared < left:
            self.add_error("conviction_cleared_on", _("Ngày xóa án tích không thể trước ngày ra khỏi Đảng."))
        return data


class CandidateForm(FactsForm):
    on = day_field(_("Ngày đưa vào nguồn quần chúng ưu tú"))

    class Meta(FactsForm.Meta):
        fields = ["on", *FactsForm.Meta.fields]
