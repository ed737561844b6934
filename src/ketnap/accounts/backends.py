"""Django's password backend, with two things of ketnap's:

- each request's user is read with their staff record (Person.user) and their issued-password mark in the same query:
  the menu links a member's own page and web.middleware sends a one-time password to "Đổi mật khẩu" without a query
  of their own;
- a login whose staff record has left (a leaving date reached) or is archived is refused, and its open sessions end at
  their next request: an account stops working the day its person leaves, whoever recorded it and however (a form,
  an Excel import), with nothing to remember to switch off.
"""

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.utils import timezone


def person_has_left(person) -> bool:
    """A staff record whose leaving date has come, or archived: its login no longer works, and no letter is issued."""
    return person.archived_at is not None or (person.left_on is not None and person.left_on <= timezone.localdate())


def has_left(user) -> bool:
    """Whether the user's staff record has left or is archived (no record: never)."""
    from ketnap.registry.models import Person

    try:
        person = user.person  # read with the user (get_user); a query only for a user loaded some other way
    except Person.DoesNotExist:
        return False
    return person_has_left(person)


class Backend(ModelBackend):
    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and not has_left(user)

    def get_user(self, user_id):
        model = get_user_model()
        try:
            user = model._default_manager.select_related("person", "issued_password").get(pk=user_id)
        except model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
