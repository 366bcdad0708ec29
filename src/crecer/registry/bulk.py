"""Bulk writes of child records and their history rows, on the general bulk writer
(:mod:`crecer.ingest.bulk`). History rows are written exactly as django-simple-history writes
them (one per created or changed record, with the user, the time and the reason), so the
child's page and ``diff_against`` read them.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC
from typing import Any

import polars as pl
from django.db import connection, models

from crecer.ingest import bulk
from crecer.ingest.bulk import build_indexes, drop_indexes
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
    return bulk.reserve_ids(Child._meta.db_table, count)


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
    why small inserts skip this, and imports on PostgreSQL skip it entirely.

    Two uses: :meth:`suspend` drops every such index for a large first load (or one at least as
    large as the registry) and :meth:`restore` builds them again before the import's
    transaction commits; :meth:`around_insert` drops only the trigram index around one large
    insert and builds it again right after (each chunk of an import that did not suspend
    everything, each chunk written by the demo generator)."""

    def __init__(self, readers_first: bool = True) -> None:
        # On PostgreSQL, DROP INDEX takes an ACCESS EXCLUSIVE lock on the table until the
        # transaction commits: child pages, DNI search and the API waited ~44 s behind a
        # large import. With ``readers_first`` (imports) nothing is dropped there and the
        # indexes are updated row by row (GIN's pending list absorbs the trigram inserts);
        # SQLite in WAL mode lets readers read the last committed state meanwhile, so its
        # large loads still rebuild. The demo generator, which nobody reads during, passes
        # False.
        self.skip = readers_first and connection.vendor == "postgresql"
        self.decided = False
        self.rebuild: list[str] = []  # statements that restore what was dropped, in order

    def suspend(self, new_rows: int) -> None:
        """Decide once, on the first chunk with new rows, from the number of them."""
        if self.decided or new_rows == 0:
            return
        self.decided = True
        if self.skip:
            return
        if new_rows <= REBUILD_INDEX_ABOVE or new_rows * 4 < _row_estimate():
            return
        self.rebuild = drop_indexes(_suspendable())

    def restore(self) -> None:
        if not self.rebuild:
            return
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL maintenance_work_mem = '128MB'")
        build_indexes(self.rebuild)
        self.rebuild = []

    @contextmanager
    def around_insert(self, new_rows: int) -> Iterator[None]:
        """The PostgreSQL trigram index on names dropped around one insert of more than
        ``REBUILD_INDEX_ABOVE`` rows and built again after it (not after a failure: the
        transaction rolls back). Nothing to do where :meth:`suspend` already dropped it."""
        if connection.vendor != "postgresql" or new_rows <= REBUILD_INDEX_ABOVE or self.skip:
            yield
            return
        dropped = drop_indexes([index for index in _suspendable() if index[0] == TRIGRAM_INDEX])
        yield
        build_indexes(dropped)


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
        # json_each's key is the position in the list; timestamps as ingest.bulk writes them.
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


def _suspendable() -> list[tuple[str, str]]:
    """(name, definition) of the child and history tables' indexes that enforce nothing."""
    return bulk.suspendable_indexes([Child._meta.db_table, Child.history.model._meta.db_table])


def _row_estimate() -> int:
    """Children stored (PostgreSQL: the planner's estimate, which is cheap)."""
    return bulk.row_estimate(Child._meta.db_table)
