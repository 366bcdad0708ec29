"""Months of stock and stock-out risk per facility, from the medicine-supply system's monthly
report (opening, received, dispensed, closing stock, expiry) — vectorised over facilities.

Two measures of how long a stock lasts:

- **by consumption**, for every item: closing stock ÷ the average monthly dispensing of the
  last ``average_months`` months reported (the supply system's usual measure);
- **by need**, for iron for children: the child-months the iron items in stock cover
  (closing ÷ the item's monthly dose per child, summed over drops, syrup and MMN) ÷ the
  children due for iron at the facility (from the schedules) — what the children due would
  need, whether or not they come.

A state from the months: ``stock_out`` (nothing in stock), ``at_risk`` (fewer than
``min_months``), ``normal``, ``overstock`` (more than ``max_months``), ``no_use`` (stock but
neither consumption nor children due: months cannot be told). ``min_months`` itself is normal,
``max_months`` itself is normal."""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

Floats = npt.NDArray[np.float64]
STOCK_STATES = ("stock_out", "at_risk", "normal", "overstock", "no_use")
KEYS = ["facility", "item"]


def months_of_stock(closing: npt.ArrayLike, monthly: npt.ArrayLike) -> Floats:
    """Closing stock ÷ monthly use: 0 with nothing in stock, infinity with stock but no use,
    NaN with neither."""
    stock = np.asarray(closing, dtype=np.float64)
    use = np.asarray(monthly, dtype=np.float64)
    out = np.full(np.broadcast(stock, use).shape, np.nan)
    np.divide(stock, use, out=out, where=use > 0)
    out = np.where((use <= 0) & (stock > 0), np.inf, out)
    return np.where(stock <= 0, 0.0, out)


def stock_state(
    months: npt.ArrayLike, min_months: float, max_months: float
) -> npt.NDArray[np.str_]:
    """The state of each of ``months`` (see the module): ``stock_out`` at 0, ``at_risk`` below
    ``min_months``, ``overstock`` above ``max_months``, ``no_use`` for infinity or NaN."""
    m = np.asarray(months, dtype=np.float64)
    conditions = [m <= 0, m < min_months, ~np.isfinite(m), m > max_months]
    choices = ["stock_out", "at_risk", "no_use", "overstock"]
    return np.select(conditions, choices, default="normal").astype(np.str_)


def _month_index(column: str) -> pl.Expr:
    return pl.col(column).dt.year().cast(pl.Int32) * 12 + pl.col(column).dt.month().cast(pl.Int32)


def average_consumption(stock: pl.DataFrame, month: date, average_months: int) -> pl.DataFrame:
    """Per (facility, item): the mean monthly ``dispensed`` over the months reported among the
    ``average_months`` months ending with ``month`` (``month``: any day of it). A month not
    reported is unknown, not zero."""
    last = month.year * 12 + month.month
    window = stock.filter(_month_index("month").is_between(last - average_months + 1, last))
    return window.group_by(KEYS).agg(
        pl.col("dispensed").cast(pl.Float64).mean().alias("average"),
        pl.len().alias("months_reported"),
    )


def item_stock(
    stock: pl.DataFrame, month: date, *, average_months: int, min_months: float, max_months: float
) -> pl.DataFrame:
    """Per (facility, item) reported in ``month``: its ``closing`` stock, ``expiry``,
    ``average`` monthly dispensing, ``months`` of stock by consumption, ``state`` and
    ``expired`` (stock whose expiry date is on or before the month's end)."""
    index = month.year * 12 + month.month
    now = stock.filter(_month_index("month") == index).select(
        *KEYS, "opening", "received", "dispensed", "closing", "expiry"
    )
    joined = now.join(average_consumption(stock, month, average_months), on=KEYS, how="left")
    months = months_of_stock(
        joined["closing"].to_numpy(), joined["average"].fill_null(0).to_numpy()
    )
    month_end = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return joined.with_columns(
        pl.Series("months", months, dtype=pl.Float64),
        pl.Series("state", stock_state(months, min_months, max_months), dtype=pl.String),
        ((pl.col("closing") > 0) & (pl.col("expiry") < month_end))
        .fill_null(False)
        .alias("expired"),
    ).sort(KEYS)


def facility_supply(
    items_now: pl.DataFrame,
    doses: pl.DataFrame,
    due: pl.DataFrame,
    *,
    min_months: float,
    max_months: float,
) -> pl.DataFrame:
    """Iron for children by need, per facility.

    ``items_now``: :func:`item_stock`'s frame (facility, item, closing, expired…); ``doses``:
    (item, monthly_per_child) of the iron items for children; ``due``: (facility,
    children_due). Returns per facility (every facility of either side): ``children_due``,
    ``child_months`` (the child-months the iron in stock covers, expired stock left out),
    ``months`` (child_months ÷ children_due), ``state`` and ``due_without_stock`` (children
    due and no iron for them)."""
    usable = items_now.filter(~pl.col("expired")).join(doses, on="item", how="inner")
    cover = usable.group_by("facility").agg(
        (pl.col("closing").cast(pl.Float64) / pl.col("monthly_per_child"))
        .sum()
        .alias("child_months")
    )
    frame = (
        due.select("facility", pl.col("children_due").cast(pl.Int64))
        .join(cover, on="facility", how="full", coalesce=True)
        .with_columns(
            pl.col("children_due").fill_null(0),
            pl.col("child_months").fill_null(0.0),
        )
        .sort("facility")
    )
    months = months_of_stock(frame["child_months"].to_numpy(), frame["children_due"].to_numpy())
    return frame.with_columns(
        pl.Series("months", months, dtype=pl.Float64),
        pl.Series("state", stock_state(months, min_months, max_months), dtype=pl.String),
        ((pl.col("children_due") > 0) & (pl.col("child_months") <= 0)).alias("due_without_stock"),
    )
