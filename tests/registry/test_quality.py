"""Quality figures, birth-circuit lists and exports on a small registry computed by hand."""

from datetime import date
from io import BytesIO

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from crecer.registry import exports, quality
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
ON = date(2026, 11, 15)  # measurement month: November 2026


def make(**fields) -> Child:
    base = {
        "sex": "1",
        "given_names": "ANA",
        "paternal_surname": "QUISPE",
        "birth_date": date(2025, 1, 1),
        "district_id": "050403",
    }
    child = Child(**(base | fields))
    child.save()
    return child


@pytest.fixture
def registry():
    # 60 days old in November 2026 means born 2 September … 1 October 2026.
    return {
        "a": make(
            dni="70000001",
            birth_date=date(2026, 9, 2),
            address="Jr. Lima 1",
            populated_center_name="HUAMANGUILLA",
            insurance="1",
            care_facility="PS X",
            visited=True,
            found=True,
            dni_issue_date=date(2026, 9, 20),
        ),
        "b": make(
            cnv="1000000002",
            birth_date=date(2026, 10, 1),
            address="Jr. Lima 2",
            populated_center_name="HUAMANGUILLA",
        ),  # reaches 60 days; no DNI
        "c": make(dni="70000003", birth_date=date(2026, 9, 15), found=False, visited=True),
        "d": make(dni="70000004", birth_date=date(2026, 10, 2), insurance="1"),  # 60 days in Dec
        "e": make(
            dni="70000005",
            birth_date=date(2024, 1, 1),
            insurance="1",
            dni_issue_date=date(2024, 3, 1),
            district_id="050401",
        ),  # late DNI (60 days)
        "f": make(dni="70000006", birth_date=date(2020, 11, 15)),  # 6 years old on ON
        "g": make(dni="70000007", record_status="0"),  # inactive
    }


def test_quality_by_district(registry):
    rows = {row.ubigeo: row for row in quality.quality_by_district(Child.objects.all(), ON)}
    huamanguilla = rows["050403"]
    # Counted: a, b, c, d (f is 6, g inactive; e lives in 050401).
    assert huamanguilla.children == 4
    assert huamanguilla.with_dni == 3  # a, c, d
    assert huamanguilla.with_address == 2  # a, b
    assert huamanguilla.with_care_facility == 1
    assert huamanguilla.visited_and_found == 1
    assert huamanguilla.updated_recently == 4  # all saved today, within 6 months of ON
    # Sello: reaching 60 days in November are a, b, c; c was not found -> D = 2; N = a only.
    assert (huamanguilla.sello_denominator, huamanguilla.sello_numerator) == (2, 1)
    assert huamanguilla.sello_percent == 50.0
    assert huamanguilla.percent_dni == 75.0
    assert rows["050401"].children == 1


def test_birth_circuit_lists(registry):
    counted = quality.counted(Child.objects.all(), ON)
    assert set(quality.without_dni(counted).values_list("cnv", flat=True)) == {"1000000002"}
    assert set(quality.without_sis(counted).values_list("pk", flat=True)) == {
        registry[k].pk for k in ("b", "c")
    }
    # a: DNI at 18 days (on time); e: at 60 days (late).
    assert list(quality.late_dni(counted)) == [registry["e"]]


@pytest.fixture
def officer(client, make_user):
    client.force_login(make_user("registrador", "registry_officer", "PE"))


def test_export_in_official_column_order(client, officer, registry):
    response = client.get(reverse("registry:export"), {"code": "0504", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    header, *rows = text.splitlines()
    assert header.split(";")[:4] == [
        "Código del padrón nominal",
        "Número de CNV",
        "CUI",
        "DNI",
    ]
    assert len(rows) == 7  # the export has every record of the province, inactive included
    assert "02/09/2026" in text
    xlsx = client.get(reverse("registry:export"), {"code": "050403", "format": "xlsx"})
    sheet = load_workbook(BytesIO(xlsx.content)).active
    assert sheet.max_row == 1 + 6
    assert sheet.cell(1, 4).value == "DNI"


def test_exported_file_imports_back_unchanged(registry, tmp_path):
    from crecer.registry.importer import import_padron

    path = tmp_path / "export.csv"
    path.write_bytes(exports.to_csv(exports.registry_frame(exports.in_territory("050403"))))
    run = import_padron(path, today=ON)
    # The 6-year-old is refused by the import rules; every other record is already there.
    assert (run.rows_read, run.unchanged, run.quarantined) == (6, 5, 1)


def test_pages_render(client, officer, registry):
    for name in ("registry:circuit", "registry:quality"):
        html = client.get(reverse(name), {"code": "0504", "on": "2026-11-15"}).content.decode()
        assert "Huamanguilla" in html
    bad = client.get(reverse("registry:quality"), {"code": "5"})
    assert "Indique un código de departamento (2), provincia (4) o distrito (6)." in (
        bad.content.decode()
    )
