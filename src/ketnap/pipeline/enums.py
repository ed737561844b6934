"""Stages of a candidate's road and the documents of the dossier (forms numbered per 12-HD/BTCTW 2022)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    SOURCE = "source", _("Quần chúng ưu tú")
    SYMPATHISER = "sympathiser", _("Cảm tình Đảng")
    DOSSIER = "dossier", _("Hoàn thiện hồ sơ")  # certificate obtained, dossier being assembled
    CELL_RESOLVED = "cell_resolved", _("Chi bộ đề nghị kết nạp")
    SUB_APPRAISED = "sub_appraised", _("Đảng ủy bộ phận đã thẩm định")
    COMMITTEE_RESOLVED = "committee_resolved", _("Đảng ủy cơ sở đề nghị kết nạp")
    DECIDED = "decided", _("Đã có quyết định kết nạp")
    PROBATION = "probation", _("Đảng viên dự bị")
    RECOGNITION_CELL = "recognition_cell", _("Chi bộ đề nghị công nhận chính thức")
    RECOGNITION_COMMITTEE = "recognition_committee", _("Đảng ủy cơ sở đề nghị công nhận chính thức")
    OFFICIAL = "official", _("Đảng viên chính thức")
    WITHDRAWN = "withdrawn", _("Dừng theo dõi")
    NOT_ADMITTED = "not_admitted", _("Không kết nạp")
    REMOVED = "removed", _("Xóa tên khỏi danh sách đảng viên dự bị")

    @classmethod
    def terminal(cls) -> set[str]:
        return {cls.OFFICIAL, cls.WITHDRAWN, cls.NOT_ADMITTED, cls.REMOVED}

    @classmethod
    def board(cls) -> list["Stage"]:
        """The stages a board shows, in the order of the road."""
        return [s for s in cls if s not in cls.terminal()] + [cls.OFFICIAL]


class StepKind(models.TextChoices):
    """The steps of the road; what each does is said once, in pipeline.transitions.TRANSITIONS."""

    SYMPATHISE = "sympathise", _("Đưa vào danh sách cảm tình Đảng")
    CERTIFICATE = "certificate", _("Giấy chứng nhận lớp bồi dưỡng nhận thức về Đảng")
    CELL_RESOLUTION = "cell_resolution", _("Nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)")
    SUB_APPRAISAL = "sub_appraisal", _("Thẩm định của đảng ủy bộ phận (7-KNĐ)")
    COMMITTEE_RESOLUTION = "committee_resolution", _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp (8-KNĐ)")
    DECISION = "decision", _("Quyết định kết nạp (9-KNĐ)")
    CEREMONY = "ceremony", _("Lễ kết nạp")
    RECOGNITION_CELL_RESOLUTION = "recognition_cell_resolution", _("Nghị quyết chi bộ đề nghị công nhận (13-KNĐ)")
    RECOGNITION_COMMITTEE_RESOLUTION = (
        "recognition_committee_resolution",
        _("Nghị quyết đảng ủy cơ sở đề nghị công nhận (15-KNĐ)"),
    )
    RECOGNITION_DECISION = "recognition_decision", _("Quyết định công nhận đảng viên chính thức (16-KNĐ)")
    WITHDRAW = "withdraw", _("Dừng theo dõi")
    NOT_ADMITTED = "not_admitted", _("Không kết nạp")
    REMOVE = "remove", _("Xóa tên khỏi danh sách đảng viên dự bị")
    # not steps of the road itself: the candidacy pauses, resumes, or follows the person to another chi bộ
    PAUSE = "pause", _("Tạm dừng theo dõi")
    RESUME = "resume", _("Tiếp tục theo dõi")
    TRANSFER = "transfer", _("Chuyển sang chi bộ khác")


class DocumentKind(models.TextChoices):
    # Admission dossier (Điều lệ Điều 4; HD 06-HD/TW §3; forms of 12-HD/BTCTW 2022, rules.md §2.5)
    CERTIFICATE = "CN-NTVĐ", _("Giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (CN-NTVĐ)")
    APPLICATION = "1-KNĐ", _("Đơn xin vào Đảng (1-KNĐ)")
    BIOGRAPHY = "2-KNĐ", _("Lý lịch của người xin vào Đảng (2-KNĐ)")
    VERIFICATION = "TTLL", _("Kết quả thẩm tra lý lịch")
    INTRODUCTION = "3-KNĐ", _("Giấy giới thiệu người vào Đảng (3-KNĐ)")
    YOUTH_UNION = "4-KNĐ", _("Nghị quyết giới thiệu đoàn viên ưu tú (4-KNĐ)")
    TRADE_UNION = "4A-KNĐ", _("Nghị quyết giới thiệu công đoàn viên ưu tú (4A-KNĐ)")
    OPINIONS = "5-KNĐ", _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (5-KNĐ)")
    # Recognition dossier (Điều lệ Điều 5; rules.md §2.3)
    NEW_MEMBER_COURSE = "CN-ĐVM", _("Giấy chứng nhận lớp bồi dưỡng lý luận chính trị cho đảng viên mới")
    SELF_REVIEW = "10-KNĐ", _("Bản tự kiểm điểm của đảng viên dự bị (10-KNĐ)")
    MENTOR_REVIEW = "11-KNĐ", _("Bản nhận xét của đảng viên giúp đỡ (11-KNĐ)")
    RECOGNITION_OPINIONS = "12-KNĐ", _("Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (12-KNĐ)")
    # Scans of the resolutions and decisions themselves (the office writes these; kept with the dossier)
    CELL_RESOLUTION = "6-KNĐ", _("Nghị quyết chi bộ đề nghị kết nạp (6-KNĐ)")
    SUB_APPRAISAL = "7-KNĐ", _("Báo cáo thẩm định của đảng ủy bộ phận (7-KNĐ)")
    COMMITTEE_RESOLUTION = "8-KNĐ", _("Nghị quyết đảng ủy cơ sở đề nghị kết nạp (8-KNĐ)")
    DECISION = "9-KNĐ", _("Quyết định kết nạp đảng viên (9-KNĐ)")
    RECOGNITION_CELL_RESOLUTION = "13-KNĐ", _("Nghị quyết chi bộ đề nghị công nhận đảng viên chính thức (13-KNĐ)")
    RECOGNITION_APPRAISAL = "14-KNĐ", _("Báo cáo thẩm định của đảng ủy bộ phận (14-KNĐ)")
    RECOGNITION_COMMITTEE_RESOLUTION = "15-KNĐ", _("Nghị quyết đảng ủy cơ sở đề nghị công nhận chính thức (15-KNĐ)")
    RECOGNITION_DECISION = "16-KNĐ", _("Quyết định công nhận đảng viên chính thức (16-KNĐ)")


ADMISSION_DOCUMENTS = [
    DocumentKind.APPLICATION,
    DocumentKind.BIOGRAPHY,
    DocumentKind.VERIFICATION,
    DocumentKind.INTRODUCTION,
    DocumentKind.OPINIONS,
]
RECOGNITION_DOCUMENTS = [
    DocumentKind.NEW_MEMBER_COURSE,
    DocumentKind.SELF_REVIEW,
    DocumentKind.MENTOR_REVIEW,
    DocumentKind.RECOGNITION_OPINIONS,
]


class IntroducerKind(models.TextChoices):
    MEMBER = "member", _("Đảng viên chính thức")
    YOUTH_UNION = "youth_union", _("Ban Chấp hành Đoàn cơ sở")
    TRADE_UNION = "trade_union", _("Ban Chấp hành Công đoàn cơ sở")


class HelperRole(models.TextChoices):
    HELPER = "helper", _("Đảng viên giúp đỡ quần chúng")
    MENTOR = "mentor", _("Đảng viên giúp đỡ đảng viên dự bị")
