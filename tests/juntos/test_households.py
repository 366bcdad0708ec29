"""Households from the registry (one per mother, her children up to 19), the SISFOH
classification and school-records imports with their quarantine, and the targeting rules
(district poverty >= 40 %, valid CSE poor or extreme poor, a target member, six months'
residence, the community assembly): juntos.md and sisfoh_targeting.md."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from crecer.ingest.reasons import SEPARATOR
from crecer.juntos.households import eligibility, eligible_not_affiliated, households_from_registry
from crecer.juntos.imports import import_cse, import_school
from crecer.juntos.models import Household, Member, MemberRole, SchoolRecord, Status
from crecer.maternal.models import Woman
from crecer.norms import load_profile
from crecer.registry.models import Child
from crecer.territory.models import District

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 30)
PROFILE = load_profile("peru")


def child(cnv: str, born: date, mother: str = "41234567", dni: str | None = None) -> Child:
    record = Child(
        cnv=cnv, sex="1", birth_date=born, district_id="050403", mother_document_type="DNI",
        mother_document_number=mother, given_names="Luis", paternal_surname="Quispe", dni=dni,
        care_facility="00003452",
    )  # fmt: skip
    record._change_reason = "registered"
    record.save()
    return record


@pytest.fixture
def family() -> Household:
    Woman.objects.create(
        document_type="DNI", document_number="41234567", paternal_surname="Quispe",
        given_names="Rosa", district_id="050403", birth_date=date(1995, 3, 1),
    )  # fmt: skip
    child("1000000001", date(2025, 1, 5), dni="71234567")
    child("1000000002", date(2016, 6, 1), dni="71234568")
    child("1000000003", date(2003, 6, 1))  # 23 on TODAY: not a target member
    built = households_from_registry(today=TODAY)
    assert (built.households, built.members) == (1, 3)  # the titular and two children
    return Household.objects.get()


def test_one_household_per_mother_with_her_children(family):
    titular = family.members.get(role=MemberRole.TITULAR)
    assert titular.woman.document_number == "41234567"
    assert family.care_facility == "00003452"  # her youngest child's facility of care
    assert family.affiliation.status == Status.POTENTIAL
    # Again: nothing new.
    assert households_from_registry(today=TODAY).households == 0


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_cse_file_matches_by_code_or_titular_and_quarantines_the_rest(family, tmp_path):
    path = write(
        tmp_path,
        "cse.csv",
        "CO_HOGAR,DNI titular,CSE,FECHA_CSE\n"
        f"{family.code},,POBRE EXTREMO,15/01/2025\n"
        ",41234567,POBRE,01/06/2022\n"  # by the titular's document
        "H999999999,,POBRE,01/06/2024\n"  # no such household
        f"{family.code},,RICO,01/06/2024\n"  # not a CSE category
        ",,POBRE,01/06/2024\n",  # names no household
    )
    run = import_cse(path, today=TODAY)
    assert (run.created, run.quarantined) == (2, 3)
    latest = family.classes.first()
    assert latest.category == "extreme_poor"
    assert latest.valid_until == date(2025, 1, 15) + timedelta(days=1096)  # 3 years (gob.pe)
    again = import_cse(path, today=TODAY)
    assert (again.created, again.unchanged) == (0, 2)


def test_targeting_rules_and_the_eligible_list(family, tmp_path):
    District.objects.filter(ubigeo="050403").update(poverty_pct=39.9)
    import_cse(
        write(tmp_path, "c.csv", f"CO_HOGAR,CSE,FECHA_CSE\n{family.code},POBRE,01/03/2026\n"),
        today=TODAY,
    )
    family.refresh_from_db()
    assessed = eligibility(family, PROFILE, TODAY)
    # 39.9 % is below the 40 % threshold; the residence is unknown and no assembly validated it.
    assert assessed.missing() == ["district_poverty", "residence", "assembly"]
    District.objects.filter(ubigeo="050403").update(poverty_pct=40.0)
    family.resident_since = TODAY - timedelta(days=150)  # five months: not yet six
    family.assembly_date, family.assembly_act = date(2026, 10, 1), "ACV 12-2026"
    family.save()
    family = Household.objects.get()
    assert eligibility(family, PROFILE, TODAY).missing() == ["residence"]
    family.resident_since = TODAY - timedelta(days=190)
    family.save()
    listed = eligible_not_affiliated(Household.objects.all(), PROFILE, TODAY)
    assert [h.code for h, _e in listed] == [family.code]


def test_school_records_match_the_student_and_mark_upper_secondary(family, tmp_path):
    path = write(
        tmp_path,
        "siagie.csv",
        "DNI_ESTUDIANTE,CODIGO_MODULAR,PERIODO,FECHA_INICIO,FECHA_FIN,MATRICULADO,"
        "DIAS_ASISTIDOS,DIAS_INASISTENCIA,NIVEL,GRADO\n"
        "71234568,0456789,2026-III,01/09/2026,31/10/2026,SI,38,6,SECUNDARIA,3\n"
        "79999999,0456789,2026-III,01/09/2026,31/10/2026,SI,40,0,PRIMARIA,2\n"  # no such member
        "71234568,0456789,2026-II,31/08/2026,01/06/2026,SI,40,0,SECUNDARIA,3\n",  # ends first
    )
    run = import_school(path, today=TODAY)
    assert (run.created, run.quarantined) == (1, 2)
    record = SchoolRecord.objects.get()
    assert (record.days_attended, record.days_absent, record.enrolled) == (38, 6, True)
    assert Member.objects.get(document_number="71234568").upper_secondary


def test_the_command_builds_households(family):
    out = StringIO()
    call_command("juntos", "households", stdout=out)
    assert "0 hogares" in out.getvalue()  # the default language: Spanish


def test_a_term_named_by_its_dates_and_overlong_values_are_read_not_crashed_on(family, tmp_path):
    # CI on PostgreSQL: a term named "01/03/2026/30/04/2026" (21 characters) overflowed the
    # column. A term is named by its dates read as dates, so two spellings are one term; a
    # value longer than its column is quarantined with its reason, not cut or crashed on.
    path = write(
        tmp_path,
        "siagie.csv",
        "DNI_ESTUDIANTE,CODIGO_MODULAR,FECHA_INICIO,FECHA_FIN\n"
        "71234568,0456789,01/03/2026,30/04/2026\n"
        "71234568,0456789,2026-03-01,2026-04-30\n"  # the same term again: a duplicate
        "71234568,04567890123456789,01/05/2026,30/06/2026\n",  # 17 characters: too long
    )
    run = import_school(path, today=TODAY)
    assert (run.created, run.quarantined) == (1, 2)
    assert SchoolRecord.objects.get().term == "2026-03-01/2026-04-30"
    duplicate, too_long = (row.reasons for row in run.quarantined_rows.order_by("line"))
    assert [code.split(SEPARATOR)[0] for code in duplicate] == ["juntos_duplicate"]
    assert too_long[0].startswith("juntos_too_long")
    assert "04567890123456789" in too_long[0]


def test_pepi_counts_the_circumstances_crecer_knows(family):
    # MIDIS PEPI: at least 3 of 4 circumstances (midis_pepi). The titular speaks Quechua and
    # did not finish primary school: 2. In a rural populated centre: 3, a PEPI household.
    # The expenditure quintile has no source in Crecer: unknown, never counted.
    from crecer.juntos.households import pepi_of
    from crecer.territory.models import PopulatedCenter

    titular = family.members.get(role=MemberRole.TITULAR)
    titular.language, titular.education = "Quechua", "Primaria incompleta"
    titular.save()
    assessed = pepi_of([family], PROFILE)[family.pk]
    assert (assessed.rural, assessed.indigenous_language, assessed.low_education) == (
        None, True, True
    )  # fmt: skip
    assert (assessed.counted, assessed.pepi, assessed.poorest_quintile) == (2, False, None)
    family.populated_center = PopulatedCenter.objects.create(
        code="0504030099", district_id="050403", name="Chacco", area="R"
    )
    family.save()
    assessed = pepi_of([family], PROFILE)[family.pk]
    assert (assessed.counted, assessed.pepi) == (3, True)
    titular.education = "Secundaria completa"
    titular.save()
    assert not pepi_of([family], PROFILE)[family.pk].pepi
