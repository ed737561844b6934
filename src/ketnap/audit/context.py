"""Who is acting, for the audit trail: set by the web middleware, the CLI and services."""

import contextlib
import contextvars

_actor: contextvars.ContextVar = contextvars.ContextVar("ketnap_actor", default=None)
_note: contextvars.ContextVar = contextvars.ContextVar("ketnap_note", default="")


class _System:
    """The actor of work nobody signs in for: the server's own commands (ketnap purge-expired, the demo builder, a
    test's setup). A write service given SYSTEM skips the role check (accounts.grants.authorize); one given None
    refuses, so a forgotten actor never passes for the system. The audit trail records it as None ("hệ thống")."""

    def __repr__(self) -> str:
        return "SYSTEM"


SYSTEM = _System()


def as_user(actor):
    """The user to store as who recorded a row (Step.recorded_by …): None for the system."""
    return None if actor is SYSTEM else actor


def current_actor():
    return _actor.get()


def current_note() -> str:
    return _note.get()


@contextlib.contextmanager
def acting(user, note: str | None = None):
    """Attribute every change inside the block to `user` (None or SYSTEM = the system), with a note; no note keeps
    the one already set (an import's, around the services it calls)."""
    token = _actor.set(None if user is SYSTEM else user)
    note_token = _note.set(_note.get() if note is None else note)
    try:
        yield
    finally:
        _actor.reset(token)
        _note.reset(note_token)
