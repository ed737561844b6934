"""A secretary on night duty checks what is due, on a phone (390 × 844), in a real browser."""

import datetime as dt

import pytest

from ketnap.pipeline import domain
from ketnap.registry.enums import Gender
from tests import factories as f
from tests.test_browser_pipeline import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_the_due_list_fits_a_phone_with_four_people_on_the_first_screen(page, live_server, world, personas):
    system = f.user("he-thong", superuser=True)
    for i, name in enumerate(("Nguyễn Thị Ánh Dương", "Trần Văn Bảo", "Lê Thị Cúc", "Phạm Văn Đạt", "Vũ Thị Hạnh")):
        person = f.person(world.dept_a1, name, gender=Gender.FEMALE, born=dt.date(1995, 1, 1 + i))
        candidate = domain.create_candidate(person, actor=system, on=dt.date(2026, 1, 5 + i))
    # one with a deadline and its rule (the certificate's 60 months)
    domain.transition(candidate, "sympathise", actor=system, data={"on": dt.date(2026, 2, 2), "helpers": [world.an]})
    domain.transition(candidate, "certificate", actor=system, data={"on": dt.date(2026, 4, 1)})
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "bithu.a1")
    page.goto(f"{live_server.url}/viec-can-lam/")
    # the menu is folded behind one tap
    assert page.locator(".menu-wide").is_hidden() and page.locator(".menu-small summary").is_visible()
    cards = page.locator(".due-cards .card-item")
    assert cards.count() >= 5
    tops = [cards.nth(i).bounding_box()["y"] + cards.nth(i).bounding_box()["height"] for i in range(cards.count())]
    assert sum(1 for bottom in tops if bottom <= 844) >= 4, tops
    # nothing to swipe sideways; one chi bộ: its name is not repeated on every card
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert page.locator(".due-cards .cell").count() == 0
    # the rule is one tap away, the candidate another
    first = page.locator(".due-cards .card-item", has=page.locator("details.rule")).first
    first.locator("summary").click()
    assert first.locator(".source").is_visible()
    first.locator("a.who").click()
    assert "/ung-vien/" in page.url
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
