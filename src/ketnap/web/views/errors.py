"""Error pages Django and django-axes call themselves (settings: CSRF_FAILURE_VIEW, AXES_LOCKOUT_CALLABLE)."""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ketnap.accounts import throttle


def csrf_failure(request, reason=""):
    """A refused form (CSRF): usually a page left open past the session (8 hours) or the login page opened too long.

    Said in Vietnamese with what to do, and a link to open the same page afresh (GET, never a resubmission). The
    technical reason stays in the log line Django writes on django.security.csrf.
    """
    again = request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "/"
    return render(request, "403_csrf.html", {"again": again}, status=403)


def locked_out(request, original_response=None, credentials=None):
    """A refused login (429): the account locked by its own failures, or the whole address blocked for trying many
    usernames (ketnap.accounts.throttle), said with when to try again."""
    block = throttle.refusing_block(request)
    context = {}
    if block is not None:
        context = {"address_block": block, "window": settings.KETNAP_LOGIN_ADDRESS_WINDOW_MINUTES}
    response = render(request, "registration/locked_out.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
    if block is not None:
        response["Retry-After"] = str(max(1, math.ceil((block.until - timezone.now()).total_seconds())))
    return response
