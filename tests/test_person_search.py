"""Indexed person search (issue #14, ketnap.registry.search) and keyset pages (ketnap.web.paging).

What search finds is the same whichever way the database answers: the FTS5 index (a large scope on SQLite), the
word-by-word test of a small scope (SQLite) or the trigram-indexed LIKE patterns (PostgreSQL). The `strategy` fixture
runs each semantics test both ways on SQLite (on PostgreSQL both runs take the one way there is) by moving the
threshold between them, the one knob the module has.
"""

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketnap import vietnamese
from ketnap.accounts.models import RoleKind
from ketnap.audit.context import SYSTEM
from ketnap.registry import search
from ketnap.registry.models import Person
from ketnap.registry.search import matching
from ketnap.registry.services import people, retention
from ketnap.scope import Scope
from tests import factories as f
from tests.replay import replayed
from tests.test_imports import ROWS, run, write_xlsx

SQLITE = connection.vendor == "sqlite"


@pytest.fixture(params=["index", "scan"])
def strategy(request, monkeypatch):
    """'index': every scope counts as large (FTS5 on SQLite); 'scan': every scope as small (word by word)."""
    monkeypatch.setattr(search, "NARROW_FIRST_BELOW", 0 if request.param == "index" else 10**9)
    return request.param


@pytest.fixture
def names(world):
    """A few names that tell the semantics apart, in hospital A's Khoa Nội (with the world's An, Bình, Dũng)."""
    made = {}
    for full in ("Nguyễn Văn Anh", "Trần Thị Lan", "Hoàng Văn Hoàn", "Đặng Thị Loan", "Lê Nguyên Thảo"):
        made[full] = f.person(world.dept_a1, full)
    return made


def found(queryset, text) -> list[str]:
    return sorted(p.full_name for p in matching(queryset, text))


def assert_index_consistent():
    if SQLITE:
        assert search.index_is_consistent()


# --- what finds whom ------------------------------------------------------------------------------------------------
def test_words_are_folded_and_split_at_anything_but_letters_and_digits():
    assert vietnamese.words("  Nguyễn-Văn  ĐẶNG Ân. ") == ["nguyen", "van", "dang", "an"]
    assert vietnamese.words("BVĐK-T-0001") == ["bvdk", "t", "0001"]
    assert vietnamese.words("!!! — …") == []
    assert search.indexed_text("Nguyễn Thị Ánh", "001195000001", "NV-12") == "nguyen thi anh 001195000001 nv 12"
    assert search.query_words("van VĂN an Ân nguyen") == ["van", "an", "nguyen"]  # each word once


def test_every_word_typed_begins_a_word_of_the_person_in_any_order(world, names, strategy):
    everyone = Person.objects.all()
    assert found(everyone, "ngu van") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert found(everyone, "van nguyen") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]  # any order
    assert found(everyone, "NGUYỄN văn ANH") == ["Nguyễn Văn Anh"]  # case and tones aside
    assert found(everyone, "nguyen-van an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]  # punctuation splits words
    assert found(everyone, "dang") == ["Đặng Thị Loan"]  # đ is d
    assert found(everyone, "đặng") == ["Đặng Thị Loan"]
    # "nguyen" begins Nguyên (a middle name) too: a word, wherever it stands in the name
    assert found(everyone, "nguyen thao") == ["Lê Nguyên Thảo"]
    # a word must begin a word: "guyen" is inside Nguyễn, not its beginning
    assert found(everyone, "guyen") == []


def test_a_short_word_finds_names_that_begin_with_it_not_those_that_hold_it(world, names, strategy):
    """ "an" finds An and Anh; Lan, Loan and Hoàn hold "an" inside: matching inside words would answer a two-letter
    query with most Vietnamese names (the module docstring)."""
    everyone = Person.objects.all()
    assert found(everyone, "an") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert found(everyone, "lan") == ["Trần Thị Lan"]
    assert found(everyone, "lo") == ["Đặng Thị Loan"]
    assert found(everyone, "hoan") == ["Hoàng Văn Hoàn"]  # Hoàng and Hoàn both begin with it: one person


def test_citizen_id_and_staff_code_find_their_person(world, strategy):
    person = f.person(world.dept_a1, "Vũ Thị Hạnh", citizen_id="036195001234", staff_code="BVĐK-T-0042")
    everyone = Person.objects.all()
    assert [p.pk for p in matching(everyone, "036195001234")] == [person.pk]
    assert person.pk in [p.pk for p in matching(everyone, "0361950")]  # the first digits
    assert [p.pk for p in matching(everyone, "bvdk-t-0042")] == [person.pk]
    assert [p.pk for p in matching(everyone, "BVĐK T 0042 hanh")] == [person.pk]
    assert list(matching(everyone, "195001234")) == []  # the middle of a number begins no word


def test_nothing_searchable_finds_nobody(world, strategy):
    assert list(matching(Person.objects.all(), "!!! —")) == []
    assert list(matching(Person.objects.all(), "")) == []


def test_candidates_are_searched_by_their_persons_name(world, personas, pipeline_world, strategy):
    candidates = Scope(personas.office_a).candidates()
    assert [c.pk for c in matching(candidates, "dang van", person="person")] == [pipeline_world.khoa.pk]
    assert list(matching(candidates, "vo thi yen", person="person")) == []  # hospital B's: outside the scope


# --- the scope bounds every answer -------------------------------------------------------------------------------
def test_the_scope_bounds_every_search_whatever_the_strategy(world, personas, names, strategy):
    f.person(world.dept_b1, "Nguyễn Văn Ánh")  # hospital B
    assert found(Scope(personas.secretary_b1).persons(), "nguyen van") == ["Nguyễn Văn Ánh"]
    assert found(Scope(personas.secretary_b1).persons(), world.an.citizen_id) == []
    assert found(Scope(personas.office_a).persons(), "nguyen van") == ["Nguyễn Văn An", "Nguyễn Văn Anh"]
    assert found(Scope(personas.secretary_a1).persons(), "xuyen") == []  # hospital B's Xuyến
    assert found(Scope(personas.overseer).persons(), "nguyen") == []  # figures only, never a name


def test_wide_and_narrow_scopes_select_the_same_people(world, personas, names):
    """Scope writes a province's or upper committee's scope as a join on the path (a list read in name order) and a
    grassroots one as organisations-then-people (only its own rows read): the same people either way."""
    upper_office = f.user("vp.syt", (RoleKind.OFFICE, world.upper))
    by_path = {
        user: set(Person.objects.filter(organization__path__startswith=org.path))
        for user, org in [
            (upper_office, world.upper),
            (personas.office_a, world.hospital_a),
            (personas.secretary_a1, world.cell_a1),
            (personas.secretary_b1, world.cell_b1),
        ]
    }
    for user, expected in by_path.items():
        assert set(Scope(user).persons()) == expected, user
    assert by_path[upper_office] > by_path[personas.office_a] > by_path[personas.secretary_a1]


# --- the index follows every write ------------------------------------------------------------------------------------
def test_the_index_follows_create_edit_and_delete(world):
    person = f.person(world.dept_a1, "Phùng Thị Gấm")
    assert [p.pk for p in Person.objects.search("phung gam")] == [person.pk]
    people.update_person(person, family_name="Khổng", actor=SYSTEM)
    assert list(Person.objects.search("phung gam")) == []
    assert [p.pk for p in Person.objects.search("khong gam")] == [person.pk]
    Person.objects.filter(pk=person.pk).update(given_name="Gương", search_text="khong thi guong")  # a bulk write
    assert [p.pk for p in Person.objects.search("khong guong")] == [person.pk]
    person.assignments.all().delete()
    Person.objects.filter(pk=person.pk).delete()
    assert list(Person.objects.search("khong guong")) == []
    assert_index_consistent()


def test_a_purged_person_is_found_by_no_former_name_or_number(world):
    leaver = f.person(world.dept_a1, "Đỗ Văn Cũ", staff_code="NV-77")
    citizen_id = leaver.citizen_id
    people.update_person(leaver, left_on=dt.date(2019, 6, 30), actor=SYSTEM)
    retention.purge(leaver, months=60)
    for former in ("do van cu", citizen_id, "nv 77"):
        assert list(Person.objects.search(former)) == [], former
    assert_index_consistent()


@pytest.mark.skipif(not SQLITE, reason="the FTS5 index's pages are SQLite's")
def test_after_a_purge_run_the_index_pages_no_longer_hold_the_former_words(world):
    """FTS5 marks a deleted word and keeps it in its pages until they are merged: the purge run merges them."""

    def in_index_pages(word: bytes) -> bool:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT block FROM {search.TABLE}_data")
            return any(word in bytes(block or b"") for (block,) in cursor.fetchall())

    leaver = f.person(world.dept_a1, "Đỗ Văn Xqzwtu", citizen_id="079187654321")
    people.update_person(leaver, left_on=dt.date(2019, 6, 30), actor=SYSTEM)
    assert in_index_pages(b"xqzwtu") and in_index_pages(b"079187654321")
    assert [p.person_id for p in retention.purge_expired(on=dt.date(2026, 12, 1), months=60)] == [leaver.pk]
    assert not in_index_pages(b"xqzwtu") and not in_index_pages(b"079187654321")
    assert list(Person.objects.search("xqzwtu")) == []
    assert_index_consistent()


def test_the_index_follows_an_import_of_a_roster(world, tmp_path):
    """The importer writes with bulk_create and bulk_update (no save(), no signal)."""
    assert run("staff", write_xlsx(tmp_path / "a.xlsx", ROWS), "--org", "BVA")[0] == 0
    assert [p.staff_code for p in Person.objects.search("nguyen thi hoa")] == ["NV001"]
    rows = [list(r) for r in ROWS]
    rows[0][1] = "Nguyễn Thị Hoà Bình"  # renamed, matched by CCCD
    assert run("staff", write_xlsx(tmp_path / "b.xlsx", rows), "--org", "BVA", "--accept-identity-changes")[0] == 0
    assert [p.staff_code for p in Person.objects.search("nguyen thi hoa binh")] == ["NV001"]
    assert [p.staff_code for p in Person.objects.search("tran bao long")] == ["NV002"]
    assert_index_consistent()


@pytest.mark.skipif(not SQLITE, reason="the FTS5 table and its triggers are SQLite's")
def test_migrate_puts_back_triggers_a_table_rebuild_dropped(world, monkeypatch):
    """On SQLite, Django alters a column by rebuilding the table, which drops its triggers: every migrate ends with
    ensure_index, which puts them back and refills the index from the table as it is."""
    monkeypatch.setattr(search, "NARROW_FIRST_BELOW", 0)  # the index answers, not the table
    with connection.cursor() as cursor:
        for name in search.TRIGGERS:
            cursor.execute(f"DROP TRIGGER {name}")
    Person.objects.filter(pk=world.binh.pk).update(search_text="tran thi binh minh")  # unseen by the index
    assert list(Person.objects.search("binh minh")) == []
    call_command("migrate", verbosity=0)  # nothing to apply: its post_migrate step alone
    assert [p.pk for p in Person.objects.search("binh minh")] == [world.binh.pk]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'registry_person_%'")
        assert cursor.fetchone()[0] == len(search.TRIGGERS)
    assert_index_consistent()


@pytest.mark.skipif(SQLITE, reason="pg_trgm is PostgreSQL's")
def test_postgresql_answers_a_search_with_the_trigram_index(world, names):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            pytest.skip("pg_trgm could not be created on this server: searches scan (migration 0010)")
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname = %s", [search.TRIGRAM_INDEX])
        assert cursor.fetchone() is not None
        sql, params = matching(Person.objects.all(), "ngu van").order_by().values("pk").query.sql_with_params()
        # a small table: ask whether the trigram index can answer at all (a bitmap scan is all that is left)
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert search.TRIGRAM_INDEX in plan, plan


# --- the pages: the header's search, the person list -----------------------------------------------------------------
def test_a_search_costs_the_same_queries_for_a_chi_bo_and_a_hospital(login, personas, world, names):
    def queries(user, text):
        client = login(user)
        client.get(reverse("person_list"), {"q": text})  # warm: the first request of a session
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("person_list"), {"q": text})
        return len(captured), response.context["page"].count

    few = queries(personas.secretary_a1, "nguyen van")
    for i in range(60):
        f.person(world.dept_a2, f"Nguyễn Văn Tâm{chr(97 + i % 26)}")
    assert queries(personas.office_a, "nguyen van") == (few[0], 62)


# --- keyset pages -----------------------------------------------------------------------------------------------------
def _follow(client, url, params=None, key="next"):
    """Every page from the first by the pages' own links: [(ids, page)]."""
    response = client.get(url, params or {})
    pages = [response]
    while key in response.context["page"].links:
        response = client.get(f"{url}?{response.context['page'].links[key]}")
        pages.append(response)
    return pages


@pytest.fixture
@replayed
def namesakes(world):
    """120 people with one and the same name, in the two chi bộ of hospital A: only the id orders them."""
    return [f.person(world.dept_a1 if i % 2 else world.dept_a2, "Phan Văn Ý") for i in range(120)]


def test_the_person_list_pages_through_namesakes_each_once_in_order(login, personas, world, namesakes):
    client = login(personas.office_a)
    pages = _follow(client, reverse("person_list"))
    shown = [p.pk for response in pages for p in response.context["page"]]
    expected = list(Person.objects.filter(organization__path__startswith=world.hospital_a.path).current())
    expected.sort(key=lambda p: (p.sort_key, p.pk))
    assert shown == [p.pk for p in expected]  # each once, in (name, id) order: 3 + 120 people, 3 pages
    assert [len(r.context["page"]) for r in pages] == [50, 50, 23]
    assert [r.context["page"].start_index for r in pages] == [1, 51, 101]
    body = pages[1].content.decode()
    assert "51–100 trong 123" in body and 'rel="prev"' in body and 'rel="next"' in body
    # and back: the previous links give the same pages
    back = client.get(f"{reverse('person_list')}?{pages[2].context['page'].links['previous']}")
    assert [p.pk for p in back.context["page"]] == [p.pk for p in pages[1].context["page"]]
    first = client.get(f"{reverse('person_list')}?{back.context['page'].links['previous']}")
    assert [p.pk for p in first.context["page"]] == [p.pk for p in pages[0].context["page"]]
    assert "previous" not in first.context["page"].links and first.context["page"].start_index == 1


def test_the_pages_keep_the_filters(login, personas, world, namesakes):
    for person in namesakes[:70]:
        f.member(person, person.organization)
    client = login(personas.office_a)
    pages = _follow(client, reverse("person_list"), {"q": "phan y", "loai": "dang-vien"})
    assert [len(r.context["page"]) for r in pages] == [50, 20]
    assert all(r.context["page"].count == 70 for r in pages)
    assert pages[1].context["q"] == "phan y" and pages[1].context["loai"] == "dang-vien"
    assert {p.pk for r in pages for p in r.context["page"]} == {p.pk for p in namesakes[:70]}
    # a person who leaves between two pages: the next page still starts where the last one ended
    after = pages[0].context["page"].object_list[-1]
    people.update_person(after, left_on=dt.date(2026, 1, 31), actor=SYSTEM)
    again = client.get(f"{reverse('person_list')}?{pages[0].context['page'].links['next']}")
    assert [p.pk for p in again.context["page"]] == [p.pk for p in pages[1].context["page"]]
    # the downloads and the search box carry the filters, not the page's place
    assert "sau=" not in again.context["querystring"] and "stt=" not in again.context["querystring"]


def test_a_page_link_from_outside_the_scope_starts_from_the_top(login, personas, world, namesakes):
    """An anchor is looked up among the people the user may see: someone else's id tells nothing of where that person
    would sort. Malformed, old (?trang=) and stale links start from the top too."""
    outsider_b = f.person(world.dept_b1, "Phan Văn Ý")
    client = login(personas.secretary_a1)
    top = [p.pk for p in client.get(reverse("person_list")).context["page"]]
    last = Scope(personas.secretary_a1).persons().order_by("sort_key", "pk").last()  # nothing after it
    odd = ({"sau": "abc"}, {"sau": "9" * 30}, {"trang": 2}, {"sau": last.pk})  # malformed, old, stale links
    for params in ({"sau": outsider_b.pk}, {"truoc": outsider_b.pk}, *odd):
        response = client.get(reverse("person_list"), params)
        assert response.status_code == 200
        assert [p.pk for p in response.context["page"]] == top, params


def test_a_deep_page_costs_the_queries_of_the_first(login, personas, world, namesakes):
    client = login(personas.office_a)
    pages = _follow(client, reverse("person_list"))
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("person_list"))
    with CaptureQueriesContext(connection) as deep:
        client.get(f"{reverse('person_list')}?{pages[1].context['page'].links['next']}")
    assert len(deep) == len(first) + 1  # + the anchor's place, looked up by id
    assert not any("OFFSET" in q["sql"] for q in deep.captured_queries)


def test_the_closed_stage_list_pages_by_its_links(login, personas, world, pipeline_world):
    from ketnap.pipeline import domain
    from ketnap.pipeline.enums import Stage

    system = personas.superuser
    for _ in range(55):
        candidate = domain.create_candidate(f.person(world.dept_a1, "Lò Thị Mai"), actor=system, on=dt.date(2024, 1, 8))
        domain.transition(candidate, "withdraw", actor=system, data={"on": dt.date(2024, 2, 1), "reason": "Nghỉ"})
    client = login(personas.office_a)
    pages = _follow(client, reverse("pipeline_board"), {"giai-doan": Stage.WITHDRAWN})
    shown = [i.candidate.pk for r in pages for i in r.context["page"].object_list]
    assert len(pages) == 2 and len(shown) == len(set(shown)) == 55
