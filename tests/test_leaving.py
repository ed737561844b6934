"""A leaving date ends the work at the unit (registry.services.people.update_person): statistics for a day count the
assignments in force that day, so a leaver stops being counted from the day they left — and again if the date is
taken back. Found while building the retention purge (issue #13): before, a leaver was staff on every later day."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ketnap.audit.context import SYSTEM
from ketnap.registry import indicators
from ketnap.registry.services import people
from tests import factories as f

D = dt.date


def staff_of_the_cell(world, day: dt.date) -> int:
    nodes = indicators.flatten(indicators.tree_on_day([world.hospital_a], day))
    return next(n for n in nodes if n.org_id == world.cell_a1.pk).totals.staff


def test_a_leaving_date_ends_the_assignment_and_past_counts_follow(world):
    before = staff_of_the_cell(world, D(2025, 6, 1))
    people.update_person(world.binh, left_on=D(2025, 3, 1), actor=SYSTEM)
    assert world.binh.assignments.get().valid_to == D(2025, 3, 1)
    assert staff_of_the_cell(world, D(2025, 2, 28)) == before  # still there the day before
    assert staff_of_the_cell(world, D(2025, 6, 1)) == before - 1  # gone after
    people.update_person(world.binh, left_on=D(2025, 4, 1), actor=SYSTEM)  # corrected: the same assignment moves
    assert world.binh.assignments.get().valid_to == D(2025, 4, 1)
    people.update_person(world.binh, left_on=None, actor=SYSTEM)  # taken back: working again, counted again
    assert world.binh.assignments.get().valid_to is None
    assert staff_of_the_cell(world, D(2025, 6, 1)) == before


def test_a_leaving_date_before_the_work_began_is_refused_and_nothing_changes(world):
    began = world.binh.assignments.get().valid_from
    with pytest.raises(ValidationError) as refused:
        people.update_person(world.binh, left_on=began, actor=SYSTEM)
    assert "Ngày thôi việc phải sau ngày bắt đầu làm việc tại Khoa Nội" in str(refused.value)
    world.binh.refresh_from_db()
    assert world.binh.left_on is None and world.binh.assignments.get().valid_to is None


def test_the_person_form_ends_the_assignment_over_http(login, world, personas):
    person = f.person(world.dept_a1, "Đinh Thị Lụa")
    client = login(personas.office_a)
    url = reverse("person_edit", args=[person.pk])
    form = client.get(url).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data = {k: (v.strftime("%d/%m/%Y") if isinstance(v, dt.date) else v) for k, v in data.items()}
    data = {k: (v.pk if hasattr(v, "pk") else v) for k, v in data.items()}
    data["left_on"] = "01/03/2025"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert person.assignments.get().valid_to == D(2025, 3, 1)
