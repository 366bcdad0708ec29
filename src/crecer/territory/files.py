"""Reading official files row by row, keeping every line number, so that a bad line is reported
(and quarantined) while the good lines load."""

from __future__ import annotations

import csv
import gzip
import io
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from crecer.ingest.reading import LOST_CHARACTER
from crecer.ingest.text import is_digits

UNDECODABLE = range(0xDC80, 0xDD00)  # what errors="surrogateescape" turns undecodable bytes into
UNDECODABLE_CHARACTER = re.compile("[\udc80-\udcff]")


class FileProblem(ValueError):
    """The whole file cannot be read (missing, wrong columns, not CSV/GeoJSON)."""


class RowProblem(ValueError):
    """One row is wrong; its message is the reason shown to the user."""


@dataclass(frozen=True)
class RowError:
    line: int
    reason: str
    raw: str = ""


@dataclass
class LoadReport:
    """What a load did. ``errors`` holds every rejected line with its reason."""

    kind: str
    file_name: str
    sha256: str = ""
    row_word: str = "line"  # how a position in the file is named: "line", or "feature" in GeoJSON
    rows_read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)  # loaded, but told

    def reject(self, line: int, reason: str, raw: str = "") -> None:
        self.errors.append(RowError(line, reason, raw))

    def warn(self, line: int, reason: str, raw: str = "") -> None:
        self.warnings.append(RowError(line, reason, raw))

    def summary(self) -> str:
        return (
            f"{self.kind} {self.file_name}: {self.rows_read} rows read, {self.created} created, "
            f"{self.updated} updated, {self.unchanged} unchanged, {len(self.errors)} rejected"
            + (f", {len(self.warnings)} with a warning" if self.warnings else "")
        )


@dataclass(frozen=True)
class CsvRow:
    line: int
    values: dict[str, str]
    raw: str
    problem: str | None = None


def read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when its name ends in ``.gz``: the reference data shipped
    with Crecer is gzip-compressed, and an official file may come compressed too; both then
    load, and are rejected line by line, exactly as the plain file."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise FileProblem(f"{path}: file not found") from None
    except IsADirectoryError:
        raise FileProblem(f"{path}: a folder, not a file") from None
    if path.suffix.lower() != ".gz":
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as error:  # BadGzipFile is an OSError
        raise FileProblem(f"{path}: not a readable gzip file ({error})") from None


def source_name(path: Path) -> str:
    """The file's name as its rows record it (``altitude_source``, ``added_from``…): without a
    ``.gz``, so that a compressed copy of a file and the file itself say the same source and
    loading one over the other changes nothing."""
    name = path.name
    return name[:-3] if name.lower().endswith(".gz") else name


def read_csv(path: Path, required: set[str], encoding: str = "utf-8") -> Iterator[CsvRow]:
    """Yield the data rows of a CSV file with their line numbers (the header is line 1).

    Column names are matched case-insensitively. A missing required column is a
    :class:`FileProblem` for the whole file. A row with the wrong number of fields, or with
    bytes that are not valid in ``encoding``, comes back with ``problem`` set; the file goes on.
    """
    try:
        text = read_bytes(path).decode(encoding, errors="surrogateescape")
    except LookupError:
        raise FileProblem(f"unknown encoding {encoding!r}") from None
    text = text.replace("\x00", LOST_CHARACTER)  # NUL is corruption; PostgreSQL cannot store it
    damaged = UNDECODABLE_CHARACTER.search(text) is not None
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""))
    header = next(reader, None)
    if not header:
        raise FileProblem(f"{path}: empty file, expected a header line")
    columns = [name.strip().lower() for name in header]
    missing = sorted(required - set(columns))
    if missing:
        raise FileProblem(
            f"{path}: missing column(s) {', '.join(missing)}; the header has {', '.join(columns)}"
        )
    previous_line = reader.line_num
    for cells in reader:
        line = previous_line + 1
        previous_line = reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        raw = ",".join(cells)
        problem = _encoding_problem(raw, encoding) if damaged else None
        if problem is None and len(cells) != len(columns):
            problem = f"has {len(cells)} fields, the header has {len(columns)}"
        if problem:
            yield CsvRow(line, {}, printable(raw), problem)
            continue
        yield CsvRow(line, dict(zip(columns, (cell.strip() for cell in cells), strict=True)), raw)


def _encoding_problem(raw: str, encoding: str) -> str | None:
    bad = UNDECODABLE_CHARACTER.search(raw)
    if bad is None:
        return None
    bad = bad.group()
    return (
        f"broken encoding: byte 0x{ord(bad) - 0xDC00:02X} is not valid {encoding}; save the file "
        f"as {encoding} or give its encoding with --encoding"
    )


def printable(raw: str) -> str:
    """The raw line as it can be stored: undecodable bytes shown as \\xNN."""
    return "".join(f"\\x{ord(ch) - 0xDC00:02X}" if ord(ch) in UNDECODABLE else ch for ch in raw)


# Field parsers: each returns the parsed value or raises RowProblem naming the column.


def code(values: dict[str, str], column: str, length: int) -> str:
    """A numeric code of exactly ``length`` digits (shorter numeric codes get their leading zeros
    back, as spreadsheets drop them)."""
    value = values.get(column, "")
    if not is_digits(value) or len(value) > length:
        raise RowProblem(f"{column} {value!r} is not a code of {length} digits")
    return value.zfill(length)


def number(
    values: dict[str, str], column: str, low: float, high: float, *, required: bool = False
) -> float | None:
    """A decimal number within [low, high] (a decimal comma is accepted); blank gives None."""
    value = values.get(column, "").replace(",", ".")
    if value == "" or value.upper() in {"NA", "NAN", "NULL"}:
        if required:
            raise RowProblem(f"{column} is required")
        return None
    try:
        parsed = float(value)
    except ValueError:
        raise RowProblem(f"{column} {values[column]!r} is not a number") from None
    if not low <= parsed <= high:
        raise RowProblem(f"{column} {parsed:g} is outside {low:g}…{high:g}")
    return parsed


def whole_number(values: dict[str, str], column: str, high: int = 10**9) -> int | None:
    parsed = number(values, column, 0, high)
    if parsed is None:
        return None
    if parsed != int(parsed):
        raise RowProblem(f"{column} {values[column]!r} is not a whole number")
    return int(parsed)


def text(values: dict[str, str], column: str, *, required: bool = False, limit: int = 255) -> str:
    value = values.get(column, "")
    if required and not value:
        raise RowProblem(f"{column} is required")
    if len(value) > limit:
        raise RowProblem(f"{column} is longer than {limit} characters")
    return value
