"""The JSON API under /api/ (stub until the API is built)."""

urlpatterns: list = []
