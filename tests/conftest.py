"""Shared fixtures: a small province with two hospitals, and the personas of ketnap's tests.

Personas (style.md, after healthchecks): an office user of hospital A, a secretary of cell A1, an outsider
secretary of hospital B's cell who must see nothing of A, an overseer who must see no names, and a superuser.
"""

import datetime as dt
import logging
import os
import shutil
from dataclasses import dataclass

import pytest

from ketnap.accounts.models import RoleKind
from ketnap.registry.enums import Gender, MembershipStatus, OrgKind
from tests import factories as f
from tests.replay import replayed

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API with live_server


# --- a real browser: Debian's chromium driven by Playwright (never `playwright install`) ---------------------
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


@pytest.fixture
def page():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("chromium is missing on CI: scripts/test.sh must install it")
        pytest.skip("chromium is not installed (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        # an English-language browser, as on many hospital PCs: the interface must stay Vietnamese
        context = browser.new_context(locale="en-US", viewport={"width": 1280, "height": 900})
        yield context.new_page()
        context.close()
        browser.close()


@pytest.fixture(autouse=True, scope="session")
def _static_files_from_their_sources():
    """Nothing is collected before the tests: whitenoise serves the static files from the apps' folders, as it does
    with KETNAP_DEBUG (it reads the setting when a client's middleware is made, inside this override)."""
    from django.test import override_settings

    with override_settings(WHITENOISE_USE_FINDERS=True):
        yield


@pytest.fixture(autouse=True)
def _kept_counts_pruned_at_first_keep():
    """stats.kept_counts prunes old rows at the first keep of a day in a process: each test is such a first, so that
    its query count does not depend on which tests its worker ran before."""
    from ketnap.stats import kept_counts

    kept_counts._pruned_on = None


@pytest.fixture(autouse=True)
def _fail_on_logged_errors(caplog):
    """A test that made the product log an error fails, even if its assertions passed (ephios' rule)."""
    yield
    errors = [
        r for r in caplog.get_records("call") if r.levelno >= logging.ERROR and not r.name.startswith("django.request")
    ]
    assert not errors, [r.getMessage() for r in errors]


@dataclass
class World:
    province: object
    upper: object
    hospital_a: object
    cell_a1: object
    cell_a2: object
    hospital_b: object
    cell_b1: object
    unit_a: object
    dept_a1: object
    dept_a2: object
    unit_b: object
    dept_b1: object
    an: object  # Nguyễn Văn An, official member of A1
    binh: object  # Trần Thị Bình, non-member in A1's department
    dung: object  # Lê Văn Dũng, probationary member of A2
    outsider: object  # Phạm Thị Xuyến, member in hospital B (outside A)


@pytest.fixture
@replayed
def world(db) -> World:
    province = f.org("TU", "Đảng bộ tỉnh Thử Nghiệm", OrgKind.PROVINCE)
    upper = f.org("SYT", "Đảng bộ Sở Y tế", OrgKind.UPPER, province)
    hospital_a = f.org("BVA", "Đảng bộ Bệnh viện A", OrgKind.BASE_COMMITTEE, upper)
    cell_a1 = f.org("BVA-NOI", "Chi bộ Khoa Nội", OrgKind.CELL, hospital_a)
    cell_a2 = f.org("BVA-NGOAI", "Chi bộ Khoa Ngoại", OrgKind.CELL, hospital_a)
    hospital_b = f.org("BVB", "Đảng bộ Bệnh viện B", OrgKind.BASE_COMMITTEE, upper)
    cell_b1 = f.org("BVB-SAN", "Chi bộ Khoa Sản", OrgKind.CELL, hospital_b)
    unit_a = f.unit("UA", "Bệnh viện A")
    dept_a1 = f.unit("UA-NOI", "Khoa Nội", unit_a, covered_by=cell_a1)
    dept_a2 = f.unit("UA-NGOAI", "Khoa Ngoại", unit_a, covered_by=cell_a2)
    unit_b = f.unit("UB", "Bệnh viện B")
    dept_b1 = f.unit("UB-SAN", "Khoa Sản", unit_b, covered_by=cell_b1)
    an = f.person(dept_a1, "Nguyễn Văn An", gender=Gender.MALE, job_title="Trưởng khoa")
    binh = f.person(dept_a1, "Trần Thị Bình")
    dung = f.person(dept_a2, "Lê Văn Dũng", gender=Gender.MALE)
    outsider = f.person(dept_b1, "Phạm Thị Xuyến")
    f.member(an, cell_a1)
    f.member(dung, cell_a2, status=MembershipStatus.PROBATIONARY)
    f.member(outsider, cell_b1)
    return World(
        province,
        upper,
        hospital_a,
        cell_a1,
        cell_a2,
        hospital_b,
        cell_b1,
        unit_a,
        dept_a1,
        dept_a2,
        unit_b,
        dept_b1,
        an,
        binh,
        dung,
        outsider,
    )


@dataclass
class Personas:
    office_a: object
    secretary_a1: object
    secretary_b1: object
    overseer: object
    admin_a: object
    superuser: object


@pytest.fixture
@replayed
def personas(world) -> Personas:
    return Personas(
        office_a=f.user("vp.a", (RoleKind.OFFICE, world.hospital_a)),
        secretary_a1=f.user("bithu.a1", (RoleKind.SECRETARY, world.cell_a1)),
        secretary_b1=f.user("bithu.b1", (RoleKind.SECRETARY, world.cell_b1)),
        overseer=f.user("giamsat", (RoleKind.OVERSEER, world.upper)),
        admin_a=f.user("quantri.a", (RoleKind.ADMIN, world.hospital_a)),
        superuser=f.user("root", superuser=True),
    )


@pytest.fixture
def login(client):
    def as_(user):
        client.force_login(user)
        return client

    return as_


@pytest.fixture
@replayed
def cell(world):
    """Cell A1 with enough official members to introduce, help and vote (An plus three more); Bình has finished
    upper secondary school (the education condition)."""
    from ketnap.registry.models import CodeItem

    members = [world.an]
    for name in ("Hoàng Văn Cường", "Phạm Thị Dung", "Vũ Văn Giang"):
        person = f.person(world.dept_a1, name, born=dt.date(1980, 3, 3))
        f.member(person, world.cell_a1, decision=dt.date(2012, 5, 5))
        members.append(person)
    world.binh.general_education = CodeItem.objects.get(kind="general_education", code="thpt")
    world.binh.save()
    return members


@pytest.fixture
def road_world(world, personas, cell):
    """For the random-history tests of the kept rows (test_kept_rows, test_due_kept): Bình and three more non-members
    in chi bộ A1/A2/B1 (persons), and their departments; Dũng (probationary in A2) can be adopted."""
    others = [
        f.person(world.dept_a1, "Đỗ Thị Hạnh", born=dt.date(1995, 1, 1)),
        f.person(world.dept_a2, "Ngô Văn Lực", born=dt.date(1994, 2, 2)),
        f.person(world.dept_b1, "Bùi Thị Mai", born=dt.date(1996, 3, 3)),
    ]
    return [world.binh, *others], [world.dept_a1, world.dept_a2, world.dept_b1]


@dataclass
class PipelineWorld:
    bình: object  # candidate: Trần Thị Bình (cell A1)
    khoa: object  # candidate: Đặng Văn Khoa (cell A2)
    yen: object  # candidate: Võ Thị Yến (cell B1, hospital B)
    scans: dict  # candidate pk -> a scanned dossier paper


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def pipeline_world(world, settings, tmp_path) -> PipelineWorld:
    settings.MEDIA_ROOT = tmp_path / "media"
    return _pipeline_world(world=world)


@replayed
def _pipeline_world(world) -> PipelineWorld:
    """The candidates and their scans (written under MEDIA_ROOT, which the fixture sets: a replay writes them too)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from ketnap.pipeline import domain
    from ketnap.pipeline.enums import DocumentKind

    system = f.user("he-thong", superuser=True)
    khoa = f.person(world.dept_a2, "Đặng Văn Khoa", gender=Gender.MALE, born=dt.date(1996, 4, 2))
    yen = f.person(world.dept_b1, "Võ Thị Yến", born=dt.date(1997, 8, 9))
    candidates = [domain.create_candidate(p, actor=system, on=dt.date(2024, 1, 8)) for p in (world.binh, khoa, yen)]
    scans = {}
    for candidate in candidates:
        upload = SimpleUploadedFile("don.pdf", PDF, content_type="application/pdf")
        scans[candidate.pk] = domain.receive_document(
            candidate, DocumentKind.APPLICATION, actor=system, on=dt.date(2024, 2, 1), scan=upload
        )
    return PipelineWorld(*candidates, scans)


@pytest.fixture
def mentor(world, pipeline_world):
    """An (an official member of A1) signs in without any role, helping Bình since 01/03/2024: a mentor's own page."""
    from ketnap.pipeline.enums import HelperRole
    from ketnap.pipeline.models import Helper
    from ketnap.registry.models import Person

    user = f.user("dvgiupdo")
    Person.objects.filter(pk=world.an.pk).update(user=user)
    Helper.objects.create(
        candidate=pipeline_world.bình, member=world.an, role=HelperRole.MENTOR, since=dt.date(2024, 3, 1)
    )
    return user


@pytest.fixture
def candidate_user(world, pipeline_world):
    """Bình herself has a login (she is on the road to the Party)."""
    from ketnap.registry.models import Person

    user = f.user("binh")
    Person.objects.filter(pk=world.binh.pk).update(user=user)
    return user


@pytest.fixture
@replayed
def meeting(world, personas, cell):
    """Chi bộ A1: Bình probationary since 10/08/2023 (her 12 months long over, every recognition paper in); Lan's
    dossier complete; Hùng has his certificate and nothing else; Minh is on the source list."""
    from ketnap.pipeline import domain
    from ketnap.pipeline.enums import RECOGNITION_DOCUMENTS
    from ketnap.registry.models import CodeItem
    from tests.factories import step, walk_to_decision, walk_to_dossier

    D = dt.date
    office = personas.office_a
    thpt = CodeItem.objects.get(kind="general_education", code="thpt")
    binh = walk_to_decision(
        world, office, cell, received_on=D(2023, 7, 25), document_number="45-QĐ/ĐU", issuer="Đảng ủy Sở Y tế"
    )
    step(binh, "ceremony", office, on=D(2023, 8, 10), mentor=cell[1])
    for kind in RECOGNITION_DOCUMENTS:
        domain.receive_document(binh, kind, actor=office, on=D(2024, 8, 12))
    people = {
        name: f.person(world.dept_a1, name, born=D(1995, 3, 3), general_education=thpt)
        for name in ("Hà Thị Lan", "Đỗ Văn Hùng", "Vũ Thị Minh")
    }
    roads = {name: domain.create_candidate(p, actor=office, on=D(2023, 1, 5)) for name, p in people.items()}
    walk_to_dossier(roads["Hà Thị Lan"], office, cell)
    step(roads["Đỗ Văn Hùng"], "sympathise", office, on=D(2023, 2, 1), helpers=cell[:1], document_number="13")
    step(roads["Đỗ Văn Hùng"], "certificate", office, on=D(2023, 4, 1), document_number="CN-89", issuer="TTCT")
    return {"Trần Thị Bình": binh, **roads}


def restore_migrated_state() -> None:
    """Empty the test database after module-scoped data (the demo) and put back what the migrations left.

    When the test database kept a copy of that state (some collected test uses serialized_rollback) it is put back
    exactly, content type ids included, so those tests' own restore does not collide; else the code lists are
    reloaded (the only data the migrations add that tests rely on)."""
    from django.core.management import call_command
    from django.db import connection

    serialized = getattr(connection, "_test_serialized_contents", None)
    call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=serialized is not None)
    if serialized is not None:
        connection.creation.deserialize_db_from_string(serialized)
    else:
        from django.db.migrations.loader import MigrationLoader

        from ketnap.registry import codelists

        # the migrations' own model, as they load it: the live CodeItem would be audited, and a test counting audit
        # entries (tests/test_audit_chain.py) would find 140 it did not write, sealed with another data dir's key
        codelists.load(MigrationLoader(connection).project_state().apps.get_model("registry", "CodeItem"))


# --- the application's "today" --------------------------------------------------------------------------------------
def pin_today(patch: pytest.MonkeyPatch, day: dt.date) -> None:
    """Make `day` the application's today: registry.services.dates.today() and every timezone.localdate() asked for
    the current day. A test whose outcome depends on the day pins it, so that it passes in 2029 as it does today."""
    from django.utils import timezone

    real = timezone.localdate

    def localdate(value=None, timezone=None):
        return day if value is None else real(value, timezone)  # a given instant is converted as ever

    patch.setattr(timezone, "localdate", localdate)


@pytest.fixture(autouse=True)
def _today_of_the_marker(request, monkeypatch):
    """`@pytest.mark.today(dt.date(…))` on a test (or `pytestmark` on a module) pins its day before its fixtures make
    any data (autouse fixtures come first)."""
    marker = request.node.get_closest_marker("today")
    if marker is not None:
        pin_today(monkeypatch, *marker.args)


# --- the demo province, built once per session (per xdist worker) --------------------------------------------------
DEMO_TODAY = dt.date(2026, 11, 24)


@dataclass
class Demo:
    output: str  # what `ketnap demo` printed
    summary: dict  # demo.generator.build's counts


class _DemoDatabase:
    """The demo takes half a minute to build: it is loaded into the test database once and kept while the tests that
    read it run. They are collected last (pytest_collection_modifyitems below) and each runs in a transaction rolled
    back after it, so none sees another's writes. Whatever the order (-k, a plugin that shuffles), the migrated state
    is put back before a test that does not read the demo, and the demo loaded again before one that does: no test
    sees data it did not ask for. Nothing here depends on the database's engine. A test on the demo must not be
    transactional (django_db(transaction=True) empties the database after it)."""

    def __init__(self):
        self.loaded: Demo | None = None
        self.blocker = None  # pytest-django's django_db_blocker, once the test database exists

    def load(self) -> None:
        if self.loaded is None:
            with self.blocker.unblock():
                restore_migrated_state()  # a transactional test before leaves the database empty, code lists too
                self.loaded = _build_demo()

    def unload(self) -> None:
        if self.loaded is not None:
            with self.blocker.unblock():
                restore_migrated_state()
            self.loaded = None


_demo = _DemoDatabase()


def _build_demo() -> Demo:
    """`ketnap demo --seed 2026 --today 24/11/2026` on that day (the build reads the application's today too)."""
    from io import StringIO

    from django.core.management import call_command

    from ketnap.demo import generator

    built = {}
    real_build = generator.build

    def build(**kwargs):  # the command prints the counts; the tests want them as numbers
        built.update(real_build(**kwargs))
        return built

    out = StringIO()
    with pytest.MonkeyPatch.context() as patch:
        pin_today(patch, DEMO_TODAY)
        patch.setattr(generator, "build", build)
        call_command("demo", "--seed", "2026", "--today", DEMO_TODAY.strftime("%d/%m/%Y"), stdout=out)
    return Demo(out.getvalue(), built)


@pytest.fixture(scope="session")
def _demo_database(django_db_setup, django_db_blocker):
    _demo.blocker = django_db_blocker
    _demo.load()  # a session fixture: set up before the first test's transaction begins
    yield _demo
    _demo.unload()  # a database kept with --reuse-db starts the next run empty


@pytest.fixture
def demo(_demo_database, monkeypatch) -> Demo:
    """The demo province as `ketnap demo --seed 2026 --today 24/11/2026` loads it; the application's today is that
    day."""
    pin_today(monkeypatch, DEMO_TODAY)
    return _demo_database.loaded


def _reads_demo(item) -> bool:
    return "demo" in getattr(item, "fixturenames", ())


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests on the demo last (a stable sort after pytest-django's), so that a worker builds it once."""
    items.sort(key=_reads_demo)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    """Load the demo again for a test that reads it after one that did not, before the test's fixtures begin its
    transaction (a load inside it would be rolled back). The first load is _demo_database's."""
    if _reads_demo(item) and _demo.blocker is not None:
        _demo.load()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """Put back the migrated state, once the test's transaction is rolled back, before a test that does not read the
    demo."""
    result = yield
    if nextitem is not None and not _reads_demo(nextitem):
        _demo.unload()
    return result
