"""The header's search: people and candidates in the user's scope by name (without diacritics) or CCCD.

Only for those who read personal data (an overseer reads figures, never a name: 404). Candidates on the road come
first, with their chi bộ, stage and next step; then the staff, members or not, with the birth year that tells
namesakes apart. Both lists are in Vietnamese order and cost a fixed number of queries whatever they hold.
"""

import re

from django.http import Http404
from django.shortcuts import redirect, render

from ketnap.pipeline import due
from ketnap.registry.search import matching
from ketnap.registry.services.dates import today
from ketnap.scope import scope_for
from ketnap.web.views.common import PAGE_SIZE, people_page

CITIZEN_ID = re.compile(r"\d{12}")


def search(request):
    scope = scope_for(request)
    if not scope.sees_personal_data:
        raise Http404
    query = request.GET.get("q", "").strip()
    if not query:
        return render(request, "web/search.html", {"q": ""})
    context = people_page(request, scope.persons())
    people = context["page"]
    # a CCCD names one person: their page is the answer (no list to read through)
    if CITIZEN_ID.fullmatch(query) and people.count == 1 and people.object_list:
        return redirect("person_detail", pk=people.object_list[0].pk)
    found = matching(scope.candidates(), query, person="person")
    scheduled = sorted(due.schedule(found, today()), key=lambda s: (s.sort_name, s.candidate_id))  # open ones only
    context["candidates"] = due.rows(scheduled[:PAGE_SIZE], today())
    context["more_candidates"] = max(len(scheduled) - PAGE_SIZE, 0)  # the board, searched by the same name, lists all
    return render(request, "web/search.html", context)
