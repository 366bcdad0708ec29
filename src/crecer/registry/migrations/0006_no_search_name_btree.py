"""The B-tree indexes on ``search_name`` go: name search uses ``contains`` and similarity, which
no B-tree serves (PostgreSQL's trigram index of 0002 does), and a large import rebuilt them for
nothing. Dropped by name so that SQLite keeps its table as it is (``AlterField`` would copy it)."""

from django.db import migrations, models

DJANGO_INDEXES = ["registry_child_search_name_5f81f844", "registry_child_search_name_5f81f844_like"]


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0005_fewer_place_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="child",
                    name="search_name",
                    field=models.CharField(editable=False, max_length=400),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f"DROP INDEX IF EXISTS {name}" for name in DJANGO_INDEXES],
                    reverse_sql=[
                        "CREATE INDEX registry_child_search_name_5f81f844 "
                        "ON registry_child (search_name)"
                    ],
                ),
            ],
        ),
    ]
