"""Code lists version 2026.2: professions with their official title codes, aliases of the ways hospitals write them.

New items (profession): bac_si_yhdp, thu_quy, chuyen_vien, can_su, nhan_vien, ky_su; new names for bs_cki, bs_ckii.
Aliases, official codes and grade suffixes stay in the JSON file (read at run time), not in the database.
"""

from django.db import migrations


def load(apps, schema_editor):
    from ketnap.registry import codelists

    codelists.load(apps.get_model("registry", "CodeItem"))


class Migration(migrations.Migration):
    dependencies = [("registry", "0004_membership_national_db")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
