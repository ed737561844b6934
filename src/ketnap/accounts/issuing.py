"""Accounts for the register's members and candidates, made by the office in bulk (issue #15).

Each person chosen gets a login linked to their staff record (Person.user) and a one-time password, printed once in
a letter to fold and seal (letters_pdf) and never stored in clear: the office hands the letters out, each person
signs in and must set their own password before anything else (web.middleware.IssuedPasswordMiddleware). A person
who already has an account gets a new one-time password the same way, unless the account holds a role or is staff
(those are the administrator's to reset: an office must not be able to take over a colleague's account).

Usernames follow the offices' e-mail habit, the given name then the initials of the family and middle names
("Nguyễn Văn An" → "annv"), a number added when taken ("annv2"). Everything is written in one transaction and
audited per person (who issued it, never the password); a person who has left cannot sign in at all
(accounts.backends).
"""

import datetime as dt
import secrets
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from ketnap.accounts.backends import person_has_left
from ketnap.accounts.grants import Permission, authorize
from ketnap.accounts.models import IssuedPassword
from ketnap.audit.context import acting, as_user
from ketnap.audit.models import AuditEntry
from ketnap.audit.recorder import write_entry
from ketnap.registry.models import Person
from ketnap.vietnamese import fold

ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper and typed on a phone


@dataclass(frozen=True)
class Letter:
    person: Person
    username: str
    password: str
    new: bool  # a new account; else a new password for the person's account


def one_time_password() -> str:
    """Ten random characters in two groups ("k7mwp-3xq9t"): about 50 bits, and the login is throttled (axes)."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(10))
    return f"{chars[:5]}-{chars[5:]}"


def username_for(person: Person, taken: set[str]) -> str:
    """The given name and the initials of the other names, without diacritics; a number when taken (adds to `taken`)."""
    given = "".join(fold(person.given_name).split()) or "dv"
    initials = "".join(word[0] for word in fold(f"{person.family_name} {person.middle_name}").split())
    base = f"{given}{initials}"[:140]
    name, n = base, 1
    while name in taken:
        n += 1
        name = f"{base}{n}"
    taken.add(name)
    return name


def refusal(person: Person) -> str:
    """Why no letter can be issued to this person here ("" when one can)."""
    if person_has_left(person):
        return "Đã thôi việc hoặc đã lưu trữ"
    user = person.user
    if user is not None and (user.is_staff or user.is_superuser or any(True for _role in user.roles.all())):
        return "Tài khoản có vai trò: quản trị hệ thống cấp lại mật khẩu"
    return ""


@transaction.atomic
def issue(people: list[Person], *, actor) -> list[Letter]:
    """A letter for each person (all of them, or none if one is refused: nothing half-written), by the office of each
    person's organisation or above."""
    authorize(actor, Permission.MANAGE_WITHIN, *{person.organization for person in people})
    refused = [f"{p.full_name}: {why}" for p in people if (why := refusal(p))]
    if refused:
        raise ValueError("; ".join(refused))
    User = get_user_model()
    taken = {name.lower() for name in User.objects.values_list("username", flat=True)}
    with acting(actor):
        return [_issue_one(person, User, taken, actor) for person in people]


def _issue_one(person: Person, user_model, taken: set[str], actor) -> Letter:
    """A new login (its name added to `taken`) or a new one-time password for the person's login; audited."""
    password = one_time_password()
    user, new = person.user, person.user is None
    if new:
        user = user_model(username=username_for(person, taken), first_name=person.given_name)
        user.last_name = " ".join(p for p in (person.family_name, person.middle_name) if p)
    user.set_password(password)
    user.save()
    if new:
        person.user = user
        person.save(update_fields=["user"])  # audited: the staff record now has a login
    issued = {"issued_at": timezone.now(), "issued_by": as_user(actor)}
    IssuedPassword.objects.update_or_create(user=user, defaults=issued)
    note = (
        f"Cấp tài khoản {user.username}, mật khẩu dùng một lần (in trong thư, không lưu)"
        if new
        else f"Cấp lại mật khẩu dùng một lần cho tài khoản {user.username} (in trong thư, không lưu)"
    )
    write_entry(AuditEntry.Action.EVENT, user, {}, person_id=person.pk, note=note)
    return Letter(person, user.username, password, new)


def letters_pdf(letters: list[Letter], *, organization: str, address: str, issued_on: dt.date) -> bytes:
    """One A4 page per person: what ketnap is for them and where it is above the fold, the login and the one-time
    password below it, to fold inward and seal."""
    from ketnap.printing import html_to_pdf

    html = render_to_string(
        "print/letters.html",
        {"letters": letters, "organization": organization, "address": address, "issued_on": issued_on},
    )
    return html_to_pdf(html)
