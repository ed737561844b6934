"""The JSON API: token authentication, the same scope as the screens, pagination, the OpenAPI document, and a
schemathesis fuzz run that must find no server error."""

import datetime as dt
import io
import json
import re
import time

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import reverse

from ketnap.api.models import ApiToken
from ketnap.pipeline import domain
from ketnap.pipeline.enums import Stage
from ketnap.stats import bieu
from ketnap.stats.periods import Period

D = dt.date


def bearer(user, name="thu") -> dict:
    _token, secret = ApiToken.issue(user, name)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def api(client):
    """GET an API URL as `user` (a fresh token each time) and return (status, parsed JSON)."""

    def get(user, name, params=None, **kwargs):
        response = client.get(reverse(f"api:{name}", kwargs=kwargs), params or {}, headers=bearer(user))
        assert response["Content-Type"].startswith("application/json")
        return response.status_code, response.json()

    return get


def names(body) -> set[str]:
    return {item["full_name"] for item in body["items"]}


# --- authentication ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"Authorization": "Bearer"},
        {"Authorization": "Bearer sai-khoa"},
        {"Authorization": "Token abc"},
        {"Authorization": "Basic dXNlcjpwYXNz"},
        {"Authorization": "Bearer " + "x" * 5000},
    ],
    ids=["none", "bearer-alone", "wrong-token", "token-scheme", "basic", "huge"],
)
def test_no_valid_token_is_401_in_json_and_vietnamese(client, world, headers):
    response = client.get(reverse("api:organizations"), headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="ketnap"'
    assert response.json() == {
        "detail": "Cần khóa API hợp lệ: gửi tiêu đề Authorization: Bearer <khóa>. Khóa có thể đã bị thu hồi."
    }


def test_a_session_login_does_not_open_the_api(client, personas):
    client.force_login(personas.office_a)
    assert client.get(reverse("api:organizations")).status_code == 401


def test_a_valid_token_reads_and_is_marked_used(client, personas):
    headers = bearer(personas.office_a)
    token = ApiToken.objects.get(user=personas.office_a)
    assert token.last_used is None
    response = client.get(reverse("api:organizations"), headers=headers)
    assert response.status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


def test_only_the_hash_is_stored(personas):
    token, secret = ApiToken.issue(personas.office_a, "thu")
    assert secret.startswith("ketnap_") and len(secret) > 40
    assert secret not in token.key_hash and len(token.key_hash) == 64


def test_revoked_token_and_disabled_user_are_401(client, personas):
    headers = bearer(personas.office_a)
    url = reverse("api:organizations")
    assert client.get(url, headers=headers).status_code == 200
    ApiToken.objects.get(user=personas.office_a).revoke()
    assert client.get(url, headers=headers).status_code == 401
    headers = bearer(personas.secretary_a1)
    personas.secretary_a1.is_active = False
    personas.secretary_a1.save()
    assert client.get(url, headers=headers).status_code == 401


def test_command_creates_prints_once_lists_and_revokes(client, personas):
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "--user", "vp.a", "--name", "bao-cao", stdout=out, stderr=err)
    secret = out.getvalue().strip()
    assert "không hiện lại" in err.getvalue()
    url = reverse("api:organizations")
    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = io.StringIO()
    call_command("api-token", "list", "--user", "vp.a", stdout=listing)
    assert "bao-cao" in listing.getvalue() and secret not in listing.getvalue()
    call_command("api-token", "revoke", "--user", "vp.a", "--name", "bao-cao", stdout=io.StringIO())
    assert client.get(url, headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_writes_are_not_offered(client, personas):
    response = client.post(reverse("api:people"), {}, headers=bearer(personas.office_a))
    assert response.status_code == 405


# --- scope ----------------------------------------------------------------------------------------------
def test_office_reads_its_hospital(api, world, personas, pipeline_world):
    office = personas.office_a
    status, body = api(office, "organizations")
    assert status == 200
    assert {o["code"] for o in body["items"]} == {"BVA", "BVA-NOI", "BVA-NGOAI"}
    assert body["items"][0] == {
        "code": "BVA",
        "name": "Đảng bộ Bệnh viện A",
        "kind": "base_committee",
        "kind_label": "Đảng bộ cơ sở",
        "parent": "SYT",
        "depth": 2,
        "active": True,
        "established_on": "2015-01-01",
        "dissolved_on": None,
    }
    assert names(api(office, "people")[1]) == {
        "Nguyễn Văn An",
        "Trần Thị Bình",
        "Lê Văn Dũng",
        "Đặng Văn Khoa",
    }
    assert names(api(office, "members")[1]) == {"Nguyễn Văn An", "Lê Văn Dũng"}
    assert names(api(office, "candidates")[1]) == {"Trần Thị Bình", "Đặng Văn Khoa"}
    assert names(api(office, "due")[1]) == {"Trần Thị Bình", "Đặng Văn Khoa"}


def test_secretary_reads_only_the_cell(api, world, personas, pipeline_world):
    secretary = personas.secretary_a1
    assert {o["code"] for o in api(secretary, "organizations")[1]["items"]} == {"BVA-NOI"}
    assert names(api(secretary, "people")[1]) == {"Nguyễn Văn An", "Trần Thị Bình"}
    assert names(api(secretary, "candidates")[1]) == {"Trần Thị Bình"}


@pytest.mark.parametrize(
    ("name", "kwargs"),
    [
        ("organization", lambda w, p: {"code": w.hospital_b.code}),
        ("person", lambda w, p: {"pk": w.outsider.pk}),
        ("candidate", lambda w, p: {"candidate_pk": p.yen.pk}),
        ("statistics_bieu2", lambda w, p: {"code": w.hospital_b.code}),
        ("statistics_bieu3", lambda w, p: {"code": w.cell_b1.code}),
    ],
)
def test_outside_objects_are_404(api, world, personas, pipeline_world, name, kwargs):
    status, body = api(personas.office_a, name, **kwargs(world, pipeline_world))
    assert (status, body) == (404, {"detail": "Không tìm thấy."})


def test_filters_outside_the_scope_give_nothing(api, world, personas, pipeline_world):
    for name in ("people", "members", "candidates"):
        assert api(personas.office_a, name, {"organization": world.hospital_b.code})[1] == {"items": [], "count": 0}
    assert names(api(personas.office_a, "people", {"organization": world.cell_a2.code})[1]) == {
        "Lê Văn Dũng",
        "Đặng Văn Khoa",
    }


def test_overseer_reads_figures_and_never_a_name(api, client, world, personas, pipeline_world):
    overseer = personas.overseer
    status, body = api(overseer, "organizations")
    assert status == 200
    assert {o["code"] for o in body["items"]} == {"SYT", "BVA", "BVA-NOI", "BVA-NGOAI", "BVB", "BVB-SAN"}
    status, detail = api(overseer, "organization", code="BVA")
    assert detail["counts"] == {
        "staff": 4,
        "members": 2,
        "official": 1,
        "probationary": 1,
        "member_percent": 50.0,
        "non_members": 2,
    }
    for name in ("people", "members", "candidates", "due"):
        assert api(overseer, name)[1] == {"items": [], "count": 0}, name
    assert api(overseer, "person", pk=world.an.pk)[0] == 404
    assert api(overseer, "candidate", candidate_pk=pipeline_world.bình.pk)[0] == 404
    assert api(overseer, "statistics_bieu2", code="SYT")[0] == 200
    assert api(overseer, "statistics_bieu3", code="BVB")[0] == 200
    # every endpoint, every in-scope object: no name anywhere
    headers = bearer(overseer)
    urls = [reverse("api:openapi-json")]
    urls += [reverse(f"api:{n}") for n in ("organizations", "people", "members", "candidates", "due")]
    for code in ("SYT", "BVA", "BVA-NOI", "BVB-SAN"):
        for n in ("organization", "statistics_bieu2", "statistics_bieu3"):
            urls.append(reverse(f"api:{n}", kwargs={"code": code}))
    people = [world.an, world.binh, world.dung, world.outsider, pipeline_world.khoa.person, pipeline_world.yen.person]
    for url in urls:
        body = client.get(url, {"q": "nguyen", "from": "2015-01-01"}, headers=headers).content.decode()
        for person in people:
            assert person.full_name not in body, url
            assert person.citizen_id not in body, url


# --- content --------------------------------------------------------------------------------------------
def test_people_search_folds_like_the_screens(api, world, personas, pipeline_world):
    assert names(api(personas.office_a, "people", {"q": "TRAN thi binh"})[1]) == {"Trần Thị Bình"}
    assert names(api(personas.office_a, "people", {"q": "van"})[1]) == {"Nguyễn Văn An", "Lê Văn Dũng", "Đặng Văn Khoa"}
    assert names(api(personas.office_a, "people", {"q": world.dung.citizen_id})[1]) == {"Lê Văn Dũng"}


def test_person_detail(api, world, personas):
    status, body = api(personas.secretary_a1, "person", pk=world.an.pk)
    assert status == 200
    assert (body["full_name"], body["member_status"], body["organization"], body["work_unit"]) == (
        "Nguyễn Văn An",
        "official",
        "BVA-NOI",
        "Khoa Nội",
    )
    assert [(m["status"], m["decision_date"], m["organization"]) for m in body["memberships"]] == [
        ("official", "2018-03-01", "BVA-NOI")
    ]


def test_candidate_with_steps_and_next_action(api, world, personas, pipeline_world):
    candidate = pipeline_world.bình
    domain.transition(
        candidate,
        "sympathise",
        actor=personas.office_a,
        data={"on": D(2024, 3, 1), "document_number": "5-NQ/CB", "helpers": [world.an], "note": ""},
    )
    status, body = api(personas.secretary_a1, "candidate", candidate_pk=candidate.pk)
    assert status == 200
    assert (body["stage"], body["stage_label"], body["stage_since"]) == ("sympathiser", "Cảm tình Đảng", "2024-03-01")
    assert body["steps"] == [
        {
            "kind": "sympathise",
            "on": "2024-03-01",
            "document_number": "5-NQ/CB",
            "passed": True,
            "stage_before": "source",
            "stage_after": "sympathiser",
        }
    ]
    assert body["next"]["action"] == "Cử đi học lớp bồi dưỡng nhận thức về Đảng"
    assert api(personas.secretary_a1, "candidates", {"stage": "sympathiser"})[1]["count"] == 1
    assert api(personas.secretary_a1, "candidates", {"stage": Stage.PROBATION})[1]["count"] == 0
    assert api(personas.secretary_a1, "candidates", {"stage": "no-such-stage"})[0] == 422


def test_due_lists_the_next_actions(api, personas, pipeline_world):
    status, body = api(personas.secretary_b1, "due")
    assert status == 200
    assert body["count"] == 1
    item = body["items"][0]
    assert (item["candidate_id"], item["full_name"], item["organization"], item["stage"]) == (
        pipeline_world.yen.pk,
        "Võ Thị Yến",
        "BVB-SAN",
        "source",
    )
    assert item["action"].startswith("Chi bộ xem xét đưa vào danh sách cảm tình Đảng")
    assert api(personas.secretary_b1, "due", {"mine": "true"})[1] == {"items": [], "count": 0}


def test_statistics_are_the_forms_tables(api, world, personas):
    status, body = api(personas.office_a, "statistics_bieu2", {"from": "2018-01-01", "to": "2018-12-31"}, code="BVA")
    assert status == 200
    table = bieu.new_members(world.hospital_a, Period(D(2018, 1, 1), D(2018, 12, 31)))
    assert [c["key"] for c in body["columns"]] == [c.key for c in table.columns]
    assert len(body["rows"]) == len(table.rows)
    keys = [c.key for c in table.columns]
    first = dict(zip(keys, body["rows"][0]["values"], strict=True))
    expected = dict(zip(keys, json.loads(json.dumps(table.rows[0].values)), strict=True))
    assert first == expected
    status, body = api(personas.office_a, "statistics_bieu3", {"date": "2025-06-30"}, code="BVA")
    assert status == 200 and body["slug"] and body["rows"]


@pytest.mark.parametrize(
    ("name", "params"),
    [
        ("statistics_bieu2", {"from": "2025-06-01", "to": "2025-01-01"}),
        ("statistics_bieu2", {"from": "1800-01-01"}),
        ("statistics_bieu2", {"to": "9999-12-31"}),
        ("statistics_bieu2", {"from": "01/01/2025"}),
        ("statistics_bieu3", {"date": "0001-01-01"}),
        ("statistics_bieu3", {"date": "2999-01-01"}),
    ],
)
def test_statistics_refuse_bad_dates_with_422(api, world, personas, name, params):
    assert api(personas.office_a, name, params, code="BVA")[0] == 422


# --- pagination -------------------------------------------------------------------------------------------
def test_pages_are_stable_and_bounded(api, world, personas, pipeline_world):
    office = personas.office_a
    everyone = api(office, "people")[1]
    assert everyone["count"] == 4
    pages = [api(office, "people", {"limit": 3, "offset": offset})[1] for offset in (0, 3)]
    assert [len(p["items"]) for p in pages] == [3, 1]
    assert [p["count"] for p in pages] == [4, 4]
    assert [i["id"] for p in pages for i in p["items"]] == [i["id"] for i in everyone["items"]]
    due_page = api(office, "due", {"limit": 1, "offset": 1})[1]
    assert due_page["count"] == 2 and len(due_page["items"]) == 1
    for params in ({"limit": 0}, {"limit": 201}, {"offset": -1}, {"offset": 10**12}, {"limit": "x"}):
        assert api(office, "people", params)[0] == 422, params


def test_people_list_query_count_does_not_grow(client, world, personas, django_assert_num_queries):
    from tests import factories as f

    headers, url = bearer(personas.office_a), reverse("api:people")
    client.get(url, headers=headers)  # the first use writes last_used; later ones within a minute do not
    # token + user, roles, the read log's one INSERT, count, page, memberships of the page
    with django_assert_num_queries(6):
        assert client.get(url, headers=headers).json()["count"] == 3
    for n in range(6):
        f.person(world.dept_a1, f"Hồ Văn Thêm{n}")
    with django_assert_num_queries(6):
        assert client.get(url, headers=headers).json()["count"] == 9


# --- the OpenAPI document and the fuzz run ------------------------------------------------------------------
PATHS = {
    "/api/organizations",
    "/api/organizations/{code}",
    "/api/people",
    "/api/people/{pk}",
    "/api/members",
    "/api/candidates",
    "/api/candidates/{candidate_pk}",
    "/api/due",
    "/api/statistics/{code}/bieu-2",
    "/api/statistics/{code}/bieu-3",
}


def test_openapi_document_lists_every_path(client, db):
    response = client.get("/api/openapi.json")  # public: it describes the API, it holds no data
    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["info"]["title"] == "ketnap API"
    assert set(document["paths"]) == PATHS
    assert {method for path in document["paths"].values() for method in path} == {"get"}
    assert document["components"]["securitySchemes"] == {"TokenAuth": {"type": "http", "scheme": "bearer"}}


FUZZ_EXAMPLES = 25  # per operation and mode: the whole run stays well under 30 s


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_fuzzing_every_operation_finds_no_server_error(world, personas, pipeline_world):
    from ketnap.wsgi import application

    # A raw WSGI call ends with request_finished, which closes the database connection (Django's test client
    # disconnects that handler; here we must): on PostgreSQL the test's transaction would be gone.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        _fuzz(world, personas, pipeline_world, application)
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _fuzz(world, personas, pipeline_world, application):
    import schemathesis
    from hypothesis import HealthCheck, given, settings
    from schemathesis.checks import not_a_server_error

    headers = bearer(personas.office_a)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    known = {"code": world.hospital_a.code, "pk": world.an.pk, "candidate_pk": pipeline_world.bình.pk}
    cases = 0
    started = time.monotonic()
    operations = [result.ok() for result in schema.get_all_operations()]
    assert {op.path for op in operations} == PATHS
    for operation in operations:
        # random path values (mostly 404) and the real ones (so query parameters reach the figures)
        fixed = {name: value for name, value in known.items() if "{" + name + "}" in operation.path}
        variants = [
            (mode, path)
            for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE)
            for path in ([None, fixed] if fixed else [None])
        ]
        for mode, path_parameters in variants:
            strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters or None)

            @settings(
                max_examples=FUZZ_EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,  # the same cases on every CI run: a failure is reproducible
                suppress_health_check=list(HealthCheck),
            )
            @given(case=strategy)
            def check(case):
                nonlocal cases
                cases += 1
                response = case.call(headers=headers)
                case.validate_response(response, checks=[not_a_server_error])

            check()
    elapsed = time.monotonic() - started
    print(f"schemathesis: {cases} cases over {len(operations)} operations in {elapsed:.1f} s")
    assert cases >= 10 * len(operations)


def test_docs_page_works_offline(client):
    """The Swagger page is served from ninja's bundled files: nothing is fetched from the Internet."""
    html = client.get("/api/docs").content.decode()
    assets = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert any(a.endswith("swagger-ui-bundle.js") for a in assets)
    assert all(a.startswith("/static/") for a in assets), assets


def test_a_token_expires_by_itself_unless_asked_not_to(client, personas):
    import datetime as dt

    from django.core.management.base import CommandError
    from django.utils import timezone

    url = reverse("api:organizations")
    token, secret = ApiToken.issue(personas.office_a, "bao-cao-nam")
    assert dt.timedelta(days=364) < token.expires - timezone.now() <= dt.timedelta(days=365)
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(url, headers=headers).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires=timezone.now() - dt.timedelta(seconds=1))
    assert client.get(url, headers=headers).status_code == 401
    listing = io.StringIO()
    call_command("api-token", "list", "--user", "vp.a", stdout=listing)
    assert "hết hạn" in listing.getvalue()
    # chosen explicitly: a short-lived token, or one that lasts until revoked
    out, err = io.StringIO(), io.StringIO()
    call_command("api-token", "create", "--user", "vp.a", "--name", "thu", "--days", "7", stdout=out, stderr=err)
    assert "dùng được đến" in err.getvalue()
    assert ApiToken.objects.get(name="thu").expires - timezone.now() <= dt.timedelta(days=7)
    call_command("api-token", "create", "--user", "vp.a", "--name", "mai", "--no-expiry", stdout=out, stderr=err)
    assert ApiToken.objects.get(name="mai").expires is None
    with pytest.raises(CommandError, match="--days"):
        call_command("api-token", "create", "--user", "vp.a", "--name", "x", "--days", "0", stdout=out, stderr=err)


def test_reads_of_personal_data_through_the_api_go_into_the_read_log(api, world, personas, pipeline_world):
    """Luật 91/2025/QH15 (issue #13): who read whose data is known whichever way it was read — the API like the
    pages. An overseer's statistics hold no names and are not logged."""
    from ketnap.privacy.models import ReadEntry, ReadKind

    assert api(personas.office_a, "person", pk=world.binh.pk)[0] == 200
    assert api(personas.office_a, "candidate", candidate_pk=pipeline_world.bình.pk)[0] == 200
    assert api(personas.office_a, "people", {"q": "binh"})[0] == 200
    logged = list(ReadEntry.objects.order_by("pk").values_list("user_id", "kind", "person_id", "what", "query"))
    candidate_path = f"API /api/candidates/{pipeline_world.bình.pk}"
    assert logged == [
        (personas.office_a.pk, ReadKind.PERSON, world.binh.pk, f"API /api/people/{world.binh.pk}", ""),
        (personas.office_a.pk, ReadKind.CANDIDATE, world.binh.pk, candidate_path, ""),
        (personas.office_a.pk, ReadKind.DOWNLOAD, None, "API /api/people", "q=binh"),
    ]
    assert api(personas.overseer, "statistics_bieu3", code="SYT")[0] == 200
    assert ReadEntry.objects.count() == 3
