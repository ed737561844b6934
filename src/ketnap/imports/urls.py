"""Roster import pages (stub until the import is built)."""

urlpatterns: list = []
