"""The read-only JSON API (issue #5): organisations, people, members, candidates with their steps, due items and the
statistical forms, under the same Scope as the screens.

Why django-ninja and not Django REST framework: the pydantic schemas that shape each response also produce the
OpenAPI document (/api/openapi.json), so the document cannot drift from the code; there are fewer layers (no
serializer + viewset + router + a separate schema generator) for a read-only API of a dozen endpoints; it declares
Django 5.2 support, and it validates query parameters into 422 answers instead of letting bad input reach a query.

Rules every endpoint follows:
- scope only through ketnap.scope.Scope of the token's user: an object outside it answers 404, as on the
  screens; an overseer reads organisations and statistics, while people, members, candidates and due items come from
  Scope's personal-data querysets, which are empty for an overseer;
- token authentication only (see api.auth); 401 without a valid token;
- lists are paginated (limit/offset, at most MAX_LIMIT rows) in a stable order (ending on the primary key);
- GET only in this round: changes go through the screens (pipeline.domain.transition and the registry services).
  Writing endpoints would call those same entry points.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Annotated

from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, NinjaAPI, Path, Query, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.renderers import JSONRenderer

from ketnap.api import schemas
from ketnap.api.auth import TokenAuth
from ketnap.pipeline import due
from ketnap.pipeline.enums import Stage
from ketnap.privacy import readlog
from ketnap.privacy.models import ReadKind
from ketnap.registry.enums import MembershipStatus
from ketnap.registry.models import PartyMembership
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.scope import Scope
from ketnap.stats import bieu, figures
from ketnap.stats.periods import Period

MAX_LIMIT = 200
MAX_OFFSET = 10**9  # beyond any list ketnap holds, and far inside the database's integer range
MAX_ID = 2**63 - 1  # BigAutoField: a larger id is no id, answer 422 rather than ask the database
EARLIEST = dt.date(1930, 2, 3)  # the Party's founding: no statistic starts before it


class Utf8Renderer(JSONRenderer):
    json_dumps_params = {"ensure_ascii": False}  # Vietnamese readable in curl and logs, not \u escapes


api = NinjaAPI(
    title="ketnap API",
    version="1",
    description=(
        "API chỉ đọc của ketnap. Xác thực: tiêu đề `Authorization: Bearer <khóa>` (tạo khóa bằng "
        "`ketnap api-token create --user TÊN --name TÊN-KHÓA`). Danh sách phân trang bằng `limit` (tối đa "
        f"{MAX_LIMIT}) và `offset`. Ngày theo ISO 8601 (YYYY-MM-DD). Đối tượng ngoài phạm vi của tài khoản trả về 404."
    ),
    urls_namespace="api",
    openapi_url="/openapi.json",
    # Ninja's Swagger page uses its bundled assets because "ninja" is in INSTALLED_APPS (else it would load them
    # from a CDN, which an offline hospital network cannot reach).
    docs_url="/docs",
    auth=TokenAuth(),
    renderer=Utf8Renderer(),
)


@api.exception_handler(AuthenticationError)
def unauthenticated(request, exc):
    response = api.create_response(
        request,
        {"detail": "Cần khóa API hợp lệ: gửi tiêu đề Authorization: Bearer <khóa>. Khóa có thể đã bị thu hồi."},
        status=401,
    )
    response["WWW-Authenticate"] = 'Bearer realm="ketnap"'
    return response


@api.exception_handler(Http404)
def not_found(request, exc):
    return api.create_response(request, {"detail": "Không tìm thấy."}, status=404)


class Page(LimitOffsetPagination):
    class Input(Schema):
        limit: int = Field(50, ge=1, le=MAX_LIMIT)
        offset: int = Field(0, ge=0, le=MAX_OFFSET)

    def __init__(self, **kwargs):
        super().__init__(max_limit=MAX_LIMIT, **kwargs)


NOT_FOUND = {404: schemas.Error}
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
OrgCode = Annotated[str | None, Query(max_length=32, description="mã tổ chức: lọc cả cây dưới nó")]


def _scope(request) -> Scope:
    return Scope(request.auth)


def _read(request, scope: Scope, kind: ReadKind, *, person_id: int | None = None) -> None:
    """Reads of personal data through the API go into the read log like the pages' (ketnap.privacy): a list is a
    download of names (its filters kept), one person or candidate a page view; "API" says where it came from."""
    if not scope.sees_personal_data:
        return  # nothing personal was read
    readlog.record(request.auth, kind, person_id=person_id, what=f"API {request.path}", query=request.GET.urlencode())


def _within(scope: Scope, code: str | None, field: str = "organization__path") -> Q:
    """Rows under the organisation `code`; nothing when the code is unknown or outside the scope (a filter, not a
    lookup: the answer is the same empty list either way, so it tells an outsider nothing)."""
    if not code:
        return Q()
    org = scope.organizations().filter(code=code).first()
    return Q(**{f"{field}__startswith": org.path}) if org else Q(pk__in=[])


# --- organisations (aggregate: overseers too) ---------------------------------------------------------
@api.get("/organizations", response=list[schemas.Organization], url_name="organizations", tags=["Tổ chức"])
@paginate(Page)
def organizations(request, active: bool | None = None):
    """Tổ chức đảng trong phạm vi, theo cây (tổ chức cha trước tổ chức con)."""
    qs = _scope(request).organizations().select_related("parent").order_by("path", "pk")
    if active is not None:
        qs = qs.filter(dissolved_on__isnull=active)
    return qs


@api.get(
    "/organizations/{code}",
    response={200: schemas.OrganizationDetail, **NOT_FOUND},
    url_name="organization",
    tags=["Tổ chức"],
)
def organization(request, code: str):
    """Một tổ chức và số liệu hôm nay của cả cây dưới nó (nhân sự, đảng viên, % đảng viên, quần chúng)."""
    org = get_object_or_404(_scope(request).organizations().select_related("parent"), code=code)
    org.counts = None
    if org.active:
        tree = figures.current_tree([org])  # the counts kept per organisation (stats.figures)
        if tree:
            totals = tree[0].totals
            org.counts = {
                "staff": totals.staff,
                "members": totals.members,
                "official": totals.official,
                "probationary": totals.probationary,
                "member_percent": totals.member_percent,
                "non_members": totals.non_members,
            }
    return org


# --- people and members (personal data: none for overseers) -------------------------------------------
def _people(scope: Scope):
    memberships = Prefetch("memberships", queryset=PartyMembership.objects.select_related("organization"))
    return scope.persons().select_related("work_unit", "organization").prefetch_related(memberships)


@api.get("/people", response=list[schemas.Person], url_name="people", tags=["Nhân sự"])
@paginate(Page)
def people(
    request,
    q: Annotated[str, Query(max_length=100, description="tìm theo họ tên, CCCD, mã nhân viên; không cần dấu")] = "",
    organization: OrgCode = None,
    include_gone: Annotated[bool, Query(description="gồm cả người đã thôi việc / lưu trữ")] = False,
):
    """Nhân sự trong phạm vi, theo thứ tự tên tiếng Việt."""
    scope = _scope(request)
    _read(request, scope, ReadKind.DOWNLOAD)
    qs = _people(scope).filter(_within(scope, organization))
    if not include_gone:
        qs = qs.current()
    if q.strip():
        qs = qs.search(q.replace("\x00", ""))  # PostgreSQL refuses NUL in text
    return qs.vietnamese_order()


@api.get("/people/{pk}", response={200: schemas.PersonDetail, **NOT_FOUND}, url_name="person", tags=["Nhân sự"])
def person(request, pk: Id):
    scope = _scope(request)
    found = get_object_or_404(_people(scope), pk=pk)
    _read(request, scope, ReadKind.PERSON, person_id=found.pk)
    return found


@api.get("/members", response=list[schemas.Membership], url_name="members", tags=["Nhân sự"])
@paginate(Page)
def members(
    request,
    status: Annotated[MembershipStatus | None, Query(description="mặc định: đảng viên dự bị và chính thức")] = None,
    organization: OrgCode = None,
):
    """Đảng viên (các lần kết nạp) trong phạm vi, theo tên."""
    scope = _scope(request)
    _read(request, scope, ReadKind.DOWNLOAD)
    qs = scope.memberships().filter(_within(scope, organization))
    qs = qs.filter(status=status) if status else qs.filter(status__in=MembershipStatus.active())
    return qs.select_related("person", "organization").order_by("person__sort_key", "person_id", "pk")


# --- candidates and what is due ------------------------------------------------------------------------
@api.get("/candidates", response=list[schemas.Candidate], url_name="candidates", tags=["Phát triển đảng viên"])
@paginate(Page)
def candidates(
    request,
    stage: Stage | None = None,
    organization: OrgCode = None,
    is_open: Annotated[bool | None, Query(alias="open", description="chỉ người còn theo dõi (true) / đã xong")] = None,
):
    """Quần chúng ưu tú đến đảng viên dự bị trong phạm vi, giai đoạn mới đổi trước."""
    scope = _scope(request)
    _read(request, scope, ReadKind.DOWNLOAD)
    qs = scope.candidates().filter(_within(scope, organization)).select_related("person", "organization")
    if stage:
        qs = qs.filter(stage=stage)
    if is_open is True:
        qs = qs.exclude(stage__in=Stage.terminal())
    elif is_open is False:
        qs = qs.filter(stage__in=Stage.terminal())
    return qs.order_by("-stage_since", "pk")


@api.get(
    "/candidates/{candidate_pk}",
    response={200: schemas.CandidateDetail, **NOT_FOUND},
    url_name="candidate",
    tags=["Phát triển đảng viên"],
)
def candidate(request, candidate_pk: Id):
    """Một người, các bước đã ghi và việc tiếp theo với hạn của nó."""
    scope = _scope(request)
    found = get_object_or_404(scope.candidates().select_related("person", "organization"), pk=candidate_pk)
    _read(request, scope, ReadKind.CANDIDATE, person_id=found.person_id)
    found.next = due.next_action(found, today()) if found.open else None
    return found  # its steps come in Step's own order: newest first


class _DueRows(Sequence):
    """The open candidates by kept deadline, counted and sliced in SQL, loading names and actions only for the page
    sliced out (as the web page does)."""

    def __init__(self, candidates, day: dt.date):
        self.ordered, self.day = due.ordered(candidates).select_related(*due.ROW_RELATED), day

    def __len__(self) -> int:
        return self.ordered.count()

    def __getitem__(self, index):
        chosen = list(self.ordered[index] if isinstance(index, slice) else self.ordered[index : index + 1])
        found = due.rows_of(chosen, self.day)
        return found if isinstance(index, slice) else found[0]


@api.get("/due", response=list[schemas.DueItem], url_name="due", tags=["Phát triển đảng viên"])
@paginate(Page)
def due_items(
    request, mine: Annotated[bool, Query(description="chỉ người mà tài khoản này được phân công giúp đỡ")] = False
):
    """Việc cần làm: việc tiếp theo của từng người còn đang theo dõi, quá hạn trước, rồi theo hạn và tên."""
    scope = _scope(request)
    _read(request, scope, ReadKind.DOWNLOAD)
    qs = scope.candidates()
    if mine:
        qs = qs.filter(helpers__member__user=request.auth, helpers__until__isnull=True).distinct()
    day = today()
    return _DueRows(qs, day)


# --- statistics (aggregate: overseers too; figures only, never names) ---------------------------------
def _day(value: dt.date, name: str, latest: dt.date) -> dt.date:
    if not EARLIEST <= value <= latest:
        raise HttpError(422, f"{name}: ngày phải từ {ddmmyyyy(EARLIEST)} đến {ddmmyyyy(latest)}.")
    return value


@api.get(
    "/statistics/{code}/bieu-2",
    response={200: schemas.Table, **NOT_FOUND},
    url_name="statistics_bieu2",
    tags=["Thống kê"],
)
def statistics_bieu2(
    request,
    code: str,
    start: Annotated[dt.date | None, Query(alias="from", description="đầu kỳ; mặc định 01/01 năm nay")] = None,
    end: Annotated[
        dt.date | None, Query(alias="to", description="cuối kỳ (tính cả ngày này); mặc định hôm nay")
    ] = None,
):
    """Biểu 2-BTCTW: đảng viên mới kết nạp trong kỳ, so với cùng kỳ năm trước (Hướng dẫn 11-HD/BTCTW)."""
    org = get_object_or_404(_scope(request).organizations(), code=code)
    now = today()
    end_of_year = dt.date(now.year, 12, 31)
    start = _day(start or dt.date(now.year, 1, 1), "from", end_of_year)
    end = _day(end or now, "to", end_of_year)
    if end < start:
        raise HttpError(422, "Ngày kết thúc kỳ báo cáo phải sau ngày bắt đầu.")
    return bieu.new_members(org, Period(start, end))


@api.get(
    "/statistics/{code}/bieu-3",
    response={200: schemas.Table, **NOT_FOUND},
    url_name="statistics_bieu3",
    tags=["Thống kê"],
)
def statistics_bieu3(
    request,
    code: str,
    day: Annotated[dt.date | None, Query(alias="date", description="đảng viên tại ngày này; mặc định hôm nay")] = None,
):
    """Biểu 3-BTCTW: đảng viên tại một ngày, so với cùng ngày năm trước (Hướng dẫn 11-HD/BTCTW)."""
    org = get_object_or_404(_scope(request).organizations(), code=code)
    now = today()
    return bieu.membership(org, _day(day or now, "date", now))
