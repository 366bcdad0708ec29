"""Bulk writes of child records and their history rows, bypassing per-object ORM work.

PostgreSQL gets ``COPY … FROM STDIN``; SQLite gets ``executemany`` inside the import's
transaction (SQLite's fastest path). Rows are tuples in the column order given. History rows
are written exactly as django-simple-history writes them (one per created or changed record,
with the user, the time and the reason), so the child's page and ``diff_against`` read them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import polars as pl
from django.db import connection, models

from crecer.registry.models import Child

HISTORY_SKIPPED = {"search_name", "updated_at"}  # as Child.history excludes them


def tracked_fields() -> list[models.Field]:
    """Child's columns except the primary key, in model order."""
    return [field for field in Child._meta.concrete_fields if field.attname != "id"]


def history_fields() -> list[str]:
    return [f.attname for f in tracked_fields() if f.attname not in HISTORY_SKIPPED]


def reserve_ids(count: int) -> list[int]:
    """Primary keys for ``count`` new children, taken before inserting them so that their
    history rows can be written in the same bulk pass."""
    if count == 0:
        return []
    table = Child._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import holds the write lock (IMMEDIATE transaction) from its first write.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


def insert(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        marks = ", ".join("?" for _ in columns)
        sql = f"INSERT INTO {table} ({quoted}) VALUES ({marks})"
        cursor.cursor.executemany(sql, rows)  # the raw sqlite3 cursor: no per-value rewriting


def update(table: str, columns: Sequence[str], rows: Iterable[tuple]) -> None:
    """Rows are (id, *values in ``columns`` order)."""
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
    sql = f"UPDATE {table} SET {assignments} WHERE id = %s"
    with connection.cursor() as cursor:
        values = ((*row[1:], row[0]) for row in rows)
        if connection.vendor == "sqlite":
            cursor.cursor.executemany(sql.replace("%s", "?"), values)
        else:
            cursor.executemany(sql, list(values))


def for_database(frame: pl.DataFrame) -> pl.DataFrame:
    """Columns as the database driver takes them. SQLite stores dates as ISO text and
    datetimes as naive UTC text (as Django does); PostgreSQL takes the typed values."""
    if connection.vendor != "sqlite":
        return frame
    return frame.with_columns(
        pl.col(pl.Date).dt.strftime("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S.%6f"),
    )


def write_history(
    rows: Iterable[tuple],
    columns: Sequence[str],
    kind: str,
    when: Any,
    user_id: int | None,
    reason: str,
) -> None:
    """History rows for records written in bulk: ``rows`` are (id, *values in ``columns``)."""
    model = Child.history.model
    extra = ("history_date", "history_change_reason", "history_type", "history_user_id")
    if connection.vendor == "sqlite":
        when = connection.ops.adapt_datetimefield_value(when)
    stamp = (when, reason, kind, user_id)
    insert(
        model._meta.db_table,
        ["id", *columns, *extra],
        ((*row, *stamp) for row in rows),
    )
