"""Benchmark: the dashboard, a district page and a work list under 50 concurrent users.

Run by hand (not a test):

    python benchmarks/web_load.py [--scope 05] [--users 50] [--seconds 120]
        [--database-url URL] [--reference-dir ../shared/reference]

Prepares a site with ``crecer demo --no-serve`` (the synthetic population of ``--scope``,
refreshed, with its demo users; reused when the data folder already has it) plus a national
refresh, serves it with ``crecer serve`` on loopback, and drives it with Locust, waiting 1–3 s
between pages as a person does: half the users log in as the demo program manager and read the
national dashboard, the busiest district's page and that district's work list; the other half
log in as the demo health worker and read their facility's work list and page through it.
Prints p50/p95/p99 and the error count per page against the target (p95 ≤ 200 ms, no errors),
measured once every user has logged in (``--reset-stats``: the logins' Argon2 hashing, a
deliberate ~0.5 s each, is not a page's latency).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
TARGET_P95_MS = 200


def crecer(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "crecer", *args], env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        sys.exit(f"crecer {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def prepare(env: dict[str, str], scope: str, reference_dir: str) -> tuple[dict[str, str], str]:
    """The demo site; returns the demo users' passwords and the busiest district."""
    reference = ["--reference-dir", reference_dir] if reference_dir else []
    crecer(env, "demo", "--scope", scope, "--no-serve", *reference)
    crecer(env, "refresh")  # the national refresh the home page's dashboard reads
    passwords = json.loads((Path(env["CRECER_DATA_DIR"]) / "demo-users.json").read_text())
    district = crecer(
        env,
        "shell",
        "-c",
        f"from crecer.demo.users import busiest_district; print(busiest_district({scope!r}))",
    ).splitlines()[-1]  # the shell may first print what it imported
    return passwords, district


def serve(env: dict[str, str], port: int, threads: int, processes: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "crecer",
            "serve",
            "--port",
            str(port),
            "--threads",
            str(threads),
            "--processes",
            str(processes),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("the server did not start")


def drive(port: int, users: int, seconds: int, out: Path, env: dict[str, str]) -> Path:
    subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
            "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
            "--run-time", f"{seconds}s", "--host", f"http://127.0.0.1:{port}",
            "--csv", str(out / "load"), "--only-summary", "--reset-stats",
        ],
        env=env,
        check=False,
        capture_output=True,
    )  # fmt: skip
    return out / "load_stats.csv"


def report(stats: Path) -> None:
    print(f"{'page':<28} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6}  (ms)")
    with stats.open(newline="") as handle:
        for row in csv.DictReader(handle):
            p95 = float(row["95%"])
            verdict = (
                ""
                if row["Name"] in {"Aggregated", "login", "login page"}
                else (
                    "ok" if p95 <= TARGET_P95_MS and row["Failure Count"] == "0" else "OVER TARGET"
                )
            )
            print(
                f"{row['Name']:<28} {row['Request Count']:>8} {row['Failure Count']:>6} "
                f"{row['50%']:>6} {row['95%']:>6} {row['99%']:>6}  {verdict}"
            )
    print(f"target: p95 <= {TARGET_P95_MS} ms and zero errors on every page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scope", default="05")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--threads", type=int, default=4, help="crecer serve's threads")
    parser.add_argument("--processes", type=int, default=2, help="crecer serve's processes")
    parser.add_argument("--data-dir", default=None, help="reuse a prepared data folder")
    parser.add_argument("--database-url", default=None, help="default: SQLite in the data folder")
    parser.add_argument("--reference-dir", default=str(HERE.parent.parent / "shared" / "reference"))
    options = parser.parse_args()
    data_dir = Path(options.data_dir or tempfile.mkdtemp(prefix="crecer-load-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRECER_")}
    env["CRECER_DATA_DIR"] = str(data_dir)
    if options.database_url:
        env["CRECER_DATABASE_URL"] = options.database_url
    started = time.perf_counter()
    passwords, district = prepare(env, options.scope, options.reference_dir)
    print(f"site ready in {time.perf_counter() - started:.0f} s ({data_dir}); district {district}")
    server = serve(env, options.port, options.threads, options.processes)
    try:
        load_env = {
            **env,
            "LOAD_MANAGER_PASSWORD": passwords["demo_manager"],
            "LOAD_HEALTH_PASSWORD": passwords["demo_health"],
            "LOAD_DISTRICT": district,
        }
        report(drive(options.port, options.users, options.seconds, data_dir, load_env))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
