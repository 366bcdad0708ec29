"""Writing a generated population into the database in bulk: children through the registry's
bulk path (``crecer.registry.bulk``: COPY on PostgreSQL, executemany on SQLite, with one history
row per child), and their services, growth checks and Hb tests into the health tables.

Each generation is recorded as an :class:`~crecer.ingest.models.ImportRun` named after its
scope and seed: it marks the population as present (``crecer demo`` reuses it) and the health
events point at it as their origin.
"""

from __future__ import annotations

import hashlib
from datetime import datetime

import polars as pl
from django.db import connection, transaction
from django.utils import timezone

from crecer.demo.generator import Population
from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.ingest import bulk as table_writer
from crecer.ingest.models import ImportRun
from crecer.registry import bulk
from crecer.registry.importer import search_names
from crecer.registry.models import Child
from crecer.territory.models import within

WHY = "synthetic population (crecer generate)"


def run_name(scope: str, seed: int, factor: float) -> str:
    return f"crecer-generate scope={scope} seed={seed} factor={factor:g}"


def existing_run(scope: str, seed: int, factor: float) -> ImportRun | None:
    return ImportRun.objects.filter(file_name=run_name(scope, seed, factor)).first()


def children_in_scope(scope: str) -> int:
    if scope.upper() == "PE":
        return Child.objects.count()
    return Child.objects.filter(within(scope)).count()


def start_run(scope: str, seed: int, factor: float) -> ImportRun:
    name = run_name(scope, seed, factor)
    return ImportRun.objects.create(
        file_name=name, sha256=hashlib.sha256(name.encode()).hexdigest(), encoding="", delimiter=""
    )


@transaction.atomic
def write(population: Population, run: ImportRun, now: datetime | None = None) -> dict[str, int]:
    """Insert one chunk; returns the rows written per table."""
    now = now or timezone.now()
    children = population.children
    ids = pl.Series("id", bulk.reserve_ids(children.height), dtype=pl.Int64)
    record = _child_record(children, now).with_columns(ids)
    columns = [f.attname for f in bulk.tracked_fields()]
    with bulk.indexes_suspended(readers_first=False).around_insert(record.height):
        table_writer.insert(Child._meta.db_table, record.select("id", *columns))
    bulk.write_history(record.select("id", *columns), "+", now, None, WHY)
    id_of = pl.DataFrame({"child": children["child"], "child_id": ids})
    written = {"children": children.height}
    events = (
        (ServiceRecord, population.services.select("child", "date", "facility", "code", "lab")),
        (
            GrowthCheck,
            population.growth.select(
                "child", "date", "facility", "weight_kg", "length_cm", "measure", "oedema",
                pl.lit(None, dtype=pl.Float64).alias("head_cm"),
            ),
        ),
        (
            HemoglobinTest,
            population.hemoglobin.select(
                "child", "date", "facility", "hb_observed", "altitude_m", "altitude_source"
            ),
        ),
    )  # fmt: skip
    for model, frame in events:
        rows = frame.join(id_of, on="child").drop("child")
        rows = rows.with_columns(
            pl.lit(run.pk, dtype=pl.Int64).alias("import_run_id"),
            pl.lit(None, dtype=pl.Int64).alias("recorded_by_id"),
            pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias("created_at"),
        )
        table_writer.insert(model._meta.db_table, rows)
        written[model._meta.model_name] = rows.height
    run.rows_read += children.height
    run.created += children.height
    run.save(update_fields=["rows_read", "created"])
    return written


def analyze() -> None:
    """Fresh planner statistics for the tables just filled (PostgreSQL). Until autovacuum gets
    to them, the planner took a table of 30 M events for a small one: the deduplication that
    follows in ``crecer demo`` read all of them for each merged child (Lima never finished)."""
    if connection.vendor != "postgresql":
        return
    tables = [Child, Child.history.model, ServiceRecord, GrowthCheck, HemoglobinTest]
    with connection.cursor() as cursor:
        for model in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")


def _child_record(children: pl.DataFrame, now: datetime) -> pl.DataFrame:
    """Child's columns (attnames) from the generated frame; blanks as "", never null, for the
    text fields that are not nullable."""
    frame = children.with_columns(
        pl.col("ubigeo").alias("district_id"),
        pl.col("populated_center_code").alias("populated_center_id"),
        pl.col("visited") == "SI",
        pl.when(pl.col("found") == "").then(None).otherwise(pl.col("found") == "SI").alias("found"),
        pl.lit("").alias("deactivation_reason"),
        pl.lit("").alias("birth_facility"),
        pl.lit("").alias("care_frequency"),
        pl.col("care_facility").alias("assigned_facility"),
        pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias("created_at"),
        pl.lit(now, dtype=pl.Datetime("us", "UTC")).alias("updated_at"),
    )
    frame = frame.with_columns(search_name=search_names(frame))
    text = [
        f.attname
        for f in bulk.tracked_fields()
        if f.get_internal_type() in {"CharField", "EmailField"} and not f.null
    ]
    return frame.with_columns(pl.col(text).fill_null(""))
