"""Encoding damage is never stored silently: a file mixing UTF-8 and Windows-1252 lines is
read line by line, each in its own encoding (a UTF-8 "JOSÉ" no longer becomes "JOSÃ‰"),
and the lines that were not UTF-8 are quarantined with their line number; a NUL or an
undecodable byte (shown as U+FFFD) quarantines its row, naming the field."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.ingest.reading import read_table
from crecer.ingest.reasons import code_of
from crecer.registry.columns import PADRON_COLUMNS
from crecer.registry.importer import import_padron
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
HEADER = "DNI;Apellido paterno;Apellido materno;Nombres;Fecha de nacimiento;Ubigeo;Sexo\n"


def row(dni: str, given: str) -> str:
    return f"{dni};QUISPE;HUAMÁN;{given};15/03/2024;050403;1\n"


def first_reasons(run) -> dict[int, str]:
    return {r.line: code_of(r.reasons[0]) for r in run.quarantined_rows.all()}


def test_a_file_mixing_utf8_and_cp1252_is_read_line_by_line(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes(
        HEADER.encode("utf-8")
        + row("71234561", "JOSÉ").encode("utf-8")
        + row("71234562", "ÑUFLO").encode("cp1252")  # appended by another program
        + row("71234563", "MARÍA").encode("utf-8")
    )
    table = read_table(path, PADRON_COLUMNS)
    assert table.encoding == "utf-8/cp1252"
    assert table.columns["given_names"].to_list() == ["JOSÉ", "ÑUFLO", "MARÍA"]
    run = import_padron(path, today=date(2026, 11, 28))
    assert first_reasons(run) == {3: "other_encoding"}
    assert set(Child.objects.values_list("given_names", flat=True)) == {"JOSÉ", "MARÍA"}
    assert Child.objects.get(dni="71234561").maternal_surname == "HUAMÁN"
    assert run.quarantined_rows.get().raw["Nombres"] == "ÑUFLO"


def test_a_cp1252_file_is_still_read_as_cp1252(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes((HEADER + row("71234561", "JOSÉ ÑAHUI")).encode("cp1252"))
    run = import_padron(path, today=date(2026, 11, 28))
    assert (run.encoding, run.created) == ("cp1252", 1)
    assert Child.objects.get().given_names == "JOSÉ ÑAHUI"


@pytest.mark.parametrize(
    ("body", "encoding"),
    [
        (row("71234561", "JOS\x00") + row("71234562", "LUZ"), "utf-8"),  # a NUL byte
        (row("71234561", "JOS\ufffd") + row("71234562", "LUZ"), "utf-8"),  # lost before saving
    ],
)
def test_a_lost_character_quarantines_its_row(tmp_path, body, encoding):
    path = tmp_path / "padron.csv"
    path.write_bytes((HEADER + body).encode(encoding))
    run = import_padron(path, today=date(2026, 11, 28))
    assert first_reasons(run) == {2: "damaged_text"}
    assert list(Child.objects.values_list("given_names", flat=True)) == ["LUZ"]


def test_an_undecodable_byte_after_a_bom_quarantines_its_row(tmp_path):
    path = tmp_path / "padron.csv"
    path.write_bytes(
        b"\xef\xbb\xbf"
        + HEADER.encode()
        + b"71234561;QUISPE;HUAMAN;JOS\xff;15/03/2024;050403;1\n"
        + row("71234562", "LUZ").encode()
    )
    run = import_padron(path, today=date(2026, 11, 28))
    assert run.rows_read == 2
    assert list(first_reasons(run).values()) == ["damaged_text"]
