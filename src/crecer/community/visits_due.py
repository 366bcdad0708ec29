"""Children of a center's populated centers who are in a PIM age band and have not had the
month's valid home visits yet: their visits of the month judged by the profile's rules
(:mod:`crecer.visits`), nothing stored."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from django.utils.translation import gettext_lazy as _

from crecer.anemia import completed_months
from crecer.community.models import HomeVisit
from crecer.norms.community import AgeBand, PimVisits
from crecer.registry.models import Child
from crecer.visits import Judgement, MonthCount, Visit, judge, monthly

# The judgements of crecer.visits in words.
REASON_LABELS = {
    "valid": _("valid"),
    "before_birth": _("before the birth"),
    "outside_age_band": _("outside the age bands"),
    "not_found": _("not found"),
    "refused": _("refused"),
    "app_not_valid": _("not valid in the application"),
    "app_limit_exceeded": _("limit exceeded in the application"),
    "too_short": _("too short"),
    "same_day": _("second on the same day"),
    "over_limit": _("over the month's limit"),
}


@dataclass(frozen=True)
class VisitDue:
    child: Child
    band: str  # the age band's id
    band_name: str
    valid_visits: int
    required: int


def _month_start(on: date) -> date:
    return on.replace(day=1)


@dataclass
class VisitMonth:
    """A month of home visits to the children of some populated centers, judged."""

    children: list[Child]  # visible, active, in an age band on the day
    bands: dict[int, AgeBand]  # child id -> its band on the day
    judged: list[Judgement]
    counted: dict[int, MonthCount]  # child id -> its month

    def reasons(self) -> dict[str, int]:
        """Visits (and calls) of the month by their judgement."""
        found: dict[str, int] = {}
        for judgement in self.judged:
            found[judgement.reason] = found.get(judgement.reason, 0) + 1
        return found

    @property
    def visited(self) -> int:
        return sum(1 for count in self.counted.values() if count.visited)


def visit_month(user: Any, codes: list[str], on: date, rules: PimVisits) -> VisitMonth:
    """The visits of ``on``'s month up to ``on`` to the visible, active children of
    populated centers ``codes`` who are in an age band on ``on``, judged by ``rules``."""
    oldest = max(band.to_months for band in rules.bands) + 1
    youngest = min(band.from_months for band in rules.bands)
    earliest = on - timedelta(days=31 * oldest + 1)
    latest = on - timedelta(days=28 * youngest - 1) if youngest else on
    candidates = (
        Child.objects.visible_to(user)
        .active()
        .filter(populated_center_id__in=codes, birth_date__gt=earliest, birth_date__lte=latest)
    )
    children = list(candidates.select_related("populated_center").order_by("birth_date", "id"))
    if not children:
        return VisitMonth([], {}, [], {})
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
    visits = (
        HomeVisit.objects.filter(
            child__in=candidates.values("pk"), date__gte=_month_start(on), date__lte=on
        )
        .order_by("date", "id")
        .values_list(
            "pk", "child_id", "date", "result", "channel", "duration_minutes", "app_status",
            "limit_reason",
        )
    )  # fmt: skip
    judged = judge(
        [
            Visit(pk, child, births[child], day, result, channel, minutes, status, limit)
            for pk, child, day, result, channel, minutes, status, limit in visits
            if child in bands
        ],
        rules,
    )
    counted = {count.person: count for count in monthly(judged, rules)}
    return VisitMonth([c for c in children if c.pk in bands], bands, judged, counted)


def not_visited(
    user: Any, codes: list[str], on: date, rules: PimVisits, language: str
) -> list[VisitDue]:
    """The children of :func:`visit_month` whose valid visits of the month are fewer than
    their band requires."""
    month = visit_month(user, codes, on, rules)
    due = []
    for child in month.children:
        band = month.bands[child.pk]
        count = month.counted.get(child.pk)
        if count is not None and count.visited:
            continue
        valid = count.valid_visits if count else 0
        due.append(VisitDue(child, band.id, band.name.get(language), valid, band.required.value))
    return due
