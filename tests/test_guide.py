"""Hướng dẫn (/huong-dan/): each role reads its own answers first, every link on the page opens for its reader."""

import re

import pytest

SECTION = re.compile(r'<(section|details) class="card howto" id="([a-z]+)"')
HREF = re.compile(r'href="([^"#]+)"')


def _help(client, user) -> tuple[list[tuple[str, str]], str]:
    client.force_login(user)
    response = client.get("/huong-dan/")
    assert response.status_code == 200
    body = response.content.decode()
    help_part = body[body.index('<div class="help">') :]
    return SECTION.findall(help_part), help_part


@pytest.mark.parametrize(
    "who, first",
    [
        ("office_a", "office"),
        ("secretary_a1", "secretary"),
        ("overseer", "overseer"),
        ("admin_a", "admin"),
        ("superuser", "admin"),
        ("mentor", "mentor"),
        ("candidate_user", "candidate"),
    ],
)
def test_each_role_reads_its_own_section_first(client, personas, mentor, candidate_user, who, first):
    user = {"mentor": mentor, "candidate_user": candidate_user}.get(who) or getattr(personas, who)
    sections, _body = _help(client, user)
    assert sections[0] == ("section", first)
    assert [kind for kind, key in sections].count("section") == 1  # one role: the other five are folded
    assert sorted(key for _kind, key in sections) == sorted(
        ["office", "secretary", "mentor", "candidate", "overseer", "admin"]
    )


def test_someone_with_two_roles_reads_both_open(client, world, personas):
    from ketnap.accounts.models import Role, RoleKind

    Role.objects.create(user=personas.secretary_a1, organization=world.hospital_a, kind=RoleKind.OFFICE)
    sections, _body = _help(client, personas.secretary_a1)
    assert sections[:2] == [("section", "office"), ("section", "secretary")] and sections[2][0] == "details"


def _links(client, user) -> set[str]:
    _sections, body = _help(client, user)
    return {href.replace("&amp;", "&") for href in HREF.findall(body)}


@pytest.mark.parametrize("who", ["office_a", "secretary_a1", "overseer", "admin_a", "superuser", "mentor"])
def test_every_link_on_the_page_opens_for_its_reader(client, personas, mentor, who):
    user = {"mentor": mentor}.get(who) or getattr(personas, who)
    links = _links(client, user)
    assert links, "the page links the pages it explains"
    answers = {url: client.get(url).status_code for url in sorted(links)}
    assert {url: status for url, status in answers.items() if status not in (200, 302)} == {}


@pytest.mark.parametrize("who", ["overseer", "mentor"])
def test_the_lists_of_people_are_named_not_linked_for_a_reader_without_personal_data(client, personas, mentor, who):
    user = {"mentor": mentor}.get(who) or getattr(personas, who)
    assert _links(client, user) & {"/viec-can-lam/", "/nhan-su/"} == set()


def test_the_header_links_the_guide_for_everyone(client, personas, mentor):
    for user in (personas.office_a, personas.overseer, mentor):
        client.force_login(user)
        assert '<a class="link" href="/huong-dan/">Hướng dẫn</a>' in client.get("/", follow=True).content.decode()


def test_admins_read_where_the_reminders_go(client, personas, settings, tmp_path):
    settings.KETNAP_BASE_URL = "https://ketnap.benhvien.vn"
    _sections, body = _help(client, personas.admin_a)
    assert "Đường dẫn trong thư: https://ketnap.benhvien.vn (đặt bằng KETNAP_BASE_URL)" in body
    _sections, body = _help(client, personas.office_a)
    assert "https://ketnap.benhvien.vn" not in body  # the server's set-up is for admins


@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_guide_fits_a_phone(page, live_server, personas):
    from tests.test_browser_pipeline import log_in

    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "bithu.a1")
    page.click("header >> text=Hướng dẫn")
    assert page.locator("h1").inner_text().startswith("Hướng dẫn")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("summary:has-text('Văn phòng đảng ủy')")  # another role's answers unfold on a tap
    assert page.locator("#office dt").first.is_visible()


VIETNAMESE_LETTER = re.compile("[àáảãạăắằẳẵặâấầẩẫậđèéẻẽẹêếềểễệìíỉĩịòóỏõọôốồổỗộơớờởỡợùúủũụưứừửữựỳýỷỹỵ]", re.IGNORECASE)
KEPT_IN_ENGLISH = re.compile(r"\d+[A-Z]?-KNĐ|Biểu \d-BTCTW")  # the official forms' own names
QUESTIONS_AND_ANSWERS = re.compile(r"<(dt|dd)>(.*?)</\1>", re.S)


def test_the_english_help_page_answers_in_english(client, personas, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    _sections, body = _help(client, personas.office_a)
    sections = dict(re.findall(r'class="card howto" id="([a-z]+)">(.*?)</(?:section|details)>', body, re.S))
    assert sorted(sections) == sorted(["office", "secretary", "mentor", "candidate", "overseer", "admin"])
    for key in ("office", "secretary", "mentor", "candidate", "overseer"):  # admin's quotes a printed Vietnamese line
        texts = [re.sub(r"<[^>]+>", "", text) for _tag, text in QUESTIONS_AND_ANSWERS.findall(sections[key])]
        assert len(texts) >= 6, (key, texts)
        vietnamese = [text for text in texts if VIETNAMESE_LETTER.search(KEPT_IN_ENGLISH.sub("", text))]
        assert vietnamese == [], key
