"""Building a row's quarantine reasons on columns (Polars). Every validation step adds checks;
a row's ``__reasons__`` holds every reason it cannot be stored, joined by
:data:`REASONS_SEPARATOR` ("" when the row is valid). Pure: no Django."""

from __future__ import annotations

import polars as pl

from crecer.ingest.reading import LOST_CHARACTER, Table
from crecer.ingest.reasons import SEPARATOR, is_registered

REASON = "__reasons__"  # every reason of a row, joined by REASONS_SEPARATOR; "" when valid
REASONS_SEPARATOR = "\x1e"
INDEX = "__index__"  # the row's position in the chunk read from the file
LINE = "__line__"  # the row's line in the file


def reason_where(condition: pl.Expr, code: str, *values: pl.Expr | str | int) -> pl.Expr:
    """The encoded reason (see :mod:`crecer.ingest.reasons`) where ``condition`` holds, else
    null. Values are expressions (a column's raw text) or constants."""
    assert is_registered(code), code
    parts = [pl.lit(code)] + [
        value.cast(pl.String).fill_null("") if isinstance(value, pl.Expr) else pl.lit(str(value))
        for value in values
    ]
    text = pl.concat_str(parts, separator=SEPARATOR)
    return pl.when(condition).then(text).otherwise(pl.lit(None, dtype=pl.String))


def with_checks(frame: pl.DataFrame, checks: list[pl.Expr]) -> pl.DataFrame:
    """Evaluate the checks now (they read columns the next step replaces), one column each;
    :func:`joined_reasons` gathers them into ``__reasons__``."""
    start = sum(name.startswith("__reason_") for name in frame.columns)
    return frame.with_columns(
        check.alias(f"__reason_{start + index}") for index, check in enumerate(checks)
    )


def joined_reasons(frame: pl.DataFrame) -> pl.DataFrame:
    """The ``__reason_<n>`` columns of :func:`with_checks` joined into ``__reasons__``."""
    checks = [name for name in frame.columns if name.startswith("__reason_")]
    joined = pl.concat_str(checks, separator=REASONS_SEPARATOR, ignore_nulls=True)
    return frame.with_columns(joined.fill_null("").alias(REASON)).drop(checks)


def add_reasons(frame: pl.DataFrame, checks: list[pl.Expr]) -> pl.DataFrame:
    """Append the non-null ``checks`` to each row's ``__reasons__``."""
    joined = pl.concat_str(
        [pl.col(REASON).replace("", None), *checks], separator=REASONS_SEPARATOR, ignore_nulls=True
    )
    return frame.with_columns(joined.fill_null("").alias(REASON))


def too_long(frame: pl.DataFrame, limits: dict[str, int]) -> list[pl.Expr]:
    """A reason for each text value longer than its column holds (``limits``: column ->
    characters), in a row that has no other reason (a malformed DNI is already named).
    Checked here, the same on every database: PostgreSQL refuses the value (and with it the
    whole file), SQLite would store a million characters."""
    return [
        reason_where(
            (pl.col(REASON) == "") & (pl.col(name).str.len_chars() > limit),
            "too_long",
            name,
            pl.col(name).str.len_chars(),
            limit,
        )
        for name, limit in limits.items()
        if name in frame.columns and frame.schema[name] == pl.String
    ]


def ensure_columns(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """The frame with a null text column for each of ``names`` the file did not have."""
    missing = [name for name in names if name not in frame.columns]
    return frame.with_columns(pl.lit(None, dtype=pl.String).alias(n) for n in missing)


def rejected(frame: pl.DataFrame) -> pl.DataFrame:
    """(``__index__``, ``__reasons__``) of the rows with a reason."""
    return frame.filter(pl.col(REASON) != "").select(INDEX, REASON)


def rows_of(table: Table) -> pl.DataFrame:
    """A chunk's cells as a frame to validate: every column of text stripped (blank is null),
    ``__index__``, ``__line__``, and the reading's own problem (a wrong number of fields) as
    the first check."""
    frame = pl.DataFrame(
        {name: pl.Series(values, dtype=pl.String) for name, values in table.columns.items()}
        | {
            LINE: pl.Series(table.lines, dtype=pl.Int64),
            "__reason_0": pl.Series(table.problems, dtype=pl.String),
        }
    ).with_row_index(INDEX)
    frame = frame.with_columns(pl.col(pl.String).str.strip_chars().replace("", None))
    return with_checks(frame, damaged_text(list(table.columns)))


def damaged_text(names: list[str]) -> list[pl.Expr]:
    """A reason for each value with a lost character: a name must not be stored damaged."""
    return [
        reason_where(pl.col(name).str.contains(LOST_CHARACTER, literal=True), "damaged_text", name)
        for name in names
    ]
