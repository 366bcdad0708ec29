"""Benchmark: the per-pregnancy status of a national refresh (about 0.5 M pregnancies a year:
the year's deliveries plus the women pregnant now, ~0.9 M rows, and ~8 M of their events), as
``crecer refresh`` computes it (crecer.analytics.maternal.build_status: the pregnancy and
postpartum schedules, Hb by trimester, deliveries), beside a plain DuckDB aggregate of the same
events (per pregnancy: prenatal checks as distinct days, first check, latest Hb) — the floor
for a set-wise computation.

Run by hand (not a test):  python benchmarks/maternal.py [--pregnancies N]
Needs Django settings (any database: nothing is read from it) and duckdb (the bench extra).
What it leaves out, said plainly: the extraction from the database (one SELECT per table, as
for the children) is not measured here; the ratio is of the computation on the same frames.
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from datetime import date

import numpy as np
import polars as pl

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "crecer.settings")

import django

django.setup()

from crecer.maternal.status import build_status  # noqa: E402
from crecer.norms import load_profile  # noqa: E402

AS_OF = date(2026, 6, 30)
CODES = ["Z3491", "Z3492", "59401.04", "90714", "85018", "Z392", "81002", "86780", "86703"]
SHARES = [0.45, 0.05, 0.2, 0.06, 0.08, 0.05, 0.04, 0.035, 0.035]


def synthetic(pregnancies: int, seed: int = 2026) -> tuple[pl.DataFrame, ...]:
    rng = np.random.default_rng(seed)
    day0 = np.datetime64(AS_OF, "D")
    lmp = day0 - rng.integers(28, 700, pregnancies).astype("timedelta64[D]")
    length = rng.integers(245, 290, pregnancies).astype("timedelta64[D]")
    ended = lmp + length <= day0
    outcome = np.where(ended, "live_birth", "ongoing")
    frame = pl.DataFrame(
        {
            "pregnancy_id": np.arange(pregnancies, dtype=np.int64),
            "lmp_date": lmp,
            "outcome": outcome,
            "outcome_date": np.where(ended, lmp + length, np.datetime64("NaT")),
            "delivery_place": np.where(rng.random(pregnancies) < 0.85, "institutional", "home"),
            "weeks_at_birth": (length.astype(np.int64) // 7),
            "district_id": rng.choice(["050101", "050403", "150101", "080101"], pregnancies),
            "populated_center_id": None,
            "care_facility": "",
        },
        schema_overrides={"populated_center_id": pl.String},
    )
    events = pregnancies * 9
    owner = rng.integers(0, pregnancies, events)
    offset = (rng.random(events) * 280).astype("timedelta64[D]")
    services = pl.DataFrame(
        {
            "pregnancy_id": owner.astype(np.int64),
            "date": lmp[owner] + offset,
            "code": rng.choice(CODES, events, p=np.array(SHARES) / sum(SHARES)),
        }
    ).filter(pl.col("date") <= AS_OF)
    tests = pregnancies
    tested = rng.integers(0, pregnancies, tests)
    hb = pl.DataFrame(
        {
            "pregnancy_id": tested.astype(np.int64),
            "date": lmp[tested] + (rng.random(tests) * 250).astype("timedelta64[D]"),
            "hb": rng.normal(13.5, 1.2, tests),
            "alt": rng.choice([150.0, 2750.0, 3400.0], tests),
        }
    ).filter(pl.col("date") <= AS_OF)
    births = frame.filter(pl.col("outcome") == "live_birth").select(
        "pregnancy_id", pl.lit(3100).cast(pl.Int64).alias("weight")
    )
    return frame, services, hb.unique(["pregnancy_id", "date"]), births


def duckdb_floor(frame: pl.DataFrame, services: pl.DataFrame, hb: pl.DataFrame) -> float:
    import duckdb

    connection = duckdb.connect()
    connection.register("p", frame.to_arrow())
    connection.register("s", services.to_arrow())
    connection.register("h", hb.to_arrow())
    started = time.perf_counter()
    connection.sql(
        """
        SELECT p.pregnancy_id,
               count(DISTINCT s.date) FILTER (WHERE s.code IN ('Z3491', 'Z3492')) AS checks,
               min(s.date) FILTER (WHERE s.code IN ('Z3491', 'Z3492')) AS first_check,
               count(*) FILTER (WHERE s.code = '59401.04') AS iron,
               count(*) FILTER (WHERE s.code = '90714') AS dt
        FROM p LEFT JOIN s USING (pregnancy_id)
        GROUP BY p.pregnancy_id
        """
    ).to_arrow_table()
    connection.sql(
        "SELECT pregnancy_id, arg_max(hb, date) FROM h GROUP BY pregnancy_id"
    ).to_arrow_table()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pregnancies", type=int, default=900_000)
    args = parser.parse_args()
    frame, services, hb, births = synthetic(args.pregnancies)
    print(f"{frame.height:,} pregnancies, {services.height:,} services, {hb.height:,} Hb tests")
    profile = load_profile("peru")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    status = build_status(frame, services, hb, births, AS_OF, profile)
    crecer = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    floor = duckdb_floor(frame, services, hb)
    grown = (peak - before) / 1024
    print(f"crecer build_status: {crecer:.2f} s ({status.width} columns)")
    print(f"peak RSS {peak / 1024:.0f} MB (+{grown:.0f} MB for the status)")
    print(f"duckdb aggregate:    {floor:.2f} s")
    print(f"ratio: {crecer / floor:.1f}x")


if __name__ == "__main__":
    main()
