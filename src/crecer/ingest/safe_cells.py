"""Formula-safe cells: the one place every CSV and XLSX that Crecer writes for users goes through.

A spreadsheet opens a cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage
return as a formula: a child named ``=HYPERLINK("http://…"&A1,"clic")`` or ``=cmd|' /C calc'!A0``
would run on the machine of whoever opens the export. OWASP's rule (CSV injection) is applied to
every text cell: such a value is written with a single quote in front (``'=HYPERLINK(…)``), so
that it shows as the text it is. Only text is changed: a number stays a number (``-1.5`` written
as a number is no formula), a text ``"-1"`` is prefixed as the rule says.

- :func:`safe_text` / :func:`safe_value`: one value;
- :func:`safe_writer`: a :func:`csv.writer` whose rows are made safe;
- :func:`safe_frame`: the text columns of a Polars frame, vectorised, before ``write_csv`` or
  ``write_excel``;
- :func:`xlsx_cell` / :func:`xlsx_row`: openpyxl write-only cells; text is neutralised *and*
  typed as a string, since openpyxl otherwise stores any ``str`` starting with ``=`` as a formula.

Pure: no Django (openpyxl is imported only by the XLSX helpers).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import IO, Any, TypeVar

import polars as pl

# OWASP's list: a cell starting with one of these is read as a formula by a spreadsheet.
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
# The same first characters as a regular expression (Rust's regex, for Polars).
_TRIGGER_PATTERN = r"^([=+\-@\t\r])"

T = TypeVar("T")


def safe_text(text: str) -> str:
    """``text`` with a single quote in front when it starts like a formula."""
    return QUOTE + text if text.startswith(TRIGGERS) else text


def safe_value(value: T) -> T | str:
    """A cell's value, made safe when it is text; numbers, dates and None are kept as they are."""
    return safe_text(value) if isinstance(value, str) else value


def safe_row(values: Iterable[Any]) -> list[Any]:
    return [safe_value(value) for value in values]


class SafeWriter:
    """A :func:`csv.writer` that neutralises every text cell it writes, and quotes every cell
    holding a line break, CR included: :mod:`csv` quotes only the characters of its line
    terminator, so with ``lineterminator="\n"`` a bare CR would end the row in a spreadsheet
    and start a cell of the next one (``"QUISPE\r=cmd|…"``) past the first-character rule."""

    def __init__(self, handle: IO[str], **formatting: Any) -> None:
        terminator = csv.writer(io.StringIO(), **formatting).dialect.lineterminator
        formatting["lineterminator"] = "\r\n"  # CR and LF both make a cell quoted
        self._handle = handle
        self._terminator = terminator
        self._row = io.StringIO()
        self._writer = csv.writer(self._row, **formatting)

    def writerow(self, row: Iterable[Any]) -> Any:
        self._writer.writerow(safe_row(row))
        line = self._row.getvalue()[: -len("\r\n")] + self._terminator
        self._row.seek(0)
        self._row.truncate()
        return self._handle.write(line)

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def safe_writer(handle: IO[str], **formatting: Any) -> SafeWriter:
    """``csv.writer(handle, **formatting)`` whose text cells are formula-safe."""
    return SafeWriter(handle, **formatting)


def safe_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` with every text column (String, Categorical, Enum) formula-safe; the other
    columns (numbers, dates, booleans) unchanged. Categorical and Enum columns come back as
    String (a prefixed value may not be one of an Enum's categories)."""
    texts = [
        name
        for name, dtype in frame.schema.items()
        if dtype == pl.String or isinstance(dtype, pl.Categorical | pl.Enum)
    ]
    if not texts:
        return frame
    return frame.with_columns(
        pl.col(texts).cast(pl.String).str.replace(_TRIGGER_PATTERN, QUOTE + "$1")
    )


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """An openpyxl ``WriteOnlyCell`` of ``sheet``: text is neutralised and stored as a string
    (never as a formula), other values keep their type."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        cell = WriteOnlyCell(sheet, value=safe_text(value))
        cell.data_type = "s"  # openpyxl reads a str starting with "=" as a formula
        return cell
    return WriteOnlyCell(sheet, value=value)


def xlsx_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """A row of formula-safe cells for ``sheet.append``."""
    return [xlsx_cell(sheet, value) for value in values]
