"""The event import: every reason quarantines its row, counts add up, re-import changes nothing,
HIS-shaped and own-CSV files store the same events, and the Hb altitude falls back in order."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from crecer.access.policy import Can
from crecer.health.importer import import_events
from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.ingest.reasons import code_of
from crecer.registry.models import Child
from crecer.territory.models import District, HealthFacility, PopulatedCenter
from tests.health.factories import HIS_HEADERS, HOME, his_row, make_child, own_row, write_events

pytestmark = pytest.mark.django_db
TODAY = date(2025, 1, 31)  # the child (born 15/03/2024) is 10 months old


def imported(tmp_path: Path, rows: list[dict], **options):
    headers = options.pop("headers", None)
    extra = {"headers": headers} if headers else {}
    path = write_events(tmp_path / "events.csv", rows, **extra)
    return import_events(path, today=TODAY, **options)


def reasons_by_line(run) -> dict[int, list[str]]:
    return {row.line: [code_of(r) for r in row.reasons] for row in run.quarantined_rows.all()}


# Each bad row with the reason code it must be quarantined with (the line is the row's + 1).
BAD_ROWS = [
    (own_row(dni=""), "event_no_child_id"),
    (own_row(dni="71234"), "event_bad_id"),
    (own_row(dni="79999999"), "event_unknown_child"),
    (own_row(date=""), "event_no_date"),
    (own_row(date="31/02/2024"), "event_bad_date"),
    (own_row(date="2025-02-01"), "event_future"),  # the day after TODAY
    (own_row(date="2024-03-14"), "event_before_birth"),  # the day before the birth
    (own_row(code="12345"), "event_unknown_code"),
    (own_row(code="DNI"), "event_unknown_code"),  # a registry fact, not an attention
    (own_row(code="", weight_kg="70"), "event_range"),  # 70 kg: over the 60 kg limit
    (own_row(code="", length_cm="15"), "event_range"),  # under 20 cm
    (own_row(code="", hb="30"), "event_range"),  # over 25 g/dL
    (own_row(code="", weight_kg="siete"), "event_not_a_number"),
    (own_row(code="", weight_kg="7", measure="x"), "event_measure"),
    (own_row(code=""), "event_nothing"),
    (own_row(facility="PS LIMA"), "event_bad_id"),
]


@pytest.mark.parametrize(("row", "reason"), BAD_ROWS, ids=[r for _row, r in BAD_ROWS])
def test_each_reason_quarantines_its_row(tmp_path, row, reason):
    make_child()
    run = imported(tmp_path, [own_row(date="2024-09-01"), row])
    assert (run.rows_read, run.created, run.quarantined) == (2, 1, 1)
    assert reason in reasons_by_line(run)[3]
    assert ServiceRecord.objects.count() == 1  # only the good row's CRED


def test_a_row_keeps_every_reason_and_its_raw_values(tmp_path):
    make_child()
    run = imported(tmp_path, [own_row(code="12345", date="2030-01-01", hb="99")])
    row = run.quarantined_rows.get()
    codes = [code_of(r) for r in row.reasons]
    assert codes == ["event_future", "event_range", "event_unknown_code"]
    assert row.raw["code"] == "12345"
    assert row.raw["date"] == "2030-01-01"


def test_duplicate_rows_and_rows_that_disagree(tmp_path):
    make_child()
    rows = [
        own_row(code="", weight_kg="7.2", length_cm="66"),
        own_row(code="", weight_kg="7.2", length_cm="66"),  # line 3: same as line 2
        own_row(code="", weight_kg="7.9", length_cm="66"),  # line 4: another weight, same day
        own_row(code="90722", lab="1"),
        own_row(code="90722", lab="2"),  # line 6: another LAB for the same code and day
    ]
    run = imported(tmp_path, rows)
    assert reasons_by_line(run) == {
        3: ["event_duplicate"],
        4: ["event_differs_in_file"],
        6: ["event_differs_in_file"],
    }
    assert (run.rows_read, run.created, run.unchanged, run.quarantined) == (5, 2, 0, 3)


def test_outside_the_users_scope(tmp_path, make_user):
    home = make_child()
    away = make_child(dni="72222222", district_id="050403")
    worker = make_user("worker", "health_worker", HOME)
    rows = [own_row(dni=home.dni), own_row(dni=away.dni, date="2024-03-01")]  # before birth too
    run = imported(tmp_path, rows, scope=Child.objects.visible_to(worker, Can.RECORD_SERVICES))
    # The birth date of a child outside the scope is not checked: it would reveal it.
    assert reasons_by_line(run) == {3: ["event_child_outside_scope"]}
    assert not ServiceRecord.objects.filter(child=away).exists()


def test_counts_add_up_and_a_second_import_changes_nothing(tmp_path):
    make_child()
    make_child(dni=None, cnv="1000123456")
    rows = [
        own_row(code="99381", weight_kg="7.2", length_cm="65.5", measure="l"),
        own_row(code="85018", lab="10.8", hb="10.8"),
        own_row(dni="", cnv="1000123456", code="90722", lab="1"),
        own_row(code="99199.17"),
        own_row(code="XYZ"),
    ]
    first = imported(tmp_path, rows)
    stored = (ServiceRecord.objects.count(), GrowthCheck.objects.count())
    assert (first.rows_read, first.created, first.unchanged, first.quarantined) == (5, 4, 0, 1)
    assert stored == (4, 1)
    again = imported(tmp_path, rows)
    assert (again.rows_read, again.created, again.unchanged, again.quarantined) == (5, 0, 4, 1)
    assert (ServiceRecord.objects.count(), GrowthCheck.objects.count()) == stored
    assert HemoglobinTest.objects.count() == 1


def test_a_changed_value_is_quarantined_not_overwritten(tmp_path):
    make_child()
    imported(tmp_path, [own_row(code="", weight_kg="7.2")])
    run = imported(tmp_path, [own_row(code="", weight_kg="7.4")])
    assert reasons_by_line(run) == {2: ["event_recorded_differently"]}
    assert GrowthCheck.objects.get().weight_kg == 7.2


def stored_events() -> set[tuple]:
    services = set(ServiceRecord.objects.values_list("date", "code", "lab", "facility"))
    growth = set(GrowthCheck.objects.values_list("date", "weight_kg", "length_cm", "head_cm"))
    hb = set(HemoglobinTest.objects.values_list("date", "hb_observed", "altitude_source"))
    return services | growth | hb


def test_his_rows_and_own_csv_store_the_same_events(tmp_path):
    """One attention of 15/09/2024 (CRED with weight and length, an Hb test read from HIS's LAB
    value, pentavalent dose 1) and one iron delivery, written both ways."""
    make_child()
    his = [
        his_row(),
        his_row(code="85018", lab="10.5"),
        his_row(code="90722", lab="1"),
        his_row(date="15/10/2024", code="99199.17", weight_kg="0", length_cm="0"),
    ]
    his_run = imported(tmp_path, his, headers=HIS_HEADERS)
    from_his = stored_events()
    assert (his_run.created, his_run.quarantined) == (4, 0)
    ServiceRecord.objects.all().delete()
    GrowthCheck.objects.all().delete()
    HemoglobinTest.objects.all().delete()
    own = [
        own_row(weight_kg="7.2", length_cm="65.5"),
        own_row(code="85018", lab="10.5", hb="10.5"),
        own_row(code="90722", lab="1"),
        own_row(date="2024-10-15", code="99199.17"),
    ]
    own_run = imported(tmp_path, own)
    assert (own_run.created, own_run.quarantined) == (4, 0)
    assert stored_events() == from_his
    assert len(from_his) == 6  # 4 services, 1 growth check, 1 Hb test


def test_an_hb_value_without_its_code_records_the_test_service(tmp_path):
    make_child()
    imported(tmp_path, [own_row(code="", hb="11.1")])
    assert list(ServiceRecord.objects.values_list("code", flat=True)) == ["85018"]
    assert HemoglobinTest.objects.get().hb_observed == 11.1


def test_hb_altitude_falls_back_from_file_to_facility_to_center_to_district(tmp_path):
    District.objects.filter(ubigeo=HOME).update(altitude_m=2761)  # Huamanga's capital
    PopulatedCenter.objects.create(
        code=HOME + "0001", district_id=HOME, name="CENTRO", altitude_m=3100
    )
    HealthFacility.objects.create(
        renipress_code="00001234", name="PS", district_id=HOME, altitude_m=2900
    )
    HealthFacility.objects.create(renipress_code="00009999", name="PS SIN COTA", district_id=HOME)
    make_child(populated_center_id=HOME + "0001")
    make_child(dni="72222222")  # no populated center
    rows = [
        own_row(date="2024-09-01", code="", hb="11", altitude_m="3500"),
        own_row(date="2024-09-02", code="", hb="11"),  # facility 00001234 has a COTA
        own_row(date="2024-09-03", code="", hb="11", facility="00009999"),  # center's
        own_row(date="2024-09-04", code="", hb="11", facility=""),  # center's
        own_row(dni="72222222", date="2024-09-05", code="", hb="11", facility=""),  # district
    ]
    imported(tmp_path, rows)
    found = list(
        HemoglobinTest.objects.order_by("date").values_list("altitude_m", "altitude_source")
    )
    assert found == [
        (3500, "recorded"),
        (2900, "facility"),
        (3100, "center"),
        (3100, "center"),
        (2761, "district"),
    ]


def test_latin1_semicolon_xlsx_like_his_file_reads(tmp_path):
    make_child()
    path = write_events(
        tmp_path / "his.csv",
        [his_row(code="99381")],
        headers=HIS_HEADERS | {"head_cm": "Perímetro_Cefálico"},
        delimiter=";",
        encoding="latin-1",
    )
    run = import_events(path, today=TODAY)
    assert (run.encoding, run.delimiter, run.created) == ("cp1252", ";", 1)


def test_the_demo_generators_three_files_import(tmp_path):
    """The columns ``crecer.demo.files`` writes (``;``, ISO dates, oedema as true/false, the
    Hb value also in the LAB of 85018; ``requirement`` and ``altitude_source`` are ignored)."""
    make_child()
    keys = {"padron_code": "", "dni": "71234567", "cui": "", "cnv": "", "facility": ""}
    files = {
        "services.csv": (
            ["date", "code", "lab", "requirement"],
            [
                ["2024-09-15", "85018", "10.4", "hb_screening"],
                ["2024-09-15", "90722", "1", "penta"],
            ],
        ),
        "growth.csv": (
            ["date", "weight_kg", "length_cm", "measure", "oedema"],
            [["2024-09-15", "7.1", "64.9", "l", "false"]],
        ),
        "hemoglobin.csv": (
            ["date", "hb_observed", "altitude_m", "altitude_source"],
            [["2024-09-15", "10.4", "2761.0", "district"]],
        ),
    }
    runs = []
    # Services first: its 85018 LAB gives the Hb test, which the Hb file then gives its altitude.
    for name in ("services.csv", "hemoglobin.csv", "growth.csv"):
        columns, rows = files[name]
        header = [*keys, *columns]
        lines = [";".join(header)] + [";".join([*keys.values(), *row]) for row in rows]
        (tmp_path / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
        runs.append(import_events(tmp_path / name, today=TODAY))
    counts = [(r.rows_read, r.created, r.updated, r.unchanged, r.quarantined) for r in runs]
    assert counts == [
        (2, 2, 0, 0, 0),  # 85018 with the Hb test its LAB gives (no altitude known), pentavalent
        (1, 0, 1, 0, 0),  # the same Hb test: only its altitude, recorded in this file, is new
        (1, 1, 0, 0, 0),
    ]
    test = HemoglobinTest.objects.get()
    assert (test.hb_observed, test.altitude_m, test.altitude_source) == (10.4, 2761, "recorded")


def test_his_document_types(tmp_path):
    make_child(dni=None, cnv="1000123456")
    rows = [
        his_row(document_type="CNV", document_number="1000123456"),
        his_row(document_type="2", document_number="001234567"),  # a foreigner's card
        his_row(document_type="", document_number="1000123456", code="90722", lab="1"),
    ]
    run = imported(tmp_path, rows, headers=HIS_HEADERS)
    assert reasons_by_line(run) == {3: ["event_document_type"]}
    assert run.created == 2  # a number without its type: 10 digits are taken as a CNV


def test_his_internal_facility_id_is_not_taken_for_a_renipress_code(tmp_path):
    """Id_Establecimiento numbers HIS's own facility table: 1234 must not become 00001234."""
    HealthFacility.objects.create(
        renipress_code="00001234", name="PS", district_id=HOME, altitude_m=2900
    )
    District.objects.filter(ubigeo=HOME).update(altitude_m=2761)
    make_child()
    headers = HIS_HEADERS | {"facility": "Id_Establecimiento"}
    imported(tmp_path, [his_row(code="85018", lab="11", facility="1234")], headers=headers)
    test = HemoglobinTest.objects.get()
    assert (test.facility, test.altitude_source) == ("", "district")


def test_rows_of_unknown_children_are_not_duplicates_of_each_other(tmp_path):
    """Two unknown children on the same day share no child id: each is only "unknown"."""
    run = imported(tmp_path, [own_row(dni="79999991"), own_row(dni="79999992")])
    assert reasons_by_line(run) == {2: ["event_unknown_child"], 3: ["event_unknown_child"]}


def test_the_hb_file_first_then_the_services_file(tmp_path):
    """The other order gives the same test: the services file's 85018 changes nothing."""
    make_child()
    keys = "dni;date;facility"
    hb_file = f"{keys};hb_observed;altitude_m\n71234567;2024-09-15;;10.4;2761\n"
    (tmp_path / "hb.csv").write_text(hb_file)
    (tmp_path / "s.csv").write_text(f"{keys};code;lab\n71234567;2024-09-15;;85018;10.4\n")
    first = import_events(tmp_path / "hb.csv", today=TODAY)
    second = import_events(tmp_path / "s.csv", today=TODAY)
    assert (first.created, second.unchanged) == (1, 1)
    test = HemoglobinTest.objects.get()
    assert (test.altitude_m, test.altitude_source) == (2761, "recorded")


def test_the_newborn_cred_code_is_stored_not_quarantined(tmp_path):
    # cred_schedule.md (Newborn checks in FED): 99381.01 is the newborn CRED code; it was
    # quarantined as an unknown HIS code before the profile listed it (issue 23)
    make_child()
    run = imported(tmp_path, [own_row(code="99381.01")])
    assert (run.created, reasons_by_line(run)) == (1, {})
    assert ServiceRecord.objects.get().code == "99381.01"
