# Events point at the import runs of the ingest app (the same table: state only).

import django.db.models.deletion
from django.db import migrations, models


def import_run() -> models.ForeignKey:
    return models.ForeignKey(
        blank=True,
        null=True,
        on_delete=django.db.models.deletion.PROTECT,
        to="ingest.importrun",
        verbose_name="import",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("health", "0001_initial"),
        ("ingest", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(model_name=model, name="import_run", field=import_run())
                for model in ("growthcheck", "hemoglobintest", "servicerecord")
            ],
        ),
    ]
