"""Long lists read a page at a time from where the last page ended (keyset pagination), not by skipping rows.

OFFSET makes the database read and throw away every row before the page: page 100 of the register costs 100 pages.
Here a page starts after (or before) one row, its "anchor", given by id in the link (?sau=<id> for the next page,
?truoc=<id> for the previous one); the database seeks to the anchor's place in the list's index and reads one page.
The order is total (the list's sort key, then id: namesakes keep their places) so no row is skipped or shown twice
between pages, even while rows are added.

The anchor's sort values are looked up by id among the rows the user may see (`anchors`, the scope, not the page's
filters): the link names an id only, no name (URLs end up in logs and histories), and an id from outside the scope
starts the list from the top, telling nothing of where that person would sort.

No page numbers: "page 37 of 640" needs the rows before the page counted, the cost keyset paging avoids, and nobody
looks for a person by page number in a register of 80,000: they search. A page shows its rows' places ("51–100 of
1,234", the first place carried in the link as ?stt=, a hint for display only), the total, and links to the first,
previous and next pages, plain links that work without JavaScript and keep the filters.
"""

from dataclasses import dataclass, field

from django.db.models import BooleanField, F, Func, Value

PAGE_SIZE = 50
CURSOR_KEYS = ("sau", "truoc", "stt", "trang")  # what a page link adds to the filters ("trang": old links)


class RowAfter(Func):
    """(a, b, …) > (x, y, …) as one row-value comparison (SQLite ≥ 3.15, PostgreSQL), which both planners match to
    an index on (a, b, …) or on a; the OR-of-ANDs Django writes for SQLite makes SQLite's planner pick a poor plan."""

    output_field = BooleanField()
    conditional = True

    def __init__(self, names: list[str], values: list, *, before: bool = False):
        self.width, self.operator = len(names), "<" if before else ">"
        super().__init__(*[F(name) for name in names], *[Value(v) for v in values])

    def as_sql(self, compiler, connection, **extra):
        parts, params = [], []
        for expression in self.get_source_expressions():
            sql, more = compiler.compile(expression)
            parts.append(sql)
            params.extend(more)
        columns, values = ", ".join(parts[: self.width]), ", ".join(parts[self.width :])
        return f"({columns}) {self.operator} ({values})", params


@dataclass
class KeysetPage:
    object_list: list
    count: int
    start_index: int  # the place of the first row (1-based), 0 when empty
    has_next: bool = False
    has_previous: bool = False
    links: dict[str, str] = field(default_factory=dict)  # "first", "previous", "next": query strings

    def __iter__(self):
        return iter(self.object_list)

    def __len__(self):
        return len(self.object_list)

    @property
    def end_index(self) -> int:
        return self.start_index + len(self.object_list) - 1 if self.object_list else 0

    @property
    def has_other_pages(self) -> bool:
        return self.has_next or self.has_previous


def keyset_page(request, queryset, order: tuple[str, ...] = (), *, anchors=None, size: int = PAGE_SIZE) -> KeysetPage:
    """The page of `queryset` (the filtered list) in `order` that the request's ?sau= or ?truoc= asks for. `order`: all
    ascending or all descending field names, the last one the id (default: the queryset's own order_by, so that the
    pages follow the list as its module orders it). `anchors`: where an anchor id is looked up (the scope; default:
    the queryset)."""
    order = tuple(order or queryset.query.order_by)
    _check_order(order)
    count = queryset.count()
    page = _anchored_page(request, queryset, order, anchors=anchors, size=size, count=count)
    if page is None:
        rows = list(queryset.order_by(*order)[: size + 1])
        page = KeysetPage(rows[:size], count, 1, has_next=len(rows) > size)
    if not page.object_list:
        page.start_index = 0
    page.links = _links(request, page)
    return page


def _anchored_page(request, queryset, order: tuple[str, ...], *, anchors, size: int, count: int) -> KeysetPage | None:
    """The page after ?sau= or before ?truoc=; None when the link names no anchor the user may see, or the anchor's
    neighbourhood has changed so much that the first page is the honest answer."""
    after, before = _id(request.GET.get("sau")), _id(request.GET.get("truoc"))
    names = [name.lstrip("-") for name in order]
    anchor = _values(anchors if anchors is not None else queryset, names, after or before)
    if anchor is None:
        return None
    start = _id(request.GET.get("stt")) or 1
    if after:
        return _page_after(queryset, order, anchor, size=size, count=count, start=start)
    return _page_before(queryset, order, anchor, size=size, count=count, start=start)


def _check_order(order: tuple) -> None:
    if not order or not all(isinstance(name, str) for name in order) or order[-1].lstrip("-") not in {"pk", "id"}:
        raise ValueError(f"keyset pages need an order by field names ending with the id, not {order!r}")
    if len({name.startswith("-") for name in order}) > 1:
        raise ValueError(f"keyset pages need one direction for the whole order, not {order!r}")


def _page_after(queryset, order: tuple[str, ...], anchor: list, *, size: int, count: int, start: int):
    """The page after the anchor row; None when nothing is left after it (rows gone since): the first page then."""
    names, descending = [name.lstrip("-") for name in order], order[0].startswith("-")
    rows = list(queryset.filter(RowAfter(names, anchor, before=descending)).order_by(*order)[: size + 1])
    if not rows:
        return None
    return KeysetPage(rows[:size], count, min(start, count), has_next=len(rows) > size, has_previous=True)


def _page_before(queryset, order: tuple[str, ...], anchor: list, *, size: int, count: int, start: int):
    """The page before the anchor row, read backwards; None when it is not a full page with more before it: back at
    the top, the first page as it is now."""
    names, descending = [name.lstrip("-") for name in order], order[0].startswith("-")
    backwards = [name if descending else f"-{name}" for name in names]
    rows = list(queryset.filter(RowAfter(names, anchor, before=not descending)).order_by(*backwards)[: size + 1])
    if len(rows) <= size:
        return None
    return KeysetPage(rows[:size][::-1], count, max(start - size, 2), has_next=True, has_previous=True)


def _links(request, page: KeysetPage) -> dict[str, str]:
    params = request.GET.copy()
    for key in CURSOR_KEYS:
        params.pop(key, None)
    links = {}
    if page.has_previous:
        links["first"] = params.urlencode()
        previous = params.copy()
        previous.update({"truoc": page.object_list[0].pk, "stt": page.start_index})
        links["previous"] = previous.urlencode()
    if page.has_next:
        following = params.copy()
        following.update({"sau": page.object_list[-1].pk, "stt": page.end_index + 1})
        links["next"] = following.urlencode()
    return links


def _id(raw: str | None) -> int | None:
    return int(raw) if raw and raw.isdigit() and len(raw) < 12 else None


def _values(queryset, names: list[str], pk: int | None) -> list | None:
    if pk is None:
        return None
    if names in (["pk"], ["id"]):
        return [pk]  # the id is the whole key: nothing to look up
    row = queryset.filter(pk=pk).values_list(*names).first()
    return list(row) if row is not None else None
