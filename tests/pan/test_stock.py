"""Months of stock and stock-out risk at their boundaries (min 2, max 6 months)."""

from datetime import date

import numpy as np
import polars as pl
from numpy.testing import assert_allclose

from crecer.pan import (
    average_consumption,
    facility_supply,
    item_stock,
    months_of_stock,
    stock_state,
)

RULE = {"min_months": 2.0, "max_months": 6.0}


def test_months_of_stock():
    assert_allclose(months_of_stock([60, 0, 10, 0], [30, 30, 0, 0]), [2.0, 0.0, np.inf, 0.0])


def test_states_at_their_boundaries():
    months = [0.0, 1.999, 2.0, 6.0, 6.001, np.inf]
    assert stock_state(months, **RULE).tolist() == [
        "stock_out", "at_risk", "normal", "normal", "overstock", "no_use",
    ]  # fmt: skip


def _report(rows):
    names = ["facility", "item", "month", "opening", "received", "dispensed", "closing", "expiry"]
    return pl.DataFrame(rows, schema=names, orient="row").with_columns(
        pl.col("month").cast(pl.Date), pl.col("expiry").cast(pl.Date)
    )


STOCK = _report(
    [
        # F1 drops: dispensed 10, 20, 30 in Apr-Jun (mean 20), 40 left: 2 months.
        ("F1", "iron_drops", date(2026, 4, 1), 0, 100, 10, 90, date(2027, 1, 1)),
        ("F1", "iron_drops", date(2026, 5, 1), 90, 0, 20, 70, date(2027, 1, 1)),
        ("F1", "iron_drops", date(2026, 6, 1), 70, 0, 30, 40, date(2027, 1, 1)),
        # F1 MMN: 300 sachets (10 child-months) but expired on 30 June: not usable.
        ("F1", "mmn", date(2026, 6, 1), 300, 0, 0, 300, date(2026, 6, 30)),
        # F2: nothing left of drops in June.
        ("F2", "iron_drops", date(2026, 6, 1), 5, 0, 5, 0, None),
        # F3: a May report only (June unknown).
        ("F3", "iron_drops", date(2026, 5, 1), 5, 0, 5, 0, None),
    ]
)


def test_average_consumption_over_the_months_reported():
    average = average_consumption(STOCK, date(2026, 6, 30), 3).sort("facility", "item")
    f1 = average.filter(facility="F1", item="iron_drops").row(0, named=True)
    assert (f1["average"], f1["months_reported"]) == (20.0, 3)  # (10 + 20 + 30) / 3
    # With a 2-month window, April drops out: (20 + 30) / 2 = 25.
    two = average_consumption(STOCK, date(2026, 6, 1), 2).filter(facility="F1", item="iron_drops")
    assert two["average"].item() == 25.0


def test_item_stock_by_consumption():
    now = item_stock(STOCK, date(2026, 6, 15), average_months=3, **RULE)
    assert now["facility"].to_list() == ["F1", "F1", "F2"]  # F3 did not report June
    drops = now.row(0, named=True)
    assert (drops["months"], drops["state"], drops["expired"]) == (2.0, "normal", False)
    mmn = now.row(1, named=True)
    assert mmn["expired"] is True
    assert mmn["state"] == "no_use"
    assert now.row(2, named=True)["state"] == "stock_out"


def test_iron_for_the_children_due():
    now = item_stock(STOCK, date(2026, 6, 15), average_months=3, **RULE)
    doses = pl.DataFrame({"item": ["iron_drops", "mmn"], "monthly_per_child": [1.0, 30.0]})
    due = pl.DataFrame({"facility": ["F1", "F2", "F4"], "children_due": [25, 3, 0]})
    supply = facility_supply(now, doses, due, **RULE)
    rows = {row["facility"]: row for row in supply.iter_rows(named=True)}
    # F1: 40 bottles = 40 child-months (the expired MMN left out) for 25 children: 1.6 months,
    # below 2: at risk before the stock runs out.
    assert rows["F1"]["child_months"] == 40.0
    assert rows["F1"]["months"] == 1.6
    assert rows["F1"]["state"] == "at_risk"
    assert rows["F1"]["due_without_stock"] is False
    # F2: children due and nothing in stock.
    assert rows["F2"]["state"] == "stock_out"
    assert rows["F2"]["due_without_stock"] is True
    # F4: no children due, no stock: nothing is at risk.
    assert rows["F4"]["due_without_stock"] is False
    # 50 bottles for 25 children is exactly 2 months: normal, not at risk.
    exactly = now.with_columns(
        pl.when(pl.col("item") == "iron_drops")
        .then(50)
        .otherwise(pl.col("closing"))
        .alias("closing")
    )
    f1 = facility_supply(exactly, doses, due, **RULE).filter(facility="F1")
    assert (f1["months"].item(), f1["state"].item()) == (2.0, "normal")
