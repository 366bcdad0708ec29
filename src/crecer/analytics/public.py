"""What a refresh publishes to users without personal detail on a unit: the cells of its whole
table (country, departments, provinces, districts × every indicator) hidden as one pattern by
:func:`crecer.disclosure.tables.protect`, so that neither subtraction across levels nor across
indicators that count the same children gives a hidden cell back. Open data, the territory
pages, their rankings, maps and trends all read this one pattern: a cell hidden in one of them
is hidden in all."""

from __future__ import annotations

from collections import OrderedDict

import numpy as np

from crecer.analytics.models import IndicatorValue, Refresh
from crecer.disclosure.tables import linked_groups, protect
from crecer.norms import Profile
from crecer.norms.conditions import parse_condition, to_sql
from crecer.norms.indicators import Indicator

Cell = tuple[str, str, str]  # indicator, level, code


def public_levels(profile: Profile) -> list[str]:
    """The levels published to everyone: the country and the territory levels down to the
    district (finer units and facilities are too small to publish)."""
    residence = profile.territory.level("district").code_length
    levels = [level for level in profile.territory.levels if level.code_length <= residence]
    return ["country", *(level.id for level in levels)]


def count_keys(indicator: Indicator) -> tuple[frozenset[str], frozenset[str]]:
    """The children an indicator's numerator and denominator count, as the set of its
    conditions (in canonical SQL): equal keys are the same children in every unit."""
    parts = [f"age_days >= {indicator.min_age_days}", f"age_days < {indicator.max_age_days}"]
    parts += [
        to_sql(parse_condition(text))
        for text in (indicator.population, indicator.denominator)
        if text is not None
    ]
    denominator = frozenset(parts)
    return denominator | {to_sql(parse_condition(indicator.numerator))}, denominator


def hidden_cells(refresh: Refresh, profile: Profile) -> frozenset[Cell]:
    """The cells of ``refresh`` hidden from users without personal detail on them, computed
    once per process and refresh (a refresh never changes; ``finished_at`` tells a re-run of
    the same date and scope apart)."""
    key = (refresh.pk, refresh.finished_at, profile.profile.id, profile.disclosure.min_cell)
    if key in _CACHE:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    found = _hidden(refresh, profile)
    _CACHE[key] = found
    while len(_CACHE) > CACHED_REFRESHES:
        _CACHE.popitem(last=False)
    return found


# Two years of monthly national refreshes and a few scoped ones; each pattern is a set of
# cells (some 20,000 tuples for a national refresh).
CACHED_REFRESHES = 48
_CACHE: OrderedDict[tuple, frozenset[Cell]] = OrderedDict()


def _hidden(refresh: Refresh, profile: Profile) -> frozenset[Cell]:
    levels = public_levels(profile)
    rows = list(
        IndicatorValue.objects.filter(refresh=refresh, level__in=levels).values_list(
            "indicator", "level", "code", "numerator", "denominator"
        )
    )
    if not rows:
        return frozenset()
    catalogue = {i.id: i for i in profile.analytics.indicators} if profile.analytics else {}
    indicators = sorted({row[0] for row in rows})
    keys = [
        count_keys(catalogue[i]) if i in catalogue else ((i, "n"), (i, "d")) for i in indicators
    ]
    units = sorted({(level, code) for _, level, code, _, _ in rows}, key=_depth(levels))
    row_of = {unit: number for number, unit in enumerate(units)}
    column_of = {indicator: number for number, indicator in enumerate(indicators)}
    numerators = np.zeros((len(units), len(indicators)), dtype=np.int64)
    denominators = np.zeros_like(numerators)
    for indicator, level, code, numerator, denominator in rows:
        numerators[row_of[(level, code)], column_of[indicator]] = numerator
        denominators[row_of[(level, code)], column_of[indicator]] = denominator
    # Nested age bands (stunting under 3 inside under 5): their difference is a published
    # count too (the stunted children aged 3 to 5), protected as one more linked column.
    bands = nested_bands([catalogue[i] for i in indicators if i in catalogue])
    for big, small in bands:
        keys.append((*count_keys(catalogue[big]), *count_keys(catalogue[small])))
    extra = [(column_of[big], column_of[small]) for big, small in bands]
    numerators = _with_differences(numerators, extra)
    denominators = _with_differences(denominators, extra)
    groups = linked_groups(keys)
    parents = [row_of.get(_parent(unit, levels, profile), -1) for unit in units]
    # A wider refresh of the same date counts the same children: what it hides stays hidden
    # here, else this one's pages would show a partner that the wider table hid.
    wider = Refresh.objects.filter(as_of=refresh.as_of).exclude(pk=refresh.pk)
    forced = np.zeros_like(numerators, dtype=np.bool_)  # the band columns: never forced
    for other in wider:
        if other.scope != refresh.scope and refresh.scope.startswith(other.scope):
            for indicator, level, code in hidden_cells(other, profile):
                if (level, code) in row_of and indicator in column_of:
                    forced[row_of[(level, code)], column_of[indicator]] = True
    # Scoped users see their own territory's counts on their dashboards: the public table
    # must also hold against a reader who knows one unit exactly.
    hidden = protect(
        parents, numerators, denominators, groups, profile.disclosure.min_cell, forced, insider=True
    )
    hidden = hidden[:, : len(indicators)]
    return frozenset(
        (indicators[column], *units[row]) for row, column in zip(*np.nonzero(hidden), strict=True)
    )


def nested_bands(indicators: list[Indicator]) -> list[tuple[str, str]]:
    """Pairs (wider, narrower) of indicators that count the same thing over nested age ranges:
    the wider minus the narrower counts the children of the ages between."""
    pairs = []
    for wide in indicators:
        for narrow in indicators:
            same = (wide.population, wide.denominator, wide.numerator) == (
                narrow.population,
                narrow.denominator,
                narrow.numerator,
            )
            inside = wide.min_age_days <= narrow.min_age_days <= narrow.max_age_days
            inside = inside and narrow.max_age_days <= wide.max_age_days
            ages = (wide.min_age_days, wide.max_age_days) != (
                narrow.min_age_days,
                narrow.max_age_days,
            )
            if same and inside and ages:
                pairs.append((wide.id, narrow.id))
    return pairs


def _with_differences(counts: np.ndarray, pairs: list[tuple[int, int]]) -> np.ndarray:
    """``counts`` with one more column per pair: the wider column minus the narrower."""
    if not pairs:
        return counts
    wide, narrow = (np.array(columns) for columns in zip(*pairs, strict=True))
    return np.hstack([counts, counts[:, wide] - counts[:, narrow]])


def _depth(levels: list[str]):
    order = {level: number for number, level in enumerate(levels)}
    return lambda unit: (order[unit[0]], unit[1])


def _parent(unit: tuple[str, str], levels: list[str], profile: Profile) -> tuple[str, str] | None:
    level, code = unit
    position = levels.index(level)
    if position == 0:
        return None
    above = levels[position - 1]
    if above == "country":
        return ("country", profile.profile.country)
    return (above, code[: profile.territory.level(above).code_length])


def is_hidden(hidden: frozenset[Cell], value: IndicatorValue) -> bool:
    return (value.indicator, value.level, value.code) in hidden
