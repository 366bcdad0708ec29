"""Registry and service events of a scope, read from the database into Polars frames.

Not through DuckDB's SQLite or PostgreSQL scanners: they are extensions DuckDB downloads on
first use (extensions.duckdb.org), which a health post without internet cannot, so duckdb stays
out of the runtime dependencies for this; the databases' own text aggregation and Polars' CSV
reader do the columnar work (see :func:`read`)."""

from __future__ import annotations

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
    """Rows of a queryset's SQL, read straight into Polars (no model instances, no Python
    object per row or value where the database can help).

    The database writes the rows as CSV text, aggregated into one value (``string_agg`` on
    PostgreSQL, ``group_concat`` on SQLite), which Polars parses: a Python row per event (what
    ``fetchall`` and even ``COPY … TO STDOUT`` give, one message per row) cost ~2 µs each,
    most of a refresh. SQLite does not write a REAL as text that reads back to the same
    number on every platform, so a query with float columns there is fetched as rows (without
    Django's per-value date converters) and built column by column."""
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "sqlite" and any(dtype == pl.Float64 for dtype in schema.values()):
        frame = _fetched(sql, params, schema)
    else:
        frame = _as_csv(sql, params, schema)
    return frame.select(_typed(frame[name], dtype) for name, dtype in schema.items())


def _as_csv(sql: str, params: tuple, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """The query's rows as one CSV text built by the database, parsed by Polars (all columns
    as text; :func:`_typed` converts them). An unquoted empty field is null and a quoted one
    the empty string, as Polars reads them."""
    names = list(schema)
    postgresql = connection.vendor == "postgresql"
    columns = [f"c{i}" for i in range(len(names))]
    fields = [
        _csv_field(column, schema[name], postgresql)
        for column, name in zip(columns, names, strict=True)
    ]
    line = " || ',' || ".join(fields)
    aggregate = f"string_agg({line}, E'\\n')" if postgresql else f"group_concat({line}, char(10))"
    statement = f"WITH q({', '.join(columns)}) AS ({sql}) SELECT {aggregate} FROM q"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        (text,) = cursor.fetchone()
    if not text:
        return pl.DataFrame(schema=dict.fromkeys(names, pl.String))
    frame = pl.read_csv(
        text.encode(), has_header=False, new_columns=names, infer_schema=False, quote_char='"'
    )
    if not postgresql:
        return frame
    return frame.with_columns(
        pl.col(name).cast(pl.Int32).cast(pl.Date)
        for name, dtype in schema.items()
        if dtype == pl.Date
    )


def _csv_field(column: str, dtype: pl.DataType, postgresql: bool) -> str:
    """SQL giving a column as a CSV field: text quoted (quotes doubled), null as nothing.
    PostgreSQL writes a float8 as the shortest text that reads back to the same number."""
    if dtype == pl.String:
        return f"""coalesce('"' || replace({column}, '"', '""') || '"', '')"""
    if postgresql:
        if dtype == pl.Date:  # days since 1970 (to_char took half the query; no DateStyle)
            return f"coalesce(({column} - DATE '1970-01-01')::text, '')"
        return f"coalesce({column}::text, '')"
    return f"coalesce({column}, '')"


def _fetched(sql: str, params: tuple, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """SQLite: rows fetched as tuples, every column but the floats selected as text (an
    expression has no declared type, so none of Django's per-value date and bool converters
    runs: they were half the time), then built into Polars."""
    columns = [f"c{i}" for i in range(len(schema))]
    exprs = [
        column if schema[name] == pl.Float64 else f"CAST({column} AS TEXT)"
        for column, name in zip(columns, schema, strict=True)
    ]
    statement = f"WITH q({', '.join(columns)}) AS ({sql}) SELECT {', '.join(exprs)} FROM q"
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        rows = cursor.fetchall()
    return pl.DataFrame(rows, schema=list(schema), orient="row", infer_schema_length=None)


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


def events_frames(
    children: QuerySet[Child], growth_window: tuple[date, date] | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Growth checks, Hb tests and coded services of ``children``; growth checks only those
    dated within ``growth_window`` (first, last day) when given: status reads no other (Hb
    tests are all read, the schedules count each one as the test)."""
    ids = children.values("pk")
    checks = GrowthCheck.objects.filter(child__in=ids)
    if growth_window is not None:
        checks = checks.filter(date__range=growth_window)
    growth = read(
        checks.values_list("child_id", "date", "weight_kg", "length_cm", "measure", "oedema"),
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
