"""The regional anemia dashboard (coverage, production, supplies, logistics, budget on one
page) and the effective interventions page (the seed's published counts)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from crecer.analytics.models import IndicatorValue, Refresh
from crecer.budget import dashboard
from crecer.health.models import HemoglobinTest, ServiceRecord
from crecer.registry.models import Child
from crecer.territory.models import Boundary
from tests.budget.test_pages import JUNE_END, PAN, PROFILE, budget, supplies  # noqa: F401

pytestmark = pytest.mark.django_db


def child(dni: str, district: str) -> Child:
    record = Child(
        dni=dni, sex="1", birth_date=date(2025, 6, 1), district_id=district,
        paternal_surname="QUISPE", given_names="LUIS",
    )  # fmt: skip
    record._change_reason = "test"
    record.save()
    return record


@pytest.fixture
def events() -> None:
    home = [child(f"7400010{n}", "050101") for n in range(6)]
    away = child("74000200", "080101")  # Cusco
    for kid in home:  # six Hb tests in March, six iron deliveries in March, one in April
        HemoglobinTest.objects.create(child=kid, date=date(2026, 3, 10), hb_observed=11.2)
        ServiceRecord.objects.create(child=kid, date=date(2026, 3, 10), code="99199.17")
    ServiceRecord.objects.create(child=home[0], date=date(2026, 4, 12), code="99199.19")
    HemoglobinTest.objects.create(child=away, date=date(2026, 3, 10), hb_observed=11.0)


def test_the_dashboard_ties_the_parts_together(budget, supplies, events, make_user):  # noqa: F811
    manager = make_user("ayacucho", "program_manager", "05")
    now = timezone.now()
    refresh = Refresh.objects.get(as_of=date(2026, 10, 31))
    IndicatorValue.objects.create(
        refresh=refresh, indicator="anemia_6_35", level="department", code="05",
        numerator=300, denominator=1000,
    )  # fmt: skip
    earlier = Refresh.objects.create(
        as_of=date(2026, 9, 30), scope="", started_at=now, finished_at=now, children=100
    )
    IndicatorValue.objects.create(
        refresh=earlier, indicator="anemia_6_35", level="department", code="05",
        numerator=320, denominator=1000,
    )  # fmt: skip
    page = dashboard.dashboard(manager, "05", JUNE_END, PROFILE, PAN)
    anemia = next(row for row in page.coverage if row.indicator.id == "anemia_6_35")
    assert (anemia.cell.numerator, anemia.cell.percent) == (300, 30.0)
    assert [p for _day, p in anemia.trend][-2:] == [32.0, 30.0]  # September, October
    # Production: Ayacucho's children only (the Cusco test is not counted).
    assert page.production == [
        {"month": date(2026, 3, 1), "hb": 6, "iron": 6},
        {"month": date(2026, 4, 1), "hb": 0, "iron": 1},
    ]
    assert [f["facility"] for f in page.stock.due_without_stock] == ["00003453"]
    assert page.states == {"at_risk": 1, "stock_out": 1}
    assert page.execution.regions[0]["pim"] == 121000.0  # as on the execution page
    assert page.map is not None
    assert page.map["chosen"].id == "anemia_6_35"


def test_the_dashboard_maps_anemia_by_province(budget, make_user):  # noqa: F811
    square = {"type": "Polygon", "coordinates": [[[-74, -13], [-74, -14], [-75, -14], [-74, -13]]]}
    Boundary.objects.create(level="province", code="0501", geometry=square, source="test")
    refresh = Refresh.objects.get()
    IndicatorValue.objects.create(
        refresh=refresh, indicator="anemia_6_35", level="province", code="0501",
        numerator=40, denominator=100,
    )  # fmt: skip
    page = dashboard.dashboard(
        make_user("m", "program_manager", "05"), "05", JUNE_END, PROFILE, PAN
    )
    shapes = {shape.code: shape for shape in page.map["map"].shapes}
    assert shapes["0501"].cell.percent == 40.0
    assert shapes["0501"].fill is not None


def test_small_production_counts_are_hidden_without_personal_detail(events, make_user):
    analyst = make_user("analyst", "analyst", "05")
    page = dashboard.dashboard(analyst, "05", JUNE_END, PROFILE, PAN)
    # 6 ≥ 5 is shown; 1 (< 5, the profile's small cell) is hidden; 0 is shown.
    assert page.production[1] == {"month": date(2026, 4, 1), "hb": 0, "iron": None}


def test_the_dashboard_page(budget, supplies, events, client, make_user):  # noqa: F811
    client.force_login(make_user("ayacucho", "program_manager", "05"))
    client.get("/?lang=en")
    text = client.get(reverse("budget:anemia"), {"code": "05"}).content.decode()
    for part in ("Coverage", "Production", "Supplies and logistics", "budget execution"):
        assert part in text
    assert reverse("budget:stock") in text
    assert client.get(reverse("budget:anemia"), {"code": "08"}).status_code == 404


def test_the_interventions_page_shows_the_published_counts(client, make_user):
    catalogue = PAN.interventions
    # The seed report: 5 fully established, 33 partial, 3 without action; 17 with a norm, 16
    # with budget, 26 with a delivery mode, 5 with indicators.
    assert catalogue.published() == {
        "fully_established": 5, "partial": 33, "without_action": 3,
        "norm": 17, "budget": 16, "delivery": 26, "indicator": 5,
    }  # fmt: skip
    client.force_login(make_user("analyst", "analyst", "05"))
    client.get("/?lang=en")
    text = client.get(reverse("budget:interventions")).content.decode()
    cells = [f'<td class="num">{n}</td>' for n in (5, 33, 3, 17, 16, 26)]
    assert all(cell in text for cell in cells)
    assert "0 of the 41 interventions are named" in text
