"""Every physical line of a file is accounted for: a row stored, a row quarantined with its
line number and reason, or a line inside a well-formed quoted record. A malformed-file corpus
(stray and unterminated quotes, quotes closed lines later, ragged rows, blank lines, CR/LF
mixes) is imported as a padrón and as service events; the counts are checked against the
lines written by hand, never against what the reader says."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crecer.health.importer import import_events
from crecer.ingest.models import ImportRun
from crecer.ingest.reasons import code_of
from crecer.registry.importer import import_padron
from tests.health.factories import make_child

pytestmark = pytest.mark.django_db

PADRON_HEADER = (
    "DNI;Apellido paterno;Apellido materno;Nombres;Fecha de nacimiento;Ubigeo;Código de sexo"
)


def padron_line(number: int, given: str = "ROSA") -> str:
    return f"7123456{number};QUISPE;HUAMAN;{given};15/03/2024;050403;2"


# (name, body lines after the header, lines expected in quarantine with their first reason,
#  rows read). Line numbers count the header as line 1.
CORPUS = [
    (
        "stray quote in the last column (the issue's file: 6 rows)",
        [
            padron_line(1, '"ROSA'),
            *(padron_line(n) for n in range(2, 7)),
        ],
        {2: "stray_quote"},
        6,
    ),
    (
        "unterminated quote on the last line",
        [padron_line(1), padron_line(2), padron_line(3, '"ROSA')],
        {4: "stray_quote"},
        3,
    ),
    (
        "a quote closed three lines later swallows two rows",
        [padron_line(1, '"RO'), padron_line(2), padron_line(3, 'SA"'), padron_line(4)],
        {2: "stray_quote"},  # line 4's quote is inside a value: a character, stored
        4,
    ),
    (
        "quote in the middle of a value (kept as a character)",
        [padron_line(1, 'RO"SA'), padron_line(2)],
        {},
        2,
    ),
    (
        "a well-formed quoted line break stays one record",
        [
            '71234561;QUISPE;HUAMAN;"ROSA\nMARIA";15/03/2024;050403;2',
            padron_line(2),
        ],
        {},
        2,
    ),
    (
        "blank lines, a ragged row and CRLF between stray quotes",
        [padron_line(1) + "\r", "", padron_line(2, '"X'), "7123;A", padron_line(3)],
        {4: "stray_quote", 5: "field_count"},
        4,
    ),
]


@pytest.mark.parametrize(
    ("name", "body", "quarantined", "rows"), CORPUS, ids=[c[0] for c in CORPUS]
)
def test_every_padron_line_is_stored_or_quarantined(tmp_path, name, body, quarantined, rows):
    path = tmp_path / "padron.csv"
    path.write_text("\n".join([PADRON_HEADER, *body]) + "\n", encoding="utf-8")
    run = import_padron(path, today=date(2026, 11, 28))
    assert_accounted(run, quarantined, rows)


EVENT_HEADER = "dni;date;code;weight_kg;length_cm"


def event_line(day: int, code: str = "99381") -> str:
    return f"71234567;{day:02d}/01/2025;{code};;"


def test_every_event_line_is_stored_or_quarantined(tmp_path):
    make_child()
    body = [event_line(1, '"99381'), *(event_line(day) for day in range(2, 7))]
    path = tmp_path / "events.csv"
    path.write_text("\n".join([EVENT_HEADER, *body]) + "\n", encoding="utf-8")
    run = import_events(path, today=date(2025, 1, 31))
    assert_accounted(run, {2: "stray_quote"}, 6)


def assert_accounted(run: ImportRun, quarantined: dict[int, str], rows: int) -> None:
    assert run.rows_read == rows
    assert run.adds_up
    first_reasons = {row.line: code_of(row.reasons[0]) for row in run.quarantined_rows.all()}
    assert first_reasons == quarantined


def test_a_stray_quote_keeps_its_line_as_written(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_text("\n".join([PADRON_HEADER, padron_line(1, '"ROSA')]) + "\n", encoding="utf-8")
    run = import_padron(path, today=date(2026, 11, 28))
    row = run.quarantined_rows.get()
    assert row.raw["Nombres"] == '"ROSA'
    assert row.raw["DNI"] == "71234561"


def test_the_limit_on_a_record_lines_is_a_stray_quote(tmp_path, monkeypatch):
    from crecer.ingest.reading import QuotedRecords

    monkeypatch.setattr(QuotedRecords, "MAX_RECORD_LINES", 2)
    body = ['71234561;QUISPE;HUAMAN;"ROSA', "MARIA", 'JUANA";15/03/2024;050403;2']
    path: Path = tmp_path / "padron.csv"
    path.write_text("\n".join([PADRON_HEADER, *body]) + "\n", encoding="utf-8")
    run = import_padron(path, today=date(2026, 11, 28))
    assert run.rows_read == 3
    assert run.adds_up
