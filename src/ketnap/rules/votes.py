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
  competent committee, which decide (QĐ 24 §4.2.3 [C], written for recognition and for proposed removal).

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


def _chi_bo_sources(on: dt.date) -> tuple[Source, Source]:
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
    source, denominator_source = _chi_bo_sources(on)
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


def escalation(failed_votes: int, on: dt.date) -> Verdict:
    """After three votes without two thirds the matter goes up (QĐ 24 §4.2.3 [C]; later editions [U] same clause).

    failed_votes ≥ 3 → CONSENT "vote.escalate": the lower organisation reports to the committee directly above and
    to the competent committee, which decide. Otherwise OK "vote.retry": the organisation may vote again.
    """
    _require_non_negative(failed_votes=failed_votes)
    cited = regulation(on, "điểm 4.2.3")
    confidence = Confidence.CONFIRMED if cited.document == "QĐ 24-QĐ/TW" else Confidence.UNCONFIRMED
    source = Source(cited.document, cited.clause, confidence)
    if failed_votes >= ESCALATE_AFTER:
        return Verdict.of(
            Finding(
                "vote.escalate",
                Severity.CONSENT,
                f"Đã biểu quyết {failed_votes} lần không đạt hai phần ba: tổ chức đảng cấp dưới báo cáo cấp ủy cấp "
                "trên trực tiếp và cấp ủy có thẩm quyền xem xét, quyết định.",
                source,
            )
        )
    return Verdict.of(
        Finding(
            "vote.retry",
            Severity.OK,
            f"Đã biểu quyết {failed_votes} lần không đạt; sau {ESCALATE_AFTER} lần thì báo cáo cấp trên quyết định.",
            source,
        )
    )
