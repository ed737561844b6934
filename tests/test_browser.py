"""Real-browser smoke test: Debian's chromium driven by Playwright (never `playwright install`)."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_log_in_open_the_tree_drill_down_and_search(page, live_server, world, personas):
    page.goto(f"{live_server.url}/")
    page.fill("#id_username", "vp.a")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("button.primary")
    # Vietnamese interface, styled by the vendored stylesheet (no CDN)
    assert page.locator("h1").inner_text() == "Tổ chức đảng"
    assert page.eval_on_selector(".topbar", "e => getComputedStyle(e).backgroundColor") == "rgb(163, 22, 26)"
    # the tree with counts
    row = page.locator("table.tree tr", has_text="Chi bộ Khoa Nội")
    assert row.locator("td.num").all_inner_texts() == ["2", "1", "0", "1", "50,0%", "1", "0"]
    # drill down to the cell, then search a name typed without diacritics
    page.click("text=Chi bộ Khoa Nội")
    assert page.locator("h1").inner_text().startswith("Chi bộ Khoa Nội")
    page.fill("main form.search input[name=q]", "tran thi binh")  # the cell's own list (the header has its own)
    page.click("main form.search button")
    assert page.locator("table.people tbody tr").all_inner_texts()[0].split("\t")[1].strip() == "Trần Thị Bình"
    page.click("text=Trần Thị Bình")
    assert page.locator("h1").inner_text().startswith("Trần Thị Bình")
    assert page.locator("text=Chưa là đảng viên").is_visible()


def test_phone_width_still_shows_the_tree(page, live_server, world, personas):
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", "bithu.a1")
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("button.primary")
    assert page.locator("table.tree").is_visible()
    assert "Chi bộ Khoa Nội" in page.locator("table.tree").inner_text()
