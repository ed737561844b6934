"""Who may be admitted: age, education, the awareness-course certificate, introducers, re-admission.

Pure Python (no Django). Every check takes the date of the step it judges (normally the date of the chi bộ meeting
that reviews the admission, shared/domain/rules.md §1.2) and cites the regulation in force on that date
(QĐ 29 → 24 → 232 → 294; HD 01-HD/TW → 06-HD/TW; see ketnap.rules.sources).

Each check returns a Verdict with one main finding (OK, NOTICE = met but a human should look, CONSENT = allowed
only with a higher committee's written consent, BLOCK) and, where the rules are uncertain, an extra NOTICE.

Not implemented on purpose:
- Population-policy violators (05-QĐi/TW, 28/8/2018: 24 or 36 months of striving after a 3rd or 4th child).
  Having a 3rd child stopped being a party violation in 2025 (HD 15-HD/UBKTTW 20/3/2025; Pháp lệnh
  07/2025/UBTVQH15), so the rule is moot for new reviews; whether 05-QĐi/TW was formally repealed is [U]
  (rules.md §0, §1.10). Re-admission of people removed for it follows the Secretariat's own rules (QĐ §3.5.1).
- Political standards (58-QĐ/TW), religion (06-QĐ/TW), health and local work-performance criteria: not
  computable from dates; the dossier records them (rules.md §1.4, §1.7–1.9).
"""

import calendar
import datetime as dt
import itertools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from ketnap.rules.dates import ddmmyyyy
from ketnap.rules.sources import charter, guidance, regulation
from ketnap.rules.verdict import Confidence, Finding, Severity, Source, Verdict

# ---------------------------------------------------------------------------------------------------------------
# Citations. sources.regulation() names the document in force; how sure we are of its clause depends on which
# document that is (rules.md gives [C]/[S] per document), so each rule lists the editions it was read in.


def _cited(source: Source, confirmed: frozenset[str], secondary: frozenset[str]) -> Source:
    if source.document in confirmed:
        confidence = Confidence.CONFIRMED
    elif source.document in secondary:
        confidence = Confidence.SECONDARY
    else:
        confidence = Confidence.UNCONFIRMED
    return Source(source.document, source.clause, confidence)


def _reg(day: dt.date, clause: str, *, confirmed: Iterable[str], secondary: Iterable[str] = ()) -> Source:
    return _cited(regulation(day, clause), frozenset(confirmed), frozenset(secondary))


def _hd(day: dt.date, clause: str, *, confirmed: Iterable[str] = (), secondary: Iterable[str]) -> Source:
    return _cited(guidance(day, clause), frozenset(confirmed), frozenset(secondary))


QD24, QD232, QD294 = "QĐ 24-QĐ/TW", "QĐ 232-QĐ/TW", "QĐ 294-QĐ/TW"
HD01_2016, HD01_2021, HD06 = "HD 01-HD/TW (2016)", "HD 01-HD/TW (2021)", "HD 06-HD/TW"


# ---------------------------------------------------------------------------------------------------------------
# Months


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later (or earlier); the last day of the month when that month is shorter.

    29/02/2008 + 216 months = 28/02/2026; 31/01/2025 + 1 month = 28/02/2025. The clamp follows the way Vietnamese
    civil law ends a period counted in months (the corresponding day of the last month, or that month's last day
    when it has none; Bộ luật Dân sự 2015 Điều 148 [U: not checked against the text]).
    """
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def age_in_months(born: dt.date, on: dt.date) -> int:
    """Completed months of age on `on`: the largest m with add_months(born, m) <= on.

    Decision (rules.md §1.2: "tính theo tháng" has no official worked example [U]). rules.md suggests counting
    calendar months, (Y*12+M) − (Yb*12+Mb), which ignores the day. We count COMPLETED months instead (one less
    when on.day < born.day, unless `on` is the last day of a shorter month), because the rule says "đủ 18 tuổi"
    (a FULL 18 years): a person born 20/05/2008 is not yet 18 on 10/05/2026, yet the calendar-month count would
    give 216 months and admit them ten days early. Completed months make the lower bound strict and keep the upper
    bound "đến đủ 60 tuổi" generous (60 years and 0 months still counts, up to the day before 60 years + 1 month).
    The two methods disagree only within one month of a bound, which check_age flags as NOTICE for a human.
    """
    if on < born:
        raise ValueError(f"Ngày tính ({ddmmyyyy(on)}) trước ngày sinh ({ddmmyyyy(born)}).")
    months = (on.year * 12 + on.month) - (born.year * 12 + born.month)
    last_day = calendar.monthrange(on.year, on.month)[1]
    if on.day < born.day and on.day != last_day:
        months -= 1
    return months


# ---------------------------------------------------------------------------------------------------------------
# §1.2 Age

MIN_AGE_MONTHS = 18 * 12  # "đủ 18 tuổi"
MAX_AGE_MONTHS = 60 * 12  # "đến đủ 60 tuổi"
# Completed-month ages within one month of a bound: the month before and after turning 18 (215, 216) and the
# month before and after passing 60 (720, 721). This covers every case where the calendar-month count differs.
_NEAR_AGE_BOUND = frozenset({MIN_AGE_MONTHS - 1, MIN_AGE_MONTHS, MAX_AGE_MONTHS, MAX_AGE_MONTHS + 1})


def _years_months(months: int) -> str:
    return f"{months // 12} tuổi {months % 12} tháng"


def check_age(born: dt.date, meeting_date: dt.date) -> Verdict:
    """Age on the date of the chi bộ meeting that reviews the admission: a full 18 to a full 60, by months.

    QĐ 24/232/294 §1.1.1 ("Tại thời điểm chi bộ xét kết nạp, người vào Đảng phải đủ 18 tuổi đến đủ 60 tuổi
    (tính theo tháng)") [C for 24/232, S for 294]; Điều lệ Điều 1 khoản 2 (from 18). Over 60: §1.1.2, the
    province-level committee (cấp ủy trực thuộc Trung ương) decides, with the written consent of its standing
    committee beforehand; HD 01-HD/TW 2021 §1.1, kept by 06-HD/TW: the person has health and prestige and works or
    lives where there is no party organisation or member, or there is a special requirement.
    """
    months = age_in_months(born, meeting_date)
    age = _years_months(months)
    source_111 = _reg(meeting_date, "điểm 1.1.1", confirmed={QD24, QD232}, secondary={QD294})
    findings: list[Finding] = []
    if months < MIN_AGE_MONTHS:
        findings.append(
            Finding(
                "age.under_18",
                Severity.BLOCK,
                f"Chưa đủ 18 tuổi tại ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)}): {age}. Đủ 18 tuổi từ ngày "
                f"{ddmmyyyy(add_months(born, MIN_AGE_MONTHS))}.",
                source_111,
            )
        )
    elif months > MAX_AGE_MONTHS:
        findings.append(
            Finding(
                "age.over_60",
                Severity.CONSENT,
                f"Trên 60 tuổi tại ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)}): {age}. Chỉ kết nạp khi có sức "
                "khỏe, uy tín và công tác, sinh sống ở nơi chưa có tổ chức đảng hoặc đảng viên, hoặc có yêu cầu đặc "
                "biệt; cấp ủy trực thuộc Trung ương xem xét, quyết định sau khi ban thường vụ đồng ý bằng văn bản.",
                _reg(meeting_date, "điểm 1.1.2", confirmed={QD24, QD232, QD294}),
            )
        )
        findings.append(
            Finding(
                "age.over_60_conditions",
                Severity.NOTICE,
                "Điều kiện đối với người trên 60 tuổi: có sức khỏe và uy tín; nơi chưa có tổ chức đảng hoặc chưa "
                "có đảng viên, hoặc có yêu cầu đặc biệt; ban thường vụ cấp ủy trực thuộc Trung ương đồng ý bằng văn "
                "bản trước khi quyết định.",
                _hd(meeting_date, "điểm 1.1", confirmed={HD01_2016, HD01_2021}, secondary={HD06}),
            )
        )
    else:
        near = months in _NEAR_AGE_BOUND
        findings.append(
            Finding(
                "age.near_bound" if near else "age.ok",
                Severity.NOTICE if near else Severity.OK,
                f"Tuổi tại ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)}): {age}, "
                "trong khoảng đủ 18 đến đủ 60 tuổi."
                + (" Sát giới hạn tuổi: đề nghị kiểm tra lại cách tính theo tháng." if near else ""),
                source_111,
            )
        )
        return Verdict.of(*findings)
    if months in _NEAR_AGE_BOUND:
        findings.append(
            Finding(
                "age.near_bound",
                Severity.NOTICE,
                'Sát giới hạn tuổi (trong vòng một tháng): cách tính "theo tháng" chưa có hướng dẫn tính mẫu; '
                "ketnap tính số tháng tròn, đề nghị cán bộ kiểm tra lại.",
                Source(source_111.document, "điểm 1.1.1 (cách tính theo tháng)", Confidence.UNCONFIRMED),
            )
        )
    return Verdict.of(*findings)


# ---------------------------------------------------------------------------------------------------------------
# Written consent of a higher committee, recorded before the decision


def check_written_consent(
    *, code: str, who: str, what: str, consent_on: dt.date | None, decision_on: dt.date | None, source: Source
) -> Finding:
    """One written consent that must exist BEFORE the competent committee decides.

    Not yet recorded → CONSENT (naming `who` must consent to `what`); recorded on or before the decision (or no
    decision yet) → OK; dated after the decision → BLOCK ("đồng ý bằng văn bản trước khi cấp ủy có thẩm quyền ra
    quyết định", HD 01-HD/TW §1.1/§1.2 [C]; QĐ §3.5.1 b for re-admission [C for 24/232]).
    """
    if consent_on is None:
        return Finding(
            f"{code}.consent",
            Severity.CONSENT,
            f"Cần văn bản đồng ý của {who} về việc {what} trước khi cấp ủy có thẩm quyền quyết định.",
            source,
        )
    if decision_on is not None and consent_on > decision_on:
        return Finding(
            f"{code}.consent_after_decision",
            Severity.BLOCK,
            f"Văn bản đồng ý của {who} ngày {ddmmyyyy(consent_on)} sau ngày quyết định ({ddmmyyyy(decision_on)}): phải "
            "có văn bản đồng ý trước khi quyết định.",
            source,
        )
    return Finding(
        f"{code}.consent_recorded",
        Severity.OK,
        f"Đã có văn bản đồng ý của {who} ngày {ddmmyyyy(consent_on)}.",
        source,
    )


PROVINCE_STANDING = "ban thường vụ cấp ủy trực thuộc Trung ương (tỉnh ủy, thành ủy và tương đương)"

# ---------------------------------------------------------------------------------------------------------------
# §1.2 Over 60: who decides, on what conditions, with whose consent

PROVINCE, UPPER, BASE = "province", "upper", "base"
DECIDING_LEVELS = {
    PROVINCE: "cấp ủy trực thuộc Trung ương (tỉnh ủy, thành ủy và tương đương)",
    UPPER: "cấp ủy cấp trên trực tiếp của tổ chức cơ sở đảng",
    BASE: "đảng ủy cơ sở được ủy quyền kết nạp",
}
PLACE_CONDITIONS = {
    "no_party_organisation": "công tác, cư trú ở cơ sở chưa có tổ chức đảng",
    "no_party_member": "công tác, cư trú ở cơ sở chưa có đảng viên",
    "special_requirement": "do yêu cầu đặc biệt",
}


def check_over_60_admission(
    *,
    born: dt.date,
    meeting_date: dt.date,
    deciding_level: str,
    health_and_prestige: bool | None,
    place_condition: str | None,
    consent_on: dt.date | None = None,
    decision_on: dt.date | None = None,
) -> Verdict:
    """Admission of a person over 60 (by completed months on the chi bộ review date).

    - QĐ 24/232/294 §1.1.2 [C for 24/232 (lawnet.vn …-69434.html quotes QĐ 24; thuvienphapluat.vn
      …/83A6083-hd-nam-2025-nguoi-tren-60-tuoi-co-duoc-ket-nap-dang-khong.html quotes QĐ 232), S for 294]: "Việc kết
      nạp vào Đảng những người trên 60 tuổi do cấp ủy trực thuộc Trung ương xem xét, quyết định." A `deciding_level`
      other than "province" ("upper", "base") → BLOCK.
    - HD 01-HD/TW 2016/2021 §1.1 [C: luattoanquoc.com (2016), boxhoidap.com and vndoc.com (2021)], kept by 06-HD/TW
      [S]: "Chỉ xem xét kết nạp vào Đảng những người trên 60 tuổi khi đủ các điều kiện: có sức khỏe và uy tín; đang
      công tác, cư trú ở cơ sở chưa có tổ chức đảng, chưa có đảng viên hoặc do yêu cầu đặc biệt; được ban thường vụ
      cấp ủy trực thuộc Trung ương đồng ý bằng văn bản trước khi cấp ủy có thẩm quyền ra quyết định kết nạp."
      `health_and_prestige` False → BLOCK, None → BLOCK (not recorded); `place_condition` one of PLACE_CONDITIONS,
      None → BLOCK (not recorded); the written consent: check_written_consent (CONSENT until recorded).
    A person not over 60 gets one OK finding "over_60.not_applicable".
    """
    if deciding_level not in DECIDING_LEVELS:
        raise ValueError(f"Cấp quyết định không hợp lệ: {deciding_level!r}.")
    if place_condition is not None and place_condition not in PLACE_CONDITIONS:
        raise ValueError(f"Điều kiện nơi công tác, cư trú không hợp lệ: {place_condition!r}.")
    months = age_in_months(born, meeting_date)
    source_112 = _reg(meeting_date, "điểm 1.1.2", confirmed={QD24, QD232}, secondary={QD294})
    source_hd = _hd(meeting_date, "điểm 1.1", confirmed={HD01_2016, HD01_2021}, secondary={HD06})
    if months <= MAX_AGE_MONTHS:
        return Verdict.of(
            Finding(
                "over_60.not_applicable",
                Severity.OK,
                f"Tại ngày chi bộ xét kết nạp ({ddmmyyyy(meeting_date)}) chưa quá 60 tuổi ({_years_months(months)}).",
                source_112,
            )
        )
    findings: list[Finding] = []
    if deciding_level != PROVINCE:
        findings.append(
            Finding(
                "over_60.wrong_level",
                Severity.BLOCK,
                f"Người trên 60 tuổi ({_years_months(months)}): chỉ {DECIDING_LEVELS[PROVINCE]} xem xét, quyết "
                f"định kết nạp; {DECIDING_LEVELS[deciding_level]} không có thẩm quyền.",
                source_112,
            )
        )
    else:
        findings.append(
            Finding(
                "over_60.level_ok",
                Severity.OK,
                f"Người trên 60 tuổi: {DECIDING_LEVELS[PROVINCE]} xem xét, quyết định.",
                source_112,
            )
        )
    if health_and_prestige is None:
        findings.append(
            Finding(
                "over_60.health_unknown", Severity.BLOCK, "Chưa ghi nhận người này có sức khỏe và uy tín.", source_hd
            )
        )
    elif not health_and_prestige:
        findings.append(
            Finding(
                "over_60.health",
                Severity.BLOCK,
                "Người trên 60 tuổi phải có sức khỏe và uy tín.",
                source_hd,
            )
        )
    if place_condition is None:
        findings.append(
            Finding(
                "over_60.place_unknown",
                Severity.BLOCK,
                "Chưa ghi nhận điều kiện: công tác, cư trú ở cơ sở chưa có tổ chức đảng, chưa có đảng viên hoặc do "
                "yêu cầu đặc biệt.",
                source_hd,
            )
        )
    else:
        findings.append(
            Finding("over_60.place", Severity.OK, f"Điều kiện: {PLACE_CONDITIONS[place_condition]}.", source_hd)
        )
    findings.append(
        check_written_consent(
            code="over_60",
            who=PROVINCE_STANDING,
            what="kết nạp người trên 60 tuổi",
            consent_on=consent_on,
            decision_on=decision_on,
            source=source_hd,
        )
    )
    return Verdict.of(*findings)


# ---------------------------------------------------------------------------------------------------------------
# §1.3 Education

ILLITERATE = "illiterate"  # chưa biết đọc, biết viết
LITERATE = "none_literate"  # biết đọc, biết viết chữ quốc ngữ (no diploma)
PRIMARY = "primary"  # tiểu học
LOWER_SECONDARY = "lower_secondary"  # trung học cơ sở (THCS)
UPPER_SECONDARY = "upper_secondary"  # trung học phổ thông (THPT)
EDUCATION_LEVELS = (ILLITERATE, LITERATE, PRIMARY, LOWER_SECONDARY, UPPER_SECONDARY)

# The app's code list "general_education" (registry/data/codelists.json) → the levels above. The caller maps
# Person.general_education.code through this table before calling check_education.
GENERAL_EDUCATION_CODES = {
    "none": ILLITERATE,
    "biet_doc_viet": LITERATE,
    "tieu_hoc": PRIMARY,
    "thcs": LOWER_SECONDARY,
    "thpt": UPPER_SECONDARY,
}
QD24_IN_FORCE = dt.date(2021, 7, 30)

# The areas where completed primary school is enough, in the words of HD 01-HD/TW 2016 and 2021 §1.2 [C]
# ("Người vào Đảng đang sinh sống ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số và vùng có điều
# kiện kinh tế - xã hội đặc biệt khó khăn hoặc ngư dân thường xuyên làm việc ngoài biển, đảo ... tối thiểu hoàn
# thành chương trình bậc tiểu học"; luattoanquoc.com/huong-dan-01-hdtw-huong-dan-mot-van-de-cu-thi-hanh-dieu-le-dang
# (2016 text), boxhoidap.com/huong-dan-01-hdtw-nam-2022-ve-thi-hanh-dieu-le-dang/amp and
# vndoc.com/cap-nhat-huong-dan-01-hd-tw-ve-thi-hanh-dieu-le-dang-245772 (2021 text)). 06-HD/TW keeps them [S].
AREA_KINDS = {
    "mountain": "miền núi",
    "border": "biên giới",
    "island": "hải đảo",
    "ethnic_minority": "vùng đồng bào dân tộc thiểu số",
    "especially_difficult": "vùng có điều kiện kinh tế - xã hội đặc biệt khó khăn",
    "offshore_fisherman": "ngư dân thường xuyên làm việc ngoài biển, đảo",
}
# Già làng, trưởng bản, người có uy tín: same HD clause, which limits the literacy exception to people "đang sinh
# sống ở" the same areas (or offshore fishermen), with the province-level standing committee's written consent
# before the competent committee decides (thuvienphapluat.vn/hoi-dap-phap-luat/iframe/5130C-hd-co-duoc-ket-nap-
# dang-khi-da-cao-tuoi.html quotes it in full [C for 2016]; the 2021 text opens with the same words, boxhoidap [C]).
ELDER_ROLES = {"village_elder": "già làng", "village_head": "trưởng bản", "prestigious_person": "người có uy tín"}


def _area_label(area_kind: str | None) -> str:
    return AREA_KINDS[area_kind] if area_kind else "vùng đặc biệt (chưa ghi loại vùng)"


def _check_education_input(level: str, area_kind: str | None, elder_role: str | None) -> None:
    """A code outside the lists is the caller's mistake, not a finding about the person."""
    if level not in EDUCATION_LEVELS:
        raise ValueError(f"Trình độ giáo dục phổ thông không hợp lệ: {level!r}.")
    if area_kind is not None and area_kind not in AREA_KINDS:
        raise ValueError(f"Loại vùng không hợp lệ: {area_kind!r}.")
    if elder_role is not None and elder_role not in ELDER_ROLES:
        raise ValueError(f"Vai trò không hợp lệ: {elder_role!r}.")


def _elder_exception(elder_role: str | None, area_kind: str | None, *, in_area: bool, source: Source) -> Finding:
    """HD 01-HD/TW 2016/2021 §1.2 [C] (see ELDER_ROLES): a già làng, trưởng bản or người có uy tín who can read and
    write, living in one of AREA_KINDS, with the province-level standing committee's consent; elsewhere no exception."""
    role = ELDER_ROLES[elder_role] if elder_role else "già làng, trưởng bản, người có uy tín"
    if not in_area:
        return Finding(
            "education.elder_outside_area",
            Severity.BLOCK,
            f"{role.capitalize()} chỉ biết đọc, biết viết chữ quốc ngữ: ngoại lệ này chỉ áp dụng cho người "
            "đang sinh sống ở miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, vùng có điều "
            "kiện kinh tế - xã hội đặc biệt khó khăn hoặc ngư dân thường xuyên làm việc ngoài biển, đảo; "
            "chưa ghi người này thuộc vùng đó.",
            source,
        )
    return Finding(
        "education.elder_consent",
        Severity.CONSENT,
        f"{role.capitalize()} sinh sống ở {_area_label(area_kind)}, biết đọc, biết viết chữ quốc ngữ: cần "
        "ban thường vụ cấp ủy trực thuộc Trung ương (tỉnh ủy, thành ủy) đồng ý bằng văn bản trước khi cấp "
        "ủy có thẩm quyền quyết định kết nạp.",
        source,
    )


def check_education(
    level: str,
    *,
    special_area: bool = False,
    prestigious_elder: bool = False,
    on: dt.date,
    area_kind: str | None = None,
    elder_role: str | None = None,
) -> Verdict:
    """General education of the person, judged by the texts in force on `on` (the chi bộ review date).

    `level` is one of "none_literate", "primary", "lower_secondary", "upper_secondary" (and "illiterate" for
    completeness); the app's general_education codes map through GENERAL_EDUCATION_CODES (none → illiterate,
    biet_doc_viet → none_literate, tieu_hoc → primary, thcs → lower_secondary, thpt → upper_secondary).

    - A THCS diploma or higher → OK. QĐ 24/232/294 §1.2.1 [C]. Since QĐ 24 (30/7/2021) "hoặc tương đương" (or
      equivalent) is gone: a certificate merely "equivalent" to THCS must not be entered as lower_secondary.
    - The area exception (HD 01-HD/TW 2016/2021 §1.2 [C], kept by 06-HD/TW [S]): the person lives in one of
      AREA_KINDS (`area_kind`: mountain, border, island, ethnic_minority, especially_difficult, or is an
      offshore_fisherman) → completed primary school is enough → NOTICE (a human confirms the area). The older
      boolean `special_area=True` without `area_kind` is still accepted, with the area marked "not recorded".
    - The elder exception (same clause): a già làng, trưởng bản or người có uy tín (`elder_role`, or the older
      `prestigious_elder=True`) LIVING IN ONE OF THOSE AREAS who can read and write quốc ngữ → CONSENT: the
      standing committee of the province-level committee (ban thường vụ cấp ủy trực thuộc Trung ương) agrees in
      writing before the competent committee decides. Outside those areas the text grants no exception → BLOCK
      ("education.elder_outside_area").
    - Otherwise BLOCK.
    """
    _check_education_input(level, area_kind, elder_role)
    in_area = special_area or area_kind is not None
    is_elder = prestigious_elder or elder_role is not None
    source_121 = _reg(on, "điểm 1.2.1", confirmed={QD24, QD232, QD294})
    source_hd = _hd(on, "điểm 1.2", confirmed={HD01_2016, HD01_2021}, secondary={HD06})
    if level in (LOWER_SECONDARY, UPPER_SECONDARY):
        note = ' (không chấp nhận trình độ "tương đương")' if on >= QD24_IN_FORCE else ""
        return Verdict.of(
            Finding("education.ok", Severity.OK, f"Có bằng tốt nghiệp trung học cơ sở trở lên{note}.", source_121)
        )
    if level == PRIMARY and in_area:
        return Verdict.of(
            Finding(
                "education.special_area",
                Severity.NOTICE,
                f"Hoàn thành chương trình tiểu học, sinh sống ở {_area_label(area_kind)}: đủ điều kiện với người ở "
                "miền núi, biên giới, hải đảo, vùng đồng bào dân tộc thiểu số, vùng có điều kiện kinh tế - xã hội "
                "đặc biệt khó khăn hoặc ngư dân thường xuyên làm việc ngoài biển, đảo. Đề nghị xác nhận người này "
                "thuộc diện đó.",
                source_hd,
            )
        )
    if level in (LITERATE, PRIMARY) and is_elder:
        return Verdict.of(_elder_exception(elder_role, area_kind, in_area=in_area, source=source_hd))
    return Verdict.of(
        Finding(
            "education.insufficient",
            Severity.BLOCK,
            "Chưa có bằng tốt nghiệp trung học cơ sở và không thuộc trường hợp ngoại lệ (sinh sống ở vùng đặc biệt: "
            "hoàn thành tiểu học; già làng, trưởng bản, người có uy tín ở vùng đó: biết đọc, biết viết chữ quốc "
            "ngữ, có văn bản đồng ý của ban thường vụ tỉnh ủy).",
            source_121,
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# §1.5 Awareness-course certificate (CN-NTVĐ)

CERTIFICATE_VALID_MONTHS = 60
CERTIFICATE_NOTICE_MONTHS = 3


def certificate_expires_on(issued_on: dt.date) -> dt.date:
    """The first day the certificate is no longer valid: the same date 60 months later (clamped to month end).

    Decision: valid from the issue date THROUGH THE DAY BEFORE issued_on + 60 months. The worked example of
    06-HD/TW §5.4 (quiz Q7 [S]) says a certificate of 15/01/2020 "expired 15/01/2025", so on 15/01/2025 itself it
    is already expired; a chi bộ meeting on 03/02/2025 was wrong either way.
    """
    return add_months(issued_on, CERTIFICATE_VALID_MONTHS)


def check_certificate(issued_on: dt.date | None, meeting_date: dt.date) -> Verdict:
    """The awareness-course certificate must be valid on the chi bộ review date (06-HD/TW §5.4 via quiz Q7 [S]).

    Missing → BLOCK; issued after the meeting → BLOCK; expired → BLOCK (the chi bộ sends the person to retake the
    course before reviewing); expiring within 3 months after the meeting → NOTICE (a postponed meeting would find
    it expired); else OK. Older guides say "giá trị 5 năm", the same 60 months.
    """
    source = _hd(meeting_date, "điểm 5.4", secondary={HD06})
    if issued_on is None:
        return Verdict.of(
            Finding(
                "certificate.missing",
                Severity.BLOCK,
                "Chưa có giấy chứng nhận học lớp bồi dưỡng nhận thức về Đảng (CN-NTVĐ).",
                source,
            )
        )
    expires_on = certificate_expires_on(issued_on)
    last_valid = expires_on - dt.timedelta(days=1)
    if meeting_date < issued_on:
        return Verdict.of(
            Finding(
                "certificate.after_meeting",
                Severity.BLOCK,
                f"Giấy chứng nhận CN-NTVĐ cấp ngày {ddmmyyyy(issued_on)}, sau ngày chi bộ xét kết nạp "
                f"({ddmmyyyy(meeting_date)}).",
                source,
            )
        )
    if meeting_date >= expires_on:
        return Verdict.of(
            Finding(
                "certificate.expired",
                Severity.BLOCK,
                f"Giấy chứng nhận CN-NTVĐ cấp ngày {ddmmyyyy(issued_on)} đã hết hạn ngày {ddmmyyyy(expires_on)} (giá "
                f"trị {CERTIFICATE_VALID_MONTHS} tháng). Phải cử đi học lại lớp bồi dưỡng nhận thức về Đảng trước khi "
                "chi bộ xét kết nạp.",
                source,
            )
        )
    if add_months(meeting_date, CERTIFICATE_NOTICE_MONTHS) >= expires_on:
        return Verdict.of(
            Finding(
                "certificate.expiring",
                Severity.NOTICE,
                f"Giấy chứng nhận CN-NTVĐ còn giá trị đến hết ngày {ddmmyyyy(last_valid)}: sắp hết hạn, nếu lùi ngày "
                "họp chi bộ phải kiểm tra lại.",
                source,
            )
        )
    return Verdict.of(
        Finding(
            "certificate.ok",
            Severity.OK,
            f"Giấy chứng nhận CN-NTVĐ cấp ngày {ddmmyyyy(issued_on)}, còn giá trị đến hết ngày {ddmmyyyy(last_valid)}.",
            source,
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# §3 Introducers

MEMBER, YOUTH_UNION, TRADE_UNION = "member", "youth_union", "trade_union"
INTRODUCER_KINDS = (MEMBER, YOUTH_UNION, TRADE_UNION)
INTRODUCER_TOGETHER_MONTHS = 12

# Why a replacement introducer was assigned (QĐ 24 §3.2.2 [C], lawnet.vn/ngan-hang-phap-luat/en/tu-van-phap-luat/
# bo-may-hanh-chinh/introduction-and-admission-of-individuals-into-the-communist-party-regulations-and-procedures-
# 1008777: the introducer "transfers to another party committee or grassroots cell, is disciplined, or due to other
# reasons cannot continue to monitor and assist the person"; the chi bộ assigns another official member, who need
# not have worked, studied or lived together with the person for 12 months).
REPLACEMENT_REASONS = {
    "moved": "chuyển sinh hoạt đến đảng bộ, chi bộ cơ sở khác",
    "disciplined": "bị kỷ luật",
    "other": "lý do khác không thể tiếp tục theo dõi, giúp đỡ",
}

# Độ tuổi thanh niên: "Thanh niên là công dân Việt Nam từ đủ 16 tuổi đến 30 tuổi" (Luật Thanh niên 2020, số
# 57/2020/QH14, Điều 1 [C]: vi.m.wikisource.org/wiki/Luật_Thanh_niên_nước_Cộng_hòa_xã_hội_chủ_nghĩa_Việt_Nam_2020/
# Chương_I; vanbanphapluat.co/law-57-2020-qh14-youth-law). Decision [U]: "đến 30 tuổi" is read as up to the 31st
# birthday (the whole of age 30, as the pipeline already did with age_on(on) <= 30); a 30-year-old gets a NOTICE.
YOUTH_MIN_MONTHS = 16 * 12
YOUTH_MAX_YEARS = 30


def youth_age(born: dt.date, on: dt.date) -> bool:
    """In youth age on `on` (Luật Thanh niên 2020 Điều 1: từ đủ 16 tuổi đến 30 tuổi; see YOUTH_MAX_YEARS)."""
    months = age_in_months(born, on)
    return YOUTH_MIN_MONTHS <= months < (YOUTH_MAX_YEARS + 1) * 12


@dataclass(frozen=True)
class Introducer:
    """One introducer: an official member (kind "member") or a base executive committee (BCH Đoàn / Công đoàn
    cơ sở, by its resolution 4-KNĐ / 4A-KNĐ). For an executive committee the member fields are ignored.

    `official` / `official_since`: status of the member (official_since, if known, must be on or before the
    meeting). `together_since`: since when the member has worked, studied or lived (same residential chi bộ) with
    the applicant. `same_unit`: whether they did so in the same unit under the leadership of the same đảng bộ /
    chi bộ cơ sở (QĐ §3.2.1) — True / False as recorded; None = not recorded (a NOTICE: the pipeline should record
    it). `replacement` (with `replacement_reason`, one of REPLACEMENT_REASONS): assigned by the chi bộ in place of
    an introducer who moved, was disciplined or cannot continue (QĐ 24 §3.2.2 [C]); must still be an official member,
    but the 12 months together (and the same-unit condition that goes with them) are not required.
    """

    official: bool
    official_since: dt.date | None
    together_since: dt.date | None
    kind: Literal["member", "youth_union", "trade_union"]
    same_unit: bool | None = None
    name: str = ""
    replacement: bool = False
    replacement_reason: str = ""

    def __post_init__(self) -> None:
        if self.kind not in INTRODUCER_KINDS:
            raise ValueError(f"Loại người giới thiệu không hợp lệ: {self.kind!r}.")
        if self.replacement_reason and self.replacement_reason not in REPLACEMENT_REASONS:
            raise ValueError(f"Lý do thay người giới thiệu không hợp lệ: {self.replacement_reason!r}.")
        if self.replacement and self.kind != MEMBER:
            raise ValueError("Chỉ đảng viên được phân công thay người giới thiệu.")

    @classmethod
    def youth_union(cls, name: str = "BCH Đoàn cơ sở") -> "Introducer":
        return cls(official=False, official_since=None, together_since=None, kind=YOUTH_UNION, name=name)

    @classmethod
    def trade_union(cls, name: str = "BCH Công đoàn cơ sở") -> "Introducer":
        return cls(official=False, official_since=None, together_since=None, kind=TRADE_UNION, name=name)

    @property
    def label(self) -> str:
        if self.name:
            return self.name
        return {MEMBER: "Đảng viên giới thiệu", YOUTH_UNION: "BCH Đoàn cơ sở", TRADE_UNION: "BCH Công đoàn cơ sở"}[
            self.kind
        ]


def _check_member_introducer(
    introducer: Introducer, meeting_date: dt.date, source: Source, source_replacement: Source
) -> list[Finding]:
    refused = _not_official(introducer, meeting_date, source)
    if refused:
        return refused
    if introducer.replacement:
        return [_replacement(introducer, source_replacement)]
    return _time_together(introducer, meeting_date, source)


def _not_official(introducer: Introducer, meeting_date: dt.date, source: Source) -> list[Finding]:
    """QĐ 24/294 §3.2.1 [C for 24, S for 294]: an introducer is an official member on the review date (đảng viên dự
    bị không được giới thiệu)."""
    who = introducer.label
    if not introducer.official:
        return [
            Finding(
                "introducer.probationary",
                Severity.BLOCK,
                f"{who}: không phải đảng viên chính thức. Đảng viên dự bị không được giới thiệu người vào Đảng.",
                source,
            )
        ]
    if introducer.official_since is not None and introducer.official_since > meeting_date:
        return [
            Finding(
                "introducer.probationary",
                Severity.BLOCK,
                f"{who}: đến ngày {ddmmyyyy(introducer.official_since)} mới là đảng viên chính thức, sau ngày chi bộ "
                f"xét kết nạp ({ddmmyyyy(meeting_date)}). Đảng viên dự bị không được giới thiệu người vào Đảng.",
                source,
            )
        ]
    return []


def _replacement(introducer: Introducer, source: Source) -> Finding:
    """QĐ 24 §3.2.2 [C]: an official member the chi bộ assigns in place of an introducer, for a recorded reason,
    needs no 12 months together."""
    who = introducer.label
    if not introducer.replacement_reason:
        return Finding(
            "introducer.replacement_reason_missing",
            Severity.BLOCK,
            f"{who}: được phân công thay người giới thiệu nhưng chưa ghi lý do (người giới thiệu trước chuyển "
            "sinh hoạt, bị kỷ luật hoặc không thể tiếp tục theo dõi, giúp đỡ).",
            source,
        )
    return Finding(
        "introducer.replacement",
        Severity.OK,
        f"{who}: đảng viên chính thức được chi bộ phân công thay người giới thiệu "
        f"({REPLACEMENT_REASONS[introducer.replacement_reason]}); không cần đủ "
        f"{INTRODUCER_TOGETHER_MONTHS} tháng cùng công tác.",
        source,
    )


def _time_together(introducer: Introducer, meeting_date: dt.date, source: Source) -> list[Finding]:
    """QĐ 24/294 §3.2.1 [C for 24, S for 294]: at least 12 completed months together in one unit under the same
    đảng bộ / chi bộ cơ sở, counted from together_since to the review date (time together, not party seniority: quiz
    Q2 [S]); same_unit not recorded → NOTICE."""
    who = introducer.label
    if introducer.same_unit is False:
        return [
            Finding(
                "introducer.other_unit",
                Severity.BLOCK,
                f"{who}: không cùng công tác, lao động, học tập hoặc sinh hoạt nơi cư trú với người vào Đảng trong "
                "một đơn vị thuộc sự lãnh đạo của đảng bộ, chi bộ cơ sở.",
                source,
            )
        ]
    if introducer.together_since is None:
        return [
            Finding(
                "introducer.together_unknown",
                Severity.BLOCK,
                f"{who}: chưa ghi từ ngày nào cùng công tác (học tập, sinh hoạt) với người vào Đảng.",
                source,
            )
        ]
    if introducer.together_since > meeting_date:
        months = 0
    else:
        months = age_in_months(introducer.together_since, meeting_date)
    if months < INTRODUCER_TOGETHER_MONTHS:
        return [
            Finding(
                "introducer.together_short",
                Severity.BLOCK,
                f"{who}: mới cùng công tác với người vào Đảng {months} tháng (từ "
                f"{ddmmyyyy(introducer.together_since)}), chưa đủ {INTRODUCER_TOGETHER_MONTHS} tháng. Tính thời gian "
                "cùng công tác, không tính tuổi đảng.",
                source,
            )
        ]
    findings = [
        Finding(
            "introducer.ok",
            Severity.OK,
            f"{who}: đảng viên chính thức, cùng công tác với người vào Đảng {months} tháng.",
            source,
        )
    ]
    if introducer.same_unit is None:
        findings.append(
            Finding(
                "introducer.same_unit_unknown",
                Severity.NOTICE,
                f"{who}: chưa ghi có cùng công tác, học tập hoặc sinh hoạt với người vào Đảng trong một đơn vị thuộc "
                "sự lãnh đạo của cùng đảng bộ, chi bộ cơ sở hay không; đề nghị xác nhận.",
                source,
            )
        )
    return findings


# Điều lệ Đảng Điều 4 khoản 1 (introducers; Youth Union and Trade Union routes). The exact Charter wording was not
# found in the stored pages (searched 2026-12); what is confirmed is QĐ 24 §3.1 (lawnet.vn …-1008777 [C]: "the
# Executive Committee of the Ho Chi Minh Communist Youth Union at the grassroots …; the grassroots Trade Union
# Executive Committee considers and issues a resolution to introduce members into the Communist Party"). The rule
# that a youth-age applicant where the Youth Union exists must be a đoàn viên introduced by the BCH Đoàn cơ sở and
# one official member is known through luatlvn.com, quiz Q46 and vanxuan.net (rules.md §3) → SECONDARY.
_CHARTER_41 = charter("Điều 4 khoản 1", Confidence.SECONDARY)


def check_introducers(
    introducers: list[Introducer],
    meeting_date: dt.date,
    *,
    applicant_youth_age: bool | None = None,
    youth_union_exists: bool | None = None,
    trade_union_exists: bool | None = None,
    applicant_born: dt.date | None = None,
    youth_union_member: bool | None = None,
    unit_has_youth_union: bool | None = None,
    unit_has_trade_union: bool | None = None,
) -> Verdict:
    """The two introducers, judged on the chi bộ review date.

    Inputs about the applicant (new names preferred; the old ones stay for existing callers):
    - youth age: `applicant_born` (youth_age(): Luật Thanh niên 2020 Điều 1, 16 to 30), else `applicant_youth_age`.
      One of them is required.
    - `youth_union_member`: whether the applicant is a đoàn viên (None = not recorded: not checked).
    - `unit_has_youth_union` / `unit_has_trade_union` (aliases `youth_union_exists` / `trade_union_exists`): whether
      the applicant's unit has a base Youth Union / Trade Union organisation. Default True (as before).

    Điều lệ Điều 4 khoản 1 [S, see _CHARTER_41]: two official members; where a Youth Union organisation exists, an
    applicant of youth age must be a Youth Union member and is introduced by the BCH Đoàn cơ sở plus one official
    member; where a Trade Union exists, by the BCH Công đoàn cơ sở plus one official member.

    Decisions:
    - A youth-age applicant where the Youth Union exists MUST use the Youth Union route: two plain members, or the
      Trade Union route, → BLOCK "introducers.youth_union_required"; and must be a đoàn viên → BLOCK
      "introducers.youth_not_member" when youth_union_member is False (the old pipeline turned "youth age and not a
      member" into "not youth age" and let two members pass: that is refused now).
    - Where the unit has NO Youth Union, a youth-age applicant need not be a đoàn viên and is introduced by two
      official members (or the Trade Union route): the Charter's condition is tied to the existence of the
      organisation [S].
    - The Youth Union route is only for đoàn viên of youth age where the Youth Union exists; the Trade Union route
      only where a Trade Union exists. Anything other than exactly two introducers of a valid pair → BLOCK.

    Each member introducer (QĐ 24/294 §3.2.1 [C for 24, S for 294]): an official member on the meeting date
    (đảng viên dự bị không được giới thiệu); has worked, studied or lived in the same residential chi bộ with the
    applicant for ≥ 12 months, counted in completed months from together_since to the meeting date, in the same
    unit under the same đảng bộ / chi bộ cơ sở (Introducer.same_unit: False → BLOCK, None → NOTICE). The 12 months
    are time TOGETHER, not party seniority (quiz Q2 [S]). A replacement introducer (QĐ 24 §3.2.2 [C]) needs only
    to be an official member, with a recorded reason.
    """
    has_youth_union = _first_given(unit_has_youth_union, youth_union_exists, default=True)
    has_trade_union = _first_given(unit_has_trade_union, trade_union_exists, default=True)
    is_youth = _applicant_is_youth(applicant_born, applicant_youth_age, meeting_date)
    source = _reg(meeting_date, "điểm 3.2.1", confirmed={QD24}, secondary={QD294})
    source_replacement = _reg(meeting_date, "điểm 3.2.2", confirmed={QD24}, secondary={QD232, QD294})
    members, youth, trade = _by_kind(introducers)
    route_errors = [
        *_pair_errors(introducers, members, youth, trade),
        *_union_route_errors(youth, trade, is_youth=is_youth, youth_union=has_youth_union, trade_union=has_trade_union),
        *_youth_applicant_errors(youth, is_youth=is_youth, youth_union=has_youth_union, member=youth_union_member),
    ]
    findings = route_errors or [_route_ok(youth, trade)]
    if is_youth and applicant_born is not None:
        findings += _youth_age_30(applicant_born, meeting_date)
    for member in members:
        findings.extend(_check_member_introducer(member, meeting_date, source, source_replacement))
    return Verdict.of(*findings)


def _applicant_is_youth(born: dt.date | None, youth_age_given: bool | None, meeting_date: dt.date) -> bool:
    if born is not None:
        return youth_age(born, meeting_date)
    if youth_age_given is not None:
        return youth_age_given
    raise ValueError("Cần ngày sinh của người vào Đảng (applicant_born) hoặc applicant_youth_age.")


def _by_kind(introducers: list[Introducer]) -> tuple[list[Introducer], list[Introducer], list[Introducer]]:
    """(the party members, the BCH Đoàn cơ sở, the BCH Công đoàn cơ sở) among the introducers."""
    kinds: dict[str, list[Introducer]] = {MEMBER: [], YOUTH_UNION: [], TRADE_UNION: []}
    for introducer in introducers:
        kinds[introducer.kind].append(introducer)
    return kinds[MEMBER], kinds[YOUTH_UNION], kinds[TRADE_UNION]


def _pair_errors(introducers: list, members: list, youth: list, trade: list) -> list[Finding]:
    """Điều lệ Điều 4 khoản 1 [S, _CHARTER_41]: exactly two introducers, at least one of them an official member."""
    if len(introducers) == 2 and members:
        return []
    return [
        Finding(
            "introducers.count",
            Severity.BLOCK,
            f"Cần đúng hai người giới thiệu (hai đảng viên chính thức, hoặc BCH Đoàn/Công đoàn cơ sở và một "
            f"đảng viên chính thức); đang có {len(members)} đảng viên, {len(youth)} BCH Đoàn, "
            f"{len(trade)} BCH Công đoàn.",
            _CHARTER_41,
        )
    ]


def _union_route_errors(
    youth: list, trade: list, *, is_youth: bool, youth_union: bool, trade_union: bool
) -> list[Finding]:
    """Điều lệ Điều 4 khoản 1 [S, _CHARTER_41]: the BCH Đoàn cơ sở introduces only where the Youth Union exists and
    only an applicant of youth age; the BCH Công đoàn cơ sở only where a Trade Union exists."""
    errors = []
    if youth and not youth_union:
        errors.append(
            Finding(
                "introducers.no_youth_union",
                Severity.BLOCK,
                "Nơi này chưa có tổ chức cơ sở Đoàn nên BCH Đoàn cơ sở không thể giới thiệu.",
                _CHARTER_41,
            )
        )
    elif youth and not is_youth:
        errors.append(
            Finding(
                "introducers.youth_union_not_youth_age",
                Severity.BLOCK,
                "BCH Đoàn cơ sở chỉ giới thiệu người vào Đảng trong độ tuổi thanh niên (là đoàn viên).",
                _CHARTER_41,
            )
        )
    if trade and not trade_union:
        errors.append(
            Finding(
                "introducers.no_trade_union",
                Severity.BLOCK,
                "Nơi này chưa có tổ chức công đoàn cơ sở nên BCH Công đoàn cơ sở không thể giới thiệu.",
                _CHARTER_41,
            )
        )
    return errors


def _youth_applicant_errors(youth: list, *, is_youth: bool, youth_union: bool, member: bool | None) -> list[Finding]:
    """Điều lệ Điều 4 khoản 1 [S, _CHARTER_41]: an applicant of youth age where the Youth Union exists must be a
    đoàn viên (None: not recorded, not checked) and is introduced by the BCH Đoàn cơ sở and one official member."""
    if not (is_youth and youth_union):
        return []
    errors = []
    if member is False:
        errors.append(
            Finding(
                "introducers.youth_not_member",
                Severity.BLOCK,
                "Người vào Đảng trong độ tuổi thanh niên, ở nơi có tổ chức Đoàn, phải là đoàn viên Đoàn TNCS Hồ Chí "
                "Minh; người này chưa là đoàn viên.",
                _CHARTER_41,
            )
        )
    if not youth:
        errors.append(
            Finding(
                "introducers.youth_union_required",
                Severity.BLOCK,
                "Người vào Đảng trong độ tuổi thanh niên, ở nơi có tổ chức Đoàn, phải là đoàn viên và được BCH Đoàn "
                "cơ sở cùng một đảng viên chính thức giới thiệu (hai đảng viên giới thiệu là không đủ).",
                _CHARTER_41,
            )
        )
    return errors


def _route_ok(youth: list, trade: list) -> Finding:
    route = (
        "BCH Đoàn cơ sở và một đảng viên chính thức"
        if youth
        else "BCH Công đoàn cơ sở và một đảng viên chính thức"
        if trade
        else "hai đảng viên chính thức"
    )
    return Finding("introducers.route", Severity.OK, f"Người giới thiệu: {route}.", _CHARTER_41)


def _youth_age_30(born: dt.date, meeting_date: dt.date) -> list[Finding]:
    """Luật Thanh niên 2020 Điều 1, "đến 30 tuổi" [U]: read as to the end of the 30th year; flagged for a check."""
    if age_in_months(born, meeting_date) < YOUTH_MAX_YEARS * 12:
        return []
    return [
        Finding(
            "introducers.youth_age_30",
            Severity.NOTICE,
            'Người vào Đảng đang 30 tuổi: ketnap hiểu "đến 30 tuổi" (Luật Thanh niên 2020 Điều 1) là đến hết '
            "tuổi 30; đề nghị cán bộ kiểm tra lại.",
            Source("Luật Thanh niên 2020 (57/2020/QH14)", 'Điều 1 (cách hiểu "đến 30 tuổi")', Confidence.UNCONFIRMED),
        )
    ]


def _first_given(*values: bool | None, default: bool) -> bool:
    for value in values:
        if value is not None:
            return value
    return default


# ---------------------------------------------------------------------------------------------------------------
# §1.11 Re-admission (kết nạp lại)

SELF_ABANDONED = "self_abandoned"  # tự bỏ sinh hoạt đảng
ASKED_TO_LEAVE = "asked_to_leave"  # làm đơn xin ra khỏi Đảng
ASKED_TO_LEAVE_FAMILY_HARDSHIP = "asked_to_leave_family_hardship"  # … vì lý do gia đình đặc biệt khó khăn
DISUNITY = "disunity"  # gây mất đoàn kết nội bộ nghiêm trọng
CORRUPTION_CONVICTION = "corruption_conviction"  # bị kết án vì tội tham nhũng
SERIOUS_CRIME_CONVICTION = "serious_crime_conviction"  # bị kết án về tội nghiêm trọng trở lên
MINOR_CONVICTION = "minor_conviction"  # bị án hình sự về tội ít nghiêm trọng
REMOVED = "removed"  # xóa tên
EXPELLED = "expelled"  # khai trừ (for a reason not above)
OTHER = "other"

BARRED_CAUSES = frozenset({SELF_ABANDONED, ASKED_TO_LEAVE, DISUNITY, CORRUPTION_CONVICTION, SERIOUS_CRIME_CONVICTION})
READMISSION_CAUSES = BARRED_CAUSES | {ASKED_TO_LEAVE_FAMILY_HARDSHIP, MINOR_CONVICTION, REMOVED, EXPELLED, OTHER}
_BARRED_LABELS = {
    SELF_ABANDONED: "tự bỏ sinh hoạt đảng",
    ASKED_TO_LEAVE: "làm đơn xin ra khỏi Đảng (không vì lý do gia đình đặc biệt khó khăn)",
    DISUNITY: "gây mất đoàn kết nội bộ nghiêm trọng",
    CORRUPTION_CONVICTION: "bị kết án vì tội tham nhũng",
    SERIOUS_CRIME_CONVICTION: "bị kết án về tội nghiêm trọng trở lên",
}
# every cause, for the screens that record why a former member left (the barred ones first)
READMISSION_CAUSE_LABELS = {
    **_BARRED_LABELS,
    ASKED_TO_LEAVE_FAMILY_HARDSHIP: "làm đơn xin ra khỏi Đảng vì lý do gia đình đặc biệt khó khăn",
    MINOR_CONVICTION: "bị án hình sự về tội ít nghiêm trọng",
    REMOVED: "bị xóa tên",
    EXPELLED: "bị khai trừ (lý do khác)",
    OTHER: "lý do khác",
}
READMISSION_WAIT_MONTHS = 36
CONVICTION_WAIT_MONTHS = 60


def check_readmission(
    *,
    left_on: dt.date,
    meeting_date: dt.date,
    cause: str,
    previously_readmitted: bool,
    conviction_cleared_on: dt.date | None = None,
    consent_on: dt.date | None = None,
    decision_on: dt.date | None = None,
) -> Verdict:
    """Re-admission of a former member, judged on the chi bộ review date.

    QĐ 294 Điều 4 §3.5 [S, ngoisao.vn], identical to QĐ 232 §3.5 [C] and to QĐ 29/24 §3.5 [S, law portals]:
    - §3.5.1: all ordinary conditions; ≥ 36 months since leaving the Party ("riêng" a less-serious criminal
      conviction: ≥ 60 months after the record was cleared, which REPLACES the 36 months); a written application;
      written consent of the ban thường vụ tỉnh ủy/thành ủy (or equivalent) before the competent committee
      decides; the full procedure of Điều lệ Điều 4 khoản 1–3. Population-policy cases follow the Secretariat's
      own rules (not modelled; moot since 2025): pass them as "other" and have a human check.
    - §3.5.2: never re-admitted if they left by self_abandoned, asked_to_leave (unless
      asked_to_leave_family_hardship), disunity, corruption_conviction, serious_crime_conviction.
    - Once only; the re-admitted member serves a probation like a first-time member.

    Confirmed wording of QĐ 24 §3.5.1 b (118.69.201.250:801/phap-luat/ho-tro-phap-luat/dang-vien-da-ra-khoi-dang-
    thi-co-the-duoc-ket-nap-lai-khong-dieu-kien-ket-nap-lai-dang-vien-nhu-the-11994.html [C]): "Ít nhất là 36 tháng
    kể từ khi ra khỏi Đảng (riêng người bị án hình sự về tội ít nghiêm trọng thì phải sau 60 tháng kể từ khi được
    xoá án tích; …), làm đơn xin kết nạp lại vào Đảng; phải được ban thường vụ tỉnh uỷ, thành uỷ (hoặc tương đương)
    đồng ý bằng văn bản, cấp uỷ có thẩm quyền (huyện uỷ và tương đương) xem xét, quyết định." QĐ 24 §3.5.3 "Chỉ kết
    nạp lại một lần", §3.5.4 "phải trải qua thời gian dự bị" (danluat.thuvienphapluat.vn/cach-tinh-tuoi-dang-doi-
    voi-dang-vien-da-ra-khoi-dang-va-duoc-ket-nap-lai-199669.aspx [C]). Who decides after QĐ 294 removed the
    district level: [U] (the pipeline's competent committee).

    Months are completed months (age_in_months), so 35 months and 30 days is still 35.
    Result: a BLOCK per failed condition; if none, the written consent of the province standing committee
    (check_written_consent: CONSENT "readmission.consent" until `consent_on` is recorded; BLOCK if dated after
    `decision_on`; OK once recorded in time) plus the OK findings.
    """
    if cause not in READMISSION_CAUSES:
        raise ValueError(f"Lý do ra khỏi Đảng không hợp lệ: {cause!r}.")
    if meeting_date < left_on:
        raise ValueError(f"Ngày chi bộ xét ({ddmmyyyy(meeting_date)}) trước ngày ra khỏi Đảng ({ddmmyyyy(left_on)}).")
    source_35 = _reg(meeting_date, "điểm 3.5", confirmed={QD232}, secondary={QD24, QD294})
    source_351 = _reg(meeting_date, "điểm 3.5.1", confirmed={QD232}, secondary={QD24, QD294})
    source_352 = _reg(meeting_date, "điểm 3.5.2", confirmed={QD232}, secondary={QD24, QD294})
    blocks: list[Finding] = []
    oks: list[Finding] = []

    if cause in BARRED_CAUSES:
        blocks.append(
            Finding(
                "readmission.barred",
                Severity.BLOCK,
                f"Không xem xét kết nạp lại người ra khỏi Đảng vì lý do {_BARRED_LABELS[cause]}.",
                source_352,
            )
        )
    if previously_readmitted:
        blocks.append(
            Finding(
                "readmission.once_only",
                Severity.BLOCK,
                "Đã được kết nạp lại một lần: chỉ kết nạp lại một lần.",
                source_35,
            )
        )
    else:
        oks.append(Finding("readmission.first_time", Severity.OK, "Chưa từng được kết nạp lại.", source_35))

    waited = _waiting_period(cause, left_on, meeting_date, conviction_cleared_on, source_351)
    if waited is not None and waited.severity == Severity.BLOCK:
        blocks.append(waited)
    elif waited is not None:
        oks.append(waited)

    if blocks:
        return Verdict.of(*blocks, *oks)
    consent = check_written_consent(
        code="readmission",
        who="ban thường vụ tỉnh ủy, thành ủy (hoặc tương đương)",
        what="kết nạp lại (người xin kết nạp lại làm đơn; thực hiện đủ thủ tục khoản 1, 2, 3 Điều 4 Điều lệ Đảng và "
        "phải trải qua thời gian dự bị)",
        consent_on=consent_on,
        decision_on=decision_on,
        source=source_351,
    )
    return Verdict.of(consent, *oks)


def _waiting_period(
    cause: str, left_on: dt.date, meeting_date: dt.date, cleared_on: dt.date | None, source: Source
) -> Finding | None:
    """QĐ 24/232/294 §3.5.1 b: 36 months since leaving the Party; for a less-serious conviction, 60 months since the
    record was cleared instead. None for a barred cause (§3.5.2 refuses it anyway)."""
    if cause == MINOR_CONVICTION:
        if cleared_on is None or cleared_on > meeting_date:
            return Finding(
                "readmission.record_not_cleared",
                Severity.BLOCK,
                "Người bị án hình sự về tội ít nghiêm trọng chỉ được xét kết nạp lại sau 60 tháng kể từ khi được "
                "xóa án tích; chưa có ngày xóa án tích.",
                source,
            )
        return _waited(
            cleared_on,
            meeting_date,
            CONVICTION_WAIT_MONTHS,
            since="ngày được xóa án tích",
            at_least="đủ",
            source=source,
        )
    if cause in BARRED_CAUSES:
        return None
    return _waited(
        left_on, meeting_date, READMISSION_WAIT_MONTHS, since="khi ra khỏi Đảng", at_least="ít nhất", source=source
    )


def _waited(
    start: dt.date, meeting_date: dt.date, needed: int, *, since: str, at_least: str, source: Source
) -> Finding:
    months = age_in_months(start, meeting_date)
    waited = f"{months} tháng kể từ {since} ({ddmmyyyy(start)})"
    if months >= needed:
        return Finding("readmission.waiting_period", Severity.OK, f"Đã {waited}.", source)
    due = ddmmyyyy(add_months(start, needed))
    return Finding(
        "readmission.too_soon", Severity.BLOCK, f"Mới {waited}; phải {at_least} {needed} tháng (từ ngày {due}).", source
    )


@dataclass(frozen=True)
class Seniority:
    """Party seniority (tuổi đảng) of a member, with the time outside party activity taken out.

    `start` is the date it counts from (the first admission decision); `excluded_days` the days not counted;
    `equivalent_start` = start + excluded_days, the date from which an uninterrupted count gives the same
    seniority, so `months_on(day)` is age_in_months(equivalent_start, day).
    """

    start: dt.date
    excluded_days: int
    gaps: tuple[tuple[dt.date, dt.date], ...]
    source: Source

    @property
    def equivalent_start(self) -> dt.date:
        return self.start + dt.timedelta(days=self.excluded_days)

    def months_on(self, day: dt.date) -> int:
        """Completed months of party seniority on `day` (0 before the equivalent start)."""
        if day < self.equivalent_start:
            return 0
        return age_in_months(self.equivalent_start, day)


def readmitted_seniority(
    first_decision: dt.date,
    left_on: dt.date,
    readmitted_decision: dt.date,
    *,
    other_gaps: Iterable[tuple[dt.date, dt.date]] = (),
    on: dt.date | None = None,
) -> Seniority:
    """Seniority of a re-admitted member, once recognised as official.

    QĐ 24 §4.5.2 / QĐ 29 §4.5 b [C, nganhangphapluat.thukyluat.vn/tu-van-phap-luat/bo-may-hanh-chinh/thoi-gian-
    gian-doan-do-chuyen-sinh-hoat-co-duoc-tinh-tuoi-dang-khong-304812 quotes QĐ 29; danluat.thuvienphapluat.vn
    …-199669.aspx quotes QĐ 24 §4.5.1–4.5.2]: "Đảng viên kết nạp lại được công nhận chính thức thì tuổi đảng tính từ
    ngày cấp có thẩm quyền ra quyết định kết nạp lần đầu đối với đảng viên đó, trừ thời gian không tham gia sinh
    hoạt đảng (trường hợp đặc biệt do Ban Bí thư xem xét, quyết định)." §4.5.1 lists that time: expulsion, removal
    (xóa tên), lost contact, gaps while transferring. 232/294 [U: presumed same clause].

    Decision [U]: the gap of the re-admission runs from `left_on` (the day the person left: the expulsion or
    removal decision, or the day they stopped) up to the day before `readmitted_decision`, i.e. the days from left_on
    to readmitted_decision; `other_gaps` are further (from, to) periods outside party activity (from inclusive, to
    exclusive), e.g. a transfer gap in the first membership. Gaps must not overlap. `on`: the day the seniority is
    reckoned (normally the recognition as official), which picks the regulation cited; default readmitted_decision.
    """
    if not first_decision < left_on <= readmitted_decision:
        raise ValueError(
            f"Cần ngày quyết định kết nạp lần đầu ({ddmmyyyy(first_decision)}) < ngày ra khỏi Đảng "
            f"({ddmmyyyy(left_on)}) ≤ ngày quyết định kết nạp lại ({ddmmyyyy(readmitted_decision)})."
        )
    gaps = sorted([(left_on, readmitted_decision), *other_gaps])
    for (_, end_a), (start_b, _) in itertools.pairwise(gaps):
        if start_b < end_a:
            raise ValueError("Các khoảng thời gian không tham gia sinh hoạt đảng bị chồng lên nhau.")
    for start, end in gaps:
        if end < start or start < first_decision:
            raise ValueError(f"Khoảng thời gian không hợp lệ: {ddmmyyyy(start)} – {ddmmyyyy(end)}.")
    excluded = sum((end - start).days for start, end in gaps)
    source = _reg(on or readmitted_decision, "điểm 4.5.2", confirmed={QD24}, secondary=())
    if source.document == "QĐ 29-QĐ/TW":
        source = Source(source.document, "điểm 4.5 b", Confidence.CONFIRMED)
    return Seniority(first_decision, excluded, tuple(gaps), source)
