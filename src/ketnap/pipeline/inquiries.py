"""Asking others about an applicant (issue #15): the residence chi ủy's and the unions' comments (summarised by the chi
ủy in 5-KNĐ) and the verification of the biography (thẩm tra lý lịch: the applicant, the parents, the spouse, the
adult children — HD 06-HD/TW điểm 3.4, rules.md §2.2 step 5). Each request is a letter with the date the chi bộ asks
the reply by; an unanswered one past that date is overdue like any other deadline, shown on the candidate page and on
the meeting's agenda. The reply date is the chi bộ's own (no text sets one): 30 days unless it says otherwise.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string

from ketnap.accounts.grants import Permission, authorize
from ketnap.audit.context import acting, as_user
from ketnap.pipeline.calendar import app_calendar
from ketnap.pipeline.models import Inquiry, InquiryKind
from ketnap.registry.services.dates import not_in_future
from ketnap.rules import deadlines

REPLY_DAYS = 30


def urgency(inquiry: Inquiry, today: dt.date) -> str:
    """overdue / soon / ok while no reply has come; "done" once it has."""
    if inquiry.replied_on:
        return "done"
    return deadlines.urgency(inquiry.reply_by, today, app_calendar()).value


def send(
    candidate,
    *,
    kind: str,
    addressee: str,
    about: str = "",
    document_number: str = "",
    sent_on: dt.date,
    reply_by: dt.date | None = None,
    actor,
) -> Inquiry:
    """Record a request sent (the letter is letter_pdf's); checked, saved and audited together."""
    authorize(actor, Permission.EDIT_PEOPLE, candidate.organization)
    inquiry = Inquiry(
        candidate=candidate,
        kind=kind,
        addressee=addressee.strip(),
        about=about.strip(),
        document_number=document_number.strip(),
        sent_on=sent_on,
        reply_by=reply_by or sent_on + dt.timedelta(days=REPLY_DAYS),
        recorded_by=as_user(actor),
    )
    not_in_future(sent_on, "sent_on")
    if inquiry.reply_by < sent_on:
        raise ValidationError({"reply_by": "Ngày đề nghị trả lời phải từ ngày gửi trở đi."})
    if kind == InquiryKind.VERIFICATION and not inquiry.about:
        raise ValidationError({"about": "Ghi người được thẩm tra (người xin vào Đảng, bố, mẹ, vợ hoặc chồng, con…)."})
    inquiry.full_clean()
    with acting(actor), transaction.atomic():
        inquiry.save()
    return inquiry


def reply(inquiry: Inquiry, *, replied_on: dt.date, result: str, actor) -> Inquiry:
    authorize(actor, Permission.EDIT_PEOPLE, inquiry.candidate.organization)
    not_in_future(replied_on, "replied_on")
    if replied_on < inquiry.sent_on:
        raise ValidationError({"replied_on": "Ngày nhận trả lời phải từ ngày gửi trở đi."})
    inquiry.replied_on, inquiry.result = replied_on, result.strip()[:500]
    with acting(actor), transaction.atomic():
        inquiry.save(update_fields=["replied_on", "result"])
    return inquiry


def letter_pdf(inquiry: Inquiry) -> bytes:
    """The request as a party letter: the chi bộ and its committee above, the number, whom it asks, about whom,
    the reply date, the secretary's signature block."""
    from ketnap.printing import html_to_pdf

    candidate = inquiry.candidate
    html = render_to_string(
        "print/inquiry.html",
        {"inquiry": inquiry, "candidate": candidate, "person": candidate.person, "cell": candidate.organization},
    )
    return html_to_pdf(html)
