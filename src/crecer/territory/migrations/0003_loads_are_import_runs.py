"""Territory loads are import runs of the ingest app: every past load and its rejected lines are
copied there (kind = the file's kind, each rejected line quarantined with its text), then the
territory's own run tables are dropped."""

from django.db import migrations


def copy_loads(apps, schema_editor):
    LoadRun = apps.get_model("territory", "LoadRun")
    ImportRun = apps.get_model("ingest", "ImportRun")
    QuarantinedRow = apps.get_model("ingest", "QuarantinedRow")
    for load in LoadRun.objects.order_by("pk").iterator():
        run = ImportRun.objects.create(
            kind=load.kind,
            file_name=load.file_name,
            sha256=load.sha256,
            rows_read=load.rows_read,
            created=load.created,
            updated=load.updated,
            unchanged=load.unchanged,
            quarantined=load.rejected,
        )
        # started_at is auto_now_add: the load's own time is set afterwards.
        ImportRun.objects.filter(pk=run.pk).update(started_at=load.loaded_at)
        QuarantinedRow.objects.bulk_create(
            QuarantinedRow(run=run, line=row.line, raw={"line": row.raw}, reasons=[row.reason])
            for row in load.rejected_rows.order_by("line").iterator()
        )


class Migration(migrations.Migration):
    dependencies = [
        ("territory", "0002_bundled_ubigeo"),
        ("ingest", "0002_ingest_table_names"),
    ]

    operations = [
        migrations.RunPython(copy_loads, migrations.RunPython.noop),
        migrations.DeleteModel(name="RejectedRow"),
        migrations.DeleteModel(name="LoadRun"),
    ]
