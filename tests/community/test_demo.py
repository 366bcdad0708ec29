"""The community demo over a small registry: every page has data, the same seed gives the
same data, and a second run leaves a seeded territory alone."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from crecer.community.demo import seed
from crecer.community.models import DayAttendance, Enrollment, HomeVisit, MonitoringCenter
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter

pytestmark = pytest.mark.django_db
ON = date(2026, 6, 30)


@pytest.fixture
def registry(db) -> None:
    for number in range(1, 5):
        PopulatedCenter.objects.create(
            code=f"050403000{number}", district_id="050403", name=f"CP{number}"
        )
    births = [date(2025, 11, 1), date(2025, 9, 15), date(2025, 1, 10), date(2024, 6, 1)]
    for number in range(12):
        child = Child(
            cnv=f"10000000{number:02d}", paternal_surname=f"NIÑO{number}", sex="1",
            birth_date=births[number % 4], district_id="050403",
            populated_center_id=f"050403000{number % 4 + 1}",
        )  # fmt: skip
        child._change_reason = "test"
        child.save()


def test_every_page_has_data_and_the_seed_decides(registry, client, make_user):
    done = seed("0504", ON, seed=7)
    # 4 populated centers, 3 a center: 2 centers; 3 meetings each; one day care for the
    # district, at its first populated center (3 children of 6-35 months there).
    assert (done.centers, done.meetings, done.daycares, done.enrolled) == (2, 6, 1, 3)
    assert done.visits == HomeVisit.objects.count() > 0
    assert done.attendance == DayAttendance.objects.count() > 0
    assert seed("0504", ON, seed=7).centers == 0  # seeded already: left alone
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    center = MonitoringCenter.objects.order_by("id").first()
    for url in (f"/community/center/{center.pk}/", f"/community/center/{center.pk}/pack/"):
        assert client.get(url, {"date": ON.isoformat()}).status_code == 200
    daycare = Enrollment.objects.first().center
    page = client.get(f"/community/daycare/{daycare.pk}/")
    assert page.context["months"]


def test_the_same_seed_gives_the_same_data(registry):
    def seeded(number: int) -> list:
        with transaction.atomic():
            seed("0504", ON, seed=number)
            rows = sorted(HomeVisit.objects.values_list("child__cnv", "date", "result"))
            transaction.set_rollback(True)
        return rows

    assert seeded(7) == seeded(7)
    assert seeded(7) != seeded(8)
