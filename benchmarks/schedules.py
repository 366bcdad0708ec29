"""Benchmark: schedule status of N children from M events, fed as the refresh feeds it.

Run by hand (not a test), from the repository root:

    python benchmarks/schedules.py [--children 1000000] [--events 20000000] [--skip-duckdb]

Input, the form ``crecer.analytics.extract`` returns from the database: a Polars children frame
(``child_id``, ``birth_date``, birth weight, gestational weeks, the DNI and SIS dates) and a
services frame (``child_id``, ``date``, ``code`` as a String column of HIS codes such as
"90722", not pre-encoded integers), plus an empty hemoglobin frame. About 1 % of events repeat
another's day and code, 0.5 % fall before birth and 0.5 % after the date.

Measured, in one process and one run, each on the same frames:
  crecer    ``crecer.analytics.status._schedules``, the refresh's own schedule step: the DNI/SIS
            dates turned into events, every code dictionary-encoded (Polars Enum), then
            ``crecer.schedules.child_status`` (every requirement's done/complete and the flags);
  engine    ``child_status`` alone on the same events with their codes already encoded as
            integers, before the clock (what the old version of this script timed);
  duckdb    the floor for a set-wise engine: a plain DuckDB (2 threads) ``count(*)`` and ``min``
            of the day of age per child and requirement, over the same events (services with
            their string codes, plus the DNI and SIS dates), joined to a (code, requirement) table
            of every code each requirement counts, and to the children's birth dates, kept within
            birth .. the date; its rows counted inside DuckDB (no result to Python).
Prints seconds, the ratios crecer / duckdb and engine / duckdb, the tracemalloc peak of the
crecer step and the process's peak RSS.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc
from datetime import date

import numpy as np
import polars as pl

from crecer.analytics.status import _schedules
from crecer.norms import load_profile
from crecer.schedules import child_status

AS_OF = date(2026, 6, 30)
AS_OF_DAY = np.datetime64(AS_OF, "D")
# Share of service events per code, roughly as services are recorded for children under 5.
CODE_SHARES = {
    "99381": 0.40, "90722": 0.06, "90713": 0.06, "90681": 0.04, "90670": 0.05, "90585": 0.02,
    "90744": 0.02, "90657": 0.03, "90707": 0.03, "90716": 0.02, "90717": 0.01, "90633": 0.01,
    "90701": 0.02, "99199.17": 0.07, "99199.19": 0.06, "85018": 0.05, "Z999": 0.01,
}  # fmt: skip
# Z999: a code no requirement uses.


def synthetic(children: int, events: int, seed: int = 2026) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Children born over the 5 years before AS_OF; service events at random ages."""
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 5 * 365, children)
    birth = AS_OF_DAY - age.astype("timedelta64[D]")

    def some_date(share: float) -> pl.Series:
        days = (rng.random(children) * 120).astype("timedelta64[D]")
        dates = np.where(rng.random(children) < share, birth + days, np.datetime64("NaT"))
        return pl.Series(np.minimum(dates, AS_OF_DAY).astype("datetime64[D]"))

    kids = pl.DataFrame(
        {
            "child_id": np.arange(1, children + 1, dtype=np.int64),
            "birth_date": birth.astype("datetime64[D]"),
            "birth_weight_g": rng.normal(3100, 450, children).round().astype(np.int32),
            "gestational_age_weeks": np.clip(rng.normal(39, 1.5, children), 28, 42).astype(
                np.int32
            ),
            "dni_issue_date": some_date(0.9),
            "sis_affiliation_date": some_date(0.8),
        }
    )
    vocabulary = np.array(list(CODE_SHARES))
    shares = np.array(list(CODE_SHARES.values()))
    code = rng.choice(len(vocabulary), events, p=shares / shares.sum())
    child = rng.integers(0, children, events)
    day = (rng.random(events) * (age[child] + 1)).astype(np.int64)
    noise = rng.random(events)
    early = noise < 0.005
    day[early] = -rng.integers(1, 30, int(early.sum()))
    late = noise > 0.995
    day[late] = age[child[late]] + rng.integers(1, 30, int(late.sum()))
    duplicate = rng.random(events) < 0.01
    source = rng.integers(0, events, int(duplicate.sum()))
    child[duplicate], day[duplicate], code[duplicate] = child[source], day[source], code[source]
    services = pl.DataFrame(
        {
            "child_id": child + 1,
            "date": birth[child] + day.astype("timedelta64[D]"),
            "code": pl.Series(vocabulary[code], dtype=pl.String),
        }
    ).with_columns(pl.col("date").cast(pl.Date))
    return kids, services


def run_crecer(kids: pl.DataFrame, services: pl.DataFrame, hemoglobin: pl.DataFrame) -> tuple:
    profile = load_profile("peru")
    tracemalloc.start()
    started = time.perf_counter()
    result = _schedules(kids, hemoglobin, services, AS_OF, profile)
    seconds = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    summary = {
        "columns": result.width,
        "cred_complete": float(result["cred_complete"].mean()),
        "pentavalent_complete": float(result["pentavalent_complete"].mean()),
    }
    return seconds, peak, summary


def run_engine(kids: pl.DataFrame, services: pl.DataFrame) -> float:
    """child_status on the same events (services and the DNI/SIS dates) with integer codes,
    assembled and encoded before the clock starts."""
    identity = [
        kids.select("child_id", pl.col(column).alias("date"), pl.lit(code).alias("code"))
        for column, code in (("dni_issue_date", "DNI"), ("sis_affiliation_date", "SIS"))
    ]
    services = pl.concat([services, *identity]).drop_nulls()
    vocabulary = services["code"].unique().sort()
    code_index = services["code"].cast(pl.Enum(vocabulary)).to_physical().to_numpy()
    children = {
        "birth_date": kids["birth_date"].to_numpy().astype("datetime64[D]"),
        "birth_weight_g": kids["birth_weight_g"].cast(pl.Float64).to_numpy(),
        "gestational_weeks": kids["gestational_age_weeks"].cast(pl.Float64).to_numpy(),
    }
    events = {
        "child": (services["child_id"] - 1).to_numpy(),
        "date": services["date"].to_numpy().astype("datetime64[D]"),
        "code": code_index.astype(np.int64),
    }
    started = time.perf_counter()
    child_status(
        load_profile("peru"), children, events, AS_OF_DAY, code_vocabulary=vocabulary.to_list()
    )
    return time.perf_counter() - started


def run_duckdb(kids: pl.DataFrame, services: pl.DataFrame) -> tuple[float, int]:
    import duckdb

    schedule = load_profile("peru").schedules.in_force("child", AS_OF)
    pairs = {
        (code, requirement)
        for requirement in schedule.requirement_ids()
        for variant in schedule.variants(requirement)
        for code in variant.codes
    }
    code_map = pl.DataFrame(sorted(pairs), schema=["code", "requirement"], orient="row")
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET enable_progress_bar = false")
    con.register("services", services.to_arrow())
    con.register("children", kids.to_arrow())
    con.register("code_map", code_map.to_arrow())
    query = f"""
        WITH events AS (
            SELECT child_id, date, code FROM services
            UNION ALL SELECT child_id, dni_issue_date, 'DNI' FROM children
                WHERE dni_issue_date IS NOT NULL
            UNION ALL SELECT child_id, sis_affiliation_date, 'SIS' FROM children
                WHERE sis_affiliation_date IS NOT NULL
        )
        SELECT e.child_id, m.requirement, count(*) AS events,
               min(e.date - c.birth_date) AS first_day
        FROM events e
        JOIN code_map m ON m.code = e.code
        JOIN children c ON c.child_id = e.child_id
        WHERE e.date >= c.birth_date AND e.date <= DATE '{AS_OF.isoformat()}'
        GROUP BY e.child_id, m.requirement
    """
    started = time.perf_counter()
    rows = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    seconds = time.perf_counter() - started
    con.close()
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()

    started = time.perf_counter()
    kids, services = synthetic(args.children, args.events)
    hemoglobin = pl.DataFrame(schema={"child_id": pl.Int64, "date": pl.Date})
    size = (kids.estimated_size() + services.estimated_size()) / 2**20
    print(f"generated {args.children:,} children, {args.events:,} service events "
          f"({size:,.0f} MB of frames) in {time.perf_counter() - started:.1f} s")  # fmt: skip

    # a first, untimed call on a small slice warms imports and the profile cache
    few = kids.head(1000)
    _schedules(few, hemoglobin, services.filter(pl.col("child_id") <= 1000), AS_OF,
               load_profile("peru"))  # fmt: skip

    seconds, peak, summary = run_crecer(kids, services, hemoglobin)
    cred, penta = summary["cred_complete"], summary["pentavalent_complete"]
    print(f"crecer (refresh's schedule step, string codes): {seconds:.2f} s, tracemalloc peak "
          f"{peak / 2**30:.2f} GiB, {summary['columns']} columns; CRED complete {cred:.1%}, "
          f"pentavalent {penta:.1%}")  # fmt: skip
    engine = run_engine(kids, services)
    print(f"engine alone (child_status, integer codes encoded untimed): {engine:.2f} s")
    if not args.skip_duckdb:
        duck_seconds, rows = run_duckdb(kids, services)
        print(f"DuckDB count(*) group-by (2 threads, string codes): {duck_seconds:.2f} s, "
              f"{rows:,} child x requirement rows")  # fmt: skip
        print(f"ratio crecer / DuckDB: {seconds / duck_seconds:.2f}x; "
              f"engine alone / DuckDB: {engine / duck_seconds:.2f}x")  # fmt: skip
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident memory of the whole process (incl. data generation): {rss:.2f} GiB")


if __name__ == "__main__":
    main()
