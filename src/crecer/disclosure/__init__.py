"""Small-cell suppression of aggregates shown to users without personal-data rights.

Counts from 1 to ``min_cell - 1`` identify children in small places ("the 2 anemic children of
this hamlet"), so they are hidden. Hiding one cell is not enough when the total is shown: total
minus the others gives it back. So whenever a group with a published total has exactly one hidden
cell, the smallest other non-zero cell is hidden too (secondary suppression). Zeros are shown:
"nobody" is not a disclosure about a person. Pure functions, no I/O.

The functions here protect one group with its total (a table column). Published tables of
rates by territory (open data, territory pages) are protected as a whole, across levels and
across indicators that count the same children, by :func:`crecer.disclosure.tables.protect`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from crecer.disclosure.tables import linked_groups, primary, protect

__all__ = [
    "Rate",
    "is_small",
    "linked_groups",
    "primary",
    "protect",
    "shown",
    "suppress",
    "suppress_column",
    "suppress_rate",
    "total_or_none",
]

Key = TypeVar("Key")


def is_small(count: int, min_cell: int) -> bool:
    return 0 < count < min_cell


def suppress(
    counts: Mapping[Key, int], min_cell: int, *, total_shown: bool = True
) -> dict[Key, int | None]:
    """The counts with small cells replaced by None (primary and secondary suppression)."""
    hidden = {key for key, count in counts.items() if is_small(count, min_cell)}
    if total_shown and len(hidden) == 1:
        candidates = sorted(
            (count, index, key)
            for index, (key, count) in enumerate(counts.items())
            if key not in hidden and count > 0
        )
        if candidates:
            hidden.add(candidates[0][2])
    return {key: None if key in hidden else count for key, count in counts.items()}


def total_or_none(
    counts: Mapping[Key, int], cells: Mapping[Key, int | None], min_cell: int
) -> int | None:
    """The group's total, or None when it must be hidden too: it is itself small, or one cell
    is still the only hidden one (a group of a single non-zero cell has no partner to hide)."""
    total = sum(counts.values())
    lone = sum(value is None for value in cells.values()) == 1
    return None if is_small(total, min_cell) or lone else total


@dataclass(frozen=True)
class Rate:
    """A numerator over a denominator, or the reason it is not shown."""

    numerator: int | None
    denominator: int | None
    percent: float | None

    @property
    def suppressed(self) -> bool:
        return self.percent is None and self.denominator != 0


def suppress_rate(numerator: int, denominator: int, min_cell: int) -> Rate:
    """A rate is hidden when the numerator, or the children outside it, are a small count:
    "1 of 40" and "39 of 40" both point at one child."""
    if denominator == 0:
        return Rate(0, 0, None)
    rest = denominator - numerator
    if is_small(numerator, min_cell) or is_small(rest, min_cell):
        return Rate(None, None, None)
    return Rate(numerator, denominator, round(100 * numerator / denominator, 1))


def shown(count: int | None, min_cell: int) -> str:
    """How a possibly suppressed count is written: "<5" for a hidden one."""
    return f"<{min_cell}" if count is None else str(count)


def suppress_column(counts: Sequence[int], min_cell: int) -> list[int | None]:
    """:func:`suppress` for a plain list (a table column with its total shown)."""
    result = suppress(dict(enumerate(counts)), min_cell)
    return [result[index] for index in range(len(counts))]
