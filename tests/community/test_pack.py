"""The meeting pack of a hand-built center, computed on paper, and a meeting's decisions
followed up at the next one.

Huamanguilla (050403) has three populated centers: ALTO (...0001) and BAJO (...0002), which the
center "CPVC ALTO" covers, and FUERA (...0003), which it does not. Refreshes on 2026-05-31 and
2026-06-30; the pack is for the meeting of 2026-07-05 (so it reads the June refresh, and May as
"last month"). Children born 2025-07-30 are 11 months old on 30 June and have no recorded
service, so vaccines, iron and CRED are overdue (tests/analytics/test_worklists.py, whose
population this follows):

    name     place  facts                               in the pack
    MAYOR    ALTO   DNI, SIS                            vaccines, iron, CRED overdue
    RECIEN   ALTO   born 2026-06-25, DNI, SIS, HvB       nothing due: not listed
    ANEMICO  BAJO   Hb 9.0 at 100 m, no DNI, no SIS     anemia first, then the rest
    LEJOS    FUERA  DNI, SIS                            not covered: not listed

SIS among children under 5 (sis_u5): ALTO 2 of 2 in June (1 of 1 in May: RECIEN not born),
BAJO 0 of 1 in both months. Pregnant: ROSA (ALTO, FUR 2026-03-01) is in the pack; LUZ (FUERA)
is not."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.access.models import AccessLog
from crecer.analytics.refresh import refresh
from crecer.community.models import (
    Decision,
    DecisionState,
    HomeVisit,
    Meeting,
    MonitoringCenter,
)
from crecer.health.models import ServiceRecord
from crecer.maternal.models import Pregnancy, Woman
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter
from tests.analytics.population import AS_OF, PERU, child, hb, measure

pytestmark = pytest.mark.django_db

ALTO, BAJO, FUERA = "0504030001", "0504030002", "0504030003"
PAPERS = {"dni_issue_date": date(2025, 8, 10), "insurance": "1"}
MEETING = date(2026, 7, 5)


def kid(number: int, name: str, center: str, **extra):
    record = child(number, "1", center[:6], populated_center_id=center, **extra)
    record.paternal_surname = name
    record.save()
    return record


def pregnant(dni: str, name: str, center: str) -> Woman:
    woman = Woman.objects.create(
        document_type="DNI", document_number=dni, paternal_surname=name, given_names="ANA",
        district_id=center[:6], populated_center_id=center,
    )  # fmt: skip
    Pregnancy.objects.create(woman=woman, lmp_date=date(2026, 3, 1))
    return woman


@pytest.fixture
def cpvc(db) -> MonitoringCenter:
    for code, name in ((ALTO, "ALTO"), (BAJO, "BAJO"), (FUERA, "FUERA")):
        PopulatedCenter.objects.create(code=code, district_id=code[:6], name=name)
    kid(1, "MAYOR", ALTO, dni="71000001", **PAPERS)
    recien = kid(
        2, "RECIEN", ALTO, dni="71000002", birth_date=date(2026, 6, 25),
        dni_issue_date=date(2026, 6, 26), insurance="1", sis_affiliation_date=date(2026, 6, 26),
    )  # fmt: skip
    ServiceRecord.objects.create(child=recien, date=date(2026, 6, 25), code="90744")
    anemic = kid(3, "ANEMICO", BAJO)
    hb(anemic, 9.0, 100)
    kid(4, "LEJOS", FUERA, dni="71000004", **PAPERS)
    measure(anemic, date(2026, 6, 1), 75.0)
    pregnant("41000001", "ROSA", ALTO)
    pregnant("41000002", "LUZ", FUERA)
    refresh(date(2026, 5, 31), "", PERU)
    refresh(AS_OF, "", PERU)
    center = MonitoringCenter.objects.create(
        name="CPVC ALTO", district_id="050403", populated_center_id=ALTO, care_facility="PS ALTO"
    )
    center.covers.set([ALTO, BAJO])
    return center


def test_the_pack_lists_the_children_and_women_due(cpvc, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    response = client.get(f"/community/center/{cpvc.pk}/pack/", {"date": MEETING.isoformat()})
    assert response.status_code == 200
    pack = response.context["pack"]
    assert pack.refresh.as_of == AS_OF
    assert pack.previous.as_of == date(2026, 5, 31)
    listed = {row.child.paternal_surname: [n.code for n in row.needs] for row in pack.children}
    services = ["vaccines_overdue", "iron_overdue", "cred_overdue"]
    # Nobody has been visited in July: both are in the 6-12 months band, short of 1 visit.
    assert listed == {
        "ANEMICO": ["anemia", *services, "no_dni", "no_sis", "not_visited"],
        "MAYOR": [*services, "not_visited"],
    }
    assert [(d.child.paternal_surname, d.band) for d in pack.unvisited] == [
        ("MAYOR", "m6_12"),
        ("ANEMICO", "m6_12"),
    ]
    assert [row.child.paternal_surname for row in pack.children] == ["ANEMICO", "MAYOR"]
    assert [row.pregnancy.woman.paternal_surname for row in pack.women] == ["ROSA"]
    sis = [c.id for c in pack.columns].index("sis_u5")
    by_center = {
        row.code: (
            (row.cells[sis].now.numerator, row.cells[sis].now.denominator),
            (row.cells[sis].before.numerator, row.cells[sis].before.denominator),
        )
        for row in pack.coverage
    }
    assert by_center == {ALTO: ((2, 2), (1, 1)), BAJO: ((0, 1), (0, 1))}
    page = response.content.decode()
    assert "LEJOS" not in page
    assert "LUZ" not in page
    logged = AccessLog.objects.latest("at")
    assert logged.filter["center"] == cpvc.pk
    assert logged.row_count == 2


def test_a_child_visited_this_month_is_not_listed_as_not_visited(cpvc, client, make_user):
    # MAYOR: a valid visit on 2 July (11 months, found, 20 minutes). ANEMICO: visited on 3
    # July but not found, and a call (calls count apart): still short of the 1 visit required.
    mayor, anemico = (Child.objects.get(paternal_surname=n) for n in ("MAYOR", "ANEMICO"))
    HomeVisit.objects.create(
        child=mayor, date=date(2026, 7, 2), result="found", duration_minutes=20
    )
    HomeVisit.objects.create(child=anemico, date=date(2026, 7, 3), result="not_found")
    HomeVisit.objects.create(child=anemico, date=date(2026, 7, 4), result="found", channel="call")
    HomeVisit.objects.create(child=anemico, date=date(2026, 6, 20), result="found")  # June
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    response = client.get(f"/community/center/{cpvc.pk}/pack/", {"date": MEETING.isoformat()})
    pack = response.context["pack"]
    assert [(d.child.paternal_surname, d.valid_visits) for d in pack.unvisited] == [("ANEMICO", 0)]
    needs = {row.child.paternal_surname: row.needs[-1].code for row in pack.children}
    assert needs == {"ANEMICO": "not_visited", "MAYOR": "cred_overdue"}


def test_a_center_of_another_district_is_not_found(cpvc, client, make_user):
    client.force_login(make_user("enfermera_lejos", "health_worker", "050101"))
    for url in ("", "pack/", "meeting/"):
        assert client.get(f"/community/center/{cpvc.pk}/{url}").status_code == 404
    assert client.get("/community/").context["centers"] == []


def meeting_form(day: date, **fields: str) -> dict[str, str]:
    return {"date": day.isoformat(), "count_mothers": "12", "count_health": "2", **fields}


def test_a_decision_is_followed_up_and_carried_to_the_next_meeting(cpvc, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    url = f"/community/center/{cpvc.pk}/meeting/"
    first = meeting_form(
        date(2026, 6, 3),
        what_0="Visitar a ANEMICO con el hierro", who_0="ACS Rosa", by_when_0="2026-06-15",
        what_1="Tramitar el DNI de ANEMICO", who_1="Municipio",
    )  # fmt: skip
    assert client.post(url, first).status_code == 302
    iron, dni = Decision.objects.order_by("id")
    # The pack of the next meeting lists both, pending.
    pack = client.get(url.replace("meeting/", "pack/"), {"date": MEETING.isoformat()})
    assert [(d.what, d.state) for d in pack.context["pack"].decisions] == [
        (iron.what, DecisionState.OPEN),
        (dni.what, DecisionState.OPEN),
    ]
    form = client.get(url, {"date": MEETING.isoformat()})
    assert [d.pk for d in form.context["form"].pending] == [iron.pk, dni.pk]
    second = meeting_form(
        MEETING,
        **{f"state_{iron.pk}": "done", f"state_{dni.pk}": "not_done",
           f"note_{dni.pk}": "RENIEC no vino", f"carry_{dni.pk}": "on"},
    )  # fmt: skip
    assert client.post(url, second).status_code == 302
    iron.refresh_from_db()
    dni.refresh_from_db()
    assert (iron.state, dni.state, dni.follow_up) == ("done", "not_done", "RENIEC no vino")
    later = Meeting.objects.get(date=MEETING)
    assert iron.followed_at == later
    [carried] = later.decisions.all()
    assert (carried.what, carried.carried_from) == (dni.what, dni)
    assert {a.role: a.count for a in later.attendance.all()} == {"mothers": 12, "health": 2}
    assert dni.history.count() == 2  # created, then followed up
    # The pack of August shows July's decision, and the page the trend of meetings.
    pack = client.get(url.replace("meeting/", "pack/"), {"date": "2026-08-02"}).context["pack"]
    assert [(d.what, d.state) for d in pack.decisions] == [(dni.what, DecisionState.OPEN)]
    page = client.get(f"/community/center/{cpvc.pk}/")
    meetings = [(m["decided"], m["done"], m["not_done"]) for m in page.context["trend"]["meetings"]]
    assert meetings == [(1, 0, 0), (2, 1, 1)]
    assert len(page.context["trend"]["lines"]) == 2  # May and June


def test_a_meeting_day_is_recorded_once(cpvc, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    url = f"/community/center/{cpvc.pk}/meeting/"
    assert client.post(url, meeting_form(MEETING)).status_code == 302
    again = client.post(url, meeting_form(MEETING))
    assert again.status_code == 200
    assert again.context["form"].errors["date"]
    assert client.post(url, meeting_form(MEETING, what_0="algo")).context["form"].errors
