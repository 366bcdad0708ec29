"""Children of a center's populated centers who are in a PIM age band and have not had the
month's valid home visits yet: their visits of the month judged by the profile's rules
(:mod:`crecer.visits`), nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np

from crecer.anemia import completed_months
from crecer.community.models import HomeVisit
from crecer.norms.community import PimVisits
from crecer.registry.models import Child
from crecer.visits import Visit, judge, monthly


@dataclass(frozen=True)
class VisitDue:
    child: Child
    band: str  # the age band's id
    band_name: str
    valid_visits: int
    required: int


def _month_start(on: date) -> date:
    return on.replace(day=1)


def not_visited(
    user: Any, codes: list[str], on: date, rules: PimVisits, language: str
) -> list[VisitDue]:
    """The visible, active children of populated centers ``codes`` in an age band on ``on``
    whose valid visits of ``on``'s month (up to ``on``) are fewer than the band requires."""
    oldest = max(band.to_months for band in rules.bands) + 1
    youngest = min(band.from_months for band in rules.bands)
    earliest = on - timedelta(days=31 * oldest + 1)
    latest = on - timedelta(days=28 * youngest - 1) if youngest else on
    children = list(
        Child.objects.visible_to(user)
        .active()
        .filter(populated_center_id__in=codes, birth_date__gt=earliest, birth_date__lte=latest)
        .select_related("populated_center")
        .order_by("birth_date", "id")
    )
    if not children:
        return []
    ages = completed_months(
        np.array([c.birth_date for c in children], dtype="datetime64[D]"),
        np.array([on] * len(children), dtype="datetime64[D]"),
    ).tolist()
    bands = {}
    for child, months in zip(children, ages, strict=True):
        band = next((b for b in rules.bands if b.from_months <= months <= b.to_months), None)
        if band is not None:
            bands[child.pk] = band
    births = {c.pk: c.birth_date for c in children}
    visits = HomeVisit.objects.filter(
        child_id__in=list(bands), date__gte=_month_start(on), date__lte=on
    ).order_by("date", "id")
    judged = judge(
        [
            Visit(
                v.pk,
                v.child_id,
                births[v.child_id],
                v.date,
                v.result,
                v.channel,
                v.duration_minutes,
                v.app_status,
                v.limit_reason,
            )
            for v in visits
        ],
        rules,
    )
    counted = {count.person: count for count in monthly(judged, rules)}
    due = []
    for child in children:
        band = bands.get(child.pk)
        if band is None:
            continue
        count = counted.get(child.pk)
        if count is not None and count.visited:
            continue
        valid = count.valid_visits if count else 0
        due.append(VisitDue(child, band.id, band.name.get(language), valid, band.required.value))
    return due
