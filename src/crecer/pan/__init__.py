"""Pure computation of the PAN budget and supply pages: execution against the calendar,
physical progress against goals, cost per output, months of stock against what the children
due need, and the stock-out risk. Arrays and Polars frames in, arrays and frames out; no Django,
no I/O, no clock (the month of the data is a parameter)."""

from crecer.pan.execution import (
    calendar_share,
    cost_per_output,
    execution_rate,
    execution_table,
    months_elapsed,
    physical_progress,
    spending_gap,
)
from crecer.pan.stock import (
    STOCK_STATES,
    average_consumption,
    facility_supply,
    item_stock,
    months_of_stock,
    stock_state,
)

__all__ = [
    "STOCK_STATES",
    "average_consumption",
    "calendar_share",
    "cost_per_output",
    "execution_rate",
    "execution_table",
    "facility_supply",
    "item_stock",
    "months_elapsed",
    "months_of_stock",
    "physical_progress",
    "spending_gap",
    "stock_state",
]
