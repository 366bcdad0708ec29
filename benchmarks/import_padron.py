"""Benchmark: importing the demo generator's own padrón file, on SQLite and on PostgreSQL.

Run by hand (not a test), from the repository root:

    python benchmarks/import_padron.py [--scope 05] [--factor 1] [--seed 1] [--faults 0.02]
        [--duplicates 0.03] [--twins 0.005] [--reference-dir ../shared/reference]
        [--postgres postgresql://postgres@127.0.0.1:5432/bench_a] [--no-sqlite] [--out DIR]

``--postgres`` names a database this script DROPS and creates again (its server must let the
user create databases); without it only SQLite runs. ``--factor`` scales the number of children
(Ayacucho at 1 is ~70,000 rows; ~14 rows per thousand children more come from duplicates and
twins).

The file is ``padron.csv`` exactly as ``crecer generate --faults F --duplicates D --twins T``
writes it: the Padrón Nominal export's Spanish headers, ``;``, ``DD/MM/AAAA``, quoted fields
where the text needs it (facility and center names with commas or quotes), the generator's
faults (bad identifiers, impossible dates, unknown places, exact copies of rows) and registry
duplicates and twins at the end of the file. It is generated once (not timed) into a SQLite
database holding the bundled territory, and every database below gets the same territory.

For each database, in one run, each step in its own process (seconds and peak RSS are its own):
  raw       the limit of reading and storing the file without any validation: every line into a
            table of text columns. SQLite: Python's ``csv`` reader feeding ``executemany`` in ONE
            transaction (one commit). PostgreSQL: the file's bytes streamed to
            ``COPY … FROM STDIN (FORMAT csv)`` (the server parses it);
  import    ``import_padron`` on an empty registry (parsing, validation, matching, history,
            quarantine, index rebuild), one transaction; with its stages;
  reimport  the same file again (everything unchanged);
  tables    the second limit: what the first import stored (its children, their history rows,
            its quarantined rows) dumped (not timed), deleted, and loaded back raw into the same
            tables (executemany in one transaction / COPY of the dump), two ways that both end
            with every index and constraint the import ends with:
              kept     loaded with the indexes in place;
              rebuilt  the indexes that enforce nothing dropped, loaded, built again (what the
                       import itself does on SQLite for a large first load).
            The limit is the faster of the two.
Prints import / raw and import / tables (both from this run) and each step's peak RSS.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import tempfile
import time
from datetime import date
from pathlib import Path

import steps  # benchmarks/steps.py (scripts run from this folder)

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)


def step(kind: str, args: dict) -> dict:
    """Run one measured step in this process (called through a subprocess)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "crecer.settings"
    os.environ["CRECER_DATABASE_URL"] = args["database_url"]
    os.environ["CRECER_DATA_DIR"] = args["data_dir"]
    import django

    django.setup()
    from django.core.management import call_command

    if kind == "setup":
        call_command("migrate", verbosity=0)
        with open(os.devnull, "w") as quiet:
            call_command("territory", "load", "--dir", args["reference_dir"], stdout=quiet)
        return {}
    if kind == "files":
        return generate_file(args)
    if kind == "dump":
        return dump_tables(Path(args["work"]), args["run_id"])
    if kind.startswith("tables-"):
        return raw_into_tables(Path(args["work"]), rebuild=kind == "tables-rebuilt")
    file = Path(args["file"])
    started = time.perf_counter()
    result = raw_load(file) if kind == "raw" else run_import(file)
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = peak_mb()
    return result


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def generate_file(args: dict) -> dict:
    from crecer.demo.run import Options, generate
    from crecer.norms import load_profile

    options = Options(
        scope=args["scope"], seed=args["seed"], factor=args["factor"], as_of=TODAY,
        out=Path(args["out"]), fault_rate=args["faults"], into_db=False, csv_events=False,
        duplicate_rate=args["duplicates"], twin_rate=args["twins"],
    )  # fmt: skip
    started = time.perf_counter()
    manifest = generate(options, load_profile("peru"), say=lambda line: None)
    padron = Path(args["out"]) / "padron.csv"
    with padron.open(encoding="utf-8") as handle:
        quoted = sum(1 for line in handle if '"' in line)
    faults = manifest.get("faults") or {}
    return {
        "seconds": round(time.perf_counter() - started, 1),
        "rows": faults.get("rows"),
        "expected_quarantined": faults.get("quarantined"),
        "by_fault": faults.get("by_fault"),
        "lines_with_quotes": quoted,
        "bytes": padron.stat().st_size,
    }


def raw_load(file: Path) -> dict:
    from django.db import connection, transaction

    with file.open(encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle, delimiter=";"))
    columns = ", ".join(f"c{i} text" for i in range(len(header)))
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw")
        cursor.execute(f"CREATE TABLE bench_raw ({columns})")
        if connection.vendor == "postgresql":
            sql = "COPY bench_raw FROM STDIN (FORMAT csv, DELIMITER ';', HEADER true)"
            with file.open("rb") as source, cursor.cursor.copy(sql) as copy:
                while block := source.read(1 << 20):
                    copy.write(block)
        else:
            with file.open(encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle, delimiter=";")
                next(reader)
                marks = ", ".join("?" * len(header))
                # sqlite3's own executemany streams the reader (Django's keeps every row);
                # inside transaction.atomic: one BEGIN … COMMIT, not a commit per row.
                connection.connection.executemany(f"INSERT INTO bench_raw VALUES ({marks})", reader)
        cursor.execute("SELECT COUNT(*) FROM bench_raw")
        rows = cursor.fetchone()[0]
    return {"rows": rows}


def run_import(file: Path) -> dict:
    from crecer.registry.importer import import_padron

    started = time.perf_counter()
    stages: dict[str, float] = {}
    last = [started]
    names = {
        "read": "read",
        "compared": "validate+match",
        "written": "write",
        "rows": "quarantine",
        "indexes": "indexes+checks",
    }

    def clock(stage: str, done: int, total: int) -> None:
        # Per chunk: read, then validate+match+compare, then write, then quarantine rows;
        # at the end the suspended indexes are rebuilt and deferred foreign keys checked.
        now = time.perf_counter()
        stages[names[stage]] = stages.get(names[stage], 0.0) + now - last[0]
        last[0] = now

    run = import_padron(file, today=TODAY, progress=clock)
    # The rest: importing the code, the run's row, the commit.
    stages["other"] = time.perf_counter() - started - sum(stages.values())
    return {
        "stages": {name: round(seconds, 1) for name, seconds in stages.items()},
        "created": run.created,
        "unchanged": run.unchanged,
        "quarantined": run.quarantined,
        "rows": run.rows_read,
        "run_id": run.pk,
    }


def _tables(run_id: int) -> tuple[list[str], dict[str, str]]:
    from crecer.ingest.models import QuarantinedRow
    from crecer.registry.models import Child

    quarantine = QuarantinedRow._meta.db_table
    tables = [Child._meta.db_table, Child.history.model._meta.db_table, quarantine]
    dumped = {table: f"SELECT * FROM {table}" for table in tables}
    # the first import's rejections (not the territory load's, not the re-import's)
    dumped[quarantine] += f" WHERE run_id = {int(run_id)}"
    return tables, dumped


def dump_tables(work: Path, run_id: int) -> dict:
    """Dump what the first import wrote (once, not timed)."""
    from django.db import connection

    tables, dumped = _tables(run_id)
    rows = {}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for table in tables:
                with (
                    open(work / f"{table}.copy", "wb") as out,
                    cursor.cursor.copy(f"COPY ({dumped[table]}) TO STDOUT") as copy,
                ):
                    for block in copy:
                        out.write(block)
        else:
            dump = work / "dump.sqlite3"
            dump.unlink(missing_ok=True)
            cursor.execute("ATTACH DATABASE %s AS dump", [str(dump)])
            for table in tables:
                cursor.execute(f"CREATE TABLE dump.{table} AS {dumped[table]}")
            cursor.execute("DETACH DATABASE dump")
        for table in tables:
            cursor.execute(f"SELECT COUNT(*) FROM ({dumped[table]}) t")
            rows[table] = cursor.fetchone()[0]
    return {"rows": rows}


def raw_into_tables(work: Path, rebuild: bool) -> dict:
    """Empty the import's tables (not timed), then time loading the dump back raw, in one
    transaction, ending with the same indexes and constraints as the import."""
    from django.db import connection, transaction

    from crecer.ingest.bulk import build_indexes, drop_indexes, suspendable_indexes

    tables, _dumped = _tables(0)
    postgres = connection.vendor == "postgresql"
    with transaction.atomic(), connection.cursor() as cursor:
        if postgres:
            # CASCADE: the (empty) health tables refer to children.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            for table in reversed(tables):
                cursor.execute(f"DELETE FROM {table}")
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM ANALYZE {', '.join(tables)}")
    rows = {}
    stages = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        rebuilt = drop_indexes(suspendable_indexes(tables[:2])) if rebuild else []
        for table in tables:
            if postgres:
                with (
                    open(work / f"{table}.copy", "rb") as source,
                    cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy,
                ):
                    while block := source.read(1 << 20):
                        copy.write(block)
            else:
                import sqlite3

                dump = sqlite3.connect(work / "dump.sqlite3")
                source = dump.execute(f"SELECT * FROM {table}")
                marks = ", ".join("?" * len(source.description))
                sql = f"INSERT INTO {table} VALUES ({marks})"
                connection.connection.executemany(sql, source)
                dump.close()
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
        stages["load"] = round(time.perf_counter() - started, 2)
        if rebuild:
            if postgres:
                cursor.execute("SET LOCAL maintenance_work_mem = '128MB'")  # as the import
            build_indexes(rebuilt)
            stages["indexes"] = round(time.perf_counter() - started - stages["load"], 2)
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # deferred foreign keys checked
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": peak_mb(),
        "rows": rows,
        "indexes_rebuilt": len(rebuilt),
        "stages": stages,
    }


def reset_postgres(url: str) -> None:
    """Drop and create again the database of ``url`` (through the server's `postgres` db)."""
    import psycopg

    base, name = url.rsplit("/", 1)
    if name in {"postgres", "test", "template0", "template1"}:
        raise SystemExit(f"refusing to drop the database {name!r}: name one for this benchmark")
    with psycopg.connect(f"{base}/postgres", autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}"')
        db.execute(f'CREATE DATABASE "{name}"')


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scope", default="05")
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--faults", type=float, default=0.02)
    parser.add_argument("--duplicates", type=float, default=0.03)
    parser.add_argument("--twins", type=float, default=0.005)
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument("--postgres", default=None, help="a database URL this script recreates")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--out", default=None, help="keep (or reuse) the generated file here")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(step(options.step[0], json.loads(options.step[1])), default=str))
        return
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        out = Path(options.out) if options.out else work / "out"
        base = {
            "scope": options.scope, "seed": options.seed, "factor": options.factor,
            "faults": options.faults, "duplicates": options.duplicates, "twins": options.twins,
            "reference_dir": options.reference_dir, "data_dir": temp, "work": temp,
            "out": str(out), "file": str(out / "padron.csv"),
        }  # fmt: skip
        databases = {} if options.no_sqlite else {"sqlite": f"sqlite:///{work / 'bench.sqlite3'}"}
        if options.postgres:
            databases["postgresql"] = options.postgres
        for name, url in databases.items():
            args = {**base, "database_url": url}
            if name == "postgresql":
                reset_postgres(url)
            steps.run_step(__file__, "setup", args)
            if not (out / "padron.csv").exists():
                made = steps.run_step(__file__, "files", args)
                print(
                    f"file (generated, not timed, {made['seconds']} s): {made['rows']:,} rows, "
                    f"{made['bytes'] / 1e6:.0f} MB, {made['lines_with_quotes']:,} lines with "
                    f"quotes, {made['expected_quarantined']:,} rows the generator expects "
                    f"quarantined {json.dumps(made['by_fault'])}"
                )
            raw = steps.run_step(__file__, "raw", args)
            first = steps.run_step(__file__, "import", args)
            again = steps.run_step(__file__, "reimport", args)
            steps.run_step(__file__, "dump", {**args, "run_id": first["run_id"]})
            kept = steps.run_step(__file__, "tables-kept", args)
            rebuilt = steps.run_step(__file__, "tables-rebuilt", args)
            limit = min(kept["seconds"], rebuilt["seconds"])
            print(
                f"{name}: raw load {raw['seconds']} s ({raw['rows']:,} lines, {raw['peak_mb']} "
                f"MB) | import {first['seconds']} s ({first['peak_mb']} MB; {first['created']:,} "
                f"created, {first['quarantined']:,} quarantined of {first['rows']:,}) = "
                f"{first['seconds'] / raw['seconds']:.1f}x raw | re-import {again['seconds']} s "
                f"({again['peak_mb']} MB; {again['unchanged']:,} unchanged) = "
                f"{again['seconds'] / first['seconds']:.2f}x the first import"
            )
            print(
                f"  raw load of the stored rows {kept['rows']} into the registry's tables: "
                f"indexes kept {kept['seconds']} s ({kept['peak_mb']} MB), dropped and rebuilt "
                f"{rebuilt['seconds']} s {rebuilt['stages']} ({rebuilt['indexes_rebuilt']} "
                f"indexes) | import = {first['seconds'] / limit:.1f}x the faster"
            )
            print(f"  stages (s): import {first['stages']}; re-import {again['stages']}")


if __name__ == "__main__":
    main()
