"""Formula-safe cells (OWASP's CSV-injection rule): a text cell starting with ``=``, ``+``,
``-``, ``@``, tab or CR gets a single quote in front; numbers, dates and other text are kept."""

from __future__ import annotations

import csv
import io
from datetime import date

import polars as pl
import pytest
from openpyxl import Workbook, load_workbook

from crecer.ingest.safe_cells import safe_frame, safe_text, safe_value, safe_writer, xlsx_row
from tests.formula_payloads import FIRST, PAYLOADS

HARMLESS = ["", "QUISPE", "María", " =1", "1-2", "a=b", "'=1", "\n=1", "Ñ", "30/06/2026"]


@pytest.mark.parametrize("first", FIRST)
def test_every_first_character_of_the_owasp_list_is_quoted(first):
    assert safe_text(first) == "'" + first
    assert safe_text(first + "SUM(A1)") == "'" + first + "SUM(A1)"


@pytest.mark.parametrize("payload", PAYLOADS)
def test_the_payloads_are_quoted(payload):
    assert safe_text(payload) == "'" + payload
    assert safe_value(payload) == "'" + payload


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_kept(text):
    assert safe_text(text) == text


def test_numbers_dates_and_none_are_kept():
    for value in (-1.5, -2, 0, 3.25, date(2026, 6, 30), None, True):
        assert safe_value(value) is value


def test_the_csv_writer_quotes_text_and_keeps_numbers():
    buffer = io.StringIO()
    writer = safe_writer(buffer, delimiter=";", lineterminator="\n")
    writer.writerow(["name", "haz"])
    writer.writerows([[payload, -2.5] for payload in PAYLOADS])
    header, *rows = csv.reader(io.StringIO(buffer.getvalue(), newline=""), delimiter=";")
    assert header == ["name", "haz"]
    assert [row[0] for row in rows] == ["'" + payload for payload in PAYLOADS]
    assert {row[1] for row in rows} == {"-2.5"}


@pytest.mark.parametrize("terminator", ["\n", "\r\n"])
def test_the_csv_writer_quotes_line_breaks_and_keeps_its_terminator(terminator):
    """A bare CR inside a name must not end the row (the next "cell" would be a formula)."""
    buffer = io.StringIO()
    writer = safe_writer(buffer, delimiter=";", lineterminator=terminator)
    writer.writerow(["QUISPE\r=cmd|' /C calc'!A0", "a\nb", "ok", 1])
    writer.writerow(["x"])
    assert (
        buffer.getvalue() == f'"QUISPE\r=cmd|\' /C calc\'!A0";"a\nb";ok;1{terminator}x{terminator}'
    )


def test_a_frame_has_its_text_columns_quoted_and_its_numbers_untouched():
    frame = pl.DataFrame(
        {
            "name": PAYLOADS + HARMLESS + [None],
            "kind": pl.Series(["=x"] * (len(PAYLOADS) + len(HARMLESS) + 1), dtype=pl.Categorical),
            "z": [-1.5] * (len(PAYLOADS) + len(HARMLESS) + 1),
        }
    )
    safe = safe_frame(frame)
    assert safe["name"].to_list() == [safe_text(p) for p in PAYLOADS] + HARMLESS + [None]
    assert set(safe["kind"].to_list()) == {"'=x"}
    assert safe["z"].dtype == pl.Float64
    assert safe["z"].to_list() == frame["z"].to_list()
    rows = list(csv.reader(io.StringIO(safe.write_csv(), newline="")))
    assert [row[0] for row in rows[1 : 1 + len(PAYLOADS)]] == ["'" + p for p in PAYLOADS]
    assert {row[2] for row in rows[1:]} == {"-1.5"}


def test_a_frame_without_text_is_returned_as_it_is():
    frame = pl.DataFrame({"n": [-1, 2]})
    assert safe_frame(frame) is frame


def test_xlsx_cells_are_never_formulas():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("s")
    sheet.append(xlsx_row(sheet, [*PAYLOADS, -1.5, 7, date(2026, 6, 30), None, "QUISPE"]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    cells = next(load_workbook(buffer).active.iter_rows())
    assert [cell.data_type for cell in cells[: len(PAYLOADS)]] == ["s"] * len(PAYLOADS)
    for cell, payload in zip(cells, PAYLOADS, strict=False):
        # XML turns a stored CR into a line feed; the quote is what matters.
        assert cell.value in ("'" + payload, "'" + payload.replace("\r", "\n"))
    assert [cell.value for cell in cells[len(PAYLOADS) :]][:2] == [-1.5, 7]
    assert cells[len(PAYLOADS)].data_type == "n"
    assert cells[-1].value == "QUISPE"
