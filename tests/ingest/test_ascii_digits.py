"""Identifiers are ASCII digits only: Python's ``str.isdigit`` and ``\\d`` (Python and Polars)
accept any script's digits, so a fullwidth DNI was stored and the same DNI in ASCII later
created a second child."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.health.importer import import_events
from crecer.ingest.reasons import code_of
from crecer.ingest.text import is_digits
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from tests.health.factories import make_child, own_row, write_events

FULLWIDTH = "３１９９９００６"  # U+FF13…: "31999006" in fullwidth digits
ARABIC_INDIC = "٣١٩٩٩٠٠٦"  # U+0663…: the same digits in Arabic-Indic
HEADER = "DNI;Apellido paterno;Apellido materno;Nombres;Fecha de nacimiento;Ubigeo;Sexo"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("31999006", True),
        (FULLWIDTH, False),
        (ARABIC_INDIC, False),
        ("", False),
        ("3199900a", False),
    ],
)
def test_is_digits_means_ascii_digits(text, digits):
    assert is_digits(text) is digits


@pytest.mark.django_db
@pytest.mark.parametrize("dni", [FULLWIDTH, ARABIC_INDIC])
def test_a_dni_in_other_digits_is_quarantined(tmp_path, dni):
    path = tmp_path / "padron.csv"
    row = "QUISPE;HUAMAN;ROSA;15/03/2024;050403;2"
    path.write_text(f"{HEADER}\n{dni};{row}\n31999006;{row}\n", encoding="utf-8")
    run = import_padron(path, today=date(2026, 11, 28))
    assert (run.created, run.quarantined) == (1, 1)
    assert code_of(run.quarantined_rows.get().reasons[0]) == "not_8_digits"
    assert list(Child.objects.values_list("dni", flat=True)) == ["31999006"]


@pytest.mark.django_db
def test_an_event_for_a_dni_in_other_digits_is_quarantined(tmp_path):
    make_child()
    path = write_events(tmp_path / "events.csv", [own_row(dni=FULLWIDTH)])
    run = import_events(path, today=date(2025, 1, 31))
    assert run.quarantined == 1
    assert code_of(run.quarantined_rows.get().reasons[0]) == "event_bad_id"
