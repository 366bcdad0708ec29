"""Execution against the calendar, physical progress, cost per output: hand-computed cases."""

from datetime import date

import numpy as np
import polars as pl
import pytest
from numpy.testing import assert_allclose

from crecer.pan import (
    calendar_share,
    cost_per_output,
    execution_rate,
    execution_table,
    months_elapsed,
    physical_progress,
    spending_gap,
)


def test_execution_rate_is_accrued_over_pim():
    # budget_pan.md's 2019 example: PIM S/ 159,143, accrued S/ 127,864 -> "Avance 80.3 %".
    assert round(float(execution_rate(127_864, 159_143)) * 100, 1) == 80.3
    assert np.isnan(execution_rate(10, 0))  # no PIM: no rate, not infinity


@pytest.mark.parametrize(
    ("year", "on", "months"),
    [
        (2026, date(2025, 12, 31), 0),  # before the year
        (2026, date(2026, 1, 1), 0),
        (2026, date(2026, 1, 30), 0),
        (2026, date(2026, 1, 31), 1),  # January's last day: January is gone
        (2026, date(2026, 2, 28), 2),  # 2026 is not a leap year
        (2024, date(2024, 2, 28), 1),  # 2024 is: 29 February is still to come
        (2026, date(2026, 6, 15), 5),
        (2026, date(2026, 12, 31), 12),
        (2026, date(2027, 3, 1), 12),  # after the year
    ],
)
def test_months_elapsed(year, on, months):
    assert months_elapsed(year, on) == months


def test_calendar_share_and_its_limits():
    assert_allclose(calendar_share([0, 6, 12]), [0.0, 0.5, 1.0])
    with pytest.raises(ValueError, match="0 to 12"):
        calendar_share(13)


def test_cost_per_output_on_a_hand_built_case():
    # S/ 90,000 accrued for 300 children with CRED complete: S/ 300 per child; nothing produced
    # has no cost per output.
    assert_allclose(cost_per_output([90_000, 5_000], [300, 0]), [300.0, np.nan])
    assert_allclose(physical_progress([300, 10], [400, 0]), [0.75, np.nan])


def test_the_gap_between_money_and_children():
    # 80 % of the PIM accrued, 50 % of the goal reached: 30 points of money ahead of children.
    assert_allclose(spending_gap(80, 100, 50, 100), 0.30)
    assert_allclose(spending_gap(20, 100, 50, 100), -0.30)


def test_execution_table_against_the_calendar():
    rows = pl.DataFrame(
        {
            "unit": ["A", "A", "B"],
            "pia": [100.0, 0.0, 50.0], "pim": [100.0, 100.0, 0.0],
            "certified": [90.0, 50.0, 0.0], "committed": [80.0, 40.0, 0.0],
            "accrued": [60.0, 30.0, 0.0], "paid": [50.0, 30.0, 0.0],
        }
    )  # fmt: skip
    table = execution_table(rows, ["unit"], months=6)
    a, b = table.row(0, named=True), table.row(1, named=True)
    # A: accrued 90 of PIM 200 = 45 %, half the year gone: 5 points behind the calendar.
    assert (a["pim"], a["accrued"]) == (200.0, 90.0)
    assert a["rate"] == pytest.approx(0.45)
    assert a["expected"] == 0.5
    assert a["behind"] == pytest.approx(0.05)
    assert b["rate"] is None
    assert b["behind"] is None
