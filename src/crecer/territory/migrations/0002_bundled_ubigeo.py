"""Load the bundled INEI ubigeo hierarchy (idempotent: only missing units are inserted)."""

from django.db import migrations

from crecer.territory.bundled import load_bundled_hierarchy


def load(apps, schema_editor):
    load_bundled_hierarchy(
        apps.get_model("territory", "Department"),
        apps.get_model("territory", "Province"),
        apps.get_model("territory", "District"),
    )


class Migration(migrations.Migration):
    dependencies = [("territory", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop, elidable=False)]
