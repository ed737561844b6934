"""A secretary takes one candidate from outstanding non-member to official member, in a real browser."""

import datetime as dt

import pytest

from ketnap.registry.models import CodeItem
from tests import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def cell_members(world):
    members = [world.an]
    for name in ("Hoàng Văn Cường", "Phạm Thị Dung", "Vũ Văn Giang"):
        person = f.person(world.dept_a1, name, born=dt.date(1980, 3, 3))
        f.member(person, world.cell_a1, decision=dt.date(2012, 5, 5))
        members.append(person)
    world.binh.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    world.binh.save()
    return members


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/dang-nhap/")
    page.fill("#id_username", username)
    page.fill("#id_password", "mat-khau-thu-nghiem")
    page.click("button.primary")


def submit(page, fields: dict, button="button.primary"):
    for selector, value in fields.items():
        page.fill(selector, value)
    page.click(button)


def step(page, label: str, fields: dict, ticks: dict | None = None):
    page.click(f".next a.button:has-text('{label}')")
    for name, values in (ticks or {}).items():  # members ticked in a searchable list (checkboxes or radio buttons)
        for value in values:
            page.check(f"input[name='{name}'][value='{value}']")
    submit(page, fields)
    assert page.locator(".messages").inner_text().startswith("Đã ghi nhận"), page.content()[:3000]


def receive_missing_papers(page, date: str):
    while page.locator(".checklist li.missing a").count():
        page.locator(".checklist li.missing a").first.click()
        submit(page, {"#id_received_on": date})


def add_introducer(page, member, together: str, date: str):
    page.click("text=+ Người giới thiệu")
    page.select_option("#id_kind", "member")
    page.check(f"input[name='introducer'][value='{member.pk}']")
    submit(page, {"#id_together_since": together, "#id_introduced_on": date})


def reach_dossier(page, live_server, world, members):
    log_in(page, live_server, "bithu.a1")
    page.goto(f"{live_server.url}/nhan-su/{world.binh.pk}/")
    page.click("text=Đưa vào nguồn quần chúng ưu tú")
    submit(page, {"#id_on": "05/01/2023"})
    assert "Quần chúng ưu tú" in page.locator("h1").inner_text()
    step(
        page,
        "cảm tình Đảng",
        {"#id_on": "01/02/2023", "#id_document_number": "12-NQ/CB"},
        {"helpers": [str(members[0].pk)]},
    )
    step(
        page,
        "giấy chứng nhận",
        {"#id_on": "01/04/2023", "#id_document_number": "CN-88", "#id_issuer": "Trung tâm Chính trị"},
    )
    receive_missing_papers(page, "10/05/2023")


def test_a_secretary_takes_a_candidate_from_source_to_official(page, live_server, world, personas, cell_members):
    reach_dossier(page, live_server, world, cell_members)
    add_introducer(page, cell_members[1], "01/01/2015", "12/05/2023")
    add_introducer(page, cell_members[2], "01/01/2015", "12/05/2023")
    step(page, "đề nghị kết nạp (6-KNĐ)", {"#id_on": "01/06/2023", "#id_votes_for": "4"})
    step(page, "(8-KNĐ)", {"#id_on": "15/06/2023", "#id_members_total": "7", "#id_votes_for": "6"})
    step(page, "(9-KNĐ)", {"#id_on": "20/07/2023", "#id_received_on": "25/07/2023", "#id_document_number": "45"})
    step(page, "lễ kết nạp", {"#id_on": "10/08/2023"}, {"mentor": [str(cell_members[1].pk)]})
    assert "Đảng viên dự bị" in page.locator("h1").inner_text()
    receive_missing_papers(page, "12/08/2024")
    step(page, "(13-KNĐ)", {"#id_on": "20/08/2024", "#id_votes_for": "4"})
    step(page, "(15-KNĐ)", {"#id_on": "26/08/2024", "#id_members_total": "7", "#id_votes_for": "5"})
    step(page, "(16-KNĐ)", {"#id_on": "05/09/2024", "#id_document_number": "90-QĐ/ĐU"})
    assert "Đảng viên chính thức" in page.locator("h1").inner_text()
    assert page.locator(".timeline li").count() == 10  # nine steps and the first entry (put on the list)
    page.goto(f"{live_server.url}/nhan-su/{world.binh.pk}/")
    assert page.locator("text=10/08/2024").first.is_visible()  # official from the end of the 12 months


def test_a_rule_refuses_an_ineligible_introducer(page, live_server, world, personas, cell_members):
    reach_dossier(page, live_server, world, cell_members)
    add_introducer(page, cell_members[1], "01/01/2015", "12/05/2023")
    add_introducer(page, world.dung, "01/01/2015", "12/05/2023")  # a probationary member
    page.click(".next a.button:has-text('đề nghị kết nạp (6-KNĐ)')")
    submit(page, {"#id_on": "01/06/2023", "#id_votes_for": "4"})
    refusal = page.locator(".verdict").inner_text()
    assert "Lê Văn Dũng" in refusal and "dự bị" in refusal
    assert "điểm 3.2.1" in refusal  # the source is shown beside the rule
    # one box: the reasons with their sources, not a second box pointing at nothing
    assert "Chưa ghi nhận được" in refusal and page.locator(".errors").count() == 0
    page.goto(f"{live_server.url}/nhan-su/{world.binh.pk}/")
    assert "Hoàn thiện hồ sơ" in page.locator("body").inner_text()  # nothing was recorded
