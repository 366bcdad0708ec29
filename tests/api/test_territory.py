"""``/api/territory/``: departments, provinces and districts with their sub-units; a district
with its altitude and its latest population, once the reference data is loaded."""

from __future__ import annotations

import pytest

from crecer.territory.models import District, DistrictPopulation

pytestmark = pytest.mark.django_db


def test_a_district_answers_its_latest_population(client, territory_data):
    years = DistrictPopulation.objects.filter(district_id="050403", total__isnull=False)
    assert years.count() >= 5  # 2019-2023 (and a later estimate from the attributes file)
    latest = years.order_by("-year").first()
    response = client.get("/api/territory/050403")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["code"], body["level"], body["parent"]["code"]) == ("050403", "district", "0504")
    assert (body["population"], body["population_year"]) == (latest.total, latest.year)
    assert body["population"] > 1000
    assert body["altitude_m"] == District.objects.get(ubigeo="050403").altitude_m


def test_every_district_answers_once_populations_are_loaded(client, territory_data):
    for ubigeo in District.objects.order_by("?").values_list("ubigeo", flat=True)[:40]:
        response = client.get(f"/api/territory/{ubigeo}")
        assert response.status_code == 200, (ubigeo, response.content)


def test_a_district_without_population_answers_none(client, db):
    body = client.get("/api/territory/050403").json()
    assert (body["population"], body["population_year"]) == (None, None)


def test_departments_and_provinces(client, territory_data):
    departments = client.get("/api/territory/").json()
    assert {"code": "05", "name": "AYACUCHO"} in departments or any(
        d["code"] == "05" for d in departments
    )
    province = client.get("/api/territory/0504").json()
    assert province["level"] == "province"
    assert any(c["code"] == "050403" for c in province["children"])
