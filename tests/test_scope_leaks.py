"""Walks EVERY URL pattern as every persona against objects outside that persona's scope.

New URLs are covered automatically: a URL keyword this test does not know how to fill makes it fail,
which forces whoever adds the URL to say which out-of-scope object it must refuse.
"""

import datetime as dt

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from ketnap.api.models import ApiToken
from ketnap.pipeline.models import CourseClass, CourseKind, Inquiry, InquiryKind
from ketnap.registry.enums import MembershipStatus
from ketnap.stats.models import PeriodKind, Target
from ketnap.vietnamese import fold


def _walk(patterns, namespace=None):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or namespace
            if entry.namespace and namespace:
                ns = f"{namespace}:{entry.namespace}"
            yield from _walk(entry.url_patterns, ns)
        elif isinstance(entry, URLPattern) and entry.name:
            name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield name, list(entry.pattern.regex.groupindex)


ALL_PATTERNS = sorted(set((name, tuple(kwargs)) for name, kwargs in _walk(get_resolver().url_patterns)))


def _outside(world, pipeline, persona_name):
    """Objects outside the persona's scope: (organization, person, candidate)."""
    return {
        "office_a": (world.cell_b1, world.outsider, pipeline.yen),
        "admin_a": (world.cell_b1, world.outsider, pipeline.yen),
        "secretary_a1": (world.cell_a2, world.dung, pipeline.khoa),
        "secretary_b1": (world.cell_a1, world.an, pipeline.bình),
        "overseer": (world.province, world.an, pipeline.bình),  # an overseer may read no person at all
        # issue #15: members without a role — An helps Bình only; Bình reads her own road only
        "mentor": (world.cell_a1, world.outsider, pipeline.khoa),
        "candidate_user": (world.cell_a1, world.dung, pipeline.khoa),
    }[persona_name]


def _kwargs(names, org, person, candidate, scans, target):
    membership = person.memberships.get(status__in=MembershipStatus.active())
    known = {
        "code": org.code,
        "pk": person.pk,
        "membership_pk": membership.pk,
        "unit_pk": person.work_unit_id,
        "candidate_pk": candidate.pk,
        "doc_pk": scans[candidate.pk].pk,
        "inquiry_pk": candidate.inquiries.get().pk,  # a request about the outside candidate (pipeline.inquiries)
        "course_pk": CourseClass.objects.get(organization=org).pk,  # a class the outside organisation sends people to
        "target_pk": target.pk,  # a target (chỉ tiêu) of the outside organisation
        "form": "6-knd",  # a document form (documents app): refused only by scope
        "fmt": "xlsx",  # a data subject's export (web.views.personal_data): refused only by scope
        "name": "sympathise",  # a step that exists at the candidate's stage: refused only by scope
        "token": "belongs-to-nobody-" + "x" * 25,  # calendar feed: an unknown token is 404 for everyone
        # Django admin's own patterns (the personas are not staff: admin must send them to its login)
        "object_id": str(person.pk),
        "id": person.pk,
        "app_label": "registry",
        "content_type_id": 1,
        "url": "registry/person/",
    }
    missing = [n for n in names if n not in known]
    assert not missing, f"The leak test does not know how to fill URL keyword(s) {missing}: add them to _kwargs"
    return {n: known[n] for n in names}


PERSONAS = ["office_a", "admin_a", "secretary_a1", "secretary_b1", "overseer", "mentor", "candidate_user"]


def _personal_markers(person):
    return [person.full_name, person.citizen_id]


def _hidden(world, pipeline, persona_name):
    """The people whose names and CCCD the persona must never read: the outside person and candidate; for an overseer,
    everyone."""
    _org, person, candidate = _outside(world, pipeline, persona_name)
    outside = [person, candidate.person]
    everyone = [world.an, world.binh, world.dung, world.outsider, pipeline.khoa.person, pipeline.yen.person]
    return {
        "office_a": outside,
        "admin_a": outside,
        "secretary_a1": outside,
        "secretary_b1": outside,
        "overseer": everyone,
        "mentor": outside,
        "candidate_user": outside,
    }[persona_name]


def _expected_status(name, kw_names, method):
    """The statuses a URL may answer a persona outside its scope: 404 for an object's page (an API POST is 405 before
    any object is looked at), admin's login redirect (or 404) for admin pages; None where only the markers tell."""
    if name.startswith("admin:"):
        return None if name in {"admin:logout", "admin:login"} else {302, 404}
    if kw_names and name != "set_language":
        return {405} if name.startswith("api:") and method == "post" else {404}
    return None


@pytest.mark.slow
@pytest.mark.parametrize("persona_name", PERSONAS)
def test_every_url_refuses_out_of_scope_objects(
    client, world, personas, pipeline_world, mentor, candidate_user, persona_name
):
    user = {"mentor": mentor, "candidate_user": candidate_user}.get(persona_name) or getattr(personas, persona_name)
    org, person, candidate = _outside(world, pipeline_world, persona_name)
    markers = [m for p in _hidden(world, pipeline_world, persona_name) for m in _personal_markers(p)]
    Inquiry.objects.create(
        candidate=candidate,
        kind=InquiryKind.VERIFICATION,
        addressee="Đảng ủy phường",
        about=f"bố đẻ của {candidate.person.full_name}",
        sent_on=dt.date(2026, 1, 5),
        reply_by=dt.date(2026, 2, 5),
    )
    CourseClass.objects.create(
        organization=org,
        kind=CourseKind.AWARENESS,
        name="Khóa 1",
        organizer="Trung tâm Chính trị",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 6),
    )
    target = Target.objects.create(
        organization=org,
        kind=PeriodKind.YEAR,
        starts_on=dt.date(2026, 1, 1),
        ends_on=dt.date(2026, 12, 31),
        admissions=3,
    )
    # The API takes no session (a logged-in walk would only see 401): it is walked with the persona's own token, so
    # its answers are about scope. It offers GET only, so a POST is 405 before any object is looked at.
    api_headers = {"Authorization": "Bearer " + ApiToken.issue(user, "leak-test")[1]}
    checked = 0
    for name, kw_names in ALL_PATTERNS:
        try:
            url = reverse(name, kwargs=_kwargs(kw_names, org, person, candidate, pipeline_world.scans, target))
        except Exception as exc:  # a pattern whose regex rejects our value must still be checked by hand
            pytest.fail(f"cannot build {name} with {kw_names}: {exc}")
        for method in ("get", "post"):
            client.force_login(user)  # logout and language views end the session: start each call fresh
            query = {"q": fold(person.full_name), "giai-doan": "source"} if method == "get" else {}
            headers = api_headers if name.startswith("api:") else {}
            response = getattr(client, method)(url, query, headers=headers)
            body = response.content.decode(errors="replace")
            for marker in markers:
                assert marker not in body, f"{persona_name} sees {marker!r} at {method.upper()} {url}"
            expected = _expected_status(name, kw_names, method)
            assert expected is None or response.status_code in expected, (
                f"{persona_name}: {method.upper()} {url} answered {response.status_code}, expected {expected}"
            )
            checked += 1
    assert checked == 2 * len(ALL_PATTERNS) and checked > 100


def test_the_walk_sees_the_product_urls():
    names = {name for name, _ in ALL_PATTERNS}
    assert {
        "home",
        "org_detail",
        "person_detail",
        "person_edit",
        "membership_change",
        "unit_detail",
        "org_split",
        "candidate_step",
        "stats_dashboard",
        "stats_bieu2",
        "stats_names",
        "stats_yearly_report",
        "target_overview",
        "target_edit",
        "admin:index",
        "api:person",
        "api:candidate",
        "api:statistics_bieu2",
    } <= names


def test_the_overseers_home_shows_the_indicators_and_no_name(client, world, personas, pipeline_world):
    client.force_login(personas.overseer)
    response = client.get(reverse("home"), {"q": "nguyen"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Đảng bộ Bệnh viện A" in body  # the indicators are there, only names are not
    assert [p.full_name for p in (world.an, world.binh, world.dung, world.outsider) if p.full_name in body] == []


@pytest.mark.parametrize("url_name", ["person_list", "unit_list", "pipeline_board", "due_list"])
def test_the_lists_of_people_are_forbidden_to_the_overseer(client, world, personas, pipeline_world, url_name):
    client.force_login(personas.overseer)
    response = client.get(reverse(url_name), {"q": "nguyen"})
    body = response.content.decode()
    assert response.status_code == 403
    assert [p.full_name for p in (world.an, world.binh, world.dung, world.outsider) if p.full_name in body] == []


def test_in_scope_objects_are_reachable(client, world, personas):
    """The other half: the same URLs work for someone whose scope holds the object (the 404s mean scope)."""
    client.force_login(personas.secretary_a1)
    assert client.get(reverse("person_detail", kwargs={"pk": world.an.pk})).status_code == 200
    assert client.get(reverse("org_detail", kwargs={"code": world.cell_a1.code})).status_code == 200
    assert client.get(reverse("unit_detail", kwargs={"unit_pk": world.dept_a1.pk})).status_code == 200
    membership = world.an.memberships.get()
    assert client.get(reverse("membership_change", kwargs={"membership_pk": membership.pk})).status_code == 200
