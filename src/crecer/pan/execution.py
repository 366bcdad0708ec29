"""Budget execution against the calendar, physical progress and cost per output.

Execution is the accrued expenditure (devengado) over the modified budget (PIM), the MEF's
"avance %" (budget_pan.md); against the calendar it is compared with the share of the year
gone, months elapsed / 12. Physical progress is units produced over the units programmed
(the goals); cost per output is accrued over units produced. A ratio whose denominator is
zero is NaN (no budget, no goal, nothing produced), never infinity."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]
MONEY = ("pia", "pim", "certified", "committed", "accrued", "paid")


def _ratio(numerator: npt.ArrayLike, denominator: npt.ArrayLike) -> Floats:
    top = np.asarray(numerator, dtype=np.float64)
    bottom = np.asarray(denominator, dtype=np.float64)
    out = np.full(np.broadcast(top, bottom).shape, np.nan)
    np.divide(top, bottom, out=out, where=bottom != 0)
    return out


def execution_rate(accrued: npt.ArrayLike, pim: npt.ArrayLike) -> Floats:
    """Accrued ÷ PIM (0.5 is 50 %); NaN where the PIM is 0."""
    return _ratio(accrued, pim)


def months_elapsed(year: int, on: date) -> int:
    """Whole months of fiscal ``year`` gone by ``on``: the months before ``on``'s month, plus
    that month on its last day (0 before the year, 12 after it)."""
    if on.year < year:
        return 0
    if on.year > year:
        return 12
    last_day = (date(on.year + on.month // 12, on.month % 12 + 1, 1) - on).days == 1
    return on.month - 1 + int(last_day)


def calendar_share(months: npt.ArrayLike) -> Floats:
    """The share of the year gone after ``months`` months (0-12): months / 12."""
    elapsed = np.asarray(months, dtype=np.float64)
    if np.any((elapsed < 0) | (elapsed > 12)):
        raise ValueError("months elapsed must be from 0 to 12")
    return elapsed / 12.0


def physical_progress(produced: npt.ArrayLike, programmed: npt.ArrayLike) -> Floats:
    """Units produced ÷ units programmed; NaN without a goal."""
    return _ratio(produced, programmed)


def cost_per_output(accrued: npt.ArrayLike, produced: npt.ArrayLike) -> Floats:
    """Accrued ÷ units produced (soles per child served); NaN where nothing was produced."""
    return _ratio(accrued, produced)


def spending_gap(
    accrued: npt.ArrayLike,
    pim: npt.ArrayLike,
    produced: npt.ArrayLike,
    programmed: npt.ArrayLike,
) -> Floats:
    """Execution rate minus physical progress: positive when the money went out faster than
    the children were reached (0.30 is 30 percentage points); NaN when either is unknown."""
    return execution_rate(accrued, pim) - physical_progress(produced, programmed)


def execution_table(rows: pl.DataFrame, by: list[str], months: int) -> pl.DataFrame:
    """Execution rows (``by`` columns and the money columns of :data:`MONEY`) summed by ``by``,
    with ``rate`` (accrued ÷ PIM), ``expected`` (``months`` / 12) and ``behind`` (expected −
    rate, in proportions: positive when behind the calendar)."""
    expected = float(calendar_share(months))
    summed = rows.group_by(by).agg(pl.col(name).sum() for name in MONEY).sort(by)
    rate = execution_rate(summed["accrued"].to_numpy(), summed["pim"].to_numpy())
    return summed.with_columns(
        pl.Series("rate", rate, dtype=pl.Float64).fill_nan(None),
        pl.lit(expected).alias("expected"),
        (pl.lit(expected) - pl.Series(rate).fill_nan(None)).alias("behind"),
    )
