"""Reading padrón files as municipalities have them: CSV (UTF-8 or Latin-1, with or without BOM,
``,`` or ``;`` or tab) or XLSX. Every cell comes back as text, with its line number, so that nothing
is lost before validation."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from crecer.registry.columns import column_for
from crecer.registry.reasons import reason

LINE = "__line__"
PROBLEM = "__problem__"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, no known column)."""


@dataclass
class Table:
    """Columns of text by Crecer's column names, plus the line and cells of every row."""

    columns: dict[str, list[str]]
    lines: list[int]
    header: list[str]
    cells: list[list[str]]
    problems: list[str | None]
    encoding: str = ""
    delimiter: str = ""
    unknown_headers: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    def raw(self, index: int) -> dict[str, str]:
        """Row ``index`` as it was in the file: header -> cell (extra cells kept too)."""
        cells = self.cells[index]
        titles = [title or f"column {i + 1}" for i, title in enumerate(self.header)]
        row = dict(zip(titles, cells, strict=False))
        if len(cells) > len(titles):
            row["(extra)"] = ";".join(cells[len(titles) :])
        return row


def read_table(path: Path) -> Table:
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, rows = _xlsx_rows(path)
        return _table(header, rows, encoding="xlsx", delimiter="")
    data = path.read_bytes()
    text, encoding = decode(data)
    # NUL is corruption, and PostgreSQL cannot store it in text: keep a visible mark instead.
    text = text.replace("\x00", "\ufffd")
    delimiter = sniff_delimiter(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise UnreadableFile(f"{path.name}: empty file, expected a header line")
    rows = []
    previous = reader.line_num
    for cells in reader:
        line = previous + 1
        previous = reader.line_num
        if any(cell.strip() for cell in cells):
            rows.append((line, cells))
    return _table(header, rows, encoding=encoding, delimiter=delimiter)


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252/Latin-1,
    which is what Excel on Windows saves as "CSV"."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def sniff_delimiter(text: str) -> str:
    first_line = text.split("\n", 1)[0]
    counts = {delimiter: first_line.count(delimiter) for delimiter in (";", ",", "\t", "|")}
    best = max(counts, key=counts.__getitem__)
    return best if counts[best] else ","


def _xlsx_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise UnreadableFile(f"{path.name}: not a readable XLSX file ({error})") from None
    sheet = workbook.worksheets[0]
    rows_iter = sheet.iter_rows(values_only=True)
    header = [_cell_text(value) for value in next(rows_iter, ())]
    rows = []
    for number, values in enumerate(rows_iter, start=2):
        cells = [_cell_text(value) for value in values]
        if any(cells):
            rows.append((number, cells))
    workbook.close()
    return header, rows


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).replace("\x00", "\ufffd").strip()


def _table(
    header: list[str], rows: list[tuple[int, list[str]]], encoding: str, delimiter: str
) -> Table:
    names = [column_for(title) for title in header]
    if not any(names):
        raise UnreadableFile(
            "no known column in the header; expected the padrón export's headers "
            "(e.g. DNI, Fecha de nacimiento, Ubigeo) or Crecer's column names"
        )
    first_index: dict[str, int] = {}
    for index, name in enumerate(names):
        if name:
            first_index.setdefault(name, index)  # a repeated header: the first one counts
    width = len(header)
    lines = [line for line, _cells in rows]
    cells = [row_cells for _line, row_cells in rows]
    problems = [
        reason("field_count", len(row), width) if len(row) != width else None for row in cells
    ]
    # Short rows are padded so that every column has a value for every row.
    padded = [row if len(row) >= width else row + [""] * (width - len(row)) for row in cells]
    by_position = list(zip(*padded, strict=False)) if padded else [() for _ in header]
    columns = {
        name: list(by_position[index]) if padded else []  # validation strips the cells
        for name, index in first_index.items()
    }
    unknown = [title for title, name in zip(header, names, strict=True) if not name]
    return Table(columns, lines, header, cells, problems, encoding, delimiter, unknown)
