"""The regional anemia dashboard: on one page, for a territory, what MINSA's anemia
dashboards follow — coverage, production, supplies, logistics, programming and budget
execution — each part opening to its detail (the territory page with its map and rankings,
the stock page, the execution page).

- coverage: the anemia indicators of the latest refresh (anemia, Hb tested, iron, Hb at 6
  months) with their trend over the refreshes, hidden like every aggregate where small;
- production: Hb tests and iron / MMN deliveries counted from the events, by month of the year;
- supplies and logistics: the stock page's states per facility, the facilities whose children
  are due for iron and have none, the units received and the expired stock of the month;
- programming and budget execution: the execution page's line of the territory."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Count
from django.db.models.functions import ExtractMonth

from crecer.access import policy
from crecer.access.policy import Can
from crecer.analytics.dashboard import SUBLEVEL, cell_for, choropleth, latest_refresh
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import hidden_cells
from crecer.budget import pages
from crecer.health.models import HemoglobinTest, ServiceRecord
from crecer.norms import Profile
from crecer.norms.pan import PanNorms
from crecer.registry.models import Child

COVERAGE = ("anemia_6_35", "hb_tested_6_35", "iron_6_35", "hb_screened_6m")
TREND_REFRESHES = 6


@dataclass
class CoverageRow:
    indicator: Any
    cell: Any
    trend: list[tuple[date, float | None]] = field(default_factory=list)


@dataclass
class Dashboard:
    code: str
    level: str
    refresh: Refresh | None
    personal: bool
    coverage: list[CoverageRow]
    production: list[dict]
    stock: pages.Stock
    states: dict[str, int]
    received: float
    expired: int
    execution: pages.Execution
    map: dict[str, Any] | None = None  # analytics/_map.html's context: map, chosen, min_cell


def iron_codes(profile: Profile) -> set[str]:
    """The HIS codes of the children's iron / MMN deliveries in the profile's schedules."""
    if profile.schedules is None:
        return set()
    return {
        code
        for schedule in profile.schedules.child
        for requirement in schedule.requirements
        if requirement.id == "iron"
        for code in requirement.codes
    }


def _level(profile: Profile, code: str) -> str:
    level = profile.territory.level_of_code(code) if code else None
    return level.id if level else "country"


def _coverage(user: Any, code: str, level: str, profile: Profile, personal: bool) -> tuple:
    refresh = latest_refresh(code)
    catalogue = profile.analytics
    if refresh is None or catalogue is None:
        return refresh, []
    unit = code or profile.profile.country
    indicators = [i for i in catalogue.indicators if i.id in COVERAGE]
    refreshes = list(
        Refresh.objects.filter(scope__in=[code[:n] for n in range(len(code) + 1)]).order_by(
            "-as_of", "-finished_at"
        )[:TREND_REFRESHES]
    )[::-1]
    values = {
        (v.refresh_id, v.indicator): v
        for v in IndicatorValue.objects.filter(
            refresh__in=refreshes, indicator__in=COVERAGE, level=level, code=unit
        )
    }
    hidden = {r.pk: None if personal else hidden_cells(r, profile) for r in refreshes}
    rows = []
    for indicator in indicators:
        value = values.get((refresh.pk, indicator.id))
        cell = cell_for(value, hidden.get(refresh.pk)) if value is not None else None
        trend = []
        for past in refreshes:
            found = values.get((past.pk, indicator.id))
            shown = cell_for(found, hidden[past.pk]) if found is not None else None
            trend.append((past.as_of, shown.percent if shown else None))
        rows.append(CoverageRow(indicator, cell, trend))
    return refresh, rows


def _map(
    code: str, level: str, refresh: Refresh | None, profile: Profile, personal: bool
) -> dict[str, Any] | None:
    """The choropleth of the sub-units for anemia (the first coverage indicator), as the
    territory pages draw it; hidden cells as the reader sees them."""
    sublevel = SUBLEVEL.get(level)
    catalogue = profile.analytics
    if refresh is None or sublevel is None or catalogue is None:
        return None
    chosen = next((i for i in catalogue.indicators if i.id == COVERAGE[0]), None)
    if chosen is None:
        return None
    hidden = None if personal else hidden_cells(refresh, profile)
    values = IndicatorValue.objects.filter(
        refresh=refresh, indicator=chosen.id, level=sublevel, code__startswith=code
    )
    cells = [cell_for(value, hidden) for value in values]
    drawn = choropleth(level, code, chosen, cells)
    return {"map": drawn, "chosen": chosen, "min_cell": profile.disclosure.min_cell}


def _production(user: Any, code: str, year: int, profile: Profile, personal: bool) -> list[dict]:
    """Per month of ``year``: the Hb tests and the iron / MMN deliveries of the territory's
    children that the user's scope holds (a count below the profile's small cell is hidden
    without personal detail)."""
    minimum = profile.disclosure.min_cell
    children = Child.objects.visible_to(user, Can.VIEW_AGGREGATES).filter(
        district__ubigeo__startswith=code
    )
    where = {"child__in": children, "date__year": year}
    tests = dict(
        HemoglobinTest.objects.filter(**where)
        .annotate(m=ExtractMonth("date"))
        .values_list("m")
        .annotate(n=Count("id"))
    )
    iron = dict(
        ServiceRecord.objects.filter(code__in=iron_codes(profile), **where)
        .annotate(m=ExtractMonth("date"))
        .values_list("m")
        .annotate(n=Count("id"))
    )

    def shown(count: int) -> int | None:
        return count if personal or count == 0 or count >= minimum else None

    return [
        {"month": date(year, m, 1), "hb": shown(tests.get(m, 0)), "iron": shown(iron.get(m, 0))}
        for m in range(1, 13)
        if m in tests or m in iron
    ]


def dashboard(user: Any, code: str, today: date, profile: Profile, pan: PanNorms) -> Dashboard:
    level = _level(profile, code)
    personal = policy.sees_personal_in(user, code)
    refresh, coverage = _coverage(user, code, level, profile, personal)
    execution = pages.execution(user, code, None, today, profile, pan)
    stock = pages.stock(user, code, None, pan)
    states: dict[str, int] = {}
    for facility in stock.facilities:
        states[facility["state"]] = states.get(facility["state"], 0) + 1
    received = sum(
        float(v)
        for v in pages.visible_stock(user, code)
        .filter(month=stock.month)
        .values_list("received", flat=True)
    )
    expired = sum(1 for item in stock.items if item["expired"])
    year = execution.year or today.year
    return Dashboard(
        code, level, refresh, personal, coverage, _production(user, code, year, profile, personal),
        stock, states, received, expired, execution,
        _map(code, level, refresh, profile, personal),
    )  # fmt: skip
