"""Benchmark: page latency of the dashboard, a district page and work lists under N users.

Run by hand (not a test), from the repository root:

    python benchmarks/web_load.py [--scope 05] [--users 50] [--requests 2000]
        [--threads 4] [--processes 2] [--data-dir DIR] [--prepare-only]
        [--database-url URL] [--reference-dir ../shared/reference]

Prepares a site with ``crecer demo --no-serve`` (the synthetic population of ``--scope``,
refreshed, with its demo users; reused when ``--data-dir`` already has it) plus a national
refresh (not timed), serves it with ``crecer serve`` on loopback, and drives it with Locust in its
own process (``python -m locust --headless``), waiting 1-3 s between pages as a person does:
half the users are the demo program manager reading the national dashboard, the busiest
district's page and that district's work list; the other half the demo health worker reading
their facility's work list and its page 2.

What is measured: every user logs in first (Argon2, ~0.5 s on purpose) and waits until all have;
only then are page responses recorded (``benchmarks/locustfile.py``), until exactly
``--requests`` pages have been answered, when Locust stops. Logins are outside the window. The
recorded raw times (not Locust's rounded histogram) give, per page: requests, errors (HTTP
>= 400, a connection failure, or the login form instead of the page), p50, p95, p99 and max,
against the target (p95 <= 200 ms, no errors); and the window's length and pages per second.
Locust, the server's processes and (on PostgreSQL) the database share this machine's cores.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import numpy as np

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


def drive(port: int, users: int, requests: int, out: Path, env: dict[str, str]) -> Path:
    times = out / "load_times.json"
    times.unlink(missing_ok=True)
    env = {**env, "LOAD_USERS": str(users), "LOAD_REQUESTS": str(requests), "LOAD_OUT": str(times)}
    done = subprocess.run(
        [
            sys.executable, "-m", "locust", "-f", str(HERE / "locustfile.py"), "--headless",
            "--users", str(users), "--spawn-rate", str(max(1, users // 10)),
            "--run-time", "3600s",  # a safety net: the locustfile stops at --requests
            "--host", f"http://127.0.0.1:{port}", "--only-summary",
        ],
        env=env,
        check=False,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if not times.exists():
        sys.exit(f"Locust stopped before {requests} pages:\n{done.stderr[-3000:]}")
    return times


def report(path: Path) -> None:
    times = json.loads(path.read_text())
    pages: dict[str, list] = {}
    for name, ms, failed, _when in times:
        pages.setdefault(name, []).append((ms, failed))
    window = max(t[3] for t in times) - min(t[3] for t in times)
    print(f"{len(times):,} pages in {window:.0f} s ({len(times) / window:.1f} pages/s), logins "
          "excluded; raw response times (ms):")  # fmt: skip
    print(f"{'page':<28} {'requests':>8} {'errors':>6} {'p50':>6} {'p95':>6} {'p99':>6} {'max':>6}")
    for name, rows in [*sorted(pages.items()), ("all pages", [(t[1], t[2]) for t in times])]:
        ms = np.array([r[0] for r in rows])
        errors = sum(r[1] for r in rows)
        p50, p95, p99 = np.percentile(ms, [50, 95, 99])
        verdict = "ok" if p95 <= TARGET_P95_MS and errors == 0 else "OVER TARGET"
        print(f"{name:<28} {len(rows):>8} {errors:>6} {p50:>6.0f} {p95:>6.0f} {p99:>6.0f} "
              f"{ms.max():>6.0f}  {verdict}")  # fmt: skip
    print(f"target: p95 <= {TARGET_P95_MS} ms and zero errors on every page")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--scope", default="05")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--requests", type=int, default=2000, help="pages measured")
    parser.add_argument("--prepare-only", action="store_true", help="prepare the site, stop")
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
    if options.prepare_only:
        return
    server = serve(env, options.port, options.threads, options.processes)
    try:
        load_env = {
            **env,
            "LOAD_MANAGER_PASSWORD": passwords["demo_manager"],
            "LOAD_HEALTH_PASSWORD": passwords["demo_health"],
            "LOAD_DISTRICT": district,
        }
        report(drive(options.port, options.users, options.requests, data_dir, load_env))
    finally:
        server.terminate()
        server.wait(timeout=10)


if __name__ == "__main__":
    main()
