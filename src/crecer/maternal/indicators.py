"""The maternal indicators of a territory unit as a page reads them (the latest refresh that
holds the unit; hidden cells as the public sees them unless the user sees personal detail on
the unit), and the women behind a number (recomputed for the unit as of that refresh's date:
the per-pregnancy status is not stored)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from crecer.access import policy
from crecer.analytics.dashboard import Cell, cell_for, latest_refresh
from crecer.analytics.indicators import counted
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import hidden_cells
from crecer.maternal.models import Pregnancy, Woman
from crecer.maternal.status import maternal_status
from crecer.norms import Profile
from crecer.norms.indicators import Indicator


@dataclass(frozen=True)
class Line:
    indicator: Indicator
    cell: Cell | None


def unit_lines(profile: Profile, user: Any, code: str) -> tuple[Refresh | None, list[Line]]:
    refresh = latest_refresh(code)
    indicators = profile.analytics.maternal_indicators if profile.analytics else []
    if refresh is None or not indicators:
        return refresh, []
    level = profile.territory.level_of_code(code) if code else None
    values = {
        value.indicator: value
        for value in IndicatorValue.objects.filter(
            refresh=refresh,
            level=level.id if level else "country",
            code=code or profile.profile.country,
            indicator__in=[i.id for i in indicators],
        )
    }
    hidden = None if policy.sees_personal_in(user, code) else hidden_cells(refresh, profile)
    return refresh, [
        Line(i, cell_for(values[i.id], hidden) if i.id in values else None) for i in indicators
    ]


def women_behind(
    profile: Profile, indicator: Indicator, code: str, refresh: Refresh, user: Any
) -> list[tuple[Pregnancy, bool]]:
    """The pregnancies in the denominator of ``indicator`` in unit ``code``, each with whether
    it is in the numerator; only women the user may see."""
    status = maternal_status(code, refresh.as_of, profile)
    flags = status.select(
        "pregnancy_id",
        counted(indicator, "denominator").alias("d"),
        counted(indicator, "numerator").alias("n"),
    ).filter(pl.col("d"))
    numerator = dict(zip(flags["pregnancy_id"].to_list(), flags["n"].to_list(), strict=True))
    visible = Woman.objects.visible_to(user)
    pregnancies = (
        Pregnancy.objects.filter(pk__in=list(numerator), woman__in=visible)
        .select_related("woman", "woman__district")
        .order_by("woman__paternal_surname", "woman__given_names", "pk")
    )
    return [(p, bool(numerator[p.pk])) for p in pregnancies]
