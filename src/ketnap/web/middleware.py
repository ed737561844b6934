import re

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve
from django.utils import translation

from ketnap.accounts.models import issued_password


class ChosenLanguageMiddleware:
    """Vietnamese unless the user chose another language (the cookie set_language writes).

    Unlike Django's LocaleMiddleware it ignores the browser's Accept-Language: a hospital PC running an
    English Windows must not turn the party office's screens English.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.languages:
            language = settings.LANGUAGE_CODE
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class DownloadSignalMiddleware:
    """Tells a page that the file it asked for has arrived (static/ketnap/downloads.js).

    A click on a slow download link (a PDF) leaves the cookie `ketnap_download=<token>`; when the answer is a file
    (Content-Disposition: attachment) the response sets `ketnap_downloaded=<token>`, which the page sees and turns
    the link back from "Đang tạo PDF…". The token is the page's own random value; nothing else is echoed.
    """

    ASKED, DONE = "ketnap_download", "ketnap_downloaded"
    TOKEN = re.compile(r"[a-z0-9]{4,40}")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = request.COOKIES.get(self.ASKED, "")
        if self.TOKEN.fullmatch(token) and response.get("Content-Disposition", "").startswith("attachment"):
            # read by the page's script, hence not HttpOnly; it says only that a download ended
            response.set_cookie(self.DONE, token, max_age=300, samesite="Lax", secure=request.is_secure())
        return response


class ContentSecurityPolicyMiddleware:
    """Content-Security-Policy on every answer (Django 5.2 has none built in; django-csp would be one more dependency).

    Scripts and stylesheets only from ketnap's own files (static/ketnap/*.js with defer, app.css): no inline
    <script>, no style="" attribute, no event-handler attribute in the templates, so an injected tag runs nothing.
    Images may be data: URLs (charts are inline SVG). No framing (as X-Frame-Options: DENY), forms post only
    here. A response that already carries a policy keeps it.
    """

    POLICY = "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            "img-src 'self' data:",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.POLICY)
        return response


class IssuedPasswordMiddleware:
    """Someone signed in with a password the office issued (accounts.IssuedPassword) sets their own before anything
    else: every page but "Đổi mật khẩu", signing out, the language switch and the privacy notice sends them there.
    Read with the user (accounts.backends): no query of its own."""

    ALLOWED = ("password_change", "logout", "set_language", "privacy_notice")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and issued_password(user):
            try:
                name = resolve(request.path_info).url_name
            except Resolver404:
                name = None  # no such page: the password first all the same
            if name not in self.ALLOWED:
                return redirect("password_change")
        return self.get_response(request)
