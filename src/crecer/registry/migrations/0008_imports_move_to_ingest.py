# ImportRun and QuarantinedRow now belong to the ingest app (state only: their tables are
# renamed by ingest 0002).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("registry", "0007_mother_document_index"),
        ("ingest", "0001_initial"),
        ("health", "0002_imports_move_to_ingest"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.DeleteModel(name="QuarantinedRow"),
                migrations.DeleteModel(name="ImportRun"),
            ],
        ),
    ]
