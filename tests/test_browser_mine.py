"""Issue #15's journeys in a real browser: a mentor on a phone writes the note that is due; a candidate reads their own
road and nothing else."""

import pytest

from tests.test_browser_pipeline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_a_mentor_on_a_phone_writes_the_note_that_is_due(page, live_server, world, pipeline_world, mentor):
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "dvgiupdo")
    assert page.url.endswith("/cua-toi/")  # signing in is all it takes: their own page, no tree to find it in
    card = page.locator("#giup-do li.card", has_text="Trần Thị Bình")
    assert card.locator(".badge.overdue").inner_text() == "01/06/2024"
    assert card.locator(".source").is_visible()  # the rule and its source beside the date
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    card.locator("a.button", has_text="Ghi nhận xét").click()  # one tap …
    page.fill("#id_text", "Đồng chí tích cực học tập, tham gia đầy đủ sinh hoạt đoàn thể.")  # … a few lines …
    page.click("button.primary")  # … and a tap to save; the date is today unless changed
    assert page.url.endswith("/cua-toi/")
    assert "Đã lưu nhận xét về Trần Thị Bình" in page.locator(".messages").inner_text()
    card = page.locator("#giup-do li.card", has_text="Trần Thị Bình")
    assert card.locator(".badge.overdue").count() == 0 and card.locator(".badge.ok").count() == 1
    assert "Nhận xét gần nhất của tôi" in card.inner_text()


def test_a_candidate_reads_their_own_road_and_nothing_else(page, live_server, world, pipeline_world, candidate_user):
    log_in(page, live_server, "binh")
    assert page.url.endswith("/cua-toi/")
    road = page.locator("#con-duong")
    assert "Quần chúng ưu tú" in road.inner_text()
    assert road.locator("li.have", has_text="Đơn xin vào Đảng (1-KNĐ)").count() == 1
    assert road.locator("li.missing", has_text="Lý lịch của người xin vào Đảng (2-KNĐ)").count() == 1
    menu = page.locator(".menu-wide").inner_text()
    assert "Việc của tôi" in menu and "Phát triển đảng viên" not in menu and "Nhân sự" not in menu
    response = page.goto(f"{live_server.url}/ung-vien/{pipeline_world.khoa.pk}/")
    assert response.status == 404 and "Đặng Văn Khoa" not in page.content()
