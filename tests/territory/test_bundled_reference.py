"""The reference data shipped in the package (``crecer/territory/data/*.gz``): the very files of
``../shared/reference``, remade by ``scripts/bundle_reference.py``, loaded by ``crecer territory
load --bundled`` through the official loaders with the documented rejections only."""

from __future__ import annotations

import gzip
import importlib.util
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from crecer.territory.bundled import bundled_rows
from crecer.territory.loaders import BUNDLED_DIR, kinds_not_loaded
from crecer.territory.models import Boundary, District, HealthFacility, PopulatedCenter
from tests.conftest import REPO


def bundle_script():
    spec = importlib.util.spec_from_file_location("bundle", REPO / "scripts/bundle_reference.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_bundled_file_is_the_reference_file_compressed(reference):
    script = bundle_script()
    for name in script.FILES:
        shipped = (BUNDLED_DIR / f"{name}.gz").read_bytes()
        assert gzip.decompress(shipped) == (reference / name).read_bytes(), name


def test_the_bundle_is_reproducible(reference, tmp_path):
    # Same source, same bytes: no time or name in the gzip header.
    for name, *_sizes in bundle_script().bundle(reference, tmp_path):
        assert (tmp_path / f"{name}.gz").read_bytes() == (BUNDLED_DIR / f"{name}.gz").read_bytes()


def test_the_bundle_is_small():
    # The wheel must stay small: about 2.3 MB of compressed data (7 files) when this was written.
    total = sum(path.stat().st_size for path in BUNDLED_DIR.glob("*.gz"))
    assert total < 3_000_000


def load_bundled() -> list[str]:
    out = StringIO()
    call_command("territory", "load", "--bundled", stdout=out)
    return out.getvalue().splitlines()


def summaries(lines: list[str]) -> list[str]:
    return [line for line in lines if " rows read" in line]


@pytest.mark.django_db
@pytest.mark.slow
def test_load_bundled_gives_the_reference_counts():
    assert kinds_not_loaded() == {
        "district-attributes",
        "district-population",
        "centros-poblados",
        "facilities",
        "boundaries",
    }
    lines = load_bundled()
    # The one documented rejection (reference README: 160109 is the pre-2014 Putumayo district,
    # kept under its old code in the 2007 boundaries); no other line of the 7 files is refused.
    rejections = [
        line.strip() for line in lines if line.startswith("  ") and "(loaded)" not in line
    ]
    assert rejections == ["feature 1423: unknown district code 160109"]
    # The 27 hospitals whose names lost an accent upstream (U+FFFD) load with a warning.
    assert "241 rows read, 241 created, 0 updated, 0 unchanged, 0 rejected, 27 with a warning" in (
        "\n".join(lines)
    )
    assert kinds_not_loaded() == set()

    # Reference README: district_attributes has 1,892 codes, the 1,873 of ubigeo.csv and the
    # 19 districts created since 2017 (ubigeo_code_differences.csv), added under their province.
    assert District.objects.count() == 1892
    assert District.objects.exclude(added_from="").count() == 1892 - len(bundled_rows())
    # Capital altitude for 1,872 of ubigeo.csv's 1,873 districts (not 120699, split since).
    hierarchy = [row["ubigeo"] for row in bundled_rows()]
    with_altitude = District.objects.filter(ubigeo__in=hierarchy, altitude_m__isnull=False)
    assert with_altitude.count() == 1872
    assert District.objects.get(ubigeo="050403").altitude_m is not None  # Huamanguilla
    # 94,922 populated centers and 241 hospitals, every one with an altitude (own or inherited).
    assert PopulatedCenter.objects.count() == 94_922
    assert HealthFacility.objects.count() == 241
    assert not PopulatedCenter.objects.filter(
        altitude_m__isnull=True, district__altitude_m__isnull=False
    ).exists()
    # Boundaries: 25 departments, 195 provinces (two split features merged upstream), 1,825
    # district features with a known code, 1,823 of them districts of ubigeo.csv.
    assert Boundary.objects.filter(level="department").count() == 25
    assert Boundary.objects.filter(level="province").count() == 195
    districts = Boundary.objects.filter(level="district")
    assert districts.count() == 1825
    assert districts.filter(code__in=hierarchy).count() == 1823


@pytest.mark.django_db
@pytest.mark.slow
def test_load_bundled_is_idempotent_and_official_files_load_over_it(reference):
    load_bundled()
    for line in summaries(load_bundled()):
        assert " 0 created, 0 updated" in line, line
    # The official folder is the same data: loading it over the bundle changes nothing either
    # (rows record the source name without ".gz").
    out = StringIO()
    call_command("territory", "load", "--dir", str(reference), stdout=out)
    for line in summaries(out.getvalue().splitlines()):
        assert " 0 created, 0 updated" in line, line


@pytest.mark.django_db
def test_a_newer_official_file_loads_over_the_bundle(tmp_path):
    call_command("territory", "load", "district-attributes", str(district_file(tmp_path)))
    # Huamanguilla as a newer official file has it: the bundle, loaded by the demo afterwards,
    # leaves district attributes alone.
    assert District.objects.get(ubigeo="050403").altitude_m == 3300.0
    assert "district-attributes" not in kinds_not_loaded()


def district_file(folder: Path) -> Path:
    path = folder / "district_attributes.csv"
    path.write_text("ubigeo,district,altitude_m\n050403,Huamanguilla,3300\n", "utf-8")
    return path


def test_a_gzip_official_file_loads_like_the_plain_one(tmp_path):
    plain = district_file(tmp_path)
    packed = tmp_path / "district_attributes.csv.gz"
    packed.write_bytes(gzip.compress(plain.read_bytes()))
    from crecer.territory.files import read_bytes, source_name

    assert read_bytes(packed) == plain.read_bytes()
    assert source_name(packed) == source_name(plain) == "district_attributes.csv"


def test_a_broken_gzip_file_is_a_file_problem(tmp_path):
    from crecer.territory.files import FileProblem, read_csv

    broken = tmp_path / "centros_poblados.csv.gz"
    broken.write_bytes(b"not gzip at all")
    with pytest.raises(FileProblem, match="not a readable gzip file"):
        list(read_csv(broken, {"ccpp_code"}))
