"""No export is a spreadsheet formula: children named ``=HYPERLINK(…)``, ``=cmd|…``, ``+1+1``…
come out of the registry CSV and XLSX, the quarantine CSV of an import (page and ``--report``)
and a territory load's ``--report`` as quoted text (OWASP's CSV-injection rule)."""

from __future__ import annotations

import csv
import io
from datetime import date
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from crecer.ingest.models import ImportRun, QuarantinedRow
from crecer.registry.models import Child
from tests.formula_payloads import FIRST, PAYLOADS

from .factories import child_row, write_padron

pytestmark = pytest.mark.django_db

# The text fields of a child that an export writes as they are.
FIELDS = [
    "given_names",
    "paternal_surname",
    "address",
    "address_reference",
    "mother_paternal_surname",
]


def assert_no_formula_text(cells: list[object]) -> None:
    for cell in cells:
        assert not (isinstance(cell, str) and cell.startswith(FIRST)), repr(cell)


def quoted(payload: str) -> set[str]:
    """What a payload may read back as: quoted (XML reads a stored CR as a line feed)."""
    return {"'" + payload, "'" + payload.replace("\r", "\n")}


@pytest.fixture
def officer(client, make_user):
    user = make_user("registrador", "registry_officer", "PE")
    client.force_login(user)
    return user


@pytest.fixture
def named():
    for number, payload in enumerate(PAYLOADS):
        Child.objects.create(
            dni=f"7000000{number}",
            sex="1",
            birth_date=date(2025, 1, 1),
            district_id="050403",
            **dict.fromkeys(FIELDS, payload),
        )


def test_the_registry_csv_quotes_formulas(client, officer, named):
    response = client.get(reverse("registry:export"), {"code": "050403", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    assert len(rows) == len(PAYLOADS)
    cells = [cell for row in rows for cell in row]
    assert_no_formula_text(cells)
    names = [row[header.index("Nombres")] for row in rows]
    assert sorted(names) == sorted("'" + payload for payload in PAYLOADS)
    for payload in PAYLOADS:
        assert cells.count("'" + payload) == len(FIELDS)


def test_the_registry_xlsx_has_no_formula_cell(client, officer, named):
    response = client.get(reverse("registry:export"), {"code": "050403", "format": "xlsx"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert_no_formula_text(values)
    for payload in PAYLOADS:
        assert sum(value in quoted(payload) for value in values) == len(FIELDS)


@pytest.fixture
def quarantine(officer):
    """A run whose quarantine holds each payload as a reason, a raw header and a raw value."""
    run = ImportRun.objects.create(file_name="padron.csv", sha256="0" * 64, user=officer)
    for line, payload in enumerate(PAYLOADS, start=2):
        QuarantinedRow.objects.create(run=run, line=line, raw={payload: payload}, reasons=[payload])
    return run


def test_the_quarantine_csv_quotes_formulas(client, quarantine):
    url = reverse("registry:import_run_csv", args=[quarantine.pk])
    text = client.get(url).content.decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text, newline=""))
    assert header == ["line", "reasons", "raw"]
    assert_no_formula_text([cell for row in rows for cell in row])
    assert [row[1] for row in rows] == ["'" + payload for payload in PAYLOADS]
    assert [row[2] for row in rows] == [f"'{payload}={payload}" for payload in PAYLOADS]
    assert [row[0] for row in rows] == [str(line) for line in range(2, 2 + len(PAYLOADS))]


def test_the_import_report_file_quotes_formulas(quarantine, tmp_path):
    """What ``crecer import --report FILE`` writes."""
    from crecer.ingest.quarantine import quarantine_report_csv

    path = tmp_path / "q.csv"
    quarantine_report_csv(quarantine, path)
    _header, *rows = csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""))
    assert_no_formula_text([cell for row in rows for cell in row])
    assert [row[1] for row in rows] == ["'" + payload for payload in PAYLOADS]


def test_an_imported_child_named_as_a_formula_is_safe_in_the_report(tmp_path):
    """Children named as formulas, quarantined by their unknown ubigeo: ``crecer import
    --report`` keeps their names and no cell of the file starts like a formula."""
    rows = [
        child_row(given_names=payload, address=payload, ubigeo="999999", dni=f"7123450{n}")
        for n, payload in enumerate(PAYLOADS)
    ]
    path = write_padron(tmp_path / "padron.csv", rows)
    report = tmp_path / "q.csv"
    out = StringIO()
    call_command("import", "padron", str(path), "--report", str(report), stdout=out, stderr=out)
    text = report.read_bytes().decode("utf-8")
    _header, *written = csv.reader(io.StringIO(text, newline=""))
    assert len(written) == len(PAYLOADS)
    assert_no_formula_text([cell for row in written for cell in row])
    raws = " ".join(row[2] for row in written)
    assert [p for p in PAYLOADS if f"Nombres={p}" not in raws] == []


def test_a_territory_load_report_quotes_formulas(tmp_path):
    from crecer.territory.management.commands.territory import write_rejections

    errors = [SimpleNamespace(line=n, reason=p, raw=p) for n, p in enumerate(PAYLOADS, start=2)]
    report = SimpleNamespace(file_name=PAYLOADS[0], row_word="line", errors=errors)
    path = tmp_path / "rejected.csv"
    write_rejections(path, [report])
    header, *rows = csv.reader(io.StringIO(path.read_bytes().decode("utf-8"), newline=""))
    assert header == ["file", "position", "reason", "raw"]
    assert_no_formula_text([cell for row in rows for cell in row])
    assert [row[3] for row in rows] == ["'" + payload for payload in PAYLOADS]
