"""Benchmark: the analytics refresh on the generator's national population.

Run by hand (not a test):

    python benchmarks/demo_generate.py --scope PE --out /tmp/national --no-csv-events
    python benchmarks/refresh.py --data /tmp/national [--as-of 2026-11-28]
        [--db-scope 05] [--postgres URL] [--reference-dir ../shared/reference]

The national population lives in files (loading ~140 M events into a database takes longer than
the refresh itself; see the note of issue 7), so the benchmark has two parts:

- **compute, national** (one process): the refresh's own code
  (``crecer.analytics.refresh.status_in_chunks`` over chunks of districts, then
  ``values_by_territory`` at every level) with the registry and events read from the
  generator's Parquet files instead of the database (``extract``: each chunk's events found by
  joining the files with its children), with time per stage and peak RSS. Side by side, in
  its own process, the limit:
  a raw DuckDB scan-and-aggregate of the same event files (every event joined to its child and
  counted by district and code, children counted once), i.e. reading and grouping the data
  with no per-child logic at all.
- **database, one department** (``--db-scope``, default 05): a fresh SQLite database (and
  PostgreSQL with ``--postgres URL``, an empty registry) with the population generated into it,
  then ``crecer.analytics.refresh.refresh`` end to end, whose stage times (extract, status,
  aggregate, store) give the per-child cost of the database stages.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import steps  # benchmarks/steps.py (scripts run from this folder)

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 28)
EVENT_FILES = ("services", "growth", "hemoglobin")


def load_children(folder: Path, as_of: date):
    """Active children under 6 on ``as_of`` from the generator's files, as
    ``crecer.analytics.extract.children_frame`` gives them, plus their padrón code (the key of
    the event files)."""
    import polars as pl

    from crecer.registry.ages import sixth_birthday_cutoff
    from crecer.registry.codes import Insurance, RecordStatus

    return (
        pl.scan_parquet(folder / "children.parquet")
        .filter(
            (pl.col("record_status") != RecordStatus.INACTIVE)
            & (pl.col("birth_date") <= as_of)
            & (pl.col("birth_date") > sixth_birthday_cutoff(as_of))
        )
        .select(
            pl.col("child").alias("child_id"),
            "padron_code",
            "birth_date",
            "sex",
            pl.col("ubigeo").alias("district_id"),
            pl.col("populated_center_code").alias("populated_center_id"),
            "care_facility",
            (pl.col("dni").is_not_null() | pl.col("cui").is_not_null()).alias("has_dni"),
            (pl.col("insurance") == Insurance.SIS).alias("has_sis"),
            "birth_weight_g",
            "gestational_age_weeks",
            "dni_issue_date",
            "sis_affiliation_date",
        )
        .collect()
    )


def compute_national(args: dict) -> dict:
    """The refresh's own chunked status and aggregation, with events read from the files."""
    import polars as pl

    setup_django(tempfile.mkdtemp(), "")  # the refresh module imports models; no query is made

    from crecer.analytics.indicators import levels_within, values_by_territory
    from crecer.analytics.refresh import Clock, status_in_chunks
    from crecer.analytics.status import CHILD_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS, SERVICE_COLUMNS
    from crecer.norms import load_profile

    profile = load_profile("peru")
    as_of = date.fromisoformat(args["as_of"])
    folder = Path(args["data"])
    clock = Clock(lambda stage, seconds: None)
    children = load_children(folder, as_of)
    counts = dict.fromkeys(EVENT_FILES, 0)

    def events_of(first: str, last: str):
        ids = (
            children.lazy()
            .filter(pl.col("district_id").is_between(pl.lit(first), pl.lit(last)))
            .select("padron_code", "child_id")
        )
        frames = []
        for name, schema in zip(
            EVENT_FILES, (SERVICE_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS), strict=True
        ):
            scan = pl.scan_parquet(folder / f"{name}.parquet").join(ids, on="padron_code")
            frame = scan.select(pl.col(c).cast(t) for c, t in schema.items()).collect()
            counts[name] += frame.height
            frames.append(frame)
        services, growth, hemoglobin = frames
        return growth, hemoglobin, services

    status = status_in_chunks(
        children.select(list(CHILD_COLUMNS)), events_of, as_of, profile, clock
    )
    values = values_by_territory(status, profile.analytics.indicators, levels_within(""))
    clock.lap("aggregate")
    return {
        "timings": clock.timings,
        "rows": {"children": status.height, **counts, "indicator_values": values.height},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def duckdb_limit(args: dict) -> dict:
    """Every event of the files joined to its child and counted by district and code."""
    import duckdb

    folder = Path(args["data"])
    files = {name: str(folder / f"{name}.parquet") for name in (*EVENT_FILES, "children")}
    sql = f"""
        WITH events AS (
            SELECT padron_code, date, code FROM read_parquet('{files["services"]}')
            UNION ALL SELECT padron_code, date, 'growth' FROM read_parquet('{files["growth"]}')
            UNION ALL SELECT padron_code, date, 'hb' FROM read_parquet('{files["hemoglobin"]}')
        )
        SELECT c.ubigeo, e.code, count(*) AS events, count(DISTINCT e.padron_code) AS children,
               max(e.date) AS latest
        FROM events e JOIN read_parquet('{files["children"]}') c USING (padron_code)
        WHERE c.record_status <> '0' AND c.birth_date <= DATE '{args["as_of"]}'
        GROUP BY ALL
    """
    connection = duckdb.connect()
    started = time.perf_counter()
    rows = connection.execute(sql).fetchall()
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "groups": len(rows),
        "events": sum(row[2] for row in rows),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def setup_django(data_dir: str, database_url: str) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "crecer.settings"
    os.environ["CRECER_DATA_DIR"] = data_dir
    os.environ["CRECER_DATABASE_URL"] = database_url or f"sqlite:///{data_dir}/unused.sqlite3"
    import django

    django.setup()


def database_refresh(args: dict) -> dict:
    """Generate ``--db-scope`` into a fresh database, then refresh it end to end."""
    setup_django(args["data_dir"], args["database_url"])
    from django.core.management import call_command

    from crecer.analytics.refresh import refresh
    from crecer.demo.run import Options, generate
    from crecer.norms import load_profile

    call_command("migrate", verbosity=0)
    if args["reference_dir"]:
        with open(os.devnull, "w") as quiet:
            call_command("territory", "load", "--dir", args["reference_dir"], stdout=quiet)
    profile = load_profile("peru")
    as_of = date.fromisoformat(args["as_of"])
    options = Options(scope=args["scope"], seed=1, as_of=as_of, into_db=True)
    manifest = generate(options, profile, say=lambda line: None)
    started = time.perf_counter()
    run = refresh(as_of, args["scope"], profile)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "children": run.children,
        "events": sum(
            manifest["counts"].get(f"{name}_rows", 0)
            for name in ("services", "growth", "hemoglobin")
        ),
        "timings": run.timings,
    }


STEPS = {"compute": compute_national, "duckdb": duckdb_limit, "database": database_refresh}


def run_step(kind: str, args: dict) -> dict:
    return steps.run_step(__file__, kind, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="folder written by benchmarks/demo_generate.py")
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--db-scope", default="05", help="scope of the database part ('' skips)")
    parser.add_argument("--postgres", default=None, help="URL of a database with an empty registry")
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(STEPS[options.step[0]](json.loads(options.step[1]))))
        return
    if options.data:
        args = {"data": str(options.data), "as_of": options.as_of}
        compute = run_step("compute", args)
        limit = run_step("duckdb", args)
        report_compute(compute, limit)
    if options.db_scope:
        with tempfile.TemporaryDirectory() as temp:
            base = {
                "scope": options.db_scope,
                "as_of": options.as_of,
                "reference_dir": options.reference_dir,
                "data_dir": temp,
            }
            databases = {"SQLite": f"sqlite:///{temp}/bench.sqlite3"}
            if options.postgres:
                databases["PostgreSQL"] = options.postgres
            for name, url in databases.items():
                report_database(name, run_step("database", {**base, "database_url": url}))


def report_compute(compute: dict, limit: dict) -> None:
    rows = compute["rows"]
    print(
        f"national population: {rows['children']:,} children, {rows['services']:,} services, "
        f"{rows['growth']:,} growth checks, {rows['hemoglobin']:,} Hb tests "
        f"-> {rows['indicator_values']:,} indicator values"
    )
    for name, seconds in compute["timings"].items():
        print(f"  {name:<10} {seconds:>8.1f} s")
    total = sum(compute["timings"].values())
    print(f"  {'total':<10} {total:>8.1f} s  peak RSS {compute['peak_rss_mb']:,} MB")
    print(
        f"DuckDB scan-and-aggregate of the same events: {limit['seconds']:.1f} s "
        f"({limit['events']:,} events, {limit['groups']:,} groups, peak RSS "
        f"{limit['peak_rss_mb']:,} MB); refresh / limit = {total / limit['seconds']:.1f}x"
    )


def report_database(name: str, result: dict) -> None:
    timings = ", ".join(f"{stage} {seconds:.1f} s" for stage, seconds in result["timings"].items())
    per_million = result["seconds"] / result["children"] * 1e6
    print(
        f"{name}: refresh of {result['children']:,} children ({result['events']:,} events) in "
        f"{result['seconds']:.1f} s ({timings}); {per_million:,.0f} s per million children"
    )


if __name__ == "__main__":
    main()
