"""The Content-Security-Policy holds in a real browser: the main pages load without a single violation, and the
scripts moved out of the templates (static/ketnap/*.js) still work under it."""

import datetime as dt

import pytest
from django.urls import reverse

from ketnap.audit.context import SYSTEM
from ketnap.stats import targets
from ketnap.stats.models import PeriodKind

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# the report reaches the page even when the console line is worded differently by another chromium
WATCH = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push([e.violatedDirective, e.blockedURI || "inline", e.sourceFile, e.lineNumber].join(" "));
});
"""


def _violations(page, console):
    return page.evaluate("window.__csp || []") + [m for m in console if "Content Security Policy" in m]


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("button.primary")


def test_main_pages_load_without_csp_violations(page, live_server, world, personas):
    period = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    targets.set_target(
        world.hospital_a, kind=PeriodKind.YEAR, starts_on=period[0], ends_on=period[1], admissions=5, actor=SYSTEM
    )
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    _log_in(page, live_server, "vp.a")
    pages = [
        reverse("home"),
        reverse("org_detail", kwargs={"code": "BVA"}),
        reverse("person_list"),
        reverse("person_detail", kwargs={"pk": world.an.pk}),
        reverse("pipeline_board"),
        reverse("due_list"),
        reverse("stats_dashboard", kwargs={"code": "BVA"}),
        reverse("stats_bieu2", kwargs={"code": "BVA"}),
        reverse("target_overview", kwargs={"code": "BVA"}),
        reverse("guide"),
        reverse("search") + "?q=nguyen",
        reverse("person_create"),
    ]
    seen = {}
    for path in pages:
        answer = page.goto(f"{live_server.url}{path}")
        assert answer.status == 200, path
        assert "script-src 'self'" in answer.headers["content-security-policy"]
        seen[path] = _violations(page, console)
    assert seen == {path: [] for path in pages}
    # the split page's running sum (static/ketnap/split-sum.js, formerly an inline script) still adds up
    page.goto(f"{live_server.url}{reverse('target_split', kwargs={'code': 'BVA'})}")
    page.fill("input.share >> nth=0", "2")
    page.fill("input.share >> nth=1", "3")
    assert page.locator("#tong-so").inner_text() == "5"
    assert page.locator("#lech").is_hidden()
    assert _violations(page, console) == []


def test_admin_pages_load_without_csp_violations(page, live_server, world, personas):
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH)
    _log_in(page, live_server, "root")
    admin = ["/quan-tri/", "/quan-tri/auth/user/", f"/quan-tri/auth/user/{personas.office_a.pk}/change/"]
    for path in [*admin, "/api/docs"]:  # and the API's offline Swagger page
        assert page.goto(f"{live_server.url}{path}").status == 200, path
        assert _violations(page, console) == [], path
