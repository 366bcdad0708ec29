"""The births file (CNV-shaped): a birth closes its mother's ongoing pregnancy and creates the
newborn's registry record; the same file again changes nothing; a birth without a recorded
pregnancy is kept as one (no prenatal care is a fact the indicators count); bad rows are
quarantined with their reasons; a scoped importer is not told where another record is."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from crecer.access.policy import allowed_ubigeos
from crecer.maternal.births import import_births
from crecer.maternal.models import Birth, Outcome, Pregnancy, Woman
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)
HEADERS = [
    "NU_CNV", "TIPO_DOC_MADRE", "NU_DOC_MADRE", "NOMBRES_MADRE", "FE_NACIDO", "SEXO_NACIDO",
    "PESO_NACIDO", "SEMANA_GESTACION", "CO_UBIGEO", "CO_RENAES", "LUGAR_PARTO",
]  # fmt: skip


def birth(**overrides: str) -> dict[str, str]:
    row = {
        "NU_CNV": "1000777001",
        "TIPO_DOC_MADRE": "DNI",
        "NU_DOC_MADRE": "41234567",
        "NOMBRES_MADRE": "Rosa",
        "FE_NACIDO": "10/06/2026",
        "SEXO_NACIDO": "2",
        "PESO_NACIDO": "3150",
        "SEMANA_GESTACION": "39",
        "CO_UBIGEO": "050403",
        "CO_RENAES": "00003452",
        "LUGAR_PARTO": "",
    }
    return row | overrides


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADERS, delimiter=";")
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture
def rosa() -> Woman:
    woman = Woman(document_type="DNI", document_number="41234567", given_names="Rosa")
    woman.district_id = "050403"
    woman.save()
    # FUR 3 Sept 2025: 40 weeks on 10 June 2026, the birth above (280 days later).
    Pregnancy.objects.create(woman=woman, lmp_date=date(2025, 9, 3))
    return woman


def test_a_birth_closes_the_pregnancy_and_registers_the_newborn(tmp_path, rosa):
    run = import_births(write(tmp_path / "cnv.csv", [birth()]), today=TODAY)
    assert (run.rows_read, run.created, run.quarantined) == (1, 1, 0)
    (pregnancy,) = rosa.pregnancies.all()
    assert (pregnancy.outcome, pregnancy.outcome_date) == (Outcome.LIVE_BIRTH, date(2026, 6, 10))
    assert pregnancy.delivery_place == "institutional"  # a facility is named, no place given
    assert pregnancy.gestational_weeks_at_birth == 39
    newborn = Child.objects.get(cnv="1000777001")
    assert (newborn.birth_date, newborn.sex, newborn.birth_weight_g) == (
        date(2026, 6, 10),
        "2",
        3150,
    )
    assert (newborn.district_id, newborn.mother_document_number) == ("050403", "41234567")
    assert list(rosa.children()) == [newborn]
    assert newborn.history.first().history_change_reason == "registered from a births file (CNV)"

    again = import_births(write(tmp_path / "cnv2.csv", [birth()]), today=TODAY)
    assert (again.created, again.unchanged, again.quarantined) == (0, 1, 0)
    assert (Birth.objects.count(), Child.objects.count(), Pregnancy.objects.count()) == (1, 1, 1)


def test_twins_are_two_births_of_one_pregnancy(tmp_path, rosa):
    rows = [birth(), birth(NU_CNV="1000777002", SEXO_NACIDO="1", PESO_NACIDO="2380")]
    run = import_births(write(tmp_path / "cnv.csv", rows), today=TODAY)
    assert run.created == 2
    (pregnancy,) = rosa.pregnancies.all()
    assert sorted(b.cnv for b in pregnancy.births.all()) == ["1000777001", "1000777002"]


def test_a_birth_without_a_recorded_pregnancy_is_kept_as_one(tmp_path):
    rows = [birth(NU_DOC_MADRE="45678901", SEMANA_GESTACION="36", LUGAR_PARTO="DOMICILIO")]
    run = import_births(write(tmp_path / "cnv.csv", rows), today=TODAY)
    assert run.created == 1
    woman = Woman.objects.get(document_number="45678901")
    (pregnancy,) = woman.pregnancies.all()
    # Dated back from the gestational age: 36 weeks = 252 days before 10 June 2026.
    assert pregnancy.lmp_date == date(2025, 10, 1)
    assert pregnancy.delivery_place == "home"
    assert pregnancy.maternalservice_set.count() == 0  # no prenatal check: counted as such


def test_bad_rows_are_quarantined_with_their_reasons(tmp_path, rosa):
    rows = [
        birth(NU_CNV="12"),
        birth(NU_CNV="1000777003", NU_DOC_MADRE="4123"),
        birth(NU_CNV="1000777004", FE_NACIDO="2026-13-40"),
        birth(NU_CNV="1000777005", SEXO_NACIDO="X", PESO_NACIDO="31500"),
        birth(NU_CNV="1000777006", CO_UBIGEO="999999", NU_DOC_MADRE="40000001"),
        birth(),
        birth(),  # the same CNV again, inside the file
    ]
    run = import_births(write(tmp_path / "cnv.csv", rows), today=TODAY)
    assert (run.rows_read, run.created, run.quarantined) == (7, 1, 6)
    codes = {
        row.line: [reason.split("\x1f")[0] for reason in row.reasons]
        for row in run.quarantined_rows.all()
    }
    assert codes == {
        2: ["birth_bad_cnv"],
        3: ["birth_bad_document"],
        4: ["birth_bad_date"],
        5: ["birth_sex", "birth_range"],
        6: ["birth_unknown_ubigeo"],
        8: ["birth_duplicate"],
    }


def test_a_cnv_held_by_a_child_born_on_another_date_is_not_linked(tmp_path, rosa):
    child = Child(cnv="1000777001", sex="2", birth_date=date(2025, 1, 5), district_id="050403")
    child._change_reason = "registered"
    child.save()
    run = import_births(write(tmp_path / "cnv.csv", [birth()]), today=TODAY)
    assert run.quarantined == 1
    assert run.quarantined_rows.get().reasons[0].startswith("birth_child_differs")
    assert rosa.pregnancies.get().outcome == Outcome.ONGOING


def test_a_scoped_importer_reads_no_other_territory(tmp_path, rosa, make_user):
    officer = make_user("officer", "registry_officer", "050101")
    rows = [birth(CO_UBIGEO="050101")]  # her document, but she is registered in 050403
    run = import_births(
        write(tmp_path / "cnv.csv", rows),
        user=officer,
        allowed=allowed_ubigeos(officer),
        today=TODAY,
    )
    (row,) = run.quarantined_rows.all()
    assert row.reasons[0].startswith("birth_woman_outside_scope")
    with translation.override("en"):
        assert "cannot see" in row.described_reasons(full=False)[0]
