"""Indicator values by territory from the per-child status: for every indicator of the
catalogue and every unit of every level, the numerator and the denominator (counts of
children). Conditions are the catalogue's parsed trees, rendered as Polars expressions."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from crecer.norms import Profile
from crecer.norms.indicators import Indicator, Part
from crecer.norms.polars_conditions import PolarsRenderer
from crecer.profile import current_profile

VALUE_SCHEMA = {
    "indicator": pl.String,
    "level": pl.String,
    "code": pl.String,
    "numerator": pl.Int64,
    "denominator": pl.Int64,
}
# The status column holding each child's code at the territory level named like its prefix;
# levels finer than the district are read from the populated center's code.
RESIDENCE, FINER = "district_id", "populated_center_id"


def counted(indicator: Indicator, part: Part) -> pl.Expr:
    """True for the children of ``part`` ("numerator" or "denominator") of ``indicator``:
    where the condition is null (unknown), the child is not counted."""
    return PolarsRenderer().render(indicator.condition(part)).fill_null(False)


@dataclass(frozen=True)
class UnitLevel:
    """How a child's unit at one level is read from its status row: the prefix of ``length``
    characters of ``column`` (the whole value when ``length`` is None), or the one country
    unit ``country`` when ``column`` is None."""

    id: str
    column: str | None
    length: int | None = None
    country: str = ""

    def code(self) -> pl.Expr:
        """Each child's unit code at this level (null: not counted at this level)."""
        if self.column is None:
            return pl.lit(self.country)
        value = pl.col(self.column)
        if self.length is not None:
            value = value.str.slice(0, self.length)
        return pl.when(value != "").then(value)  # no facility, no unit


def unit_levels(profile: Profile) -> list[UnitLevel]:
    """The levels values are counted at, from the largest: the country (its ISO code), each
    territory level of the profile, and the facility of care."""
    territory = profile.territory
    residence = territory.level("district").code_length
    levels = [UnitLevel("country", None, country=profile.profile.country)]
    for level in territory.levels:
        if level.code_length <= residence:
            levels.append(UnitLevel(level.id, RESIDENCE, level.code_length))
        else:
            levels.append(UnitLevel(level.id, FINER, level.code_length))
    levels.append(UnitLevel("facility", "care_facility"))
    return levels


def level_names(profile: Profile | None = None) -> list[str]:
    """The names of the levels of :func:`unit_levels` (the current profile's by default)."""
    return [level.id for level in unit_levels(profile or current_profile())]


def membership(status: pl.DataFrame, indicators: list[Indicator]) -> pl.DataFrame:
    """Per child, ``d__<id>`` (in the denominator) and ``n__<id>`` (in the numerator)."""
    columns = []
    for indicator in indicators:
        columns += [
            counted(indicator, "denominator").alias(f"d__{indicator.id}"),
            counted(indicator, "numerator").alias(f"n__{indicator.id}"),
        ]
    return status.select(columns)


def values_by_territory(
    status: pl.DataFrame,
    indicators: list[Indicator],
    levels: list[str] | None = None,
    profile: Profile | None = None,
) -> pl.DataFrame:
    """Long table: indicator, level, code, numerator, denominator (units with a denominator),
    at ``levels`` (all of the profile's, the current profile's by default)."""
    places = status.select(RESIDENCE, FINER, "care_facility")
    flags = places.hstack(membership(status, indicators))
    frames = []
    by_name = {level.id: level for level in unit_levels(profile or current_profile())}
    for level in levels or list(by_name):
        units = flags.select(by_name[level].code().alias("code"), pl.col(r"^[dn]__.*$"))
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


def levels_within(scope: str, profile: Profile | None = None) -> list[str]:
    """Levels whose units a refresh of ``scope`` (an ubigeo prefix, "" = all) sees whole: those
    whose codes are at least as long as the scope (the country's is empty); units read whole
    from a column (the facility) always."""
    levels = unit_levels(profile or current_profile())
    return [level.id for level in levels if _code_length(level) >= len(scope)]


def _code_length(level: UnitLevel) -> float:
    if level.column is None:
        return 0
    return float("inf") if level.length is None else level.length
