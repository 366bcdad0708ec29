"""Cuna Más day care on a hand-built center: enrolment at the ages of the profile
([community.cuna_mas]: 6 to 35 completed months, cuna_mas.md "children 6-36 months", "under
36 months"), the daily sheet and the attendance rate computed on paper.

Huamanguilla (050403). On 1 June 2026: ROSA (born 30 July 2025) is 10 months old, NENA (born
1 March 2026) 3 months (too young), MAYOR (born 1 June 2023) 36 months (too old), JUANA (born 2
June 2023) 35 months (the last month taken)."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.community.models import DayAttendance, DayCareCenter, Enrollment
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
JUNE = date(2026, 6, 1)


@pytest.fixture
def ciai(db) -> DayCareCenter:
    for number, name, born in (
        (1, "ROSA", date(2025, 7, 30)),
        (2, "NENA", date(2026, 3, 1)),
        (3, "MAYOR", date(2023, 6, 1)),
        (4, "JUANA", date(2023, 6, 2)),
    ):
        child = Child(
            dni=f"7100000{number}", paternal_surname=name, sex="2", birth_date=born,
            district_id="050403",
        )  # fmt: skip
        child._change_reason = "test"
        child.save()
    return DayCareCenter.objects.create(name="CIAI HUAMANGUILLA", district_id="050403")


def enroll(client, center, dni: str):
    return client.post(
        f"/community/daycare/{center.pk}/", {"document": dni, "enrolled_on": JUNE.isoformat()}
    )


def test_enrolment_at_the_ages_of_the_profile(ciai, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    assert enroll(client, ciai, "71000001").status_code == 302
    assert enroll(client, ciai, "71000004").status_code == 302
    for dni in ("71000002", "71000003"):
        refused = enroll(client, ciai, dni)
        assert refused.status_code == 200
        assert refused.context["form"].errors["document"]
    assert enroll(client, ciai, "71000001").context["form"].errors["document"]  # again
    assert enroll(client, ciai, "99999999").context["form"].errors["document"]
    enrolled = Enrollment.objects.filter(center=ciai).values_list("child__paternal_surname")
    assert sorted(name for (name,) in enrolled) == ["JUANA", "ROSA"]


def test_the_daily_sheet_and_the_monthly_rate(ciai, client, make_user):
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    for dni in ("71000001", "71000004"):
        enroll(client, ciai, dni)
    rosa, juana = Enrollment.objects.order_by("child__paternal_surname").reverse()
    url = f"/community/daycare/{ciai.pk}/attendance/"
    sheet = client.get(url, {"date": "2026-06-01"})
    assert [e.child.paternal_surname for e, _ in sheet.context["rows"]] == ["JUANA", "ROSA"]
    # 1 June: ROSA present with 3 meals, JUANA absent (meals typed for her are not counted).
    client.post(url, {"date": "2026-06-01", f"present_{rosa.pk}": "on", f"meals_{rosa.pk}": "3",
                      f"meals_{juana.pk}": "2"})  # fmt: skip
    # 2 June: both present, ROSA 2 meals, JUANA 9 typed (the day has 3: kept at 3).
    client.post(url, {"date": "2026-06-02", f"present_{rosa.pk}": "on", f"meals_{rosa.pk}": "2",
                      f"present_{juana.pk}": "on", f"meals_{juana.pk}": "9"})  # fmt: skip
    page = client.get(f"/community/daycare/{ciai.pk}/")
    [june] = page.context["months"]
    # 4 child-days recorded, 3 present: 75.0 %; meals 3 + 2 + 3 = 8.
    assert (june.days_recorded, june.days_present, june.rate, june.meals) == (4, 3, 75.0, 8)
    # The 2 June sheet corrected: JUANA was absent after all; the change is in the history.
    client.post(url, {"date": "2026-06-02", f"present_{rosa.pk}": "on", f"meals_{rosa.pk}": "2"})
    corrected = DayAttendance.objects.get(enrollment=juana, date=date(2026, 6, 2))
    assert (corrected.present, corrected.meals, corrected.history.count()) == (False, 0, 2)


def test_a_day_care_of_another_district_is_not_found(ciai, client, make_user):
    client.force_login(make_user("enfermera_lejos", "health_worker", "050101"))
    for url in ("", "attendance/"):
        assert client.get(f"/community/daycare/{ciai.pk}/{url}").status_code == 404
    assert client.get("/community/daycare/").context["centers"] == []


def test_indicators_by_territory(ciai, client, make_user):
    """June 2026 at CIAI HUAMANGUILLA (district 050403, province 0504): ROSA and JUANA
    enrolled; 4 child-days recorded, 3 present (75.0 %); ROSA measured on 15 June (1 of 2:
    50.0 %); ROSA's Hb 9.0 g/dL at 100 m on 1 June is anemia at 10 months (below 10.5, NTS
    213-2024), JUANA has no Hb: 1 of 1 tested (100.0 %)."""
    from crecer.analytics.refresh import refresh
    from crecer.health.models import GrowthCheck, HemoglobinTest
    from tests.analytics.population import PERU

    worker = make_user("enfermera", "health_worker", "050403")
    client.force_login(worker)
    for dni in ("71000001", "71000004"):
        enroll(client, ciai, dni)
    rosa, juana = Enrollment.objects.order_by("child__paternal_surname").reverse()
    url = f"/community/daycare/{ciai.pk}/attendance/"
    client.post(url, {"date": "2026-06-01", f"present_{rosa.pk}": "on"})
    client.post(
        url, {"date": "2026-06-02", f"present_{rosa.pk}": "on", f"present_{juana.pk}": "on"}
    )
    GrowthCheck.objects.create(
        child=rosa.child, date=date(2026, 6, 15), weight_kg=8.5, length_cm=72.0, measure="l"
    )
    HemoglobinTest.objects.create(
        child=rosa.child, date=date(2026, 6, 1), hb_observed=9.0, altitude_m=100
    )
    refresh(date(2026, 6, 30), "", PERU)
    client.force_login(make_user("gestora", "program_manager", "05"))
    page = "/community/daycare/indicators/"

    def lines(code: str) -> list[tuple]:
        found = client.get(page, {"code": code, "date": "2026-06-30"}).context["lines"]
        return [
            (line.code, line.centers, line.enrolled, *(cell.percent for cell in line.cells))
            for line in found
        ]

    assert lines("0504") == [("050403", 1, 2, 75.0, 50.0, 100.0)]
    assert lines("050403") == [(str(ciai.pk), 1, 2, 75.0, 50.0, 100.0)]
    assert lines("05") == [("0504", 1, 2, 75.0, 50.0, 100.0)]
    # An analyst (no names) sees the count but not rates resting on 1 or 3 children.
    client.force_login(make_user("analista", "analyst", "05"))
    [line] = client.get(page, {"code": "0504", "date": "2026-06-30"}).context["lines"]
    assert line.enrolled == 2
    assert [cell.percent for cell in line.cells] == [None, None, None]
