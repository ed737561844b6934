"""Statistics dashboard, the statistical forms (biểu 2, biểu 3) and the drill-down to names. (stub)"""

from django.http import Http404


def stats_home(request):
    raise Http404


def dashboard(request, code):
    raise Http404


def bieu2(request, code):
    raise Http404


def bieu3(request, code):
    raise Http404


def names(request, code):
    raise Http404
