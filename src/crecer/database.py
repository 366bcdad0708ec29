"""Checks on the database that every app's commands run before they use it."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def ensure_migrated() -> None:
    """Stop with a clear instruction, instead of a 'no such table' error, on a database that
    has not been set up or upgraded yet."""
    executor = MigrationExecutor(connection)
    pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if pending:
        raise CommandError(
            f"the database has {len(pending)} migration(s) to apply: run `crecer migrate` first "
            f"(database: {settings.DATABASES['default']['NAME']})"
        )
