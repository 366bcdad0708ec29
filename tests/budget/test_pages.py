"""The execution and stock pages on hand-computed figures, and their scope (a regional user
sees only the units and facilities of their region)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from crecer.analytics.models import IndicatorValue, Refresh
from crecer.budget import pages
from crecer.budget.imports import import_execution, import_goals
from crecer.budget.models import ExecutingUnit, StockRow
from crecer.ingest.models import ImportRun
from crecer.norms import load_profile
from crecer.territory.models import HealthFacility
from tests.budget.test_imports import EXTRACT, write

pytestmark = pytest.mark.django_db
PROFILE = load_profile("peru")
PAN = PROFILE.pan
JUNE_END = date(2026, 6, 30)  # six months of 2026 gone


@pytest.fixture
def budget(tmp_path: Path) -> None:
    import_execution(write(tmp_path, "siaf.csv", EXTRACT))
    import_goals(
        write(
            tmp_path,
            "metas.csv",
            "ANO_EJE,SEC_EJEC,UBIGEO,PRODUCTO_PROYECTO,META_FISICA\n2026,001234,0501,3033256,500\n",
        )
    )
    # Another region's unit: Cusco.
    cusco = ExecutingUnit.objects.create(code="007777", name="RED CUSCO", ubigeo="0801")
    run = ImportRun.objects.create(kind="budget-execution", file_name="x.csv", sha256="0")
    cusco.execution.create(
        year=2026, program="0001", product="iron_supplement", month=1, pim=Decimal(9),
        accrued=Decimal(1), import_run=run,
    )  # fmt: skip
    now = timezone.now()
    refresh = Refresh.objects.create(
        as_of=JUNE_END, scope="", started_at=now, finished_at=now, children=1000
    )
    # 250 of the province's 500 children aged 6-35 months with iron for age.
    IndicatorValue.objects.create(
        refresh=refresh, indicator="iron_6_35", level="province", code="0501",
        numerator=250, denominator=500,
    )  # fmt: skip


def test_execution_figures_by_hand(budget, make_user):
    manager = make_user("ayacucho", "program_manager", "05")
    page = pages.execution(manager, "", None, JUNE_END, PROFILE, PAN)
    assert (page.year, page.months, page.expected) == (2026, 6, 0.5)
    # Only the Ayacucho unit: Cusco's is outside the manager's scope.
    assert [u["unit"] for u in page.units] == ["001234"]
    unit = page.units[0]
    # PIM: 120,000 (January) + 0 (February) + 1,000 (line 13) = 121,000; accrued 30,000 +
    # 20,000.50 + 2,000 = 52,000.50; 52,000.50 / 121,000 = 0.42975...
    assert (unit["pim"], unit["accrued"]) == (121000.0, 52000.5)
    assert unit["rate"] == pytest.approx(52000.5 / 121000)
    assert unit["behind"] == pytest.approx(0.5 - 52000.5 / 121000)
    iron = next(line for line in page.products if line.product.id == "iron_supplement")
    # Iron: PIM 120,000, accrued 50,000.50; 250 children with iron of a goal of 500.
    assert (iron.pim, iron.accrued, iron.goal, iron.output.produced) == (
        120000.0, 50000.5, 500, 250,
    )  # fmt: skip
    assert iron.cost == pytest.approx(200.002)  # 50,000.50 / 250 soles per child
    assert iron.progress == 0.5
    assert iron.gap == pytest.approx(50000.5 / 120000 - 0.5)  # −8.3 points: children ahead
    cred = next(line for line in page.products if line.product.id == "cred_complete")
    # No CRED value stored for 0501 in the refresh: nothing counted; no goal, no progress.
    assert (cred.output.produced, cred.goal, cred.progress) == (0, None, None)
    assert [r["region"] for r in page.regions] == ["05"]
    # Month by month (PIM 121,000): January 30,000 (24.8 %), February 20,000.50 (41.3 %),
    # nothing in March to May, June 2,000 (43.0 %); the calendar 1/12 … 6/12.
    assert [(r["month"], r["accrued"]) for r in page.by_month] == [
        (1, 30000.0), (2, 20000.5), (3, 0.0), (4, 0.0), (5, 0.0), (6, 2000.0),
    ]  # fmt: skip
    assert page.by_month[1]["rate"] == pytest.approx(50000.5 / 121000)
    assert page.by_month[5]["rate"] == pytest.approx(52000.5 / 121000)
    assert page.by_month[5]["calendar"] == 0.5


def test_execution_page_and_its_scope(budget, client, make_user):
    client.force_login(make_user("ayacucho", "program_manager", "05"))
    client.get("/?lang=en")
    text = client.get(reverse("budget:execution")).content.decode()
    assert "RED DE SALUD HUAMANGA" in text
    assert "RED CUSCO" not in text
    assert "200.00" in text  # cost per output, S/ per child
    assert "indicator=iron_6_35&amp;level=province&amp;code=0501&amp;part=numerator" in text
    assert client.get(reverse("budget:execution"), {"code": "08"}).status_code == 404
    client.force_login(make_user("cusco", "analyst", "08"))
    text = client.get(reverse("budget:execution"), {"code": "08"}).content.decode()
    assert "RED CUSCO" in text
    assert "HUAMANGA" not in text
    national = make_user("national", "analyst", "PE")
    client.force_login(national)
    text = client.get(reverse("budget:execution")).content.decode()
    assert "RED CUSCO" in text
    assert "HUAMANGA" in text


def stock_row(run: ImportRun, facility: str, month: int, item: str, **values) -> StockRow:
    amounts = {
        n: Decimal(values.get(n, 0)) for n in ("opening", "received", "dispensed", "closing")
    }
    return StockRow.objects.create(
        facility_code=facility, district_id=values.get("district", "050101"),
        month=date(2026, month, 1), item=item, import_run=run, **amounts,
    )  # fmt: skip


@pytest.fixture
def supplies() -> None:
    HealthFacility.objects.create(renipress_code="00003452", name="PS HOME", district_id="050101")
    HealthFacility.objects.create(renipress_code="00003453", name="PS EMPTY", district_id="050101")
    run = ImportRun.objects.create(kind="budget-stock", file_name="ici.csv", sha256="0")
    for month, dispensed in ((8, 10), (9, 20)):
        stock_row(run, "00003452", month, "iron_drops", dispensed=dispensed, closing=30)
    stock_row(run, "00003452", 10, "iron_drops", opening=30, dispensed=15, closing=15)
    stock_row(run, "00003452", 10, "mmn", opening=200, closing=200)
    stock_row(run, "00003453", 10, "iron_drops", opening=5, dispensed=5, closing=0)
    stock_row(run, "00009999", 10, "iron_drops", closing=50, district="080101")  # Cusco
    now = timezone.now()
    refresh = Refresh.objects.create(
        as_of=date(2026, 10, 31), scope="", started_at=now, finished_at=now, children=100
    )
    for facility, due in (("PS HOME", 30), ("PS EMPTY", 12)):
        IndicatorValue.objects.create(
            refresh=refresh, indicator="iron_6_35", level="facility", code=facility,
            numerator=0, denominator=due,
        )  # fmt: skip


def test_stock_figures_by_hand(supplies, make_user):
    manager = make_user("ayacucho", "program_manager", "05")
    page = pages.stock(manager, "", None, PAN)
    assert page.month == date(2026, 10, 1)
    drops = next(r for r in page.items if r["facility"] == "00003452" and r["item"] == "iron_drops")
    # Dispensed 10, 20, 15 in August-October: 15 a month; 15 in stock: 1 month (< 2: at risk).
    assert (drops["average"], drops["months"], drops["state"]) == (15.0, 1.0, "at_risk")
    mmn = next(r for r in page.items if r["item"] == "mmn")
    assert (mmn["months"], mmn["endless"], mmn["state"]) == (None, True, "no_use")
    by_need = {r["facility"]: r for r in page.facilities}
    # 15 bottles (1 a month) + 200 sachets (30 a month) = 21.67 child-months for 30 children.
    home = by_need["00003452"]
    assert home["child_months"] == pytest.approx(15 + 200 / 30)
    assert home["months"] == pytest.approx((15 + 200 / 30) / 30)
    assert home["state"] == "at_risk"
    assert [r["facility"] for r in page.due_without_stock] == ["00003453"]
    assert page.due_without_stock[0]["children_due"] == 12
    assert "00009999" not in by_need  # Cusco's facility is outside the scope


def test_stock_page(supplies, client, make_user):
    client.force_login(make_user("ayacucho", "program_manager", "05"))
    client.get("/?lang=en")
    response = client.get(reverse("budget:stock"), {"month": "2026-10"})
    text = response.content.decode()
    assert response.status_code == 200
    assert "PS EMPTY" in text
    assert "00009999" not in text
    assert "at risk of a stock-out" in text
    assert client.get(reverse("budget:stock"), {"month": "2026-13"}).status_code == 404
