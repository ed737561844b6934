"""Choosing helpers from the searchable member list in a real browser: typing without diacritics narrows the list,
a phone gets a scrollable box of rows large enough to tap, and without JavaScript the whole list still works."""

import datetime as dt

import pytest
from django.urls import reverse

from ketnap.pipeline import domain
from tests import factories as f
from tests.test_browser_pipeline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

MATCHING = ("Nguyễn Văn An", "Nguyễn Văn Hùng", "Nguyễn Vân Anh")  # of chi bộ Khoa Nội; its namesake is of Ngoại


@pytest.fixture
def members(world):
    """Official members of both chi bộ of hospital A. Helpers are the chi bộ's own (Khoa Nội): "nguyen van" matches
    three of them; the namesake Nguyễn Văn Hùng of Khoa Ngoại is not in its list."""
    made = {"an": world.an}
    for key, name, unit, cell, born in (
        ("hung", "Nguyễn Văn Hùng", world.dept_a1, world.cell_a1, dt.date(1981, 2, 2)),
        ("hung2", "Nguyễn Văn Hùng", world.dept_a2, world.cell_a2, dt.date(1981, 9, 9)),
        ("van_anh", "Nguyễn Vân Anh", world.dept_a1, world.cell_a1, dt.date(1988, 3, 3)),
        ("cuong", "Hoàng Văn Cường", world.dept_a1, world.cell_a1, dt.date(1980, 3, 3)),
        ("lan", "Nguyễn Thị Lan", world.dept_a2, world.cell_a2, dt.date(1984, 4, 4)),
        ("dao", "Đào Thị Vui", world.dept_a1, world.cell_a1, dt.date(1985, 5, 5)),
    ):
        made[key] = f.person(unit, name, born=born)
        f.member(made[key], cell, decision=dt.date(2012, 5, 5))
    for i in range(14):  # enough rows that a phone's list scrolls in its own box
        person = f.person(world.dept_a1, f"Trần Văn Thứ {chr(ord('A') + i)}", born=dt.date(1990, 1, 1 + i))
        f.member(person, world.cell_a1, decision=dt.date(2014, 5, 5))
    return made


@pytest.fixture
def step_page(live_server, world, personas, members):
    system = f.user("he-thong", superuser=True)
    candidate = domain.create_candidate(world.binh, actor=system, on=dt.date(2023, 1, 5))
    return candidate, f"{live_server.url}{reverse('candidate_step', args=[candidate.pk, 'sympathise'])}"


def visible_names(page) -> list[str]:
    return [text.split(" — ")[0] for text in page.locator(".picker-row:visible span").all_inner_texts()]


def test_typing_without_diacritics_narrows_the_list_and_two_ticked_are_recorded(
    page, live_server, world, members, step_page
):
    candidate, url = step_page
    log_in(page, live_server, "bithu.a1")
    page.goto(url)
    everyone = page.locator(".picker-row").count()
    assert len(visible_names(page)) == everyone == 19  # the chi bộ's official members, Bình not among them
    page.fill(".picker-filter", "nguyen van")
    assert sorted(visible_names(page)) == sorted(MATCHING)
    assert "Nguyễn Văn Hùng — Khoa Nội — Chi bộ Khoa Nội (1981)" in page.locator(".picker-list").inner_text()
    page.check(f"input[name='helpers'][value='{members['hung'].pk}']")
    page.check(f"input[name='helpers'][value='{members['van_anh'].pk}']")
    # another search: what is ticked stays in view; a search matching nobody says so
    page.fill(".picker-filter", "dao thi")
    assert set(visible_names(page)) == {"Nguyễn Văn Hùng", "Nguyễn Vân Anh", "Đào Thị Vui"}
    page.fill(".picker-filter", "khong ai co ten nay")
    assert page.locator(".picker-nomatch").is_visible()
    page.press(".picker-filter", "Enter")  # Enter in the filter does not send the form
    assert page.url == url
    page.fill("#id_on", "01/02/2023")
    page.fill("#id_document_number", "12-NQ/CB")
    page.click("button.primary")
    assert page.locator(".messages").inner_text().startswith("Đã ghi nhận"), page.content()[:3000]
    helpers = set(candidate.helpers.values_list("member", flat=True))
    assert helpers == {members["hung"].pk, members["van_anh"].pk}


def test_on_a_phone_the_list_scrolls_in_its_box_with_rows_to_tap(page, live_server, world, members, step_page):
    _candidate, url = step_page
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "bithu.a1")
    page.goto(url)
    box = page.locator(".picker-list")
    assert box.evaluate("el => el.scrollHeight > el.clientHeight + 50")  # a box that scrolls, not a page of names
    assert box.bounding_box()["height"] < 844
    heights = [page.locator(".picker-row").nth(i).bounding_box()["height"] for i in range(5)]
    assert min(heights) >= 24, heights
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.fill(".picker-filter", "vui")
    assert visible_names(page) == ["Đào Thị Vui"]
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_without_javascript_the_whole_list_is_there_and_works(page, live_server, world, members, step_page):
    candidate, url = step_page
    context = page.context.browser.new_context(java_script_enabled=False, viewport={"width": 1280, "height": 900})
    plain = context.new_page()
    try:
        log_in(plain, live_server, "bithu.a1")
        plain.goto(url)
        assert plain.locator(".picker-filter").is_hidden()  # no box that would do nothing
        assert len(visible_names(plain)) == 19
        plain.check(f"input[name='helpers'][value='{members['van_anh'].pk}']")
        plain.fill("#id_on", "01/02/2023")
        plain.click("button.primary")
        assert plain.locator(".messages").inner_text().startswith("Đã ghi nhận")
    finally:
        context.close()
    assert list(candidate.helpers.values_list("member", flat=True)) == [members["van_anh"].pk]
