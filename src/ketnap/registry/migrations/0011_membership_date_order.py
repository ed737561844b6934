"""The order of a membership's dates as CHECK constraints (what rules.membership_dates checks on one row).

Before adding them, the memberships that break them are named, so that an installation whose register holds a
date typed in before the services checked it learns which rows to correct instead of meeting a bare IntegrityError.
"""

from django.db import migrations, models
from django.db.models import F, Q

BROKEN = (
    Q(ceremony_date__lt=F("decision_date"))
    | Q(official_date__lte=F("decision_date"))
    | Q(official_date__lte=F("ceremony_date"))
    | Q(status="official", official_date__isnull=True)
)


def refuse_broken_rows(apps, schema_editor):
    broken = list(apps.get_model("registry", "PartyMembership").objects.filter(BROKEN).values_list("pk", flat=True))
    if broken:
        raise RuntimeError(
            "Cannot add the membership date constraints: these memberships (ids) have dates out of order (ceremony "
            "before decision, official date not after them, or an official member without an official date); correct "
            f"them first: {', '.join(map(str, broken[:50]))}{' …' if len(broken) > 50 else ''}"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0010_person_search_index"),
    ]

    operations = [
        migrations.RunPython(refuse_broken_rows, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="partymembership",
            constraint=models.CheckConstraint(
                condition=Q(ceremony_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(ceremony_date__gte=F("decision_date")),
                name="membership_ceremony_not_before_decision",
            ),
        ),
        migrations.AddConstraint(
            model_name="partymembership",
            constraint=models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(decision_date__isnull=True)
                | Q(official_date__gt=F("decision_date")),
                name="membership_official_after_decision",
            ),
        ),
        migrations.AddConstraint(
            model_name="partymembership",
            constraint=models.CheckConstraint(
                condition=Q(official_date__isnull=True)
                | Q(ceremony_date__isnull=True)
                | Q(official_date__gt=F("ceremony_date")),
                name="membership_official_after_ceremony",
            ),
        ),
        migrations.AddConstraint(
            model_name="partymembership",
            constraint=models.CheckConstraint(
                condition=~Q(status="official") | Q(official_date__isnull=False),
                name="membership_official_has_official_date",
            ),
        ),
    ]
