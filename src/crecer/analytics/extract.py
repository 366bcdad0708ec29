"""Registry and service events of a scope, read from the database into Polars frames."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
from django.db import connection
from django.db.models import QuerySet

from crecer.analytics.status import CHILD_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS, SERVICE_COLUMNS
from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.registry.codes import Insurance
from crecer.registry.models import Child
from crecer.territory.models import within


def children_of(scope: str, as_of: date) -> QuerySet[Child]:
    """The registry's denominator on ``as_of``: active children under 6 in ``scope``."""
    children = Child.objects.active().under_six_on(as_of)
    return children.filter(within(scope)) if scope else children


def read(queryset: QuerySet, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Rows of a queryset's SQL, read straight into Polars (no model instances)."""
    sql, params = queryset.query.sql_with_params()
    names = list(schema)
    if connection.vendor == "postgresql":
        frame = _copy_out(sql, params, names)
    else:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        frame = pl.DataFrame(rows, schema=names, orient="row", infer_schema_length=None)
    return frame.select(_typed(frame[name], dtype) for name, dtype in schema.items())


def _copy_out(sql: str, params: tuple, names: list[str]) -> pl.DataFrame:
    """PostgreSQL: the query's rows as CSV text (COPY), parsed by Polars — tens of millions of
    events without building a Python tuple per row."""
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
        data = b"".join(bytes(block) for block in copy)
    if not data:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    return pl.read_csv(io.BytesIO(data), has_header=False, new_columns=names, infer_schema=False)


def _typed(column: pl.Series, dtype: pl.DataType) -> pl.Series:
    if column.dtype == pl.String and dtype != pl.String:  # COPY text, or SQLite's ISO dates
        if dtype == pl.Date:
            return column.str.to_date("%Y-%m-%d", strict=False)
        if dtype == pl.Boolean:
            return column.is_in(["t", "true", "1"]) & column.is_not_null()
        return column.cast(dtype, strict=False)
    if dtype == pl.Boolean and column.dtype != pl.Boolean:
        return column.cast(pl.Int64).cast(pl.Boolean)
    return column.cast(dtype)


def children_frame(children: QuerySet[Child]) -> pl.DataFrame:
    has_dni = ~(pl.col("dni").is_null() & pl.col("cui").is_null())
    rows = read(
        children.values_list(
            "id",
            "birth_date",
            "sex",
            "district_id",
            "populated_center_id",
            "care_facility",
            "dni",
            "cui",
            "insurance",
            "birth_weight_g",
            "gestational_age_weeks",
            "dni_issue_date",
            "sis_affiliation_date",
        ),
        {
            "child_id": pl.Int64,
            "birth_date": pl.Date,
            "sex": pl.String,
            "district_id": pl.String,
            "populated_center_id": pl.String,
            "care_facility": pl.String,
            "dni": pl.String,
            "cui": pl.String,
            "insurance": pl.String,
            "birth_weight_g": pl.Int64,
            "gestational_age_weeks": pl.Int64,
            "dni_issue_date": pl.Date,
            "sis_affiliation_date": pl.Date,
        },
    )
    return rows.with_columns(
        has_dni.alias("has_dni"), (pl.col("insurance") == Insurance.SIS).alias("has_sis")
    ).select(list(CHILD_COLUMNS))


def events_frames(children: QuerySet[Child]) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Growth checks, Hb tests and coded services of ``children``."""
    ids = children.values("pk")
    growth = read(
        GrowthCheck.objects.filter(child__in=ids).values_list(
            "child_id", "date", "weight_kg", "length_cm", "measure", "oedema"
        ),
        GROWTH_COLUMNS,
    )
    hemoglobin = read(
        HemoglobinTest.objects.filter(child__in=ids).values_list(
            "child_id", "date", "hb_observed", "altitude_m"
        ),
        HB_COLUMNS,
    )
    services = read(
        ServiceRecord.objects.filter(child__in=ids).values_list("child_id", "date", "code"),
        SERVICE_COLUMNS,
    )
    return growth, hemoglobin, services
