"""Vote thresholds of the admission (and official-recognition) resolutions: ≥ 2/3, in exact integers.

Pure Python (no Django). shared/domain/rules.md §2.1.

- Chi bộ: at least two thirds of its OFFICIAL members agree (Điều lệ Điều 4 khoản 3; 06-HD/TW §3.6.b via quiz Q44
  [S]). The denominator is every official member, not only those present, minus the members on temporary transfer
  to another party organisation and the members exempted from activities who are ABSENT; those who attend and
  vote count (QĐ 294 §9.3.2 via quiz Q3 [S]). Probationary members have no vote (Điều lệ Điều 3 khoản 4: a
  probationary member has all a member's rights except to vote, to elect and to stand for election), so they are
  never counted, neither in `agree` nor in the denominator. Recognition uses the same vote (13-KNĐ).
- Đảng ủy cơ sở (and the authorised đảng ủy cơ sở that decides itself, 06-HD/TW §3.7.a via quiz Q17 [S]): at least
  two thirds of its committee members (cấp ủy viên) agree (Điều lệ Điều 4 khoản 3). Whether absent or temporarily
  transferred committee members leave the denominator is [U]; the caller passes the number that counts.
- Three votes without two thirds: the lower organisation reports to the committee directly above and to the
  competent committee, which decide — ONLY for recognising a probationary member as official or proposing removal
  from the list (QĐ 29 §4.2 and QĐ 24 §4.2.3 [C]: "Trường hợp tổ chức đảng cấp dưới đã qua 3 lần biểu quyết nhưng
  không đủ hai phần ba số đảng viên chính thức hoặc cấp ủy viên tán thành công nhận một đảng viên dự bị là đảng
  viên chính thức hoặc đề nghị xóa tên trong danh sách đảng viên thì báo cáo cấp ủy cấp trên trực tiếp và cấp ủy có
  thẩm quyền xem xét, quyết định", thuvienphapluat.vn/hoi-dap-phap-luat/4CFA4-hd-dang-vien-du-bi-co-duoc-cong-nhan-
  chinh-thuc-khi-chi-co-mot-phan-ba-cap-uy-vien-dong-y-khong.html; thuviennhadat.vn/phap-luat-doi-song/dang-vien-
  chinh-thuc-thi-co-the-bi-xoa-ten-trog-truong-hop-khong-du-dieu-kien-khong-497169.html). For ADMISSION there is no
  such rule: the chi bộ proposes admission only with ≥ 2/3 (Điều lệ Điều 4 khoản 3), so a failed vote simply means
  no proposal; nothing goes up (escalation(purpose="admission")).
- Removal (xóa tên) of a probationary member: the chi bộ votes as for admission (≥ 2/3 of official members, Điều lệ
  Điều 5 khoản 2: "biểu quyết như khi xét kết nạp; nếu không đủ tư cách đảng viên thì đề nghị lên cấp ủy có thẩm
  quyền quyết định xoá tên", luatvietnam.vn/can-bo-cong-chuc/tuoi-dang-tinh-tu-thoi-diem-nao-566-28649-article.html
  [C]); the competent committee decides (check_removal_proposal).

"≥ 2/3 of n" is k with 3k ≥ 2n; the least such k is ceil(2n/3) = (2n + 2) // 3. No floats: 2/3 has no exact float.
"""

import datetime as dt

from ketnap.rules.sources import charter, regulation
from ketnap.rules.verdict import Confidence, Finding, Severity, Source, Verdict


def _two_thirds(n: int) -> int:
    return (2 * n + 2) // 3


_LABELS = {
    "official_members": "đảng viên chính thức",
    "absent_transferred_or_exempted": "đảng viên sinh hoạt tạm thời nơi khác hoặc được miễn sinh hoạt vắng mặt",
    "committee_members": "cấp ủy viên",
    "agree": "phiếu đồng ý",
    "failed_votes": "lần biểu quyết không đạt",
    "earlier_failed_votes": "lần biểu quyết không đạt trước đó",
}


def _require_non_negative(**values: int) -> None:
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int):
            raise TypeError(f"{name} phải là số nguyên, nhận được {value!r}.")
        if value < 0:
            raise ValueError(f"Số {_LABELS.get(name, name)} không được âm ({value}).")


def chi_bo_denominator(official_members: int, absent_transferred_or_exempted: int = 0) -> int:
    """Official members who count: all of them, minus absent members on temporary transfer or exempted."""
    _require_non_negative(
        official_members=official_members, absent_transferred_or_exempted=absent_transferred_or_exempted
    )
    if absent_transferred_or_exempted > official_members:
        raise ValueError(
            f"Số đảng viên sinh hoạt tạm thời nơi khác hoặc được miễn sinh hoạt vắng mặt "
            f"({absent_transferred_or_exempted}) lớn hơn số đảng viên chính thức ({official_members})."
        )
    denominator = official_members - absent_transferred_or_exempted
    if denominator == 0:
        raise ValueError("Chi bộ không có đảng viên chính thức nào được tính để biểu quyết.")
    return denominator


def chi_bo_threshold(official_members: int, absent_transferred_or_exempted: int = 0) -> int:
    """The least number of "agree" votes that is ≥ 2/3 of the chi bộ's counted official members.

    9 official members → 6; 10 → 7; 10 with 1 absent exempted member → 9 counted → 6.
    """
    return _two_thirds(chi_bo_denominator(official_members, absent_transferred_or_exempted))


def committee_threshold(committee_members: int) -> int:
    """The least number of "agree" votes that is ≥ 2/3 of the committee's members (cấp ủy viên). 7 → 5."""
    _require_non_negative(committee_members=committee_members)
    if committee_members == 0:
        raise ValueError("Cấp ủy không có cấp ủy viên nào.")
    return _two_thirds(committee_members)


def chi_bo_sources(on: dt.date) -> tuple[Source, Source]:
    """Where the chi bộ's two thirds are written, and where its denominator is (the text in force on `on`)."""
    denominator = regulation(on, "điểm 9.3.2")
    confidence = Confidence.SECONDARY if denominator.document == "QĐ 294-QĐ/TW" else Confidence.UNCONFIRMED
    return charter("Điều 4 khoản 3"), Source(denominator.document, denominator.clause, confidence)


def check_chi_bo_vote(
    *, official_members: int, absent_transferred_or_exempted: int = 0, agree: int, on: dt.date
) -> Verdict:
    """The chi bộ resolution (6-KNĐ admission, 13-KNĐ recognition) passes with ≥ 2/3 of counted official members.

    Only official members vote; probationary members do not (Điều lệ Điều 3 khoản 4). `agree` larger than the
    counted official members, or any negative number, raises ValueError.
    """
    denominator = chi_bo_denominator(official_members, absent_transferred_or_exempted)
    _require_non_negative(agree=agree)
    if agree > denominator:
        raise ValueError(
            f"Số phiếu đồng ý ({agree}) lớn hơn số đảng viên chính thức được tính ({denominator}); đảng viên dự bị "
            "không biểu quyết."
        )
    needed = _two_thirds(denominator)
    source, denominator_source = chi_bo_sources(on)
    counted = f"{denominator} đảng viên chính thức được tính"
    if absent_transferred_or_exempted:
        counted += (
            f" ({official_members} đảng viên chính thức, trừ {absent_transferred_or_exempted} người sinh hoạt tạm "
            "thời nơi khác hoặc được miễn sinh hoạt vắng mặt)"
        )
    findings = []
    if agree >= needed:
        findings.append(
            Finding(
                "vote.chi_bo_passed",
                Severity.OK,
                f"{agree}/{counted} đồng ý, đạt ít nhất hai phần ba (cần {needed}).",
                source,
            )
        )
    else:
        findings.append(
            Finding(
                "vote.chi_bo_failed",
                Severity.BLOCK,
                f"{agree}/{counted} đồng ý, chưa đạt hai phần ba (cần {needed}): nghị quyết không được thông qua.",
                source,
            )
        )
    if absent_transferred_or_exempted:
        findings.append(
            Finding(
                "vote.chi_bo_denominator",
                Severity.OK,
                "Không tính đảng viên sinh hoạt tạm thời nơi khác và đảng viên được miễn sinh hoạt vắng mặt.",
                denominator_source,
            )
        )
    return Verdict.of(*findings)


def check_committee_vote(*, committee_members: int, agree: int, on: dt.date) -> Verdict:
    """The đảng ủy cơ sở resolution (8-KNĐ, 15-KNĐ, or the authorised decision) passes with ≥ 2/3 of its members.

    `on` is the meeting date (the Charter clause has not changed; kept for symmetry and future editions).
    """
    needed = committee_threshold(committee_members)
    _require_non_negative(agree=agree)
    if agree > committee_members:
        raise ValueError(f"Số phiếu đồng ý ({agree}) lớn hơn số cấp ủy viên ({committee_members}).")
    source = charter("Điều 4 khoản 3")
    if agree >= needed:
        return Verdict.of(
            Finding(
                "vote.committee_passed",
                Severity.OK,
                f"{agree}/{committee_members} cấp ủy viên đồng ý, đạt ít nhất hai phần ba (cần {needed}).",
                source,
            )
        )
    return Verdict.of(
        Finding(
            "vote.committee_failed",
            Severity.BLOCK,
            f"{agree}/{committee_members} cấp ủy viên đồng ý, chưa đạt hai phần ba (cần {needed}): nghị quyết không "
            "được thông qua.",
            source,
        )
    )


ESCALATE_AFTER = 3
PURPOSES = {
    "admission": "đề nghị kết nạp",
    "recognition": "công nhận đảng viên chính thức",
    "removal": "đề nghị xóa tên trong danh sách đảng viên dự bị",
}


def _escalation_source(on: dt.date) -> Source:
    cited = regulation(on, "điểm 4.2.3")
    if cited.document == "QĐ 29-QĐ/TW":
        return Source(cited.document, "điểm 4.2", Confidence.CONFIRMED)  # QĐ 29 §4.2, thuviennhadat.vn (above)
    confidence = Confidence.CONFIRMED if cited.document == "QĐ 24-QĐ/TW" else Confidence.UNCONFIRMED
    return Source(cited.document, cited.clause, confidence)


def escalation(failed_votes: int, on: dt.date, *, purpose: str = "recognition") -> Verdict:
    """What follows votes that did not reach two thirds, by the purpose of the vote.

    purpose "recognition" or "removal" (QĐ 24 §4.2.3 [C]; later editions [U] same clause): failed_votes ≥ 3 →
    CONSENT "vote.escalate": the lower organisation reports to the committee directly above and to the competent
    committee, which decide. Otherwise OK "vote.retry": the organisation may vote again.

    purpose "admission" (Điều lệ Điều 4 khoản 3): never escalates. Any failed vote → NOTICE "vote.not_proposed":
    the chi bộ (or đảng ủy cơ sở) does not propose the admission; it may review the person again later.

    The default purpose "recognition" keeps the result existing callers had; callers recording an ADMISSION vote
    must pass purpose="admission".
    """
    _require_non_negative(failed_votes=failed_votes)
    if purpose not in PURPOSES:
        raise ValueError(f"Mục đích biểu quyết không hợp lệ: {purpose!r}.")
    if purpose == "admission":
        return Verdict.of(
            Finding(
                "vote.not_proposed",
                Severity.NOTICE,
                f"Đã biểu quyết {failed_votes} lần không đạt hai phần ba: không đề nghị kết nạp. Việc báo cáo cấp trên "
                "sau ba lần biểu quyết chỉ áp dụng khi xét công nhận đảng viên chính thức hoặc đề nghị xóa tên.",
                charter("Điều 4 khoản 3"),
            )
        )
    source = _escalation_source(on)
    what = PURPOSES[purpose]
    if failed_votes >= ESCALATE_AFTER:
        return Verdict.of(
            Finding(
                "vote.escalate",
                Severity.CONSENT,
                f"Đã biểu quyết {failed_votes} lần không đạt hai phần ba về việc {what}: tổ chức đảng cấp dưới báo "
                "cáo cấp ủy cấp trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định.",
                source,
            )
        )
    return Verdict.of(
        Finding(
            "vote.retry",
            Severity.OK,
            f"Đã biểu quyết {failed_votes} lần không đạt về việc {what}; sau {ESCALATE_AFTER} lần thì báo cáo cấp "
            "trên quyết định.",
            source,
        )
    )


def check_removal_proposal(
    *,
    official_members: int,
    absent_transferred_or_exempted: int = 0,
    agree: int,
    on: dt.date,
    earlier_failed_votes: int = 0,
) -> Verdict:
    """The chi bộ's proposal to remove (xóa tên) a probationary member who is not qualified.

    Điều lệ Điều 5 khoản 2 [C]: the chi bộ votes "như khi xét kết nạp" (≥ 2/3 of its counted official members,
    check_chi_bo_vote) and proposes removal to the competent committee, which DECIDES (QĐ §4.2.1: "đề nghị lên cấp
    ủy có thẩm quyền quyết định xóa tên" [C for 24]). Where the chi bộ is under a đảng ủy cơ sở, that committee's
    resolution (≥ 2/3 of its members, check_committee_vote) goes up too, as for recognition (rules.md §2.3).

    Passed → the vote findings plus NOTICE "removal.committee_decides" (the step needs the competent committee's
    decision; the member stays probationary until then). Failed → the vote's BLOCK plus
    escalation(earlier_failed_votes + 1, purpose="removal") (three failed votes go up, QĐ 24 §4.2.3 [C]).
    """
    _require_non_negative(earlier_failed_votes=earlier_failed_votes)
    verdict = check_chi_bo_vote(
        official_members=official_members,
        absent_transferred_or_exempted=absent_transferred_or_exempted,
        agree=agree,
        on=on,
    )
    if verdict.allowed:
        return verdict + Verdict.of(
            Finding(
                "removal.committee_decides",
                Severity.NOTICE,
                "Chi bộ đã biểu quyết đề nghị xóa tên trong danh sách đảng viên dự bị: cần quyết định của cấp ủy có "
                "thẩm quyền (qua đảng ủy cơ sở, nếu có, với ít nhất hai phần ba cấp ủy viên tán thành).",
                _regulation_421(on),
            )
        )
    return verdict + escalation(earlier_failed_votes + 1, on, purpose="removal")


def _regulation_421(on: dt.date) -> Source:
    cited = regulation(on, "điểm 4.2.1")
    confidence = {"QĐ 24-QĐ/TW": Confidence.CONFIRMED, "QĐ 232-QĐ/TW": Confidence.CONFIRMED}.get(
        cited.document, Confidence.SECONDARY if cited.document == "QĐ 294-QĐ/TW" else Confidence.UNCONFIRMED
    )
    return Source(cited.document, cited.clause, confidence)
