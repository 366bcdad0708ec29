"""Reading official files as offices have them: CSV (UTF-8 or Latin-1, with or without BOM,
``,`` or ``;`` or tab) or XLSX. Every cell comes back as text, with its line number, so that nothing
is lost before validation.

A CSV file without any quote character (the usual export) is split into lines and cells by
Polars; one with quotes (a quoted field may hold the delimiter or a line break) goes through
Python's ``csv`` module. Both give the same table for the same file. Either way the file is read
block by block, never whole: memory is bounded by the chunk, whatever the file's size."""

from __future__ import annotations

import codecs
import csv
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path
from typing import IO, Any

import polars as pl

from crecer.ingest.columns import Columns, UnreadableFile
from crecer.ingest.reasons import reason

LINE = "__line__"
PROBLEM = "__problem__"
# What a NUL byte (corruption, and PostgreSQL cannot store it) or an undecodable byte
# becomes when read: kept visible, so that validation can refuse it.
LOST_CHARACTER = "\ufffd"


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
    unknown: dict[str, pl.Series] = field(default_factory=dict)  # title -> cells

    def header_is_blank(self, title: str) -> bool:
        """True for an unread column whose header cell is blank (titled by its position)."""
        return title.startswith("column ") and title not in self.header

    @property
    def unknown_headers(self) -> list[str]:
        """The titles of the columns the import does not read (a blank one by its position)."""
        return list(self.unknown)

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


def read_table(path: Path, columns: Columns) -> Table:
    """The whole file as one table (for small files and tests)."""
    return next(read_chunks(path, columns, rows=sys.maxsize))


def read_chunks(path: Path, columns: Columns, rows: int | None = None) -> Iterator[Table]:
    """The file in tables of at most ``rows`` rows (at least one table, maybe empty), with
    the cells of ``columns`` by their names.

    Raises :class:`UnreadableFile` on the first ``next()`` for a file that cannot be read or
    a header without the columns it needs.
    """
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, body, encoding, delimiter = _open_xlsx(path)
    else:
        header, body, encoding, delimiter = _open_csv(path)
    names = columns.positions(header)
    unknown = unknown_titles(header, columns)
    rows = rows or CHUNK_ROWS
    if isinstance(body, PlainLines):
        for lines in _rechunked(body, rows):
            yield _plain_table(header, names, unknown, lines, encoding, delimiter)
        return
    batch: list[tuple[int, list[str]]] = []
    yielded = False
    for row in body:
        batch.append(row)
        if len(batch) >= rows:
            yield _table(header, names, unknown, batch, encoding, delimiter)
            yielded, batch = True, []
    if batch or not yielded:
        yield _table(header, names, unknown, batch, encoding, delimiter)


def unknown_titles(header: list[str], columns: Columns) -> dict[str, int]:
    """Each column the import does not read, by a title that tells it apart (a blank one by
    its position, a repeated one with its position too) -> its position."""
    titles: dict[str, int] = {}
    for index in columns.unknown(header):
        title = header[index].strip() or f"column {index + 1}"
        if title in titles or columns.name_for(title):
            title = f"{title} (column {index + 1})"
        titles[title] = index
    return titles


def unknown_columns(path: Path, columns: Columns) -> list[str]:
    """The columns of the file's header that the import would not read, reading only the
    header (to ask the user before an import). Raises :class:`UnreadableFile` as
    :func:`read_chunks` does."""
    return list(unknown_titles(read_header(path), columns))


def read_header(path: Path) -> list[str]:
    """The file's header, as :func:`read_chunks` reads it."""
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        header, body, *_ = _open_xlsx(path)
        next(body, None)  # the generator closes the workbook at its end
        body.close()  # type: ignore[union-attr]
        return header
    with path.open("rb") as handle:
        start = handle.read(1 << 16)
    first_bytes = re.split(rb"\r\n|\r|\n", start, maxsplit=1)[0]  # csv ends a line at a CR too
    try:
        first = first_bytes.decode("utf-8-sig")
    except UnicodeDecodeError:
        first = first_bytes.decode("cp1252", errors="replace")
    header = next(csv.reader([first], delimiter=sniff_delimiter(first)), [])
    if not header:
        raise UnreadableFile(f"{path.name}: empty file, expected a header line")
    return header


class PlainLines(Iterator[pl.DataFrame]):
    """The body of a file where :func:`is_plain`, as frames of its non-blank lines
    (``__line__``: the line number in the file; ``text``: the line without its end)."""

    def __init__(self, frames: Iterator[pl.DataFrame]) -> None:
        self.frames = frames

    def __next__(self) -> pl.DataFrame:
        return next(self.frames)


Body = Iterator[tuple[int, list[str]]] | PlainLines
BLOCK_BYTES = 16 << 20  # read at a time; cut after a line end


def _open_csv(path: Path) -> tuple[list[str], Body, str, str]:
    encoding, plain, first = _scan(path)
    delimiter = sniff_delimiter(first)
    if plain:
        first_line = first.split("\n", 1)[0].removesuffix("\r")
        # csv reads an empty line as no cell
        header = first_line.split(delimiter) if first_line else []
        if not header:
            raise UnreadableFile(f"{path.name}: empty file, expected a header line")
        return header, PlainLines(_plain_lines(path, encoding, delimiter)), encoding, delimiter
    other_lines: set[int] = set()  # lines of a mixed file read in Windows-1252
    handle: IO[Any]
    if encoding == MIXED:
        handle = path.open("rb")
        texts: Iterator[str] = (
            _line_text(line, number, other_lines) for number, line in enumerate(handle, start=1)
        )
    else:
        # newline="": lines keep their own ends (CRLF, LF or a lone CR, as csv reads them),
        # so a record that spans several lines is joined back exactly as written.
        handle = open(path, encoding=encoding, errors="replace", newline="")  # noqa: SIM115
        texts = (_visible(line) for line in handle)
    lines = enumerate(texts, start=1)
    first_line = next(lines, (1, ""))[1]
    try:
        header = next(csv.reader([first_line], delimiter=delimiter), [])
    except csv.Error:  # a lone CR inside the line of a mixed file, read by line feeds
        header = first_line.rstrip("\r\n").split(delimiter)
    if not header:
        handle.close()
        raise UnreadableFile(f"{path.name}: empty file, expected a header line")

    def body() -> Iterator[tuple[int, list[str]]]:
        with handle:
            for line, cells in QuotedRecords(lines, delimiter, len(header)):
                if any(cell.strip() for cell in cells):
                    yield line, OtherEncoding(cells) if line in other_lines else cells

    return header, body(), encoding, delimiter


MIXED = "utf-8/cp1252"  # the encoding of a file whose lines are in one or the other


def _line_text(line: bytes, number: int, other_lines: set[int]) -> str:
    """A line of a mixed file: UTF-8 when its bytes are, else Windows-1252 (noted)."""
    try:
        return _visible(line.decode("utf-8-sig" if number == 1 else "utf-8"))
    except UnicodeDecodeError:
        other_lines.add(number)
        return _visible(line.decode("cp1252", errors="replace"))


# Two or three bytes of a UTF-8 letter (Ã‰ is É in UTF-8 read as Windows-1252): in Spanish
# text saved as Windows-1252 an accented letter is followed by a plain one, not by these.
UTF8_LETTER = re.compile(rb"[\xC2-\xDF][\x80-\xBF]|[\xE0-\xEF][\x80-\xBF]{2}")


def _is_mixed(path: Path) -> bool:
    """True when a file that is not valid UTF-8 still holds UTF-8 letters: some of its lines
    were saved in UTF-8, others in Windows-1252 (rows appended by another program)."""
    with path.open("rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            if UTF8_LETTER.search(block):
                return True
    return False


class OtherEncoding(list):
    """The cells of a line of a mixed file that was not UTF-8 (read as Windows-1252)."""


class StrayQuote(list):
    """The cells of a line whose double quote opens a field that never closes into a record
    of the header's width: the line alone, split at every delimiter, as written."""


class QuotedRecords(Iterator[tuple[int, list[str]]]):
    """Records of a file with quotes, each with the number of its first line, where every
    physical line is accounted for.

    A quoted field may hold a line break, so Python's ``csv`` joins lines until the quote
    closes; a stray quote (``"ROSA`` in a last column) would swallow every following line
    into one field. A record that spans several lines is kept only when it has the header's
    number of cells and none of its continuation lines is a row on its own (the header's
    number of cells, split at the delimiter). Otherwise its first line comes back alone as a
    :class:`StrayQuote` and reading starts again on the next line. At most
    ``MAX_RECORD_LINES`` lines make one record."""

    MAX_RECORD_LINES = 50

    def __init__(self, lines: Iterator[tuple[int, str]], delimiter: str, width: int) -> None:
        self.lines = lines
        self.delimiter = delimiter
        self.width = width
        self.pushed_back: list[tuple[int, str]] = []  # lines to read again, last first
        self.taken: list[tuple[int, str]] = []  # the lines of the record being read
        self.unclosed = False  # the record's quote was still open after its last line

    def __next__(self) -> tuple[int, list[str]]:
        self.taken, self.unclosed = [], False
        reader = csv.reader(self._record_lines(), delimiter=self.delimiter)
        try:
            cells, broken = next(reader, []), False
        except csv.Error:  # e.g. a field beyond csv's size limit
            cells, broken = [], True
        if not self.taken:
            raise StopIteration
        whole = not broken and not self.unclosed
        if whole and (len(self.taken) == 1 or self._is_one_record(cells)):
            return self.taken[0][0], cells
        (number, text), *rest = self.taken
        self.pushed_back.extend(reversed(rest))
        stray = text.removesuffix("\n").removesuffix("\r")
        return number, StrayQuote(stray.split(self.delimiter))

    def _record_lines(self) -> Iterator[str]:
        """The lines of one record, as csv asks for them: csv asks for another line only
        while a quoted field is open, so a line asked for and not given (the file's end, or
        the limit) means the quote never closed."""
        while True:
            line = None
            if len(self.taken) < self.MAX_RECORD_LINES:
                line = self.pushed_back.pop() if self.pushed_back else next(self.lines, None)
            if line is None:
                self.unclosed = bool(self.taken)
                return
            self.taken.append(line)
            yield line[1]

    def _is_one_record(self, cells: list[str]) -> bool:
        if len(cells) != self.width:
            return False
        continuations = (text for _number, text in self.taken[1:])
        return not any(text.count(self.delimiter) + 1 == self.width for text in continuations)


def _visible(text: str) -> str:
    # NUL is corruption, and PostgreSQL cannot store it in text: keep a visible mark instead.
    return text.replace("\x00", LOST_CHARACTER)


def is_plain(text: str) -> bool:
    """True when every record is one physical line and every cell is the text between two
    delimiters: no quote character (a quoted field may hold a delimiter or a line break, and
    its quotes are not part of the value) and no carriage return outside a CRLF (``csv`` ends
    a record at a lone CR)."""
    return '"' not in text and text.count("\r") == text.count("\r\n")


def _scan(path: Path) -> tuple[str, bool, str]:
    """The file's encoding — UTF-8 (with or without BOM) when the bytes are valid UTF-8, else
    Windows-1252/Latin-1, which is what Excel on Windows saves as "CSV" —, whether it is
    plain (:func:`is_plain`), and its first block of text (the header is in it), read a block
    at a time."""
    with path.open("rb") as handle:
        bom = handle.read(3) == codecs.BOM_UTF8
    # With a BOM, undecodable bytes become U+FFFD.
    candidates = ["utf-8-sig"] if bom else ["utf-8", "cp1252"]
    for encoding in [*candidates, "latin-1"]:  # Latin-1 decodes any byte
        if encoding == "cp1252" and _is_mixed(path):
            # Read line by line by the csv path, each line in its own encoding.
            with path.open("rb") as handle:
                first_block = handle.read(BLOCK_BYTES)
            return MIXED, False, first_block.decode("utf-8", errors="replace")
        try:
            texts = _text_blocks(path, encoding, BLOCK_BYTES)
            first = next(texts)  # there is always one, maybe ""
            # Every block decoded, even once one is not plain: a late byte decides the encoding.
            plain = [is_plain(first), *(is_plain(text) for text in texts)]
        except UnicodeDecodeError:
            continue
        return encoding, all(plain), first
    raise AssertionError("unreachable: Latin-1 decodes every byte")


def _text_blocks(path: Path, encoding: str, size: int) -> Iterator[str]:
    """The file's text in blocks of about ``size`` bytes, each cut after a line feed (so that
    no line, and no character of an ASCII-compatible encoding, is split between blocks); at
    least one block, the last maybe ""."""
    errors = "replace" if encoding == "utf-8-sig" else "strict"
    decoder = codecs.getincrementaldecoder(encoding)(errors)
    rest = b""
    with path.open("rb") as handle:
        while block := handle.read(size):
            block = rest + block
            cut = block.rfind(b"\n") + 1
            block, rest = block[:cut], block[cut:]
            if block:
                yield decoder.decode(block)
    yield decoder.decode(rest, final=True)


def _plain_lines(path: Path, encoding: str, delimiter: str) -> Iterator[pl.DataFrame]:
    """The non-blank lines after the header of a file where :func:`is_plain`, a block at a
    time (see :class:`PlainLines`)."""
    number = 0  # of the file's lines before the block
    for text in _text_blocks(path, encoding, BLOCK_BYTES):
        ends = text.count("\n")
        if not text.endswith("\n"):
            ends += 1  # the last line, without its end (or "" at the end of the file)
        lines = (
            pl.Series("text", [_visible(text)])
            .str.split("\n")
            .explode()
            .head(ends)
            .str.strip_suffix("\r")
        )
        frame = pl.DataFrame(lines).with_row_index(LINE, offset=number + 1)
        number += ends
        # Blank as in the csv path: no cell with anything but whitespace.
        cells_text = pl.col("text").str.replace_all(delimiter, "", literal=True)
        frame = frame.filter((pl.col(LINE) > 1) & (cells_text.str.strip_chars(WHITESPACE) != ""))
        yield frame.with_columns(pl.col(LINE).cast(pl.Int64))


def _rechunked(frames: Iterator[pl.DataFrame], rows: int) -> Iterator[pl.DataFrame]:
    """The frames' rows in frames of ``rows`` rows, the last one shorter (at least one:
    ``frames`` yields at least one frame, as :func:`_plain_lines` does)."""
    pending: list[pl.DataFrame] = []
    count = 0
    yielded = False
    for frame in frames:
        pending.append(frame)
        count += frame.height
        while count >= rows:
            joined = pl.concat(pending)
            yield joined.slice(0, rows)
            yielded = True
            pending, count = [joined.slice(rows)], count - rows
    if count or not yielded:
        yield pl.concat(pending)


def _plain_table(
    header: list[str],
    names: dict[str, int],
    unknown: dict[str, int],
    body: pl.DataFrame,
    encoding: str,
    delimiter: str,
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
    extra = {
        title: fields[f"field_{index}"].fill_null("").alias(title)
        for title, index in unknown.items()
    }
    cells = SplitLines(text, delimiter)
    return Table(columns, body[LINE], header, cells, problems, encoding, delimiter, extra)


class SplitLines(Sequence[list[str]]):
    """The cells of each line, split only when asked for (quarantined rows)."""

    def __init__(self, lines: pl.Series, delimiter: str) -> None:
        self.lines = lines
        self.delimiter = delimiter

    def __len__(self) -> int:
        return len(self.lines)

    def __getitem__(self, index: int) -> list[str]:  # type: ignore[override]
        return self.lines[index].split(self.delimiter)


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
        try:
            for number, values in enumerate(rows_iter, start=2):
                cells = [_cell_text(value) for value in values]
                if any(cells):
                    yield number, cells
        finally:
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
    return str(value).replace("\x00", LOST_CHARACTER).strip()


def _problem(cells: list[str], width: int) -> str | None:
    if isinstance(cells, StrayQuote):
        return reason("stray_quote")
    if isinstance(cells, OtherEncoding):
        return reason("other_encoding")
    return reason("field_count", len(cells), width) if len(cells) != width else None


def _table(
    header: list[str],
    names: dict[str, int],
    unknown: dict[str, int],
    rows: list[tuple[int, list[str]]],
    encoding: str,
    delimiter: str,
) -> Table:
    width = len(header)
    lines = [line for line, _cells in rows]
    cells = [row_cells for _line, row_cells in rows]
    problems = [_problem(row, width) for row in cells]
    # Short rows are padded so that every column has a value for every row.
    padded = [row if len(row) >= width else row + [""] * (width - len(row)) for row in cells]
    by_position = list(zip(*padded, strict=False)) if padded else [() for _ in header]
    columns = {
        name: pl.Series(name, by_position[index], dtype=pl.String) for name, index in names.items()
    }
    extra = {
        title: pl.Series(title, by_position[index], dtype=pl.String)
        for title, index in unknown.items()
    }
    return Table(
        columns,
        pl.Series(LINE, lines, dtype=pl.Int64),
        header,
        cells,
        pl.Series(PROBLEM, problems, dtype=pl.String),
        encoding,
        delimiter,
        extra,
    )


__all__ = [
    "LINE",
    "PROBLEM",
    "Table",
    "UnreadableFile",
    "is_plain",
    "read_chunks",
    "read_table",
    "unknown_columns",
]
