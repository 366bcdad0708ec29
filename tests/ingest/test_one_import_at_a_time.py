"""Imports run one at a time per database: a second import while one runs is refused at once
with a clear message, and nothing of its file is stored (on SQLite it died after 25 s with
"database is locked"; on PostgreSQL the larger of two imports sharing children died on the
unique DNI). The running import is stood in for by its lock, held by another connection (an
advisory lock on PostgreSQL) or another open file (SQLite)."""

from __future__ import annotations

import fcntl
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.urls import reverse

from crecer.ingest.locks import ADVISORY_KEY, ImportBusy, lock_file
from crecer.ingest.models import ImportRun
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from tests.registry.factories import child_row, write_padron

pytestmark = pytest.mark.django_db


@contextmanager
def another_import_running() -> Iterator[None]:
    if connection.vendor == "postgresql":
        other = connection.get_new_connection(connection.get_connection_params())
        other.autocommit = True
        other.execute("SELECT pg_advisory_lock(%s)", [ADVISORY_KEY])
        try:
            yield
        finally:
            other.close()
        return
    with lock_file().open("a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def test_a_second_import_is_refused_and_stores_nothing(tmp_path):
    path = write_padron(tmp_path / "padron.csv", [child_row()])
    with another_import_running(), pytest.raises(ImportBusy):
        import_padron(path, today=date(2026, 11, 28))
    assert not ImportRun.objects.exists()
    assert not Child.objects.exists()
    run = import_padron(path, today=date(2026, 11, 28))  # once it has finished
    assert run.created == 1


def test_the_command_says_another_import_is_running(tmp_path):
    path = write_padron(tmp_path / "padron.csv", [child_row()])
    with another_import_running(), pytest.raises(CommandError, match="another import is running"):
        call_command("import", "padron", str(path), stdout=StringIO())


def test_the_upload_page_says_another_import_is_running(client, make_user, tmp_path):
    client.force_login(make_user("registrador", "registry_officer", "PE"))
    path = write_padron(tmp_path / "padron.csv", [child_row()])
    with another_import_running(), path.open("rb") as handle:
        response = client.post(reverse("registry:import"), {"file": handle})
    assert response.status_code == 200
    assert "Hay otra importación en curso" in response.content.decode()
    assert not Child.objects.exists()
