# The import runs and their quarantine move from the registry app to ingest: the tables stay as
# they are (state only); 0002 gives them ingest's names.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("registry", "0007_mother_document_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ImportRun",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        # As the registry left it (varchar(10)); 0002 widens it.
                        ("kind", models.CharField(default="padron", max_length=10, verbose_name="kind")),
                        ("file_name", models.CharField(max_length=500, verbose_name="file")),
                        ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                        ("started_at", models.DateTimeField(auto_now_add=True, verbose_name="started")),
                        ("encoding", models.CharField(blank=True, max_length=20, verbose_name="encoding")),
                        ("delimiter", models.CharField(blank=True, max_length=3, verbose_name="delimiter")),
                        ("rows_read", models.PositiveIntegerField(default=0, verbose_name="rows read")),
                        ("created", models.PositiveIntegerField(default=0, verbose_name="created")),
                        ("updated", models.PositiveIntegerField(default=0, verbose_name="updated")),
                        ("unchanged", models.PositiveIntegerField(default=0, verbose_name="unchanged")),
                        ("quarantined", models.PositiveIntegerField(default=0, verbose_name="quarantined")),
                        ("user", models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "verbose_name": "import",
                        "verbose_name_plural": "imports",
                        "ordering": ["-started_at"],
                        "db_table": "registry_importrun",
                    },
                ),
                migrations.CreateModel(
                    name="QuarantinedRow",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("line", models.PositiveIntegerField(verbose_name="line")),
                        ("raw", models.JSONField(verbose_name="raw values")),
                        ("reasons", models.JSONField(verbose_name="reasons")),
                        ("run", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="quarantined_rows", to="ingest.importrun")),
                    ],
                    options={
                        "verbose_name": "quarantined row",
                        "verbose_name_plural": "quarantined rows",
                        "ordering": ["run", "line"],
                        "db_table": "registry_quarantinedrow",
                    },
                ),
            ],
        ),
    ]
