"""Loading the real public reference folder (``../shared/reference``) end to end."""

import csv
from io import StringIO

import pytest
from django.core.management import call_command

from crecer.territory.models import (
    AltitudeSource,
    Boundary,
    District,
    HealthFacility,
    PopulatedCenter,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def read(path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_load_the_reference_folder(reference):
    out = StringIO()
    call_command("territory", "load", "--dir", str(reference), stdout=out)
    printed = out.getvalue()

    # Huamanguilla has the capital altitude the district attributes file gives.
    attributes = {row["ubigeo"]: row for row in read(reference / "district_attributes.csv")}
    huamanguilla = District.objects.get(ubigeo="050403")
    assert huamanguilla.altitude_m == float(attributes["050403"]["altitude_m"])
    assert huamanguilla.altitude_source == attributes["050403"]["geo_source"]

    # Districts created after the bundled list exist, under their existing province.
    differences = read(reference / "ubigeo_code_differences.csv")
    newer = [
        row["ubigeo"]
        for row in differences
        if row["in_ubigeo_csv"] == "False" and row["ubigeo"] in attributes
    ]
    assert "050413" in newer  # Putis, Huanta
    for ubigeo in newer:
        district = District.objects.get(ubigeo=ubigeo)
        assert district.province_id == ubigeo[:4]
        assert district.added_from == "district_attributes.csv"
    assert District.objects.count() == 1873 + len(newer)

    # Every populated center is loaded; without an altitude of its own it inherits the capital's.
    assert PopulatedCenter.objects.count() == len(read(reference / "centros_poblados.csv"))
    center = PopulatedCenter.objects.filter(district_id="050403").first()
    assert (center.altitude_m, center.altitude_source) == (
        huamanguilla.altitude_m,
        AltitudeSource.DISTRICT_CAPITAL,
    )
    # Hospitals keep their own altitude (COTA) where the file has one.
    hospitals = read(reference / "health_facilities_hospitals.csv")
    assert HealthFacility.objects.count() == len(hospitals)
    with_cota = next(row for row in hospitals if row["altitude_m"])
    facility = HealthFacility.objects.get(renipress_code=with_cota["renipress_code"])
    assert (facility.altitude_m, facility.altitude_source) == (
        float(with_cota["altitude_m"]),
        AltitudeSource.OWN,
    )

    # Boundaries: every feature with a known code; 160109 (pre-2014 Putumayo) is reported.
    assert Boundary.objects.filter(level="department").count() == 25
    assert Boundary.objects.filter(level="province").count() == 195
    assert Boundary.objects.filter(level="district").count() == 1825
    assert "unknown district code 160109" in printed

    # Loading the same folder again changes nothing.
    again = StringIO()
    call_command("territory", "load", "--dir", str(reference), stdout=again)
    for line in again.getvalue().splitlines():
        if " rows read" in line:
            assert " 0 created, 0 updated" in line, line
