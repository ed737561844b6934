"""Pipeline pages: board, candidate page, steps, dossier, introducers, mentor notes, what is due.

Every candidate is fetched through Scope.candidates(): outsiders get 404; scans are served only through it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from ketnap.accounts.scope import scope_for
from ketnap.pipeline import domain, due
from ketnap.pipeline.enums import ADMISSION_DOCUMENTS, RECOGNITION_DOCUMENTS, DocumentKind, HelperRole, Stage, StepKind
from ketnap.pipeline.models import Helper, Introduction, MentorNote
from ketnap.pipeline.transitions import TRANSITIONS, NotOnTheRoad, available, plan
from ketnap.registry.services.dates import today
from ketnap.stats.tables import Column, Kind
from ketnap.vietnamese import sort_key
from ketnap.web.exporting import export_rows_response
from ketnap.web.forms import pipeline as pipeline_forms
from ketnap.web.views.common import PAGE_SIZE, apply_errors, querystring


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


def board(request):
    """Candidates by stage in the user's scope (optionally one organisation), counts drilling down to names."""
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    candidates = scope.candidates()
    org = None
    if request.GET.get("to-chuc"):
        org = get_object_or_404(scope.organizations(), code=request.GET["to-chuc"])
        candidates = candidates.filter(organization__path__startswith=org.path)
    counts = dict(candidates.values_list("stage").annotate(n=Count("id")))
    stage = request.GET.get("giai-doan")
    page = None
    if stage in Stage.values and stage not in Stage.terminal():
        page = Paginator(due.schedule(candidates.filter(stage=stage), today()), PAGE_SIZE).get_page(
            request.GET.get("trang")
        )
        page.object_list = due.rows(page.object_list, today())
    elif stage in Stage.values:
        closed = candidates.filter(stage=stage).select_related("person", "organization").order_by("person__sort_key")
        page = Paginator(closed, PAGE_SIZE).get_page(request.GET.get("trang"))
        page.object_list = [due.DueItem(c, "", None, "", None, "none") for c in page.object_list]
    columns = [(s, counts.get(s.value, 0)) for s in Stage.board()]
    batch = [t for t in TRANSITIONS.values() if t.name in domain.BATCHABLE and stage in t.sources]
    return render(
        request,
        "web/pipeline_board.html",
        {
            "columns": columns,
            "org": org,
            "stage": stage,
            "stage_label": Stage(stage).label if stage in Stage.values else "",
            "page": page,
            "querystring": querystring(request),
            "batch": batch,
            "closed": [(s, counts.get(s.value, 0)) for s in (Stage.WITHDRAWN, Stage.NOT_ADMITTED, Stage.REMOVED)],
        },
    )


def due_list(request):
    """Việc cần làm: every open candidate in scope with its next action and deadline, overdue first."""
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise PermissionDenied
    mine = request.GET.get("cua-toi") == "1"
    candidates = scope.candidates()
    if mine:
        candidates = candidates.filter(helpers__member__user=request.user, helpers__until__isnull=True).distinct()
    scheduled = due.schedule(candidates, today())
    download = export_rows_response(
        request,
        columns=DUE_COLUMNS,
        rows=_due_rows(scheduled),
        basename=f"viec-can-lam-{today():%Y-%m-%d}",
        title=str(_("Việc cần làm")),
        subtitle=f"{today():%d/%m/%Y}",
    )
    if download is not None:
        return download
    page = Paginator(scheduled, PAGE_SIZE).get_page(request.GET.get("trang"))
    page.object_list = due.rows(page.object_list, today())  # names and actions only for the rows shown
    context = {
        "page": page,
        "counts": due.counts(scheduled),
        "mine": mine,
        "querystring": querystring(request),
        # a secretary of one chi bộ does not need its name on every card
        "show_cell": len({s.organization_id for s in scheduled}) > 1,
    }
    return render(request, "web/due_list.html", context)


DUE_COLUMNS = [
    Column("unit", _lazy("Khoa / phòng")),
    Column("cell", _lazy("Chi bộ")),
    Column("name", _lazy("Họ và tên")),
    Column("stage", _lazy("Giai đoạn")),
    Column("action", _lazy("Việc tiếp theo")),
    Column("due", _lazy("Hạn"), Kind.DATE),
    Column("urgency", _lazy("Tình trạng")),
    Column("rule", _lazy("Căn cứ")),
]
URGENCY_WORDS = {"overdue": "Quá hạn", "soon": "Sắp đến hạn", "ok": "Còn hạn", "none": ""}


def _due_rows(scheduled):
    """The due list as a table for the office's spreadsheet, ordered unit → chi bộ → name (the list on screen is
    ordered by urgency), in batches so a province's list never sits whole in memory."""
    items = []
    for start in range(0, len(scheduled), 500):
        items += due.rows(scheduled[start : start + 500], today())
    items.sort(
        key=lambda i: (
            sort_key(i.candidate.person.work_unit.name if i.candidate.person.work_unit else ""),
            sort_key(i.candidate.organization.name),
            i.candidate.person.sort_key,
        )
    )
    for i in items:
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
    steps = list(candidate.steps.select_related("recorded_by").order_by("-on", "-id"))
    # the road's first entry (put on the list) is no step; a member adopted at the decision never had it
    began_as_source = not steps or steps[-1].stage_before == Stage.SOURCE
    documents = {d.kind: d for d in candidate.documents.order_by("received_on")}
    phase = (
        RECOGNITION_DOCUMENTS
        if candidate.stage in {Stage.PROBATION, Stage.RECOGNITION_CELL, Stage.RECOGNITION_COMMITTEE, Stage.OFFICIAL}
        else [DocumentKind.CERTIFICATE, *ADMISSION_DOCUMENTS]
    )
    checklist = [(DocumentKind(kind), documents.get(kind)) for kind in phase]
    return render(
        request,
        "web/candidate_detail.html",
        {
            "candidate": candidate,
            "steps": steps,
            "began_as_source": began_as_source,
            "checklist": checklist,
            "other_documents": [d for k, d in documents.items() if k not in phase],
            "next": due.next_action(candidate, today()) if candidate.open else None,
            "transitions": available(candidate) if candidate.open else [],
            "introductions": candidate.introductions.select_related("introducer"),
            "helpers": candidate.helpers.select_related("member"),
            "notes": candidate.mentor_notes.all(),
            "can_edit": scope.can_edit_people_of(candidate.organization) and candidate.open,
            "is_mentor": candidate.helpers.filter(
                role=HelperRole.MENTOR, member__user=request.user, until__isnull=True
            ).exists(),
        },
    )


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
            for field_name in pipeline_forms.fields_concerned(verdict, form):
                form.fields[field_name].widget.attrs["aria-invalid"] = "true"
                form.fields[field_name].widget.attrs["class"] = "concerned"
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
        from ketnap.audit.context import acting

        with acting(request.user):
            Introduction.objects.create(
                candidate=candidate,
                kind=d["kind"],
                introducer=d.get("introducer"),
                together_since=d.get("together_since"),
                introduced_on=d["introduced_on"],
                replacement=d.get("replacement") or False,
                replacement_reason=d.get("replacement_reason") or "",
            )
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


@require_http_methods(["GET", "POST"])
def candidate_note(request, candidate_pk):
    scope, candidate = _candidate(request, candidate_pk)
    is_mentor = Helper.objects.filter(candidate=candidate, member__user=request.user, until__isnull=True).exists()
    if not (is_mentor or scope.can_edit_people_of(candidate.organization)) or not candidate.open:
        raise PermissionDenied
    form = pipeline_forms.MentorNoteForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        from ketnap.audit.context import acting

        with acting(request.user):
            MentorNote.objects.create(candidate=candidate, author=request.user, **form.cleaned_data)
        messages.success(request, _("Đã lưu nhận xét."))
        return redirect("candidate_detail", candidate_pk=candidate.pk)
    return render(
        request,
        "web/form.html",
        {"form": form, "title": _("Nhận xét của đảng viên giúp đỡ"), "back_candidate": candidate},
    )


# Steps that real life batches: one decision covering several people; one ceremony day for several (each person is
# still admitted, and recorded, one at a time: the ceremony "kết nạp từng người", rules.md §2.2 item 12).
@require_http_methods(["GET", "POST"])
def batch_step(request, name):
    scope = scope_for(request)
    transition = TRANSITIONS.get(name)
    if name not in domain.BATCHABLE or transition is None or not scope.sees_personal_data:
        raise Http404
    ids = [int(i) for i in request.POST.getlist("ids") or request.GET.getlist("ids") if i.isdigit()]
    candidates = list(
        scope.candidates().filter(pk__in=ids).select_related("person", "organization", "organization__parent")
    )
    if len(candidates) != len(set(ids)):
        raise Http404  # an id outside the scope: refuse the whole batch
    candidates = [c for c in candidates if transition in available(c) and scope.can_edit_people_of(c.organization)]
    if not candidates:
        messages.error(request, _("Chưa chọn người nào ở đúng giai đoạn cho bước này."))
        return redirect("pipeline_board")
    form = pipeline_forms.StepForm(request.POST or None, transition=transition, candidate=candidates[0])
    form.fields.pop("mentor", None)
    mentors = {c.pk: pipeline_forms.official_members(c) for c in candidates} if name == StepKind.CEREMONY else {}
    results = []
    if request.method == "POST" and form.is_valid():
        own = {}
        if name == StepKind.CEREMONY:
            for candidate in candidates:
                chosen = request.POST.get(f"mentor_{candidate.pk}", "")
                mentor = mentors[candidate.pk].filter(pk=int(chosen)).first() if chosen.isdigit() else None
                own[candidate.pk] = {"mentor": mentor}
        outcomes = domain.transition_batch(candidates, name, actor=request.user, data=form.cleaned_data, own=own)
        results = [(o.candidate, o.done, o.reasons) for o in outcomes]
    return render(
        request,
        "web/batch_step.html",
        {
            "form": form,
            "title": transition.label,
            "candidates": candidates,
            "results": results,
            "name": name,
            "mentor_choices": [(c, mentors.get(c.pk)) for c in candidates],
        },
    )
