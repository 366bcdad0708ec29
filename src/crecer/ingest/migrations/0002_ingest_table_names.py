# The moved tables take ingest's names (after the registry and health apps point at ingest).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("ingest", "0001_initial"),
        ("registry", "0008_imports_move_to_ingest"),
        ("health", "0002_imports_move_to_ingest"),
    ]

    operations = [
        migrations.AlterModelTable(name="importrun", table=None),
        migrations.AlterModelTable(name="quarantinedrow", table=None),
        # The kind was a choice of two with max_length 10; any registered name now.
        migrations.AlterField(
            model_name="importrun",
            name="kind",
            field=models.CharField(default="padron", max_length=30, verbose_name="kind"),
        ),
    ]
