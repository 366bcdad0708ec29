"""Visits sent by the offline page: stored once whatever the number of sends (the id made on
the device), the same id with other values a conflict (nothing written over), a child outside
the territory refused with its reason. The browser test (network off, reload, on again) is
tests/community/test_offline_browser.py."""

from __future__ import annotations

import json
from datetime import date

import pytest

from crecer.community.models import HomeVisit
from crecer.registry.models import Child

pytestmark = pytest.mark.django_db
URL = "/community/offline/sync/"


@pytest.fixture
def kids(db) -> dict[str, Child]:
    made = {}
    for name, dni, district in (("ROSA", "71000001", "050403"), ("LEJOS", "71000003", "050101")):
        child = Child(
            dni=dni, paternal_surname=name, sex="2", birth_date=date(2026, 1, 15),
            district_id=district,
        )  # fmt: skip
        child._change_reason = "test"
        child.save()
        made[name] = child
    return made


def send(client, *records: dict) -> list[tuple[str, str]]:
    response = client.post(
        URL, json.dumps({"visits": list(records)}), content_type="application/json"
    )
    assert response.status_code == 200
    return [(a["id"], a["status"]) for a in response.json()["results"]]


VISIT = {
    "id": "dev-1", "document": "71000001", "date": "2026-05-04", "result": "found",
    "duration": "20", "iron_or_mmn": "yes", "hand_washing": "no", "agent_name": "ACS",
}  # fmt: skip


def test_a_visit_sent_twice_is_stored_once(kids, client, make_user):
    client.force_login(make_user("acs", "health_worker", "050403"))
    assert send(client, VISIT) == [("dev-1", "stored")]
    assert send(client, VISIT, VISIT) == [("dev-1", "duplicate"), ("dev-1", "duplicate")]
    [visit] = HomeVisit.objects.all()
    assert (visit.child, visit.duration_minutes, visit.iron_or_mmn, visit.hand_washing) == (
        kids["ROSA"], 20, True, False,
    )  # fmt: skip
    assert visit.safe_water is None
    # The same id with another date: a conflict, the stored visit left as it was.
    assert send(client, VISIT | {"date": "2026-05-05"}) == [("dev-1", "conflict")]
    visit.refresh_from_db()
    assert visit.date == date(2026, 5, 4)


def test_what_cannot_be_stored_is_refused_with_its_reason(kids, client, make_user):
    client.force_login(make_user("acs", "health_worker", "050403"))
    response = client.post(
        URL,
        json.dumps({"visits": [
            VISIT | {"id": "a", "document": "71000003"},  # outside the territory
            VISIT | {"id": "b", "date": "2099-01-01"},
            VISIT | {"id": "c", "duration": "veinte"},
            VISIT | {"id": ""},
        ]}),
        content_type="application/json",
    )  # fmt: skip
    answers = response.json()["results"]
    assert [a["status"] for a in answers] == ["refused"] * 4
    assert "71000003" in answers[0]["message"]
    assert not HomeVisit.objects.exists()


def test_only_agents_may_send(kids, client, make_user):
    client.force_login(make_user("analista", "analyst", "05"))
    assert client.post(URL, "{}", content_type="application/json").status_code == 404
    assert client.get("/community/offline/").status_code == 404
    client.force_login(make_user("acs", "health_worker", "050403"))
    page = client.get("/community/offline/")
    assert page.status_code == 200
    assert b"offline.js" in page.content
    worker = client.get("/community/offline/sw.js")
    assert worker["Content-Type"].startswith("application/javascript")
