"""Each open candidate's next deadline is kept on the candidate (issue #14): the fields, filled for the existing
candidates from their step dates and the working-day calendar (what pipeline.due.store() writes from now on), then
the indexes the due list and the home page's overdue counts read."""

from django.db import migrations, models

FILL_BATCH = 2000


def fill(apps, schema_editor):
    from ketnap.pipeline import due
    from ketnap.pipeline.enums import Stage
    from ketnap.rules.workdays import Calendar, Override

    Candidate = apps.get_model("pipeline", "Candidate")
    Step = apps.get_model("pipeline", "Step")
    CalendarOverride = apps.get_model("pipeline", "CalendarOverride")
    calendar = Calendar(
        extra_overrides=tuple(Override(o.day, o.kind, o.reason, o.source) for o in CalendarOverride.objects.all())
    )
    rows = list(Candidate.objects.exclude(stage__in=Stage.terminal()).order_by("pk").values_list("pk", "stage"))
    for start in range(0, len(rows), FILL_BATCH):
        chunk = rows[start : start + FILL_BATCH]
        dates = due.dates_from(
            Step.objects.filter(candidate_id__in=[pk for pk, _ in chunk], passed=True, kind__in=due.TIMED_STEPS)
            .order_by("on", "id")
            .values_list("candidate_id", "kind", "on", "received_on")
        )
        kept = ((pk, due.kept(stage, dates.get(pk, {}), calendar)) for pk, stage in chunk)
        due.write(schema_editor.connection, Candidate._meta.db_table, [(pk, k) for pk, k in kept if k[0] is not None])


class Migration(migrations.Migration):
    dependencies = [
        ("pipeline", "0005_pause_and_transfer"),
        ("registry", "0009_close_assignments_of_leavers"),
    ]

    operations = [
        migrations.AddField(
            model_name="candidate",
            name="due_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="hạn việc tiếp theo"),
        ),
        migrations.AddField(
            model_name="candidate",
            name="due_soon_on",
            field=models.DateField(blank=True, editable=False, null=True, verbose_name="sắp đến hạn từ ngày"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["organization", "due_on"], name="pipeline_candidate_org_due"),
        ),
        migrations.AddIndex(
            model_name="candidate",
            index=models.Index(fields=["due_on"], name="pipeline_candidate_due"),
        ),
    ]
