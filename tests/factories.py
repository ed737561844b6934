"""Factories over the services, so test data is made the way the product makes it (with history and audit)."""

import datetime as dt
import functools

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User

from ketnap.accounts.models import Role
from ketnap.audit.context import SYSTEM
from ketnap.pipeline import domain
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, IntroducerKind
from ketnap.registry.enums import Gender, MembershipEventKind, MembershipStatus, UnitKind
from ketnap.registry.models import CodeItem, Person
from ketnap.registry.services import organizations, people, units

START = dt.date(2015, 1, 1)


def code(kind: str, value: str) -> CodeItem:
    return CodeItem.objects.get(kind=kind, code=value)


def org(code_: str, name: str, kind: str, parent=None, on=START, **kwargs):
    return organizations.create_organization(
        actor=SYSTEM, code=code_, name=name, kind=kind, parent=parent, on=on, **kwargs
    )


def unit(code_: str, name: str, parent=None, kind=None, on=START, covered_by=None):
    made = units.create_unit(
        actor=SYSTEM,
        code=code_,
        name=name,
        kind=kind or (UnitKind.DEPARTMENT if parent else UnitKind.UNIT),
        parent=parent,
        on=on,
    )
    if covered_by is not None:
        organizations.assign_unit(made, covered_by, actor=SYSTEM, on=on)
    return made


def person(work_unit, full_name: str, *, born=dt.date(1990, 5, 17), gender=Gender.FEMALE, **fields):
    family, *rest = full_name.split()
    given = rest[-1]
    middle = " ".join(rest[:-1])
    # numbered after the newest person, not by a count kept in the process: the same data whatever ran before
    # (a fixture tests/replay.py writes again is what a build would make)
    n = (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    fields.setdefault("citizen_id", f"0221{n:08d}")
    return people.create_person(
        actor=SYSTEM,
        unit=work_unit,
        family_name=family,
        middle_name=middle,
        given_name=given,
        gender=gender,
        birth_date=born,
        on=START,
        **fields,
    )


def member(person_, cell, *, status=MembershipStatus.OFFICIAL, decision=dt.date(2018, 3, 1)):
    ceremony = decision + dt.timedelta(days=10)
    official = ceremony.replace(year=ceremony.year + 1) if status == MembershipStatus.OFFICIAL else None
    return people.register_membership(
        person_,
        actor=SYSTEM,
        organization=cell,
        status=status,
        decision_date=decision,
        ceremony_date=ceremony,
        official_date=official,
    )


def admitted(person_, cell, decision: dt.date, *, readmission: bool = False):
    """A probationary member admitted by a decision of `decision`, the ceremony nine days later (the event's day)."""
    return people.register_membership(
        person_,
        actor=SYSTEM,
        organization=cell,
        status=MembershipStatus.PROBATIONARY,
        decision_date=decision,
        ceremony_date=decision + dt.timedelta(days=9),
        is_readmission=readmission,
        kind=MembershipEventKind.ADMITTED,
        on=decision + dt.timedelta(days=9),
    )


PASSWORD = "mat-khau-thu-nghiem"  # every test user's


@functools.cache
def _password_hash() -> str:
    """The product's own hasher (Argon2, slow by design: most of a second here) runs once per process, not for each
    of the six personas of every test; each user still holds a real Argon2 hash of PASSWORD."""
    return make_password(PASSWORD)


def user(username: str, *roles: tuple[str, object], superuser: bool = False) -> User:
    made = User.objects.create(
        username=User.normalize_username(username),
        password=_password_hash(),
        first_name=username,
        is_superuser=superuser,
        is_staff=superuser,
    )
    for kind, organization in roles:
        Role.objects.create(user=made, organization=organization, kind=kind)
    return made


# --- the road to membership, through its one entry point ------------------------------------------------------------
def step(candidate, name: str, actor, **data):
    return domain.transition(candidate, name, actor=actor, data=data)


def walk_to_dossier(candidate, actor, members, *, papers: bool = True):
    """Take a new candidate to the dossier: sympathiser from 01/02/2023 helped by members[0], the course certificate
    of 01/04/2023. With `papers`, the dossier is complete: every admission paper received on 10/05/2023, members[0]
    and members[1] introducing on 12/05/2023 (working together since 2015)."""
    step(candidate, "sympathise", actor, on=dt.date(2023, 2, 1), helpers=members[:1], document_number="12-NQ/CB")
    step(candidate, "certificate", actor, on=dt.date(2023, 4, 1), document_number="CN-88", issuer="Trung tâm Chính trị")
    if papers:
        for kind in ADMISSION_DOCUMENTS:
            domain.receive_document(candidate, kind, actor=actor, on=dt.date(2023, 5, 10))
        for introducer in members[:2]:
            domain.add_introduction(
                candidate,
                actor=actor,
                kind=IntroducerKind.MEMBER,
                introducer=introducer,
                together_since=dt.date(2015, 1, 1),
                introduced_on=dt.date(2023, 5, 12),
            )
    return candidate


def walk_to_decision(world, office, cell, **decision):
    """Bình, in cell A1, taken through the dossier, both resolutions and the decision of 20/07/2023."""
    candidate = walk_to_dossier(domain.create_candidate(world.binh, actor=office, on=dt.date(2023, 1, 5)), office, cell)
    step(candidate, "cell_resolution", office, on=dt.date(2023, 6, 1), members_total=4, votes_for=4)
    step(candidate, "committee_resolution", office, on=dt.date(2023, 6, 15), members_total=7, votes_for=6)
    step(candidate, "decision", office, on=dt.date(2023, 7, 20), **decision)
    return candidate
