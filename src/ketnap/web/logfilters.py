"""Filters for the LOGGING setting (settings.py)."""

import logging

from django.core.exceptions import PermissionDenied


class ForbiddenWithoutTraceback(logging.Filter):
    """A refused request (PermissionDenied → 403) is one warning line on django.request, not a traceback.

    Django logs it with the exception attached, so every out-of-scope click would fill the log with stack frames
    that look like a crash; a 403 is the scope rule working. Any other exception keeps its traceback.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True
