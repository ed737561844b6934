from django.db import migrations


def load(apps, schema_editor):
    from ketnap.registry import codelists

    codelists.load(apps.get_model("registry", "CodeItem"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
