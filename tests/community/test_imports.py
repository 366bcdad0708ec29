"""An export of the PIM home-visit application (its headers as incentives.md names them) with
a bad row of every kind: each line is stored or quarantined with its reason, the unknown
column is named, a second import changes nothing, and the stored visits are judged by the
profile's rules (crecer.visits).

Children: ALTO (DNI 71000001) and CNV (CNV 1000000002), born 15 January 2026 in Huamanguilla
(050403); LEJOS (DNI 71000003) in Huamanga (050101), outside the officer's territory. Import
date 30 June 2026."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from crecer.community.imports import import_visits
from crecer.community.models import HomeVisit, MonitoringCenter
from crecer.ingest.reasons import describe
from crecer.norms import load_profile
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter
from crecer.visits import Visit, judge, monthly

pytestmark = pytest.mark.django_db
TODAY = date(2026, 6, 30)
BORN = date(2026, 1, 15)
HEADER = (
    "External ID;Actor Social;Número de Documento;Fecha Nac.;Rango de edad;"
    "Fecha de Intervención;Duración;Tipo de Registro;Estado de Visita;Etapa VD;"
    "Es no encontrado;Motivo de límite excedido;Total de visitas válidas realizadas;Columna rara"
)
ROWS = [
    # line 2: stored (a visit of 15 minutes)
    "E1;ROSA;71000001;15/01/2026;1;04/05/2026;00:15:00;Visita domiciliaria;Registrado;1;No;;1;x",
    # line 3: stored (a call to the child found by CNV)
    "E2;ROSA;1000000002;;1;05/05/2026;20 min;Llamada;Registrado;1;;;0;",
    "E3;ROSA;71000003;;1;05/05/2026;15;Visita;Registrado;1;;;0;",  # 4: outside the territory
    "E4;ROSA;12345;;1;05/05/2026;15;Visita;Registrado;1;;;0;",  # 5: not a document
    "E5;ROSA;71000001;;1;31/02/2026;15;Visita;Registrado;1;;;0;",  # 6: no such date
    "E6;ROSA;71000001;;1;01/01/2027;15;Visita;Registrado;1;;;0;",  # 7: in the future
    # line 8: the same visit as line 2
    "E1;ROSA;71000001;15/01/2026;1;04/05/2026;00:15:00;Visita domiciliaria;Registrado;1;No;;1;",
    "E8;ROSA;71000001;16/01/2026;1;06/05/2026;15;Visita;Registrado;1;;;0;",  # 9: other birth date
    "E9;ROSA;71000001;;1;07/05/2026;quince;Visita;Registrado;1;;;0;",  # 10: bad duration
    "E10;ROSA;71000001;;1;08/05/2026;15;Taller;Registrado;1;;;0;",  # 11: not a visit or call
    "E11;ROSA;71000001;;1;11/05/2026;5;Visita;Registrado;1;Sí;;0;",  # 12: stored, not found
    "E12;ROSA;71000001;;1;12/05/2026;15;Visita;Registrado;1;quizá;;0;",  # 13: bad flag
]  # fmt: skip


@pytest.fixture
def children(db) -> dict[str, Child]:
    PopulatedCenter.objects.create(code="0504030001", district_id="050403", name="ALTO")
    center = MonitoringCenter.objects.create(name="CPVC ALTO", district_id="050403")
    center.covers.set(["0504030001"])
    made = {}
    for name, district, ids in (
        ("ALTO", "050403", {"dni": "71000001", "populated_center_id": "0504030001"}),
        ("CNV", "050403", {"cnv": "1000000002"}),
        ("LEJOS", "050101", {"dni": "71000003"}),
    ):
        child = Child(paternal_surname=name, sex="1", birth_date=BORN, district_id=district, **ids)
        child._change_reason = "test"
        child.save()
        made[name] = child
    return made


def export(tmp_path: Path) -> Path:
    path = tmp_path / "visitas.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


def test_every_line_is_stored_or_quarantined_with_its_reason(children, tmp_path, make_user):
    officer = make_user("registrador", "registry_officer", "050403")
    run = import_visits(export(tmp_path), user=officer, today=TODAY)
    assert run.adds_up
    assert (run.rows_read, run.created, run.quarantined) == (12, 3, 9)
    reasons = {
        row.line: [r.split("\x1f")[0] for r in row.reasons] for row in run.quarantined_rows.all()
    }
    assert reasons == {
        4: ["visit_unknown_child"],
        5: ["visit_bad_document"],
        6: ["visit_bad_date"],
        7: ["visit_future"],
        8: ["visit_duplicate"],
        9: ["visit_birth_differs"],
        10: ["visit_bad_duration"],
        11: ["visit_bad_type"],
        13: ["visit_bad_flag"],
    }
    assert "Columna rara" in run.ignored_columns
    assert "visit_duplicate\x1f2" in run.quarantined_rows.get(line=8).reasons
    alto = children["ALTO"]
    visits = {
        (v.child.paternal_surname, v.date): (v.channel, v.result, v.duration_minutes, v.center_id)
        for v in HomeVisit.objects.select_related("child")
    }
    center = MonitoringCenter.objects.get().pk
    assert visits == {
        ("ALTO", date(2026, 5, 4)): ("home", "found", 15, center),
        ("CNV", date(2026, 5, 5)): ("call", "found", 20, None),
        ("ALTO", date(2026, 5, 11)): ("home", "not_found", 5, center),
    }
    assert set(HomeVisit.objects.values_list("import_run", flat=True)) == {run.pk}
    again = import_visits(export(tmp_path), user=officer, today=TODAY)
    assert (again.created, again.unchanged, again.quarantined) == (0, 3, 9)
    # Judged by the profile's rules: ALTO's 4 May visit is valid (3 months, 15 minutes), the
    # 11 May one is not (not found): May counts one valid visit, enough for the month.
    rules = load_profile("peru").community.pim  # type: ignore[union-attr]
    stored = HomeVisit.objects.filter(child=alto).order_by("date")
    judged = judge(
        [
            Visit(v.pk, alto.pk, BORN, v.date, v.result, v.channel, v.duration_minutes)
            for v in stored
        ],
        rules,
    )
    assert [j.reason for j in judged] == ["valid", "not_found"]
    [may] = monthly(judged, rules)
    assert (may.valid_visits, may.visited) == (1, True)


def test_a_reason_reads_in_words(children, tmp_path, make_user):
    run = import_visits(
        export(tmp_path), user=make_user("r", "registry_officer", "050403"), today=TODAY
    )
    row = run.quarantined_rows.get(line=4)
    assert "71000003" in describe(row.reasons[0])


def test_the_upload_page_imports_and_reports(children, tmp_path, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    with export(tmp_path).open("rb") as file:
        response = client.post(
            reverse("community:import"), {"file": file, "import_unknown_columns": "on"}
        )
    assert response.status_code == 302
    report = client.get(response["Location"])
    assert report.status_code == 200
    quarantine = client.get(response["Location"] + "quarantine.csv")
    assert quarantine.status_code == 200


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("15", 15), ("15.9", 15), ("15,5", 15), ("15 min", 15), ("15 minutos", 15),
        ("00:15:00", 15), ("01:02:59", 62), ("15:32", 15), ("quince", None), (None, None),
    ],
)  # fmt: skip
def test_durations_as_the_application_writes_them(written, expected):
    import polars as pl

    from crecer.community.imports import minutes

    frame = pl.DataFrame({"d": [written]}, schema={"d": pl.String})
    assert frame.select(minutes(pl.col("d")))["d"].to_list() == [expected]
