"""Cuna Más day care: enrolling a child (its age checked against the profile's ages), the
day's attendance sheet (the children enrolled that day, present or not, meals served), and
the attendance rate by month (days present over days recorded)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db import transaction
from django.db.models import Q, QuerySet

from crecer.access.policy import Can
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.models import ChildStatus
from crecer.anemia import completed_months
from crecer.community.models import DayAttendance, DayCareCenter, Enrollment
from crecer.disclosure import Rate, suppress_rate
from crecer.health.models import GrowthCheck
from crecer.norms.community import CunaMas
from crecer.registry.models import Child
from crecer.territory.models import Department, District, Province, within


def age_months(child: Child, on: date) -> int:
    return int(
        completed_months(
            np.array([child.birth_date], dtype="datetime64[D]"),
            np.array([on], dtype="datetime64[D]"),
        )[0]
    )


def enrollable(child: Child, on: date, norms: CunaMas) -> bool:
    """Whether ``child`` is of the day care's ages on ``on``."""
    return norms.from_months.value <= age_months(child, on) <= norms.to_months.value


def enrolled_on(center: DayCareCenter, on: date) -> QuerySet[Enrollment]:
    """The enrollments of ``center`` that hold on ``on``."""
    return (
        center.enrollments.filter(enrolled_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=on))
        .select_related("child")
        .order_by("child__paternal_surname", "child__given_names", "id")
    )


@transaction.atomic
def record_day(
    center: DayCareCenter, on: date, marks: dict[int, tuple[bool, int]], user: Any
) -> int:
    """Store the day's sheet (enrollment id -> (present, meals)); a day recorded again is
    corrected in place, with its history. Returns the rows written."""
    valid = set(enrolled_on(center, on).values_list("pk", flat=True))
    stored = {
        a.enrollment_id: a for a in DayAttendance.objects.filter(enrollment_id__in=valid, date=on)
    }
    written = 0
    for enrollment, (present, meals) in marks.items():
        if enrollment not in valid:
            continue
        meals = meals if present else 0
        day = stored.get(enrollment)
        if day is None:
            day = DayAttendance(enrollment_id=enrollment, date=on)
        elif (day.present, day.meals) == (present, meals):
            continue
        day.present, day.meals, day.recorded_by = present, meals, user
        day.save()
        written += 1
    return written


@dataclass(frozen=True)
class MonthAttendance:
    month: date
    days_recorded: int
    days_present: int
    meals: int

    @property
    def rate(self) -> float | None:
        if not self.days_recorded:
            return None
        return round(100 * self.days_present / self.days_recorded, 1)


def by_month(center: DayCareCenter) -> list[MonthAttendance]:
    """Attendance rate by month: child-days present over child-days recorded, newest first."""
    totals: dict[date, list[int]] = defaultdict(lambda: [0, 0, 0])
    rows = DayAttendance.objects.filter(enrollment__center=center).values_list(
        "date", "present", "meals"
    )
    for day, present, meals in rows:
        total = totals[day.replace(day=1)]
        total[0] += 1
        total[1] += int(present)
        total[2] += meals
    return [MonthAttendance(month, *totals[month]) for month in sorted(totals, reverse=True)]


@dataclass(frozen=True)
class UnitLine:
    """One territory unit (or one center, inside a district) of the day-care indicators."""

    code: str
    name: str
    centers: int
    enrolled: int
    attendance: Any  # crecer.disclosure.Rate: child-days present / recorded
    measured: Any  # enrolled children with a growth check in the month
    anemic: Any  # enrolled children anemic at their latest Hb (of those with one)

    @property
    def cells(self) -> tuple[Any, Any, Any]:
        return (self.attendance, self.measured, self.anemic)


def unit_lines(user: Any, code: str, on: date, min_cell: int, personal: bool) -> list[UnitLine]:
    """Day-care indicators for ``on``'s month by the units one level below ``code`` ("" = the
    country; a district's lines are its centers), over the centers ``user`` may count."""
    first = on.replace(day=1)
    centers = DayCareCenter.objects.visible_to(user, Can.VIEW_AGGREGATES)
    if code:
        centers = centers.filter(within(code))
    enrollments = list(
        Enrollment.objects.filter(center__in=centers, enrolled_on__lte=on)
        .filter(Q(left_on__isnull=True) | Q(left_on__gt=first))
        .values_list("pk", "center_id", "center__district_id", "child_id")
    )
    days = defaultdict(lambda: [0, 0])
    for enrollment, present in DayAttendance.objects.filter(
        enrollment_id__in=[e[0] for e in enrollments], date__gte=first, date__lte=on
    ).values_list("enrollment_id", "present"):
        days[enrollment][0] += 1
        days[enrollment][1] += int(present)
    children = {e[3] for e in enrollments}
    measured = set(
        GrowthCheck.objects.filter(child_id__in=children, date__gte=first, date__lte=on)
        .values_list("child_id", flat=True)
        .distinct()
    )
    refresh = latest_refresh(code)
    anemia = (
        dict(
            ChildStatus.objects.filter(refresh=refresh, child_id__in=children)
            .exclude(anemic=None)
            .values_list("child_id", "anemic")
        )
        if refresh is not None
        else {}
    )

    length = {0: 2, 2: 4, 4: 6}.get(len(code))

    def key(center: int, district: str) -> str:
        return district[:length] if length else str(center)

    groups: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"centers": set(), "children": set(), "days": [0, 0]}
    )
    for center, district in centers.values_list("pk", "district_id"):
        groups[key(center, district)]["centers"].add(center)
    for enrollment, center, district, child in enrollments:
        group = groups[key(center, district)]
        group["children"].add(child)
        group["days"][0] += days[enrollment][0]
        group["days"][1] += days[enrollment][1]
    if length:
        model = {2: Department, 4: Province, 6: District}[length]
        names = dict(model.objects.filter(pk__in=list(groups)).values_list("pk", "name"))
    else:
        names = {str(pk): name for pk, name in centers.values_list("pk", "name")}

    def rate(numerator: int, denominator: int) -> Rate:
        if personal:
            percent = round(100 * numerator / denominator, 1) if denominator else None
            return Rate(numerator, denominator, percent)
        return suppress_rate(numerator, denominator, min_cell)

    lines = []
    for unit in sorted(groups):
        group = groups[unit]
        kids = group["children"]
        tested = [c for c in kids if c in anemia]
        lines.append(
            UnitLine(
                unit,
                names.get(unit, unit),
                len(group["centers"]),
                len(kids),
                rate(group["days"][1], group["days"][0]),
                rate(len(kids & measured), len(kids)),
                rate(sum(1 for c in tested if anemia[c]), len(tested)),
            )
        )
    return lines
