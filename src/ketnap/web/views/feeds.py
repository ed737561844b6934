"""The calendar of due dates (iCalendar, RFC 5545) and the page that hands out its secret address.

Calendar apps cannot log in, so the feed address carries a secret token (accounts.FeedToken). The feed shows
exactly what the token owner's Scope shows on the "Việc cần làm" page; a token of someone who may read no
names (an overseer), of an inactive user, or one that was rotated away answers 404.
"""

import datetime as dt
import hashlib
from collections.abc import Callable
from urllib.parse import urlsplit

import icalendar
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.accounts.models import FeedToken
from ketnap.pipeline import due
from ketnap.pipeline.due import DueItem
from ketnap.registry.services.dates import today
from ketnap.scope import Scope, scope_for

PRODID = "-//ketnap//Viec can lam//VI"
CALENDAR_NAME = "ketnap — việc cần làm"
REFRESH = dt.timedelta(hours=6)


def event_uid(item: DueItem, host: str) -> str:
    """Stable for one candidate and one action: the event moves when its due date moves, it is not duplicated."""
    action = hashlib.sha256(item.action.encode()).hexdigest()[:16]
    return f"ketnap-{item.candidate.pk}-{action}@{host}"


def description(item: DueItem) -> str:
    candidate = item.candidate
    lines = [
        f"{candidate.person.full_name} — {candidate.organization.name}",
        f"Giai đoạn: {candidate.get_stage_display()}",
        f"Việc tiếp theo: {item.action}",
    ]
    if item.rule:
        lines.append(f"Quy định: {item.rule}")
    if item.source:
        lines.append(f"Căn cứ: {item.source}")
    return "\n".join(lines)


def calendar(items: list[DueItem], *, link: Callable[[DueItem], str], host: str, stamp: dt.datetime) -> bytes:
    """One all-day VEVENT per item that has a due date (folding, CRLF and escaping by `icalendar`)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", CALENDAR_NAME)
    cal.add("x-wr-caldesc", "Hạn các việc phát triển đảng viên (tính theo ngày làm việc)")
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", "PT6H")  # the same, for Outlook
    stamp = stamp.astimezone(dt.UTC).replace(microsecond=0)
    for item in items:
        if item.due is None:
            continue
        event = icalendar.Event()
        event.add("uid", event_uid(item, host))
        event.add("dtstamp", stamp)
        event.add("dtstart", item.due)
        event.add("dtend", item.due + dt.timedelta(days=1))
        event.add("summary", f"{item.action} — {item.candidate.person.full_name}")
        event.add("description", description(item))
        event.add("url", link(item))
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()


@login_not_required
def feed(request, token):
    """The .ics a calendar app subscribes to: the token stands in for the login."""
    found = get_object_or_404(FeedToken.objects.select_related("user"), token=token, user__is_active=True)
    scope = Scope(found.user)
    if not scope.sees_personal_data:
        raise Http404
    if request.method not in {"GET", "HEAD"}:
        return HttpResponseNotAllowed(["GET", "HEAD"])
    items = due.due_items(scope.candidates().filter(due_on__isnull=False), today())  # only what has a date
    host = urlsplit(request.build_absolute_uri("/")).hostname or "ketnap"

    def link(item: DueItem) -> str:
        return request.build_absolute_uri(reverse("candidate_detail", kwargs={"candidate_pk": item.candidate.pk}))

    body = calendar(items, link=link, host=host, stamp=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="ketnap-viec-can-lam.ics"'
    response["X-Robots-Tag"] = "noindex, nofollow"
    patch_cache_control(response, private=True, no_cache=True)
    return response


@require_http_methods(["GET", "POST"])
def feed_link(request):
    """Shows the personal feed address (made on the first visit); POST replaces it, killing the old one."""
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    token = FeedToken.for_user(request.user)
    if request.method == "POST":
        token.rotate()
        messages.success(
            request, _("Đã tạo đường dẫn mới. Đường dẫn cũ không còn dùng được: hãy cập nhật ứng dụng lịch.")
        )
        return redirect("feed_link")
    url = request.build_absolute_uri(reverse("feed", kwargs={"token": token.token}))
    context = {
        "url": url,
        "webcal": "webcal://" + url.split("://", 1)[1],
        "created": token.created,
        "intro": _(
            "Đưa hạn của từng việc cần làm trong phạm vi của đồng chí vào ứng dụng lịch trên điện thoại hoặc máy "
            "tính: sao chép đường dẫn dưới đây và thêm vào lịch theo kiểu đăng ký (Google Calendar: Thêm lịch → "
            "Từ URL; Outlook: Thêm lịch → Đăng ký từ web; iPhone: Cài đặt → Lịch → Tài khoản → Thêm lịch đã đăng "
            "ký). Lịch tự cập nhật khi hạn thay đổi."
        ),
        "warning": _(
            "Ai có đường dẫn này đều xem được họ tên và hạn công việc trong phạm vi của đồng chí mà không cần "
            "đăng nhập. Chỉ thêm vào lịch của chính mình, không gửi cho người khác. Nếu lỡ để lộ, hãy tạo đường "
            "dẫn mới: đường dẫn cũ sẽ không dùng được nữa."
        ),
    }
    response = render(request, "web/feed_link.html", context)
    patch_cache_control(response, private=True, no_store=True)
    return response
