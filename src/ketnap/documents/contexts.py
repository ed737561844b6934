"""The context a form is filled with: every documented field (documents.fields) for one candidate, from the
person, the party bodies above the chi bộ, the form's step, the resolutions and the decision, and the introductions."""

import datetime as dt
from typing import TYPE_CHECKING

from ketnap.documents.committees import base_organization, committee_name, deciding_by_whole_committee, heading_upper
from ketnap.documents.fields import FIELDS
from ketnap.documents.record import last_step, member_introductions
from ketnap.documents.wording import DOTS, NQ_CB, NQ_DU, QD_DU, SECRETARY, capitals, cite, fmt, long_date, signer_post
from ketnap.pipeline.enums import StepKind
from ketnap.registry.enums import MembershipStatus, OrgKind
from ketnap.registry.models import document_place
from ketnap.rules import deadlines, sources

if TYPE_CHECKING:
    from ketnap.documents.forms import Form


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


def _name_or_dots(item) -> str:
    """A code list entry's name (dân tộc, tôn giáo, trình độ), dotted when the register holds none."""
    return item.name if item else DOTS


def _person_fields(person) -> dict:
    return {
        "person_name": person.full_name,
        "person_name_upper": person.full_name.upper(),
        "gender": person.get_gender_display(),
        "birth_date": fmt(person.birth_date),
        "ethnicity": _name_or_dots(person.ethnicity),
        "religion": _name_or_dots(person.religion),
        "professional_level": _name_or_dots(person.professional_level),
        "job_title": person.job_title or DOTS,
        "work_unit": person.work_unit.name,
        "youth_union_joined_on": fmt(person.youth_union_joined_on),
    }


def _cell_fields(cell) -> dict:
    """The chi bộ, its superior, and the đảng ủy bộ phận it sits under (dotted when none)."""
    parent = cell.parent
    sub = parent if parent and parent.kind == OrgKind.SUB_COMMITTEE else None
    return {
        "cell_name": cell.name,
        "cell_name_upper": cell.name.upper(),
        "cell_superior_upper": heading_upper(parent),
        "sub_committee_name": committee_name(sub),
        "sub_committee_upper": capitals(committee_name(sub)),
        "sub_superior_upper": heading_upper(sub.parent) if sub else "",
    }


def _base_fields(cell, deciding) -> dict:
    """The đảng ủy cơ sở above the chi bộ. A chi bộ cơ sở has no đảng ủy: its resolution goes straight to the
    competent committee (rules.md §2.1)."""
    base = base_organization(cell)
    committee = base if base and base != cell else None
    return {
        "base_committee_name": committee_name(committee) if committee else cell.name,
        "base_committee_upper": capitals(committee_name(base)),
        "proposal_to": committee_name(committee or deciding),
        "base_superior_upper": heading_upper(base.parent if base else None),
    }


def _deciding_fields(deciding) -> dict:
    """The competent committee and who signs for it: the whole đảng ủy when authorised, else its standing committee."""
    whole = deciding_by_whole_committee(deciding)
    body = committee_name(deciding) if whole else f"Ban Thường vụ {committee_name(deciding)}"
    return {
        "deciding_name": committee_name(deciding),
        "deciding_name_upper": capitals(committee_name(deciding)),
        "deciding_superior_upper": heading_upper(deciding.parent if deciding else None),
        "deciding_body": body if deciding else DOTS,
        "deciding_body_upper": capitals(body) if deciding else DOTS,
        "deciding_on_behalf": "T/M ĐẢNG ỦY" if whole else "T/M BAN THƯỜNG VỤ",
    }


def person_context(candidate) -> dict:
    """The person, their chi bộ and the party bodies above it, and the lines every form has."""
    cell = candidate.organization
    deciding = cell.deciding_organization()
    return {
        "place": document_place() or DOTS,
        "dots": DOTS,
        "signer_name": DOTS,
        **_person_fields(candidate.person),
        **_cell_fields(cell),
        **_base_fields(cell, deciding),
        **_deciding_fields(deciding),
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


def _register_probationary(step, cell) -> int | None:
    """At a chi bộ meeting, the probationary members come from the register on the meeting day (the step records the
    official members only); presence is recorded nowhere, so the templates leave it dotted."""
    if step is None or cell is None or step.kind not in CELL_MEETINGS:
        return None
    register = cell_register_on(cell, step.on)
    return register[1] if register else None


def _member_fields(step, probationary: int | None) -> dict:
    """The members the step records (official, excused) with the register's probationary members; dotted without a
    step, or without its number of members."""
    total = step.members_total if step else None
    return {
        "members_total": _blank(total),
        "members_excused": _blank((step.members_excused or 0) if total is not None else None),
        "members_probationary": _blank(probationary),
        "members_all": _blank(total + probationary if total is not None and probationary is not None else None),
    }


def _counted(step) -> int | None:
    """The members counted for the vote: all the step records less those excused (rules.md §2.1)."""
    if step is None or step.members_total is None:
        return None
    return step.members_total - (step.members_excused or 0)


def _vote_fields(step) -> dict:
    """The vote against the members counted; dotted where a number is missing."""
    counted = _counted(step)
    votes = step.votes_for if step else None
    return {
        "members_counted": _blank(counted),
        "vote_result": _vote_result(votes, counted),
        "votes_for": _blank(votes),
        "votes_against": _blank(counted - votes if counted is not None and votes is not None else None),
        "votes_percent": _percent(votes, counted),
    }


def step_context(form: "Form", step, cell=None) -> dict:
    """The date, number, note and votes of the form's step (dotted lines without one)."""
    day = step.on if step else None
    return {
        "date": fmt(day),
        "date_long": long_date(day),
        "document_number": _number(step, form.number_suffix),
        "note": step.note if step and step.note else DOTS,
        **_member_fields(step, _register_probationary(step, cell)),
        **_vote_fields(step),
    }


def basis_context(day: dt.date) -> dict:
    """The Quy định and Hướng dẫn thi hành Điều lệ in force on `day` (ketnap.rules.sources picks the edition)."""
    return {
        "regulation_basis": cite(sources.regulation(day, "").document),
        "guidance_basis": cite(sources.guidance(day, "").document),
    }


def _resolutions(candidate, recognition: bool) -> dict:
    """The chi bộ's resolution and the đảng ủy cơ sở's (6-KNĐ and 8-KNĐ; for recognition 13-KNĐ and 15-KNĐ)."""
    if recognition:
        cell_kind, committee_kind = StepKind.RECOGNITION_CELL_RESOLUTION, StepKind.RECOGNITION_COMMITTEE_RESOLUTION
    else:
        cell_kind, committee_kind = StepKind.CELL_RESOLUTION, StepKind.COMMITTEE_RESOLUTION
    cell_step = last_step(candidate, cell_kind)
    committee_step = last_step(candidate, committee_kind)
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
    decision = last_step(candidate, StepKind.DECISION)
    ceremony = last_step(candidate, StepKind.CEREMONY)
    issuer = (decision.issuer if decision else "") or committee_name(candidate.organization.deciding_organization())
    return {
        "decision_number": _number(decision, QD_DU),
        "decision_date": fmt(decision.on if decision else None),
        "decision_issuer": issuer,
        "ceremony_date": fmt(ceremony.on if ceremony else None),
        "official_date": fmt(deadlines.official_date(ceremony.on) if ceremony else None),
    }


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


def _opinions_date(form: "Form", candidate) -> str:
    """When the summary (5-KNĐ / 12-KNĐ) was recorded as received in the dossier; dotted otherwise."""
    from ketnap.pipeline.enums import DocumentKind

    kind = DocumentKind.RECOGNITION_OPINIONS if form.for_recognition else DocumentKind.OPINIONS
    item = candidate.documents.filter(kind=kind).order_by("-received_on", "-pk").first()
    return long_date(item.received_on if item else None)


def _joint(form, candidate, introduction) -> tuple:
    """(introduction, second introduction): for 3A-KNĐ the first two member introducers (oldest introductions)
    together, once there are two."""
    if form.joint_introduction:
        pair = list(member_introductions(candidate)[:2])
        if len(pair) == 2:
            return pair[0], pair[1]
    return introduction, None


def _ceremony_context(candidate) -> dict:
    """Before the ceremony is recorded its programme is a draft: time and venue are dotted lines. The mentor of the
    probationary member, once chosen."""
    from ketnap.pipeline.enums import HelperRole

    ceremony_step = last_step(candidate, StepKind.CEREMONY)
    mentor = candidate.helpers.filter(role=HelperRole.MENTOR).select_related("member").order_by("-since").first()
    return {
        "ceremony_time": f"…… giờ, ngày {fmt(ceremony_step.on)}" if ceremony_step else "…… giờ, ngày …………",
        "ceremony_venue": DOTS,
        "mentor_name": mentor.member.full_name if mentor else DOTS,
    }


def _date_introduction(context: dict, introduction, second) -> dt.date:
    """Date the letter / the union's resolution the day of the introduction (3A-KNĐ: the later of the two); a 3-KNĐ
    letter is signed by its introducer."""
    day = max(i.introduced_on for i in (introduction, second) if i is not None)
    context["date"] = fmt(day)
    context["date_long"] = long_date(day)
    if introduction.introducer is not None and second is None:
        context["signer_name"] = context["introducer_name"]
    return day


def build_context(
    form: "Form", candidate, introduction=None, signer: str = SECRETARY, draft_on: dt.date | None = None
) -> dict:
    """All FIELDS for `candidate`; the date, number, votes and note come from the step `form.step` (3-KNĐ, 4-KNĐ,
    4A-KNĐ: the date is the introduction's; 3A-KNĐ: the later of the first two member introductions). The
    Quy định / Hướng dẫn cited are those in force on that date (today for a form without a date). `draft_on`: the
    meeting's papers before its vote (Form.drafted): dated that day, the members from the register of that day, the
    votes and the number dotted."""
    from ketnap.registry.services.dates import today

    introduction, second = _joint(form, candidate, introduction)
    step = None if draft_on else last_step(candidate, form.step)
    context = {
        **person_context(candidate),
        **step_context(form, step, candidate.organization),
        **_resolutions(candidate, form.for_recognition),
        **_decision(candidate),
        **committee_context(candidate, form.for_recognition),
        **_ceremony_context(candidate),
        **introduction_context(introduction, second),
        "opinions_date_long": _opinions_date(form, candidate),
        "signer_post": signer_post(form.head, signer),
    }
    day = step.on if step else None
    if draft_on is not None:
        day = draft_on
        context.update(_draft_context(draft_on, candidate.organization))
    if introduction is not None:
        day = _date_introduction(context, introduction, second)
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
