"""The statistics journeys in a real browser: an overseer reads the numbers of the whole subtree and no name;
an office drills down from a number to the people behind it."""

import pytest

from ketnap.pipeline.models import Candidate
from ketnap.registry.models import Person

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _log_in(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("button.primary")


def test_overseer_reads_the_dashboard_and_the_forms_without_any_name(
    page, live_server, world, personas, pipeline_world
):
    _log_in(page, live_server, "giamsat")
    page.click("nav.menu >> text=Thống kê")
    assert page.locator("h1").inner_text().startswith("Đảng bộ Sở Y tế")
    assert page.locator("svg[role=img]").count() >= 1  # charts drawn on the server, no script, no internet
    names = [p.full_name for p in Person.objects.all()]
    assert len(names) >= 6 and Candidate.objects.count() >= 3

    def no_name_on_page():
        text = page.locator("body").inner_text()
        html = page.content()
        for name in names:
            assert name not in text and name not in html, f"the overseer sees {name!r} at {page.url}"

    no_name_on_page()
    # the same numbers exist as tables, and nothing on the page leads to a list of names
    assert page.locator("table.stats").count() >= 3
    assert page.locator("a[href*='danh-sach']").count() == 0
    page.click("text=Biểu 2")
    assert page.locator("table.stats").count() == 1
    assert page.locator("a[href*='xuat=pdf']").count() == 1  # the form as PDF, same figures
    no_name_on_page()
    page.go_back()
    page.click("text=Biểu 3")
    no_name_on_page()
    # a drill-down URL typed by hand is refused like any out-of-scope page
    response = page.goto(f"{live_server.url}/thong-ke/{world.upper.code}/danh-sach/?nhom=pool")
    assert response.status == 404


def test_office_drills_down_from_the_source_pool_to_the_names(page, live_server, world, personas, pipeline_world):
    _log_in(page, live_server, "vp.a")
    page.goto(f"{live_server.url}/thong-ke/{world.hospital_a.code}/")
    page.locator("a[href*='danh-sach'][href*='nhom=pool']").first.click()
    assert "Trần Thị Bình" in page.locator("main").inner_text()
