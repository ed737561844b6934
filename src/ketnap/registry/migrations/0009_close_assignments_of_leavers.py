"""People whose leaving date was entered before update_person ended their assignment at it: end it now, so that the
statistics for days after they left no longer count them as staff (the assignment in force on a day is what they
count). Assignments that began on or after the leaving date are left as they are (the record needs a person's eye)."""

from django.db import migrations
from django.db.models import F


def close(apps, schema_editor):
    Assignment = apps.get_model("registry", "Assignment")
    leavers = Assignment.objects.filter(
        valid_to__isnull=True, person__left_on__isnull=False, person__left_on__gt=F("valid_from")
    )
    for assignment in leavers.select_related("person").iterator(chunk_size=2000):
        assignment.valid_to = assignment.person.left_on
        assignment.save(update_fields=["valid_to"])


class Migration(migrations.Migration):
    dependencies = [("registry", "0008_privacy_retention")]

    operations = [migrations.RunPython(close, migrations.RunPython.noop)]
