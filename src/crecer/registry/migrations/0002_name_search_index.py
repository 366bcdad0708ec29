"""On PostgreSQL, a trigram index for typo-tolerant name search (pg_trgm). Elsewhere, and where
the extension cannot be created (no rights), nothing: search falls back to Python matching."""

from django.db import migrations


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
        cursor.execute("SAVEPOINT crecer_trgm")
        try:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS registry_child_search_name_trgm "
                "ON registry_child USING gin (search_name gin_trgm_ops)"
            )
            cursor.execute("RELEASE SAVEPOINT crecer_trgm")
        except Exception:  # no right to create the extension: search still works, slower
            cursor.execute("ROLLBACK TO SAVEPOINT crecer_trgm")


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS registry_child_search_name_trgm")


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
