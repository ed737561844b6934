"""Pipeline pages: board, candidate page, steps, dossier, introducers, mentor notes, what is due.

Every candidate is fetched through Scope.candidates(): outsiders get 404; scans are served only through it.
"""

import functools
from dataclasses import dataclass
from html import escape

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from ketnap.pipeline import checks, domain, due, inquiries, meeting, review
from ketnap.pipeline import notes as pipeline_notes
from ketnap.pipeline.enums import DocumentKind, HelperRole, Stage, StepKind
from ketnap.pipeline.models import Assessment, Nomination
from ketnap.pipeline.transitions import TRANSITIONS, NotOnTheRoad, available, plan
from ketnap.privacy import readlog
from ketnap.privacy.models import ReadKind
from ketnap.registry.enums import OrgKind
from ketnap.registry.models import Organization
from ketnap.registry.search import matching
from ketnap.registry.services.dates import today
from ketnap.rules.dates import ddmmyyyy
from ketnap.scope import scope_for
from ketnap.stats.pdf import PdfUnavailable
from ketnap.stats.tables import Column, Kind
from ketnap.vietnamese import sort_key
from ketnap.web.exporting import PDF, export_rows_response, file_response
from ketnap.web.forms import pipeline as pipeline_forms
from ketnap.web.paging import keyset_page
from ketnap.web.views.common import PAGE_SIZE, apply_errors, parse_day, querystring


def _candidate(request, candidate_pk) -> tuple:
    scope = scope_for(request)
    candidate = get_object_or_404(
        scope.candidates().select_related("person", "organization", "organization__parent"), pk=candidate_pk
    )
    return scope, candidate


def _editable(request, candidate_pk) -> tuple:
    scope, candidate = _candidate(request, candidate_pk)
    if not scope.can_edit_people_of(candidate.organization) or not candidate.open:
        raise PermissionDenied
    return scope, candidate


# The board's and the due list's filters ride along in every link (pager, stage boxes, downloads) as these keys.
URGENCY_PARAMS = {"qua-han": "overdue", "sap-den-han": "soon", "con-han": "ok"}


@dataclass
class Filters:
    """What the board and the due list are narrowed to: a name (without diacritics), a chi bộ or đảng bộ of the
    scope (with everything under it), a stage, an urgency (due list) and "only those I help" (due list)."""

    q: str = ""
    org: Organization | None = None
    stage: str = ""
    urgency: str = ""  # a key of URGENCY_PARAMS
    mine: bool = False

    @property
    def active(self) -> bool:
        return bool(self.q or self.org or self.stage or self.urgency)


def _filters(request, scope) -> Filters:
    code = request.GET.get("to-chuc", "")
    stage = request.GET.get("giai-doan", "")
    urgency = request.GET.get("han", "")
    return Filters(
        q=request.GET.get("q", "").strip(),
        # an organisation outside the scope is 404, as its page would be
        org=get_object_or_404(scope.personal_organizations(), code=code) if code else None,
        stage=stage if stage in Stage.values else "",
        urgency=urgency if urgency in URGENCY_PARAMS else "",
        mine=request.GET.get("cua-toi") == "1",
    )


def _narrowed(candidates, filters: Filters, user):
    """The candidates the filters keep, every stage (the board counts by stage; the caller picks the stage)."""
    if filters.mine:
        candidates = candidates.filter(helpers__member__user=user, helpers__until__isnull=True).distinct()
    if filters.org is not None:
        candidates = candidates.filter(organization__path__startswith=filters.org.path)
    if filters.q:
        candidates = matching(candidates, filters.q, person="person")
    return candidates


# Organisation names sorted the Vietnamese way: the same few thousand names on every board and due list of a
# province office (#14: sort_key was a third of the board's time), so remembered per process; a pure function.
_org_name_key = functools.lru_cache(maxsize=8192)(sort_key)


def _org_choices(scope, chosen: Organization | None) -> tuple[tuple[str, str], ...]:
    """The scope's organisations (today's tree, sister organisations by name), indented, for the filter; empty when
    the scope is one chi bộ (nothing to choose). One query, of plain values: a province office has 1,400 of them."""
    fields = ("pk", "parent_id", "code", "name", "position")
    orgs = list(
        scope.personal_organizations()
        .filter(dissolved_on__isnull=True)
        .order_by("depth", "position", "name")
        .values_list(*fields)
    )
    if chosen is not None and chosen.pk not in {o[0] for o in orgs}:
        orgs.append(tuple(getattr(chosen, f) for f in fields))  # a dissolved one reached by its code stays selectable
    return _indented(tuple(orgs)) if len(orgs) >= 2 else ()


@functools.lru_cache(maxsize=32)
def _indented(orgs: tuple[tuple, ...]) -> tuple[tuple[str, str], ...]:
    """(code, indented name) in tree order of these (pk, parent_id, code, name, position) rows: a pure function of the
    rows read, so remembered per process — the same tree on every board and due list of an office (#14: 4 ms of a
    province office's 30)."""
    ids = {o[0] for o in orgs}
    children: dict[int | None, list[tuple]] = {}
    for org in orgs:
        children.setdefault(org[1] if org[1] in ids else None, []).append(org)
    choices: list[tuple[str, str]] = []

    def walk(parent_id, level):
        for pk, _parent, code, name, _position in sorted(
            children.get(parent_id, []), key=lambda o: (o[4], _org_name_key(o[3]))
        ):
            choices.append((code, "\u00a0\u00a0" * level + name))
            walk(pk, level + 1)

    walk(None, 0)
    return tuple(choices)


@functools.lru_cache(maxsize=32)
def _option_tags(choices: tuple[tuple[str, str], ...], picked: str | None) -> str:
    """The filter's <option>s, escaped here: through the template engine (or format_html) 1,400 of them cost a province
    office's board and due list more than the rest of the page (#14); remembered as _indented is."""
    return mark_safe(  # every value is escaped on the line below
        "".join(
            f'<option value="{escape(code)}"{" selected" if code == picked else ""}>{escape(label)}</option>'
            for code, label in choices
        )
    )


def _org_options(choices: tuple[tuple[str, str], ...], chosen: Organization | None) -> str:
    return _option_tags(choices, chosen.code if chosen is not None else None)


def _filter_context(request, scope, filters: Filters) -> dict:
    choices = _org_choices(scope, filters.org)
    return {
        "filters": filters,
        "org_choices": choices,
        "org_options": _org_options(choices, filters.org),
        "querystring": querystring(request),
        "download_query": querystring(request, "xuat"),
        "without_stage": querystring(request, "giai-doan"),
    }


def board(request):
    """Candidates by stage in the user's scope, counts drilling down to names; narrowed by name and organisation,
    downloadable (the stage chosen, else everyone on the road) in the office's order."""
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    filters = _filters(request, scope)
    candidates = _narrowed(scope.candidates(), filters, request.user)
    stage = filters.stage
    download = export_rows_response(
        request,
        columns=DUE_COLUMNS,
        rows=_due_rows(_board_items(candidates, stage)),
        basename=f"phat-trien-dang-vien-{today():%Y-%m-%d}",
        title=str(_("Phát triển đảng viên")),
        subtitle=_subtitle(filters),
    )
    if download is not None:
        return download
    counts = dict(candidates.order_by().values_list("stage").annotate(n=Count("id")))
    page = _board_page(request, scope, candidates, filters)
    columns = [(s, counts.get(s.value, 0)) for s in Stage.board()]
    batch = [t for t in TRANSITIONS.values() if t.name in domain.BATCHABLE and stage in t.sources]
    return render(
        request,
        "web/pipeline_board.html",
        {
            "columns": columns,
            "org": filters.org,
            "stage": stage,
            "stage_label": Stage(stage).label if stage else "",
            "page": page,
            "batch": batch,
            "closed": [(s, counts.get(s.value, 0)) for s in (Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED)],
            **_filter_context(request, scope, filters),
        },
    )


def _board_page(request, scope, candidates, filters: Filters):
    """The names under the counts: a closed stage's people by name (keyset pages), an open stage's (or, for a name
    searched, every match's, to show where each stands) by the kept deadline, paged in SQL; None: counts only."""
    stage = filters.stage
    if stage in Stage.terminal():
        closed = candidates.filter(stage=stage).select_related("person", "organization")
        page = keyset_page(request, closed, ("person__sort_key", "pk"), anchors=scope.candidates())
        page.object_list = [due.DueItem(c, "", None, "", None, "none") for c in page.object_list]
        return page
    if not (stage or filters.q):
        return None
    chosen = candidates.filter(stage=stage) if stage else candidates
    page = Paginator(due.ordered(chosen).select_related(*due.ROW_RELATED), PAGE_SIZE).get_page(request.GET.get("trang"))
    page.object_list = due.rows_of(list(page.object_list), today())
    return page


def _board_items(candidates, stage: str):
    """The board's download: the stage chosen, else everyone on the road, with next step and deadline. A generator:
    nothing is read unless a download iterates it (the page itself shows one page)."""
    if stage in Stage.terminal():
        closed = candidates.filter(stage=stage).select_related("person", "person__work_unit", "organization")
        yield from (due.DueItem(c, "", None, "", None, "none") for c in closed.iterator(chunk_size=2000))
        return
    yield from due.loaded(candidates.filter(stage=stage) if stage else candidates, today())


def _due_items(candidates):
    """The due list's download, read only when a download iterates it."""
    yield from due.loaded(candidates, today())


def _subtitle(filters: Filters) -> str:
    """The date and the filters applied, under the spreadsheet's title: a printed list says what it lists."""
    parts = [ddmmyyyy(today())]
    if filters.org is not None:
        parts.append(filters.org.name)
    if filters.stage:
        parts.append(str(Stage(filters.stage).label))
    if filters.urgency:
        parts.append(str(URGENCY_WORDS[URGENCY_PARAMS[filters.urgency]]))
    if filters.q:
        parts.append(f"“{filters.q}”")
    return " · ".join(parts)


def due_list(request):
    """Việc cần làm: every open candidate in scope with its next action and deadline, overdue first; narrowed by
    name, organisation, stage, urgency and "only those I help"."""
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    filters = _filters(request, scope)
    candidates = _narrowed(scope.candidates(), filters, request.user)
    if filters.stage:
        candidates = candidates.filter(stage=filters.stage)
    counts = due.counts_of(candidates, today())  # before the urgency filter: the badges say what each choice shows
    if filters.urgency:
        candidates = candidates.filter(due.urgency_q(URGENCY_PARAMS[filters.urgency], today()))
    download = export_rows_response(
        request,
        columns=DUE_COLUMNS,
        rows=_due_rows(_due_items(candidates)),
        basename=f"viec-can-lam-{today():%Y-%m-%d}",
        title=str(_("Việc cần làm")),
        subtitle=_subtitle(filters),
    )
    if download is not None:
        return download
    # the kept deadlines ordered and paged in SQL; names and actions only for the rows shown
    page = Paginator(due.ordered(candidates).select_related(*due.ROW_RELATED), PAGE_SIZE).get_page(
        request.GET.get("trang")
    )
    page.object_list = due.rows_of(list(page.object_list), today())
    context = {
        "page": page,
        "counts": counts,
        "mine": filters.mine,
        "stage_choices": [s for s in Stage.board() if s not in Stage.terminal()],
        # the three badges are the urgency filter: (query value, css class, label, count)
        "urgencies": [(p, u, URGENCY_LABELS[u], counts[u]) for p, u in URGENCY_PARAMS.items()],
        "without_urgency": querystring(request, "han"),
        "without_mine": querystring(request, "cua-toi"),
        # a secretary of one chi bộ does not need its name on every card
        "show_cell": len(due.open_candidates(candidates).order_by().values("organization_id").distinct()[:2]) > 1,
        **_filter_context(request, scope, filters),
    }
    return render(request, "web/due_list.html", context)


DUE_COLUMNS = [
    Column("unit", gettext_lazy("Khoa / phòng")),
    Column("cell", gettext_lazy("Chi bộ")),
    Column("name", gettext_lazy("Họ và tên")),
    Column("stage", gettext_lazy("Giai đoạn")),
    Column("action", gettext_lazy("Việc tiếp theo")),
    Column("due", gettext_lazy("Hạn"), Kind.DATE),
    Column("urgency", gettext_lazy("Tình trạng")),
    Column("rule", gettext_lazy("Căn cứ")),
]
URGENCY_WORDS = {"overdue": "Quá hạn", "soon": "Sắp đến hạn", "ok": "Còn hạn", "none": ""}
URGENCY_LABELS = {
    "overdue": gettext_lazy("Quá hạn"),
    "soon": gettext_lazy("Sắp đến hạn (≤ 5 ngày làm việc)"),
    "ok": gettext_lazy("Còn hạn"),
}


def _due_rows(items):
    """Due items as a table for the office's spreadsheet, in the office's order (due.office_order: khoa/phòng →
    chi bộ → name → step → due date; the list on screen is ordered by urgency)."""
    for i in sorted(items, key=due.office_order):
        person = i.candidate.person
        yield [
            person.work_unit.name if person.work_unit else "",
            i.candidate.organization.name,
            person.full_name,
            str(i.candidate.get_stage_display()),
            i.action,
            i.due,
            URGENCY_WORDS[i.urgency],
            f"{i.rule} — {i.source}" if i.rule else "",
        ]


def candidate_detail(request, candidate_pk):
    scope, candidate = _candidate(request, candidate_pk)
    readlog.record(request.user, ReadKind.CANDIDATE, person_id=candidate.person_id)  # one INSERT (ketnap.privacy)
    steps = list(candidate.steps.select_related("recorded_by").order_by("-on", "-id"))
    # the road's first entry (put on the list) is no step; a member adopted at the decision never had it
    began_as_source = not steps or steps[-1].stage_before == Stage.SOURCE
    documents = {d.kind: d for d in candidate.documents.order_by("received_on")}
    phase = checks.papers_for(candidate)
    checklist = [(DocumentKind(kind), documents.get(kind)) for kind in phase]
    helpers, notes = _helpers_and_notes(candidate, steps, documents)
    return render(
        request,
        "web/candidate_detail.html",
        {
            "candidate": candidate,
            "steps": steps,
            "began_as_source": began_as_source,
            "checklist": checklist,
            "other_documents": [d for k, d in documents.items() if k not in phase],
            "next": _next_action(candidate, steps),
            "transitions": available(candidate) if candidate.open else [],
            "introductions": candidate.introductions.select_related("introducer"),
            "helpers": helpers,
            "notes": notes,
            "inquiries": [(i, inquiries.urgency(i, today())) for i in candidate.inquiries.all()],
            "can_edit": scope.can_edit_people_of(candidate.organization) and candidate.open,
            "is_mentor": any(_mentors_now(h, request.user) for h in helpers),
        },
    )


def _helpers_and_notes(candidate, steps: list, documents: dict) -> tuple[list, list]:
    """The helpers, each with their next note due (rules.notes, from what the page read: the chi bộ sees who has not
    written), and the notes written."""
    helpers = list(candidate.helpers.select_related("member"))
    notes = list(candidate.mentor_notes.select_related("helper__member"))
    due_notes = pipeline_notes.for_candidate(candidate, helpers, notes, steps, documents, today())
    for helper in helpers:
        helper.next_note = due_notes.get(helper.pk)
    return helpers, notes


def _next_action(candidate, steps: list) -> due.DueItem | None:
    """The open candidate's next action, its deadline's step dates taken from the steps the page read (newest
    first; due.step_dates gives them oldest first)."""
    if not candidate.open:
        return None
    timed = [(s.candidate_id, s.kind, s.on, s.received_on) for s in reversed(steps) if s.passed]
    dates = due.dates_from(t for t in timed if t[1] in due.TIMED_STEPS).get(candidate.pk, {})
    return due.next_action(candidate, today(), dates)


def _mentors_now(helper, user) -> bool:
    """The user is this probationary member's mentor today."""
    return helper.role == HelperRole.MENTOR and helper.until is None and helper.member.user_id == user.pk


@require_http_methods(["GET", "POST"])
def candidate_create(request, pk):
    scope = scope_for(request)
    person = get_object_or_404(scope.persons(), pk=pk)
    if not scope.can_edit_people_of(person.organization):
        raise PermissionDenied
    form = pipeline_forms.CandidateForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        facts = {k: v for k, v in form.cleaned_data.items() if k != "on"}
        try:
            candidate = domain.create_candidate(person, actor=request.user, on=form.cleaned_data["on"], **facts)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã đưa %(name)s vào nguồn quần chúng ưu tú.") % {"name": person.full_name})
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "back_person": person, "title": _("Quần chúng ưu tú: %(name)s") % {"name": person.full_name}},
    )


@require_http_methods(["GET", "POST"])
def candidate_facts(request, candidate_pk):
    """Re-admission and over-60 facts, which the chi bộ's review and the decision are judged on."""
    _scope, candidate = _editable(request, candidate_pk)
    form = pipeline_forms.FactsForm(request.POST or None, instance=candidate)
    if request.method == "POST" and form.is_valid():
        domain.record_facts(candidate, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu."))
        return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Kết nạp lại, người trên 60 tuổi: %(name)s") % {"name": candidate.person.full_name}},
    )


@require_http_methods(["GET", "POST"])
def candidate_step(request, candidate_pk, name):
    _scope, candidate = _editable(request, candidate_pk)
    try:
        transition = plan(candidate, name).transition  # the same answer domain.transition() acts on
    except NotOnTheRoad:
        raise Http404 from None
    form = pipeline_forms.StepForm(request.POST or None, transition=transition, candidate=candidate)
    verdict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            step = domain.transition(candidate, name, actor=request.user, data=data)
        except domain.TransitionRefused as exc:
            verdict = exc.verdict  # one box with the reasons and their sources; the fields they concern marked
            _mark_concerned(form, verdict)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            if not step.passed:
                messages.error(request, _("Đã ghi biên bản biểu quyết nhưng chưa đạt tỷ lệ 2/3: chưa chuyển bước."))
            else:
                messages.success(request, _("Đã ghi nhận: %(step)s.") % {"step": transition.label})
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/step_form.html",
        {
            "form": form,
            "title": transition.label,
            "candidate": candidate,
            "verdict": verdict,
            # before anything is typed: what the record does not yet satisfy for this step, with its source
            "needs": None if verdict else _needs(candidate, name),
        },
    )


def _mark_concerned(form, verdict) -> None:
    for field_name in pipeline_forms.fields_concerned(verdict, form):
        form.fields[field_name].widget.attrs["aria-invalid"] = "true"
        form.fields[field_name].widget.attrs["class"] = "concerned"


def _needs(candidate, name: str):
    """What the rules would refuse if the step were recorded today with the record as it stands, leaving out what
    the form itself supplies (the date, the vote, the helpers, the mentor, the reason)."""
    from ketnap.rules.verdict import Verdict

    try:
        verdict = domain.preview(candidate, name, {"on": today()})
    except (ValidationError, AttributeError):
        return None
    form_codes = ("vote.", "date.", "reason.", "mentor.", "helpers.", "decision.received")
    kept = tuple(f for f in (*verdict.blocking, *verdict.needs_consent) if not f.code.startswith(form_codes))
    return Verdict(kept) if kept else None


@require_http_methods(["GET", "POST"])
def candidate_document(request, candidate_pk):
    _scope, candidate = _editable(request, candidate_pk)
    form = pipeline_forms.DocumentForm(
        request.POST or None, request.FILES or None, initial={"kind": request.GET.get("loai")}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            domain.receive_document(
                candidate, d["kind"], actor=request.user, on=d["received_on"], note=d["note"], scan=d["scan"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận giấy tờ."))
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Nhận giấy tờ hồ sơ"), "multipart": True, "back_candidate": candidate},
    )


@require_http_methods(["GET", "POST"])
def candidate_inquiry(request, candidate_pk):
    """A request about the applicant sent (residence or unions comments, the verification of the biography)."""
    _scope, candidate = _editable(request, candidate_pk)
    form = pipeline_forms.InquiryForm(request.POST or None, initial={"sent_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            inquiry = inquiries.send(candidate, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request, _("Đã ghi đề nghị; đề nghị trả lời trước ngày %(d)s.") % {"d": ddmmyyyy(inquiry.reply_by)}
            )
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    title = _("Hỏi ý kiến, thẩm tra lý lịch")
    return render(request, "web/form.html", {"form": form, "title": title, "back_candidate": candidate})


@require_http_methods(["GET", "POST"])
def inquiry_reply(request, candidate_pk, inquiry_pk):
    _scope, candidate = _editable(request, candidate_pk)
    inquiry = get_object_or_404(candidate.inquiries, pk=inquiry_pk)
    form = pipeline_forms.InquiryReplyForm(request.POST or None, initial={"replied_on": today()})
    if request.method == "POST" and form.is_valid():
        try:
            inquiries.reply(inquiry, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi trả lời."))
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    title = f"{_('Ghi trả lời')}: {inquiry.get_kind_display()}"
    return render(request, "web/form.html", {"form": form, "title": title, "back_candidate": candidate})


def inquiry_letter(request, candidate_pk, inquiry_pk):
    """The request as a printable letter (PDF); its download is in the read log, as every file with a name."""
    _scope, candidate = _candidate(request, candidate_pk)
    inquiry = get_object_or_404(candidate.inquiries.select_related("candidate__organization__parent"), pk=inquiry_pk)
    try:
        pdf = inquiries.letter_pdf(inquiry)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("candidate_detail", candidate_pk=candidate.pk)
    filename = f"cong-van-{inquiry.kind}-{candidate.pk}-{inquiry.pk}.pdf"
    readlog.record(request.user, ReadKind.DOWNLOAD, person_id=candidate.person_id, what=filename)
    return file_response(pdf, filename, PDF)


@require_http_methods(["GET", "POST"])
def candidate_document_edit(request, candidate_pk, doc_pk):
    """Correct a paper's record (its date, its note) or withdraw it, audited: nobody records a paper twice."""
    _scope, candidate = _editable(request, candidate_pk)
    item = get_object_or_404(candidate.documents, pk=doc_pk)
    form = pipeline_forms.DocumentCorrectionForm(
        request.POST or None, initial={"received_on": item.received_on, "note": item.note}
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            if "withdraw" in request.POST:
                domain.withdraw_document(item, actor=request.user, reason=d["reason"])
                messages.success(request, _("Đã rút bản ghi giấy tờ; nhật ký giữ lại nội dung cũ."))
            else:
                domain.correct_document(item, actor=request.user, on=d["received_on"], note=d["note"])
                messages.success(request, _("Đã sửa bản ghi giấy tờ."))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/document_edit.html",
        {"form": form, "item": item, "candidate": candidate, "back_candidate": candidate},
    )


def candidate_scan(request, candidate_pk, doc_pk):
    """A scanned paper, served only to those who may read the candidate (never from a public media URL)."""
    _scope, candidate = _candidate(request, candidate_pk)
    item = get_object_or_404(candidate.documents.exclude(scan=""), pk=doc_pk)
    readlog.record(request.user, ReadKind.SCAN, person_id=candidate.person_id, what=item.get_kind_display())
    return FileResponse(
        item.scan.open("rb"),
        content_type=item.scan_type or "application/octet-stream",
        filename=item.scan.name.rsplit("/", 1)[-1],
    )


@require_http_methods(["GET", "POST"])
def candidate_introduction(request, candidate_pk):
    _scope, candidate = _editable(request, candidate_pk)
    form = pipeline_forms.IntroductionForm(request.POST or None, candidate=candidate)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            domain.add_introduction(
                candidate,
                actor=request.user,
                kind=d["kind"],
                introducer=d.get("introducer"),
                together_since=d.get("together_since"),
                introduced_on=d["introduced_on"],
                replacement=d.get("replacement") or False,
                replacement_reason=d.get("replacement_reason") or "",
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi nhận người giới thiệu."))
            return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {
            "form": form,
            "title": _("Người giới thiệu vào Đảng"),
            "back_candidate": candidate,
            "help_text": _(
                "Đảng viên chính thức, cùng công tác ít nhất 12 tháng "
                "(QĐ 294-QĐ/TW điểm 3.2.1); đảng viên dự bị không được "
                "giới thiệu."
            ),
        },
    )


def _note_writer(request, candidate_pk) -> tuple:
    """The candidate's helpers today, the user's own helper row (a helper writes their own notes) and the candidate;
    PermissionDenied for anyone else but those who may edit the chi bộ's people, and once the road is closed."""
    scope, candidate = _candidate(request, candidate_pk)
    helpers = list(candidate.helpers.filter(until__isnull=True).select_related("member"))
    own = next((h for h in helpers if h.member.user_id == request.user.pk), None)
    if not (own or scope.can_edit_people_of(candidate.organization)) or not candidate.open:
        raise PermissionDenied
    return helpers, own, candidate


@require_http_methods(["GET", "POST"])
def candidate_note(request, candidate_pk):
    helpers, own, candidate = _note_writer(request, candidate_pk)
    only = helpers[0].pk if len(helpers) == 1 else None
    form = pipeline_forms.MentorNoteForm(
        request.POST or None, initial={"on": today(), "helper": only}, helpers=None if own else helpers
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        pipeline_notes.write_note(
            candidate, actor=request.user, helper=own or data.get("helper"), on=data["on"], text=data["text"]
        )
        messages.success(request, _("Đã lưu nhận xét."))
        return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Nhận xét của đảng viên giúp đỡ"), "back_candidate": candidate},
    )


@require_http_methods(["GET", "POST"])
def note_plan(request, code):
    """The chi bộ's plan for its helpers' notes (ketnap.rules.notes): its secretary or the office sets it."""
    scope = scope_for(request)
    org = get_object_or_404(scope.personal_organizations().filter(kind__in=OrgKind.cell_kinds()), code=code)
    if not scope.can_edit_people_of(org) or not org.active:
        raise PermissionDenied
    form = pipeline_forms.NotePlanForm(request.POST or None, initial={"every_months": pipeline_notes.plan_of(org.pk)})
    if request.method == "POST" and form.is_valid():
        pipeline_notes.set_plan(org, form.cleaned_data["every_months"], actor=request.user)
        messages.success(request, _("Đã ghi kế hoạch nhận xét của chi bộ."))
        return redirect("org_detail", code=org.code)
    title = _("Kế hoạch nhận xét của người giúp đỡ")
    return render(request, "web/form.html", {"form": form, "title": title, "org": org})


@require_http_methods(["GET", "POST"])
def cell_meeting(request, code):
    """Họp chi bộ: what the chi bộ decides at its meeting on a day (pipeline.meeting.agenda), who votes, and after
    it the votes of every case on one page, each recorded alone with its own checks."""
    scope = scope_for(request)
    org = get_object_or_404(scope.personal_organizations().filter(kind__in=OrgKind.cell_kinds()), code=code)
    raw = request.POST.get("on") if request.method == "POST" else request.GET.get("ngay")
    day = parse_day(raw) if raw else today()
    if day is None:
        messages.error(request, _("Ngày họp không hợp lệ; nhập theo dạng dd/mm/yyyy."))
        day = today()
    agenda = meeting.agenda(org, day)
    can_record = scope.can_edit_people_of(org) and org.active
    outcomes, errors = [], []
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        rows, errors, shared = _meeting_votes(request.POST, agenda)
        if not errors and not rows:
            errors.append(_("Chưa nhập số phiếu tán thành của trường hợp nào."))
        if not errors:
            outcomes = meeting.record_votes(org, rows, actor=request.user, on=day, **shared)
            agenda = meeting.agenda(org, day)  # the cases recorded have moved on
    context = {"org": org, "agenda": agenda, "can_record": can_record, "outcomes": outcomes, "errors": errors}
    context.update(posted=request.POST, official_count=len(agenda.voters.official))
    return render(request, "web/meeting.html", context)


def _meeting_votes(data, agenda) -> tuple[list, list[str], dict]:
    """The votes typed after the meeting: a case left blank was not voted on; every number is checked, naming its
    row, before anything is recorded."""
    errors = []

    def number(key: str, label: str, *, blank_ok: bool = False) -> int | None:
        raw = (data.get(key) or "").strip()
        if not raw and blank_ok:
            return None
        if not raw.isdigit():
            errors.append(_("%(what)s: nhập một số nguyên không âm.") % {"what": label})
            return None
        return int(raw)

    shared = {
        "members_total": number("members_total", _("Tổng số đảng viên chính thức")),
        "members_excused": number("members_excused", _("Số vắng được trừ"), blank_ok=True) or 0,
    }
    rows = []
    for case in agenda.voted:
        pk, name = case.candidate.pk, case.candidate.person.full_name
        agree = number(f"votes_{pk}", _("%(name)s: số phiếu tán thành") % {"name": name}, blank_ok=True)
        if agree is not None:
            rows.append(meeting.VoteRow(case.candidate, case.step, agree, (data.get(f"so_{pk}") or "").strip()))
    return rows, errors, shared


@require_http_methods(["GET", "POST"])
def source_review(request, code):
    """Rà soát nguồn: every non-member of the organisation's staff, their last assessment, those due first; the
    chi bộ's assessments of one sitting typed on one page and recorded together (pipeline.review)."""
    scope = scope_for(request)
    org = get_object_or_404(scope.personal_organizations(), code=code)
    day = today()
    rows = review.pool(org, day)
    can_record = scope.can_edit_people_of(org) and org.active
    errors: list[str] = []
    if request.method == "POST":
        if not can_record:
            raise PermissionDenied
        on = parse_day(request.POST.get("on"))
        post = request.POST
        entries = []
        for row in rows:  # a row left blank was not assessed at this sitting
            pk = row.person.pk
            if post.get(f"a_{pk}"):
                entries.append(
                    review.Entry(row.person, post[f"a_{pk}"], post.get(f"r_{pk}", ""), post.get(f"n_{pk}", ""))
                )
        if on is None:
            errors.append(_("Ngày rà soát không hợp lệ; nhập theo dạng dd/mm/yyyy."))
        elif not entries:
            errors.append(_("Chưa đánh giá người nào."))
        else:
            try:
                review.record(entries, on=on, actor=request.user)
            except ValidationError as exc:
                errors += exc.messages
            else:
                messages.success(request, _("Đã ghi kết quả rà soát của %(n)s người.") % {"n": len(entries)})
                return redirect("source_review", code=org.code)
    context = {
        "org": org,
        "rows": rows,
        "counts": review.counts(rows),
        "can_record": can_record,
        "errors": errors,
        "source": review.SOURCE,
        "assessments": Assessment.choices,
        "nominations": Nomination.choices,
        "posted": request.POST,
        "day": day,
    }
    return render(request, "web/source_review.html", context)


# Steps that real life batches: one decision covering several people; one ceremony day for several (each person is
# still admitted, and recorded, one at a time: the ceremony "kết nạp từng người", rules.md §2.2 item 12).
@require_http_methods(["GET", "POST"])
def batch_step(request, name):
    scope = scope_for(request)
    transition = TRANSITIONS.get(name)
    if name not in domain.BATCHABLE or transition is None or not scope.sees_personal_data:
        raise Http404
    candidates = _batch_candidates(request, scope, transition)
    if not candidates:
        messages.error(request, _("Chưa chọn người nào ở đúng giai đoạn cho bước này."))
        return redirect("pipeline_board")
    form = pipeline_forms.StepForm(request.POST or None, transition=transition, candidate=candidates[0])
    form.fields.pop("mentor", None)
    mentors = _batch_mentors(request, name, candidates)
    return render(
        request,
        "web/batch_step.html",
        {
            "form": form,
            "title": transition.label,
            "candidates": candidates,
            "results": _batch_results(request, name, candidates, form, mentors),
            "name": name,
            "mentors": mentors,
            "mentor_fields": [(c, mentors[f"mentor_{c.pk}"]) for c in candidates] if mentors is not None else [],
        },
    )


def _batch_candidates(request, scope, transition) -> list:
    """The people ticked (?ids=…) that this step may be recorded for now; 404 when one of them is out of scope."""
    ids = [int(i) for i in request.POST.getlist("ids") or request.GET.getlist("ids") if i.isdigit()]
    candidates = list(
        scope.candidates().filter(pk__in=ids).select_related("person", "organization", "organization__parent")
    )
    if len(candidates) != len(set(ids)):
        raise Http404  # an id outside the scope: refuse the whole batch
    return [c for c in candidates if transition in available(c) and scope.can_edit_people_of(c.organization)]


def _batch_mentors(request, name: str, candidates: list):
    """At a ceremony, one mentor each, from a searchable list of the candidate's đảng bộ, their chi bộ first."""
    if name != StepKind.CEREMONY:
        return None
    return pipeline_forms.BatchMentorForm(request.POST or None, candidates=candidates)


def _batch_results(request, name: str, candidates: list, form, mentors) -> list[tuple]:
    """(candidate, done, reasons) for each person once a valid form is posted: each is checked and recorded alone."""
    if request.method != "POST" or not form.is_valid() or (mentors is not None and not mentors.is_valid()):
        return []
    own = mentors.mentors() if mentors is not None else {}
    outcomes = domain.transition_batch(candidates, name, actor=request.user, data=form.cleaned_data, own=own)
    return [(o.candidate, o.done, o.reasons) for o in outcomes]
