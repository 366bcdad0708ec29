"""Bulk writes of child records and their history rows, bypassing per-object ORM work.

PostgreSQL gets ``COPY … FROM STDIN`` in CSV (written by Polars); SQLite gets ``executemany``
inside the import's transaction (SQLite's fastest path). History rows are written exactly as
django-simple-history writes them (one per created or changed record, with the user, the time
and the reason), so the child's page and ``diff_against`` read them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import polars as pl
from django.db import connection, models

from crecer.registry.models import Child, QuarantinedRow
from crecer.registry.reading import Table

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
            # The sequence looked up once: per row, the lookup took 6x the nextval.
            cursor.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
            sequence = cursor.fetchone()[0]
            cursor.execute(
                "SELECT nextval(%s::regclass) FROM generate_series(1, %s)", [sequence, count]
            )
            return [row[0] for row in cursor.fetchall()]
        # SQLite: the import holds the write lock (IMMEDIATE transaction) from its first write.
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")
        start = cursor.fetchone()[0] + 1
    return list(range(start, start + count))


TRIGRAM_INDEX = "registry_child_search_name_trgm"  # created by migration 0002 on PostgreSQL
REBUILD_INDEX_ABOVE = 50_000  # new rows above which indexes are rebuilt, not updated


class indexes_suspended:
    """Secondary indexes of the child and history tables dropped around large inserts and built
    again afterwards: building an index once is many times faster than updating it row by row.
    Only indexes that enforce nothing are dropped (name, district, history lookups, the
    trigram index on PostgreSQL); unique indexes, primary keys and foreign keys stay: they guard
    the data during the load (and dropping a foreign key would lock the referenced table, e.g.
    users, for the whole import). A failure rolls everything back (DDL is transactional on both
    databases); the transaction's locks keep readers of these tables waiting meanwhile, which is
    why small inserts skip this.

    Two uses: :meth:`suspend` drops every such index for a large first load (or one at least as
    large as the registry) and :meth:`restore` builds them again before the import's
    transaction commits; :meth:`around_insert` drops only the trigram index around one large
    insert and builds it again right after (each chunk of an import that did not suspend
    everything, each chunk written by the demo generator)."""

    def __init__(self) -> None:
        self.decided = False
        self.rebuild: list[str] = []  # statements that restore what was dropped, in order

    def suspend(self, new_rows: int) -> None:
        """Decide once, on the first chunk with new rows, from the number of them."""
        if self.decided or new_rows == 0:
            return
        self.decided = True
        if new_rows <= REBUILD_INDEX_ABOVE or new_rows * 4 < _row_estimate():
            return
        self.rebuild = _drop(_suspendable())

    def restore(self) -> None:
        if not self.rebuild:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '128MB'")
        _build(self.rebuild)
        self.rebuild = []

    @contextmanager
    def around_insert(self, new_rows: int) -> Iterator[None]:
        """The PostgreSQL trigram index on names dropped around one insert of more than
        ``REBUILD_INDEX_ABOVE`` rows and built again after it (not after a failure: the
        transaction rolls back). Nothing to do where :meth:`suspend` already dropped it."""
        if connection.vendor != "postgresql" or new_rows <= REBUILD_INDEX_ABOVE:
            yield
            return
        dropped = _drop([index for index in _suspendable() if index[0] == TRIGRAM_INDEX])
        yield
        _build(dropped)


def _suspendable() -> list[tuple[str, str]]:
    """(name, definition) of the child and history tables' indexes that enforce nothing."""
    tables = [Child._meta.db_table, Child.history.model._meta.db_table]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) "
                "FROM pg_index i WHERE i.indrelid = ANY(%s::regclass[]) "
                "AND NOT i.indisunique AND NOT i.indisprimary AND NOT EXISTS "
                "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [tables],
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                "AND tbl_name IN (%s, %s) AND sql NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                tables,
            )
        return cursor.fetchall()


def _drop(indexes: list[tuple[str, str]]) -> list[str]:
    """Drop the indexes; return the statements that build them again."""
    if not indexes:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no DROP INDEX with pending events
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    return [definition for _name, definition in indexes]


def _build(statements: list[str]) -> None:
    if not statements:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Check the deferred foreign keys now: PostgreSQL builds no index on a table with
            # pending trigger events.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in statements:
            cursor.execute(statement)
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _row_estimate() -> int:
    """Children stored (PostgreSQL: the planner's estimate, which is cheap)."""
    table = Child._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = %s::regclass",
                [table],
            )
        else:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
        return cursor.fetchone()[0]


def _names(frame: pl.DataFrame) -> str:
    return ", ".join(connection.ops.quote_name(name) for name in frame.columns)


COPY_ROWS = 20_000  # rows formatted and sent at a time


def _copy_csv(cursor: Any, table: str, frame: pl.DataFrame) -> None:
    """COPY a frame into a PostgreSQL table. In CSV, an unquoted empty field is NULL and ""
    is the empty string, which is how Polars writes them. Sent in slices: PostgreSQL parses
    one while Polars formats the next (~15 % faster than one block for 200,000 children)."""
    with cursor.cursor.copy(f"COPY {table} ({_names(frame)}) FROM STDIN WITH (FORMAT csv)") as copy:
        for start in range(0, frame.height, COPY_ROWS):
            data = io.BytesIO()
            frame.slice(start, COPY_ROWS).write_csv(
                data, include_header=False, quote_style="necessary"
            )
            copy.write(data.getbuffer())


def copy_out(table: str, columns: list[str], ids: list[int] | None = None) -> pl.DataFrame:
    """Rows of a PostgreSQL table as text columns, read with ``COPY … TO STDOUT`` (all rows,
    or those whose id is in ``ids``). Timestamps come in UTC; booleans as t/f."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL TIME ZONE 'UTC'")
        where = " WHERE id = ANY(%s)" if ids is not None else ""
        sql = f"COPY (SELECT {', '.join(map(connection.ops.quote_name, columns))} FROM {table}{where}) TO STDOUT WITH (FORMAT csv)"  # noqa: E501
        with cursor.cursor.copy(sql, [ids] if ids is not None else None) as copy:
            data = b"".join(bytes(block) for block in copy)
    return (
        pl.read_csv(
            io.BytesIO(data),
            has_header=False,
            new_columns=columns,
            infer_schema=False,
            schema_overrides=dict.fromkeys(columns, pl.String),
        )
        if data
        else pl.DataFrame(schema=dict.fromkeys(columns, pl.String))
    )


def _for_sqlite(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text and datetimes as naive UTC text, as Django stores them in SQLite."""
    return frame.with_columns(
        pl.col(pl.Date).dt.strftime("%Y-%m-%d"),
        pl.col(pl.Datetime).dt.convert_time_zone("UTC").dt.strftime("%Y-%m-%d %H:%M:%S.%6f"),
    )


def insert(table: str, frame: pl.DataFrame) -> None:
    """Insert every row of ``frame`` (columns named like the table's)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            _copy_csv(cursor, table, frame)
            return
        marks = ", ".join("?" for _ in frame.columns)
        sql = f"INSERT INTO {table} ({_names(frame)}) VALUES ({marks})"
        _executemany(sql, _for_sqlite(frame).iter_rows())


def update(table: str, frame: pl.DataFrame) -> None:
    """Update rows by ``id`` with the other columns of ``frame``."""
    columns = [name for name in frame.columns if name != "id"]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"CREATE TEMPORARY TABLE crecer_update (LIKE {table}) ON COMMIT DROP")
            _copy_csv(cursor, "crecer_update", frame)
            assignments = ", ".join(f"{quote(c)} = u.{quote(c)}" for c in columns)
            cursor.execute(
                f"UPDATE {table} t SET {assignments} FROM crecer_update u WHERE t.id = u.id"
            )
            cursor.execute("DROP TABLE crecer_update")
            return
        assignments = ", ".join(f"{quote(c)} = ?" for c in columns)
        sql = f"UPDATE {table} SET {assignments} WHERE id = ?"
        _executemany(sql, _for_sqlite(frame.select(*columns, "id")).iter_rows())


def _executemany(sql: str, rows: Iterator[tuple]) -> None:
    """SQLite's own ``executemany`` (``?`` placeholders), streaming ``rows``. Django's cursor
    peeks at the first row with ``itertools.tee``, which then keeps every row in memory."""
    connection.connection.executemany(sql, rows)


def write_history(
    records: pl.DataFrame, kind: str, when: Any, user_id: int | None, reason: str
) -> None:
    """History rows for records just written in bulk (``records`` has their ``id``), one per
    record in the frame's order.

    The database copies the values from the child table (``INSERT … SELECT``): the same values
    the records were written with, without sending and parsing every row a second time (on
    PostgreSQL that halved the write)."""
    if records.height == 0:
        return
    quote = connection.ops.quote_name
    columns = ["id", *history_fields()]
    extra = ["history_date", "history_change_reason", "history_type", "history_user_id"]
    ids = records["id"].to_list()
    if connection.vendor == "postgresql":
        source = "unnest(%s::bigint[]) WITH ORDINALITY AS wanted(id, position)"
        wanted = "{" + ",".join(map(str, ids)) + "}"
        order = "wanted.position"
    else:
        # json_each's key is the position in the list; timestamps as _for_sqlite writes them.
        source = "json_each(%s) AS wanted"
        wanted = json.dumps(ids)
        order = "wanted.key"
        when = when.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    identifier = "wanted.id" if connection.vendor == "postgresql" else "wanted.value"
    sql = (
        f"INSERT INTO {Child.history.model._meta.db_table} "
        f"({', '.join(map(quote, columns + extra))}) "
        f"SELECT {', '.join(f'c.{quote(name)}' for name in columns)}, %s, %s, %s, %s "
        f"FROM {source} JOIN {Child._meta.db_table} c ON c.id = {identifier} ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [when, reason, kind, user_id, wanted])
        # A record not (yet) in the table would silently get no history row.
        if cursor.rowcount != records.height:
            raise RuntimeError(
                f"{records.height} history rows expected, {cursor.rowcount} written: "
                "write_history must follow the records' insert or update"
            )


def write_quarantined(run_id: int, table: Table, rows: list[tuple[int, list[str]]]) -> None:
    """Quarantined rows of an import run: ``rows`` holds (row index in ``table``, reasons).

    One bulk insert with the JSON as Django writes it (``json.dumps``): ``bulk_create`` spent
    ~0.3 ms a row adapting the JSON values on PostgreSQL, more than the rest of the write."""
    if not rows:
        return
    indexes = [index for index, _reasons in rows]
    frame = pl.DataFrame(
        {
            "run_id": pl.Series([run_id] * len(rows), dtype=pl.Int64),
            "line": table.lines.gather(indexes),
            "raw": pl.Series([json.dumps(table.raw(i)) for i in indexes], dtype=pl.String),
            "reasons": pl.Series([json.dumps(reasons) for _i, reasons in rows], dtype=pl.String),
        }
    )
    insert(QuarantinedRow._meta.db_table, frame)
