"""Benchmark: schedule status for 1,000,000 children and 20,000,000 events as of one date.

Run by hand (not a test):  python benchmarks/schedules.py [--children N] [--events M]
Needs duckdb (benchmark-only dependency) for the baseline: a straightforward SQL group-by over
the same events (per child and requirement: distinct event days and the first day), which is
the floor for a set-wise engine. Prints seconds, the ratio to DuckDB and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import time
import tracemalloc

import numpy as np

from crecer.norms import load_profile
from crecer.schedules import child_status

AS_OF = np.datetime64("2026-06-30", "D")
# Share of events per code, roughly as services are recorded for children under 5.
CODE_SHARES = {
    "99381": 0.40, "90722": 0.06, "90713": 0.06, "90681": 0.04, "90670": 0.05, "90585": 0.02,
    "90744": 0.02, "90657": 0.03, "90707": 0.03, "90716": 0.02, "90717": 0.01, "90633": 0.01,
    "90701": 0.02, "99199.17": 0.07, "99199.19": 0.06, "85018": 0.05, "DNI": 0.02, "SIS": 0.02,
    "Z999": 0.01,  # a code no requirement uses
}  # fmt: skip


def synthetic(children: int, events: int, seed: int = 2026) -> tuple[dict, dict, list[str]]:
    """Children born over the 5 years before AS_OF; events at random ages up to AS_OF.

    About 1% of events repeat another one's day and code (duplicates), 0.5% fall before
    birth and 0.5% after AS_OF.
    """
    rng = np.random.default_rng(seed)
    age = rng.integers(0, 5 * 365, children)
    birth = AS_OF - age.astype("timedelta64[D]")
    weight = rng.normal(3100, 450, children).astype(np.float32)
    weeks = np.clip(rng.normal(39, 1.5, children), 28, 42).astype(np.float32)
    vocabulary = list(CODE_SHARES)
    shares = np.array(list(CODE_SHARES.values()))
    code = rng.choice(len(vocabulary), events, p=shares / shares.sum()).astype(np.int16)
    child = rng.integers(0, children, events).astype(np.int32)
    day = (rng.random(events) * (age[child] + 1)).astype(np.int32)
    noise = rng.random(events)
    day[noise < 0.005] = -rng.integers(1, 30, int((noise < 0.005).sum()))
    late = noise > 0.995
    day[late] = age[child[late]] + rng.integers(1, 30, int(late.sum()))
    duplicate = rng.random(events) < 0.01
    source = rng.integers(0, events, int(duplicate.sum()))
    child[duplicate], day[duplicate], code[duplicate] = child[source], day[source], code[source]
    date = birth[child] + day.astype("timedelta64[D]")
    return (
        {"birth_date": birth, "birth_weight_g": weight, "gestational_weeks": weeks},
        {"child": child, "date": date, "code": code},
        vocabulary,
    )


def run_crecer(children: dict, events: dict, vocabulary: list[str]) -> tuple[float, int, dict]:
    profile = load_profile("peru")
    tracemalloc.start()
    start = time.perf_counter()
    status = child_status(profile, children, events, AS_OF, code_vocabulary=vocabulary)
    seconds = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    summary = {
        "columns": len(status.columns),
        "cred_complete_for_age": float(status.columns["cred_complete_for_age"].mean()),
        "vaccines_fed_complete_for_age": float(
            status.columns["vaccines_fed_complete_for_age"].mean()
        ),
        "ignored": status.ignored_counts(),
    }
    return seconds, peak, summary


def run_duckdb(children: dict, events: dict, vocabulary: list[str]) -> tuple[float, int]:
    import duckdb

    profile = load_profile("peru")
    schedule = profile.schedules.in_force("child", AS_OF.astype(object))
    requirement_of = {}
    for index, requirement_id in enumerate(schedule.requirement_ids()):
        for code in schedule.variants(requirement_id)[0].codes:
            requirement_of.setdefault(code, index)
    code_map = {
        "code": np.arange(len(vocabulary), dtype=np.int16),
        "requirement": np.array([requirement_of.get(c, -1) for c in vocabulary], dtype=np.int16),
    }
    # DuckDB's numpy scan takes no datetime64[D]: dates go in as day numbers (same information)
    ev = {
        "child": events["child"],
        "day": events["date"].astype(np.int64).astype(np.int32),
        "code": events["code"],
    }
    ch = {
        "child": np.arange(len(children["birth_date"]), dtype=np.int32),
        "birth": children["birth_date"].astype(np.int64).astype(np.int32),
    }
    con = duckdb.connect()
    con.execute("SET threads = 2")
    con.execute("SET memory_limit = '8GB'")
    con.execute("SET enable_progress_bar = false")
    con.register("events", ev)
    con.register("children", ch)
    con.register("code_map", code_map)
    as_of = int(AS_OF.astype(np.int64))
    query = f"""
        SELECT e.child, m.requirement,
               count(DISTINCT e.day - c.birth) AS event_days,
               min(e.day - c.birth) AS first_day
        FROM events e
        JOIN code_map m ON m.code = e.code AND m.requirement >= 0
        JOIN children c ON c.child = e.child
        WHERE e.day >= c.birth AND e.day <= {as_of}
        GROUP BY e.child, m.requirement
    """
    start = time.perf_counter()
    rows = con.execute(f"SELECT count(*) FROM ({query})").fetchone()[0]
    seconds = time.perf_counter() - start
    con.close()
    return seconds, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=20_000_000)
    parser.add_argument("--skip-duckdb", action="store_true")
    args = parser.parse_args()

    start = time.perf_counter()
    children, events, vocabulary = synthetic(args.children, args.events)
    input_mb = sum(a.nbytes for a in (*children.values(), *events.values())) / 2**20
    print(f"generated {args.children:,} children, {args.events:,} events "
          f"({input_mb:,.0f} MB of columns) in {time.perf_counter() - start:.1f} s")  # fmt: skip

    # a first, untimed call on a small slice warms imports and the profile cache
    small = {k: v[:1000] for k, v in events.items()}
    small["child"] = np.minimum(small["child"], 999)
    child_status(load_profile("peru"), {k: v[:1000] for k, v in children.items()}, small,
                 AS_OF, code_vocabulary=vocabulary)  # fmt: skip

    seconds, peak, summary = run_crecer(children, events, vocabulary)
    print(f"crecer.schedules: {seconds:.2f} s, peak numpy memory during the call "
          f"{peak / 2**30:.2f} GiB, {summary['columns']} columns")  # fmt: skip
    cred, vaccines = summary["cred_complete_for_age"], summary["vaccines_fed_complete_for_age"]
    print(f"  CRED complete for age {cred:.1%}, FED vaccines {vaccines:.1%}")
    print(f"  ignored events: {summary['ignored']}")
    if not args.skip_duckdb:
        duck_seconds, rows = run_duckdb(children, events, vocabulary)
        print(
            f"DuckDB group-by (2 threads): {duck_seconds:.2f} s, {rows:,} child x requirement rows"
        )
        print(f"ratio crecer / DuckDB: {seconds / duck_seconds:.2f}x")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    print(f"peak resident memory of the whole process (incl. data generation): {rss:.2f} GiB")


if __name__ == "__main__":
    main()
