"""The demo's budget, goals and stock: every line of its files stored, the spending pattern
(slow first semester, December peak) and the pages computed on it."""

from __future__ import annotations

from datetime import date

import pytest
from django.db.models import Sum

from crecer.budget import demo, pages
from crecer.budget.models import ExecutionRow, StockRow
from crecer.registry.models import Child
from tests.budget.test_pages import PAN, PROFILE

pytestmark = pytest.mark.django_db


def test_demo_budget_and_stock(make_user):
    for n in range(9):
        kid = Child(
            dni=f"7400030{n}", sex="2", birth_date=date(2025, 1, 1), district_id="050101",
            paternal_surname="QUISPE", given_names="ANA", care_facility="C.S. AYACUCHO",
        )  # fmt: skip
        kid._change_reason = "test"
        kid.save()
    runs = demo.generate("0501", date(2026, 12, 31), seed=3)
    for run in runs.values():
        assert run.adds_up
        assert (run.quarantined, run.warnings) == (0, [])
    by_month = dict(
        ExecutionRow.objects.values_list("month").annotate(total=Sum("accrued")).order_by()
    )
    year = sum(by_month.values())
    first_semester = sum(by_month[m] for m in range(1, 7))
    assert float(first_semester / year) == pytest.approx(0.31, abs=0.01)  # 3+4+5+6+6+7 %
    assert max(by_month, key=by_month.get) == 12
    assert StockRow.objects.values("month").distinct().count() == demo.STOCK_MONTHS
    national = make_user("national", "analyst", "PE")
    page = pages.execution(national, "05", None, date(2026, 12, 31), PROFILE, PAN)
    assert page.regions[0]["rate"] == pytest.approx(demo.YEAR_EXECUTION, abs=0.01)
    stock = pages.stock(national, "05", None, PAN)
    assert stock.month == date(2026, 12, 1)
    assert stock.facilities
