"""Who is acting, for the audit trail: set by the web middleware, the CLI and services."""

import contextlib
import contextvars

_actor: contextvars.ContextVar = contextvars.ContextVar("ketnap_actor", default=None)
_note: contextvars.ContextVar = contextvars.ContextVar("ketnap_note", default="")


def current_actor():
    return _actor.get()


def current_note() -> str:
    return _note.get()


@contextlib.contextmanager
def acting(user, note: str = ""):
    """Attribute every change inside the block to `user` (None = the system), with an optional note."""
    token, note_token = _actor.set(user), _note.set(note)
    try:
        yield
    finally:
        _actor.reset(token)
        _note.reset(note_token)
