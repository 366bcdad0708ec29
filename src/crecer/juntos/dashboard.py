"""JUNTOS by territory: for a unit (the country, a department, a province, a district) and
each unit below it, households by standing, and the latest verified period's households
verified, complying and paid, with the amount; non-compliance by condition and reason.
Counted from the households' districts, rolled up by ubigeo prefix."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db.models import Count, Q, Sum

from crecer.juntos.models import Cycle, Entitlement, Household, Stage, Verification
from crecer.territory.models import Department, District, Province

VERIFIED_STAGES = (Stage.VERIFIED, Stage.APPROVED, Stage.SENT, Stage.PAID)
CHILD_LENGTH = {0: 2, 2: 4, 4: 6}  # a unit's code length -> its children's


@dataclass
class Line:
    code: str
    name: str
    statuses: Counter = field(default_factory=Counter)
    verified: int = 0
    complying: int = 0
    paid: int = 0
    amount: Decimal = Decimal(0)


def _names(codes: set[str]) -> dict[str, str]:
    names = dict(Department.objects.filter(code__in=codes).values_list("code", "name"))
    names |= dict(Province.objects.filter(code__in=codes).values_list("code", "name"))
    names |= dict(District.objects.filter(ubigeo__in=codes).values_list("ubigeo", "name"))
    return names


def latest_period(code: str) -> date | None:
    """The end of the latest verified period of a cycle that covers ``code`` or lies in it."""
    cycles = Cycle.objects.filter(stage__in=VERIFIED_STAGES)
    overlapping = [
        c
        for c, end in cycles.values_list("territory_code", "period_end")
        if c.startswith(code) or code.startswith(c)
    ]
    ends = cycles.filter(territory_code__in=overlapping).values_list("period_end", flat=True)
    return max(ends, default=None)


def by_territory(code: str) -> tuple[Line, list[Line], date | None, list[tuple]]:
    """The unit's line, its children's lines, the latest period, and non-compliance by
    (condition, reason) in that period."""
    households = Household.objects.filter(district__ubigeo__startswith=code)
    width = CHILD_LENGTH.get(len(code), 6)
    lines: dict[str, Line] = defaultdict(lambda: Line("", ""))
    total = Line(code, "")
    standing = households.values("district_id", "affiliation__status").annotate(n=Count("id"))
    for row in standing:
        key = row["district_id"][:width]
        lines[key].statuses[row["affiliation__status"] or "none"] += row["n"]
        total.statuses[row["affiliation__status"] or "none"] += row["n"]
    period = latest_period(code)
    failing: list[tuple] = []
    if period is not None:
        owed = Entitlement.objects.filter(
            cycle__period_end=period, cycle__stage__in=VERIFIED_STAGES,
            household__district__ubigeo__startswith=code,
        )  # fmt: skip
        sums = owed.values("household__district_id").annotate(
            n=Count("id"), ok=Count("id", filter=Q(complies=True)),
            paid=Count("id", filter=Q(total__gt=0)), amount=Sum("total"),
        )  # fmt: skip
        for row in sums:
            for line in (lines[row["household__district_id"][:width]], total):
                line.verified += row["n"]
                line.complying += row["ok"]
                line.paid += row["paid"]
                line.amount += row["amount"] or Decimal(0)
        failing = list(
            Verification.objects.filter(
                cycle__period_end=period, cycle__stage__in=VERIFIED_STAGES,
                household__district__ubigeo__startswith=code,
                status__in=["not_complied", "not_verifiable"],
            )
            .values_list("condition", "reason")
            .annotate(n=Count("id"))
            .order_by("-n")
        )  # fmt: skip
    names = _names(set(lines) | {code})
    total.name = names.get(code, "")
    children = []
    for key in sorted(lines):
        line = lines[key]
        line.code, line.name = key, names.get(key, key)
        children.append(line)
    return total, children if len(code) < 6 else [], period, failing
