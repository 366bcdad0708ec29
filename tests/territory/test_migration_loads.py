"""Migration territory 0003 keeps every past load: a LoadRun with a rejected line, written at
0002, comes out as an ImportRun of the same kind and time with the line quarantined."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("territory", "0002_bundled_ubigeo")]
AFTER = [("territory", "0003_loads_are_import_runs")]


@pytest.mark.django_db(transaction=True)
def test_past_loads_become_import_runs_with_their_rejected_lines():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    loaded_at = dt.datetime(2025, 1, 2, 3, 4, 5, tzinfo=dt.UTC)
    load = old.get_model("territory", "LoadRun").objects.create(
        kind="facilities", file_name="health_facilities.csv", sha256="ab" * 32,
        rows_read=3, created=2, rejected=1,
    )  # fmt: skip
    old.get_model("territory", "LoadRun").objects.filter(pk=load.pk).update(loaded_at=loaded_at)
    old.get_model("territory", "RejectedRow").objects.create(
        load=load, line=3, reason="unknown ubigeo 999999", raw="X1,Posta,999999"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    run = new.get_model("ingest", "ImportRun").objects.get(kind="facilities")
    assert (run.file_name, run.started_at, run.rows_read, run.created, run.quarantined) == (
        "health_facilities.csv", loaded_at, 3, 2, 1,
    )  # fmt: skip
    row = run.quarantined_rows.get()
    assert (row.line, row.raw, row.reasons) == (
        3, {"line": "X1,Posta,999999"}, ["unknown ubigeo 999999"],
    )  # fmt: skip
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
