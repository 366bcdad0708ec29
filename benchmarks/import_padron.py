"""Benchmark: importing a 1,000,000-row padrón file, on SQLite and on PostgreSQL.

Run by hand (not a test):  python benchmarks/import_padron.py [--rows 1000000] [--postgres URL]

For each database, in one run and on the same generated file (~3 % bad rows):
  raw      a bulk load of the same rows without any validation into a table of text columns
           (executemany on SQLite, COPY on PostgreSQL): the limit the issue names;
  import   `import_padron` on an empty registry (validation, matching, history, quarantine);
  reimport the same file again (everything unchanged);
  tables   what the first import stored (children, their history rows, its quarantined rows),
           dumped, deleted and loaded back raw into the same tables, with their indexes and
           constraints as they stand (COPY / executemany): a raw load of the same rows into the
           registry itself, without reading, validation or matching — the second limit.
Each step runs in its own process and reports seconds and peak memory (RSS).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
TODAY = date(2026, 11, 28)


def step(kind: str, file: str, database_url: str, data_dir: str) -> dict:
    """Run one measured step in this process (called through a subprocess)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "crecer.settings"
    os.environ["CRECER_DATABASE_URL"] = database_url
    os.environ["CRECER_DATA_DIR"] = data_dir
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if kind == "setup":
        call_command("migrate", verbosity=0)
        from crecer.territory.models import District

        ubigeos = list(District.objects.values_list("ubigeo", flat=True))
        return {"ubigeos": ubigeos}
    if kind == "tables":
        return raw_into_tables(Path(data_dir))
    started = time.perf_counter()
    if kind == "raw":
        with open(file, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle, delimiter=";")
            header = next(reader)
            columns = ", ".join(f"c{i} text" for i in range(len(header)))
            names = ", ".join(f"c{i}" for i in range(len(header)))
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bench_raw")
                cursor.execute(f"CREATE TABLE bench_raw ({columns})")
                if connection.vendor == "postgresql":
                    with cursor.cursor.copy(f"COPY bench_raw ({names}) FROM STDIN") as copy:
                        for row in reader:
                            copy.write_row(row)
                else:
                    marks = ", ".join("?" * len(header))
                    # SQLite's own executemany: Django's peeks with tee, which keeps every row.
                    sql = f"INSERT INTO bench_raw VALUES ({marks})"
                    connection.connection.executemany(sql, reader)
            connection.commit() if not connection.get_autocommit() else None
        result = {}
    else:
        from crecer.registry.importer import import_padron

        stages: dict[str, float] = {}
        last = [time.perf_counter()]
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

        run = import_padron(Path(file), today=TODAY, progress=clock)
        # The rest: importing the code, the run's row, the commit.
        stages["other"] = time.perf_counter() - started - sum(stages.values())
        result = {
            "stages": {name: round(seconds, 1) for name, seconds in stages.items()},
            "created": run.created,
            "unchanged": run.unchanged,
            "quarantined": run.quarantined,
            "rows": run.rows_read,
        }
    result["seconds"] = round(time.perf_counter() - started, 2)
    result["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return result


def raw_into_tables(work: Path) -> dict:
    """Dump what the first import wrote, empty its tables, then time loading the dump back raw."""
    from django.db import connection, transaction

    from crecer.ingest.models import QuarantinedRow
    from crecer.registry.models import Child

    quarantine = QuarantinedRow._meta.db_table
    tables = [Child._meta.db_table, Child.history.model._meta.db_table, quarantine]
    first_run = f"(SELECT MIN(run_id) FROM {quarantine})"  # not the re-import's rejections
    dumped = {table: f"SELECT * FROM {table}" for table in tables}
    dumped[quarantine] += f" WHERE run_id = {first_run}"
    postgres = connection.vendor == "postgresql"
    dump = work / "dump.sqlite3"
    dump.unlink(missing_ok=True)
    with connection.cursor() as cursor:
        if postgres:
            for table in tables:
                with (
                    open(work / f"{table}.copy", "wb") as out,
                    cursor.cursor.copy(f"COPY ({dumped[table]}) TO STDOUT") as copy,
                ):
                    for block in copy:
                        out.write(block)
            # CASCADE: the (empty) health tables refer to children.
            cursor.execute(f"TRUNCATE {', '.join(tables)} CASCADE")
        else:
            cursor.execute("ATTACH DATABASE %s AS dump", [str(dump)])
            for table in tables:
                cursor.execute(f"CREATE TABLE dump.{table} AS {dumped[table]}")
                cursor.execute(f"DELETE FROM main.{table}")
            cursor.execute("DETACH DATABASE dump")
    rows = {}
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
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

                source = sqlite3.connect(dump).execute(f"SELECT * FROM {table}")
                marks = ", ".join("?" * len(source.description))
                sql = f"INSERT INTO {table} VALUES ({marks})"
                connection.connection.executemany(sql, source)
            cursor.execute(f"SELECT COUNT(*) FROM {table}")
            rows[table] = cursor.fetchone()[0]
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rows": rows,
    }


def measured(kind: str, file: Path, url: str, data_dir: Path) -> dict:
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--step",
            kind,
            "--file",
            str(file),
            "--url",
            url,
            "--data-dir",
            str(data_dir),
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def reset_postgres(url: str) -> str:
    """A fresh database `crecer_bench` on the server of ``url``."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP DATABASE IF EXISTS crecer_bench")
        db.execute("CREATE DATABASE crecer_bench")
    return url.rsplit("/", 1)[0] + "/crecer_bench"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/test")
    parser.add_argument("--step")
    parser.add_argument("--file")
    parser.add_argument("--url")
    parser.add_argument("--data-dir")
    args = parser.parse_args()
    if args.step:
        print(json.dumps(step(args.step, args.file, args.url, args.data_dir)))
        return
    sys.path.insert(0, str(HERE))
    import padron_file

    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        databases = {"sqlite": lambda: f"sqlite:///{work / 'bench.sqlite3'}"}
        if args.postgres:
            databases["postgresql"] = lambda: reset_postgres(args.postgres)
        file = work / "padron.csv"
        for name, fresh in databases.items():
            if name == "sqlite":
                (work / "bench.sqlite3").unlink(missing_ok=True)
            url = fresh()
            ubigeos = measured("setup", file, url, work)["ubigeos"]
            if not file.exists():
                started = time.perf_counter()
                padron_file.write(file, args.rows, ubigeos, today=TODAY)
                size = file.stat().st_size / 1e6
                print(
                    f"file: {args.rows:,} rows, {size:.0f} MB, "
                    f"written in {time.perf_counter() - started:.1f} s"
                )
            raw = measured("raw", file, url, work)
            first = measured("import", file, url, work)
            again = measured("reimport", file, url, work)
            written = measured("tables", file, url, work)
            print(
                f"{name}: raw load {raw['seconds']} s ({raw['peak_mb']} MB) | "
                f"import {first['seconds']} s ({first['peak_mb']} MB; {first['created']:,} "
                f"created, {first['quarantined']:,} quarantined) = "
                f"{first['seconds'] / raw['seconds']:.1f}x raw | re-import "
                f"{again['seconds']} s ({again['peak_mb']} MB; {again['unchanged']:,} "
                f"unchanged) = {again['seconds'] / first['seconds']:.2f}x the first import"
            )
            ratio = first["seconds"] / written["seconds"]
            print(
                f"  raw load of the stored rows {written['rows']} into the registry's tables "
                f"{written['seconds']} s ({written['peak_mb']} MB) | import = {ratio:.1f}x that"
            )
            print(f"  stages (s): import {first['stages']}; re-import {again['stages']}")


if __name__ == "__main__":
    main()
