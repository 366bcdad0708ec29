"""``crecer demo`` end to end in a subprocess, on a fresh SQLite file and without any reference
folder (as on a newcomer's laptop): migrate, load the bundled territory data, generate the
population of a province, link, refresh the country for three month ends; run again, it reuses
everything."""

from __future__ import annotations

import sqlite3
import time

import pytest

from crecer.demo.management.commands.demo import MONTHS
from tests.conftest import crecer_env, run_crecer

pytestmark = [pytest.mark.slow, pytest.mark.own_database]


def query(data_dir, sql: str) -> list[tuple]:
    with sqlite3.connect(data_dir / "crecer.sqlite3") as db:
        return db.execute(sql).fetchall()


def count(data_dir, sql: str) -> int:
    return query(data_dir, sql)[0][0]


def test_demo_without_reference_folder_is_complete_and_reused(tmp_path):
    env = crecer_env(tmp_path)  # no CRECER_REFERENCE_DIR: the bundled data only
    first = run_crecer(env, "demo", "--no-serve", "--scope", "0504", timeout=420)
    assert first.returncode == 0, first.stderr
    # The bundled district attributes give every district of Huanta its capital's altitude, so
    # no documented default stands in for it and every Hb test is adjusted with it.
    assert "altitude_m" not in first.stdout
    assert count(tmp_path, "SELECT COUNT(*) FROM territory_district WHERE altitude_m IS NULL") <= 1
    assert count(tmp_path, "SELECT COUNT(*) FROM health_hemoglobintest") > 0
    assert not count(
        tmp_path, "SELECT COUNT(*) FROM health_hemoglobintest WHERE altitude_m IS NULL"
    )
    # Maps: the bundled boundaries (reference README: 25 departments, 195 provinces, 1,826
    # district features of which 160109 is refused as unknown).
    assert count(tmp_path, "SELECT COUNT(*) FROM territory_boundary") == 25 + 195 + 1825
    assert count(tmp_path, "SELECT COUNT(*) FROM territory_populatedcenter") == 94_922
    children = count(tmp_path, "SELECT COUNT(*) FROM registry_child")
    # Huanta (0504), 13 districts with Putis (050413, created in 2017), ~95,000 inhabitants in
    # 2023: some ten thousand children under five.
    assert 5_000 < children < 20_000
    # Open data and trends: national refreshes (scope "") for today and the month ends before.
    refreshes = query(tmp_path, "SELECT scope, COUNT(*) FROM analytics_refresh GROUP BY scope")
    assert refreshes == [("", MONTHS)]
    country = "SELECT COUNT(*) FROM analytics_indicatorvalue WHERE level = 'country'"
    assert count(tmp_path, country) > 0
    loads = count(tmp_path, "SELECT COUNT(*) FROM ingest_importrun")

    started = time.monotonic()
    second = run_crecer(env, "demo", "--no-serve", "--scope", "0504", timeout=120)
    seconds = time.monotonic() - started
    assert second.returncode == 0, second.stderr
    assert f": {children} " in second.stdout  # "present: N children" (in the active language)
    assert count(tmp_path, "SELECT COUNT(*) FROM registry_child") == children
    # Nothing loaded, generated or refreshed again: the second run only checks and serves.
    assert count(tmp_path, "SELECT COUNT(*) FROM ingest_importrun") == loads
    assert count(tmp_path, "SELECT COUNT(*) FROM analytics_refresh") == MONTHS
    assert seconds < 60, second.stdout
