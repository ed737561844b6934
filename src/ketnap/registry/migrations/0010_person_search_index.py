"""Indexed person search (ketnap.registry.search): search_text rewritten as the person's words (punctuation gone:
"bvdk-t-0001" → "bvdk t 0001"), then the index that finds word beginnings without reading every person:
- SQLite: an FTS5 table over search_text and the triggers that keep it (skipped, with searches scanning, on an SQLite
  built without FTS5);
- PostgreSQL: the pg_trgm extension and a GIN trigram index on search_text (skipped, with a warning, where the
  extension cannot be created: searches then scan, with the same answers)."""

import logging

from django.db import DatabaseError, migrations, transaction

from ketnap.registry import search

logger = logging.getLogger("ketnap.registry.search")
BATCH = 2000


def rewrite_search_text(apps, schema_editor):
    Person = apps.get_model("registry", "Person")
    people = Person.objects.using(schema_editor.connection.alias).order_by("pk")
    fields = ("pk", "family_name", "middle_name", "given_name", "citizen_id", "staff_code", "search_text")
    last = 0
    while rows := list(people.filter(pk__gt=last).values_list(*fields)[:BATCH]):
        changed = []
        for pk, family, middle, given, citizen_id, staff_code, old in rows:
            full_name = " ".join(part for part in (family, middle, given) if part)
            new = search.indexed_text(full_name, citizen_id or "", staff_code)
            if new != old:
                changed.append(Person(pk=pk, search_text=new))
        people.bulk_update(changed, ["search_text"])
        last = rows[-1][0]


def create_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.ensure_index(connection.alias)
    elif connection.vendor == "postgresql":
        try:
            with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
                cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except DatabaseError as exc:
            logger.warning("pg_trgm not available (%s): person searches will scan, with the same answers", exc)
            return
        with connection.cursor() as cursor:
            cursor.execute(
                f"CREATE INDEX IF NOT EXISTS {search.TRIGRAM_INDEX} ON registry_person USING gin (search_text gin_trgm_ops)"
            )


def drop_index(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor == "sqlite":
        search.drop_index(connection.alias)
    elif connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX IF EXISTS {search.TRIGRAM_INDEX}")


class Migration(migrations.Migration):
    dependencies = [("registry", "0009_close_assignments_of_leavers")]

    operations = [
        migrations.RunPython(rewrite_search_text, migrations.RunPython.noop),
        migrations.RunPython(create_index, drop_index),
    ]
