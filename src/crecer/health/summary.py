"""A child's events turned into the rows of the child page: growth (z-scores, flags,
classification, chart points), hemoglobin (adjusted for altitude, classified) and the schedule
(each dose: due, done, overdue).

Pure: plain records and the country profile in, plain rows out; no database, no clock (the
as-of date is a parameter), no translation (rows hold keys; the page turns them into words).
The numbers come from the project's engines (``crecer.growth``, ``crecer.anemia``,
``crecer.schedules``), called as ``crecer.analytics.status`` calls them, so the page and the
indicators agree.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

import numpy as np

from crecer.anemia import assess_hemoglobin, completed_months
from crecer.growth import classify, growth_chart_svg, zscores
from crecer.growth.classification import CATEGORIES
from crecer.growth.zscores import REASONS
from crecer.norms import AnemiaNorms, Profile, Requirement
from crecer.schedules import child_status
from crecer.schedules.plan import NEVER, POPULATIONS, Plan, RequirementPlan, build_plan

# Growth indices shown, as crecer.growth names them; wflh is weight-for-length/height.
INDICES = ("lhfa", "wfa", "wflh")
_LENGTH_TABLE_DAYS = 731  # WHO: length (wfl) below day 731, height (wfh) from it


@dataclass(frozen=True)
class ChildFacts:
    """What the engines need of a child. ``sex``: the registry's "1" male / "2" female."""

    birth_date: date
    sex: str
    birth_weight_g: float | None = None
    gestational_weeks: float | None = None
    dni_issue_date: date | None = None
    sis_affiliation_date: date | None = None


@dataclass(frozen=True)
class Measurement:
    date: date
    weight_kg: float | None
    length_cm: float | None
    measure: str = ""  # "l" lying, "h" standing, "" unknown
    oedema: bool = False


@dataclass(frozen=True)
class HbTest:
    date: date
    hb_observed: float
    altitude_m: float | None
    altitude_source: str


@dataclass(frozen=True)
class ZScore:
    """One index of one measurement: ``value`` (None when not computable, with ``reason``),
    ``flagged`` (WHO's biologically implausible flag: shown, but not classified) and the
    classification key of ``crecer.growth.classification.CATEGORIES`` ("" if unclassified)."""

    value: float | None
    flagged: bool
    reason: str
    category: str


@dataclass(frozen=True)
class GrowthRow:
    date: date
    age_days: int
    weight_kg: float | None
    length_cm: float | None
    measure: str
    length_adjusted_cm: float | None  # after WHO's ±0.7 cm lying/standing conversion
    oedema: bool
    z: dict[str, ZScore]


@dataclass(frozen=True)
class HbRow:
    date: date
    age_months: int
    hb_observed: float
    altitude_m: float | None
    altitude_source: str
    subtracted: float | None  # g/dL; None when the altitude is unknown
    adjusted: float | None  # None when the altitude is unknown: never taken as sea level
    severity: str  # none, mild, moderate, severe, anemia (no severity defined), unknown
    rule: str


@dataclass(frozen=True)
class DoseRow:
    label: str
    due: date | None
    done: date | None
    state: str  # done, overdue, due (now), upcoming


@dataclass
class RequirementRow:
    id: str
    name: Mapping[str, str]  # by language code
    group: str
    required: int
    done: int
    complete: bool
    overdue: bool
    next_due: date | None
    doses: list[DoseRow] = field(default_factory=list)
    later: int = 0  # doses due after the next one, not listed


# Requirement ids of the Peru profile by group of the page; an id not listed goes to "other".
GROUPS = {
    "cred_newborn": "cred",
    "cred": "cred",
    "bcg": "vaccines",
    "hvb": "vaccines",
    "pentavalent": "vaccines",
    "polio": "vaccines",
    "rotavirus": "vaccines",
    "pneumococcal": "vaccines",
    "influenza": "vaccines",
    "spr": "vaccines",
    "varicella": "vaccines",
    "yellow_fever": "vaccines",
    "hepatitis_a": "vaccines",
    "dpt": "vaccines",
    "iron": "iron",
    "hb": "hb",
    "dni": "identity",
    "sis": "identity",
}
GROUP_ORDER = ("cred", "vaccines", "iron", "hb", "identity", "other")


# --- growth ---------------------------------------------------------------------------------


def growth_rows(child: ChildFacts, measurements: Sequence[Measurement]) -> list[GrowthRow]:
    """Every measurement, oldest first, with its WHO z-scores, flags and classification."""
    rows = sorted(measurements, key=lambda m: m.date)
    if not rows:
        return []
    z = zscores(
        sex=np.full(len(rows), child.sex),
        birth_date=np.full(len(rows), np.datetime64(child.birth_date, "D")),
        measurement_date=np.array([m.date for m in rows], dtype="datetime64[D]"),
        weight_kg=_floats(m.weight_kg for m in rows),
        length_cm=_floats(m.length_cm for m in rows),
        measure=np.array([m.measure or "" for m in rows]),
        oedema=np.array([m.oedema for m in rows]),
    )
    categories = classify(z)
    out = []
    for i, m in enumerate(rows):
        adjusted = float(z["length_cm_adjusted"][i])
        out.append(
            GrowthRow(
                date=m.date,
                age_days=(m.date - child.birth_date).days,
                weight_kg=m.weight_kg,
                length_cm=m.length_cm,
                measure=m.measure,
                length_adjusted_cm=None if math.isnan(adjusted) else round(adjusted, 1),
                oedema=m.oedema,
                z={index: _zscore(z, categories, index, i) for index in INDICES},
            )
        )
    return out


def _floats(values: Iterable[float | None]) -> np.ndarray:
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _zscore(z: Mapping, categories: Mapping, index: str, i: int) -> ZScore:
    value = float(z[f"z_{index}"][i])
    code = int(categories[index][i])
    return ZScore(
        value=None if math.isnan(value) else value,
        flagged=bool(z[f"flag_{index}"][i]),
        reason=REASONS[int(z[f"reason_{index}"][i])],
        category=CATEGORIES[index][code][0] if code >= 0 else "",
    )


@dataclass(frozen=True)
class Chart:
    indicator: str  # lhfa, wfa, wfl, wfh (as crecer.growth.chart names them)
    title: str
    svg: str


def growth_charts(
    child: ChildFacts, rows: Sequence[GrowthRow], labels: Mapping[str, tuple[str, str, str]]
) -> list[Chart]:
    """SVG charts with every measurement: length/height- and weight-for-age always, and
    weight-for-length (under 2 years) / -height (from 2 years) for the ages measured.

    ``labels``: indicator → (title, x label, y label), already in the reader's language.
    Lengths are plotted after WHO's lying/standing conversion, as their z-scores use them.
    """
    if not rows:
        return []
    age = _floats(r.age_days for r in rows)
    weight = _floats(r.weight_kg for r in rows)
    length = _floats(r.length_adjusted_cm for r in rows)
    young = age < _LENGTH_TABLE_DAYS
    series = {"lhfa": (age, length), "wfa": (age, weight)}
    if young.any():
        series["wfl"] = (length[young], weight[young])
    if (~young).any():
        series["wfh"] = (length[~young], weight[~young])
    charts = []
    for indicator, (x, y) in series.items():
        title, x_label, y_label = labels[indicator]
        svg = growth_chart_svg(
            indicator, child.sex, x, y, title=title, x_label=x_label, y_label=y_label
        )
        charts.append(Chart(indicator, title, svg))
    return charts


# --- hemoglobin -------------------------------------------------------------------------------


def hb_rows(child: ChildFacts, tests: Sequence[HbTest], norms: AnemiaNorms) -> list[HbRow]:
    """Every Hb test, newest first, adjusted for its altitude by the rule in force on its date.

    A test without altitude keeps ``adjusted = None`` and severity "unknown": adjusting it as if
    at sea level would hide anemia in the Andes.
    """
    rows = sorted(tests, key=lambda t: t.date, reverse=True)
    if not rows:
        return []
    tested = np.array([t.date for t in rows], dtype="datetime64[D]")
    birth = np.full(len(rows), np.datetime64(child.birth_date, "D"))
    assessed = assess_hemoglobin(
        norms,
        hemoglobin=[t.hb_observed for t in rows],
        altitude_m=_floats(t.altitude_m for t in rows),
        test_date=tested,
        birth_date=birth,
    )
    months = completed_months(birth, tested)
    return [
        HbRow(
            date=t.date,
            age_months=int(months[i]),
            hb_observed=t.hb_observed,
            altitude_m=t.altitude_m,
            altitude_source=t.altitude_source,
            subtracted=_number(assessed["altitude_adjustment"][i]),
            adjusted=_number(assessed["adjusted"][i], digits=1),
            severity=str(assessed["severity_label"][i]),
            rule=str(assessed["rule"][i]),
        )
        for i, t in enumerate(rows)
    ]


def _number(value: float, digits: int = 2) -> float | None:
    # Hb is read to 0.1 g/dL; rounding drops float noise such as 10.899999 from 12.7 - 1.8.
    return None if math.isnan(value) else round(float(value), digits)


# --- schedule ---------------------------------------------------------------------------------


def schedule_rows(
    profile: Profile,
    child: ChildFacts,
    services: Sequence[tuple[date, str]],
    hb_dates: Sequence[date],
    as_of: date,
) -> list[RequirementRow]:
    """Each requirement of the child schedule in force on ``as_of``, in profile order, with the
    engine's counts (required, done, complete, overdue, next due) and each dose's due date,
    done date and state. ``services``: (date, HIS code) pairs; ``hb_dates``: dates of Hb tests,
    which count as the test (the profile's ``services.hb_test.recorded_as``, 85018 in Peru) even
    without their HIS row, as in the indicators.
    """
    norms = profile.schedules
    if norms is None or as_of < child.birth_date:
        return []
    events = _schedule_events(child, services, hb_dates, profile.services.hb_test.recorded_as)
    lbw_or_premature = _lbw_or_premature(child, norms.lbw_below_g, norms.premature_below_weeks)
    status = child_status(
        profile,
        {
            "birth_date": np.array([child.birth_date], dtype="datetime64[D]"),
            "birth_weight_g": _floats([child.birth_weight_g]),
            "gestational_weeks": _floats([child.gestational_weeks]),
        },
        {
            "child": np.zeros(len(events), dtype=np.int64),
            "date": np.array([d for d, _ in events], dtype="datetime64[D]"),
            "code": np.array([c for _, c in events], dtype=str),
        },
        as_of,
    )
    schedule = norms.in_force("child", as_of)
    plan = build_plan(schedule)
    days = _days_by_requirement(plan, child.birth_date, events, as_of)
    age = (as_of - child.birth_date).days
    rows = []
    for index, requirement in enumerate(plan.requirements):
        variant = 1 if requirement.variants == 2 and lbw_or_premature else 0
        columns = status.columns
        next_due = columns[f"{requirement.id}_next_due"][0]
        row = RequirementRow(
            id=requirement.id,
            name=schedule.variants(requirement.id)[0].name.model_dump(),
            group=GROUPS.get(requirement.id, "other"),
            required=int(columns[f"{requirement.id}_required"][0]),
            done=int(columns[f"{requirement.id}_done"][0]),
            complete=bool(columns[f"{requirement.id}_complete"][0]),
            overdue=bool(columns[f"{requirement.id}_overdue"][0]),
            next_due=None if np.isnat(next_due) else next_due.astype(object),
        )
        labels = _dose_labels(schedule.variants(requirement.id))[variant]
        doses = _doses(requirement, variant, labels, days.get(index, []), child.birth_date, age)
        row.doses, row.later = _shown(doses)
        rows.append(row)
    return rows


def _schedule_events(
    child: ChildFacts,
    services: Sequence[tuple[date, str]],
    hb_dates: Sequence[date],
    hb_test_code: str,
) -> list[tuple[date, str]]:
    identity = [(child.dni_issue_date, "DNI"), (child.sis_affiliation_date, "SIS")]
    found = [(d, c) for d, c in identity if d is not None]
    return found + [(d, hb_test_code) for d in hb_dates] + [(d, c) for d, c in services]


def _lbw_or_premature(child: ChildFacts, lbw_below_g: float, premature_below: float) -> bool:
    weight, weeks = child.birth_weight_g, child.gestational_weeks
    return (weight is not None and weight < lbw_below_g) or (
        weeks is not None and weeks < premature_below
    )


def _days_by_requirement(
    plan: Plan, birth: date, events: Sequence[tuple[date, str]], as_of: date
) -> dict[int, list[int]]:
    """Ages (days) of the events of each requirement, routed as the engine routes them: a code
    serving several requirements goes to the one starting latest at or before the event."""
    found: dict[int, set[int]] = {}
    for day, code in events:
        if day > as_of or day < birth or code not in plan.routes:
            continue
        age = (day - birth).days
        routes = plan.routes[code]
        index = routes[0][1]
        for start, later in routes[1:]:
            if age >= start:
                index = later
        found.setdefault(index, set()).add(age)  # same-day repeats count once
    return {index: sorted(ages) for index, ages in found.items()}


def _dose_labels(variants: Sequence[Requirement]) -> list[list[str]]:
    """Dose labels per variant, in the plan's variant order (term first)."""
    ordered = sorted(
        variants, key=lambda v: POPULATIONS.index(v.population) if len(variants) > 1 else 0
    )
    return [[dose.label for dose in variant.doses] for variant in ordered]


def _doses(
    r: RequirementPlan, variant: int, labels: list[str], days: list[int], birth: date, age: int
) -> list[DoseRow]:
    """Each dose with the event that counted for it: the engine's rule for one child (the
    earliest event within the dose's ages and intervals, after the previous counted dose; in a
    series, only once the previous dose counted)."""
    doses = []
    last: int | None = None
    previous_done = True
    for k in range(r.doses):
        from_day, to_day = int(r.from_day[variant, k]), int(r.to_day[variant, k])
        if from_day >= NEVER:  # padding of the variant with fewer doses
            continue
        low, high = int(r.min_interval[variant, k]), int(r.max_interval[variant, k])
        counted = None
        if previous_done or r.kind != "series" or k == 0:
            for day in days:
                in_ages = from_day <= day <= to_day
                spaced = last is None or (day > last and low <= day - last <= high)
                if in_ages and spaced:
                    counted = day
                    break
        if counted is not None:
            last = counted
        previous_done = counted is not None
        due_day = int(r.due_day[variant, k])
        doses.append(
            DoseRow(
                label=labels[k],
                due=birth + timedelta(days=due_day),
                done=None if counted is None else birth + timedelta(days=counted),
                state=_state(counted, age, due_day, int(r.overdue_from[variant, k])),
            )
        )
    return doses


def _state(counted: int | None, age: int, due_day: int, overdue_from: int) -> str:
    if counted is not None:
        return "done"
    if age >= overdue_from:
        return "overdue"
    return "due" if age >= due_day else "upcoming"


def _shown(doses: list[DoseRow]) -> tuple[list[DoseRow], int]:
    """The doses to list: all those due by now or done, and the next upcoming one; the rest
    (a 5-year CRED calendar has 29 checks) is only counted."""
    shown, later, next_seen = [], 0, False
    for dose in doses:
        if dose.state != "upcoming" or dose.done is not None:
            shown.append(dose)
        elif not next_seen:
            shown.append(dose)
            next_seen = True
        else:
            later += 1
    return shown, later
