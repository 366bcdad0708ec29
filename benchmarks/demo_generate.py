"""Benchmark: generating the synthetic population of the whole country with its events.

Run by hand (not a test):

    python benchmarks/demo_generate.py [--scope PE] [--factor 1] [--seed 1]
        [--reference-dir ../shared/reference] [--out DIR] [--no-csv-events] [--postgres URL]
        [--skip-files]

Steps, each in its own process so that its peak memory (RSS) is its own:
  setup   a fresh SQLite database with the territory (the reference folder's district
          attributes and populations give the number of children; not timed);
  files   generate and write padron.csv (2 % faults), children.parquet, services / growth /
          hemoglobin as Parquet and CSV, and manifest.json;
  db      (with --postgres URL, an empty registry) generate straight into that database: COPY of
          children, history rows and events.
Prints seconds, peak RSS and the counts of each step, and the calibration achieved.
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
        if args["reference_dir"]:
            with open(os.devnull, "w") as quiet:
                call_command("territory", "load", "--dir", args["reference_dir"], stdout=quiet)
        return {}
    from crecer.demo.run import Options, generate
    from crecer.norms import load_profile

    options = Options(
        scope=args["scope"],
        seed=args["seed"],
        factor=args["factor"],
        as_of=AS_OF,
        out=Path(args["out"]) if kind == "files" else None,
        fault_rate=0.02 if kind == "files" else 0.0,
        into_db=kind == "db",
        csv_events=args["csv_events"],
    )
    started = time.perf_counter()
    manifest = generate(options, load_profile("peru"), say=lambda line: None)
    seconds = time.perf_counter() - started
    counts = manifest["counts"]
    sizes = {}
    if kind == "files":
        sizes = {p.name: p.stat().st_size for p in sorted(Path(args["out"]).iterdir())}
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "children": counts.get("children"),
        "services": counts.get("services_rows"),
        "growth": counts.get("growth_rows"),
        "hemoglobin": counts.get("hemoglobin_rows"),
        "achieved": manifest["achieved"],
        "file_bytes": sizes,
    }


def run_step(kind: str, args: dict) -> dict:
    return steps.run_step(__file__, kind, args)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scope", default="PE")
    parser.add_argument("--factor", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument("--out", default=None, help="folder for the files (default: a temp dir)")
    parser.add_argument("--no-csv-events", action="store_true")
    parser.add_argument("--skip-files", action="store_true", help="only the database step")
    parser.add_argument("--postgres", default=None, help="URL of a database with an empty registry")
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(step(options.step[0], json.loads(options.step[1]))))
        return
    with tempfile.TemporaryDirectory() as temp:
        args = {
            "scope": options.scope,
            "seed": options.seed,
            "factor": options.factor,
            "reference_dir": options.reference_dir,
            "data_dir": temp,
            "database_url": f"sqlite:///{temp}/bench.sqlite3",
            "out": options.out or f"{temp}/out",
            "csv_events": not options.no_csv_events,
        }
        run_step("setup", args)
        if not options.skip_files:
            report("files", run_step("files", args))
        if options.postgres:
            pg = {**args, "database_url": options.postgres}
            run_step("setup", pg)
            report("db (PostgreSQL)", run_step("db", pg))


def report(name: str, result: dict) -> None:
    print(
        f"{name}: {result['seconds']} s, peak RSS {result['peak_rss_mb']:,} MB; "
        f"{result['children']:,} children, {result['services']:,} services, "
        f"{result['growth']:,} growth checks, {result['hemoglobin']:,} Hb tests"
    )
    for file, size in result["file_bytes"].items():
        print(f"  {file}: {size / 1e6:,.0f} MB")
    print("  achieved:", json.dumps(result["achieved"]))


if __name__ == "__main__":
    main()
