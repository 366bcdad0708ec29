"""Reading padrón files as municipalities have them: CSV (UTF-8 or Latin-1, with or without BOM,
``,`` or ``;`` or tab) or XLSX. Every cell comes back as text, with its line number, so that nothing
is lost before validation.

A CSV file without any quote character (the usual export) is split into lines and cells by
Polars; one with quotes (a quoted field may hold the delimiter or a line break) goes through
Python's ``csv`` module. Both give the same table for the same file."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

import polars as pl

from crecer.registry.columns import column_for
from crecer.registry.reasons import reason

LINE = "__line__"
PROBLEM = "__problem__"


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (not CSV/XLSX, no header, no known column)."""


# What Python's str.strip() removes (str.isspace()): a row of only these and delimiters is
# blank, in both reading paths. Polars' own whitespace lacks \x1c-\x1f.
WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005"
    "\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
)


@dataclass
class Table:
    """Columns of text by Crecer's column names, plus the line and cells of every row.

    ``columns`` (String), ``lines`` (Int64) and ``problems`` (String, null when the row has
    the header's number of cells) are Polars series of one value per row; ``cells`` gives the
    cells of row ``i`` as in the file (split on demand where the file was read by Polars:
    only quarantined rows need them)."""

    columns: dict[str, pl.Series]
    lines: pl.Series
    header: list[str]
    cells: Sequence[list[str]]
    problems: pl.Series
    encoding: str = ""
    delimiter: str = ""
    unknown_headers: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.lines)

    @cached_property
    def titles(self) -> list[str]:
        """The header's titles, a blank one named by its position."""
        return [title or f"column {i + 1}" for i, title in enumerate(self.header)]

    def raw(self, index: int) -> dict[str, str]:
        """Row ``index`` as it was in the file: header -> cell (extra cells kept too)."""
        cells = self.cells[index]
        titles = self.titles
        row = dict(zip(titles, cells, strict=False))
        if len(cells) > len(titles):
            row["(extra)"] = ";".join(cells[len(titles) :])
        return row


CHUNK_ROWS = 200_000  # rows validated and written at a time: memory stays bounded


def read_table(path: Path) -> Table:
    """The whole file as one table (for small files and tests)."""
    return next(read_chunks(path, rows=sys.maxsize))


def read_chunks(
    path: Path,
    rows: int | None = None,
    column_names: Callable[[list[str]], dict[str, int]] | None = None,
) -> Iterator[Table]:
    """The file in tables of at most ``rows`` rows (at least one table, maybe empty).

    ``column_names`` maps the header to Crecer's column names (default: the padrón's); it
    raises :class:`UnreadableFile` for a header it cannot read, and so does a file that cannot
    be read, on the first ``next()``.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, body, encoding, delimiter = _open_xlsx(path)
    else:
        header, body, encoding, delimiter = _open_csv(path)
    names = (column_names or _column_names)(header)
    rows = rows or CHUNK_ROWS
    if isinstance(body, pl.DataFrame):
        yield from _plain_tables(header, names, body, rows, encoding, delimiter)
        return
    batch: list[tuple[int, list[str]]] = []
    yielded = False
    for row in body:
        batch.append(row)
        if len(batch) >= rows:
            yield _table(header, names, batch, encoding, delimiter)
            yielded, batch = True, []
    if batch or not yielded:
        yield _table(header, names, batch, encoding, delimiter)


Body = Iterator[tuple[int, list[str]]] | pl.DataFrame


def _open_csv(path: Path) -> tuple[list[str], Body, str, str]:
    text, encoding = decode(path.read_bytes())
    # NUL is corruption, and PostgreSQL cannot store it in text: keep a visible mark instead.
    text = text.replace("\x00", "\ufffd")
    delimiter = sniff_delimiter(text)
    if is_plain(text):
        header, body = _plain_lines(text, delimiter)
        if not header:
            raise UnreadableFile(f"{path.name}: empty file, expected a header line")
        return header, body, encoding, delimiter
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header:
        raise UnreadableFile(f"{path.name}: empty file, expected a header line")

    def body() -> Iterator[tuple[int, list[str]]]:
        previous = reader.line_num
        for cells in reader:
            line = previous + 1
            previous = reader.line_num
            if any(cell.strip() for cell in cells):
                yield line, cells

    return header, body(), encoding, delimiter


def is_plain(text: str) -> bool:
    """True when every record is one physical line and every cell is the text between two
    delimiters: no quote character (a quoted field may hold a delimiter or a line break, and
    its quotes are not part of the value) and no carriage return outside a CRLF (``csv`` ends
    a record at a lone CR)."""
    return '"' not in text and text.count("\r") == text.count("\r\n")


def _plain_lines(text: str, delimiter: str) -> tuple[list[str], pl.DataFrame]:
    """The header's cells, and the non-blank lines after it (``__line__``: the line number
    in the file; ``text``: the line without its end) of a file where :func:`is_plain`."""
    lines = pl.Series("text", [text]).str.split("\n").explode().str.strip_suffix("\r")
    first = lines[0]
    header = first.split(delimiter) if first else []  # csv reads an empty line as no cell
    frame = pl.DataFrame(lines).with_row_index(LINE, offset=1).slice(1)
    # Blank as in the csv path: no cell with anything but whitespace.
    cells_text = pl.col("text").str.replace_all(delimiter, "", literal=True)
    frame = frame.filter(cells_text.str.strip_chars(WHITESPACE) != "")
    return header, frame.with_columns(pl.col(LINE).cast(pl.Int64))


def _plain_tables(
    header: list[str],
    names: dict[str, int],
    body: pl.DataFrame,
    rows: int,
    encoding: str,
    delimiter: str,
) -> Iterator[Table]:
    """Tables of at most ``rows`` lines of a file read by :func:`_plain_lines` (at least one)."""
    for start in range(0, max(body.height, 1), rows):
        yield _plain_table(header, names, body.slice(start, rows), encoding, delimiter)


def _plain_table(
    header: list[str], names: dict[str, int], body: pl.DataFrame, encoding: str, delimiter: str
) -> Table:
    width = len(header)
    text = body["text"]
    counts = text.str.count_matches(delimiter, literal=True) + 1
    wrong = {n: reason("field_count", n, width) for n in counts.unique().to_list() if n != width}
    problems = counts.replace_strict(wrong, default=None, return_dtype=pl.String)
    # A short row's missing cells are empty, as in the csv path; extra cells are left out.
    fields = text.str.split_exact(delimiter, width - 1).struct.unnest()
    columns = {
        name: fields[f"field_{index}"].fill_null("").alias(name) for name, index in names.items()
    }
    known = set(names.values())
    unknown = [title for index, title in enumerate(header) if index not in known]
    cells = SplitLines(text, delimiter)
    return Table(columns, body[LINE], header, cells, problems, encoding, delimiter, unknown)


class SplitLines(Sequence[list[str]]):
    """The cells of each line, split only when asked for (quarantined rows)."""

    def __init__(self, lines: pl.Series, delimiter: str) -> None:
        self.lines = lines
        self.delimiter = delimiter

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> list[str]:  # type: ignore[override]
        return self.lines[index].split(self.delimiter)


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


def _open_xlsx(path: Path) -> tuple[list[str], Body, str, str]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a broken file
        raise UnreadableFile(f"{path.name}: not a readable XLSX file ({error})") from None
    rows_iter = workbook.worksheets[0].iter_rows(values_only=True)
    header = [_cell_text(value) for value in next(rows_iter, ())]

    def body() -> Iterator[tuple[int, list[str]]]:
        for number, values in enumerate(rows_iter, start=2):
            cells = [_cell_text(value) for value in values]
            if any(cells):
                yield number, cells
        workbook.close()

    return header, body(), "xlsx", ""


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


def _column_names(header: list[str]) -> dict[str, int]:
    """Crecer's column name -> position in the header (a repeated header: the first counts)."""
    positions: dict[str, int] = {}
    for index, title in enumerate(header):
        name = column_for(title)
        if name:
            positions.setdefault(name, index)
    if not positions:
        raise UnreadableFile(
            "no known column in the header; expected the padrón export's headers "
            "(e.g. DNI, Fecha de nacimiento, Ubigeo) or Crecer's column names"
        )
    return positions


def _table(
    header: list[str],
    names: dict[str, int],
    rows: list[tuple[int, list[str]]],
    encoding: str,
    delimiter: str,
) -> Table:
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
        name: pl.Series(name, by_position[index], dtype=pl.String) for name, index in names.items()
    }
    known = set(names.values())
    unknown = [title for index, title in enumerate(header) if index not in known]
    return Table(
        columns,
        pl.Series(LINE, lines, dtype=pl.Int64),
        header,
        cells,
        pl.Series(PROBLEM, problems, dtype=pl.String),
        encoding,
        delimiter,
        unknown,
    )
