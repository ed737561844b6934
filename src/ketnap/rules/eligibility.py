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
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

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
HD01_2021, HD06 = "HD 01-HD/TW (2021)", "HD 06-HD/TW"


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


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
        raise ValueError(f"Ngày tính ({_d(on)}) trước ngày sinh ({_d(born)}).")
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
                f"Chưa đủ 18 tuổi tại ngày chi bộ xét kết nạp ({_d(meeting_date)}): {age}. "
                f"Đủ 18 tuổi từ ngày {_d(add_months(born, MIN_AGE_MONTHS))}.",
                source_111,
            )
        )
    elif months > MAX_AGE_MONTHS:
        findings.append(
            Finding(
                "age.over_60",
                Severity.CONSENT,
                f"Trên 60 tuổi tại ngày chi bộ xét kết nạp ({_d(meeting_date)}): {age}. Chỉ kết nạp khi có sức "
                "khỏe, uy tín và công tác, sinh sống ở nơi chưa có tổ chức đảng hoặc đảng viên, hoặc có yêu cầu "
                "đặc biệt; cấp ủy trực thuộc Trung ương xem xét, quyết định sau khi ban thường vụ đồng ý bằng văn "
                "bản.",
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
                _hd(meeting_date, "điểm 1.1", confirmed={HD01_2021}, secondary={HD06}),
            )
        )
    else:
        near = months in _NEAR_AGE_BOUND
        findings.append(
            Finding(
                "age.near_bound" if near else "age.ok",
                Severity.NOTICE if near else Severity.OK,
                f"Tuổi tại ngày chi bộ xét kết nạp ({_d(meeting_date)}): {age}, trong khoảng đủ 18 đến đủ 60 tuổi."
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


def check_education(level: str, *, special_area: bool = False, prestigious_elder: bool = False, on: dt.date) -> Verdict:
    """General education of the person, judged by the texts in force on `on` (the chi bộ review date).

    `level` is one of "none_literate", "primary", "lower_secondary", "upper_secondary" (and "illiterate" for
    completeness); the app's general_education codes map through GENERAL_EDUCATION_CODES (none → illiterate,
    biet_doc_viet → none_literate, tieu_hoc → primary, thcs → lower_secondary, thpt → upper_secondary).

    - A THCS diploma or higher → OK. QĐ 24/232/294 §1.2.1 [C]. Since QĐ 24 (30/7/2021) "hoặc tương đương" (or
      equivalent) is gone: a certificate merely "equivalent" to THCS must not be entered as lower_secondary.
    - `special_area`: mountains, borders, islands, ethnic-minority areas, areas with especially difficult
      conditions, fishermen working offshore → completed primary school is enough → NOTICE (a human confirms the
      area qualifies). HD 01-HD/TW 2021 §1.2 [C], carried into 06-HD/TW [U exact wording].
    - `prestigious_elder`: già làng, trưởng bản, người có uy tín who can read and write quốc ngữ → CONSENT (written
      consent of the province-level standing committee). Same HD clause.
    - Otherwise BLOCK.
    """
    if level not in EDUCATION_LEVELS:
        raise ValueError(f"Trình độ giáo dục phổ thông không hợp lệ: {level!r}.")
    source_121 = _reg(on, "điểm 1.2.1", confirmed={QD24, QD232, QD294})
    source_hd = _hd(on, "điểm 1.2", confirmed={HD01_2021}, secondary={HD06})
    if level in (LOWER_SECONDARY, UPPER_SECONDARY):
        note = ' (không chấp nhận trình độ "tương đương")' if on >= QD24_IN_FORCE else ""
        return Verdict.of(
            Finding("education.ok", Severity.OK, f"Có bằng tốt nghiệp trung học cơ sở trở lên{note}.", source_121)
        )
    if level == PRIMARY and special_area:
        return Verdict.of(
            Finding(
                "education.special_area",
                Severity.NOTICE,
                "Tốt nghiệp tiểu học: chỉ đủ điều kiện với người ở miền núi, biên giới, hải đảo, vùng đồng bào dân "
                "tộc thiểu số, vùng đặc biệt khó khăn hoặc ngư dân làm ăn xa bờ. Đề nghị xác nhận người này thuộc "
                "diện đó.",
                source_hd,
            )
        )
    if level in (LITERATE, PRIMARY) and prestigious_elder:
        return Verdict.of(
            Finding(
                "education.elder_consent",
                Severity.CONSENT,
                "Già làng, trưởng bản, người có uy tín biết đọc, biết viết chữ quốc ngữ: cần ban thường vụ cấp ủy "
                "trực thuộc Trung ương đồng ý bằng văn bản.",
                source_hd,
            )
        )
    return Verdict.of(
        Finding(
            "education.insufficient",
            Severity.BLOCK,
            "Chưa có bằng tốt nghiệp trung học cơ sở và không thuộc trường hợp ngoại lệ (vùng đặc biệt: tốt nghiệp "
            "tiểu học; già làng, người có uy tín: biết đọc, biết viết chữ quốc ngữ).",
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
                f"Giấy chứng nhận CN-NTVĐ cấp ngày {_d(issued_on)}, sau ngày chi bộ xét kết nạp ({_d(meeting_date)}).",
                source,
            )
        )
    if meeting_date >= expires_on:
        return Verdict.of(
            Finding(
                "certificate.expired",
                Severity.BLOCK,
                f"Giấy chứng nhận CN-NTVĐ cấp ngày {_d(issued_on)} đã hết hạn ngày {_d(expires_on)} (giá trị "
                f"{CERTIFICATE_VALID_MONTHS} tháng). Phải cử đi học lại lớp bồi dưỡng nhận thức về Đảng trước khi "
                "chi bộ xét kết nạp.",
                source,
            )
        )
    if add_months(meeting_date, CERTIFICATE_NOTICE_MONTHS) >= expires_on:
        return Verdict.of(
            Finding(
                "certificate.expiring",
                Severity.NOTICE,
                f"Giấy chứng nhận CN-NTVĐ còn giá trị đến hết ngày {_d(last_valid)}: sắp hết hạn, nếu lùi ngày họp "
                "chi bộ phải kiểm tra lại.",
                source,
            )
        )
    return Verdict.of(
        Finding(
            "certificate.ok",
            Severity.OK,
            f"Giấy chứng nhận CN-NTVĐ cấp ngày {_d(issued_on)}, còn giá trị đến hết ngày {_d(last_valid)}.",
            source,
        )
    )


# ---------------------------------------------------------------------------------------------------------------
# §3 Introducers

MEMBER, YOUTH_UNION, TRADE_UNION = "member", "youth_union", "trade_union"
INTRODUCER_KINDS = (MEMBER, YOUTH_UNION, TRADE_UNION)
INTRODUCER_TOGETHER_MONTHS = 12


@dataclass(frozen=True)
class Introducer:
    """One introducer: an official member (kind "member") or a base executive committee (BCH Đoàn / Công đoàn
    cơ sở, by its resolution 4-KNĐ / 4A-KNĐ). For an executive committee the member fields are ignored.

    `official` / `official_since`: status of the member (official_since, if known, must be on or before the
    meeting). `together_since`: since when the member has worked, studied or lived (same residential chi bộ) with
    the applicant; `same_unit`: in the same unit under the leadership of the same đảng bộ / chi bộ cơ sở.
    """

    official: bool
    official_since: dt.date | None
    together_since: dt.date | None
    kind: Literal["member", "youth_union", "trade_union"]
    same_unit: bool = True
    name: str = ""

    def __post_init__(self) -> None:
        if self.kind not in INTRODUCER_KINDS:
            raise ValueError(f"Loại người giới thiệu không hợp lệ: {self.kind!r}.")

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


def _check_member_introducer(introducer: Introducer, meeting_date: dt.date, source: Source) -> Finding:
    who = introducer.label
    if not introducer.official:
        return Finding(
            "introducer.probationary",
            Severity.BLOCK,
            f"{who}: không phải đảng viên chính thức. Đảng viên dự bị không được giới thiệu người vào Đảng.",
            source,
        )
    if introducer.official_since is not None and introducer.official_since > meeting_date:
        return Finding(
            "introducer.probationary",
            Severity.BLOCK,
            f"{who}: đến ngày {_d(introducer.official_since)} mới là đảng viên chính thức, sau ngày chi bộ xét "
            f"kết nạp ({_d(meeting_date)}). Đảng viên dự bị không được giới thiệu người vào Đảng.",
            source,
        )
    if not introducer.same_unit:
        return Finding(
            "introducer.other_unit",
            Severity.BLOCK,
            f"{who}: không cùng công tác, lao động, học tập hoặc sinh hoạt nơi cư trú với người vào Đảng trong một "
            "đơn vị thuộc sự lãnh đạo của đảng bộ, chi bộ cơ sở.",
            source,
        )
    if introducer.together_since is None:
        return Finding(
            "introducer.together_unknown",
            Severity.BLOCK,
            f"{who}: chưa ghi từ ngày nào cùng công tác (học tập, sinh hoạt) với người vào Đảng.",
            source,
        )
    if introducer.together_since > meeting_date:
        months = 0
    else:
        months = age_in_months(introducer.together_since, meeting_date)
    if months < INTRODUCER_TOGETHER_MONTHS:
        return Finding(
            "introducer.together_short",
            Severity.BLOCK,
            f"{who}: mới cùng công tác với người vào Đảng {months} tháng (từ {_d(introducer.together_since)}), "
            f"chưa đủ {INTRODUCER_TOGETHER_MONTHS} tháng. Tính thời gian cùng công tác, không tính tuổi đảng.",
            source,
        )
    return Finding(
        "introducer.ok",
        Severity.OK,
        f"{who}: đảng viên chính thức, cùng công tác với người vào Đảng {months} tháng.",
        source,
    )


def check_introducers(
    introducers: list[Introducer],
    meeting_date: dt.date,
    *,
    applicant_youth_age: bool,
    youth_union_exists: bool = True,
    trade_union_exists: bool = True,
) -> Verdict:
    """The two introducers, judged on the chi bộ review date.

    Điều lệ Điều 4 khoản 1 [wording U, paraphrased by rules.md §3]: two official members; where a Youth Union
    organisation exists, an applicant of youth age must be a Youth Union member and is introduced by the BCH Đoàn
    cơ sở plus one official member; where a Trade Union exists, by the BCH Công đoàn cơ sở plus one official member.

    Decisions:
    - A youth-age applicant where the Youth Union exists MUST use the Youth Union route (rules.md §3: "must be a
      Youth Union member and is introduced by…"): two plain members, or the Trade Union route, → BLOCK.
    - The Youth Union route is only for applicants of youth age where the Youth Union exists; the Trade Union
      route only where a Trade Union exists. Anything other than exactly two introducers of a valid pair → BLOCK.

    Each member introducer (QĐ 24/294 §3.2.1 [C for 24, S for 294]): an official member on the meeting date
    (đảng viên dự bị không được giới thiệu); has worked, studied or lived in the same residential chi bộ with the
    applicant for ≥ 12 months, counted in completed months from together_since to the meeting date, in the same
    unit. The 12 months are time TOGETHER, not party seniority (quiz Q2 [S]: an official member of 6 months who
    has worked 2 years with the applicant qualifies), so official_since is used only to check official status.
    """
    source = _reg(meeting_date, "điểm 3.2.1", confirmed={QD24}, secondary={QD294})
    source_charter = charter("Điều 4 khoản 1")
    findings: list[Finding] = []
    members = [i for i in introducers if i.kind == MEMBER]
    youth = [i for i in introducers if i.kind == YOUTH_UNION]
    trade = [i for i in introducers if i.kind == TRADE_UNION]

    route_errors: list[Finding] = []
    if len(introducers) != 2 or len(members) < 1:
        route_errors.append(
            Finding(
                "introducers.count",
                Severity.BLOCK,
                f"Cần đúng hai người giới thiệu (hai đảng viên chính thức, hoặc BCH Đoàn/Công đoàn cơ sở và một "
                f"đảng viên chính thức); đang có {len(members)} đảng viên, {len(youth)} BCH Đoàn, "
                f"{len(trade)} BCH Công đoàn.",
                source_charter,
            )
        )
    if youth and not youth_union_exists:
        route_errors.append(
            Finding(
                "introducers.no_youth_union",
                Severity.BLOCK,
                "Nơi này chưa có tổ chức cơ sở Đoàn nên BCH Đoàn cơ sở không thể giới thiệu.",
                source_charter,
            )
        )
    elif youth and not applicant_youth_age:
        route_errors.append(
            Finding(
                "introducers.youth_union_not_youth_age",
                Severity.BLOCK,
                "BCH Đoàn cơ sở chỉ giới thiệu người vào Đảng trong độ tuổi thanh niên (là đoàn viên).",
                source_charter,
            )
        )
    if trade and not trade_union_exists:
        route_errors.append(
            Finding(
                "introducers.no_trade_union",
                Severity.BLOCK,
                "Nơi này chưa có tổ chức công đoàn cơ sở nên BCH Công đoàn cơ sở không thể giới thiệu.",
                source_charter,
            )
        )
    if applicant_youth_age and youth_union_exists and not youth:
        route_errors.append(
            Finding(
                "introducers.youth_union_required",
                Severity.BLOCK,
                "Người vào Đảng trong độ tuổi thanh niên, ở nơi có tổ chức Đoàn, phải là đoàn viên và được BCH Đoàn "
                "cơ sở cùng một đảng viên chính thức giới thiệu (hai đảng viên giới thiệu là không đủ).",
                source_charter,
            )
        )
    if route_errors:
        findings.extend(route_errors)
    else:
        route = (
            "BCH Đoàn cơ sở và một đảng viên chính thức"
            if youth
            else "BCH Công đoàn cơ sở và một đảng viên chính thức"
            if trade
            else "hai đảng viên chính thức"
        )
        findings.append(Finding("introducers.route", Severity.OK, f"Người giới thiệu: {route}.", source_charter))
    findings.extend(_check_member_introducer(member, meeting_date, source) for member in members)
    return Verdict.of(*findings)


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
READMISSION_WAIT_MONTHS = 36
CONVICTION_WAIT_MONTHS = 60


def check_readmission(
    *,
    left_on: dt.date,
    meeting_date: dt.date,
    cause: str,
    previously_readmitted: bool,
    conviction_cleared_on: dt.date | None = None,
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

    Months are completed months (age_in_months), so 35 months and 30 days is still 35.
    Result: a BLOCK per failed condition; if none, CONSENT (the standing committee's written consent must be
    recorded) plus the OK findings.
    """
    if cause not in READMISSION_CAUSES:
        raise ValueError(f"Lý do ra khỏi Đảng không hợp lệ: {cause!r}.")
    if meeting_date < left_on:
        raise ValueError(f"Ngày chi bộ xét ({_d(meeting_date)}) trước ngày ra khỏi Đảng ({_d(left_on)}).")
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

    if cause == MINOR_CONVICTION:
        if conviction_cleared_on is None or conviction_cleared_on > meeting_date:
            blocks.append(
                Finding(
                    "readmission.record_not_cleared",
                    Severity.BLOCK,
                    "Người bị án hình sự về tội ít nghiêm trọng chỉ được xét kết nạp lại sau 60 tháng kể từ khi được "
                    "xóa án tích; chưa có ngày xóa án tích.",
                    source_351,
                )
            )
        else:
            months = age_in_months(conviction_cleared_on, meeting_date)
            since = f"{months} tháng kể từ ngày được xóa án tích ({_d(conviction_cleared_on)})"
            if months < CONVICTION_WAIT_MONTHS:
                due = _d(add_months(conviction_cleared_on, CONVICTION_WAIT_MONTHS))
                blocks.append(
                    Finding(
                        "readmission.too_soon",
                        Severity.BLOCK,
                        f"Mới {since}; phải đủ {CONVICTION_WAIT_MONTHS} tháng (từ ngày {due}).",
                        source_351,
                    )
                )
            else:
                oks.append(Finding("readmission.waiting_period", Severity.OK, f"Đã {since}.", source_351))
    elif cause not in BARRED_CAUSES:
        months = age_in_months(left_on, meeting_date)
        since = f"{months} tháng kể từ khi ra khỏi Đảng ({_d(left_on)})"
        if months < READMISSION_WAIT_MONTHS:
            due = _d(add_months(left_on, READMISSION_WAIT_MONTHS))
            blocks.append(
                Finding(
                    "readmission.too_soon",
                    Severity.BLOCK,
                    f"Mới {since}; phải ít nhất {READMISSION_WAIT_MONTHS} tháng (từ ngày {due}).",
                    source_351,
                )
            )
        else:
            oks.append(Finding("readmission.waiting_period", Severity.OK, f"Đã {since}.", source_351))

    if blocks:
        return Verdict.of(*blocks, *oks)
    consent = Finding(
        "readmission.consent",
        Severity.CONSENT,
        "Kết nạp lại: người xin kết nạp lại làm đơn; cần ban thường vụ tỉnh ủy, thành ủy (hoặc tương đương) đồng ý "
        "bằng văn bản trước khi cấp ủy có thẩm quyền xem xét, quyết định; thực hiện đủ thủ tục khoản 1, 2, 3 Điều 4 "
        "Điều lệ Đảng và phải trải qua thời gian dự bị.",
        source_351,
    )
    return Verdict.of(consent, *oks)
