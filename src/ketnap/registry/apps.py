from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RegistryConfig(AppConfig):
    name = "ketnap.registry"
    verbose_name = "Tổ chức, đơn vị và nhân sự"

    def ready(self):
        post_migrate.connect(_keep_search_index, sender=self)


def _keep_search_index(sender, using="default", **kwargs):
    """A migration that rebuilds registry_person on SQLite (how Django alters a column there) drops the triggers that
    keep the search index: every migrate puts back what is missing and refills the index (ketnap.registry.search),
    once migration 0010 made it (not after migrating back before it)."""
    from django.db import connections
    from django.db.migrations.recorder import MigrationRecorder

    from ketnap.registry import search

    if ("registry", "0010_person_search_index") in MigrationRecorder(connections[using]).applied_migrations():
        search.ensure_index(using)
