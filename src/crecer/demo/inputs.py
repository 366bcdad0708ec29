"""The territory from the database as the frames the pure generator takes (districts with
their latest population and rural share, populated centers, health facilities) for a scope:
``PE``, a department ``05``, a province ``0504`` or a district ``050403``."""

from __future__ import annotations

import polars as pl
from django.db.models import Q

from crecer.ingest.text import is_digits
from crecer.territory.models import (
    District,
    DistrictPopulation,
    HealthFacility,
    PopulatedCenter,
    within,
)

DISTRICT_SCHEMA = {
    "ubigeo": pl.String,
    "name": pl.String,
    "altitude_m": pl.Float64,
    "poverty_pct": pl.Float64,
    "extreme_poverty_pct": pl.Float64,
    "population": pl.Float64,
    "rural_share": pl.Float64,
}
PLACE_SCHEMA = {
    "code": pl.String,
    "ubigeo": pl.String,
    "name": pl.String,
    "area": pl.String,
    "altitude_m": pl.Float64,
}


def scope_filter(scope: str, field: str = "ubigeo") -> Q:
    if scope.upper() == "PE":
        return Q()
    if not is_digits(scope) or len(scope) not in (2, 4, 6):
        raise ValueError(f"scope {scope!r}: PE, or a 2-, 4- or 6-digit ubigeo")
    return within(scope, field)


def districts(scope: str) -> pl.DataFrame:
    rows = District.objects.filter(scope_filter(scope)).values_list(
        "ubigeo", "name", "altitude_m", "poverty_pct", "extreme_poverty_pct"
    )
    frame = pl.DataFrame(
        list(rows), schema=list(DISTRICT_SCHEMA)[:5], orient="row", schema_overrides=DISTRICT_SCHEMA
    )
    if frame.is_empty():
        raise ValueError(f"no district in scope {scope!r}")
    return frame.join(_populations(scope), on="ubigeo", how="left").select(list(DISTRICT_SCHEMA))


def _populations(scope: str) -> pl.DataFrame:
    """Each district's latest total population and its rural share (when urban/rural known)."""
    rows = DistrictPopulation.objects.filter(
        scope_filter(scope, "district_id"), total__isnull=False
    ).values_list("district_id", "year", "total", "rural")
    frame = pl.DataFrame(
        list(rows),
        schema={"ubigeo": pl.String, "year": pl.Int64, "total": pl.Float64, "rural": pl.Float64},
        orient="row",
    )
    latest = frame.sort("ubigeo", "year").group_by("ubigeo").last()
    return latest.select(
        "ubigeo",
        pl.col("total").alias("population"),
        (pl.col("rural") / pl.col("total")).clip(0, 1).alias("rural_share"),
    )


def centers(scope: str) -> pl.DataFrame:
    rows = PopulatedCenter.objects.filter(scope_filter(scope, "district_id")).values_list(
        "code", "district_id", "name", "area", "altitude_m"
    )
    frame = pl.DataFrame(list(rows), schema=PLACE_SCHEMA, orient="row")
    return frame.with_columns(pl.col("area").replace("", None))


def facilities(scope: str) -> pl.DataFrame:
    rows = HealthFacility.objects.filter(scope_filter(scope, "district_id")).values_list(
        "renipress_code", "district_id", "name", "altitude_m"
    )
    schema = {k: v for k, v in PLACE_SCHEMA.items() if k != "area"}
    return pl.DataFrame(list(rows), schema=schema, orient="row")
