"""The forms ketnap writes for the office (and the blank ones people write by hand): what each is, when it is
available, where its wording comes from, and the fields its template may use.

Numbering checked against rules.md §2.5 (12-HD/BTCTW 2022, same as 09-HD 2017): 1-KNĐ application, 2-KNĐ
biography, 3-KNĐ introduction (3A-KNĐ by two members), 4/4A-KNĐ Youth/Trade Union, 5-KNĐ summary of opinions,
6-KNĐ chi bộ resolution, 7-KNĐ sub-committee appraisal, 8-KNĐ base committee resolution, 9-KNĐ admission
decision, 10-KNĐ self-review, 11-KNĐ helper's assessment, 12-KNĐ summary of opinions, 13-KNĐ chi bộ recognition
resolution, 14-KNĐ appraisal, 15-KNĐ base committee recognition resolution, 16-KNĐ recognition decision. The same
numbers are used by pipeline.enums.DocumentKind and the step labels in pipeline.transitions.

Wording: ketnap's sources (rules.md §2.5) list the forms but do not reproduce the appendix text of
12-HD/BTCTW; each template below is reconstructed from the structure those sources describe (rules.md §2.2,
§2.3, §2.4) and the Party's document layout (HD 36-HD/VPTW). An office that holds the original appendix replaces
the template file (see render.template_path) — the fields stay the same.

Facts the register does not hold (hometown, who chaired the meeting, the merits discussed …) are either the
step's note or dotted lines to be completed in Word.

Forms without a recording step of their own: 3-KNĐ is one letter per member introducer, 4-KNĐ / 4A-KNĐ one
resolution per Youth / Trade Union introduction (pipeline.models.Introduction, chosen by `?gioi-thieu=<pk>`), 3A-KNĐ
one letter of the first two member introducers together; 5-KNĐ / 12-KNĐ are offered by stage (admission
dossier / probation and recognition); 14-KNĐ once the chi bộ's recognition resolution is recorded and the chi bộ
sits under a đảng ủy bộ phận (pipeline.transitions.under_sub_committee, as for the step sub_appraisal, 7-KNĐ).

Who signs: the secretary (chairman for the Trade Union); `?nguoi-ky=pho-bi-thu` (SIGNER_PARAM) has the deputy sign
“K/T BÍ THƯ / PHÓ BÍ THƯ”. Each form carries its “Mẫu N-KNĐ” mark at the top right.
"""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ketnap.pipeline.enums import IntroducerKind, Stage, StepKind
from ketnap.pipeline.transitions import ON_PROBATION, under_sub_committee
from ketnap.registry.enums import MembershipStatus, OrgKind
from ketnap.registry.models import document_place
from ketnap.rules import deadlines, sources
from ketnap.rules.dates import ddmmyyyy

DOTS = "…………"
# symbols added to a number entered as digits only (HD 36-HD/VPTW: “Số 12-NQ/ĐU”)
NQ_CB, NQ_DU, QD_DU = "-NQ/CB", "-NQ/ĐU", "-QĐ/ĐU"
BC_DU = "-BC/ĐU"  # report of the đảng ủy bộ phận (7-KNĐ, 14-KNĐ); the symbol is an assumption (forms' source)


# --- the fields (documented once; each form lists those its template uses) --------------------------------
FIELDS: dict[str, str] = {
    "place": "Địa danh ở dòng ngày tháng (Thiết lập chung do quản trị đặt; mặc định để trống “…………”)",
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
    "cell_superior_upper": "Tổ chức đảng cấp trên của chi bộ, in hoa (dòng trên cùng bên trái); tên chung chung như "
    "“Đảng bộ UBND tỉnh” được ghi thêm tên tỉnh lấy từ cây tổ chức (“ĐẢNG BỘ UBND TỈNH QUẢNG NINH”)",
    "base_committee_name": "Đảng ủy cơ sở (“Đảng bộ X” → “Đảng ủy X”); chi bộ cơ sở: tên chi bộ",
    "base_committee_upper": "Đảng ủy cơ sở, in hoa",
    "proposal_to": "Nơi chi bộ gửi nghị quyết: đảng ủy cơ sở; chi bộ cơ sở thì cấp ủy có thẩm quyền",
    "base_superior_upper": "Cấp trên của đảng bộ cơ sở, in hoa",
    "deciding_name": "Cấp ủy có thẩm quyền quyết định (Organization.deciding_organization())",
    "deciding_name_upper": "Cấp ủy có thẩm quyền, in hoa",
    "deciding_superior_upper": "Cấp trên của cấp ủy có thẩm quyền, in hoa",
    "deciding_body": "Ban Thường vụ … (cấp trên cơ sở, đảng ủy được giao quyền cấp trên cơ sở) hoặc Đảng ủy … "
    "(đảng ủy cơ sở được ủy quyền kết nạp: cả Ban Chấp hành quyết định)",
    "deciding_body_upper": "Như trên, in hoa",
    "deciding_on_behalf": "T/M BAN THƯỜNG VỤ hoặc T/M ĐẢNG ỦY",
    "committee_subject": "Trích yếu nghị quyết của đảng ủy cơ sở (8-KNĐ / 15-KNĐ): “đề nghị kết nạp đảng viên”; "
    "đảng ủy được ủy quyền kết nạp tự quyết định: “kết nạp đảng viên” (công nhận: “… công nhận đảng viên chính thức”)",
    "committee_conclusion": "Câu kết luận của 8-KNĐ / 15-KNĐ: đề nghị cấp có thẩm quyền (Ban Thường vụ …) quyết "
    "định, hoặc đảng ủy được ủy quyền quyết định kết nạp / công nhận (HD 06-HD/TW điểm 3.7.a)",
    "committee_receiver": "Nơi nhận đầu tiên của 8-KNĐ / 15-KNĐ: cấp có thẩm quyền quyết định (Ban Thường vụ …); "
    "đảng ủy được ủy quyền: Ban Thường vụ cấp ủy cấp trên (để báo cáo)",
    "signer_name": "Người ký (để trống: dòng chấm)",
    "signer_post": "Chức danh người ký dưới dòng T/M: “BÍ THƯ” (mặc định), hoặc “K/T BÍ THƯ” xuống dòng “PHÓ BÍ THƯ” "
    "khi tải với ?nguoi-ky=pho-bi-thu (Công đoàn, 4A-KNĐ: CHỦ TỊCH / PHÓ CHỦ TỊCH)",
    "sub_committee_name": "Đảng ủy bộ phận phụ trách chi bộ (“Đảng bộ bộ phận X” → “Đảng ủy bộ phận X”); "
    "không có: dòng chấm",
    "sub_committee_upper": "Đảng ủy bộ phận, in hoa",
    "sub_superior_upper": "Cấp trên của đảng bộ bộ phận (đảng bộ cơ sở), in hoa",
    "members_total": "Tổng số đảng viên chính thức (chi bộ) / cấp ủy viên (đảng ủy) ghi ở bước",
    "members_probationary": "Số đảng viên dự bị của chi bộ vào ngày họp, đếm từ sổ đảng viên (ngày họp của bước; sổ "
    "không có ai ở chi bộ ngày đó, hay bước chưa ghi: dòng chấm)",
    "members_all": "Tổng số đảng viên của chi bộ = chính thức (ghi ở bước) + dự bị (sổ đảng viên); thiếu một số: "
    "dòng chấm",
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
    "regulation_basis": "Quy định thi hành Điều lệ Đảng có hiệu lực vào ngày của bước (ketnap.rules.sources), vd. "
    "“Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng”",
    "guidance_basis": "Hướng dẫn thi hành Điều lệ Đảng có hiệu lực vào ngày của bước, vd. “Hướng dẫn số 06-HD/TW ngày "
    "09/6/2025 của Ban Bí thư về một số vấn đề cụ thể thi hành Điều lệ Đảng”",
    "ceremony_date": "Ngày lễ kết nạp (bắt đầu 12 tháng dự bị)",
    "official_date": "Ngày hết 12 tháng dự bị = ngày chính thức (QĐ 24 §4.2.2)",
    "ceremony_time": "Giờ, ngày lễ kết nạp (dòng chấm nếu chưa ghi nhận)",
    "ceremony_venue": "Địa điểm lễ (dòng chấm)",
    "mentor_name": "Đảng viên chính thức giúp đỡ đảng viên dự bị (dòng chấm nếu chưa phân công)",
    "introducer_name": "Người giới thiệu (3-KNĐ: đảng viên chính thức của giấy giới thiệu này; 3A-KNĐ: người thứ "
    "nhất); khác: dòng chấm",
    "introducer_birth_date": "Ngày sinh của người giới thiệu",
    "introducer_job_title": "Chức vụ / chức danh của người giới thiệu",
    "introducer_work_unit": "Khoa / phòng của người giới thiệu",
    "introducer_cell_name": "Chi bộ nơi người giới thiệu sinh hoạt",
    "introducer_joined_on": "Ngày vào Đảng (lễ kết nạp) của người giới thiệu",
    "introducer_official_on": "Ngày chính thức của người giới thiệu",
    "together_since": "Cùng công tác với người vào Đảng từ ngày (ít nhất 12 tháng, rules.md §3)",
    "introduced_on": "Ngày giới thiệu (4-KNĐ / 4A-KNĐ: ngày nghị quyết giới thiệu của Đoàn / Công đoàn)",
    "introducer2_name": "3A-KNĐ: người giới thiệu thứ hai (đảng viên chính thức); khác: dòng chấm",
    "introducer2_birth_date": "3A-KNĐ: ngày sinh của người giới thiệu thứ hai",
    "introducer2_job_title": "3A-KNĐ: chức vụ / chức danh của người giới thiệu thứ hai",
    "introducer2_work_unit": "3A-KNĐ: khoa / phòng của người giới thiệu thứ hai",
    "introducer2_cell_name": "3A-KNĐ: chi bộ nơi người giới thiệu thứ hai sinh hoạt",
    "introducer2_joined_on": "3A-KNĐ: ngày vào Đảng của người giới thiệu thứ hai",
    "introducer2_official_on": "3A-KNĐ: ngày chính thức của người giới thiệu thứ hai",
    "introducer2_together_since": "3A-KNĐ: người giới thiệu thứ hai cùng công tác với người vào Đảng từ ngày",
    "youth_union_joined_on": "Ngày vào Đoàn TNCS Hồ Chí Minh của người vào Đảng (dòng chấm nếu chưa ghi)",
    "opinions_date_long": "Ngày ghi nhận bản tổng hợp ý kiến (5-KNĐ / 12-KNĐ) trong hồ sơ; chưa có: dòng chấm",
}


SIGNER_PARAM = "nguoi-ky"  # ?nguoi-ky=pho-bi-thu: the deputy signs (K/T BÍ THƯ / PHÓ BÍ THƯ)
# ?du-thao=dd/mm/yyyy: the chi bộ meeting's resolution and minutes before its vote, for that meeting day (a draft)
DRAFT_PARAM = "du-thao"
SECRETARY, DEPUTY = "bi-thu", "pho-bi-thu"
SIGNERS = (SECRETARY, DEPUTY)


def signer_post(head: str, signer: str = SECRETARY) -> str:
    """The post under “T/M …”: the head (“BÍ THƯ”), or for a deputy “K/T BÍ THƯ” and, on the next line,
    “PHÓ BÍ THƯ” (docxtpl turns the line feed into a line break inside the paragraph)."""
    if signer == DEPUTY:
        return f"K/T {head}\nPHÓ {head}"
    return head


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
    introduction_kind: str | None = None  # one document per introduction of this kind (3-KNĐ, 4-KNĐ, 4A-KNĐ)
    joint_introduction: bool = False  # one letter of the first two member introducers together (3A-KNĐ)
    head: str = "BÍ THƯ"  # who signs for the body (Công đoàn: CHỦ TỊCH); a deputy signs “K/T …”
    signed_by_office: bool = True  # signed by a secretary / chairman (the signer may be the deputy)

    @property
    def official_code(self) -> str:
        """The number of the form in the Central Organisation Committee's guidance ("6-KNĐ"); "" for ketnap's own
        aids (minutes, the ceremony programme and invitation) whose short codes are internal only."""
        return self.code if self.code.endswith("-KNĐ") else ""

    @property
    def per_introduction(self) -> bool:
        return self.introduction_kind is not None

    def introductions(self, candidate):
        """The introductions this form is written for (one document each), or none."""
        if self.introduction_kind is None:
            return candidate.introductions.none()
        return introductions_of(candidate, self.introduction_kind)

    def available(self, candidate, loaded: "Loaded | None" = None) -> bool:
        """Whether the form can be written for the candidate now. `loaded`: their steps and introductions read once
        (a page deciding every form); without it, this form's own queries."""
        if self.handwritten:
            return True
        if self.per_introduction:
            if loaded is not None:
                return bool(loaded.introductions_of(self.introduction_kind))
            return self.introductions(candidate).exists()
        if self.joint_introduction:
            if loaded is not None:
                return len(loaded.introductions_of(IntroducerKind.MEMBER)) >= 2
            return member_introductions(candidate).count() >= 2
        if self.stages is not None and candidate.stage not in self.stages:
            return False
        if self.applies is not None and not self.applies(candidate):
            return False
        kind = self.requires or self.step
        if kind is None:
            return True
        if loaded is not None:
            return kind in loaded.last_steps
        return _last_step(candidate, kind) is not None

    @property
    def for_recognition(self) -> bool:
        return self.recognition or self.step in RECOGNITION_STEPS

    def drafted(self, candidate) -> bool:
        """Whether the form can be drafted before the chi bộ's meeting: a form of that meeting's vote (6-KNĐ, 13-KNĐ,
        their minutes), for a candidate at the stage the meeting decides on."""
        return DRAFT_STAGES.get(self.step) == candidate.stage

    def context(self, candidate, introduction=None, signer: str = SECRETARY, draft_on: dt.date | None = None) -> dict:
        return {} if self.handwritten else build_context(self, candidate, introduction, signer, draft_on)


def introductions_of(candidate, kind: str):
    """The candidate's introductions of one kind, oldest first (a member introduction needs its introducer)."""
    found = candidate.introductions.filter(kind=kind)
    if kind == IntroducerKind.MEMBER:
        found = found.filter(introducer__isnull=False)
    return found.select_related("introducer", "introducer__work_unit").order_by("introduced_on", "pk")


@dataclass(frozen=True)
class Loaded:
    """A candidate's passed steps and introductions, read in two queries, from which every form's availability is
    decided (the candidate page lists them all: one query per form and per introduction kind before, #14)."""

    last_steps: dict  # step kind → the newest passed step of that kind (as _last_step)
    introductions: list  # oldest first, introducer and their unit selected (as introductions_of)

    @classmethod
    def of(cls, candidate) -> "Loaded":
        last_steps = {}
        for step in candidate.steps.filter(passed=True).order_by("-on", "-id"):
            last_steps.setdefault(step.kind, step)
        introductions = candidate.introductions.select_related("introducer", "introducer__work_unit")
        return cls(last_steps, list(introductions.order_by("introduced_on", "pk")))

    def introductions_of(self, kind: str) -> list:
        """introductions_of(candidate, kind), from memory."""
        return [
            i
            for i in self.introductions
            if i.kind == kind and (kind != IntroducerKind.MEMBER or i.introducer_id is not None)
        ]


def member_introductions(candidate):
    """Introductions by an official member: one 3-KNĐ each (and 3A-KNĐ for the first two together). A Youth/Trade
    Union executive introduces by a resolution of the union (4-KNĐ / 4A-KNĐ, rules.md §3)."""
    return introductions_of(candidate, IntroducerKind.MEMBER)


# --- helpers ------------------------------------------------------------------------------------------------
def _last_step(candidate, kind: str | None):
    if not kind:
        return None
    return candidate.steps.filter(kind=kind, passed=True).order_by("-on", "-id").first()


def fmt(day: dt.date | None) -> str:
    return ddmmyyyy(day) if day else DOTS


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
    for prefix, committee in (("Đảng bộ tỉnh ", "Tỉnh ủy "), ("Đảng bộ thành phố ", "Thành ủy ")):
        if org.kind == OrgKind.PROVINCE and name.startswith(prefix):
            return committee + name[len(prefix) :]
    return "Đảng ủy " + name[len("Đảng bộ ") :] if name.startswith("Đảng bộ ") else name


def _upper(text: str) -> str:
    return text.upper() if text and text != DOTS else text


def _ancestors(org) -> list:
    """The organisation's ancestors, nearest first."""
    from ketnap.registry.models import Organization

    return list(Organization.objects.filter(pk__in=org.ancestor_ids()).order_by("-depth"))


GENERIC_PLACE = re.compile(r"\b(tỉnh|thành phố)$", re.IGNORECASE)


def heading_upper(org) -> str:
    """The superior organisation's line of a heading (HD 36-HD/VPTW: tên cơ quan cấp trên trực tiếp), in capitals.

    The direct parent in the organisation tree; a name that ends on a bare “tỉnh” / “thành phố” (“Đảng bộ UBND
    tỉnh”, “Đảng bộ Khối các cơ quan tỉnh”) does not say which province, so the province found above it in the tree
    is added (“ĐẢNG BỘ UBND TỈNH QUẢNG NINH”). The province's own name (“Đảng bộ tỉnh Quảng Ninh”) is kept."""
    if org is None:
        return ""
    name = org.name
    if org.kind != OrgKind.PROVINCE and GENERIC_PLACE.search(name):
        province = next((o for o in [*_ancestors(org)] if o.kind == OrgKind.PROVINCE), None)
        place = _province_place(province)
        if place:
            name = f"{name} {place}"
    return name.upper()


def _province_place(province) -> str:
    """“Đảng bộ tỉnh Quảng Ninh” → “Quảng Ninh” (the place name after “tỉnh” / “thành phố”)."""
    if province is None:
        return ""
    name = province.name
    for prefix in ("Đảng bộ tỉnh ", "Đảng bộ thành phố ", "Đảng bộ "):
        if name.startswith(prefix):
            return name[len(prefix) :].strip()
    return ""


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


def deciding_by_whole_committee(deciding) -> bool:
    """rules.md §2.1 (QĐ 29 §4.3.2; HD 06-HD/TW điểm 3.7.a): an authorised đảng ủy cơ sở decides as a whole
    committee; anyone else (the committee above the base, a đảng ủy with above-base powers, the province) decides
    through its standing committee."""
    return bool(deciding and deciding.kind in OrgKind.base_kinds() and deciding.authorised_to_admit)


def person_context(candidate) -> dict:
    person = candidate.person
    cell = candidate.organization
    base = base_organization(cell)
    deciding = cell.deciding_organization()
    cell_parent = cell.parent
    sub = cell_parent if cell_parent and cell_parent.kind == OrgKind.SUB_COMMITTEE else None
    base_parent = base.parent if base else None
    deciding_parent = deciding.parent if deciding else None
    whole = deciding_by_whole_committee(deciding)
    body = committee_name(deciding) if whole else f"Ban Thường vụ {committee_name(deciding)}"
    return {
        "place": document_place() or DOTS,
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
        "youth_union_joined_on": fmt(person.youth_union_joined_on),
        "cell_name": cell.name,
        "cell_name_upper": cell.name.upper(),
        "cell_superior_upper": heading_upper(cell_parent),
        "sub_committee_name": committee_name(sub) if sub else DOTS,
        "sub_committee_upper": _upper(committee_name(sub)) if sub else DOTS,
        "sub_superior_upper": heading_upper(sub.parent) if sub else "",
        "base_committee_name": committee_name(base) if base and base != cell else cell.name,
        "base_committee_upper": _upper(committee_name(base) if base else DOTS),
        # a chi bộ cơ sở has no đảng ủy: its resolution goes straight to the competent committee (rules.md §2.1)
        "proposal_to": committee_name(base) if base and base != cell else committee_name(deciding),
        "base_superior_upper": heading_upper(base_parent),
        "deciding_name": committee_name(deciding),
        "deciding_name_upper": _upper(committee_name(deciding)),
        "deciding_superior_upper": heading_upper(deciding_parent),
        "deciding_body": body if deciding else DOTS,
        "deciding_body_upper": _upper(body) if deciding else DOTS,
        "deciding_on_behalf": "T/M ĐẢNG ỦY" if whole else "T/M BAN THƯỜNG VỤ",
    }


def committee_context(candidate, recognition: bool) -> dict:
    """What the đảng ủy cơ sở's resolution (8-KNĐ / 15-KNĐ) says and to whom it goes.

    A đảng ủy cơ sở authorised to admit does not propose to itself: after its own vote (≥ 2/3 of committee members)
    it decides (HD 06-HD/TW điểm 3.7.a, rules.md §2.1); otherwise it proposes to the competent committee's standing
    committee (deciding_body), which is the first receiver. Reporting the authorised committee's decision to the
    standing committee above is ketnap's assumption [U]."""
    cell = candidate.organization
    base = base_organization(cell)
    deciding = cell.deciding_organization()
    name = candidate.person.full_name
    if recognition:
        subject, act = "công nhận đảng viên chính thức", f"công nhận đồng chí {name} là đảng viên chính thức"
    else:
        subject, act = "kết nạp đảng viên", f"kết nạp quần chúng {name} vào Đảng Cộng sản Việt Nam"
    if deciding_by_whole_committee(deciding) and deciding == base:
        upper = deciding.parent.deciding_organization() if deciding.parent else None
        upper = upper or deciding.parent
        return {
            "committee_subject": subject,
            "committee_conclusion": (
                f"{committee_name(base)} là đảng ủy cơ sở được ủy quyền kết nạp đảng viên; căn cứ kết quả biểu quyết, "
                f"Đảng ủy quyết định {act}. Văn phòng Đảng ủy hoàn tất quyết định (mẫu "
                f"{'16-KNĐ' if recognition else '9-KNĐ'}) trình Bí thư ký thay mặt Đảng ủy."
            ),
            "committee_receiver": f"Ban Thường vụ {committee_name(upper)} (để báo cáo)" if upper else DOTS,
        }
    body = f"Ban Thường vụ {committee_name(deciding)}" if deciding else DOTS
    return {
        "committee_subject": f"đề nghị {subject}",
        "committee_conclusion": f"Đảng ủy đề nghị {body} xem xét, quyết định {act}.",
        "committee_receiver": body,
    }


CELL_MEETINGS = {StepKind.CELL_RESOLUTION, StepKind.RECOGNITION_CELL_RESOLUTION}


def cell_register_on(cell, day: dt.date) -> tuple[int, int] | None:
    """(official, probationary) members registered in the chi bộ on `day`, from the register's dated events: a
    membership counts when its last event on or before `day` left it active in this chi bộ; it was probationary
    then if its status was, or if its official date was still to come. None when the register holds nobody in the
    chi bộ that day (the register is not kept for it: a count would be a guess)."""
    from ketnap.registry.models import MembershipEvent

    ids = set(
        MembershipEvent.objects.filter(organization_after=cell, on__lte=day).values_list("membership_id", flat=True)
    )
    events = (
        MembershipEvent.objects.filter(membership_id__in=ids, on__lte=day)
        .order_by("membership_id", "on", "id")
        .values_list("membership_id", "status_after", "organization_after_id", "membership__official_date")
    )
    last = {m: (status, org_id, official_on) for m, status, org_id, official_on in events}
    official = probationary = 0
    for status, org_id, official_on in last.values():
        if org_id != cell.pk or status not in MembershipStatus.active():
            continue
        if status == MembershipStatus.OFFICIAL and (official_on is None or official_on <= day):
            official += 1
        else:
            probationary += 1
    return (official, probationary) if official + probationary else None


def step_context(form: Form, step, cell=None) -> dict:
    counted = None
    if step and step.members_total is not None:
        counted = step.members_total - (step.members_excused or 0)
    against = counted - step.votes_for if counted is not None and step.votes_for is not None else None
    # a chi bộ meeting: the probationary members come from the register on the meeting day (the step records the
    # official members only); presence is recorded nowhere, so the templates leave it dotted
    register = cell_register_on(cell, step.on) if step and cell is not None and step.kind in CELL_MEETINGS else None
    probationary = register[1] if register else None
    total = step.members_total + probationary if probationary is not None and step.members_total is not None else None
    return {
        "members_counted": _blank(counted),
        "vote_result": _vote_result(step.votes_for if step else None, counted),
        "date": fmt(step.on if step else None),
        "date_long": long_date(step.on if step else None),
        "document_number": _number(step, form.number_suffix),
        "note": (step.note if step and step.note else DOTS),
        "members_total": _blank(step.members_total if step else None),
        "members_excused": _blank((step.members_excused or 0) if step and step.members_total is not None else None),
        "members_probationary": _blank(probationary),
        "members_all": _blank(total),
        "votes_for": _blank(step.votes_for if step else None),
        "votes_against": _blank(against),
        "votes_percent": _percent(step.votes_for if step else None, counted),
    }


# (signing date, issuer, subject) of each edition in ketnap.rules.sources (rules.md §0); an edition added there but
# not here is cited by its number alone
EDITIONS = {
    "QĐ 29-QĐ/TW": ("Quy định số 29-QĐ/TW", "25/7/2016", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 24-QĐ/TW": ("Quy định số 24-QĐ/TW", "30/7/2021", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 232-QĐ/TW": ("Quy định số 232-QĐ/TW", "20/01/2025", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "QĐ 294-QĐ/TW": ("Quy định số 294-QĐ/TW", "26/5/2025", "Ban Chấp hành Trung ương", "về thi hành Điều lệ Đảng"),
    "HD 01-HD/TW (2016)": (
        "Hướng dẫn số 01-HD/TW",
        "20/9/2016",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    "HD 01-HD/TW (2021)": (
        "Hướng dẫn số 01-HD/TW",
        "28/9/2021",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
    "HD 06-HD/TW": (
        "Hướng dẫn số 06-HD/TW",
        "09/6/2025",
        "Ban Bí thư",
        "về một số vấn đề cụ thể thi hành Điều lệ Đảng",
    ),
}


def cite(document: str) -> str:
    """“Quy định số 294-QĐ/TW ngày 26/5/2025 của Ban Chấp hành Trung ương về thi hành Điều lệ Đảng”."""
    if document not in EDITIONS:
        return document
    number, signed, issuer, subject = EDITIONS[document]
    return f"{number} ngày {signed} của {issuer} {subject}"


def basis_context(day: dt.date) -> dict:
    """The Quy định and Hướng dẫn thi hành Điều lệ in force on `day` (ketnap.rules.sources picks the edition)."""
    return {
        "regulation_basis": cite(sources.regulation(day, "").document),
        "guidance_basis": cite(sources.guidance(day, "").document),
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
    decision = _last_step(candidate, StepKind.DECISION)
    ceremony = _last_step(candidate, StepKind.CEREMONY)
    issuer = (decision.issuer if decision else "") or committee_name(candidate.organization.deciding_organization())
    return {
        "decision_number": _number(decision, QD_DU),
        "decision_date": fmt(decision.on if decision else None),
        "decision_issuer": issuer,
        "ceremony_date": fmt(ceremony.on if ceremony else None),
        "official_date": fmt(deadlines.official_date(ceremony.on) if ceremony else None),
    }


# --- the context: every documented field, for every form (an office's template may use any of them) -------
INTRODUCER_KEYS = [k for k in FIELDS if k.startswith("introducer")] + ["together_since", "introduced_on"]


def _introducer(member, together_since, prefix: str) -> dict:
    membership = member.membership
    return {
        f"{prefix}_name": member.full_name,
        f"{prefix}_birth_date": fmt(member.birth_date),
        f"{prefix}_job_title": member.job_title or DOTS,
        f"{prefix}_work_unit": member.work_unit.name,
        f"{prefix}_cell_name": membership.organization.name if membership else DOTS,
        f"{prefix}_joined_on": fmt(membership.ceremony_date if membership else None),
        f"{prefix}_official_on": fmt(membership.official_date if membership else None),
        "together_since" if prefix == "introducer" else f"{prefix}_together_since": fmt(together_since),
    }


def introduction_context(introduction, second=None) -> dict:
    """The introducer of one 3-KNĐ letter, the two of a 3A-KNĐ (`second`), or the date of a union's resolution
    (4-KNĐ / 4A-KNĐ: no member introducer); dotted lines for every other form."""
    context = dict.fromkeys(INTRODUCER_KEYS, DOTS)
    if introduction is None:
        return context
    context["introduced_on"] = fmt(introduction.introduced_on)
    if introduction.introducer is not None:
        context.update(_introducer(introduction.introducer, introduction.together_since, "introducer"))
    if second is not None and second.introducer is not None:
        context.update(_introducer(second.introducer, second.together_since, "introducer2"))
    return context


def _opinions_date(form: Form, candidate) -> str:
    """When the summary (5-KNĐ / 12-KNĐ) was recorded as received in the dossier; dotted otherwise."""
    from ketnap.pipeline.enums import DocumentKind

    kind = DocumentKind.RECOGNITION_OPINIONS if form.for_recognition else DocumentKind.OPINIONS
    item = candidate.documents.filter(kind=kind).order_by("-received_on", "-pk").first()
    return long_date(item.received_on if item else None)


def build_context(
    form: Form, candidate, introduction=None, signer: str = SECRETARY, draft_on: dt.date | None = None
) -> dict:
    """All FIELDS for `candidate`; the date, number, votes and note come from the step `form.step` (3-KNĐ, 4-KNĐ,
    4A-KNĐ: the date is the introduction's; 3A-KNĐ: the later of the first two member introductions). The
    Quy định / Hướng dẫn cited are those in force on that date (today for a form without a date). `draft_on`: the
    meeting's papers before its vote (Form.drafted): dated that day, the members from the register of that day, the
    votes and the number dotted."""
    from ketnap.pipeline.enums import HelperRole
    from ketnap.registry.services.dates import today

    recognition = form.for_recognition
    cell_kind, committee_kind = (
        (StepKind.RECOGNITION_CELL_RESOLUTION, StepKind.RECOGNITION_COMMITTEE_RESOLUTION)
        if recognition
        else (StepKind.CELL_RESOLUTION, StepKind.COMMITTEE_RESOLUTION)
    )
    second = None
    if form.joint_introduction:  # 3A-KNĐ: the first two member introducers (oldest introductions) together
        pair = list(member_introductions(candidate)[:2])
        if len(pair) == 2:
            introduction, second = pair
    step = None if draft_on else _last_step(candidate, form.step)
    ceremony_step = _last_step(candidate, StepKind.CEREMONY)
    mentor = candidate.helpers.filter(role=HelperRole.MENTOR).select_related("member").order_by("-since").first()
    context = {
        **person_context(candidate),
        **step_context(form, step, candidate.organization),
        **_resolutions(candidate, cell_kind, committee_kind),
        **_decision(candidate),
        **committee_context(candidate, recognition),
        # before the ceremony is recorded its programme is a draft: time and venue are dotted lines
        "ceremony_time": f"…… giờ, ngày {fmt(ceremony_step.on)}" if ceremony_step else "…… giờ, ngày …………",
        "ceremony_venue": DOTS,
        "mentor_name": mentor.member.full_name if mentor else DOTS,
        **introduction_context(introduction, second),
        "opinions_date_long": _opinions_date(form, candidate),
        "signer_post": signer_post(form.head, signer),
    }
    day = step.on if step else None
    if draft_on is not None:
        day = draft_on
        context.update(_draft_context(draft_on, candidate.organization))
    if introduction is not None:  # the letter / the union's resolution is dated the day of the introduction
        day = max(i.introduced_on for i in (introduction, second) if i is not None)
        context["date"] = fmt(day)
        context["date_long"] = long_date(day)
        if introduction.introducer is not None and second is None:  # a 3-KNĐ letter: its introducer signs
            context["signer_name"] = context["introducer_name"]
    context.update(basis_context(day or today()))
    return context


def _draft_context(day: dt.date, cell) -> dict:
    """The meeting day and the members the register holds in the chi bộ that day (official, probationary, all); who
    is excused and how they vote are the meeting's: dotted."""
    register = cell_register_on(cell, day) if cell is not None else None
    official, probationary = register if register else (None, None)
    return {
        "date": fmt(day),
        "date_long": long_date(day),
        "members_total": _blank(official),
        "members_probationary": _blank(probationary),
        "members_all": _blank(official + probationary if register else None),
    }


# the stage a candidate is at when the chi bộ meeting that records the step decides on them (Form.drafted)
DRAFT_STAGES = {StepKind.CELL_RESOLUTION: Stage.DOSSIER, StepKind.RECOGNITION_CELL_RESOLUTION: Stage.PROBATION}

RECOGNITION_STEPS = {
    StepKind.RECOGNITION_CELL_RESOLUTION,
    StepKind.RECOGNITION_COMMITTEE_RESOLUTION,
    StepKind.RECOGNITION_DECISION,
}
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
            "mỗi đảng viên giới thiệu (mỗi người ký giấy của mình); hai đảng viên cùng giới thiệu: mẫu 3A-KNĐ. Ban "
            "Chấp hành Đoàn cơ sở / Công đoàn cơ sở giới thiệu bằng nghị quyết 4-KNĐ / 4A-KNĐ của đoàn thể (rules.md "
            "§3), không phải giấy 3-KNĐ.",
            introduction_kind=IntroducerKind.MEMBER,
            signed_by_office=False,
        ),
        Form(
            "3a-knd",
            "3A-KNĐ",
            _("Giấy giới thiệu người vào Đảng (hai đảng viên cùng giới thiệu)"),
            "3A-KND-giay-gioi-thieu-hai-dang-vien.docx",
            SOURCE_12HD + "rules.md §2.2 bước 6 (“3A-KNĐ when two members introduce” [S]) và §3. Xác nhận [S]: số "
            "mẫu và việc dùng khi hai đảng viên chính thức giới thiệu; giả định của ketnap: nội dung dựng như 3-KNĐ "
            "cho hai người (mỗi người ghi thông tin, thời gian cùng công tác và ký tên), lấy hai lần giới thiệu của "
            "đảng viên ghi sớm nhất, ngày của giấy là ngày giới thiệu sau cùng của hai người.",
            joint_introduction=True,
            signed_by_office=False,
        ),
        Form(
            "4-knd",
            "4-KNĐ",
            _("Nghị quyết của Ban Chấp hành Đoàn cơ sở giới thiệu đoàn viên ưu tú vào Đảng"),
            "4-KND-nghi-quyet-doan-gioi-thieu.docx",
            SOURCE_12HD + "rules.md §2.2 bước 6 và §3 (Ban Chấp hành Đoàn cơ sở cùng một đảng viên chính thức giới "
            "thiệu người trong độ tuổi đoàn; kèm nghị quyết của chi đoàn 4_1-KNĐ [S]). Xác nhận [S]: số mẫu và người "
            "ban hành. Giả định của ketnap: bố cục văn bản của Đoàn (ĐOÀN TNCS HỒ CHÍ MINH ở góc phải), biểu quyết "
            "của Ban Chấp hành, ký T/M Ban Chấp hành — Bí thư. ketnap chỉ ghi ngày giới thiệu (Introduction kind "
            "youth_union): tên Đoàn cơ sở, số nghị quyết, số ủy viên, kết quả biểu quyết, nghị quyết chi đoàn để "
            "dòng chấm.",
            introduction_kind=IntroducerKind.YOUTH_UNION,
        ),
        Form(
            "4a-knd",
            "4A-KNĐ",
            _("Nghị quyết của Ban Chấp hành Công đoàn cơ sở giới thiệu công đoàn viên ưu tú vào Đảng"),
            "4A-KND-nghi-quyet-cong-doan-gioi-thieu.docx",
            SOURCE_12HD + "rules.md §2.2 bước 6 và §3 (Ban Chấp hành Công đoàn cơ sở cùng một đảng viên chính thức "
            "giới thiệu). Xác nhận [S]: số mẫu và người ban hành. Giả định của ketnap: bố cục văn bản Công đoàn "
            "(Quốc hiệu ở góc phải), biểu quyết của Ban Chấp hành, ký T/M Ban Chấp hành — Chủ tịch. ketnap chỉ ghi "
            "ngày giới thiệu (Introduction kind trade_union): tên Công đoàn cơ sở, số nghị quyết, số ủy viên, kết quả "
            "biểu quyết để dòng chấm.",
            introduction_kind=IntroducerKind.TRADE_UNION,
            head="CHỦ TỊCH",
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
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 đảng viên chính thức, từng người; đảng viên dự bị không biểu quyết), "
            "§2.2 bước 8. Số đảng viên chính thức, số không tính vào biểu quyết, số tán thành: ghi ở bước; số đảng "
            "viên dự bị: sổ đảng viên của chi bộ vào ngày họp; số có mặt / vắng mặt: ketnap không ghi, để dòng chấm.",
            step=StepKind.CELL_RESOLUTION,
            number_suffix=NQ_CB,
        ),
        Form(
            "bien-ban-xet-ket-nap",
            "BB-KN",
            _("Biên bản họp chi bộ xét đề nghị kết nạp đảng viên"),
            "bien-ban-hop-chi-bo-xet-ket-nap.docx",
            SOURCE_MINUTES + ", §2.2 bước 8 (cuộc họp ra nghị quyết 6-KNĐ). Diễn biến, ý kiến thảo luận để dòng chấm.",
            step=StepKind.CELL_RESOLUTION,
        ),
        Form(
            "7-knd",
            "7-KNĐ",
            _("Báo cáo thẩm định của đảng ủy bộ phận (kết nạp)"),
            "7-KND-bao-cao-tham-dinh.docx",
            SOURCE_12HD + "rules.md §2.1 (đảng ủy bộ phận thẩm định nghị quyết của chi bộ và báo cáo; không phải cấp "
            "quyết định), §2.2 bước 9. Chỉ có khi chi bộ trực thuộc đảng bộ bộ phận. Giả định: ký hiệu số -BC/ĐU; "
            "bí thư ký T/M Đảng ủy (bộ phận), không ghi đóng dấu.",
            step=StepKind.SUB_APPRAISAL,
            number_suffix=BC_DU,
        ),
        Form(
            "8-knd",
            "8-KNĐ",
            _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp đảng viên"),
            "8-KND-nghi-quyet-dang-uy-co-so.docx",
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 cấp ủy viên; đảng ủy cơ sở được ủy quyền tự quyết định sau biểu "
            "quyết của mình, HD 06-HD/TW điểm 3.7.a [S]), §2.2 bước 10. Không có với chi bộ cơ sở. Giả định: đảng ủy "
            "được ủy quyền ghi “kết nạp đảng viên” và quyết định, gửi Ban Thường vụ cấp ủy cấp trên để báo cáo; các "
            "trường hợp khác đề nghị và gửi Ban Thường vụ cấp có thẩm quyền (Organization.deciding_organization()).",
            step=StepKind.COMMITTEE_RESOLUTION,
            number_suffix=NQ_DU,
        ),
        Form(
            "9-knd",
            "9-KNĐ",
            _("Quyết định kết nạp đảng viên"),
            "9-KND-quyet-dinh-ket-nap.docx",
            SOURCE_12HD + "rules.md §2.1 (cấp có thẩm quyền, QĐ 29 §4.3.2), §2.2 bước 11–12 (lễ trong 30 ngày "
            "làm việc); căn cứ: Điều lệ Đảng, Quy định và Hướng dẫn thi hành Điều lệ có hiệu lực vào ngày quyết định "
            "(ketnap.rules.sources, rules.md §0). Giả định: ký T/M Ban Thường vụ, trừ đảng ủy cơ sở được ủy quyền "
            "(T/M Đảng ủy).",
            step=StepKind.DECISION,
            number_suffix=QD_DU,
            batch=StepKind.DECISION,
        ),
        Form(
            "chuong-trinh-le-ket-nap",
            "CT-LKN",
            _("Chương trình lễ kết nạp đảng viên"),
            "chuong-trinh-le-ket-nap.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Trình tự theo HD 01-HD/TW 2016 §3.8 (rules.md §2.2 bước 12); "
            "06-HD/TW giữ nguyên trình tự [U]. Kết nạp từng người một.",
            step=StepKind.CEREMONY,
            requires=StepKind.DECISION,  # the programme is prepared before the ceremony
            batch=StepKind.CEREMONY,
        ),
        Form(
            "giay-moi-le-ket-nap",
            "GM-LKN",
            _("Giấy mời dự lễ kết nạp đảng viên"),
            "giay-moi-le-ket-nap.docx",
            "Không phải mẫu đánh số của 12-HD/BTCTW. Lễ kết nạp theo HD 01-HD/TW 2016 §3.8 (rules.md §2.2 bước 12: "
            "giới thiệu đại biểu; đại diện cấp ủy cấp trên phát biểu nếu có); lời mời là giả định. Người được mời, "
            "giờ và địa điểm để dòng chấm.",
            step=StepKind.CEREMONY,
            requires=StepKind.DECISION,  # sent before the ceremony, with its programme
            batch=StepKind.CEREMONY,
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
            SOURCE_12HD + "rules.md §2.3 (biểu quyết như khi xét kết nạp; họp sau khi hết 12 tháng dự bị). Số đảng "
            "viên như 6-KNĐ: chính thức ghi ở bước, dự bị từ sổ đảng viên vào ngày họp, có mặt / vắng mặt để dòng "
            "chấm.",
            step=StepKind.RECOGNITION_CELL_RESOLUTION,
            number_suffix=NQ_CB,
        ),
        Form(
            "bien-ban-xet-cong-nhan",
            "BB-CN",
            _("Biên bản họp chi bộ xét đề nghị công nhận đảng viên chính thức"),
            "bien-ban-hop-chi-bo-xet-cong-nhan.docx",
            SOURCE_MINUTES + ", §2.3 (biểu quyết như khi xét kết nạp; cuộc họp ra nghị quyết 13-KNĐ). "
            "Diễn biến, ý kiến thảo luận để dòng chấm.",
            step=StepKind.RECOGNITION_CELL_RESOLUTION,
        ),
        Form(
            "14-knd",
            "14-KNĐ",
            _("Báo cáo thẩm định của đảng ủy bộ phận (công nhận chính thức)"),
            "14-KND-bao-cao-tham-dinh.docx",
            SOURCE_12HD + "rules.md §2.1 (đảng ủy bộ phận thẩm định, báo cáo), §2.3. Chỉ có khi chi bộ trực thuộc đảng "
            "bộ bộ phận (như bước sub_appraisal, pipeline.transitions.under_sub_committee); ketnap không ghi nhận bước "
            "này nên ngày, số để dòng chấm. Giả định: ký hiệu số -BC/ĐU; bí thư ký T/M Đảng ủy (bộ phận).",
            requires=StepKind.RECOGNITION_CELL_RESOLUTION,
            applies=under_sub_committee,
            recognition=True,
            number_suffix=BC_DU,
        ),
        Form(
            "15-knd",
            "15-KNĐ",
            _("Nghị quyết đảng ủy cơ sở đề nghị công nhận đảng viên chính thức"),
            "15-KND-nghi-quyet-dang-uy-co-so-cong-nhan.docx",
            SOURCE_12HD + "rules.md §2.1 (≥ 2/3 cấp ủy viên), §2.3 (hồ sơ công nhận). Không có với chi bộ cơ sở. "
            "Như 8-KNĐ: đảng ủy được ủy quyền tự quyết định (giả định, cùng căn cứ HD 06-HD/TW điểm 3.7.a).",
            step=StepKind.RECOGNITION_COMMITTEE_RESOLUTION,
            number_suffix=NQ_DU,
        ),
        Form(
            "16-knd",
            "16-KNĐ",
            _("Quyết định công nhận đảng viên chính thức"),
            "16-KND-quyet-dinh-cong-nhan.docx",
            SOURCE_12HD + "rules.md §2.2 (tuổi đảng từ ngày quyết định kết nạp; ngày chính thức = hết 12 tháng, "
            "QĐ 24 §4.2.2), §2.3; căn cứ: Quy định và Hướng dẫn thi hành Điều lệ có hiệu lực vào ngày quyết định "
            "(ketnap.rules.sources).",
            step=StepKind.RECOGNITION_DECISION,
            number_suffix=QD_DU,
            batch=StepKind.RECOGNITION_DECISION,
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


def generated_for(candidate, loaded: Loaded | None = None) -> list[Form]:
    loaded = loaded or Loaded.of(candidate)
    return [f for f in FORMS.values() if not f.handwritten and f.available(candidate, loaded)]


@dataclass(frozen=True)
class Offer:
    """One document the candidate page links: a form, and for 3-KNĐ the introduction it is written for."""

    form: Form
    introduction: object = None

    @property
    def query(self) -> str:
        return f"?{INTRODUCTION_PARAM}={self.introduction.pk}" if self.introduction else ""

    @property
    def deputy_query(self) -> str:
        """The same document signed by the deputy (K/T BÍ THƯ / PHÓ BÍ THƯ), for forms an office-holder signs."""
        if not self.form.signed_by_office:
            return ""
        return f"{self.query}{'&' if self.query else '?'}{SIGNER_PARAM}={DEPUTY}"

    @property
    def label(self) -> str:
        if self.introduction is None:
            return self.form.title
        if self.introduction.introducer is not None:
            return f"{self.form.title} — {self.introduction.introducer.full_name}"
        return f"{self.form.title} — {ddmmyyyy(self.introduction.introduced_on)}"


INTRODUCTION_PARAM = "gioi-thieu"  # ?gioi-thieu=<Introduction pk>: which introduction's 3/4/4A-KNĐ


def offers_for(candidate) -> list[Offer]:
    """generated_for(), with the per-introduction forms spread out: one 3-KNĐ letter per member introducer, one
    4-KNĐ / 4A-KNĐ per Youth / Trade Union introduction."""
    offers = []
    loaded = Loaded.of(candidate)
    for form in generated_for(candidate, loaded):
        if form.per_introduction:
            offers.extend(Offer(form, i) for i in loaded.introductions_of(form.introduction_kind))
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
        "place": document_place() or DOTS,
        "date_long": long_date(today),
        "month": f"{today.month:02d}/{today.year}",
        "issuer_upper": _upper(committee_name(root)) if root else DOTS,
        "superior_upper": heading_upper(root.parent) if root else "",
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
        since = _last_step(candidate, StepKind.SYMPATHISE)
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
            Q(stage__in=[Stage.SOURCE, Stage.SYMPATHISER]) & ~Q(steps__kind=StepKind.CERTIFICATE, steps__passed=True)
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
            certificate = _last_step(candidate, StepKind.CERTIFICATE)
            expires = certificate_expires_on(certificate.on) if certificate else None
            if expires is None or expires > today:
                continue  # a valid certificate: nothing to retake
            stage = f"{stage} — giấy chứng nhận hết hạn {fmt(expires)}"
        person = candidate.person
        since = _last_step(candidate, StepKind.SYMPATHISE)
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
