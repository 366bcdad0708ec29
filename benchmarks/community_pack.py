"""Benchmark: a CPVC's meeting pack (issue 24: "in well under a second of server time").

Run by hand (not a test):

    python benchmarks/community_pack.py [--scope 050101] [--data-dir DIR] [--runs 5]

In a fresh SQLite database (``--data-dir``, a temporary folder by default): the bundled
territory, the generator's population of district ``--scope`` with its services (into the
database), a refresh on the as-of date, then one monitoring center covering *every* populated
center of the district with children (larger than any real CPVC, which covers a few villages).
Reported: the pack's server time (the view, as a health worker of the district opens it:
work list of the refresh, pregnant women, coverage now and a month before, not-visited list,
audit entry; template rendered), best and median of ``--runs``, and the children and women
listed. The PDF itself is the browser's print of that page (tests/community/test_print.py).
``--skip N --take M`` covers, instead, M populated centers after the N with most children.

Measured (SQLite, district 050101 generated, 10,851 children; a shared 2-core machine): all
24 populated centers (10,241 listed): 1.39 s best, 1.50 s median (computation alone 0.75 s);
the largest one (``--take 1``, 2,811 listed): 0.46 s; three village-sized ones (``--skip 2
--take 3``, 719 listed): 0.16 s best, 0.18 s median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

AS_OF = date(2026, 6, 30)


def crecer(*args: str, env: dict[str, str]) -> None:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "crecer", *args], check=True, env=env)
    print(f"  crecer {' '.join(args)}: {time.perf_counter() - started:.1f} s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scope", default="050101")
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--measure-only", action="store_true")
    parser.add_argument(
        "--skip", type=int, default=0, help="leave out the N populated centers with most children"
    )
    parser.add_argument("--take", type=int, default=0, help="then cover only M of them (0: all)")
    options = parser.parse_args()
    folder = options.data_dir or Path(tempfile.mkdtemp(prefix="crecer-pack-"))
    env = os.environ | {"CRECER_DATA_DIR": str(folder)}
    env.pop("CRECER_DATABASE_URL", None)
    if not options.measure_only:
        crecer("migrate", env=env)
        crecer("territory", "load", "--bundled", env=env)
        gen = ["generate", "--scope", options.scope, "--into-db", "--as-of", AS_OF.isoformat()]
        crecer(*gen, env=env)
        previous = (AS_OF.replace(day=1) - timedelta(days=1)).isoformat()
        crecer("refresh", "--as-of", previous, "--scope", options.scope, env=env)
        crecer("refresh", "--as-of", AS_OF.isoformat(), "--scope", options.scope, env=env)
    os.environ.update({"CRECER_DATA_DIR": str(folder), "DJANGO_SETTINGS_MODULE": "crecer.settings"})
    os.environ.pop("CRECER_DATABASE_URL", None)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db.models import Count
    from django.test import Client

    from crecer.access.scopes import parse_scope
    from crecer.access.services import assign
    from crecer.community.models import MonitoringCenter
    from crecer.registry.models import Child

    by_size = (
        Child.objects.filter(district_id=options.scope)
        .exclude(populated_center_id=None)
        .values("populated_center_id")
        .annotate(children=Count("id"))
        .order_by("-children", "populated_center_id")
        .values_list("populated_center_id", flat=True)
    )
    codes = list(by_size)[options.skip :]
    codes = sorted(codes[: options.take] if options.take else codes)
    center, _ = MonitoringCenter.objects.get_or_create(name="CPVC BENCH", district_id=options.scope)
    center.covers.set(codes)
    user, created = get_user_model().objects.get_or_create(username="bench_nurse")
    if created:
        assign(user, "health_worker", parse_scope(options.scope), personal_data=False)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/community/center/{center.pk}/pack/"
    times = []
    for _ in range(options.runs + 1):
        started = time.perf_counter()
        response = client.get(url, {"date": (AS_OF + timedelta(days=5)).isoformat()})
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    from crecer.community.pack import pack_for
    from crecer.profile import current_profile

    computed = []
    for _ in range(options.runs):
        started = time.perf_counter()
        pack = pack_for(center, user, AS_OF + timedelta(days=5), current_profile())
        computed.append(time.perf_counter() - started)
    warm = times[1:]
    print(
        f"pack of {len(codes)} populated centers: {len(pack.children)} children listed, "
        f"{len(pack.women)} pregnant women, {len(pack.unvisited)} not visited; "
        f"first {times[0]:.3f} s, best {min(warm):.3f} s, median {statistics.median(warm):.3f} s, "
        f"{len(response.content) / 1e6:.1f} MB of HTML; the pack's computation alone (no "
        f"template) best {min(computed):.3f} s"
    )


if __name__ == "__main__":
    main()
