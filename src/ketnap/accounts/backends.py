"""Django's password backend, reading each request's user with their staff record (Person.user) in the same query: the
menu links a member's own page ("Việc của tôi") on every page without a query of its own."""

from django.contrib.auth.backends import ModelBackend


class Backend(ModelBackend):
    def get_user(self, user_id):
        user = self._user_with_person(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None

    @staticmethod
    def _user_with_person(user_id):
        from django.contrib.auth import get_user_model

        model = get_user_model()
        try:
            return model._default_manager.select_related("person").get(pk=user_id)
        except model.DoesNotExist:
            return None
