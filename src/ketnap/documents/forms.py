"""The forms ketnap writes for the office (and the blank ones people write by hand): what each is, when it is
available, where its wording comes from, and the fields its template may use.

Numbering checked against rules.md §2.5 (12-HD/BTCTW 2022, same as 09-HD 2017): 1-KNĐ application, 2-KNĐ
biography, 3-KNĐ introduction, 4/4A-KNĐ Youth/Trade Union, 5-KNĐ summary of opinions, 6-KNĐ chi bộ resolution,
7-KNĐ sub-committee appraisal, 8-KNĐ base committee resolution, 9-KNĐ admission decision, 10-KNĐ self-review,
11-KNĐ helper's assessment, 12-KNĐ summary of opinions, 13-KNĐ chi bộ recognition resolution, 14-KNĐ appraisal,
15-KNĐ base committee recognition resolution, 16-KNĐ recognition decision. The same numbers are used by
pipeline.enums.DocumentKind and the step labels in pipeline.transitions.

Wording: ketnap's sources (rules.md §2.5) list the forms but do not reproduce the appendix text of
12-HD/BTCTW; each template below is reconstructed from the structure those sources describe (rules.md §2.2,
§2.3, §2.4) and the Party's document layout (HD 36-HD/VPTW). An office that holds the original appendix replaces
the template file (see render.template_path) — the fields stay the same.

Facts the register does not hold (hometown, who chaired the meeting, the merits discussed …) are either the
step's note or dotted lines to be completed in Word.

Forms without a recording step of their own: 3-KNĐ is one letter per member introducer
(pipeline.models.Introduction, chosen by `?gioi-thieu=<pk>`); 5-KNĐ / 12-KNĐ are offered by stage (admission
dossier / probation and recognition); 14-KNĐ once the chi bộ's recognition resolution is recorded and the chi bộ
sits under a đảng ủy bộ phận (pipeline.transitions.under_sub_committee, as for the step sub_appraisal, 7-KNĐ).
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ketnap.pipeline.enums import IntroducerKind, Stage
from ketnap.pipeline.transitions import ON_PROBATION, under_sub_committee
from ketnap.registry.enums import OrgKind
from ketnap.rules import deadlines

DOTS = "…………"
# symbols added to a number entered as digits only (HD 36-HD/VPTW: “Số 12-NQ/ĐU”)
NQ_CB, NQ_DU, QD_DU = "-NQ/CB", "-NQ/ĐU", "-QĐ/ĐU"
BC_DU = "-BC/ĐU"  # report of the đảng ủy bộ phận (7-KNĐ, 14-KNĐ); the symbol is an assumption (forms' source)


# --- the fields (documented once; each form lists those its template uses) --------------------------------
FIELDS: dict[str, str] = {
    "place": "Địa danh ở dòng ngày tháng (biến môi trường KETNAP_PLACE, mặc định để trống “…………”)",
    "date": "Ngày của bước (họp, quyết định, lễ), dd/mm/yyyy",
    "date_long": "“ngày 01 tháng 6 năm 2023” (ngày < 10 và tháng 1, 2 có số 0 đứng trước)",
    "document_number": "Số văn bản của bước; chỉ có chữ số thì thêm ký hiệu của mẫu (vd. “6” → “6-NQ/CB”)",
    "dots": "Dòng chấm để điền tay",
    "note": "Ghi chú của bước (ưu, khuyết điểm …); trống thì là dòng chấm",
    "person_name": "Họ và tên",
    "person_name_upper": "Họ và tên, chữ in hoa",
    "gender": "Nam / Nữ",
    "birth_date": "Ngày sinh, dd/mm/yyyy",
    "ethnicity": "Dân tộc",
    "religion": "Tôn giáo",
    "professional_level": "Trình độ chuyên môn",
    "job_title": "Chức vụ / chức danh",
    "work_unit": "Khoa / phòng, đơn vị",
    "cell_name": "Tên chi bộ",
    "cell_name_upper": "Tên chi bộ, in hoa",
    "cell_superior_upper": "Tổ chức đảng cấp trên của chi bộ, in hoa (dòng trên cùng bên trái)",
    "base_committee_name": "Đảng ủy cơ sở (“Đảng bộ X” → “Đảng ủy X”); chi bộ cơ sở: tên chi bộ",
    "base_committee_upper": "Đảng ủy cơ sở, in hoa",
    "proposal_to": "Nơi chi bộ gửi nghị quyết: đảng ủy cơ sở; chi bộ cơ sở thì cấp ủy có thẩm quyền",
    "base_superior_upper": "Cấp trên của đảng bộ cơ sở, in hoa",
    "deciding_name": "Cấp ủy có thẩm quyền quyết định (Organization.deciding_organization())",
    "deciding_name_upper": "Cấp ủy có thẩm quyền, in hoa",
    "deciding_superior_upper": "Cấp trên của cấp ủy có thẩm quyền, in hoa",
    "deciding_body": "Ban Thường vụ … (cấp trên cơ sở) hoặc Đảng ủy … (đảng ủy cơ sở được ủy quyền)",
    "deciding_body_upper": "Như trên, in hoa",
    "deciding_on_behalf": "T/M BAN THƯỜNG VỤ hoặc T/M ĐẢNG ỦY",
    "signer_name": "Người ký (để trống: dòng chấm)",
    "sub_committee_name": "Đảng ủy bộ phận phụ trách chi bộ (“Đảng bộ bộ phận X” → “Đảng ủy bộ phận X”); "
    "không có: dòng chấm",
    "sub_committee_upper": "Đảng ủy bộ phận, in hoa",
    "sub_superior_upper": "Cấp trên của đảng bộ bộ phận (đảng bộ cơ sở), in hoa",
    "members_total": "Tổng số đảng viên chính thức (chi bộ) / cấp ủy viên (đảng ủy) ghi ở bước",
    "members_excused": "Số không tính vào biểu quyết (chuyển sinh hoạt tạm thời, miễn sinh hoạt vắng mặt)",
    "votes_for": "Số tán thành",
    "votes_against": "Số không tán thành = số được tính − số tán thành (sổ không tách phiếu chống / vắng)",
    "votes_percent": "Tỷ lệ tán thành trên số được tính, vd. “75%”, “66,67%”",
    "members_counted": "Số được tính để biểu quyết = tổng số − số không tính",
    "vote_result": "Kết quả biểu quyết so với 2/3 số được tính (“đạt …” / “không đạt …”); thiếu số liệu: dòng chấm",
    "cell_resolution_number": "Số nghị quyết của chi bộ (6-KNĐ hoặc 13-KNĐ)",
    "cell_resolution_date": "Ngày nghị quyết của chi bộ",
    "committee_resolution_text": "“ và Nghị quyết số … ngày … của Đảng ủy …” khi có đảng ủy cơ sở, trống nếu không",
    "decision_number": "Số quyết định kết nạp (9-KNĐ)",
    "decision_date": "Ngày quyết định kết nạp (tuổi đảng tính từ ngày này)",
    "decision_issuer": "Cơ quan ra quyết định kết nạp",
    "ceremony_date": "Ngày lễ kết nạp (bắt đầu 12 tháng dự bị)",
    "official_date": "Ngày hết 12 tháng dự bị = ngày chính thức (QĐ 24 §4.2.2)",
    "ceremony_time": "Giờ, ngày lễ kết nạp (dòng chấm nếu chưa ghi nhận)",
    "ceremony_venue": "Địa điểm lễ (dòng chấm)",
    "mentor_name": "Đảng viên chính thức giúp đỡ đảng viên dự bị (dòng chấm nếu chưa phân công)",
    "introducer_name": "Người giới thiệu (3-KNĐ: đảng viên chính thức của giấy giới thiệu này); khác: dòng chấm",
    "introducer_birth_date": "Ngày sinh của người giới thiệu",
    "introducer_job_title": "Chức vụ / chức danh của người giới thiệu",
    "introducer_work_unit": "Khoa / phòng của người giới thiệu",
    "introducer_cell_name": "Chi bộ nơi người giới thiệu sinh hoạt",
    "introducer_joined_on": "Ngày vào Đảng (lễ kết nạp) của người giới thiệu",
    "introducer_official_on": "Ngày chính thức của người giới thiệu",
    "together_since": "Cùng công tác với người vào Đảng từ ngày (ít nhất 12 tháng, rules.md §3)",
    "introduced_on": "Ngày giới thiệu",
    "opinions_date_long": "Ngày ghi nhận bản tổng hợp ý kiến (5-KNĐ / 12-KNĐ) trong hồ sơ; chưa có: dòng chấm",
}


@dataclass(frozen=True)
class Form:
    slug: str  # in URLs (ASCII)
    code: str  # as printed: "6-KNĐ"
    title: str
    template: str  # file name in templates_docx/ (or the office's override directory)
    source: str  # where the form and its wording come from
    step: str | None = None  # the recorded step whose data fills it (pipeline.transitions name)
    requires: str | None = None  # the step that must have been recorded for the form to be offered
    number_suffix: str = ""  # appended to a bare number: "6" → "6-NQ/CB"
    handwritten: bool = False  # a blank the person writes by hand (tracked as DossierItem, not generated)
    batch: str | None = None  # the kind of step a batch (one zip) groups by
    stages: frozenset | None = None  # offered only at these stages (forms with no recording step)
    applies: object = None  # a further condition on the candidate (e.g. a đảng ủy bộ phận above the chi bộ)
    recognition: bool = False  # draws on the recognition resolutions (13/15-KNĐ) rather than 6/8-KNĐ
    per_introduction: bool = False  # one document per member introducer (3-KNĐ)

    def available(self, candidate) -> bool:
        if self.handwritten:
            return True
        if self.per_introduction:
            return member_introductions(candidate).exists()
        if self.stages is not None and candidate.stage not in self.stages:
            return False
        if self.applies is not None and not self.applies(candidate):
            return False
        kind = self.requires or self.step
        return kind is None or _last_step(candidate, kind) is not None

    @property
    def for_recognition(self) -> bool:
        return self.recognition or self.step in RECOGNITION_STEPS

    def context(self, candidate, introduction=None) -> dict:
        return {} if self.handwritten else build_context(self, candidate, introduction)


def member_introductions(candidate):
    """Introductions by an official member: one 3-KNĐ each. A Youth/Trade Union executive introduces by a
    resolution of the union (4-KNĐ / 4A-KNĐ, rules.md §3), which the union writes, not by a 3-KNĐ letter."""
    return (
        candidate.introductions.filter(kind=IntroducerKind.MEMBER, introducer__isnull=False)
        .select_related("introducer", "introducer__work_unit")
        .order_by("introduced_on", "pk")
    )


# --- helpers ------------------------------------------------------------------------------------------------
def _last_step(candidate, kind: str | None):
    if not kind:
        return None
    return candidate.steps.filter(kind=kind, passed=True).order_by("-on", "-id").first()


def fmt(day: dt.date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else DOTS


def long_date(day: dt.date | None) -> str:
    """“ngày 05 tháng 02 năm 2024”: a leading zero for days below 10 and for January and February."""
    if not day:
        return "ngày … tháng … năm …"
    month = f"{day.month:02d}" if day.month <= 2 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def committee_name(org) -> str:
    """The committee that signs for an organisation: “Đảng bộ X” is led by “Đảng ủy X”."""
    if org is None:
        return DOTS
    name = org.name
    return "Đảng ủy " + name[len("Đảng bộ ") :] if name.startswith("Đảng bộ ") else name


def _upper(text: str) -> str:
    return text.upper() if text and text != DOTS else text


def _ancestors(org) -> list:
    """The organisation's ancestors, nearest first."""
    from ketnap.registry.models import Organization

    return list(Organization.objects.filter(pk__in=org.ancestor_ids()).order_by("-depth"))


def base_organization(cell):
    """The base organisation (đảng bộ cơ sở or chi bộ cơ sở) a chi bộ belongs to."""
    if cell.kind in OrgKind.base_kinds():
        return cell
    return next((o for o in _ancestors(cell) if o.kind in OrgKind.base_kinds()), None)


def _number(step, suffix: str) -> str:
    number = (step.document_number or "").strip() if step else ""
    if not number:
        return f"{DOTS}{suffix}"
    return f"{number}{suffix}" if number.isdigit() else number


def _percent(votes: int | None, counted: int | None) -> str:
    if votes is None or not counted:
        return DOTS
    value = f"{votes * 100 / counted:.2f}".rstrip("0").rstrip(".")
    return value.replace(".", ",") + "%"


def _vote_result(votes: int | None, counted: int | None) -> str:
    """Against the ≥ 2/3 threshold of rules.md §2.1 (k agrees when 3k ≥ 2n, as ketnap.rules.votes)."""
    if votes is None or not counted:
        return DOTS
    if 3 * votes >= 2 * counted:
        return "đạt từ hai phần ba (2/3) trở lên so với số được tính"
    return "không đạt hai phần ba (2/3) so với số được tính"


def _blank(value) -> str:
    return DOTS if value in (None, "") else str(value)


def person_context(candidate) -> dict:
    person = candidate.person
    cell = candidate.organization
    base = base_organization(cell)
    deciding = cell.deciding_organization()
    cell_parent = cell.parent
    sub = cell_parent if cell_parent and cell_parent.kind == OrgKind.SUB_COMMITTEE else None
    base_parent = base.parent if base else None
    deciding_parent = deciding.parent if deciding else None
    # an authorised base committee decides itself (whole committee); otherwise the standing committee above
    deciding_is_base = bool(deciding and deciding.kind in OrgKind.base_kinds())
    body = committee_name(deciding) if deciding_is_base else f"Ban Thường vụ {committee_name(deciding)}"
    return {
        "place": settings.KETNAP_PLACE.strip() or DOTS,
        "dots": DOTS,
        "signer_name": DOTS,
        "person_name": person.full_name,
        "person_name_upper": person.full_name.upper(),
        "gender": person.get_gender_display(),
        "birth_date": fmt(person.birth_date),
        "ethnicity": person.ethnicity.name if person.ethnicity else DOTS,
        "religion": person.religion.name if person.religion else DOTS,
        "professional_level": person.professional_level.name if person.professional_level else DOTS,
        "job_title": person.job_title or DOTS,
        "work_unit": person.work_unit.name,
        "cell_name": cell.name,
        "cell_name_upper": cell.name.upper(),
        "cell_superior_upper": _upper(cell_parent.name if cell_parent else ""),
        "sub_committee_name": committee_name(sub) if sub else DOTS,
        "sub_committee_upper": _upper(committee_name(sub)) if sub else DOTS,
        "sub_superior_upper": _upper(sub.parent.name) if sub and sub.parent else "",
        "base_committee_name": committee_name(base) if base and base != cell else cell.name,
        "base_committee_upper": _upper(committee_name(base) if base else DOTS),
        # a chi bộ cơ sở has no đảng ủy: its resolution goes straight to the competent committee (rules.md §2.1)
        "proposal_to": committee_name(base) if base and base != cell else committee_name(deciding),
        "base_superior_upper": _upper(base_parent.name if base_parent else ""),
        "deciding_name": committee_name(deciding),
        "deciding_name_upper": _upper(committee_name(deciding)),
        "deciding_superior_upper": _upper(deciding_parent.name if deciding_parent else ""),
        "deciding_body": body if deciding else DOTS,
        "deciding_body_upper": _upper(body) if deciding else DOTS,
        "deciding_on_behalf": "T/M ĐẢNG ỦY" if deciding_is_base else "T/M BAN THƯỜNG VỤ",
    }


def step_context(form: Form, step) -> dict:
    counted = None
    if step and step.members_total is not None:
        counted = step.members_total - (step.members_excused or 0)
    against = counted - step.votes_for if counted is not None and step.votes_for is not None else None
    return {
        "members_counted": _blank(counted),
        "vote_result": _vote_result(step.votes_for if step else None, counted),
        "date": fmt(step.on if step else None),
        "date_long": long_date(step.on if step else None),
        "document_number": _number(step, form.number_suffix),
        "note": (step.note if step and step.note else DOTS),
        "members_total": _blank(step.members_total if step else None),
        "members_excused": _blank((step.members_excused or 0) if step and step.members_total is not None else None),
        "votes_for": _blank(step.votes_for if step else None),
        "votes_against": _blank(against),
        "votes_percent": _percent(step.votes_for if step else None, counted),
    }


def _resolutions(candidate, cell_kind: str, committee_kind: str) -> dict:
    cell_step = _last_step(candidate, cell_kind)
    committee_step = _last_step(candidate, committee_kind)
    text = ""
    if committee_step:
        base = base_organization(candidate.organization)
        text = (
            f" và Nghị quyết số {_number(committee_step, NQ_DU)} ngày {fmt(committee_step.on)} "
            f"của {committee_name(base)}"
        )
    return {
        "cell_resolution_number": _number(cell_step, NQ_CB),
        "cell_resolution_date": fmt(cell_step.on if cell_step else None),
        "committee_resolution_text": text,
    }


def _decision(candidate) -> dict:
    decision = _last_step(candidate, "decision")
    ceremony = _last_step(candidate, "ceremony")
    issuer = (decision.issuer if decision else "") or committee_name(candidate.organization.deciding_organization())
    return {
        "decision_number": _number(decision, QD_DU),
        "decision_date": fmt(decision.on if decision else None),
        "decision_issuer": issuer,
        "ceremony_date": fmt(ceremony.on if ceremony else None),
        "official_date": fmt(deadlines.official_date(ceremony.on) if ceremony else None),
    }


# --- the context: every documented field, for every form (an office's template may use any of them) -------
def introduction_context(introduction) -> dict:
    """The introducer of one 3-KNĐ letter (dotted lines for every other form)."""
    if introduction is None or introduction.introducer is None:
        keys = [k for k in FIELDS if k.startswith("introducer_")] + ["together_since", "introduced_on"]
        return dict.fromkeys(keys, DOTS)
    member = introduction.introducer
    membership = member.membership
    return {
        "introducer_name": member.full_name,
        "introducer_birth_date": fmt(member.birth_date),
        "introducer_job_title": member.job_title or DOTS,
        "introducer_work_unit": member.work_unit.name,
        "introducer_cell_name": membership.organization.name if membership else DOTS,
        "introducer_joined_on": fmt(membership.ceremony_date if membership else None),
        "introducer_official_on": fmt(membership.official_date if membership else None),
        "together_since": fmt(introduction.together_since),
        "introduced_on": fmt(introduction.introduced_on),
    }


def _opinions_date(form: Form, candidate) -> str:
    """When the summary (5-KNĐ / 12-KNĐ) was recorded as received in the dossier; dotted otherwise."""
    from ketnap.pipeline.enums import DocumentKind

    kind = DocumentKind.RECOGNITION_OPINIONS if form.for_recognition else DocumentKind.OPINIONS
    item = candidate.documents.filter(kind=kind).order_by("-received_on", "-pk").first()
    return long_date(item.received_on if item else None)


def build_context(form: Form, candidate, introduction=None) -> dict:
    """All FIELDS for `candidate`; the date, number, votes and note come from the step `form.step` (3-KNĐ: the
    date is the introduction's)."""
    from ketnap.pipeline.enums import HelperRole

    recognition = form.for_recognition
    cell_kind, committee_kind = (
        ("recognition_cell_resolution", "recognition_committee_resolution")
        if recognition
        else ("cell_resolution", "committee_resolution")
    )
    ceremony_step = _last_step(candidate, "ceremony")
    mentor = candidate.helpers.filter(role=HelperRole.MENTOR).select_related("member").order_by("-since").first()
    context = {
        **person_context(candidate),
        **step_context(form, _last_step(candidate, form.step)),
        **_resolutions(candidate, cell_kind, committee_kind),
        **_decision(candidate),
        # before the ceremony is recorded its programme is a draft: time and venue are dotted lines
        "ceremony_time": f"…… giờ, ngày {fmt(ceremony_step.on)}" if ceremony_step else "…… giờ, ngày …………",
        "ceremony_venue": DOTS,
        "mentor_name": mentor.member.full_name if mentor else DOTS,
        **introduction_context(introduction),
        "opinions_date_long": _opinions_date(form, candidate),
    }
    if introduction is not None:  # the letter is dated the day of the introduction, signed by the introducer
        context["date"] = fmt(introduction.introduced_on)
        context["date_long"] = long_date(introduction.introduced_on)
        context["signer_name"] = context["introducer_name"]
    return context


RECOGNITION_STEPS = {"recognition_cell_resolution", "recognition_committee_resolution", "recognition_decision"}
SOURCE_12HD = "12-HD/BTCTW 2022, phụ lục biểu mẫu (số mẫu theo rules.md §2.5); nội dung dựng lại theo "

SOURCE_MINUTES = (
    "Không phải mẫu đánh số của 12-HD/BTCTW: biên bản hội nghị chi bộ, dựng lại (giả định) theo rules.md §2.1 "
    "(biểu quyết ≥ 2/3 đảng viên chính thức được tính, trừ người chuyển sinh hoạt tạm thời / miễn sinh hoạt vắng "
    "mặt; xét từng người)"
)
# the admission dossier travels up to the decision; the recognition dossier during probation (5-KNĐ / 12-KNĐ)
DOSSIER_STAGES = frozenset({Stage.DOSSIER, Stage.CELL_RESOLVED, Stage.SUB_APPRAISED, Stage.COMMITTEE_RESOLVED})

FORMS: dict[str, Form] = {
    f.slug: f
    for f in [
        Form(
            "3-knd",
            "3-KNĐ",
            _("Giấy giới thiệu người vào Đảng"),
            "3-KND-giay-gioi-thieu.docx",
            SOURCE_12HD + "rules.md §2.2 bước 6 và §3 (đảng viên chính thức cùng công tác ít nhất 12 tháng; người "
            "giới thiệu báo cáo với chi bộ và chịu trách nhiệm về sự giới thiệu, Điều lệ Điều 4 khoản 2). Một giấy cho "
            "mỗi đảng viên giới thiệu (mỗi người ký giấy của mình); rules.md §2.2 ghi mẫu 3A-KNĐ khi hai đảng viên "
            "giới thiệu [S] — văn phòng có mẫu đó thì thay mẫu. Ban Chấp hành Đoàn cơ sở / Công đoàn cơ sở giới thiệu "
            "bằng nghị quyết 4-KNĐ / 4A-KNĐ của đoàn thể (rules.md §3), không phải giấy 3-KNĐ: ketnap không soạn.",
            per_introduction=True,
        ),
        Form(
            "5-knd",
            "5-KNĐ",
            _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú"),
            "5-KND-tong-hop-y-kien.docx",
            SOURCE_12HD + "rules.md §2.2 bước 7 (chi ủy tổng hợp ý kiến nhận xét của các đoàn thể nơi làm việc và chi "
            "ủy nơi cư trú; phiếu 5B/5C-KNĐ theo hướng dẫn cũ [S]). Các ý kiến để dòng chấm, chi ủy ghi.",
            stages=DOSSIER_STAGES,
        ),
        Form(
            "6-knd",
            "6-KNĐ",
            _("Nghị quyết chi bộ đề nghị kết nạp đảng viên"),
            "6-KND-nghi-quyet-chi-bo.docx",
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 đảng viên chính thức, từng người), §2.2 bước 8.",
            step="cell_resolution",
            number_suffix=NQ_CB,
        ),
        Form(
            "bien-ban-xet-ket-nap",
            "BB-KN",
            _("Biên bản họp chi bộ xét đề nghị kết nạp đảng viên"),
            "bien-ban-hop-chi-bo-xet-ket-nap.docx",
            SOURCE_MINUTES + ", §2.2 bước 8 (cuộc họp ra nghị quyết 6-KNĐ). Diễn biến, ý kiến thảo luận để dòng chấm.",
            step="cell_resolution",
        ),
        Form(
            "7-knd",
            "7-KNĐ",
            _("Báo cáo thẩm định của đảng ủy bộ phận (kết nạp)"),
            "7-KND-bao-cao-tham-dinh.docx",
            SOURCE_12HD + "rules.md §2.1 (đảng ủy bộ phận thẩm định nghị quyết của chi bộ và báo cáo; không phải cấp "
            "quyết định), §2.2 bước 9. Chỉ có khi chi bộ trực thuộc đảng bộ bộ phận. Giả định: ký hiệu số -BC/ĐU; "
            "bí thư ký T/M Đảng ủy (bộ phận), không ghi đóng dấu.",
            step="sub_appraisal",
            number_suffix=BC_DU,
        ),
        Form(
            "8-knd",
            "8-KNĐ",
            _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên"),
            "8-KND-nghi-quyet-dang-uy-co-so.docx",
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 cấp ủy viên), §2.2 bước 10. Không có với chi bộ cơ sở.",
            step="committee_resolution",
            number_suffix=NQ_DU,
        ),
        Form(
            "9-knd",
            "9-KNĐ",
            _("Quyết định kết nạp đảng viên"),
            "9-KND-quyet-dinh-ket-nap.docx",
            SOURCE_12HD + "rules.md §2.1 (cấp có thẩm quyền, QĐ 29 §4.3.2), §2.2 bước 11–12 (lễ trong 30 ngày "
            "làm việc). Giả định: ký T/M Ban Thường vụ, trừ đảng ủy cơ sở được ủy quyền (T/M Đảng ủy).",
            step="decision",
            number_suffix=QD_DU,
            batch="decision",
        ),
        Form(
            "chuong-trinh-le-ket-nap",
            "CT-LKN",
            _("Chương trình lễ kết nạp đảng viên"),
            "chuong-trinh-le-ket-nap.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Trình tự theo HD 01-HD/TW 2016 §3.8 (rules.md §2.2 bước 12); "
            "06-HD/TW giữ nguyên trình tự [U]. Kết nạp từng người một.",
            step="ceremony",
            requires="decision",  # the programme is prepared before the ceremony
            batch="ceremony",
        ),
        Form(
            "giay-moi-le-ket-nap",
            "GM-LKN",
            _("Giấy mời dự lễ kết nạp đảng viên"),
            "giay-moi-le-ket-nap.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Lễ kết nạp theo HD 01-HD/TW 2016 §3.8 (rules.md §2.2 bước 12: "
            "giới thiệu đại biểu; đại diện cấp ủy cấp trên phát biểu nếu có); lời mời là giả định. Người được mời, "
            "giờ và địa điểm để dòng chấm.",
            step="ceremony",
            requires="decision",  # sent before the ceremony, with its programme
            batch="ceremony",
        ),
        Form(
            "12-knd",
            "12-KNĐ",
            _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (công nhận chính thức)"),
            "12-KND-tong-hop-y-kien.docx",
            SOURCE_12HD + "rules.md §2.3 (hồ sơ công nhận: tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú "
            "đối với đảng viên dự bị, vanxuan.net [S]). Các ý kiến để dòng chấm, chi ủy ghi.",
            stages=ON_PROBATION,
            recognition=True,
        ),
        Form(
            "13-knd",
            "13-KNĐ",
            _("Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức"),
            "13-KND-nghi-quyet-chi-bo-cong-nhan.docx",
            SOURCE_12HD + "rules.md §2.3 (biểu quyết như khi xét kết nạp; họp sau khi hết 12 tháng dự bị).",
            step="recognition_cell_resolution",
            number_suffix=NQ_CB,
        ),
        Form(
            "bien-ban-xet-cong-nhan",
            "BB-CN",
            _("Biên bản họp chi bộ xét đề nghị công nhận đảng viên chính thức"),
            "bien-ban-hop-chi-bo-xet-cong-nhan.docx",
            SOURCE_MINUTES + ", §2.3 (biểu quyết như khi xét kết nạp; cuộc họp ra nghị quyết 13-KNĐ). "
            "Diễn biến, ý kiến thảo luận để dòng chấm.",
            step="recognition_cell_resolution",
        ),
        Form(
            "14-knd",
            "14-KNĐ",
            _("Báo cáo thẩm định của đảng ủy bộ phận (công nhận chính thức)"),
            "14-KND-bao-cao-tham-dinh.docx",
            SOURCE_12HD + "rules.md §2.1 (đảng ủy bộ phận thẩm định, báo cáo), §2.3. Chỉ có khi chi bộ trực thuộc đảng "
            "bộ bộ phận (như bước sub_appraisal, pipeline.transitions.under_sub_committee); ketnap không ghi nhận bước "
            "này nên ngày, số để dòng chấm. Giả định: ký hiệu số -BC/ĐU; bí thư ký T/M Đảng ủy (bộ phận).",
            requires="recognition_cell_resolution",
            applies=under_sub_committee,
            recognition=True,
            number_suffix=BC_DU,
        ),
        Form(
            "15-knd",
            "15-KNĐ",
            _("Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức"),
            "15-KND-nghi-quyet-dang-uy-co-so-cong-nhan.docx",
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 cấp ủy viên), §2.3 (hồ sơ công nhận). Không có với chi bộ cơ sở.",
            step="recognition_committee_resolution",
            number_suffix=NQ_DU,
        ),
        Form(
            "16-knd",
            "16-KNĐ",
            _("Quyết định công nhận đảng viên chính thức"),
            "16-KND-quyet-dinh-cong-nhan.docx",
            SOURCE_12HD + "rules.md §2.2 (tuổi đảng từ ngày quyết định kết nạp; ngày chính thức = hết 12 tháng, "
            "QĐ 24 §4.2.2), §2.3.",
            step="recognition_decision",
            number_suffix=QD_DU,
            batch="recognition_decision",
        ),
        # blanks written by hand (rules.md §2.2 bước 3–4, §2.3); ketnap tracks them as DossierItem
        Form(
            "1-knd-mau-trang",
            "1-KNĐ",
            _("Đơn xin vào Đảng (mẫu trắng, viết tay)"),
            "1-KND-don-xin-vao-dang-mau-trang.docx",
            "12-HD/BTCTW 2022 mẫu 1-KNĐ; mục theo rules.md §2.2 bước 3 (mẫu 2012 [C]).",
            handwritten=True,
        ),
        Form(
            "2-knd-mau-trang",
            "2-KNĐ",
            _("Lý lịch của người xin vào Đảng (mẫu trắng, viết tay)"),
            "2-KND-ly-lich-mau-trang.docx",
            "12-HD/BTCTW 2022 §1.4.2: 24 mục, rules.md §2.4.",
            handwritten=True,
        ),
        Form(
            "10-knd-mau-trang",
            "10-KNĐ",
            _("Bản tự kiểm điểm của đảng viên dự bị (mẫu trắng, viết tay)"),
            "10-KND-tu-kiem-diem-mau-trang.docx",
            "rules.md §2.3 (vanxuan.net [S]); các mục là giả định.",
            handwritten=True,
        ),
        Form(
            "11-knd-mau-trang",
            "11-KNĐ",
            _("Bản nhận xét của đảng viên giúp đỡ (mẫu trắng, viết tay)"),
            "11-KND-nhan-xet-mau-trang.docx",
            "rules.md §2.3 (vanxuan.net [S]); các mục là giả định.",
            handwritten=True,
        ),
    ]
}

ADMISSION_STAGES = {
    Stage.SOURCE,
    Stage.SYMPATHISER,
    Stage.DOSSIER,
    Stage.CELL_RESOLVED,
    Stage.SUB_APPRAISED,
    Stage.COMMITTEE_RESOLVED,
}


def blanks_for(candidate) -> list[Form]:
    """The hand-written blanks that matter at the candidate's stage (admission papers, then recognition)."""
    wanted = {"1-KNĐ", "2-KNĐ"} if candidate.stage in ADMISSION_STAGES else {"10-KNĐ", "11-KNĐ"}
    return [f for f in FORMS.values() if f.handwritten and f.code in wanted]


def generated_for(candidate) -> list[Form]:
    return [f for f in FORMS.values() if not f.handwritten and f.available(candidate)]


@dataclass(frozen=True)
class Offer:
    """One document the candidate page links: a form, and for 3-KNĐ the introduction it is written for."""

    form: Form
    introduction: object = None

    @property
    def query(self) -> str:
        return f"?{INTRODUCTION_PARAM}={self.introduction.pk}" if self.introduction else ""

    @property
    def label(self) -> str:
        return f"{self.form.title} — {self.introduction.introducer.full_name}" if self.introduction else self.form.title


INTRODUCTION_PARAM = "gioi-thieu"  # ?gioi-thieu=<Introduction pk>: which introducer's 3-KNĐ letter


def offers_for(candidate) -> list[Offer]:
    """generated_for(), with the per-introduction forms spread out: one 3-KNĐ letter per member introducer."""
    offers = []
    for form in generated_for(candidate):
        if form.per_introduction:
            offers.extend(Offer(form, i) for i in member_introductions(candidate))
        else:
            offers.append(Offer(form))
    return offers


# --- list documents: one .docx for the candidates in the user's scope (not per candidate) ---------------------
LIST_FIELDS: dict[str, str] = {
    "place": "Địa danh ở dòng ngày tháng (như trên)",
    "date_long": "Ngày lập danh sách (hôm nay), “ngày 05 tháng 02 năm 2024”",
    "month": "Tháng của danh sách, “11/2026”",
    "issuer_upper": "Tổ chức đảng lập danh sách (gốc phạm vi của người dùng), in hoa; nhiều gốc: dòng chấm",
    "superior_upper": "Cấp trên của tổ chức lập danh sách, in hoa",
    "count": "Số người trong danh sách",
    "rows": "Các dòng: r.no (STT), r.person_name, r.birth_date, r.work_unit, r.cell_name, r.step (việc cần làm), "
    "r.due (hạn, dd/mm/yyyy), r.source (căn cứ), r.since (ngày vào danh sách cảm tình), r.helpers (đảng viên giúp đỡ), "
    "r.gender, r.job_title (chức vụ / chức danh), r.stage (giai đoạn)",
}


@dataclass(frozen=True)
class ListDoc:
    slug: str
    title: str
    template: str
    source: str


LISTS: dict[str, ListDoc] = {
    d.slug: d
    for d in [
        ListDoc(
            "den-han-trong-thang",
            _("Danh sách người đến hạn trong tháng"),
            "danh-sach-den-han-trong-thang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Hạn và căn cứ do ketnap.pipeline.due tính từ các bước đã ghi "
            "(rules.md §2.2–§2.3), như trang Việc cần làm; gồm những người có hạn rơi vào tháng hiện tại.",
        ),
        ListDoc(
            "cam-tinh-dang",
            _("Danh sách quần chúng cảm tình Đảng"),
            "danh-sach-cam-tinh-dang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Quần chúng ở giai đoạn cảm tình Đảng (rules.md §2.2 bước 1–2: "
            "chi bộ đưa vào danh sách, phân công đảng viên giúp đỡ), xếp theo chi bộ.",
        ),
        ListDoc(
            "de-nghi-hoc-lop-nhan-thuc",
            _("Danh sách đề nghị cử đi học lớp bồi dưỡng nhận thức về Đảng"),
            "danh-sach-de-nghi-hoc-lop-nhan-thuc-ve-dang.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. rules.md §2.2 bước 1–2 (chi bộ đề nghị cử quần chúng ưu tú đi học "
            "lớp bồi dưỡng nhận thức về Đảng; đảng ủy cơ sở xem xét, cử đi học; giấy chứng nhận CN-NTVĐ) và §1 mục 5 "
            "(bắt buộc, giá trị 60 tháng). Gồm người ở giai đoạn quần chúng ưu tú / cảm tình Đảng chưa ghi nhận giấy "
            "chứng nhận (bước certificate), và người đang hoàn thiện hồ sơ mà giấy chứng nhận đã hết hạn 60 tháng "
            "(phải học lại: giấy phải còn hạn vào ngày chi bộ họp xét, 06-HD/TW §5.4), xếp theo chi bộ.",
        ),
    ]
}


def _list_heading(scope, today: dt.date) -> dict:
    roots = scope.root_organizations()
    root = roots[0] if len(roots) == 1 else None
    return {
        "place": settings.KETNAP_PLACE.strip() or DOTS,
        "date_long": long_date(today),
        "month": f"{today.month:02d}/{today.year}",
        "issuer_upper": _upper(committee_name(root)) if root else DOTS,
        "superior_upper": _upper(root.parent.name) if root and root.parent else "",
    }


def due_this_month_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Open candidates in scope whose next step falls due in `month`'s month (default: this month; pipeline.due,
    like Việc cần làm)."""
    from ketnap.pipeline import due

    month = month or today
    scheduled = [
        s
        for s in due.schedule(scope.candidates(), today)
        if s.timing.due and (s.timing.due.year, s.timing.due.month) == (month.year, month.month)
    ]
    scheduled.sort(key=lambda s: (s.timing.due, s.sort_name, s.candidate_id))
    rows = [
        {
            "no": n,
            "person_name": item.candidate.person.full_name,
            "cell_name": item.candidate.organization.name,
            "step": item.action or DOTS,
            "due": fmt(item.due),
            "source": str(item.source) if item.source else DOTS,
        }
        for n, item in enumerate(due.rows(scheduled, today), 1)
    ]
    heading = _list_heading(scope, today) | {"month": f"{month.month:02d}/{month.year}"}
    return {**heading, "count": len(rows), "rows": rows}


def sympathisers_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Candidates at stage SYMPATHISER in scope, by chi bộ then name: the list as it stands today (`month` is the
    due list's choice and does not apply)."""
    from ketnap.pipeline.enums import HelperRole

    candidates = (
        scope.candidates()
        .filter(stage=Stage.SYMPATHISER)
        .select_related("person", "person__work_unit", "organization")
        .order_by("organization__name", "person__sort_key", "pk")
    )
    rows = []
    for n, candidate in enumerate(candidates, 1):
        since = _last_step(candidate, "sympathise")
        helpers = candidate.helpers.filter(role=HelperRole.HELPER, until__isnull=True).select_related("member")
        rows.append(
            {
                "no": n,
                "person_name": candidate.person.full_name,
                "birth_date": fmt(candidate.person.birth_date),
                "work_unit": candidate.person.work_unit.name,
                "cell_name": candidate.organization.name,
                "since": fmt(since.on if since else None),
                "helpers": ", ".join(h.member.full_name for h in helpers) or DOTS,
            }
        )
    return {**_list_heading(scope, today), "count": len(rows), "rows": rows}


def course_nominations_context(scope, today: dt.date, month: dt.date | None = None) -> dict:
    """Whom to send to the party-awareness course (rules.md §2.2 bước 1–2), by chi bộ then name: candidates at stage
    SOURCE or SYMPATHISER with no course certificate recorded (step "certificate"), and candidates whose dossier is
    still before the chi bộ's resolution but whose certificate has expired (60 months, rules.eligibility): the
    certificate must be valid on the day the chi bộ meets, so they must take the course again (06-HD/TW §5.4)."""
    from ketnap.pipeline.enums import HelperRole
    from ketnap.rules.eligibility import certificate_expires_on

    candidates = (
        scope.candidates()
        .filter(
            Q(stage__in=[Stage.SOURCE, Stage.SYMPATHISER]) & ~Q(steps__kind="certificate", steps__passed=True)
            | Q(stage=Stage.DOSSIER)
        )
        .select_related("person", "person__work_unit", "organization")
        .order_by("organization__name", "person__sort_key", "pk")
        .distinct()
    )
    rows = []
    for candidate in candidates:
        stage = candidate.get_stage_display()
        if candidate.stage == Stage.DOSSIER:
            certificate = _last_step(candidate, "certificate")
            expires = certificate_expires_on(certificate.on) if certificate else None
            if expires is None or expires > today:
                continue  # a valid certificate: nothing to retake
            stage = f"{stage} — giấy chứng nhận hết hạn {fmt(expires)}"
        person = candidate.person
        since = _last_step(candidate, "sympathise")
        helpers = candidate.helpers.filter(role=HelperRole.HELPER, until__isnull=True).select_related("member")
        rows.append(
            {
                "no": len(rows) + 1,
                "person_name": person.full_name,
                "birth_date": fmt(person.birth_date),
                "gender": person.get_gender_display(),
                "job_title": person.job_title or "",
                "work_unit": person.work_unit.name,
                "cell_name": candidate.organization.name,
                "stage": stage,
                "since": fmt(since.on if since else None),
                "helpers": ", ".join(h.member.full_name for h in helpers) or DOTS,
            }
        )
    return {**_list_heading(scope, today), "count": len(rows), "rows": rows}


LIST_CONTEXTS = {
    "den-han-trong-thang": due_this_month_context,
    "cam-tinh-dang": sympathisers_context,
    "de-nghi-hoc-lop-nhan-thuc": course_nominations_context,
}
