"""Loaders of official territory files: bad lines reported with line and reason, good lines
loaded, re-loading changes nothing, altitudes inherited with their source."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from crecer.ingest.models import ImportRun
from crecer.territory.files import FileProblem
from crecer.territory.loaders import (
    load_boundaries,
    load_centros_poblados,
    load_district_attributes,
    load_district_population,
    load_facilities,
)
from crecer.territory.models import (
    AltitudeSource,
    Boundary,
    District,
    DistrictPopulation,
    HealthFacility,
    PopulatedCenter,
)

from .factories import (
    ATTRIBUTE_COLUMNS,
    CENTROS_COLUMNS,
    attributes,
    centro,
    feature,
    write_csv,
    write_geojson,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bad_centros(tmp_path):
    """Two good rows and one row of each kind of problem the issue names."""
    path = write_csv(
        tmp_path / "centros.csv",
        CENTROS_COLUMNS,
        [
            centro(),  # line 2: good
            centro(ccpp_code="9999990001", ubigeo="999999"),  # line 3: unknown ubigeo
            centro(name="HUAMANGUILLA BIS"),  # line 4: duplicate of line 2's code
            centro(ccpp_code="0504030002", altitude_m="tres mil"),  # line 5: not a number
            centro(ccpp_code="0504030003", name="HUARIBAMBA", altitude_m="3350"),  # line 6: good
            centro(ccpp_code="0504030004", name="PACUCRO"),  # line 7: broken encoding, below
        ],
    )
    # A byte that is not UTF-8 (Latin-1 "Ñ"), as when a file is saved from an old spreadsheet.
    path.write_bytes(path.read_bytes().replace(b"PACUCRO", b"PA\xd1UCRO"))
    return path


def test_bad_lines_are_reported_and_good_lines_load(bad_centros):
    report = load_centros_poblados(bad_centros)
    reasons = {error.line: error.reason for error in report.errors}
    assert reasons == {
        3: "unknown ubigeo 999999",
        4: "duplicate code 0504030001 (first on line 2)",
        5: "altitude_m 'tres mil' is not a number",
        7: "broken encoding: byte 0xD1 is not valid utf-8; save the file as utf-8 or give "
        "its encoding with --encoding",
    }
    assert report.rows_read == 6
    assert report.created == 2
    assert set(PopulatedCenter.objects.values_list("code", flat=True)) == {
        "0504030001",
        "0504030003",
    }
    run = ImportRun.objects.get(kind="centros-poblados")
    assert run.quarantined == 4
    assert run.adds_up
    assert list(run.quarantined_rows.values_list("line", flat=True)) == [3, 4, 5, 7]
    assert "PA\\xD1UCRO" in run.quarantined_rows.get(line=7).raw["line"]


def test_the_command_prints_each_bad_line(bad_centros, tmp_path):
    out = StringIO()
    rejected_file = tmp_path / "rejected.csv"
    call_command(
        "territory",
        "load",
        "centros-poblados",
        str(bad_centros),
        "--report",
        str(rejected_file),
        stdout=out,
    )
    printed = out.getvalue()
    assert "2 created" in printed
    assert "4 rejected" in printed
    for line in (3, 4, 5, 7):
        assert f"  line {line}: " in printed
    assert rejected_file.read_text("utf-8").count("\n") == 5  # header + 4 lines
    with pytest.raises(CommandError, match="4 line"):
        call_command(
            "territory", "load", "centros-poblados", str(bad_centros), "--strict", stdout=StringIO()
        )


def test_the_right_encoding_reads_a_latin1_file(tmp_path):
    path = write_csv(tmp_path / "c.csv", CENTROS_COLUMNS, [centro(name="PAÑUCRO")], "latin-1")
    assert load_centros_poblados(path).errors[0].reason.startswith("broken encoding")
    report = load_centros_poblados(path, encoding="latin-1")
    assert not report.errors
    assert PopulatedCenter.objects.get().name == "PAÑUCRO"


def test_reloading_changes_nothing(bad_centros):
    load_centros_poblados(bad_centros)
    again = load_centros_poblados(bad_centros)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert len(again.errors) == 4


def test_a_changed_row_is_updated(tmp_path):
    load_centros_poblados(write_csv(tmp_path / "a.csv", CENTROS_COLUMNS, [centro()]))
    report = load_centros_poblados(
        write_csv(tmp_path / "b.csv", CENTROS_COLUMNS, [centro(name="HUAMANGUILLA NUEVA")])
    )
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert PopulatedCenter.objects.get().name == "HUAMANGUILLA NUEVA"


def test_missing_column_fails_the_whole_file(tmp_path):
    path = write_csv(tmp_path / "c.csv", ["ccpp_code", "name"], [{"ccpp_code": "1", "name": "X"}])
    with pytest.raises(FileProblem, match="missing column"):
        load_centros_poblados(path)


def test_row_with_wrong_number_of_fields(tmp_path):
    path = write_csv(tmp_path / "c.csv", CENTROS_COLUMNS, [centro()])
    path.write_text(path.read_text("utf-8") + "0504030009,050403,AYACUCHO\n", "utf-8")
    report = load_centros_poblados(path)
    assert [(e.line, e.reason) for e in report.errors] == [(3, "has 3 fields, the header has 10")]


def test_centers_inherit_the_district_capital_altitude_whichever_loads_first(tmp_path):
    load_centros_poblados(
        write_csv(
            tmp_path / "c.csv",
            CENTROS_COLUMNS,
            [centro(), centro(ccpp_code="0504030003", name="HUARIBAMBA", altitude_m="3350")],
        )
    )
    inherited = PopulatedCenter.objects.get(code="0504030001")
    assert inherited.altitude_m is None  # the district's altitude is not known yet
    assert inherited.altitude_source == ""

    load_district_attributes(write_csv(tmp_path / "d.csv", ATTRIBUTE_COLUMNS, [attributes()]))
    inherited.refresh_from_db()
    assert inherited.altitude_m == 3300.4
    assert inherited.altitude_source == AltitudeSource.DISTRICT_CAPITAL
    own = PopulatedCenter.objects.get(code="0504030003")
    assert (own.altitude_m, own.altitude_source) == (3350.0, AltitudeSource.OWN)


def test_district_attributes_add_a_new_district_under_its_province(tmp_path):
    path = write_csv(
        tmp_path / "d.csv",
        ATTRIBUTE_COLUMNS,
        [
            attributes(ubigeo="050413", district="Putis", capital="Putis", altitude_m="3500"),
            attributes(ubigeo="059901", district="Nowhere"),  # province 0599 does not exist
            attributes(ubigeo="050403", altitude_m="9000"),  # above the profile's bounds
        ],
    )
    report = load_district_attributes(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "ubigeo 059901: province 0599 does not exist"),
        (4, "altitude_m 9000 is outside -10…6000"),
    ]
    putis = District.objects.get(ubigeo="050413")
    assert (putis.name, putis.province_id, putis.altitude_m) == ("Putis", "0504", 3500.0)
    assert putis.added_from == "d.csv"
    assert DistrictPopulation.objects.get(district=putis, year=2023).total == 3938


def test_population_file_needs_known_districts(tmp_path):
    path = write_csv(
        tmp_path / "p.csv",
        ["ubigeo", "year", "pop_total", "pop_urban", "pop_rural"],
        [
            {
                "ubigeo": "050403",
                "year": "2023",
                "pop_total": "3938",
                "pop_urban": "1682",
                "pop_rural": "2256",
            },
            {
                "ubigeo": "050499",
                "year": "2023",
                "pop_total": "1",
                "pop_urban": "",
                "pop_rural": "",
            },
            {
                "ubigeo": "050403",
                "year": "20x3",
                "pop_total": "1",
                "pop_urban": "",
                "pop_rural": "",
            },
        ],
    )
    report = load_district_population(path)
    assert [e.line for e in report.errors] == [3, 4]
    assert District.objects.get(ubigeo="050403").latest_population().total == 3938


def test_facilities_keep_their_own_altitude_or_inherit(tmp_path):
    load_district_attributes(write_csv(tmp_path / "d.csv", ATTRIBUTE_COLUMNS, [attributes()]))
    columns = [
        "renipress_code",
        "name",
        "ubigeo",
        "category",
        "altitude_m",
        "latitude",
        "longitude",
    ]
    path = write_csv(
        tmp_path / "f.csv",
        columns,
        [
            {
                "renipress_code": "3504",
                "name": "P.S. HUAMANGUILLA",
                "ubigeo": "050403",
                "category": "I-2",
                "altitude_m": "",
                "latitude": "",
                "longitude": "",
            },
            {
                "renipress_code": "00003505",
                "name": "C.S. X",
                "ubigeo": "050403",
                "category": "I-3",
                "altitude_m": "3290.5",
                "latitude": "-13.0",
                "longitude": "-74.2",
            },
            {
                "renipress_code": "00003506",
                "name": "C.S. Y",
                "ubigeo": "050403",
                "category": "I-3",
                "altitude_m": "",
                "latitude": "13.0",
                "longitude": "-74.2",
            },
        ],
    )
    report = load_facilities(path)
    assert [(e.line, e.reason) for e in report.errors] == [(4, "latitude 13 is outside -18.6…0.2")]
    post = HealthFacility.objects.get(renipress_code="00003504")  # leading zeros restored
    assert (post.altitude_m, post.altitude_source) == (3300.4, AltitudeSource.DISTRICT_CAPITAL)
    center = HealthFacility.objects.get(renipress_code="00003505")
    assert (center.altitude_m, center.altitude_source) == (3290.5, AltitudeSource.OWN)


def test_boundaries_by_feature_number(tmp_path):
    path = write_geojson(
        tmp_path / "b.geojson",
        [
            feature({"ubigeo": "050403", "province_code": "0504"}),
            feature({"ubigeo": "160109"}),  # pre-2014 Putumayo: not in the hierarchy
            feature({"department_code": "05"}, geometry={"type": "Point", "coordinates": [0, 0]}),
            feature({"name": "no code"}),
            feature({"province_code": "0504"}),
        ],
    )
    report = load_boundaries(path)
    assert [(e.line, e.reason) for e in report.errors] == [
        (2, "unknown district code 160109"),
        (3, "department 05 has no polygon geometry"),
        (4, "no ubigeo, province_code or department_code property"),
    ]
    assert set(Boundary.objects.values_list("level", "code")) == {
        ("district", "050403"),
        ("province", "0504"),
    }
    assert load_boundaries(path).unchanged == 2


def test_not_geojson_fails_the_whole_file(tmp_path):
    path = tmp_path / "b.geojson"
    path.write_text("{not json", "utf-8")
    with pytest.raises(FileProblem, match="not a readable GeoJSON"):
        load_boundaries(path)


def test_command_refuses_ambiguous_arguments(tmp_path):
    with pytest.raises(CommandError, match="either KIND FILE or --dir"):
        call_command("territory", "load", "boundaries", "x.geojson", "--dir", str(tmp_path))
    with pytest.raises(CommandError, match="no territory file found"):
        call_command("territory", "load", "--dir", str(tmp_path))


def test_a_lost_character_is_loaded_with_a_warning(tmp_path):
    """The hospitals' reference file has 27 names like "SA\ufffdL GARRIDO ROSILLO": the
    character was lost before the file was published. The row is loaded (the facility
    exists) and the load says so, line by line."""
    path = write_csv(
        tmp_path / "centros.csv",
        CENTROS_COLUMNS,
        [centro(), centro(ccpp_code="0504030003", name="SA\ufffdL")],
    )
    out = StringIO()
    call_command("territory", "load", "centros-poblados", str(path), stdout=out)
    assert PopulatedCenter.objects.count() == 2
    run = ImportRun.objects.get(kind="centros-poblados")
    assert [line for line, _text in run.warnings] == [3]
    assert "line 3 (loaded): holds \ufffd" in out.getvalue()
    assert "1 with a warning" in out.getvalue()
