"""Benchmark: a JUNTOS bimonthly cycle from the database, as a program manager runs it.

Run by hand (not a test):

    python benchmarks/juntos.py [--db-scope 05] [--postgres URL] [--as-of 2026-11-28]
        [--reference-dir ../shared/reference]

A fresh database (SQLite, and PostgreSQL with ``--postgres URL`` naming an empty database)
gets the territory, the generator's population of ``--db-scope`` with its services, the demo's
women and pregnancies (``crecer.demo.women``) and its households (``crecer.demo.households``:
a household per mother, older siblings with school terms, SISFOH classes, affiliation). Then
the cycle of the last complete bimester before ``--as-of``, each step in its own process (its
peak memory is its own), as the pages run them:

- ``snapshot``: ``cycles.open_cycle`` — the affiliated households, their members and evidence
  read from the registry and frozen into the cycle's rows with their SHA-256;
- ``verify``: ``cycles.verify_cycle`` — the frozen rows through the pure engine, one result per
  member and condition and one entitlement per household, stored;
- ``approve``: ``cycles.approve_cycle`` by a second manager — the standings applied.

Side by side, in its own process, the limit: the fastest plain way to get per-member
compliance from the same tables — the members, their services in the window and their school
terms read from the database, then one DuckDB query counting, for every member and every
window condition of the profile (``[[juntos.conditions]]`` with ``within_days``: the CRED and
yearly checks) the checks with the condition's codes in its window, and each school term's
absence against ``max_absence``. It does less than Crecer (no pregnancy rules, no TPI package,
no newborn anchor, no not-verifiable/exempt reasons, nothing stored): a floor, not a peer.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import steps  # benchmarks/steps.py (scripts run from this folder)
from refresh import setup_django  # benchmarks/refresh.py

HERE = Path(__file__).resolve().parent
AS_OF = date(2026, 11, 28)


def period(as_of: date) -> tuple[date, date]:
    """The last complete bimester before ``as_of`` (Sep-Oct for 28 Nov), as
    ``crecer.juntos.cycles.bimester`` counts them (Jan-Feb, Mar-Apr, ...)."""
    first_month = as_of.month - (as_of.month - 1) % 2  # this bimester's first month
    end = date(as_of.year, first_month, 1) - timedelta(days=1)
    return date(end.year, end.month - 1, 1), end


def peak_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def populate(args: dict) -> dict:
    """The database of ``benchmarks/refresh.py`` plus the demo's households (not timed)."""
    from refresh import populate_database

    counts = populate_database(args)
    from django.contrib.auth import get_user_model

    from crecer.access.scopes import parse_scope
    from crecer.access.services import assign
    from crecer.demo import households
    from crecer.juntos.models import Household, Member, SchoolRecord

    built = households.populate(args["scope"], date.fromisoformat(args["as_of"]), seed=1)
    for name in ("preparer", "approver"):
        user = get_user_model().objects.create(username=f"bench_{name}")
        assign(user, "program_manager", parse_scope(args["scope"]), personal_data=False)
    return {
        **counts,
        "households": Household.objects.count(),
        "affiliated": built.get("affiliated", 0),
        "members": Member.objects.count(),
        "school_terms": SchoolRecord.objects.count(),
    }


def cycle_step(args: dict) -> dict:
    """One step of the cycle (``args["stage"]``), timed in this process."""
    setup_django(args["data_dir"], args["database_url"])
    from django.contrib.auth import get_user_model

    from crecer.juntos import cycles
    from crecer.juntos.models import Cycle
    from crecer.profile import current_profile

    profile = current_profile()
    users = get_user_model().objects
    start, end = (date.fromisoformat(day) for day in args["period"])
    before = peak_mb()
    cpu, started = time.process_time(), time.perf_counter()
    if args["stage"] == "snapshot":
        cycle = cycles.open_cycle(
            args["scope"], start, end, end, users.get(username="bench_preparer"), profile
        )
    else:
        cycle = Cycle.objects.get(territory_code=args["scope"], period_start=start)
        if args["stage"] == "verify":
            cycles.verify_cycle(cycle, users.get(username="bench_preparer"), profile)
        else:
            cycles.approve_cycle(cycle, users.get(username="bench_approver"), profile)
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "members": cycle.members.count(),
        "evidence": cycle.evidence.count(),
        "verifications": cycle.verifications.count(),
        "entitlements": cycle.entitlements.count(),
        "paid": cycle.entitlements.filter(total__gt=0).count(),
        "rss_before_mb": before,
        "peak_rss_mb": peak_mb(),
    }


def limit_step(args: dict) -> dict:
    """Per-member compliance with the profile's window conditions and school absence: the
    tables read from the database, then one DuckDB query."""
    setup_django(args["data_dir"], args["database_url"])
    import duckdb
    import polars as pl
    from django.db import connection

    from crecer.profile import current_profile

    start, end = (date.fromisoformat(day) for day in args["period"])
    norms = current_profile().juntos
    conditions = [
        c
        for c in norms.conditions
        if c.within_days and c.member == "child" and c.codes and c.anchor == "period_end"
    ]
    lookback = end - timedelta(days=max(c.within_days for c in conditions))

    def read(sql: str, params: list, schema: list[str]) -> pl.DataFrame:
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return pl.DataFrame(rows, schema=schema, orient="row")

    cpu, started = time.process_time(), time.perf_counter()
    affiliated = (
        "SELECT m.id, m.child_id, m.birth_date FROM juntos_member m "
        "JOIN juntos_affiliation a ON a.household_id = m.household_id "
        "WHERE m.active AND a.status IN ('affiliated', 'suspended')"
    )
    members = read(affiliated, [], ["member", "child", "birth_date"])
    events = read(
        "SELECT s.child_id, s.date, s.code FROM health_servicerecord s "
        f"JOIN ({affiliated}) m ON m.child_id = s.child_id WHERE s.date BETWEEN %s AND %s",
        [lookback, end],
        ["child", "date", "code"],
    )
    terms = read(
        "SELECT t.member_id, t.days_attended, t.days_absent FROM juntos_schoolrecord t "
        f"JOIN ({affiliated}) m ON m.id = t.member_id "
        "WHERE t.term_start <= %s AND t.term_end >= %s",
        [end, start],
        ["member", "attended", "absent"],
    )
    read_seconds = time.perf_counter() - started
    rules = pl.DataFrame(
        {
            "condition": [c.id for c in conditions],
            "from_age": [c.from_age_days or 0 for c in conditions],
            "to_age": [c.to_age_days or 99999 for c in conditions],
            "codes": [c.codes for c in conditions],
            "at_least": [c.at_least for c in conditions],
            "within": [c.within_days for c in conditions],
        }
    )
    school_max = next((c.max_absence for c in norms.conditions if c.max_absence), 0.15)
    db = duckdb.connect()
    for name, frame in (("members", members), ("events", events), ("terms", terms)):
        db.register(name, frame.to_arrow())
    db.register("rules", rules.to_arrow())
    health = db.execute(
        f"""
        WITH due AS (
            SELECT m.member, m.child, r.condition, r.codes, r.at_least, r.within
            FROM members m JOIN rules r
              ON date_diff('day', m.birth_date, DATE '{end}') BETWEEN r.from_age AND r.to_age
        )
        SELECT d.condition, count(*) AS members,
               count(*) FILTER (WHERE coalesce(done, 0) >= d.at_least) AS complied
        FROM due d LEFT JOIN (
            SELECT d.member, d.condition, count(*) AS done
            FROM due d JOIN events e ON e.child = d.child
            WHERE list_contains(d.codes, e.code)
              AND e.date > DATE '{end}' - to_days(CAST(d.within AS INTEGER))
            GROUP BY ALL
        ) c USING (member, condition)
        GROUP BY d.condition
        """
    ).fetchall()
    school = db.execute(
        f"""
        SELECT count(DISTINCT member),
               count(DISTINCT member) FILTER (
                   WHERE absent <= {school_max} * (attended + absent))
        FROM terms
        """
    ).fetchone()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return {
        "seconds": round(seconds, 2),
        "read_seconds": round(read_seconds, 2),
        "cpu_seconds": round(cpu, 2),
        "members": members.height,
        "events": events.height,
        "terms": terms.height,
        "health": {row[0]: [row[1], row[2]] for row in health},
        "school": list(school or ()),
        "peak_rss_mb": peak_mb(),
    }


def forget(args: dict) -> dict:
    """A kept database: its cycles deleted and the standings reset, as populated."""
    setup_django(args["data_dir"], args["database_url"])
    from crecer.juntos.models import Affiliation, Cycle, Status

    Cycle.objects.all().delete()
    Affiliation.objects.filter(status__in=[Status.SUSPENDED, Status.DISAFFILIATED]).update(
        status=Status.AFFILIATED, suspensions=0
    )
    return {}


STEPS = {"forget": forget, "populate": populate, "cycle": cycle_step, "limit": limit_step}


def report(name: str, population: dict, stages: dict[str, dict], limit: dict) -> None:
    print(
        f"{name}: {population['households']:,} households ({population['affiliated']:,} "
        f"affiliated), {population['members']:,} members, {population['school_terms']:,} "
        f"school terms; {population['children']:,} children with {population['events']:,} "
        f"events, {population['pregnancies']:,} pregnancies"
    )
    for stage, result in stages.items():
        print(
            f"  {stage:<9} {result['seconds']:>7.1f} s (CPU {result['cpu_seconds']:.1f} s), "
            f"peak RSS {result['peak_rss_mb']:,} MB"
        )
    last = stages["approve"]
    cpu = stages["snapshot"]["cpu_seconds"] + stages["verify"]["cpu_seconds"]
    total = sum(result["seconds"] for result in stages.values())
    print(
        f"  {'cycle':<9} {total:>7.1f} s: {last['members']:,} members frozen with "
        f"{last['evidence']:,} events, {last['verifications']:,} results, "
        f"{last['entitlements']:,} households verified, {last['paid']:,} paid"
    )
    print(
        f"  limit     {limit['seconds']:>7.1f} s (read {limit['read_seconds']:.1f} s; "
        f"{limit['members']:,} members, {limit['events']:,} events, {limit['terms']:,} terms; "
        f"peak RSS {limit['peak_rss_mb']:,} MB); snapshot + verify / limit = "
        f"{(stages['snapshot']['seconds'] + stages['verify']['seconds']) / limit['seconds']:.1f}x"
        f" (CPU {limit['cpu_seconds']:.1f} s; in CPU seconds {cpu / limit['cpu_seconds']:.1f}x)"
    )
    print(f"  limit's counts: {json.dumps(limit['health'])}, school {limit['school']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--as-of", default=AS_OF.isoformat())
    parser.add_argument("--db-scope", default="05")
    parser.add_argument("--postgres", default=None, help="URL of an empty database")
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    parser.add_argument(
        "--keep", type=Path, help="folder of the SQLite database: kept, and reused when there"
    )
    parser.add_argument("--step", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.step:
        print(json.dumps(STEPS[options.step[0]](json.loads(options.step[1]))))
        return
    start, end = period(date.fromisoformat(options.as_of))
    with tempfile.TemporaryDirectory() as scratch:
        temp = str(options.keep or scratch)
        databases = {"SQLite": f"sqlite:///{temp}/bench.sqlite3"}
        if options.postgres:
            databases["PostgreSQL"] = options.postgres
        for name, url in databases.items():
            args = {
                "scope": options.db_scope,
                "as_of": options.as_of,
                "reference_dir": options.reference_dir,
                "data_dir": temp,
                "database_url": url,
                "period": [start.isoformat(), end.isoformat()],
            }
            saved = Path(temp) / "population.json"
            if name == "SQLite" and saved.exists():
                population = json.loads(saved.read_text())
                steps.run_step(__file__, "forget", args)
            else:
                population = steps.run_step(__file__, "populate", args)
                if name == "SQLite" and options.keep:
                    Path(temp).mkdir(parents=True, exist_ok=True)
                    saved.write_text(json.dumps(population))
            stages = {
                stage: steps.run_step(__file__, "cycle", {**args, "stage": stage})
                for stage in ("snapshot", "verify", "approve")
            }
            limit = steps.run_step(__file__, "limit", args)
            report(name, population, stages, limit)


if __name__ == "__main__":
    main()
