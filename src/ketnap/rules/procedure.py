"""Order and papers of the admission procedure: helpers, the ceremony after the decision, validity of papers.

Pure Python (no Django). shared/domain/rules.md §2.2, §2.6, §1.6. Each function returns a Verdict whose findings
cite the text (and how sure we are of it); where a figure could not be confirmed it is a CONFIGURABLE argument
whose default is marked unconfirmed.
"""

import datetime as dt
from collections.abc import Sequence

from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.eligibility import add_months
from ketnap.rules.sources import guidance, regulation
from ketnap.rules.verdict import Confidence, Finding, Severity, Source, Verdict

# ---------------------------------------------------------------------------------------------------------------
# Helpers of a sympathiser (đảng viên chính thức được phân công giúp đỡ cảm tình Đảng)

HD12_BTCTW_2022_FROM = dt.date(2022, 1, 18)
HD09_BTCTW_2017_FROM = dt.date(2017, 6, 5)


def helpers_source(on: dt.date) -> Source:
    """Where the chi bộ's resolution assigning official members to help each sympathiser is written.

    The wording "chi bộ có nghị quyết phân công đảng viên chính thức giúp đỡ cảm tình Đảng phấn đấu vào Đảng" sits
    under "1. Xây dựng và thực hiện kế hoạch kết nạp đảng viên" (chi bộ) of the operational guide of the Ban Tổ chức
    Trung ương: read in a training digest of it (text.123docz.net/document/5450321-tai-lieu-boi-duong-nghiep-vu-
    cong-tac-to-chuc-xay-dung-dang.htm [S]); 09-HD/BTCTW (05/06/2017) opens with "I. KẾT NẠP ĐẢNG VIÊN — 1. Quy
    trình, thủ tục kết nạp đảng viên — 1.1- Xây dựng và thực hiện kế hoạch kết nạp đảng viên"
    (dautri.mobi/huong-dan-so-09-btctw-ngay-5-6-2017 [S]). 12-HD/BTCTW (18/01/2022) replaced it; that it keeps the
    numbering is [U]; before 05/06/2017, 12-HD/BTCTW (2012) [U]. rules.md §2.2 step 1 sources the assignment to
    this operational guide (09-HD/BTCTW §1.1), not to HD 06-HD/TW, whose clause on it (if any) is [U].
    """
    if on >= HD12_BTCTW_2022_FROM:
        return Source(
            "HD 12-HD/BTCTW (2022)",
            'mục "Xây dựng và thực hiện kế hoạch kết nạp đảng viên" (chi bộ có nghị quyết phân công đảng viên chính '
            "thức giúp đỡ cảm tình Đảng; số mục chưa đối chiếu văn bản)",
            Confidence.UNCONFIRMED,
        )
    if on < HD09_BTCTW_2017_FROM:
        return Source(
            "HD 12-HD/BTCTW (2012)",
            'mục "Xây dựng và thực hiện kế hoạch kết nạp đảng viên" (số mục chưa đối chiếu văn bản)',
            Confidence.UNCONFIRMED,
        )
    return Source(
        "HD 09-HD/BTCTW (2017)",
        "mục I.1.1 (xây dựng và thực hiện kế hoạch kết nạp đảng viên: chi bộ có nghị quyết phân công đảng viên chính "
        "thức giúp đỡ cảm tình Đảng)",
        Confidence.SECONDARY,
    )


def check_sympathiser_helpers(helpers: Sequence[tuple[str, bool]], on: dt.date) -> Verdict:
    """The chi bộ's resolution putting a non-member on the sympathiser list assigns official member(s) to help.

    `helpers`: (name, is an official member on `on`) for each assigned member. None → BLOCK "helpers.none"; any
    non-official → BLOCK "helpers.not_official"; else OK. Citation: helpers_source(on).
    """
    source = helpers_source(on)
    if not helpers:
        return Verdict.of(
            Finding("helpers.none", Severity.BLOCK, "Cần phân công ít nhất một đảng viên chính thức giúp đỡ.", source)
        )
    not_official = [name for name, official in helpers if not official]
    if not_official:
        return Verdict.of(
            Finding(
                "helpers.not_official",
                Severity.BLOCK,
                "Không phải đảng viên chính thức: " + ", ".join(not_official) + ".",
                source,
            )
        )
    return Verdict.of(
        Finding("helpers.ok", Severity.OK, f"Đã phân công {len(helpers)} đảng viên chính thức giúp đỡ.", source)
    )


# ---------------------------------------------------------------------------------------------------------------
# The ceremony follows the decision


def ceremony_source(on: dt.date) -> Source:
    """QĐ §4.1: "Trong thời hạn 30 ngày làm việc, kể từ ngày nhận được quyết định kết nạp đảng viên của cấp ủy có
    thẩm quyền, chi bộ phải tổ chức lễ kết nạp cho đảng viên" — the ceremony is held on the decision, after it is
    received. [C for QĐ 24/232 (cusc.edu.vn/ngay-vao-dang-tinh-tu-ngay-nao quotes QĐ 24 §4.1); S for 294 (quiz
    Q13)]. The programme of the ceremony opens with the chi bộ secretary reading the decision (HD 01-HD/TW 2016 §3.8,
    rules.md §2.2 item 12 [C for 2016]).
    """
    cited = regulation(on, "điểm 4.1")
    confidence = {
        "QĐ 24-QĐ/TW": Confidence.CONFIRMED,
        "QĐ 232-QĐ/TW": Confidence.CONFIRMED,
        "QĐ 294-QĐ/TW": Confidence.SECONDARY,
    }.get(cited.document, Confidence.UNCONFIRMED)
    return Source(cited.document, cited.clause, confidence)


def check_ceremony_after_decision(
    *, decision_on: dt.date, ceremony_on: dt.date, received_on: dt.date | None = None
) -> Verdict:
    """The admission ceremony comes after the competent committee's decision, and after the chi bộ received it.

    ceremony before the decision → BLOCK "ceremony.before_decision"; before the day the decision was received →
    BLOCK "ceremony.before_received"; a received date before the decision date → ValueError. Else OK. The 30
    working-day limit is deadlines.ceremony_due. Citation: ceremony_source (QĐ §4.1), not Điều lệ Điều 4.
    """
    if received_on is not None and received_on < decision_on:
        raise ValueError(
            f"Ngày nhận quyết định ({ddmmyyyy(received_on)}) trước ngày quyết định ({ddmmyyyy(decision_on)})."
        )
    source = ceremony_source(ceremony_on)
    if ceremony_on < decision_on:
        return Verdict.of(
            Finding(
                "ceremony.before_decision",
                Severity.BLOCK,
                f"Lễ kết nạp ({ddmmyyyy(ceremony_on)}) không thể trước ngày cấp ủy có thẩm quyền quyết định kết nạp "
                f"({ddmmyyyy(decision_on)}): chi bộ tổ chức lễ kết nạp sau khi nhận được quyết định.",
                source,
            )
        )
    if received_on is not None and ceremony_on < received_on:
        return Verdict.of(
            Finding(
                "ceremony.before_received",
                Severity.BLOCK,
                f"Lễ kết nạp ({ddmmyyyy(ceremony_on)}) trước ngày chi bộ nhận được quyết định kết nạp "
                f"({ddmmyyyy(received_on)}).",
                source,
            )
        )
    return Verdict.of(
        Finding("ceremony.after_decision", Severity.OK, "Lễ kết nạp sau ngày quyết định kết nạp.", source)
    )


# ---------------------------------------------------------------------------------------------------------------
# Validity of the other papers of the admission dossier (06-HD/TW §5.4)

# [U] 06-HD/TW §5.4 ("thời hạn sử dụng văn bản trong hồ sơ") sets how long each paper stays valid, but only the 60
# months of the CN-NTVĐ certificate were confirmed (eligibility.check_certificate). The figures below come from a
# 2019 LOCAL guide (Chi bộ THPT Trần Phú, Đà Nẵng: "Đơn xin vào Đảng 12 tháng; giấy giới thiệu 12 tháng; lý lịch
# 12 tháng; giấy nhận xét của các tổ chức chính trị - xã hội 12 tháng; giấy nhận xét của chi bộ nơi cư trú 12
# tháng; bản tổng hợp nhận xét 12 tháng", tranphudn.edu.vn/news/view/quy-dinh-ho-so-ket-nap-dang-vien-va-chuyen-
# dang-vien-du-bi-sang-dang-vien-chinh-thuc.html [S, local]); searched 2026-12 for the central figure, not found.
# They are defaults only: an organisation that has the paper text passes its own figures (valid_months).
PAPER_KINDS = {
    "application": "Đơn xin vào Đảng (1-KNĐ)",
    "biography": "Lý lịch của người xin vào Đảng (2-KNĐ)",
    "introduction": "Giấy giới thiệu người vào Đảng (3-KNĐ)",
    "youth_union_resolution": "Nghị quyết giới thiệu của BCH Đoàn cơ sở (4-KNĐ)",
    "trade_union_resolution": "Nghị quyết giới thiệu của BCH Công đoàn cơ sở (4A-KNĐ)",
    "comments": "Tổng hợp ý kiến nhận xét của đoàn thể và chi ủy nơi cư trú (5-KNĐ)",
}
PAPER_VALIDITY_MONTHS_UNCONFIRMED = dict.fromkeys(PAPER_KINDS, 12)


def paper_validity_source(on: dt.date, *, configured: bool) -> Source:
    cited = guidance(on, "điểm 5.4 (thời hạn sử dụng văn bản trong hồ sơ)")
    if configured:
        return Source(cited.document, cited.clause + ", thời hạn do cấp ủy cấu hình", Confidence.SECONDARY)
    return Source(
        cited.document,
        cited.clause + "; mặc định 12 tháng theo hướng dẫn địa phương, chưa đối chiếu văn bản",
        Confidence.UNCONFIRMED,
    )


def check_paper_validity(
    kind: str, dated_on: dt.date, meeting_date: dt.date, *, valid_months: int | None = None
) -> Verdict:
    """Is the paper `kind`, dated `dated_on`, still valid on the day of the chi bộ review meeting?

    Valid from its date through the day before dated_on + N months (the same convention as the certificate).
    N = `valid_months` when the organisation configured it (then an expired paper is a BLOCK), else the
    unconfirmed default PAPER_VALIDITY_MONTHS_UNCONFIRMED[kind] (then an expired paper is only a NOTICE, because the
    figure itself is [U]). A paper dated after the meeting → BLOCK.
    """
    if kind not in PAPER_KINDS:
        raise ValueError(f"Loại văn bản không hợp lệ: {kind!r}.")
    configured = valid_months is not None
    months = valid_months if valid_months is not None else PAPER_VALIDITY_MONTHS_UNCONFIRMED[kind]
    if isinstance(months, bool) or not isinstance(months, int) or months <= 0:
        raise ValueError(f"Thời hạn (tháng) phải là số nguyên dương, nhận được {months!r}.")
    label = PAPER_KINDS[kind]
    source = paper_validity_source(meeting_date, configured=configured)
    if dated_on > meeting_date:
        return Verdict.of(
            Finding(
                "paper.after_meeting",
                Severity.BLOCK,
                f"{label} ngày {ddmmyyyy(dated_on)}, sau ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)}).",
                source,
            )
        )
    expires_on = add_months(dated_on, months)
    if meeting_date >= expires_on:
        return Verdict.of(
            Finding(
                "paper.expired",
                Severity.BLOCK if configured else Severity.NOTICE,
                f"{label} ngày {ddmmyyyy(dated_on)} đã quá {months} tháng (hết giá trị từ ngày {ddmmyyyy(expires_on)}) "
                f"tại ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)})"
                + ("." if configured else "; thời hạn 12 tháng chưa được đối chiếu với Hướng dẫn, đề nghị kiểm tra."),
                source,
            )
        )
    last_valid = expires_on - dt.timedelta(days=1)
    return Verdict.of(
        Finding(
            "paper.valid",
            Severity.OK,
            f"{label} ngày {ddmmyyyy(dated_on)} còn giá trị đến hết ngày {ddmmyyyy(last_valid)}.",
            source,
        )
    )
