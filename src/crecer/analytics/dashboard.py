"""What a territory page shows from the latest refresh: every indicator's value with its
numerator and denominator, target and gap, monthly trend, and the ranking and the map of the
sub-units for one chosen indicator. Users without personal detail on the unit (the right and
the unit inside their scope, :func:`crecer.access.policy.sees_personal_in`) see the
refresh's published pattern (:mod:`crecer.analytics.public`): small cells and the partners that
keep them from being recomputed are hidden, the same cells as in the open data."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from types import MappingProxyType
from typing import Any

from django.db.models import Q
from django.utils.translation import get_language

from crecer.access.policy import sees_personal_in
from crecer.analytics import maps
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import Cell as Published
from crecer.analytics.public import hidden_cells, is_hidden
from crecer.ingest.models import ImportRun
from crecer.norms import Profile
from crecer.norms.indicators import Indicator, Target
from crecer.territory.models import LoadKind

SUBLEVEL = {"country": "department", "department": "province", "province": "district"}


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
    scopes = [code[:n] for n in range(len(code) + 1)]  # a scope is a prefix of the unit's code
    return Refresh.objects.filter(scope__in=scopes).order_by("-as_of", "-finished_at").first()


def _level_of(profile: Profile, code: str) -> str:
    """The level of unit ``code`` ("" = the country) in the profile's territory."""
    level = profile.territory.level_of_code(code) if code else None
    if code and level is None:
        raise ValueError(f"{code!r} is not the code of a unit of {profile.profile.id}")
    return level.id if level else "country"


def cell_for(value: IndicatorValue, hidden: frozenset[Published] | None, name: str = "") -> Cell:
    """A stored value as shown: whole with personal detail (``hidden`` None), else hidden
    when the refresh's published pattern ``hidden`` holds it."""
    if hidden is not None and is_hidden(hidden, value):
        return Cell(value.code, None, None, None, name)
    return Cell(value.code, value.numerator, value.denominator, value.percent, name)


class Section:
    """The indicators section of a unit's page, read from the database only when the template
    needs it: ``_dashboard.html`` caches its rendering under :attr:`cache_key` (the refresh, the
    unit, the chosen indicator, whether small cells are shown, the language and the boundaries
    loaded), which is all that changes it. Most views are then two small queries and no
    rendering (the national page, in process: 24 → 13 ms)."""

    def __init__(
        self, code: str, user: Any, profile: Profile, chosen: str | None, refresh: Refresh
    ):
        self.code, self.user, self.profile, self.refresh = code, user, profile, refresh
        self.chosen = chosen
        self._data: dict | None = None

    def __bool__(self) -> bool:
        return True

    @property
    def cache_key(self) -> str:
        boundaries = (
            ImportRun.objects.filter(kind=LoadKind.BOUNDARIES).order_by("-pk").values("pk").first()
        )
        ids = [indicator.id for indicator in self.profile.analytics.indicators]
        parts = (
            self.refresh.pk, self.refresh.finished_at, self.code,
            self.chosen if self.chosen in ids else ids[0], sees_personal_in(self.user, self.code),
            get_language(), boundaries,
        )  # fmt: skip
        return hashlib.sha256(repr(parts).encode()).hexdigest()

    def __getitem__(self, name: str) -> Any:
        if name == "cache_key":
            return self.cache_key
        if self._data is None:
            self._data = dashboard(self.code, self.user, self.profile, self.chosen, self.refresh)
        return self._data[name]


def section(code: str, user: Any, profile: Profile, chosen: str | None) -> Section | None:
    """The indicators section of unit ``code`` ("" = country), None before any refresh."""
    refresh = latest_refresh(code)
    if refresh is None or profile.analytics is None:
        return None
    return Section(code, user, profile, chosen, refresh)


def dashboard(code: str, user: Any, profile: Profile, chosen: str | None, refresh: Refresh) -> dict:
    """Context for the indicators section of the page of unit ``code`` ("" = country), from
    ``refresh`` (:func:`section` checks there is one and that the profile has indicators)."""
    level = _level_of(profile, code)
    unit_code = code or profile.profile.country
    # Personal detail (counts unsuppressed, links to the children) takes the right and the
    # whole unit inside the user's scope; anywhere else the user sees what the public sees.
    personal = sees_personal_in(user, code)
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
    hidden = None if personal else hidden_cells(refresh, profile)
    trends: dict[str, list[tuple[date, float | None]]] = {}
    for value in history:
        past = None if personal else hidden_cells(value.refresh, profile)
        shown = cell_for(value, past)
        trends.setdefault(value.indicator, []).append((value.refresh.as_of, shown.percent))
    rows = [
        Row(
            indicator,
            cell_for(values[indicator.id], hidden) if indicator.id in values else None,
            indicator.target_for(refresh.as_of.year),
            trends.get(indicator.id, []),
        )
        for indicator in profile.analytics.indicators
    ]
    ids = [indicator.id for indicator in profile.analytics.indicators]
    selected = profile.analytics.indicator(chosen if chosen in ids else ids[0])
    ranked = ranking(refresh, level, code, selected, hidden)
    return {
        "refresh": refresh,
        "level": level,
        "unit_code": unit_code,
        "rows": rows,
        "chosen": selected,
        "ranking": ranked,
        "map": choropleth(level, code, selected, ranked),
        "personal": personal,
        "min_cell": min_cell,
    }


def ranking(
    refresh: Refresh,
    level: str,
    code: str,
    indicator: Indicator,
    hidden: frozenset[Published] | None,
) -> list[Cell]:
    """Sub-units of ``code`` for ``indicator``, worst first (hidden cells last); ``hidden``:
    the published pattern, None with personal detail on the unit."""
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
    cells = [cell_for(v, hidden, names.get(v.code, v.code)) for v in values]
    worst_first = -1 if indicator.lower_is_better else 1
    return sorted(
        cells,
        key=lambda c: (c.percent is None, worst_first * (c.percent or 0.0), c.code),
    )


def _names(level: str, codes: list[str]) -> dict[str, str]:
    from crecer.territory.models import Department, District, Province

    model = {"department": Department, "province": Province, "district": District}[level]
    return dict(model.objects.filter(pk__in=codes).values_list("pk", "name"))


# --- the map --------------------------------------------------------------------------------------

MAP_BOX = (440, 520)  # pixels: the largest map; Peru itself comes out about 350 × 520
TOLERANCE = 0.5  # pixels: finer detail is lost anyway when coordinates are rounded to pixels


@dataclass
class Shape:
    """One sub-unit on the map: its outline and how it is filled."""

    code: str
    name: str
    path: str
    cell: Cell | None
    fill: str | None  # None: hidden (hatched) or no data (grey), see ``state``

    @property
    def state(self) -> str:
        if self.cell is None or self.cell.denominator == 0:
            return "missing"
        return "hidden" if self.cell.percent is None else "value"


@dataclass
class Choropleth:
    width: int
    height: int
    shapes: list[Shape]
    legend: list[tuple[str, float, float]]  # fill, lowest and highest value of each class
    lower_is_better: bool
    unmapped: list[Cell]  # sub-units with a value but no outline loaded

    def has(self, state: str) -> bool:
        return any(shape.state == state for shape in self.shapes)

    @property
    def has_hidden(self) -> bool:
        return self.has("hidden")

    @property
    def has_missing(self) -> bool:
        return self.has("missing")


def choropleth(level: str, code: str, indicator: Indicator, cells: list[Cell]) -> Choropleth | None:
    """The map of the sub-units of ``code`` for ``indicator``, filled from the (already
    suppressed) ranking ``cells``; without shapes when no outline of the sub-level is loaded,
    None when the unit has no sub-level (a district)."""
    sublevel = SUBLEVEL.get(level)
    if sublevel is None:
        return None
    width, height, paths = outlines(sublevel, code)
    by_code = {cell.code: cell for cell in cells}
    # Classes come from the values this user sees: hidden cells must not move the breaks.
    breaks = maps.class_breaks([c.percent for c in cells if c.percent is not None])
    fills = maps.colours(len(breaks) - 1, indicator.lower_is_better) if breaks else ()
    names = _names(sublevel, list(paths))
    shapes = []
    for unit, path in paths.items():
        cell = by_code.get(unit)
        fill = None
        if cell is not None and cell.percent is not None:
            fill = fills[maps.class_of(cell.percent, breaks)]
        shapes.append(Shape(unit, names.get(unit, unit), path, cell, fill))
    legend = [(fills[i], breaks[i], breaks[i + 1]) for i in range(len(breaks) - 1)]
    unmapped = [cell for cell in cells if cell.code not in paths] if paths else []
    return Choropleth(width, height, shapes, legend, indicator.lower_is_better, unmapped)


def outlines(sublevel: str, code: str) -> tuple[int, int, Mapping[str, str]]:
    """Width, height and the SVG path of every ``sublevel`` outline inside unit ``code``, all
    in one frame fitted to them (no paths when none is loaded). Drawing the departments of
    Peru (3,400 points) takes some 20 ms of pure Python, on every view of the home page, so
    drawings are kept per process until a boundaries file is loaded again (the loader records
    each load) or an outline is deleted in the admin (the count changes)."""
    from crecer.territory.models import Boundary

    last_load = (
        ImportRun.objects.filter(kind=LoadKind.BOUNDARIES)
        .order_by("-started_at", "-pk")
        .values_list("pk", "started_at")
        .first()
    )
    count = Boundary.objects.filter(level=sublevel, code__startswith=code).count()
    return _drawn(sublevel, code, (last_load, count))


@lru_cache(maxsize=256)  # the country, 25 departments and 196 provinces fit
def _drawn(sublevel: str, code: str, stamp: tuple) -> tuple[int, int, Mapping[str, str]]:
    """:func:`outlines` for one state of the boundaries table (``stamp``: only the cache key)."""
    from crecer.territory.models import Boundary

    geometries = dict(
        Boundary.objects.filter(level=sublevel, code__startswith=code)
        .order_by("code")
        .values_list("code", "geometry")
    )
    box = maps.bounds(geometries.values())
    if box is None:
        return 0, 0, MappingProxyType({})
    frame = maps.fit(box, *MAP_BOX)
    paths = {unit: maps.svg_path(g, frame, TOLERANCE) for unit, g in geometries.items()}
    return frame.width, frame.height, MappingProxyType({u: p for u, p in paths.items() if p})
