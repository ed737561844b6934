"""Finding and reading (issue #12): the header's search, the board's and the due list's filters, the board's download.

Scope first: a person of another hospital never appears, an overseer gets neither the box nor the page.
"""

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketnap.pipeline import domain
from ketnap.pipeline.enums import Stage
from ketnap.registry.enums import Gender, OrgKind
from ketnap.registry.services import organizations
from ketnap.registry.services.dates import today
from ketnap.rules import deadlines, eligibility
from tests import factories as f

D = dt.date
SEARCH = "/tim-kiem/"


STARTED = D(2024, 1, 8)


def _candidate(person, *, actor, certificate_on=None, helper=None, started=STARTED):
    """A candidate put on the list; with `certificate_on`, taken to the dossier stage (whose deadline is the
    certificate's 60 months)."""
    if certificate_on is None:
        return domain.create_candidate(person, actor=actor, on=started)
    candidate = domain.create_candidate(person, actor=actor, on=certificate_on - dt.timedelta(days=90))
    domain.transition(
        candidate, "sympathise", actor=actor, data={"on": certificate_on - dt.timedelta(days=60), "helpers": [helper]}
    )
    domain.transition(candidate, "certificate", actor=actor, data={"on": certificate_on})
    return candidate


def _certificate_day(urgency: str) -> dt.date:
    """A certificate date whose 60 months end so that today the deadline is `urgency`."""
    now = today()
    start = {"overdue": 1900, "soon": 1828, "ok": 400}[urgency]
    for back in range(start, start - 40, -1):
        day = now - dt.timedelta(days=back)
        if deadlines.urgency(eligibility.certificate_expires_on(day), now) == urgency:
            return day
    raise AssertionError(urgency)


def _csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))


def _xlsx_names(response) -> list[str]:
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue()), read_only=True).active  # sent from a file
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Khoa / phòng")
    # the rows of people; the last line says who downloaded it (privacy.stamps), in the first column only
    return [r[2] for r in rows[header + 1 :] if len(r) > 2 and r[2]]


@pytest.fixture
def namesakes(world, personas, pipeline_world):
    """Three Nguyễn Thị Bình: a candidate in A1 (born 1990), a staff member in A2 (born 1985), one in hospital B."""
    a1 = f.person(world.dept_a1, "Nguyễn Thị Bình", born=D(1990, 2, 3))
    a2 = f.person(world.dept_a2, "Nguyễn Thị Bình", born=D(1985, 7, 8))
    b1 = f.person(world.dept_b1, "Nguyễn Thị Bình", born=D(1992, 9, 10))
    candidate = _candidate(a1, actor=personas.superuser)
    _candidate(b1, actor=personas.superuser)
    return a1, a2, b1, candidate


# --- the header's search -------------------------------------------------------------------------------------------
def test_search_needs_no_diacritics_and_tells_namesakes_apart(login, personas, namesakes):
    a1, a2, b1, candidate = namesakes
    client = login(personas.office_a)
    response = client.get(SEARCH, {"q": "nguyen thi binh"})
    assert response.status_code == 200
    assert [i.candidate.pk for i in response.context["candidates"]] == [candidate.pk]
    assert [p.pk for p in response.context["page"]] == [a1.pk, a2.pk]  # same name: hospital B's is not there
    body = response.content.decode()
    assert reverse("candidate_detail", args=[candidate.pk]) in body
    assert reverse("person_detail", args=[a1.pk]) in body and reverse("person_detail", args=[a2.pk]) in body
    assert reverse("person_detail", args=[b1.pk]) not in body
    assert "<td>1990</td>" in body and "<td>1985</td>" in body  # the birth year tells them apart
    assert "Quần chúng ưu tú" in body and "Chi bộ Khoa Nội" in body  # the candidate's stage and chi bộ


def test_search_finds_the_other_hospital_only_for_its_own_people(login, personas, namesakes):
    a1, _a2, b1, _candidate_a1 = namesakes
    response = login(personas.secretary_b1).get(SEARCH, {"q": "NGUYEN thi Binh"})
    assert [p.pk for p in response.context["page"]] == [b1.pk]
    assert [i.candidate.person.pk for i in response.context["candidates"]] == [b1.pk]
    # a secretary of A1 sees A1's Bình only, not A2's
    response = login(personas.secretary_a1).get(SEARCH, {"q": "nguyễn thị bình"})
    assert [p.pk for p in response.context["page"]] == [a1.pk]


def test_search_lists_in_vietnamese_order(login, personas, world):
    for name in ("Trần Thị Thư", "Đỗ Thị Thu", "Âu Thị Thu"):
        f.person(world.dept_a1, name)
    response = login(personas.office_a).get(SEARCH, {"q": "thi thu"})
    # by given name (Thu before Thư), then family name (Â and Đ in their Vietnamese places, not after Z)
    assert [p.full_name for p in response.context["page"]] == ["Âu Thị Thu", "Đỗ Thị Thu", "Trần Thị Thư"]


def test_a_citizen_id_goes_straight_to_the_person_within_scope(login, personas, world):
    client = login(personas.office_a)
    response = client.get(SEARCH, {"q": world.binh.citizen_id})
    assert response.status_code == 302 and response["Location"] == reverse("person_detail", args=[world.binh.pk])
    response = client.get(SEARCH, {"q": world.outsider.citizen_id})  # hospital B's: no answer, no name
    assert response.status_code == 200 and world.outsider.full_name not in response.content.decode()
    assert response.context["page"].count == 0


def test_the_header_carries_the_search_only_for_those_who_read_names(login, personas, world, pipeline_world):
    body = login(personas.secretary_a1).get(reverse("home")).content.decode()
    assert f'action="{SEARCH}"' in body and 'name="q"' in body
    assert f'class="topsearch-link" href="{SEARCH}"' in body  # the phone's one-tap way in
    empty = login(personas.secretary_a1).get(SEARCH)
    assert empty.status_code == 200 and "candidates" not in empty.context  # nothing listed before a query
    # an overseer reads figures only: no box, and the page is not there for them
    overseer = login(personas.overseer)
    assert SEARCH not in overseer.get(reverse("home")).content.decode()
    assert overseer.get(SEARCH, {"q": "tran thi binh"}).status_code == 404
    # nor for a candidate who logs in: their own road is all that is theirs
    own = f.user("binh.tran")
    world.binh.user = own
    world.binh.save()
    assert SEARCH not in login(own).get(reverse("home")).content.decode()
    assert login(own).get(SEARCH, {"q": "tran thi binh"}).status_code == 404


def test_search_costs_the_same_queries_for_two_hits_or_sixty(login, personas, world, django_assert_max_num_queries):
    client = login(personas.office_a)
    system = personas.superuser

    def run():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(SEARCH, {"q": "hoang thi"}).status_code == 200
        return len(queries)

    for i in range(2):
        _candidate(f.person(world.dept_a1, f"Hoàng Thị Lan{chr(97 + i)}"), actor=system)
    run()  # the first request of a process reads the working-day calendar once
    few = run()
    for i in range(30):
        _candidate(f.person(world.dept_a2, f"Hoàng Thị Mai{chr(97 + i % 26)}{i}"), actor=system)
        f.person(world.dept_a1, f"Hoàng Thị Cúc{chr(97 + i % 26)}")
    with django_assert_max_num_queries(12):  # session, user, roles; people: count, page, memberships; road: 4
        many = run()
    assert many == few


# --- the board: search, filters, download -------------------------------------------------------------------------
@pytest.fixture
def road(world, personas, pipeline_world):
    """Candidates of hospital A in two chi bộ, three of them at the dossier stage with an overdue, a near and a far
    deadline; hospital B's Yến (pipeline_world) is outside office A's scope."""
    system = personas.superuser
    helper_a2 = f.person(world.dept_a2, "Vũ Văn Hải", gender=Gender.MALE, born=D(1980, 1, 1))
    f.member(helper_a2, world.cell_a2, decision=D(2012, 5, 5))
    made = {
        "Âu Thị Thu": _candidate(
            f.person(world.dept_a1, "Âu Thị Thu"),
            actor=system,
            certificate_on=_certificate_day("overdue"),
            helper=world.an,
        ),
        "Đỗ Thị Thu": _candidate(
            f.person(world.dept_a1, "Đỗ Thị Thu"), actor=system, certificate_on=_certificate_day("ok"), helper=world.an
        ),
        "Trần Thị Thư": _candidate(
            f.person(world.dept_a2, "Trần Thị Thư"),
            actor=system,
            certificate_on=_certificate_day("soon"),
            helper=helper_a2,
        ),
    }
    made["Trần Thị Bình"] = pipeline_world.bình
    made["Đặng Văn Khoa"] = pipeline_world.khoa
    return made


def _names(response) -> list[str]:
    return [i.candidate.person.full_name for i in response.context["page"].object_list]


def test_the_board_finds_a_name_without_diacritics_across_stages(login, personas, road):
    client = login(personas.office_a)
    response = client.get(reverse("pipeline_board"), {"q": "thi thu"})
    assert sorted(_names(response)) == sorted(["Âu Thị Thu", "Đỗ Thị Thu", "Trần Thị Thư"])
    # the stage boxes count the matches only, and keep the search in their links
    counts = dict((s.value, n) for s, n in response.context["columns"])
    assert counts[Stage.DOSSIER] == 3 and counts[Stage.SOURCE] == 0
    assert "q=thi+thu&amp;giai-doan=dossier" in response.content.decode()


def test_the_board_filters_combine(login, personas, road, world):
    client = login(personas.office_a)
    board = reverse("pipeline_board")
    response = client.get(board, {"q": "thi thu", "to-chuc": world.cell_a1.code, "giai-doan": Stage.DOSSIER})
    assert sorted(_names(response)) == ["Âu Thị Thu", "Đỗ Thị Thu"]
    response = client.get(board, {"to-chuc": world.cell_a1.code, "giai-doan": Stage.SOURCE})
    assert _names(response) == ["Trần Thị Bình"]
    # a chi bộ outside the scope is not a filter but a 404, as its page would be
    assert client.get(board, {"to-chuc": world.cell_b1.code}).status_code == 404
    # the chi bộ choice offers the scope's organisations only
    codes = [code for code, _label in response.context["org_choices"]]
    assert world.cell_a1.code in codes and world.cell_b1.code not in codes
    # one chi bộ in scope: nothing to choose
    assert not login(personas.secretary_a1).get(board).context["org_choices"]


def test_the_chi_bo_choice_follows_a_rename_at_once(login, personas, world):
    """The filter's options are remembered per process (web.views.pipeline._indented), keyed by the rows read: a
    renamed chi bộ shows its new name on the next page, in every process."""
    client = login(personas.office_a)
    board, before = reverse("pipeline_board"), world.cell_a1.name
    assert f">{before}</option>" in client.get(board).content.decode().replace("\u00a0", "")
    organizations.rename(world.cell_a1, "Chi bộ Khoa Hồi sức", on=today(), actor=personas.office_a)
    page = client.get(board).content.decode().replace("\u00a0", "")
    assert ">Chi bộ Khoa Hồi sức</option>" in page and f">{before}</option>" not in page


def test_the_board_filter_lists_the_scope_indented_escaped_and_chosen_in_the_same_queries(login, personas, road, world):
    """Issue #14: the chi bộ choice is written as <option>s in Python (1,400 of them for a province office cost more
    than the rest of the board through the template engine); what it shows is unchanged, and its cost in queries
    does not grow with the organisations listed."""
    world.cell_a1.name = "Chi bộ Nội <1> & Ngoại"
    world.cell_a1.save()
    client = login(personas.office_a)
    board = reverse("pipeline_board")
    query = {"to-chuc": world.cell_a1.code, "giai-doan": Stage.DOSSIER}

    def queries_and_page():
        client.get(board, query)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(board, query).content.decode()
        return len(queries), page

    few, page = queries_and_page()
    options = page.count("<option value=")
    chosen = f'<option value="{world.cell_a1.code}" selected>\u00a0\u00a0Chi bộ Nội &lt;1&gt; &amp; Ngoại</option>'
    assert chosen in page and f'<option value="{world.hospital_a.code}">Đảng bộ' in page
    assert page.count(" selected>") == 1 and world.cell_b1.code not in page
    assert f"<td>{Stage.DOSSIER.label}</td>" in page  # the stage's name in each row (the stage_label filter)
    for n in range(30):
        f.org(f"BVA-T{n:02d}", f"Chi bộ Tổ {n}", OrgKind.CELL, world.hospital_a)
    many, page = queries_and_page()
    assert page.count("<option value=") == options + 30 and "Chi bộ Tổ 29" in page
    # session, user, roles, the chi bộ chosen, stage counts, page count, the page, step dates, the organisations
    assert many == few == 9


def test_the_board_downloads_in_the_offices_order_with_its_filters(login, personas, road, world):
    client = login(personas.office_a)
    board = reverse("pipeline_board")
    rows = _csv(client.get(board, {"xuat": "csv"}))
    assert rows[0] == [
        "Khoa / phòng",
        "Chi bộ",
        "Họ và tên",
        "Giai đoạn",
        "Việc tiếp theo",
        "Hạn",
        "Tình trạng",
        "Căn cứ",
    ]
    # khoa/phòng (Khoa Ngoại before Khoa Nội) → chi bộ → name (given name first: Bình, Khoa, Thu, Thư)
    assert [r[2] for r in rows[1:]] == ["Đặng Văn Khoa", "Trần Thị Thư", "Trần Thị Bình", "Âu Thị Thu", "Đỗ Thị Thu"]
    thu = next(r for r in rows if r[2] == "Âu Thị Thu")
    expires = eligibility.certificate_expires_on(_certificate_day("overdue"))
    assert thu[3] == "Hoàn thiện hồ sơ" and thu[5] == expires.isoformat() and thu[6] == "Quá hạn"
    # the rule with its source
    assert thu[7].startswith("Chi bộ phải họp xét khi giấy chứng nhận CN-NTVĐ còn giá trị (60 tháng) — HD 01-HD/TW")
    # the filters apply to the file as to the screen
    rows = _csv(client.get(board, {"xuat": "csv", "q": "thi thu", "to-chuc": world.cell_a1.code}))
    assert [r[2] for r in rows[1:]] == ["Âu Thị Thu", "Đỗ Thị Thu"]
    xlsx = client.get(board, {"xuat": "xlsx", "q": "thi thu"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    assert _xlsx_names(xlsx) == ["Trần Thị Thư", "Âu Thị Thu", "Đỗ Thị Thu"]
    # the page's download links carry the filters
    body = client.get(board, {"q": "thi thu", "to-chuc": world.cell_a1.code}).content.decode()
    assert f"?q=thi+thu&amp;to-chuc={world.cell_a1.code}&amp;xuat=csv" in body


def test_the_board_download_of_a_closed_stage_and_of_nobody_elses(login, personas, road, world, pipeline_world):
    domain.transition(road["Đỗ Thị Thu"], "withdraw", actor=personas.superuser, data={"on": today(), "reason": "Nghỉ"})
    client = login(personas.office_a)
    rows = _csv(client.get(reverse("pipeline_board"), {"xuat": "csv", "giai-doan": Stage.WITHDRAWN}))
    assert [r[2:5] for r in rows[1:]] == [["Đỗ Thị Thu", "Dừng theo dõi", ""]]
    # hospital B's candidate is in no one's file but hospital B's; an overseer gets no file at all
    everyone = [r[2] for r in _csv(client.get(reverse("pipeline_board"), {"xuat": "csv"}))]
    assert pipeline_world.yen.person.full_name not in everyone
    assert login(personas.overseer).get(reverse("pipeline_board"), {"xuat": "csv"}).status_code == 403
    assert login(personas.overseer).get(reverse("due_list"), {"xuat": "xlsx"}).status_code == 403


def test_the_board_download_costs_a_bounded_number_of_queries(login, personas, road, world):
    client = login(personas.office_a)

    def run():
        with CaptureQueriesContext(connection) as queries:
            _csv(client.get(reverse("pipeline_board"), {"xuat": "csv"}))
        return len(queries)

    few = run()
    for i in range(12):
        _candidate(
            f.person(world.dept_a1 if i % 2 else world.dept_a2, f"Lý Thị Hoa{chr(97 + i)}"), actor=personas.superuser
        )
    assert run() == few


# --- the due list: search and filters -------------------------------------------------------------------------------
def test_the_due_list_filters_by_urgency_name_chi_bo_and_stage_together(login, personas, road, world):
    client = login(personas.office_a)
    due_list = reverse("due_list")
    assert _names(client.get(due_list, {"han": "qua-han"})) == ["Âu Thị Thu"]
    assert _names(client.get(due_list, {"han": "sap-den-han"})) == ["Trần Thị Thư"]
    assert _names(client.get(due_list, {"han": "con-han"})) == ["Đỗ Thị Thu"]
    assert _names(client.get(due_list, {"q": "dang van khoa"})) == ["Đặng Văn Khoa"]
    assert _names(client.get(due_list, {"giai-doan": Stage.SOURCE, "to-chuc": world.cell_a2.code})) == ["Đặng Văn Khoa"]
    combined = client.get(due_list, {"q": "thi thu", "to-chuc": world.cell_a1.code, "han": "con-han"})
    assert _names(combined) == ["Đỗ Thị Thu"]
    # the badges count what the other filters keep, and a badge tapped again lets go of the urgency
    assert combined.context["counts"] == {"overdue": 1, "soon": 0, "ok": 1, "none": 0}
    body = combined.content.decode()
    assert f'href="?q=thi+thu&amp;to-chuc={world.cell_a1.code}" aria-current="true"' in body
    # the download follows the filters
    rows = _csv(client.get(due_list, {"q": "thi thu", "han": "qua-han", "xuat": "csv"}))
    assert [r[2] for r in rows[1:]] == ["Âu Thị Thu"]
    # nobody else's candidate answers a search
    assert _names(client.get(due_list, {"q": "vo thi yen"})) == []


def test_the_due_list_keeps_its_filters_through_the_pages_and_its_download_order(login, personas, world, road):
    system = personas.superuser
    for i in range(52):
        _candidate(f.person(world.dept_a1, f"Phan Thị Nga{chr(97 + i % 26)}{chr(97 + i // 26)}"), actor=system)
    client = login(personas.office_a)
    first = client.get(reverse("due_list"), {"q": "phan thi", "to-chuc": world.cell_a1.code})
    assert first.context["page"].paginator.count == 52
    assert f'href="?q=phan+thi&amp;to-chuc={world.cell_a1.code}&amp;trang=2"' in first.content.decode()
    second = client.get(reverse("due_list"), {"q": "phan thi", "to-chuc": world.cell_a1.code, "trang": 2})
    assert len(_names(second)) == 2 and all(n.startswith("Phan Thị") for n in _names(second))
    # the download: khoa/phòng → chi bộ → name, whatever the order on screen (urgency first)
    rows = _csv(client.get(reverse("due_list"), {"xuat": "csv", "q": "thi thu"}))
    assert [r[2] for r in rows[1:]] == ["Trần Thị Thư", "Âu Thị Thu", "Đỗ Thị Thu"]


def test_the_due_list_and_board_query_counts_do_not_grow_with_filters_and_rows(login, personas, road, world):
    client = login(personas.office_a)
    query = {"q": "thi", "to-chuc": world.hospital_a.code}

    def run(url, params):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, params)
        return len(queries), len(response.context["page"].object_list)

    due_before, board_before = run(reverse("due_list"), query), run(reverse("pipeline_board"), {"q": "thi"})
    assert due_before[1] == board_before[1] == 4  # Bình, Thu, Thu, Thư
    for i in range(15):
        _candidate(f.person(world.dept_a2, f"Lò Thị Hương{chr(97 + i)}"), actor=personas.superuser)
    assert run(reverse("due_list"), query) == (due_before[0], 19)
    assert run(reverse("pipeline_board"), {"q": "thi"}) == (board_before[0], 19)


def test_only_those_i_help_combines_with_the_name(login, personas, road, world):
    world.an.user = personas.secretary_a1  # An helps Âu Thị Thu and Đỗ Thị Thu (the road fixture's helper in A1)
    world.an.save()
    client = login(personas.secretary_a1)
    assert sorted(_names(client.get(reverse("due_list"), {"cua-toi": "1"}))) == ["Âu Thị Thu", "Đỗ Thị Thu"]
    response = client.get(reverse("due_list"), {"cua-toi": "1", "q": "do thi"})
    assert _names(response) == ["Đỗ Thị Thu"]
    # leaving "only those I help" keeps the name searched
    assert 'href="?q=do+thi">Tất cả trong phạm vi</a>' in response.content.decode()


# --- a phone, in a real browser ------------------------------------------------------------------------------------
@pytest.mark.browser
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_header_search_is_one_tap_away_on_a_phone_and_nothing_scrolls_sideways(page, live_server, world, personas):
    from tests.test_browser_pipeline import log_in

    system = f.user("he-thong", superuser=True)
    f.person(world.dept_a1, "Nguyễn Thị Bình", born=D(1985, 7, 8))
    _candidate(f.person(world.dept_a1, "Nguyễn Thị Bình Minh Phương", born=D(1990, 2, 3)), actor=system)
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, live_server, "vp.a")  # an office: the chi bộ choice is there too
    # the board and the due list, searched and filtered, fit the width
    for url in ("/ung-vien/?q=nguyen+thi+binh", "/viec-can-lam/?q=nguyen&han=con-han"):
        page.goto(live_server.url + url)
        assert page.locator("form.filters select[name=to-chuc]").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= 390, url
    page.goto(f"{live_server.url}/viec-can-lam/")
    # the field would crowd the folded header: a phone gets a link in it, visible without opening the menu
    assert page.locator(".topsearch").is_hidden()
    link = page.locator(".topbar .topsearch-link")
    box = link.bounding_box()
    assert link.is_visible() and box["x"] + box["width"] <= 390 and box["height"] >= 24
    link.click()
    assert page.url.endswith("/tim-kiem/")
    page.fill("main input[type=search]", "nguyen thi binh")
    page.press("main input[type=search]", "Enter")
    page.wait_for_selector(".found-candidates .who")
    assert page.locator(".found-candidates .who").all_inner_texts() == ["Nguyễn Thị Bình Minh Phương"]
    assert page.locator("table.found-people tbody tr").count() == 2
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # on a desk the field is in the header itself
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".topsearch-link").is_hidden()
    page.fill(".topsearch input", "nguyen thi binh minh")
    page.press(".topsearch input", "Enter")
    page.wait_for_selector("table.found-people")
    assert page.locator("table.found-people tbody tr").count() == 1
