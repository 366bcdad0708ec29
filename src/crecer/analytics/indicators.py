"""Indicator values by territory from the per-child status: for every indicator of the
catalogue and every unit of every level, the numerator and the denominator (counts of
children). Conditions are the catalogue's SQL, evaluated by Polars."""

from __future__ import annotations

import polars as pl

from crecer.norms.indicators import Indicator

# Level -> expression giving each child's unit code at that level (null: not counted there).
LEVELS: dict[str, pl.Expr] = {
    "country": pl.lit("PE"),
    "department": pl.col("district_id").str.slice(0, 2),
    "province": pl.col("district_id").str.slice(0, 4),
    "district": pl.col("district_id"),
    "populated_center": pl.col("populated_center_id"),
    "facility": pl.when(pl.col("care_facility") != "").then(pl.col("care_facility")),
}
LEVEL_CODE_LENGTH = {"country": 0, "department": 2, "province": 4, "district": 6}
VALUE_SCHEMA = {
    "indicator": pl.String,
    "level": pl.String,
    "code": pl.String,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
}


class UnknownColumn(ValueError):
    """An indicator's condition names a column the status table does not have."""


def membership(status: pl.DataFrame, indicators: list[Indicator]) -> pl.DataFrame:
    """Per child, ``d__<id>`` (in the denominator) and ``n__<id>`` (in the numerator)."""
    columns = []
    for indicator in indicators:
        denominator = _condition(indicator.denominator_sql(), indicator, status)
        numerator = denominator & _condition(indicator.numerator, indicator, status)
        columns += [denominator.alias(f"d__{indicator.id}"), numerator.alias(f"n__{indicator.id}")]
    return status.select(columns)


def _condition(sql: str, indicator: Indicator, status: pl.DataFrame) -> pl.Expr:
    expression = pl.sql_expr(sql)
    missing = set(expression.meta.root_names()) - set(status.columns)
    if missing:
        raise UnknownColumn(
            f"indicator {indicator.id}: unknown status column(s) {sorted(missing)} in {sql!r}"
        )
    return expression.fill_null(False)


def values_by_territory(
    status: pl.DataFrame, indicators: list[Indicator], levels: list[str] | None = None
) -> pl.DataFrame:
    """Long table: indicator, level, code, numerator, denominator (units with a denominator)."""
    places = status.select("district_id", "populated_center_id", "care_facility")
    flags = places.hstack(membership(status, indicators))
    frames = []
    for level in levels or list(LEVELS):
        units = flags.select(LEVELS[level].alias("code"), pl.col(r"^[dn]__.*$"))
        sums = units.filter(pl.col("code").is_not_null()).group_by("code").agg(pl.all().sum())
        for indicator in indicators:
            frames.append(
                sums.select(
                    pl.lit(indicator.id).alias("indicator"),
                    pl.lit(level).alias("level"),
                    "code",
                    pl.col(f"n__{indicator.id}").cast(pl.Int64).alias("numerator"),
                    pl.col(f"d__{indicator.id}").cast(pl.Int64).alias("denominator"),
                ).filter(pl.col("denominator") > 0)
            )
    if not frames:
        return pl.DataFrame(schema=VALUE_SCHEMA)
    return pl.concat(frames).sort("indicator", "level", "code")


def levels_within(scope: str) -> list[str]:
    """Levels whose units a refresh of ``scope`` (an ubigeo prefix, "" = all) sees whole."""
    return [level for level in LEVELS if LEVEL_CODE_LENGTH.get(level, 99) >= len(scope)]
