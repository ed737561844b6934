"""The JSON API under /api/ (namespace "api", which ninja reverses its own URLs in): see ketnap.api.views."""

from django.contrib.auth.decorators import login_not_required

from ketnap.api.views import api

urlpatterns, _ninja_app_name, app_name = api.urls
for pattern in urlpatterns:
    # The API answers a missing token itself (401 in JSON), never with a redirect to the login page.
    login_not_required(pattern.callback)
