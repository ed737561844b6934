"""Choosing members (issue #12): introducers from a searchable list of the đảng bộ's members, helpers and mentors
from the chi bộ's own (assigned by its resolution / its chi ủy: rules.md §3); each row "Họ và tên — khoa/phòng —
chi bộ (năm sinh)", the candidate's own chi bộ first, in Vietnamese full-name order; checkboxes for several, radio
buttons for one; a filter box the script shows (hidden without it)."""

import datetime as dt
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ketnap.pipeline import domain
from ketnap.pipeline.enums import IntroducerKind, StepKind
from ketnap.pipeline.models import Helper, Introduction
from ketnap.registry.enums import MembershipStatus, OrgKind
from tests import factories as f
from tests.factories import walk_to_decision

D = dt.date
ROW = re.compile(
    r'<label class="picker-row[^"]*"(?: data-fold="([^"]*)")?><input type="(\w+)" name="(\w+)" value="(\d*)"'
)
LABEL = re.compile(r'<label class="picker-row[^"]*"[^>]*><input [^>]*> <span>([^<]*)</span>')


def rows(body: str, name: str) -> list[tuple[str, str, str]]:
    """(input type, value, fold) of each row of the list posting `name`, in page order."""
    return [(kind, value, fold) for fold, kind, field, value in ROW.findall(body) if field == name]


def labels(body: str) -> list[str]:
    return [html.unescape(label) for label in LABEL.findall(body)]


@pytest.fixture
def party(world, cell):
    """Cell A1: An, Cường, Dung, Giang (the cell fixture) plus a Dương and a Đỗ (D before Đ); cell A2: an official
    namesake of Cường born the same year, and Bùi Thị Ánh (who sorts first of all, but is not of A1)."""
    duong = f.person(world.dept_a1, "Dương Văn Tú", born=D(1985, 1, 1))
    do = f.person(world.dept_a1, "Đỗ Thị Bảo", born=D(1986, 1, 1))
    namesake = f.person(world.dept_a2, "Hoàng Văn Cường", born=D(1980, 7, 7))
    anh = f.person(world.dept_a2, "Bùi Thị Ánh", born=D(1979, 1, 1))
    for person, org in ((duong, world.cell_a1), (do, world.cell_a1), (namesake, world.cell_a2), (anh, world.cell_a2)):
        f.member(person, org, decision=D(2012, 5, 5))
    return {"cell": cell, "duong": duong, "do": do, "namesake": namesake, "anh": anh}


@pytest.fixture
def candidate(world, personas):
    return domain.create_candidate(world.binh, actor=personas.office_a, on=D(2023, 1, 5))


@pytest.fixture
def decided(world, personas, party):
    """Bình with the admission decision of 20/07/2023: the ceremony is next."""
    return walk_to_decision(world, personas.office_a, party["cell"])


def step_url(candidate, name="sympathise"):
    return reverse("candidate_step", args=[candidate.pk, name])


def test_the_lists_show_khoa_and_chi_bo_and_tell_namesakes_apart(client, world, personas, party, candidate):
    client.force_login(personas.secretary_a1)
    intro = client.get(reverse("candidate_introduction", args=[candidate.pk])).content.decode()
    shown = labels(intro)
    # the two Hoàng Văn Cường, both born in 1980: one of Khoa Nội, one of Khoa Ngoại
    assert "Hoàng Văn Cường — Khoa Nội — Chi bộ Khoa Nội (1980)" in shown
    assert "Hoàng Văn Cường — Khoa Ngoại — Chi bộ Khoa Ngoại (1980)" in shown
    body = client.get(step_url(candidate)).content.decode()
    # checkboxes (several may be chosen), no Ctrl-click list
    assert {kind for kind, _value, _fold in rows(body, "helpers")} == {"checkbox"}
    assert "<select" not in body.split('name="helpers"')[0].rsplit("<form", 1)[-1]
    # the folded text rides with each row for the filter; the filter box waits for the script (hidden without it)
    assert ("checkbox", str(party["do"].pk), "do thi bao — khoa noi — chi bo khoa noi (1986)") in rows(body, "helpers")
    assert re.search(r'<input type="search" class="picker-filter"[^>]* hidden>', body)
    assert "ketnap/picker.js" in body
    # helpers: official members of the chi bộ that assigns them — not the probationary Dũng, not another chi bộ's
    # Cường or Ánh, not hospital B's Xuyến, not Bình herself
    values = {value for _kind, value, _fold in rows(body, "helpers")}
    assert values == {str(p.pk) for p in [*party["cell"], party["duong"], party["do"]]}


def test_own_chi_bo_first_then_the_dang_bo_in_vietnamese_full_name_order(client, world, personas, party, candidate):
    client.force_login(personas.office_a)
    body = client.get(reverse("candidate_introduction", args=[candidate.pk])).content.decode()
    names = [label.split(" — ")[0] for label in labels(body) if " — " in label and "dự bị" not in label]
    assert names == [
        # Chi bộ Khoa Nội (Bình's): family name first, D before Đ, then the rest of the đảng bộ
        "Dương Văn Tú",
        "Đỗ Thị Bảo",
        "Hoàng Văn Cường",
        "Nguyễn Văn An",
        "Phạm Thị Dung",
        "Vũ Văn Giang",
        "Bùi Thị Ánh",
        "Hoàng Văn Cường",
    ]
    assert body.index(">Chi bộ Khoa Nội</p>") < body.index(">Các chi bộ khác của Đảng bộ Bệnh viện A</p>")


def test_two_helpers_ticked_are_both_recorded(client, world, personas, party, candidate):
    client.force_login(personas.secretary_a1)
    an, duong = world.an, party["duong"]
    data = {"on": "01/02/2023", "document_number": "12-NQ/CB", "helpers": [an.pk, duong.pk]}
    response = client.post(step_url(candidate), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert set(candidate.helpers.values_list("member", flat=True)) == {an.pk, duong.pk}


def test_a_member_outside_the_list_is_refused_and_the_ticks_stay(client, world, personas, party, candidate):
    client.force_login(personas.secretary_a1)
    data = {"on": "01/02/2023", "helpers": [world.an.pk, world.dung.pk]}  # Dũng is probationary
    body = client.post(step_url(candidate), data).content.decode()
    assert "Chưa lưu" in body and not Helper.objects.exists()
    ticked = re.findall(r'name="helpers" value="(\d+)"[^>]* checked', body)
    assert ticked == [str(world.an.pk)]  # what was ticked is still ticked, in its list
    data["helpers"] = [world.an.pk, world.outsider.pk]  # another hospital
    assert client.post(step_url(candidate), data).status_code == 200 and not Helper.objects.exists()
    data["helpers"] = [world.an.pk, party["namesake"].pk]  # another chi bộ of the đảng bộ: not its to assign
    assert client.post(step_url(candidate), data).status_code == 200 and not Helper.objects.exists()


def test_an_introducer_chosen_by_radio_button_is_recorded(client, world, personas, party, candidate):
    client.force_login(personas.secretary_a1)
    url = reverse("candidate_introduction", args=[candidate.pk])
    body = client.get(url).content.decode()
    listed = rows(body, "introducer")
    assert {kind for kind, _v, _f in listed} == {"radio"}
    _kind, first, _flag = listed[0]
    assert first == ""  # "nobody" first (a union introduces), ticked until a member is chosen
    assert re.search(r'name="introducer" value=""[^>]* checked', body)
    # probationary members are listed, marked: the rules refuse them with their source when the chi bộ meets
    assert "Lê Văn Dũng — Khoa Ngoại — Chi bộ Khoa Ngoại (1990) · đảng viên dự bị" in labels(body)
    assert str(world.binh.pk) not in {v for _k, v, _f in listed}
    data = {"kind": "member", "introducer": party["namesake"].pk, "together_since": "01/01/2015"}
    response = client.post(url, {**data, "introduced_on": "12/05/2023"})
    assert response.status_code == 302
    assert Introduction.objects.get(candidate=candidate).introducer == party["namesake"]


def test_a_union_introduction_keeps_no_member_ticked_by_mistake(client, world, personas, party, candidate):
    client.force_login(personas.secretary_a1)
    url = reverse("candidate_introduction", args=[candidate.pk])
    data = {"kind": IntroducerKind.YOUTH_UNION, "introducer": world.an.pk, "introduced_on": "12/05/2023"}
    assert client.post(url, data).status_code == 302
    assert Introduction.objects.get(candidate=candidate).introducer is None


def test_introducers_come_from_the_chi_bo_co_so_itself(client, world, personas):
    """A chi bộ cơ sở is its own base: its introducers are its members, not the upper committee's (other hospitals)."""
    health_centre = f.org("TTYT", "Chi bộ Trung tâm Y tế C", OrgKind.BASE_CELL, world.upper)
    unit = f.unit("UC", "Trung tâm Y tế C", covered_by=health_centre)
    own = f.person(unit, "Trịnh Văn Sơn", born=D(1975, 1, 1))
    f.member(own, health_centre)
    applicant = f.person(unit, "Mai Thị Lan", born=D(1995, 1, 1))
    candidate = domain.create_candidate(applicant, actor=personas.superuser, on=D(2023, 1, 5))
    client.force_login(personas.superuser)
    url = reverse("candidate_introduction", args=[candidate.pk])
    body = client.get(url).content.decode()
    assert [v for _k, v, _f in rows(body, "introducer")] == ["", str(own.pk)]
    data = {"kind": "member", "introducer": world.an.pk, "together_since": "01/01/2015", "introduced_on": "12/05/2023"}
    assert client.post(url, data).status_code == 200 and not Introduction.objects.exists()


def test_the_ceremony_mentor_is_one_radio_button_from_the_list(client, world, personas, party, decided):
    candidate = decided
    client.force_login(personas.secretary_a1)
    body = client.get(step_url(candidate, StepKind.CEREMONY)).content.decode()
    listed = rows(body, "mentor")
    _kind, first, _flag = listed[0]
    assert {kind for kind, _v, _f in listed} == {"radio"} and first == str(party["duong"].pk)
    assert str(party["anh"].pk) not in {v for _k, v, _f in listed}  # another chi bộ's member
    response = client.post(step_url(candidate, StepKind.CEREMONY), {"on": "10/08/2023", "mentor": party["do"].pk})
    assert response.status_code == 302, response.content.decode()[:3000]
    assert candidate.helpers.get(role="mentor").member == party["do"]


def test_the_batch_ceremony_has_one_list_per_person(client, world, personas, party, decided):
    candidate = decided
    client.force_login(personas.office_a)
    url = reverse("batch_step", args=[StepKind.CEREMONY])
    body = client.get(url, {"ids": [candidate.pk]}).content.decode()
    listed = rows(body, f"mentor_{candidate.pk}")
    assert [v for _k, v, _f in listed][:2] == ["", str(party["duong"].pk)]  # "not chosen", then chi bộ Khoa Nội
    assert {kind for kind, _v, _f in listed} == {"radio"}
    assert "Đỗ Thị Bảo — Khoa Nội — Chi bộ Khoa Nội (1986)" in labels(body)
    assert "Bùi Thị Ánh" not in body  # the chi ủy assigns one of its own chi bộ
    # a member outside the list: nothing recorded, the list says why
    refused = client.post(url, {"ids": [candidate.pk], "on": "10/08/2023", f"mentor_{candidate.pk}": world.dung.pk})
    assert not refused.context["results"] and not world.binh.memberships.exists()
    assert "Đảng viên giúp đỡ Trần Thị Bình" in refused.content.decode()
    done = client.post(url, {"ids": [candidate.pk], "on": "10/08/2023", f"mentor_{candidate.pk}": party["do"].pk})
    assert [ok for _c, ok, _r in done.context["results"]] == [True]
    assert candidate.helpers.get(role="mentor").member == party["do"]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as queries:
        body = client.get(url, params or {}).content.decode()
    assert " — Chi bộ Khoa " in body  # a member list was rendered
    return len(queries)


def test_the_lists_cost_the_same_queries_however_many_members(client, world, personas, party, decided):
    candidate = decided
    client.force_login(personas.office_a)
    other = domain.create_candidate(f.person(world.dept_a2, "Lý Thị Hoa"), actor=personas.office_a, on=D(2023, 1, 5))
    pages = [
        (step_url(candidate, StepKind.CEREMONY), None),
        (reverse("candidate_introduction", args=[candidate.pk]), None),
        (reverse("candidate_introduction", args=[other.pk]), None),
        (step_url(other), None),
        (reverse("batch_step", args=[StepKind.CEREMONY]), {"ids": [candidate.pk]}),
    ]
    before = [_queries(client, url, params) for url, params in pages]
    for i in range(12):
        person = f.person(world.dept_a1 if i % 2 else world.dept_a2, f"Nguyễn Văn Thêm{i}", born=D(1980, 1, 1))
        f.member(person, world.cell_a1 if i % 2 else world.cell_a2, decision=D(2012, 5, 5))
    f.member(f.person(world.dept_a1, "Tạ Văn Dự Bị"), world.cell_a1, status=MembershipStatus.PROBATIONARY)
    after = [_queries(client, url, params) for url, params in pages]
    assert after == before
