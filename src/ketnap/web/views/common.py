"""What every screen shares: the page size, reading a day from the query string, a service's errors on a form,
the people list's search and pager, the current filters for links."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.utils.formats import get_format

from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import PartyMembership
from ketnap.registry.search import matching
from ketnap.web import paging
from ketnap.web.paging import CURSOR_KEYS, keyset_page

PAGE_SIZE = paging.PAGE_SIZE


def parse_day(raw: str | None) -> dt.date | None:
    for fmt in get_format("DATE_INPUT_FORMATS"):
        try:
            return dt.datetime.strptime((raw or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def apply_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form: on the named field where it has one, else on top."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def people_page(request, queryset):
    """Search (registry.search), filter by membership, sort the Vietnamese way, a page from where the last one ended
    (web.paging). `queryset`: the people this user may see here (the scope), where the page links' anchors are read."""
    query = request.GET.get("q", "").strip()
    membership = request.GET.get("loai", "")
    include_gone = request.GET.get("ca_nghi") == "1"
    qs = queryset if include_gone else queryset.current()
    if query:
        qs = matching(qs, query)
    if membership == "dang-vien":
        qs = qs.filter(memberships__status__in=MembershipStatus.active())
    elif membership == "quan-chung":
        qs = qs.exclude(memberships__status__in=MembershipStatus.active())
    qs = qs.select_related("work_unit", "work_unit__parent", "organization", "profession")
    qs = qs.prefetch_related(
        Prefetch(
            "memberships",
            queryset=PartyMembership.objects.filter(status__in=MembershipStatus.active()),
            to_attr="active_memberships",
        )
    )
    page = keyset_page(request, qs, ("sort_key", "pk"), anchors=queryset)
    return {"page": page, "q": query, "loai": membership, "ca_nghi": include_gone, "querystring": querystring(request)}


def querystring(request, *drop: str) -> str:
    """The current filters, without the page's place (and the `drop` keys), for the pager's and downloads' links."""
    params = request.GET.copy()
    for key in (*CURSOR_KEYS, *drop):
        params.pop(key, None)
    return params.urlencode()
