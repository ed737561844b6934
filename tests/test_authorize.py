"""One convention for every write (accounts.grants): a service that changes data takes `actor=` and refuses, before it
writes anything, an actor whose roles do not reach the organisation, whoever calls it (a screen, an import, the CLI).

The walk below finds every public function of the service modules and sorts it: a write (it takes `actor`), a read,
a consequence run inside a write already authorised, or a system job. Each write is then called here as an outsider
(the secretary of hospital B's chi bộ, who reaches nothing of hospital A) and must raise PermissionDenied with
nothing written: a new service without a case here, or one that forgets authorize(), fails this file.
"""

import datetime as dt
import importlib
import inspect
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from ketnap.accounts import issuing
from ketnap.accounts.grants import Permission, authorize
from ketnap.accounts.models import RoleKind
from ketnap.audit.context import SYSTEM
from ketnap.audit.models import AuditEntry
from ketnap.pipeline import courses, domain, inquiries, meeting, notes, review
from ketnap.pipeline.enums import DocumentKind, IntroducerKind, StepKind
from ketnap.pipeline.models import CourseKind, CourseResult, InquiryKind
from ketnap.registry.enums import Gender, MembershipEventKind, MembershipStatus, OrgKind, UnitKind
from ketnap.registry.services import organizations, people, units
from ketnap.stats.models import PeriodKind
from ketnap.stats.targets import writing
from tests import factories as f

SRC = Path(__file__).resolve().parents[1] / "src" / "ketnap"

SERVICE_MODULES = (
    "ketnap.registry.services.organizations",
    "ketnap.registry.services.people",
    "ketnap.registry.services.units",
    "ketnap.registry.services.retention",
    "ketnap.pipeline.domain",
    "ketnap.pipeline.courses",
    "ketnap.pipeline.inquiries",
    "ketnap.pipeline.meeting",
    "ketnap.pipeline.notes",
    "ketnap.pipeline.review",
    "ketnap.stats.targets.writing",
    "ketnap.accounts.issuing",
)

# Public functions that write nothing.
READS = {
    "ketnap.registry.services.people": {"covering_organization", "responsible_organization"},
    "ketnap.registry.services.retention": {"cutoff", "expired", "ended_on", "coarse_birth_date"},
    "ketnap.pipeline.domain": {"preview"},
    "ketnap.pipeline.courses": {"eligible", "expires_on"},
    "ketnap.pipeline.inquiries": {"urgency", "letter_pdf"},
    "ketnap.pipeline.meeting": {"voters", "agenda"},
    "ketnap.pipeline.notes": {"plan_of", "current_helpers", "schedule", "for_candidate", "counts"},
    "ketnap.pipeline.review": {"counted_since", "pool", "counts"},
    "ketnap.stats.targets.writing": {"suggest_split"},
    "ketnap.accounts.issuing": {"one_time_password", "username_for", "refusal", "letters_pdf"},
}
# Writes that follow from a write already authorised (its signal, or a piece of it): no actor of their own.
CONSEQUENCES = {
    "ketnap.registry.services.organizations": {"set_path"},  # the path of an organisation a service just saved
    "ketnap.registry.services.people": {"refresh_organizations"},  # who a moved unit's people now belong to
    "ketnap.pipeline.domain": {"follow_person", "follow_succession"},  # registry.signals: the candidacy moves along
}
# Run by the server's own commands only (ketnap purge-expired), never from a screen, the API or an import.
SYSTEM_JOBS = {"ketnap.registry.services.retention": {"purge", "purge_expired"}}


def public_functions(module_name: str) -> dict[str, object]:
    module = importlib.import_module(module_name)
    return {
        name: obj
        for name, obj in vars(module).items()
        if inspect.isfunction(obj) and obj.__module__ == module_name and not name.startswith("_")
    }


def writes() -> set[str]:
    return {
        f"{module}.{name}"
        for module in SERVICE_MODULES
        for name, function in public_functions(module).items()
        if "actor" in inspect.signature(function).parameters
    }


def test_every_public_service_function_is_a_write_a_read_a_consequence_or_a_system_job():
    unsorted, misfiled = [], []
    for module in SERVICE_MODULES:
        known = READS.get(module, set()) | CONSEQUENCES.get(module, set()) | SYSTEM_JOBS.get(module, set())
        for name, function in public_functions(module).items():
            takes_actor = "actor" in inspect.signature(function).parameters
            if not takes_actor and name not in known:
                unsorted.append(f"{module}.{name}")
            if takes_actor and name in known:
                misfiled.append(f"{module}.{name}")
        assert known <= set(public_functions(module)), f"{module}: a listed function no longer exists"
    assert unsorted == [], "a write service takes actor= and calls accounts.grants.authorize"
    assert misfiled == []


def test_the_actor_of_a_write_is_required():
    """No default: a caller that forgets the actor gets a TypeError, not the system's powers."""
    defaulted = []
    for qualified in writes():
        module, name = qualified.rsplit(".", 1)
        if inspect.signature(public_functions(module)[name]).parameters["actor"].default is not inspect.Parameter.empty:
            defaulted.append(qualified)
    assert defaulted == []


def test_system_jobs_are_called_by_no_screen_api_or_import():
    callers = []
    for package in ("web", "api", "imports"):
        for path in (SRC / package).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            callers += [f"{path.name}: {name}" for jobs in SYSTEM_JOBS.values() for name in jobs if f"{name}(" in text]
    assert callers == []


def test_authorize_refuses_a_missing_actor_and_lets_the_system_through(world, personas):
    with pytest.raises(PermissionDenied):
        authorize(None, Permission.EDIT_PEOPLE, world.cell_a1)
    authorize(SYSTEM, Permission.EDIT_PEOPLE, world.cell_a1)
    authorize(personas.secretary_a1, Permission.EDIT_PEOPLE, world.cell_a1)
    with pytest.raises(PermissionDenied):
        authorize(personas.secretary_a1, Permission.EDIT_PEOPLE, world.cell_a1, world.cell_b1)  # every org, not any
    with pytest.raises(PermissionDenied):
        authorize(personas.overseer, Permission.EDIT_PEOPLE, world.cell_a1)  # reads indicators only


# --- the outsider's attempts: one per write service ------------------------------------------------------------------
# service → (setup, attempt): setup(world, personas, cell) makes what the attempt needs, as hospital A's own users or
# the system would; attempt(made, world, outsider) calls the service on it as the outsider.


def _candidate(w, p, c):
    return domain.create_candidate(w.binh, actor=p.office_a, on=dt.date(2023, 1, 5))


def _received(w, p, c):
    return domain.receive_document(
        _candidate(w, p, c), DocumentKind.APPLICATION, actor=p.office_a, on=dt.date(2023, 5, 10)
    )


def _course(w, p, c):
    return courses.open_class(
        organization=w.hospital_a,
        kind=CourseKind.AWARENESS,
        name="Lớp nhận thức về Đảng khóa 1",
        organizer="Trung tâm Chính trị",
        starts_on=dt.date(2023, 3, 1),
        ends_on=dt.date(2023, 3, 5),
        actor=p.office_a,
    )


def _seat(w, p, c):
    return courses.nominate(_course(w, p, c), [_candidate(w, p, c)], on=dt.date(2023, 2, 20), actor=p.office_a)[0]


def _inquiry(w, p, c):
    return inquiries.send(
        _candidate(w, p, c),
        kind=InquiryKind.RESIDENCE,
        addressee="Chi ủy khu 5",
        sent_on=dt.date(2023, 5, 2),
        actor=p.office_a,
    )


def _helper(w, p, c):
    candidate = _candidate(w, p, c)
    f.step(candidate, "sympathise", p.office_a, on=dt.date(2023, 2, 1), helpers=c[:1], document_number="12-NQ/CB")
    return candidate.helpers.get()


def _year_target(w, p, c):
    return writing.set_target(
        w.hospital_a,
        kind=PeriodKind.YEAR,
        starts_on=dt.date(2023, 1, 1),
        ends_on=dt.date(2023, 12, 31),
        admissions=4,
        actor=p.office_a,
    )


def _nothing(w, p, c):
    return None


ON = dt.date(2025, 7, 1)  # a registry change's day


def _new_cell(w, p, c):
    """An empty chi bộ the office of hospital A founds (to dissolve, or to split into)."""
    return organizations.create_organization(
        actor=p.office_a, code="BVA-MAT", name="Chi bộ Khoa Mắt", kind=OrgKind.CELL, parent=w.hospital_a, on=ON
    )


def _an(w, p, c):
    return w.an.memberships.get()


CASES = {
    # --- pipeline.domain -------------------------------------------------------------------------------------------
    "ketnap.pipeline.domain.create_candidate": (
        _nothing,
        lambda made, w, o: domain.create_candidate(w.binh, actor=o, on=dt.date(2023, 1, 5)),
    ),
    "ketnap.pipeline.domain.record_facts": (
        _candidate,
        lambda made, w, o: domain.record_facts(made, actor=o, health_and_prestige=True),
    ),
    "ketnap.pipeline.domain.adopt_probationary": (
        lambda w, p, c: w.dung.memberships.get(),
        lambda made, w, o: domain.adopt_probationary(made, actor=o),
    ),
    "ketnap.pipeline.domain.transition": (
        _candidate,
        lambda made, w, o: domain.transition(made, "sympathise", actor=o, data={"on": dt.date(2023, 2, 1)}),
    ),
    "ketnap.pipeline.domain.transition_batch": (
        lambda w, p, c: (f.walk_to_decision(w, p.office_a, c), c[0]),
        lambda made, w, o: domain.transition_batch(
            [made[0]], "ceremony", actor=o, data={"on": dt.date(2023, 8, 1)}, own={made[0].pk: {"mentor": made[1]}}
        ),
    ),
    "ketnap.pipeline.domain.receive_document": (
        _candidate,
        lambda made, w, o: domain.receive_document(made, DocumentKind.APPLICATION, actor=o, on=dt.date(2023, 5, 10)),
    ),
    "ketnap.pipeline.domain.correct_document": (
        _received,
        lambda made, w, o: domain.correct_document(made, actor=o, on=dt.date(2023, 5, 11)),
    ),
    "ketnap.pipeline.domain.withdraw_document": (
        _received,
        lambda made, w, o: domain.withdraw_document(made, actor=o, reason="nhầm"),
    ),
    # --- registry services (organizations, people, units) ---------------------------------------------------------
    # The outsider's own chi bộ is the target where one is taken (a unit, a member, a person): reaching their own
    # organisation is not enough, the change must reach hospital A's too.
    "ketnap.registry.services.organizations.create_organization": (
        _nothing,
        lambda made, w, o: organizations.create_organization(
            actor=o, code="BVA-MAT", name="Chi bộ Khoa Mắt", kind=OrgKind.CELL, parent=w.hospital_a, on=ON
        ),
    ),
    "ketnap.registry.services.organizations.rename": (
        _nothing,
        lambda made, w, o: organizations.rename(w.cell_a1, "Chi bộ Nội tổng hợp", actor=o, on=ON),
    ),
    "ketnap.registry.services.organizations.move": (
        _nothing,
        lambda made, w, o: organizations.move(w.cell_a1, w.hospital_b, actor=o, on=ON),
    ),
    "ketnap.registry.services.organizations.set_powers": (
        _nothing,
        lambda made, w, o: organizations.set_powers(
            w.hospital_a, actor=o, on=ON, authorised_to_admit=True, above_base_powers=False, competent_org=None
        ),
    ),
    "ketnap.registry.services.organizations.dissolve": (
        _new_cell,
        lambda made, w, o: organizations.dissolve(made, actor=o, on=ON),
    ),
    "ketnap.registry.services.organizations.assign_unit": (
        _nothing,
        lambda made, w, o: organizations.assign_unit(w.dept_a1, w.cell_b1, actor=o, on=ON),
    ),
    "ketnap.registry.services.organizations.merge": (
        _nothing,
        lambda made, w, o: organizations.merge([w.cell_a2], actor=o, into=w.cell_a1, on=ON),
    ),
    "ketnap.registry.services.organizations.split": (
        _new_cell,
        lambda made, w, o: organizations.split(w.cell_a1, [(made, [w.dept_a1])], actor=o, on=ON),
    ),
    "ketnap.registry.services.units.create_unit": (
        _nothing,
        lambda made, w, o: units.create_unit(
            actor=o, code="UA-MAT", name="Khoa Mắt", kind=UnitKind.DEPARTMENT, parent=w.unit_a, on=ON
        ),
    ),
    "ketnap.registry.services.units.rename_unit": (
        _nothing,
        lambda made, w, o: units.rename_unit(w.dept_a1, "Khoa Nội tổng hợp", actor=o, on=ON),
    ),
    "ketnap.registry.services.units.set_facts": (
        _nothing,
        lambda made, w, o: units.set_facts(w.unit_a, actor=o, has_youth_union=False),
    ),
    "ketnap.registry.services.people.create_person": (
        _nothing,
        lambda made, w, o: people.create_person(
            actor=o,
            unit=w.dept_a1,
            family_name="Đinh",
            middle_name="Văn",
            given_name="Hùng",
            gender=Gender.MALE,
            birth_date=dt.date(1990, 1, 1),
            on=ON,
        ),
    ),
    "ketnap.registry.services.people.update_person": (
        _nothing,
        lambda made, w, o: people.update_person(w.binh, actor=o, phone="0912345678"),
    ),
    "ketnap.registry.services.people.change_work_unit": (
        _nothing,
        lambda made, w, o: people.change_work_unit(w.binh, w.dept_b1, actor=o, on=ON),
    ),
    "ketnap.registry.services.people.archive_person": (
        _nothing,
        lambda made, w, o: people.archive_person(w.binh, actor=o, reason="Chuyển công tác"),
    ),
    "ketnap.registry.services.people.register_membership": (
        _nothing,
        lambda made, w, o: people.register_membership(
            w.binh,
            actor=o,
            organization=w.cell_b1,
            status=MembershipStatus.OFFICIAL,
            decision_date=dt.date(2018, 3, 1),
            ceremony_date=dt.date(2018, 3, 11),
            official_date=dt.date(2019, 3, 11),
        ),
    ),
    "ketnap.registry.services.people.move_membership": (
        _an,
        lambda made, w, o: people.move_membership(made, w.cell_b1, actor=o, on=ON),
    ),
    "ketnap.registry.services.people.recognise_official": (
        lambda w, p, c: w.dung.memberships.get(),
        lambda made, w, o: people.recognise_official(made, actor=o, official_date=dt.date(2019, 3, 11), on=ON),
    ),
    "ketnap.registry.services.people.end_membership": (
        _an,
        lambda made, w, o: people.end_membership(made, MembershipEventKind.LEFT, actor=o, on=ON),
    ),
    "ketnap.registry.services.people.record_national_db_entry": (
        _an,
        lambda made, w, o: people.record_national_db_entry([made], actor=o, on=ON),
    ),
    # --- the pipeline's other services, targets, sign-in letters --------------------------------------------------
    "ketnap.pipeline.domain.add_introduction": (
        _candidate,
        lambda made, w, o: domain.add_introduction(
            made, actor=o, kind=IntroducerKind.YOUTH_UNION, introduced_on=dt.date(2023, 5, 12)
        ),
    ),
    "ketnap.pipeline.courses.open_class": (
        _nothing,
        lambda made, w, o: courses.open_class(
            organization=w.hospital_a,
            kind=CourseKind.AWARENESS,
            name="Lớp của người ngoài",
            organizer="Trung tâm Chính trị",
            starts_on=dt.date(2023, 3, 1),
            ends_on=dt.date(2023, 3, 5),
            actor=o,
        ),
    ),
    "ketnap.pipeline.courses.nominate": (
        lambda w, p, c: (_course(w, p, c), _candidate(w, p, c)),
        lambda made, w, o: courses.nominate(made[0], [made[1]], on=dt.date(2023, 2, 20), actor=o),
    ),
    "ketnap.pipeline.courses.record_results": (
        _seat,
        lambda made, w, o: courses.record_results([courses.Result(made, CourseResult.FAILED)], actor=o),
    ),
    "ketnap.pipeline.inquiries.send": (
        _candidate,
        lambda made, w, o: inquiries.send(
            made, kind=InquiryKind.RESIDENCE, addressee="Chi ủy khu 5", sent_on=dt.date(2023, 5, 2), actor=o
        ),
    ),
    "ketnap.pipeline.inquiries.reply": (
        _inquiry,
        lambda made, w, o: inquiries.reply(made, replied_on=dt.date(2023, 5, 20), result="Tốt", actor=o),
    ),
    "ketnap.pipeline.meeting.record_votes": (
        lambda w, p, c: f.walk_to_dossier(_candidate(w, p, c), p.office_a, c),
        lambda made, w, o: meeting.record_votes(
            w.cell_a1,
            [meeting.VoteRow(made, StepKind.CELL_RESOLUTION, 4, "")],
            actor=o,
            on=dt.date(2023, 6, 1),
            members_total=4,
            members_excused=0,
        ),
    ),
    "ketnap.pipeline.notes.set_plan": (
        _nothing,
        lambda made, w, o: notes.set_plan(w.cell_a1, 2, actor=o),
    ),
    "ketnap.pipeline.notes.write_note": (
        _helper,  # someone else's assignment: the outsider is not its member
        lambda made, w, o: notes.write_note(made.candidate, actor=o, on=dt.date(2023, 3, 1), text="Tốt", helper=made),
    ),
    "ketnap.pipeline.review.record": (
        _nothing,
        lambda made, w, o: review.record([review.Entry(w.binh, "outstanding")], on=dt.date(2023, 1, 4), actor=o),
    ),
    "ketnap.stats.targets.writing.set_target": (
        _nothing,
        lambda made, w, o: writing.set_target(
            w.hospital_a,
            kind=PeriodKind.YEAR,
            starts_on=dt.date(2023, 1, 1),
            ends_on=dt.date(2023, 12, 31),
            admissions=4,
            actor=o,
        ),
    ),
    "ketnap.stats.targets.writing.split_target": (
        _year_target,
        lambda made, w, o: writing.split_target(made, {w.cell_a1: 2, w.cell_a2: 2}, actor=o),
    ),
    "ketnap.accounts.issuing.issue": (
        _nothing,
        lambda made, w, o: issuing.issue([w.an], actor=o),
    ),
}


def test_every_write_service_has_an_outsiders_case():
    assert sorted(writes() - set(CASES)) == []
    assert sorted(set(CASES) - writes()) == []


@pytest.mark.parametrize("service", sorted(CASES))
def test_an_outsider_is_refused_by_every_write_service_and_nothing_is_written(service, world, personas, cell):
    setup, attempt = CASES[service]
    made = setup(world, personas, cell)
    entries = AuditEntry.objects.count()
    with pytest.raises(PermissionDenied):
        attempt(made, world, personas.secretary_b1)
    assert AuditEntry.objects.count() == entries


def test_another_hospitals_office_manages_its_own_units_only(world, personas):
    """MANAGE_UNITS is asked over the unit: office work, on a unit covered in the user's scope or the parent of one
    (the units the screens show). Hospital B's office is refused hospital A's; A's own office is not."""
    office_b = f.user("vp.b", (RoleKind.OFFICE, world.hospital_b))
    entries = AuditEntry.objects.count()
    for attempt in (
        lambda actor: units.rename_unit(world.dept_a1, "Khoa Nội tổng hợp", actor=actor, on=ON),
        lambda actor: units.set_facts(world.unit_a, actor=actor, has_trade_union=not world.unit_a.has_trade_union),
        lambda actor: units.create_unit(
            actor=actor, code="UA-MAT", name="Khoa Mắt", kind=UnitKind.DEPARTMENT, parent=world.unit_a, on=ON
        ),
    ):
        with pytest.raises(PermissionDenied):
            attempt(office_b)
        assert AuditEntry.objects.count() == entries
        attempt(personas.office_a)
        assert AuditEntry.objects.count() > entries
        entries = AuditEntry.objects.count()
    units.rename_unit(world.dept_b1, "Khoa Sản – Phụ", actor=office_b, on=ON)  # its own
