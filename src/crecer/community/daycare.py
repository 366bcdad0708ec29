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

from crecer.anemia import completed_months
from crecer.community.models import DayAttendance, DayCareCenter, Enrollment
from crecer.norms.community import CunaMas
from crecer.registry.models import Child


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
