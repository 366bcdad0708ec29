"""The children behind a number: those of an indicator's numerator or denominator in one
territory unit, as the refresh computed them, limited to what the user may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from crecer.analytics.models import ChildStatus, Refresh
from crecer.norms.indicators import Indicator
from crecer.registry.models import Child
from crecer.territory.models import within


def unit_filter(level: str, code: str) -> Q:
    if level == "country":
        return Q()
    if level in {"department", "province", "district"}:
        return within(code)
    if level == "populated_center":
        return Q(populated_center_id=code)
    if level == "facility":
        return Q(care_facility=code)
    raise ValueError(f"unknown level {level!r}")


def statuses_behind(
    refresh: Refresh, indicator: Indicator, level: str, code: str, part: str
) -> QuerySet[ChildStatus]:
    """Status rows of the ``part`` ("numerator" or "denominator") of one indicator cell. The
    catalogue's SQL conditions run in the database, as they ran in Polars."""
    conditions = [indicator.denominator_sql()]
    if part == "numerator":
        conditions.append(f"({indicator.numerator})")
    elif part != "denominator":
        raise ValueError(f"part is numerator or denominator, not {part!r}")
    return ChildStatus.objects.filter(unit_filter(level, code), refresh=refresh).extra(
        where=conditions
    )


def children_behind(
    user: Any, refresh: Refresh, indicator: Indicator, level: str, code: str, part: str
) -> QuerySet[Child]:
    ids = statuses_behind(refresh, indicator, level, code, part).values("child_id")
    return Child.objects.visible_to(user).filter(pk__in=ids)
