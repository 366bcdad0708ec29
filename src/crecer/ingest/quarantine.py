"""The quarantine of an import: every row it did not store, with the raw values as in the file
and every reason, written in bulk; and read back as a table for the report's CSV."""

from __future__ import annotations

import json
from pathlib import Path
from typing import overload

import polars as pl

from crecer.ingest import bulk
from crecer.ingest.models import ImportRun, QuarantinedRow, UnreadValues
from crecer.ingest.reading import Table
from crecer.ingest.reasons import as_public, describe
from crecer.ingest.safe_cells import safe_frame


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
    bulk.insert(QuarantinedRow._meta.db_table, frame)


def write_unread(run: ImportRun, table: Table) -> None:
    """Keep the values of the columns the import does not read, for every line that has one,
    and name each such column on the run (a blank-titled one once it holds a value)."""
    if not table.unknown:
        return
    frame = pl.DataFrame(list(table.unknown.values())).with_columns(table.lines.alias("__line"))
    titles = list(table.unknown)
    filled = pl.any_horizontal(pl.col(title).str.strip_chars() != "" for title in titles)
    rows = frame.filter(filled)
    named = [title for title in titles if not table.header_is_blank(title)]
    with_values = [title for title in titles if (rows[title].str.strip_chars() != "").any()]
    for title in [*named, *with_values]:
        if title not in run.ignored_columns:
            run.ignored_columns.append(title)
    if rows.is_empty():
        return
    values = [
        json.dumps({title: cell for title, cell in zip(titles, cells, strict=True) if cell})
        for cells in rows.select(titles).iter_rows()
    ]
    bulk.insert(
        UnreadValues._meta.db_table,
        pl.DataFrame(
            {
                "run_id": pl.Series([run.pk] * rows.height, dtype=pl.Int64),
                "line": rows["__line"],
                "values": pl.Series(values, dtype=pl.String),
            }
        ),
    )


def quarantine_frame(run: ImportRun, full: bool = True) -> pl.DataFrame:
    """The quarantined rows of a run as a table (line, reasons, raw values) for a CSV report;
    without ``full``, the reasons as a scoped reader may read them."""
    rows = list(run.quarantined_rows.values_list("line", "reasons", "raw"))
    if not full:
        rows = [(line, [as_public(r) for r in reasons], raw) for line, reasons, raw in rows]
    return pl.DataFrame(
        {
            "line": [line for line, _r, _raw in rows],
            "reasons": ["; ".join(describe(r) for r in reasons) for _l, reasons, _raw in rows],
            "raw": [" | ".join(f"{k}={v}" for k, v in raw.items()) for _l, _r, raw in rows],
        },
        schema={"line": pl.Int64, "reasons": pl.String, "raw": pl.String},
    )


@overload
def quarantine_report_csv(run: ImportRun, file: None = None, full: bool = True) -> str: ...
@overload
def quarantine_report_csv(run: ImportRun, file: Path, full: bool = True) -> None: ...
def quarantine_report_csv(
    run: ImportRun, file: Path | None = None, full: bool = True
) -> str | None:
    """The quarantine of a run as CSV (to ``file``, or returned as text), every text cell
    formula-safe: the raw values are what a file brought in, a name like ``=HYPERLINK(…)`` too."""
    return safe_frame(quarantine_frame(run, full)).write_csv(file)
