"""The run skeleton every import goes through: open a run, read the file in chunks, validate
each chunk, write its valid rows, quarantine the rest with every reason, tally, and check that
the counts add up to the rows read — all in one transaction, so a failure stores nothing.

An import subclasses :class:`FileImport` and declares only its ``kind``, its ``columns``, its
row validation (:meth:`FileImport.validate`, pure on columns) and its write step
(:meth:`FileImport.write`)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from itertools import chain
from pathlib import Path
from typing import Any, ClassVar

import polars as pl
from django.db import models, transaction
from django.utils import timezone

from crecer.ingest.checks import INDEX, REASON, REASONS_SEPARATOR, add_reasons, rejected, too_long
from crecer.ingest.columns import Columns
from crecer.ingest.files import file_sha256
from crecer.ingest.locks import one_import_at_a_time
from crecer.ingest.models import ImportRun
from crecer.ingest.quarantine import write_quarantined, write_unread
from crecer.ingest.reading import Table, read_chunks

Progress = Callable[[str, int, int], None]  # (stage, rows done, total or 0) after each stage
REJECTED_SCHEMA = {INDEX: pl.UInt32, REASON: pl.String}


def no_rows_rejected() -> pl.DataFrame:
    return pl.DataFrame(schema=REJECTED_SCHEMA)


@dataclass
class Outcome:
    """What a write step did with a chunk's valid rows: each one is created, updated,
    unchanged, or ``rejected`` (``__index__``, ``__reasons__``: refused on what is stored)."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: pl.DataFrame = field(default_factory=no_rows_rejected)


@cache  # read from the models once, not for every chunk of every import
def text_limits(*tables: type[models.Model]) -> dict[str, int]:
    """Column -> the characters it holds, for every text field of the tables an import
    writes (the smallest where two tables share a name)."""
    limits: dict[str, int] = {}
    for table in tables:
        for column in table._meta.concrete_fields:
            if isinstance(column, models.CharField) and column.max_length:
                limits[column.name] = min(
                    limits.get(column.name, column.max_length), column.max_length
                )
    return limits


class FileImport(ABC):
    """One import of one file. The instance carries what the import needs from one chunk to
    the next (rows already seen, for duplicates inside the file, and the like). ``tables``
    are the models it writes: a valid value longer than their field holds quarantines its
    row (:func:`~crecer.ingest.checks.too_long`)."""

    kind: ClassVar[str]  # the name it is registered with (crecer.ingest.kinds)
    columns: ClassVar[Columns]
    tables: ClassVar[tuple[type[models.Model], ...]] = ()

    def __init__(
        self, *, user: Any = None, today: date | None = None, progress: Progress | None = None
    ) -> None:
        self.user = user if getattr(user, "pk", None) else None
        self.user_id: int | None = getattr(user, "pk", None)
        self.today = today or timezone.localdate()
        self.now = timezone.now()
        self.report: Progress = progress or (lambda stage, done, total: None)

    def begin(self, run: ImportRun) -> None:
        """Called once the run exists, before the first chunk (nothing by default)."""
        return

    @abstractmethod
    def validate(self, table: Table) -> pl.DataFrame:
        """The chunk's rows with cleaned columns, ``__index__`` (position in ``table``),
        ``__line__`` and ``__reasons__`` ("" for a row that can be written)."""

    @abstractmethod
    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        """Write the valid ``rows`` of a chunk; say what became of each."""

    def finish(self, run: ImportRun) -> None:
        """Called after the last chunk, inside the transaction (nothing by default)."""
        return


def run_import(importer: FileImport, path: Path) -> ImportRun:
    """Import ``path``; return the run with its counts and quarantined rows. Raises
    :class:`~crecer.ingest.columns.UnreadableFile` when the file as a whole cannot be read,
    and :class:`~crecer.ingest.locks.ImportBusy` when another import is running on the
    database (nothing is stored then)."""
    chunks = read_chunks(path, importer.columns)
    first = next(chunks)  # reads the header: an unreadable file stops here
    with one_import_at_a_time(), transaction.atomic():
        run = ImportRun.objects.create(
            kind=importer.kind,
            file_name=path.name,
            sha256=file_sha256(path),
            user=importer.user,
            encoding=first.encoding,
            delimiter=first.delimiter,
        )
        importer.begin(run)
        for table in chain([first], chunks):
            import_chunk(importer, table, run)
            importer.report("rows", run.rows_read, 0)  # the total is unknown until the end
        importer.finish(run)
        run.save()
    assert run.adds_up, "every row read must be stored or quarantined"
    return run


def import_chunk(importer: FileImport, table: Table, run: ImportRun) -> None:
    """Validate, write and quarantine one chunk; add its counts to ``run``."""
    importer.report("read", len(table), 0)
    frame = importer.validate(table)
    frame = add_reasons(frame, too_long(frame, text_limits(*importer.tables)))
    outcome = importer.write(frame.filter(pl.col(REASON) == ""), run)
    quarantine = pl.concat([rejected(frame), outcome.rejected.cast(REJECTED_SCHEMA)])
    quarantine = quarantine.sort(INDEX)
    write_quarantined(
        run.pk,
        table,
        [(index, text.split(REASONS_SEPARATOR)) for index, text in quarantine.iter_rows()],
    )
    write_unread(run, table)
    run.rows_read += len(table)
    run.created += outcome.created
    run.updated += outcome.updated
    run.unchanged += outcome.unchanged
    run.quarantined += quarantine.height
