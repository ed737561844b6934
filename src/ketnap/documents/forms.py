"""The forms ketnap writes for the office (and the blank ones people write by hand): what each is, when it is
available and where its wording comes from. The fields a template may use are documented in documents.fields and
filled by documents.contexts; the list documents are in documents.lists.

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
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ketnap.documents.contexts import build_context
from ketnap.documents.record import introductions_of, last_step, member_introductions
from ketnap.documents.wording import BC_DU, DEPUTY, NQ_CB, NQ_DU, QD_DU, SECRETARY
from ketnap.pipeline.enums import IntroducerKind, Stage, StepKind
from ketnap.pipeline.transitions import ON_PROBATION, under_sub_committee
from ketnap.rules.dates import ddmmyyyy

SIGNER_PARAM = "nguoi-ky"  # ?nguoi-ky=pho-bi-thu: the deputy signs (K/T BÍ THƯ / PHÓ BÍ THƯ)
# ?du-thao=dd/mm/yyyy: the chi bộ meeting's resolution and minutes before its vote, for that meeting day (a draft)
DRAFT_PARAM = "du-thao"


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
        if self.per_introduction or self.joint_introduction:
            return self._introduced(candidate, loaded)
        return self._applies_to(candidate) and self._step_recorded(candidate, loaded)

    def _introduced(self, candidate, loaded: "Loaded | None") -> bool:
        """An introduction of the form's kind is recorded (3A-KNĐ: two by members)."""
        if self.per_introduction:
            if loaded is not None:
                return bool(loaded.introductions_of(self.introduction_kind))
            return self.introductions(candidate).exists()
        if loaded is not None:
            return len(loaded.introductions_of(IntroducerKind.MEMBER)) >= 2
        return member_introductions(candidate).count() >= 2

    def _applies_to(self, candidate) -> bool:
        """The candidate is at one of the form's stages and meets its further condition, if any."""
        if self.stages is not None and candidate.stage not in self.stages:
            return False
        return self.applies is None or bool(self.applies(candidate))

    def _step_recorded(self, candidate, loaded: "Loaded | None") -> bool:
        """The step the form requires (or draws on) is recorded; a form without one needs none."""
        kind = self.requires or self.step
        if kind is None:
            return True
        if loaded is not None:
            return kind in loaded.last_steps
        return last_step(candidate, kind) is not None

    @property
    def for_recognition(self) -> bool:
        return self.recognition or self.step in RECOGNITION_STEPS

    def drafted(self, candidate) -> bool:
        """Whether the form can be drafted before the chi bộ's meeting: a form of that meeting's vote (6-KNĐ, 13-KNĐ,
        their minutes), for a candidate at the stage the meeting decides on."""
        return DRAFT_STAGES.get(self.step) == candidate.stage

    def context(self, candidate, introduction=None, signer: str = SECRETARY, draft_on: dt.date | None = None) -> dict:
        return {} if self.handwritten else build_context(self, candidate, introduction, signer, draft_on)


@dataclass(frozen=True)
class Loaded:
    """A candidate's passed steps and introductions, read in two queries, from which every form's availability is
    decided (the candidate page lists them all: one query per form and per introduction kind before, #14)."""

    last_steps: dict  # step kind → the newest passed step of that kind (as last_step)
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
