"""What a territory page shows from the latest refresh: every indicator's value with its
numerator and denominator, target and gap, monthly trend, and the ranking of the sub-units
for one chosen indicator. Small cells are hidden for users without personal-data rights."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Q

from crecer.access.policy import Can, can
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.disclosure import suppress_rate
from crecer.norms import Profile
from crecer.norms.indicators import Indicator, Target

SUBLEVEL = {"country": "department", "department": "province", "province": "district"}
CODE_LEVEL = {0: "country", 2: "department", 4: "province", 6: "district"}


@dataclass
class Cell:
    code: str
    numerator: int | None
    denominator: int | None
    percent: float | None
    name: str = ""

    @property
    def suppressed(self) -> bool:
        return self.percent is None and self.denominator is None


@dataclass
class Row:
    indicator: Indicator
    cell: Cell | None
    target: Target | None
    trend: list[tuple[date, float | None]] = field(default_factory=list)

    @property
    def gap(self) -> float | None:
        """Percentage points from the target, positive when the target is not met."""
        if self.cell is None or self.cell.percent is None or self.target is None:
            return None
        difference = self.cell.percent - self.target.value
        return round(difference if self.indicator.lower_is_better else -difference, 1)


def latest_refresh(code: str) -> Refresh | None:
    """The most recent refresh whose scope holds the whole unit ``code`` ("" = country)."""
    scopes = [code[:n] for n in (0, 2, 4, 6) if n <= len(code)]
    return Refresh.objects.filter(scope__in=scopes).order_by("-as_of", "-finished_at").first()


def cell_for(value: IndicatorValue, personal: bool, min_cell: int, name: str = "") -> Cell:
    if personal:
        return Cell(value.code, value.numerator, value.denominator, value.percent, name)
    rate = suppress_rate(value.numerator, value.denominator, min_cell)
    return Cell(value.code, rate.numerator, rate.denominator, rate.percent, name)


def dashboard(code: str, user: Any, profile: Profile, chosen: str | None) -> dict | None:
    """Context for the indicators section of the page of unit ``code`` ("" = country)."""
    refresh = latest_refresh(code)
    if refresh is None or profile.analytics is None:
        return None
    level = CODE_LEVEL[len(code)]
    unit_code = code or "PE"
    personal = can(user, Can.VIEW_PERSONAL)
    min_cell = profile.disclosure.min_cell
    values = {
        v.indicator: v
        for v in IndicatorValue.objects.filter(refresh=refresh, level=level, code=unit_code)
    }
    history = (
        IndicatorValue.objects.filter(refresh__scope=refresh.scope, level=level, code=unit_code)
        .select_related("refresh")
        .order_by("refresh__as_of")
    )
    trends: dict[str, list[tuple[date, float | None]]] = {}
    for value in history:
        shown = cell_for(value, personal, min_cell)
        trends.setdefault(value.indicator, []).append((value.refresh.as_of, shown.percent))
    rows = [
        Row(
            indicator,
            cell_for(values[indicator.id], personal, min_cell) if indicator.id in values else None,
            indicator.target_for(refresh.as_of.year),
            trends.get(indicator.id, []),
        )
        for indicator in profile.analytics.indicators
    ]
    ids = [indicator.id for indicator in profile.analytics.indicators]
    chosen_id = chosen if chosen in ids else ids[0]
    return {
        "refresh": refresh,
        "level": level,
        "unit_code": unit_code,
        "rows": rows,
        "chosen": profile.analytics.indicator(chosen_id),
        "ranking": ranking(
            refresh, level, code, profile.analytics.indicator(chosen_id), personal, min_cell
        ),
        "personal": personal,
        "min_cell": min_cell,
    }


def ranking(
    refresh: Refresh, level: str, code: str, indicator: Indicator, personal: bool, min_cell: int
) -> list[Cell]:
    """Sub-units of ``code`` for ``indicator``, worst first (hidden cells last)."""
    sublevel = SUBLEVEL.get(level)
    if sublevel is None:
        return []
    values = IndicatorValue.objects.filter(
        Q(code__startswith=code) if code else Q(),
        refresh=refresh,
        level=sublevel,
        indicator=indicator.id,
    )
    names = _names(sublevel, [v.code for v in values])
    cells = [cell_for(v, personal, min_cell, names.get(v.code, v.code)) for v in values]
    worst_first = -1 if indicator.lower_is_better else 1
    return sorted(
        cells,
        key=lambda c: (c.percent is None, worst_first * (c.percent or 0.0), c.code),
    )


def _names(level: str, codes: list[str]) -> dict[str, str]:
    from crecer.territory.models import Department, District, Province

    model = {"department": Department, "province": Province, "district": District}[level]
    return dict(model.objects.filter(pk__in=codes).values_list("pk", "name"))
