"""Admission targets (chỉ tiêu kết nạp): progress, split down the tree, forecast. (stub)"""

from django.http import Http404


def overview(request, code):
    raise Http404


def create(request, code):
    raise Http404


def split(request, code):
    raise Http404


def edit(request, target_pk):
    raise Http404
