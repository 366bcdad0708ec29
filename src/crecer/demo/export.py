"""The Padrón Nominal export as the RENIEC district file has it: every column of
``crecer.registry.columns.EXPORT_ORDER`` as text, dates ``DD/MM/AAAA``, and the export's Spanish
headers (the first alias of each column, which the registry importer reads back). Pure.
"""

from __future__ import annotations

import polars as pl

from crecer.registry.columns import ALIASES, EXPORT_ORDER

HEADERS = {name: ALIASES[name][0] for name in EXPORT_ORDER}
DATE_FORMAT = "%d/%m/%Y"


def padron_rows(children: pl.DataFrame) -> pl.DataFrame:
    """One text row per child, in export column order (our names); empty text, never null."""
    present = [name for name in EXPORT_ORDER if name in children.columns]
    rows = children.select(present).with_columns(
        pl.col(pl.Date).dt.strftime(DATE_FORMAT),
    )
    missing = [name for name in EXPORT_ORDER if name not in rows.columns]
    rows = rows.with_columns(pl.lit("").alias(name) for name in missing)
    return rows.select(pl.col(EXPORT_ORDER).cast(pl.String).fill_null(""))


def with_headers(rows: pl.DataFrame) -> pl.DataFrame:
    return rows.rename(HEADERS)
