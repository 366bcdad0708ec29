"""A home visit recorded by hand reaches the meeting pack: MAYOR of the hand-built center
(tests/community/test_pack.py) is no longer "not visited this month" once a valid visit of
July is recorded (11 months, found, 20 minutes: valid under the profile's PIM rules)."""

from __future__ import annotations

from datetime import date

import pytest

from crecer.community.models import CenterPerson, HomeVisit
from crecer.maternal.models import Woman
from crecer.registry.models import Child
from tests.community.test_pack import MEETING, cpvc  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db


def test_a_visit_recorded_by_hand_counts_in_the_pack(cpvc, client, make_user):  # noqa: F811
    agent = CenterPerson.objects.create(center=cpvc, name="ROSA ACS", role="agent")
    mayor = Child.objects.get(paternal_surname="MAYOR")
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    form = client.get("/community/visit/", {"child": mayor.pk})
    assert list(form.context["form"].fields["agent"].queryset) == [agent]
    visit = {
        "date": "2026-07-02", "agent": agent.pk, "visit_type": "pim", "channel": "home",
        "result": "found", "duration_minutes": "20", "iron_or_mmn": "true",
        "hand_washing": "false",
    }  # fmt: skip
    assert client.post(f"/community/visit/?child={mayor.pk}", visit).status_code == 302
    stored = HomeVisit.objects.get()
    assert (stored.center, stored.iron_or_mmn, stored.hand_washing, stored.safe_water) == (
        cpvc, True, False, None,
    )  # fmt: skip
    assert stored.history.count() == 1
    pack = client.get(f"/community/center/{cpvc.pk}/pack/", {"date": MEETING.isoformat()})
    assert [d.child.paternal_surname for d in pack.context["pack"].unvisited] == ["ANEMICO"]
    # The center's page: July (to the 5th) 1 of the 2 children of 6-12 months visited, its one
    # visit valid; June none of 2.
    page = client.get(f"/community/center/{cpvc.pk}/", {"date": MEETING.isoformat()})
    months = [
        (
            m["month"],
            m["children"],
            m["visited"],
            m["percent"],
            [(r, n) for r, _label, n in m["reasons"]],
        )
        for m in page.context["visit_months"]
    ]
    assert months == [
        (date(2026, 7, 1), 2, 1, 50.0, [("valid", 1)]),
        (date(2026, 6, 1), 2, 0, 0.0, []),
    ]


def test_a_visit_needs_an_agent_and_a_past_date(cpvc, client, make_user):  # noqa: F811
    mayor = Child.objects.get(paternal_surname="MAYOR")
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    future = date.today().replace(year=date.today().year + 1).isoformat()
    refused = client.post(
        f"/community/visit/?child={mayor.pk}",
        {"date": future, "visit_type": "pim", "channel": "home", "result": "found"},
    )
    assert set(refused.context["form"].errors) == {"date", "agent_name"}
    rosa = Woman.objects.get(paternal_surname="ROSA")
    done = client.post(
        f"/community/visit/?woman={rosa.pk}",
        {"date": "2026-07-01", "agent_name": "ACS", "visit_type": "family", "channel": "home",
         "result": "refused"},
    )  # fmt: skip
    assert done.status_code == 302
    assert HomeVisit.objects.get().woman == rosa


def test_a_child_of_another_district_is_not_found(cpvc, client, make_user):  # noqa: F811
    mayor = Child.objects.get(paternal_surname="MAYOR")
    client.force_login(make_user("enfermera_lejos", "health_worker", "050101"))
    assert client.get("/community/visit/", {"child": mayor.pk}).status_code == 404
    assert client.get("/community/visit/").status_code == 404
