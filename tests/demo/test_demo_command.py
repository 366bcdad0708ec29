"""``crecer demo`` end to end in a subprocess, on a fresh SQLite file: migrate, generate the
population of a province, refresh; run again, it reuses what exists."""

from __future__ import annotations

import sqlite3

from tests.conftest import crecer_env, run_crecer


def children(data_dir) -> int:
    with sqlite3.connect(data_dir / "crecer.sqlite3") as db:
        return db.execute("SELECT COUNT(*) FROM registry_child").fetchone()[0]


def test_demo_generates_once_and_reuses(tmp_path):
    env = crecer_env(tmp_path)
    first = run_crecer(env, "demo", "--no-serve", "--scope", "0504", timeout=240)
    assert first.returncode == 0, first.stderr
    # Without reference data the demo says what is missing and uses documented defaults.
    assert "altitude_m" in first.stdout
    count = children(tmp_path)
    # Huanta's 12 districts at the default 9,000 inhabitants: ~1,000 children each.
    assert 10_000 < count < 14_000
    second = run_crecer(env, "demo", "--no-serve", "--scope", "0504", timeout=240)
    assert second.returncode == 0, second.stderr
    assert f": {count} " in second.stdout  # "present: N children" (in the active language)
    assert children(tmp_path) == count
