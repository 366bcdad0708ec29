"""A schedule from the profile turned into arrays the engine can index (built once per call)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from crecer.norms import Requirement, Schedule

NEVER = np.iinfo(np.int32).max // 2  # an age (days) no one reaches: "no upper limit", "not due"
POPULATIONS = ("term", "lbw_or_premature")


@dataclass(frozen=True)
class RequirementPlan:
    """Dose parameters of one requirement as (variant, dose) matrices of ages in days.

    Variant 0 is "term" (or "all"), 1 is "lbw_or_premature"; a variant with fewer doses is padded
    with doses that are never required and never counted.
    """

    id: str
    kind: str
    windowed: bool  # one variant, disjoint windows in order: events are pre-split by window
    from_day: NDArray[np.int64]
    to_day: NDArray[np.int64]
    due_day: NDArray[np.int64]
    required_from: NDArray[np.int64]
    overdue_from: NDArray[np.int64]
    min_interval: NDArray[np.int64]
    max_interval: NDArray[np.int64]
    first_slot: int  # sort slot of the requirement (windowed: of its first window)

    @property
    def doses(self) -> int:
        return self.from_day.shape[1]

    @property
    def variants(self) -> int:
        return self.from_day.shape[0]

    @property
    def slots(self) -> int:
        return self.doses if self.windowed else 1


@dataclass(frozen=True)
class Plan:
    requirements: list[RequirementPlan]
    routes: dict[str, list[tuple[int, int]]]  # code -> [(start day, requirement index)] by start
    # requirement index -> its codes, for requirements that count events on their own
    parallel: dict[int, list[str]]

    @property
    def slots(self) -> int:
        return sum(requirement.slots for requirement in self.requirements)


def build_plan(schedule: Schedule) -> Plan:
    plans: list[RequirementPlan] = []
    routes: dict[str, list[tuple[int, int]]] = {}
    parallel: dict[int, list[str]] = {}
    slot = 0
    for index, requirement_id in enumerate(schedule.requirement_ids()):
        variants = _ordered_variants(schedule.variants(requirement_id))
        plan = _requirement_plan(requirement_id, variants, slot)
        plans.append(plan)
        slot += plan.slots
        if variants[0].parallel:
            parallel[index] = list(variants[0].codes)
            continue
        start = min(variant.first_day() for variant in variants)
        for code in variants[0].codes:
            routes.setdefault(code, []).append((start, index))
    return Plan(plans, {code: sorted(found) for code, found in routes.items()}, parallel)


def _ordered_variants(variants: list[Requirement]) -> list[Requirement]:
    if len(variants) == 1:
        return variants
    return sorted(variants, key=lambda variant: POPULATIONS.index(variant.population))


def _requirement_plan(
    requirement_id: str, variants: list[Requirement], slot: int
) -> RequirementPlan:
    doses = max(len(variant.doses) for variant in variants)
    shape = (len(variants), doses)
    columns = {
        name: np.full(shape, NEVER, dtype=np.int64)
        for name in ("from_day", "to_day", "due_day", "required_from", "overdue_from")
    }
    min_interval = np.zeros(shape, dtype=np.int64)
    max_interval = np.full(shape, NEVER, dtype=np.int64)
    for v, variant in enumerate(variants):
        for d, dose in enumerate(variant.doses):
            to_day = NEVER if dose.to_day is None else dose.to_day
            required = variant.required_from(dose)
            columns["from_day"][v, d] = dose.from_day
            columns["to_day"][v, d] = to_day
            columns["due_day"][v, d] = max(variant.due(dose), dose.from_day)
            columns["required_from"][v, d] = required
            # windows: overdue once the window closed; series: once required, or window closed
            overdue = to_day + 1 if variant.kind == "windows" else min(required, to_day + 1)
            columns["overdue_from"][v, d] = overdue
            min_interval[v, d] = variant.min_interval(dose)
            if dose.max_interval_days is not None:
                max_interval[v, d] = dose.max_interval_days
    first = variants[0]
    starts, ends = columns["from_day"][0], columns["to_day"][0]
    windowed = (
        len(variants) == 1
        and first.kind == "windows"
        and bool(np.all(starts[1:] > ends[:-1]))
        and bool(np.all(ends < NEVER))
    )
    return RequirementPlan(
        id=requirement_id,
        kind=first.kind,
        windowed=windowed,
        min_interval=min_interval,
        max_interval=max_interval,
        first_slot=slot,
        **columns,
    )
