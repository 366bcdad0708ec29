"""A value longer than its field holds quarantines its row, the same on both databases:
PostgreSQL raised StringDataRightTruncation (the whole file lost, the upload a 500) while
SQLite stored a 1,000,000-character given name."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from crecer.health.importer import import_events
from crecer.health.models import ServiceRecord
from crecer.ingest.reasons import code_of, describe
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from tests.health.factories import make_child, own_row, write_events

pytestmark = pytest.mark.django_db
HEADER = "DNI;Apellido paterno;Apellido materno;Nombres;Fecha de nacimiento;Ubigeo;Sexo;Dirección"


def test_a_million_character_name_quarantines_its_row_only(tmp_path):
    path = tmp_path / "padron.csv"
    given = "A" * 1_000_000
    path.write_text(
        f"{HEADER}\n"
        f"71234561;QUISPE;HUAMAN;{given};15/03/2024;050403;2;Jr. Lima\n"
        f"71234562;QUISPE;HUAMAN;ROSA;15/03/2024;050403;2;{'x' * 256}\n"  # address holds 255
        f"71234563;QUISPE;HUAMAN;LUZ;15/03/2024;050403;2;{'x' * 255}\n",
        encoding="utf-8",
    )
    run = import_padron(path, today=date(2026, 11, 28))
    assert (run.rows_read, run.created, run.quarantined) == (3, 1, 2)
    reasons = {row.line: row.reasons for row in run.quarantined_rows.all()}
    assert [code_of(r) for r in reasons[2]] == ["too_long"]
    with translation.override("en"):
        assert (
            describe(reasons[2][0]) == "given names has 1000000 characters; it can hold at most 150"
        )
    assert [code_of(r) for r in reasons[3]] == ["too_long"]
    assert Child.objects.get().dni == "71234563"


def test_an_event_value_too_long_quarantines_its_row(tmp_path):
    make_child()
    rows = [own_row(lab="X" * 11), own_row(date="2025-01-10")]  # LAB holds 10 characters
    run = import_events(write_events(tmp_path / "events.csv", rows), today=date(2025, 1, 31))
    assert run.quarantined == 1
    assert [code_of(r) for r in run.quarantined_rows.get().reasons] == ["too_long"]
    assert ServiceRecord.objects.count() == 1
