"""Error pages Django calls itself (settings: CSRF_FAILURE_VIEW)."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def csrf_failure(request, reason=""):
    """A refused form (CSRF): usually a page left open past the session (8 hours) or the login page opened too long.

    Said in Vietnamese with what to do, and a link to open the same page afresh (GET, never a resubmission). The
    technical reason stays in the log line Django writes on django.security.csrf.
    """
    again = request.path if url_has_allowed_host_and_scheme(request.path, allowed_hosts=None) else "/"
    return render(request, "403_csrf.html", {"again": again}, status=403)
