"""A survey's estimates beside the registry's figures, for a department or the country.

The survey side is :mod:`crecer.survey` on the children of one import run (its whole design,
each unit a domain of it); the registry side is the latest refresh's stored indicator values
(:mod:`crecer.analytics`) with the registry's coverage of measurement, which is the first
reason the two differ: the registry counts only the children who came to a check."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db.models import Count

from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.models import ChildStatus, IndicatorValue, Refresh
from crecer.disclosure import suppress_rate
from crecer.growth import zscores
from crecer.ingest.models import ImportRun
from crecer.norms import Profile
from crecer.survey import (
    SurveyDesign,
    anemia_indicator,
    growth_indicators,
    prevalence,
    reliability,
)
from crecer.surveys.models import SurveyChild

# survey indicator → (registry indicator, registry indicator of its measurement coverage);
# Crecer's own ids (the analytics catalogue in the profile), not a norm.
REGISTRY = {
    "stunting": ("ccm_u5", "measured_u5"),
    "severe_stunting": ("severe_stunting_u5", "measured_u5"),
    "wasting": ("wasting_u5", "measured_u5"),
    "overweight": ("overweight_u5", "measured_u5"),
    "underweight": (None, "measured_u5"),
    "anemia": ("anemia_6_35", "hb_tested_6_35"),
}
# survey indicator → the status column a registry child needs a value in to be counted
MEASURED = {
    "stunting": "haz", "severe_stunting": "haz", "wasting": "whz", "overweight": "whz",
    "underweight": "waz", "anemia": "hb_adjusted",
}  # fmt: skip
AGE_GROUPS = ((0, 6, "0-5"), (6, 12, "6-11"), (12, 24, "12-23"), (24, 36, "24-35"),
              (36, 48, "36-47"), (48, 60, "48-59"))  # fmt: skip


@dataclass
class Line:
    indicator: str
    estimate: float | None = None  # percent
    ci_low: float | None = None
    ci_high: float | None = None
    deff: float | None = None
    n: int = 0
    status: str = "too_thin"
    reason: str = "n"  # no child of the unit at all, until an estimate says otherwise
    registry: float | None = None  # percent
    registry_denominator: int | None = None
    coverage: float | None = None  # percent of the children the registry measured
    target: float | None = None
    by: list[dict[str, Any]] = field(default_factory=list)
    # The difference survey → registry in two parts (direct standardisation): the survey's
    # age-specific prevalences weighted by the ages of the children the registry measured give
    # ``at_registry_ages``; ``by_ages`` = that - the survey's estimate (who was measured, by
    # age), ``rest`` = registry - that (coverage of who comes, time window, measurement).
    at_registry_ages: float | None = None
    by_ages: float | None = None
    rest: float | None = None
    label: Any = ""  # the indicator and the reason in words (the page sets them)
    reason_text: Any = ""


def _arrays(run: ImportRun) -> dict[str, np.ndarray]:
    fields = ["weight", "stratum", "cluster", "department", "district", "area", "sex", "age_months",
              "height_cm", "weight_kg", "measure", "oedema", "hemoglobin", "altitude_m",
              "interview_date"]  # fmt: skip
    rows = list(SurveyChild.objects.filter(import_run=run).order_by("pk").values_list(*fields))
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(fields)
    out = {
        name: np.array(values, dtype=object) for name, values in zip(fields, columns, strict=True)
    }
    for name in ("weight", "age_months", "height_cm", "weight_kg", "hemoglobin", "altitude_m"):
        out[name] = np.array([np.nan if v is None else v for v in out[name]], dtype=np.float64)
    out["interview_date"] = np.array(
        [
            np.datetime64("NaT") if v is None else np.datetime64(v, "D")
            for v in out["interview_date"]
        ],
        dtype="datetime64[D]",
    )
    for name in ("department", "district", "area", "sex", "measure", "stratum", "cluster"):
        out[name] = out[name].astype(str)
    return out


def indicators(children: dict[str, np.ndarray], profile: Profile) -> dict[str, Any]:
    """The six indicators as (values, valid) pairs of :mod:`crecer.survey.indicators`."""
    norms = profile.survey
    assert norms is not None
    z = zscores(
        sex=children["sex"],
        age_months=children["age_months"],
        weight_kg=children["weight_kg"],
        length_cm=children["height_cm"],
        measure=children["measure"],
        oedema=children["oedema"].astype(bool),
        indices=("lhfa", "wfa", "wflh"),
    )
    out: dict[str, Any] = dict(
        growth_indicators(z, age_months=children["age_months"], ages=norms.anthropometry_ages)
    )
    del out["severe_wasting"]
    assert profile.anemia is not None
    out["anemia"] = anemia_indicator(
        profile.anemia,
        hemoglobin=children["hemoglobin"],
        altitude_m=children["altitude_m"],
        age_months=children["age_months"],
        test_date=children["interview_date"],
        rule=norms.anemia_rule.value,
        ages=norms.anemia_ages,
    )
    return out


def _percent(value: float) -> float | None:
    return None if not np.isfinite(value) else round(100 * float(value), 1)


def compare(run: ImportRun, code: str, profile: Profile) -> dict[str, Any]:
    """Survey estimate (with interval, design effect, status) and registry figure for each
    indicator, in department ``code`` ("" = the country); ``error`` when the design is
    unusable (a stratum of one cluster under ``lonely_psu = "fail"``)."""
    norms = profile.survey
    if norms is None:
        return {"error": "the profile has no [survey] table", "lines": []}
    children = _arrays(run)
    n = children["weight"].size
    if n == 0:
        return {"error": "the survey has no children", "lines": []}
    try:
        design = SurveyDesign.from_columns(
            children["weight"],
            children["stratum"],
            children["cluster"],
            lonely_psu=norms.lonely_psu.value,
        )
    except ValueError as problem:
        return {"error": str(problem), "lines": []}
    inside = np.ones(n, bool) if not code else children["department"] == code
    unit = np.where(inside, "unit", "")
    age = children["age_months"]
    age_group = np.full(n, "", dtype=object)
    for low, high, label in AGE_GROUPS:
        age_group[(age >= low) & (age < high)] = label
    breakdowns = {
        "area": np.where(inside, children["area"], ""),
        "sex": np.where(inside, children["sex"], ""),
        "age": np.where(inside, age_group.astype(str), ""),
    }
    if code:  # the small areas: a department's districts, where the file names them
        breakdowns["district"] = np.where(inside, children["district"], "")
    registry = _registry(code, profile)
    refresh = latest_refresh(code)
    lines = []
    for name, (values, valid) in indicators(children, profile).items():
        estimate = prevalence(design, values, valid=valid, domain=unit, level=norms.level.value)
        line = Line(indicator=name)
        if estimate.domains.size:
            status, reasons = reliability(estimate, norms)
            line.n, line.status, line.reason = int(estimate.n[0]), str(status[0]), str(reasons[0])
            if line.status != "too_thin":
                line.estimate = _percent(estimate.estimate[0])
                line.ci_low = _percent(estimate.ci_low[0])
                line.ci_high = _percent(estimate.ci_high[0])
                line.deff = (
                    round(float(estimate.deff[0]), 2) if np.isfinite(estimate.deff[0]) else None
                )
        for by, labels in breakdowns.items():
            part = prevalence(design, values, valid=valid, domain=labels, level=norms.level.value)
            status, reasons = reliability(part, norms)
            for i, label in enumerate(part.domains):
                thin = status[i] == "too_thin"
                line.by.append({
                    "by": by, "label": str(label), "n": int(part.n[i]), "status": str(status[i]),
                    "estimate": None if thin else _percent(part.estimate[i]),
                    "ci_low": None if thin else _percent(part.ci_low[i]),
                    "ci_high": None if thin else _percent(part.ci_high[i]),
                })  # fmt: skip
        order = {label: i for i, (_, _, label) in enumerate(AGE_GROUPS)}
        rank = {"area": 0, "sex": 1, "age": 2, "district": 3}
        line.by.sort(key=lambda part: (rank[part["by"]], order.get(part["label"], 0),
                                       part["label"]))  # fmt: skip
        indicator_id, coverage_id = REGISTRY[name]
        if indicator_id in registry:
            value = registry[indicator_id]
            line.registry, line.registry_denominator = value.percent, value.denominator
        if coverage_id in registry:
            line.coverage = registry[coverage_id].percent
        line.target = _target(profile, indicator_id)
        if refresh is not None and line.registry is not None and line.estimate is not None:
            _decompose(line, refresh, code, name, design, values, valid, inside, age_group, norms)
        lines.append(line)
    dates = children["interview_date"][inside & ~np.isnat(children["interview_date"])]
    fieldwork = (dates.min().item(), dates.max().item()) if dates.size else None
    return {"error": "", "lines": lines, "refresh": refresh, "children": int(inside.sum()),
            "psus": design.n_psu, "strata": design.n_strata, "fieldwork": fieldwork}  # fmt: skip


def registry_ages(refresh: Refresh, code: str, column: str) -> dict[str, int]:
    """The registry's children with a value in ``column`` (measured, tested) on ``refresh``, by
    the survey's age groups, in unit ``code`` ("" = the country)."""
    statuses = ChildStatus.objects.filter(refresh=refresh, **{f"{column}__isnull": False})
    if code:
        statuses = statuses.filter(district_id__startswith=code)
    counts: dict[str, int] = {}
    for months, n in statuses.values_list("age_months").annotate(n=Count("pk")).order_by():
        for low, high, label in AGE_GROUPS:
            if low <= months < high:
                counts[label] = counts.get(label, 0) + n
    return counts


def _decompose(
    line: Line, refresh: Refresh, code: str, name: str, design: SurveyDesign,
    values: np.ndarray, valid: np.ndarray, inside: np.ndarray, age_group: np.ndarray,
    norms: Any,
) -> None:  # fmt: skip
    counts = registry_ages(refresh, code, MEASURED[name])
    labels = np.where(inside & valid, age_group.astype(str), "")
    by_age = prevalence(design, values, valid=valid, domain=labels, level=norms.level.value)
    survey_by_age = dict(zip(by_age.domains.tolist(), by_age.estimate.tolist(), strict=True))
    shared = {a: n for a, n in counts.items() if a in survey_by_age and n > 0}
    total = sum(shared.values())
    if not total:
        return
    standardised = sum(survey_by_age[a] * n for a, n in shared.items()) / total
    line.at_registry_ages = _percent(standardised)
    assert line.estimate is not None
    assert line.registry is not None
    if line.at_registry_ages is not None:
        line.by_ages = round(line.at_registry_ages - line.estimate, 1)
        line.rest = round(line.registry - line.at_registry_ages, 1)


def _registry(code: str, profile: Profile) -> dict[str, Any]:
    refresh = latest_refresh(code)
    if refresh is None:
        return {}
    level = "department" if code else "country"
    unit = code or profile.profile.country
    min_cell = profile.disclosure.min_cell
    out = {}
    for value in IndicatorValue.objects.filter(refresh=refresh, level=level, code=unit):
        out[value.indicator] = suppress_rate(value.numerator, value.denominator, min_cell)
    return out


def _target(profile: Profile, indicator_id: str | None) -> float | None:
    if indicator_id is None or profile.analytics is None:
        return None
    try:
        indicator = profile.analytics.indicator(indicator_id)
    except KeyError:
        return None
    targets = getattr(indicator, "targets", None) or []
    return targets[0].value if targets else None
