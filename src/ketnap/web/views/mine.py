"""Việc của tôi (/cua-toi/): a member's own page, whatever role they hold or none — the people they help, with the note
each is due next (ketnap.pipeline.notes), written from a phone in a few taps; and, for someone on the road to the
Party, their own road: the stage, the next step and its legal deadline, the papers received and missing.

Nothing here reaches past the signed-in person: the helped candidates come from Scope.helped_candidates() (an
assignment in force), the road from Scope.own_candidacies(); any other id answers 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ketnap.pipeline import checks, due, notes
from ketnap.pipeline.models import Helper
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.web.forms import pipeline as pipeline_forms


def mine(request):
    scope = scope_for(request)
    person = scope.person
    if person is None:
        return render(request, "web/mine.html", {"person": None})
    helping = notes.schedule(Helper.objects.filter(member=person), today())
    road = scope.own_candidacies().select_related("organization").order_by("-started_on", "-pk").first()
    context = {"person": person, "helping": helping, "note_counts": notes.counts(helping), "road": road}
    if road is not None:
        documents = {d.kind: d for d in road.documents.order_by("received_on")}
        context.update(
            steps=road.steps.filter(passed=True).order_by("on", "id"),
            checklist=[(kind, documents.get(kind)) for kind in checks.papers_for(road)] if road.open else [],
            next=due.next_action(road, today()) if road.open else None,
            helpers=road.helpers.filter(until__isnull=True).select_related("member"),
        )
    return render(request, "web/mine.html", context)


@require_http_methods(["GET", "POST"])
def mine_note(request, candidate_pk):
    """A helper's note on a person they help now (anyone else's: 404)."""
    scope = scope_for(request)
    candidate = get_object_or_404(scope.helped_candidates().select_related("person", "organization"), pk=candidate_pk)
    scheduled = notes.schedule(Helper.objects.filter(member=scope.person, candidate=candidate), today())
    form = pipeline_forms.MentorNoteForm(request.POST or None, initial={"on": today()})
    if request.method == "POST" and form.is_valid():
        notes.write_note(candidate, actor=request.user, helper=scheduled[0].helper, **form.cleaned_data)
        messages.success(request, _("Đã lưu nhận xét về %(name)s.") % {"name": candidate.person.full_name})
        return redirect("mine")
    return render(
        request,
        "web/mine_note.html",
        {
            "candidate": candidate,
            "form": form,
            "due": scheduled[0],
            "mine": candidate.mentor_notes.filter(helper=scheduled[0].helper).order_by("-on", "-pk")[:3],
        },
    )
