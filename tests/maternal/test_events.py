"""A pregnancy's services from a HIS-shaped file: matched to the woman by document and to the
pregnancy by date; a row with the FUR registers a pregnancy not yet recorded; Hb values are
tests in pregnancy; unknown women, dates outside every pregnancy and changed values are
quarantined; the same file again changes nothing; another territory's woman reads as unknown."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from crecer.access.policy import Can
from crecer.maternal.events import import_maternal_events
from crecer.maternal.models import MaternalHbTest, MaternalService, Pregnancy, Woman
from crecer.territory.models import District

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)
HEADERS = [
    "Fecha_Atencion", "Tipo_Doc_Paciente", "Numero_Documento_Paciente", "Codigo_Item",
    "Valor_Lab", "Codigo_Unico", "Fecha_Ultima_Regla", "Hemoglobina",
]  # fmt: skip


def his(**overrides: str) -> dict[str, str]:
    row = dict.fromkeys(HEADERS, "")
    row |= {"Fecha_Atencion": "10/03/2026", "Tipo_Doc_Paciente": "DNI"}
    row |= {"Numero_Documento_Paciente": "41234567", "Codigo_Item": "Z3491"}
    return row | overrides


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADERS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def rosa() -> Woman:
    District.objects.filter(ubigeo="050403").update(altitude_m=2750)
    woman = Woman.objects.create(
        document_type="DNI", document_number="41234567", district_id="050403"
    )
    Pregnancy.objects.create(woman=woman, lmp_date=date(2026, 1, 5))
    return woman


def test_services_and_hb_tests_go_to_the_pregnancy_of_their_date(tmp_path, rosa):
    rows = [
        his(),
        his(Fecha_Atencion="12/04/2026", Codigo_Item="85018", Valor_Lab="11.2"),
        his(Fecha_Atencion="20/04/2026", Codigo_Item="", Hemoglobina="10,9"),
    ]
    run = import_maternal_events(write(tmp_path / "his.csv", rows), today=TODAY)
    assert (run.rows_read, run.created, run.quarantined) == (3, 3, 0)
    pregnancy = rosa.pregnancies.get()
    assert sorted(pregnancy.maternalservice_set.values_list("code", flat=True)) == [
        "85018",
        "Z3491",
    ]
    tests = sorted(
        pregnancy.maternalhbtest_set.values_list("date", "hb_observed", "altitude_source")
    )
    assert tests == [(date(2026, 4, 12), 11.2, "district"), (date(2026, 4, 20), 10.9, "district")]
    again = import_maternal_events(write(tmp_path / "his2.csv", rows), today=TODAY)
    assert (again.created, again.unchanged, again.quarantined) == (0, 3, 0)
    assert (MaternalService.objects.count(), MaternalHbTest.objects.count()) == (2, 2)


def test_a_row_with_the_fur_registers_the_pregnancy(tmp_path):
    Woman.objects.create(document_type="DNI", document_number="45678901", district_id="050403")
    rows = [his(Numero_Documento_Paciente="45678901", Fecha_Ultima_Regla="01/02/2026")]
    run = import_maternal_events(write(tmp_path / "his.csv", rows), today=TODAY)
    assert run.created == 1
    (pregnancy,) = Pregnancy.objects.filter(woman__document_number="45678901")
    assert pregnancy.lmp_date == date(2026, 2, 1)


def test_what_cannot_be_placed_is_quarantined(tmp_path, rosa):
    rows = [
        his(Numero_Documento_Paciente="49999999"),  # no such woman
        his(Fecha_Atencion="10/03/2025"),  # before her pregnancy
        his(Codigo_Item="99381"),  # a child's CRED code
        his(Fecha_Atencion="12/04/2026", Codigo_Item="", Hemoglobina="11.0"),
        his(Fecha_Atencion="12/04/2026", Codigo_Item="", Hemoglobina="9.0"),  # the same day
    ]
    run = import_maternal_events(write(tmp_path / "his.csv", rows), today=TODAY)
    codes = {row.line: row.reasons[0].split("\x1f")[0] for row in run.quarantined_rows.all()}
    assert codes == {
        2: "maternal_unknown_woman",
        3: "maternal_no_pregnancy",
        4: "maternal_unknown_code",
        6: "maternal_hb_differs",
    }
    assert run.created == 1


def test_another_territorys_woman_reads_as_unknown(tmp_path, rosa, make_user):
    nurse = make_user("enfermera", "health_worker", "050101")
    scope = Woman.objects.visible_to(nurse, Can.RECORD_SERVICES)
    run = import_maternal_events(
        write(tmp_path / "his.csv", [his()]), user=nurse, scope=scope, today=TODAY
    )
    (row,) = run.quarantined_rows.all()
    assert row.reasons[0].startswith("maternal_woman_outside_scope")
    with translation.override("en"):
        assert "no woman registered with DNI 41234567" in row.described_reasons(full=False)[0]
