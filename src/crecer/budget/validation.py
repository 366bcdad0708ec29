"""Row validation of the three PAN files, on columns (Polars): amounts as the extracts write
them, years, months, codes. Pure: no database, no clock; what the import knows (the profile's
products and items, the known territory codes) comes as arguments."""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from crecer.ingest.checks import reason_where

MONTH_NAMES = {
    "ENERO": 1, "FEBRERO": 2, "MARZO": 3, "ABRIL": 4, "MAYO": 5, "JUNIO": 6, "JULIO": 7,
    "AGOSTO": 8, "SETIEMBRE": 9, "SEPTIEMBRE": 9, "OCTUBRE": 10, "NOVIEMBRE": 11,
    "DICIEMBRE": 12,
}  # fmt: skip
# Soles have two decimals at most, so 127.864 is a thousands point (a Spanish spreadsheet).
PLAIN = r"^-?[0-9]+(\.[0-9]{1,2})?$"  # 159143 or 159143.50
THOUSANDS = r"^-?[0-9]{1,3}(,[0-9]{3})+(\.[0-9]{1,2})?$"  # 159,143.50 (MEF's pages)
EUROPEAN = r"^-?[0-9]{1,3}(\.[0-9]{3})+(,[0-9]{1,2})?$"  # 159.143,50 (a Spanish spreadsheet)
DECIMAL_COMMA = r"^-?[0-9]+,[0-9]{1,2}$"  # 159143,50


def amount(column: str) -> pl.Expr:
    """An amount as the extracts write it (``S/ 159,143.50``, ``159143.5``, ``159.143,50``,
    ``127.864``): a float, 0 when blank, null when it is not an amount (also more than two
    decimals: ``12.3456``)."""
    text = (
        pl.col(column)
        .str.replace(r"^S/\.?", "")
        .str.replace_all(r"\s", "")
        .str.replace(r"^\((.*)\)$", "-$1")  # (1,234) is an accountant's negative
    )
    cleaned = (
        pl.when(text.str.contains(PLAIN))
        .then(text)
        .when(text.str.contains(THOUSANDS))
        .then(text.str.replace_all(",", ""))
        .when(text.str.contains(EUROPEAN))
        .then(text.str.replace_all(r"\.", "").str.replace(",", "."))
        .when(text.str.contains(DECIMAL_COMMA))
        .then(text.str.replace(",", "."))
        .otherwise(None)
    )
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit(0.0))
        .otherwise(cleaned.cast(pl.Float64, strict=False))
    )


def amount_checks(names: list[str]) -> list[pl.Expr]:
    """A reason for each of ``names`` that is not an amount, and for each negative one (the
    parsed values are in ``__<name>``)."""
    checks = []
    for name in names:
        checks.append(
            reason_where(pl.col(f"__{name}").is_null(), "budget_bad_amount", name, pl.col(name))
        )
        checks.append(reason_where(pl.col(f"__{name}") < 0, "budget_negative", name, pl.col(name)))
    return checks


def whole(column: str) -> pl.Expr:
    """A whole number (``12``, ``12.0``, ``1,200``), null when it is not one."""
    text = pl.col(column).str.replace_all(r"[\s,]", "").str.replace(r"\.0+$", "")
    return text.cast(pl.Int64, strict=False)


def month_number(column: str) -> pl.Expr:
    """1-12 from ``3``, ``03`` or ``Marzo``; null otherwise (also 0 and 13)."""
    text = pl.col(column).str.to_uppercase().str.strip_chars()
    number = pl.coalesce(whole(column), text.replace_strict(MONTH_NAMES, default=None))
    return pl.when(number.is_between(1, 12)).then(number).otherwise(None).cast(pl.Int64)


def year_number(column: str) -> pl.Expr:
    number = whole(column)
    return pl.when(number.is_between(2000, 2100)).then(number).otherwise(None)


def code_part(column: str) -> pl.Expr:
    """The code of a "code: name" cell (Consulta Amigable writes ``3033256: NIÑOS CON…``)."""
    return pl.col(column).str.split(":").list.first().str.strip_chars().replace("", None)


def name_part(column: str) -> pl.Expr:
    """The name of a "code: name" cell; null when the cell has no name."""
    split = pl.col(column).str.splitn(":", 2).struct.field("field_1")
    return split.str.strip_chars().replace("", None)


def mapped(frame: pl.DataFrame, column: str, lookup: Callable[[str], str | None]) -> pl.Expr:
    """``lookup`` of each value of ``frame[column]`` (a profile's product or item), null
    where it finds none (looked up once per distinct value)."""
    values = [value for value in frame[column].unique().to_list() if value is not None]
    table = {value: lookup(value) for value in values}
    return pl.col(column).replace_strict(table, default=None, return_dtype=pl.String)
