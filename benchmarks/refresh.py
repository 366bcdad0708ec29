"""Benchmark: the analytics refresh, from the database as users run it, and computed on the
generator's national population.

Run by hand (not a test):

    python benchmarks/refresh.py [--db-scope 05] [--postgres URL] [--as-of 2026-11-28]
        [--reference-dir ../shared/reference] [--runs 2]
    python benchmarks/demo_generate.py --scope PE --out /tmp/national --no-csv-events
    python benchmarks/refresh.py --data /tmp/national --db-scope ''

Two parts, each step in its own process so that its peak memory (RSS) is its own:

- **database, one department** (``--db-scope``, default 05, Ayacucho: ~70,000 children, ~4.9 M
  events, ~20,000 pregnancies): a fresh SQLite database (and PostgreSQL with ``--postgres URL``,
  an empty registry) gets the territory, the generated population with its services, and the
  women and pregnancies of the demo (``crecer.demo.women``); then ``crecer refresh --as-of D
  --scope S`` — the command users run, read from the database to results stored in it — is
  run ``--runs`` times with and without the maternal contribution (the women's indicators,
  ``analytics.refresh.CONTRIBUTIONS``, emptied in the process without), alternately. Reported:
  the best wall time of each, its seconds per stage (extract, status, aggregate, maternal,
  store) and peak RSS; the maternal contribution's extra time and memory: the difference,
  its own stage, and ``maternal_values`` alone in a process (its time and the RSS it adds;
  in the refresh it runs after the children's events are freed, so it may add no peak). On a
  busy machine wall times swing; the CPU seconds of the refresh's process swing less.
- **compute, national** (``--data``, the files of ``benchmarks/demo_generate.py``): the refresh's
  own code (``crecer.analytics.refresh.status_in_chunks`` over chunks of districts, then
  ``values_by_territory`` at every level) with the registry and events read from Parquet
  instead of the database. The events are split by chunk in one streaming pass (each event
  file joined once with the children and written per chunk), so no chunk rescans every event;
  that pass counts as ``extract``. Side by side, in its own process, the limit: a raw DuckDB
  scan-and-aggregate of the same event files (every event joined to its child and counted by
  district and code, children counted once), i.e. reading and grouping the data with no
  per-child logic at all.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import resource
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

import steps  # benchmarks/steps.py (scripts run from this folder)

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 28)
EVENT_FILES = ("services", "growth", "hemoglobin")
STAGES = ["extract", "status", "aggregate", "maternal", "store"]  # as the refresh runs them


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
    from crecer.analytics.refresh import CHUNK_CHILDREN, Clock, status_in_chunks
    from crecer.analytics.status import (
        CHILD_COLUMNS,
        GROWTH_COLUMNS,
        HB_COLUMNS,
        SERVICE_COLUMNS,
        district_chunks,
        window_start,
    )
    from crecer.norms import load_profile

    profile = load_profile("peru")
    as_of = date.fromisoformat(args["as_of"])
    folder = Path(args["data"])
    clock = Clock(lambda stage, seconds: None)
    children = load_children(folder, as_of)
    counts = dict.fromkeys(EVENT_FILES, 0)
    chunks = district_chunks(children, CHUNK_CHILDREN)
    parts = Path(tempfile.mkdtemp(dir=args.get("work_dir")))
    window = (window_start(as_of, profile), as_of)
    split_by_chunk(folder, children, chunks, parts, window)
    clock.lap("extract", final=False)
    number = {chunk: n for n, chunk in enumerate(chunks)}
    schemas = dict(zip(EVENT_FILES, (SERVICE_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS), strict=True))

    def events_of(first: str, last: str):
        frames = []
        for name, schema in schemas.items():
            part = parts / name / f"chunk={number[first, last]}"
            frame = (
                pl.read_parquet(part, hive_partitioning=False).select(list(schema))
                if part.exists()
                else pl.DataFrame(schema=schema)
            )
            counts[name] += frame.height
            frames.append(frame)
        services, growth, hemoglobin = frames
        return growth, hemoglobin, services

    status = status_in_chunks(
        children.select(list(CHILD_COLUMNS)), events_of, as_of, profile, clock
    )
    values = values_by_territory(
        status, profile.analytics.indicators, levels_within("", profile), profile
    )
    clock.lap("aggregate")
    shutil.rmtree(parts, ignore_errors=True)
    return {
        "timings": clock.timings,
        "rows": {"children": status.height, **counts, "indicator_values": values.height},
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def split_by_chunk(
    folder: Path, children, chunks: list[tuple[str, str]], out: Path, growth_window: tuple
) -> None:
    """Each event file read once, its events joined to their child (padrón code -> child id)
    and written to ``out/<file>/chunk=<n>/`` by the chunk of the child's district (streaming:
    the events are never all in memory); growth checks only those of ``growth_window``, as
    ``crecer.analytics.extract.events_frames`` reads them."""
    import polars as pl

    districts = children.select("district_id").unique().sort("district_id")
    firsts = [first for first, _last in chunks]
    chunk = pl.Series(
        "chunk",
        [bisect.bisect_right(firsts, d) - 1 for d in districts["district_id"]],
        dtype=pl.Int32,
    )
    keys = children.select("padron_code", "child_id", "district_id").join(
        districts.with_columns(chunk), on="district_id"
    )
    from crecer.analytics.status import GROWTH_COLUMNS, HB_COLUMNS, SERVICE_COLUMNS

    schemas = (SERVICE_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS)
    for name, schema in zip(EVENT_FILES, schemas, strict=True):
        events = pl.scan_parquet(folder / f"{name}.parquet")
        if name == "growth":
            events = events.filter(pl.col("date").is_between(*growth_window))
        (
            events.join(keys.lazy().select("padron_code", "child_id", "chunk"), on="padron_code")
            .select(*(pl.col(c).cast(t) for c, t in schema.items()), "chunk")
            .sink_parquet(pl.PartitionBy(out / name, key="chunk", include_key=False), mkdir=True)
        )


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


def populate_database(args: dict) -> dict:
    """A fresh database: migrations, territory, the ``--db-scope`` population with its events,
    and the demo's women and pregnancies (not timed)."""
    setup_django(args["data_dir"], args["database_url"])
    from django.core.management import call_command

    from crecer.demo import women
    from crecer.demo.run import Options, generate
    from crecer.maternal.models import MaternalHbTest, MaternalService, Pregnancy
    from crecer.norms import load_profile

    call_command("migrate", verbosity=0)
    if args["reference_dir"]:
        with open(os.devnull, "w") as quiet:
            call_command("territory", "load", "--dir", args["reference_dir"], stdout=quiet)
    as_of = date.fromisoformat(args["as_of"])
    options = Options(scope=args["scope"], seed=1, as_of=as_of, into_db=True)
    manifest = generate(options, load_profile("peru"), say=lambda line: None)
    women.populate(args["scope"], as_of, seed=1)
    counts = manifest["counts"]
    return {
        "children": counts["children"],
        "events": sum(counts.get(f"{name}_rows", 0) for name in EVENT_FILES),
        "pregnancies": Pregnancy.objects.count(),
        "maternal_events": MaternalService.objects.count() + MaternalHbTest.objects.count(),
    }


def database_refresh(args: dict) -> dict:
    """``crecer refresh --as-of D --scope S`` on the populated database, with or without the
    maternal contribution; wall time, seconds per stage, peak RSS (and RSS before it)."""
    setup_django(args["data_dir"], args["database_url"])
    from django.core.management import call_command

    from crecer.analytics import refresh
    from crecer.analytics.models import Refresh

    if not args["maternal"]:
        refresh.CONTRIBUTIONS.clear()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    started = time.perf_counter()
    with open(os.devnull, "w") as quiet:
        command = ["refresh", "--as-of", args["as_of"], "--scope", args["scope"]]
        call_command(*command, stdout=quiet, stderr=quiet)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    run = Refresh.objects.get(as_of=args["as_of"], scope=args["scope"])
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),  # this process only (not PostgreSQL's server)
        "children": run.children,
        "values": run.values.count(),
        "timings": run.timings,
        "rss_before_mb": round(before / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def maternal_alone(args: dict) -> dict:
    """The maternal contribution alone (``maternal_values``, what the refresh adds for the
    women): its seconds and the memory it takes above the process before it."""
    setup_django(args["data_dir"], args["database_url"])
    from crecer.analytics.indicators import levels_within
    from crecer.maternal.status import maternal_values
    from crecer.profile import current_profile

    profile = current_profile()
    levels = levels_within(args["scope"], profile)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time()
    started = time.perf_counter()
    values = maternal_values(args["scope"], date.fromisoformat(args["as_of"]), profile, levels)
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "cpu_seconds": round(time.process_time() - cpu, 2),
        "values": values.height,
        "rss_before_mb": round(before / 1024),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


STEPS = {
    "maternal": maternal_alone,
    "compute": compute_national,
    "duckdb": duckdb_limit,
    "populate": populate_database,
    "database": database_refresh,
}


def run_step(kind: str, args: dict) -> dict:
    return steps.run_step(__file__, kind, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, help="folder written by benchmarks/demo_generate.py")
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--db-scope", default="05", help="scope of the database part ('' skips)")
    parser.add_argument("--postgres", default=None, help="URL of a database with an empty registry")
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument("--runs", type=int, default=2, help="refreshes of each kind (best kept)")
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
                args = {**base, "database_url": url}
                population = run_step("populate", args)
                runs: dict[bool, list[dict]] = {False: [], True: []}
                alone = []
                for _ in range(options.runs):
                    for maternal in (False, True):
                        runs[maternal].append(run_step("database", {**args, "maternal": maternal}))
                    alone.append(run_step("maternal", args))
                report_database(name, population, runs, min(alone, key=lambda r: r["seconds"]))


def report_compute(compute: dict, limit: dict) -> None:
    rows = compute["rows"]
    print(
        f"compute from the files: {rows['children']:,} children, {rows['services']:,} services, "
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


def report_database(name: str, population: dict, runs: dict[bool, list[dict]], alone: dict) -> None:
    print(
        f"{name}: crecer refresh of {population['children']:,} children "
        f"({population['events']:,} events) and {population['pregnancies']:,} pregnancies "
        f"({population['maternal_events']:,} maternal services and Hb tests), "
        f"best of {len(runs[True])}:"
    )
    best = {
        maternal: min(results, key=lambda r: r["seconds"]) for maternal, results in runs.items()
    }
    for maternal, label in ((False, "children only"), (True, "with women")):
        result = best[maternal]
        timings = result["timings"]  # PostgreSQL's JSON gives them in alphabetical order
        order = sorted(timings, key=lambda stage: [*STAGES, stage].index(stage))
        stages = ", ".join(f"{stage} {timings[stage]:.1f} s" for stage in order)
        per_million = result["seconds"] / result["children"] * 1e6
        print(
            f"  {label:<14} {result['seconds']:>6.1f} s, CPU {result.get('cpu_seconds', 0):.1f} s "
            f"({stages}); peak RSS "
            f"{result['peak_rss_mb']:,} MB (process {result['rss_before_mb']:,} MB before); "
            f"{result['values']:,} indicator values; {per_million:,.0f} s per million children"
        )
    extra = best[True]["seconds"] - best[False]["seconds"]
    memory = best[True]["peak_rss_mb"] - best[False]["peak_rss_mb"]
    print(
        f"  the maternal contribution: refresh with women - without {extra:+.1f} s "
        f"({extra / best[False]['seconds']:+.0%}), peak RSS {memory:+,} MB; its stage "
        f"{best[True]['timings'].get('maternal', 0):.1f} s; alone (maternal_values) "
        f"{alone['seconds']:.1f} s (CPU {alone.get('cpu_seconds', 0):.1f} s), "
        f"{alone['values']:,} values, "
        f"+{alone['peak_rss_mb'] - alone['rss_before_mb']:,} MB above the process "
        f"({alone['peak_rss_mb']:,} MB peak)"
    )


if __name__ == "__main__":
    main()
