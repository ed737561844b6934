"""Wide pages on a phone (390 × 844) and on a hospital laptop (1366 × 768), in a real browser (issue #12): the home
tree and the person page fit without sideways swiping; the statistics tables keep the organisation names readable
(a name column never shrinks to a word per line) and the dashboard's index takes the reader to each section and back."""

import datetime as dt

import pytest

from ketnap.audit.context import SYSTEM
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import CodeItem
from ketnap.registry.services import people
from tests import factories as f
from tests.test_browser_pipeline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
LAPTOP = {"width": 1366, "height": 768}
ICU = "Chi bộ Khoa Hồi sức tích cực"  # a typical name: at most two lines wherever a table shows it
QUALITY = "Chi bộ Phòng Điều dưỡng – Quản lý chất lượng – Công tác xã hội"  # one of the longest real names

# the number of lines an element's text takes (one client rect per line fragment; a link's own box shares its line)
LINES = """el => { const r = document.createRange(); r.selectNodeContents(el.querySelector('a') || el);
  const tops = []; for (const b of r.getClientRects()) { if (b.width > 0 && !tops.some(t => Math.abs(t - b.top) < 4))
  tops.push(b.top); } return tops.length; }"""


def _sideways(page) -> int:
    """How far the page itself scrolls sideways (0: it fits the window)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _swipe(page) -> int:
    """How far anything on the page scrolls sideways: the page itself or a table's own box (0: nothing to swipe)."""
    boxes = page.locator(".scroll").evaluate_all("bs => bs.map(b => b.scrollWidth - b.clientWidth)")
    return max([_sideways(page), *boxes])


def _icu_cell(world):
    """A cell under hospital A whose non-members have eighteen professions: the pool-by-profession table gets 20
    columns, enough to crush an unprotected name column even at 1366 px."""
    cell = f.org("BVA-HSTC", ICU, OrgKind.CELL, world.hospital_a)
    dept = f.unit("UA-HSTC", "Khoa Hồi sức tích cực", world.unit_a, covered_by=cell)
    for i, profession in enumerate(CodeItem.objects.filter(kind="profession").order_by("position")[:18]):
        f.person(dept, f"Đỗ Thị Hồi {chr(65 + i)}", born=dt.date(1994, 1, 1 + i), profession=profession)
    f.member(f.person(dept, "Ngô Văn Sức", born=dt.date(1985, 2, 2)), cell)
    return cell


def test_home_and_person_page_fit_a_phone_without_sideways_swiping(page, live_server, world, personas):
    _icu_cell(world)
    quality = f.org("BVA-DD", QUALITY, OrgKind.CELL, world.hospital_a)
    quality_dept = f.unit("UA-DD", "Phòng Điều dưỡng – Quản lý chất lượng – Công tác xã hội", world.unit_a)
    # a person page with the long things a real one has: an e-mail address, a move between cells, a work history
    people.update_person(
        world.an, email="nguyen.van.an.truong.khoa.noi.tong.hop@benhviendakhoatinhquangninh.vn", actor=SYSTEM
    )
    people.move_membership(
        world.an.memberships.get(),
        quality,
        on=dt.date(2025, 7, 1),
        note="Nghị quyết hợp nhất hai chi bộ khi sắp xếp",
        actor=SYSTEM,
    )
    people.change_work_unit(world.an, quality_dept, on=dt.date(2025, 7, 1), job_title="Điều dưỡng trưởng", actor=SYSTEM)
    pages = {"trang chủ": "/", "trang một người": f"/nhan-su/{world.an.pk}/"}
    log_in(page, live_server, "vp.a")
    swipes = {}
    for size in (PHONE, LAPTOP):
        page.set_viewport_size(size)
        for name, url in pages.items():
            page.goto(f"{live_server.url}{url}")
            swipes[f"{name} {size['width']} px"] = _swipe(page)
    assert swipes == dict.fromkeys(swipes, 0), swipes

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    tree = page.locator("table.tree")
    # what a phone shows of the tree: the total, the ratio, the pool and what is overdue; a typical name in 2 lines
    shown = [" ".join(h.split()) for h in tree.locator("thead th:visible").all_inner_texts()]
    lines = tree.locator("td.name", has_text=ICU).evaluate(LINES)
    expected = ["Tổ chức đảng", "Tổng đảng viên", "% ĐV / nhân sự", "Quần chúng (nguồn)", "Việc quá hạn"]
    assert (shown, lines <= 2) == (expected, True), (shown, lines)

    page.goto(f"{live_server.url}{pages['trang một người']}")
    # the move and the work history read as lines, not as four crushed columns
    moved = page.locator("section.card table td", has_text=QUALITY)
    assert moved.bounding_box()["width"] >= 250, moved.bounding_box()
    assert page.locator("table td", has_text="Điều dưỡng trưởng").bounding_box()["width"] >= 250


def _assert_names_readable(page):
    """Every organisation name of the statistics tables keeps a readable width, the typical one takes at most two
    lines, and none of this widens the page: the numbers scroll inside the tables' own boxes."""
    widths = page.locator("table.stats:not(.form) tbody th").evaluate_all(
        "cells => cells.map(c => [c.innerText, Math.round(c.getBoundingClientRect().width)])"
    )
    icu = page.locator("table.stats tbody th", has_text=ICU)
    found = {
        "page scrolls sideways": _sideways(page),
        "narrowest names": sorted(widths, key=lambda tw: tw[1])[:2],
        f"lines of {ICU!r}": [icu.nth(i).evaluate(LINES) for i in range(icu.count())],
    }
    assert (
        found["page scrolls sideways"] <= 0
        and min(w for _text, w in widths) >= 150
        and len(found[f"lines of {ICU!r}"]) >= 3
        and max(found[f"lines of {ICU!r}"]) <= 2
    ), found


def _index_jumps(page, links):
    """Each index link brings its section into view; the section's own link goes back to the index."""
    for i in links:
        link = page.locator(".stats-index a").nth(i)
        target = link.get_attribute("href")
        link.click()
        assert page.evaluate("location.hash") == target
        top = page.locator(target).evaluate("s => s.getBoundingClientRect().top")
        at_end = page.evaluate("scrollY + innerHeight >= document.documentElement.scrollHeight - 2")
        assert -2 <= top < 60 or (at_end and top < page.viewport_size["height"] - 60), (target, top)
        back = page.locator(f"{target} .to-index a")
        back.click()
        assert page.evaluate("location.hash") == "#muc-luc"
        assert -2 <= page.locator("#muc-luc").evaluate("s => s.getBoundingClientRect().top") < 100


def test_statistics_keep_names_readable_and_every_section_one_tap_away(page, live_server, world, personas):
    _icu_cell(world)
    page.set_viewport_size(LAPTOP)
    log_in(page, live_server, "vp.a")
    page.goto(f"{live_server.url}/thong-ke/{world.hospital_a.code}/")
    _assert_names_readable(page)
    index = page.locator(".stats-index a")
    sections = page.locator("section.stat-table").count()
    assert sections >= 8 and index.count() == sections + 1  # the tables and the organisations under this one
    _index_jumps(page, range(index.count()))

    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/thong-ke/{world.hospital_a.code}/")
    _assert_names_readable(page)
    _index_jumps(page, [3, index.count() - 1])
