"""The yearly report on party-member development (PDF). (stub)"""

from django.http import Http404


def yearly_report(request, code):
    raise Http404
