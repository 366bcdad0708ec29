"""The work-list CSV and XLSX and the open-data CSV hold no spreadsheet formula: children named
``=HYPERLINK(…)``, ``=cmd|…``, ``+1+1``… come out as quoted text (OWASP's CSV-injection rule),
while a negative z-score stays a number."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
import pytest
from openpyxl import load_workbook

from crecer.analytics import opendata
from crecer.analytics.refresh import refresh
from crecer.territory.models import PopulatedCenter
from tests.analytics.population import AS_OF, PERU, child, measure
from tests.formula_payloads import FIRST, PAYLOADS

pytestmark = pytest.mark.django_db

CENTER = "0504030001"
CSV_URL, XLSX_URL = "/work-list/export.csv", "/work-list/export.xlsx"
# Text fields of a child that the work list writes as they are (the mother's name starts with
# her paternal surname).
FIELDS = ["address", "address_reference", "mother_paternal_surname", "care_facility"]
HAZ = 14  # the column of the HAZ (worklist_rows.export_values), header in the page's language


def assert_no_formula_text(cells: list[object]) -> None:
    """No text cell starts like a formula; a number ("-3.65" in a CSV) is no formula."""
    for cell in cells:
        assert not (isinstance(cell, str) and cell.startswith(FIRST) and not number(cell)), cell


def number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


@pytest.fixture
def named(db, client, make_user):
    """Seven 11-month-old children of one populated center (all overdue on their schedules),
    each named after a payload; 65 cm long, so stunted with a negative HAZ."""
    PopulatedCenter.objects.create(code=CENTER, district_id=CENTER[:6], name="ALTO")
    for number, payload in enumerate(PAYLOADS, start=1):
        record = child(number, "1", "050403", populated_center_id=CENTER, given_names="ANA")
        record.paternal_surname = payload
        for field in FIELDS:
            setattr(record, field, payload)
        record.save()
        measure(record, date(2026, 6, 1), 65.0)
    refresh(AS_OF, "", PERU)
    client.force_login(make_user("gestora", "program_manager", "0504"))


def test_the_work_list_csv_quotes_formulas_and_keeps_numbers(client, named):
    response = client.get(CSV_URL, {"center": CENTER})
    assert response.status_code == 200
    assert response.streaming
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = csv.reader(io.StringIO(text, newline=""), delimiter=";")
    assert len(rows) == len(PAYLOADS)
    cells = [cell for row in rows for cell in row]
    assert_no_formula_text(cells)
    for payload in PAYLOADS:
        assert cells.count("'" + payload) == len(FIELDS)
    names = sorted(row[header.index("Niño" if "Niño" in header else "Child")] for row in rows)
    assert all(name.startswith("'") for name in names)
    haz = [row[HAZ] for row in rows]
    assert all(float(value) < -3 for value in haz)  # a number, not "'-4.1"


def test_the_work_list_xlsx_has_no_formula_cell(client, named):
    response = client.get(XLSX_URL, {"center": CENTER})
    sheet = load_workbook(io.BytesIO(response.content)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    values = [cell.value for cell in cells]
    assert_no_formula_text(values)
    for payload in PAYLOADS:
        quoted = {"'" + payload, "'" + payload.replace("\r", "\n")}  # XML reads CR as LF
        assert sum(value in quoted for value in values) == len(FIELDS)
    haz = [row[HAZ] for row in sheet.iter_rows(min_row=2)]
    assert {cell.data_type for cell in haz} == {"n"}
    assert all(cell.value < -3 for cell in haz)


def test_the_open_data_csv_quotes_text_and_keeps_numbers():
    frame = pl.DataFrame(
        {"indicator": ["=1+1", "stunting"], "numerator": [-1, 3], "percent": [-1.5, 2.0]},
    )
    rows = list(csv.reader(io.StringIO(opendata.as_bytes(frame, "csv").decode(), newline="")))
    assert rows[1:] == [["'=1+1", "-1", "-1.5"], ["stunting", "3", "2.0"]]
