"""Work lists on a hand-made population whose list is known on paper.

As of 2026-06-30 (see ``population.py`` for the growth and Hb cut-offs used). Huamanguilla
(050403) has two populated centers, ALTO (...0001) and BAJO (...0002); Huamanga (050101) one
child. "11 m" children were born 2025-07-30 (335 days); none has a recorded service, so CRED,
vaccines and iron are overdue for every child older than a month (the first CRED window opens
at day 29, BCG is required from day 29, the first iron bottle from day 131).

    name     place   age   facts                                   problems (priority order)
    SEVERA   ALTO    11 m  Hb 6.0 at 100 m (< 7.0: severe);        severe_anemia, vaccines, iron,
                           no DNI, no SIS                          cred, no_dni, no_sis
    EMACIADO BAJO    11 m  75 cm, 7.0 kg: WHZ -3.8                 wasted, vaccines, iron, cred
    TALLA    ALTO    11 m  65 cm: HAZ about -4                     severe_stunting, vaccines, iron,
                                                                   cred
    ANEMICO  BAJO    11 m  Hb 9.0 at 100 m (7.0-9.4: moderate)     anemia, vaccines, iron, cred
    BAJITO   ALTO    11 m  68 cm: HAZ about -2.4                   stunting, vaccines, iron, cred
    PERDIDO  BAJO    11 m  visited, not found                      not_found, vaccines, iron, cred
    MAYOR    ALTO    11 m  nothing but the schedules               vaccines, iron, cred
    MENOR    ALTO     6 m  nothing but the schedules               vaccines, iron, cred
                           (same problems as MAYOR: younger first)
    RECIEN   ALTO     5 d  DNI, SIS, hepatitis B at birth: nothing  (not listed)
                           else is due yet
    LEJOS    050101  11 m  Hb 6.0 at 100 m                         severe_anemia, … (other district)

Every "11 m" child but SEVERA and LEJOS has a DNI and SIS. The BAJO children are cared for at
PS BAJO (RENIPRESS 00005678).
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from django.core.cache import cache
from openpyxl import load_workbook

from crecer.access.models import AccessLog, Action
from crecer.analytics import worklist_rows, worklists
from crecer.analytics.refresh import refresh
from crecer.health.models import ServiceRecord
from crecer.territory.models import HealthFacility, PopulatedCenter
from tests.analytics.population import AS_OF, PERU, child, hb, measure

pytestmark = pytest.mark.django_db

ALTO, BAJO = "0504030001", "0504030002"
URL, CSV_URL, XLSX_URL = "/work-list/", "/work-list/export.csv", "/work-list/export.xlsx"
ORDER = ["SEVERA", "EMACIADO", "TALLA", "ANEMICO", "BAJITO", "PERDIDO", "MENOR", "MAYOR"]
SERVICES = ["vaccines_overdue", "iron_overdue", "cred_overdue"]
PROBLEMS = {
    "SEVERA": ["severe_anemia", *SERVICES, "no_dni", "no_sis"],
    "EMACIADO": ["wasted", *SERVICES],
    "TALLA": ["severe_stunting", *SERVICES],
    "ANEMICO": ["anemia", *SERVICES],
    "BAJITO": ["stunting", *SERVICES],
    "PERDIDO": ["not_found", *SERVICES],
    "MENOR": SERVICES,
    "MAYOR": SERVICES,
}
JUNE = date(2026, 6, 1)
PAPERS = {"dni_issue_date": date(2025, 8, 10), "insurance": "1"}


def kid(number: int, name: str, center: str, **extra):
    extra.setdefault("given_names", "ANA")
    if center == BAJO:
        extra["care_facility"] = "PS BAJO"
    record = child(number, "1", center[:6], populated_center_id=center, **extra)
    record.paternal_surname = name
    record.save()
    return record


@pytest.fixture
def village(db) -> dict[str, int]:
    for code, name in ((ALTO, "ALTO"), (BAJO, "BAJO"), ("0501010001", "CENTRO")):
        PopulatedCenter.objects.create(code=code, district_id=code[:6], name=name)
    HealthFacility.objects.create(renipress_code="00005678", name="PS BAJO", district_id="050403")
    kids = {
        "SEVERA": kid(1, "SEVERA", ALTO, mother_phone="966111222", address="JR LIMA 1"),
        "EMACIADO": kid(2, "EMACIADO", BAJO, dni="71000002", **PAPERS),
        "TALLA": kid(3, "TALLA", ALTO, dni="71000003", **PAPERS),
        "ANEMICO": kid(4, "ANEMICO", BAJO, dni="71000004", **PAPERS),
        "BAJITO": kid(5, "BAJITO", ALTO, dni="71000005", **PAPERS),
        "PERDIDO": kid(6, "PERDIDO", BAJO, dni="71000006", visited=True, found=False, **PAPERS),
        "MAYOR": kid(7, "MAYOR", ALTO, dni="71000007", **PAPERS),
        "MENOR": kid(8, "MENOR", ALTO, dni="71000008", birth_date=date(2025, 12, 30), **PAPERS),
        "RECIEN": kid(
            9,
            "RECIEN",
            ALTO,
            dni="71000009",
            birth_date=date(2026, 6, 25),
            dni_issue_date=date(2026, 6, 26),
            insurance="1",
            sis_affiliation_date=date(2026, 6, 26),
        ),
        "LEJOS": kid(10, "LEJOS", "0501010001"),
    }
    for name in ("SEVERA", "LEJOS"):
        hb(kids[name], 6.0, 100)
    hb(kids["ANEMICO"], 9.0, 100)
    ServiceRecord.objects.create(child=kids["RECIEN"], date=date(2026, 6, 25), code="90744")
    measure(kids["EMACIADO"], JUNE, 75.0, 7.0)
    measure(kids["TALLA"], JUNE, 65.0)
    measure(kids["BAJITO"], JUNE, 68.0, 8.0)
    for name in ("ANEMICO", "PERDIDO", "MAYOR", "SEVERA"):
        measure(kids[name], JUNE, 75.0)
    refresh(AS_OF, "", PERU)
    return {name: record.pk for name, record in kids.items()}


def listed(response) -> list[str]:
    return [row.child.paternal_surname for row in response.context["rows"]]


def test_the_list_is_the_one_on_paper(village, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    response = client.get(URL)
    assert response.status_code == 200
    assert listed(response) == ORDER
    rows = response.context["rows"]
    assert {row.child.paternal_surname: [n.code for n in row.needs] for row in rows} == PROBLEMS
    assert [row.position for row in rows] == list(range(1, 9))
    page = response.content.decode()
    assert "966111222" in page
    assert "JR LIMA 1" in page
    assert "Hb 6.0 g/dL" in page or "Hb 6,0 g/dL" in page


def test_filters_by_problem_and_center(village, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    anemia = client.get(URL, {"problem": ["anemia", "severe_anemia"]})
    assert listed(anemia) == ["SEVERA", "ANEMICO"]
    assert listed(client.get(URL, {"problem": "no_dni"})) == ["SEVERA"]
    alto = client.get(URL, {"center": ALTO})
    assert listed(alto) == ["SEVERA", "TALLA", "BAJITO", "MENOR", "MAYOR"]
    assert [code for code, _ in alto.context["choices"]["center"]] == [ALTO, BAJO]
    assert listed(client.get(URL, {"facility": "PS BAJO"})) == ["EMACIADO", "ANEMICO", "PERDIDO"]
    both = client.get(URL, {"center": BAJO, "problem": "not_found"})
    assert listed(both) == ["PERDIDO"]
    assert client.get(URL, {"problem": "sunburn"}).status_code == 400


def test_downloads_hold_the_same_rows(village, client, make_user):
    client.force_login(make_user("gestora", "program_manager", "0504"))
    response = client.get(CSV_URL, {"center": ALTO})
    assert response["Content-Type"].startswith("text/csv")
    assert response.streaming  # written as it is read: no wait for a region's whole list
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(body), delimiter=";"))
    header, rows = lines[0], lines[1:]
    child_column = header.index("Niño" if "Niño" in header else "Child")
    assert [row[child_column].split(",")[0] for row in rows] == [
        "SEVERA",
        "TALLA",
        "BAJITO",
        "MENOR",
        "MAYOR",
    ]
    assert [row[0] for row in rows] == ["1", "2", "3", "4", "5"]
    workbook = load_workbook(io.BytesIO(client.get(XLSX_URL).content))
    sheet = workbook.active
    values = list(sheet.iter_rows(values_only=True))
    assert len(values) == 1 + len(ORDER)
    assert [row[3].split(",")[0] for row in values[1:]] == ORDER
    severa = values[1]
    assert severa[4].date() == date(2025, 7, 30)
    assert severa[5] == 11
    flags = dict(zip(values[0][-len(worklists.PROBLEMS) :], severa[-11:], strict=True))
    assert sum(flags.values()) == 6


def test_another_district_is_not_found(village, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050101"))
    assert listed(client.get(URL)) == ["LEJOS"]
    assert client.get(URL, {"code": "050403"}).status_code == 404
    assert client.get(URL, {"center": ALTO}).status_code == 404
    client.force_login(make_user("gestor", "program_manager", "050101"))
    assert client.get(CSV_URL, {"code": "0504"}).status_code == 404
    assert client.get(CSV_URL, {"center": ALTO}).status_code == 404


def test_a_community_agent_sees_only_their_centers(village, client, make_user):
    client.force_login(make_user("agente", "health_worker", f"centers:{BAJO}"))
    assert listed(client.get(URL)) == ["EMACIADO", "ANEMICO", "PERDIDO"]
    assert listed(client.get(URL, {"code": "050403"})) == ["EMACIADO", "ANEMICO", "PERDIDO"]
    assert client.get(URL, {"center": ALTO}).status_code == 404


def test_a_facility_sees_its_children(village, client, make_user):
    """PS BAJO is the care facility of the BAJO children (the scope matches it by name)."""
    client.force_login(make_user("obstetra", "health_worker", "facility:00005678"))
    response = client.get(URL)
    assert listed(response) == ["EMACIADO", "ANEMICO", "PERDIDO"]
    assert response.context["heading"] == "PS BAJO"


def test_who_may_not_see_names_gets_404(village, client, make_user):
    client.force_login(make_user("analista", "analyst", "PE"))
    assert client.get(URL).status_code == 404
    assert client.get(CSV_URL).status_code == 404
    # A health worker sees names but may not download named lists.
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    assert client.get(XLSX_URL).status_code == 404


def test_the_access_log_records_the_list_and_the_export(village, client, make_user):
    client.force_login(make_user("gestora", "program_manager", "050403"))
    client.get(URL, {"problem": "anemia"})
    client.get(CSV_URL, {"center": BAJO})
    shown, exported = AccessLog.objects.order_by("pk")
    assert shown.action == Action.LIST
    assert shown.filter == {"refresh": "2026-06-30", "problem": ["anemia"]}
    assert shown.territory_code == "050403"
    assert list(shown.children.values_list("child_id", flat=True)) == [village["ANEMICO"]]
    assert exported.action == Action.EXPORT
    assert exported.filter == {"refresh": "2026-06-30", "center": BAJO, "format": "csv"}
    assert (exported.row_count, exported.territory_code) == (3, "050403")


def test_the_page_prints_in_black_and_white(village, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    page = client.get(URL).content.decode()
    assert "@media print" in page
    assert "table-header-group" in page
    assert "A4" in page
    assert "color: red" not in page
    assert "#a00000" not in page


@pytest.mark.parametrize(
    ("hb_adjusted", "age_days", "severe"),
    [
        # NTS 213-2024 (WHO 2024), 6-23 and 24-59 months: severe below 7.0 g/dL.
        (6.9, 335, True),
        (7.0, 335, False),  # moderate: 7.0-9.4
        (6.9, 900, True),
        (7.0, 900, False),  # moderate: 7.0-9.9
        (None, 335, False),  # altitude unknown: not adjusted, not classified
    ],
)
def test_severe_anemia_at_the_cut_off(hb_adjusted, age_days, severe):
    import polars as pl

    frame = pl.DataFrame(
        {"hb_adjusted": [hb_adjusted], "hb_tested_on": [JUNE], "age_days": [age_days]},
        schema={"hb_adjusted": pl.Float64, "hb_tested_on": pl.Date, "age_days": pl.Int64},
    )
    assert worklists.severe_anemia(frame, AS_OF, PERU.anemia).tolist() == [severe]


def test_ranking_is_pure():
    """The same order straight from a frame, without a database."""
    import polars as pl

    base = dict.fromkeys(worklists.INPUT_COLUMNS)
    rows = [
        base | {"child_id": 1, "age_days": 300, "has_dni": False, "has_sis": True},
        base | {"child_id": 2, "age_days": 300, "stunted": True, "severely_stunted": False},
        base | {"child_id": 3, "age_days": 300, "has_dni": True, "has_sis": True},
        base | {"child_id": 4, "age_days": 200, "not_found": True, "has_sis": False},
        base | {"child_id": 5, "age_days": 100, "not_found": True},
    ]
    frame = pl.DataFrame(rows, schema=worklists.INPUT_COLUMNS)
    ranked = worklists.work_list(frame, AS_OF, PERU.anemia)
    assert ranked["child_id"].to_list() == [2, 4, 5, 1]
    assert ranked["problems"].to_list()[1] == ["not_found", "no_sis"]
    assert worklists.work_list(frame, AS_OF, PERU.anemia, ["no_sis"])["child_id"].to_list() == [4]


def test_a_streamed_list_is_the_same_in_small_chunks(village, client, make_user, monkeypatch):
    """Chunk by chunk (here 2 children at a time), the rows, their order and their numbers are
    those of the list written whole."""
    client.force_login(make_user("gestora", "program_manager", "0504"))
    whole = b"".join(client.get(CSV_URL).streaming_content)
    monkeypatch.setattr(worklist_rows, "STREAM_CHUNK", 2)
    cache.clear()
    response = client.get(CSV_URL)
    chunks = list(response.streaming_content)
    assert len(chunks) > 2
    assert b"".join(chunks) == whole
    assert whole.startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "kinds", [(), ("severe_anemia",), ("anemia",), ("not_found", "stunting"), ("no_sis",)]
)
def test_the_database_orders_the_list_as_the_ranking_does(village, make_user, kinds):
    """The page's order (SQL, one page at a time) and the download's (Polars, whole list) are
    one order: the same children, in the same places."""
    from crecer.analytics.dashboard import latest_refresh
    from crecer.profile import current_profile

    user = make_user("gestora", "program_manager", "05")
    refresh_row = latest_refresh("")
    selection = worklist_rows.Selection(kinds=kinds)
    statuses = worklist_rows.scoped_statuses(user, refresh_row, selection)
    norms = current_profile().anemia
    ranked = worklist_rows.ranked(statuses, refresh_row, norms, kinds)
    severe = worklist_rows.severe_ids(statuses, refresh_row, norms)
    listed = worklist_rows.ordered(statuses, severe, kinds)
    assert list(listed.values_list("child_id", flat=True)) == ranked["child_id"].to_list()
    assert ranked.height > 0 or kinds
