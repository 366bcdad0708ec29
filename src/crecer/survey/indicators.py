"""The WHO indicators of a survey's children, and the rule that withholds a thin estimate.

Anthropometry reuses :func:`crecer.growth.classification.classify`, which drops flagged
z-scores and counts oedema below −3 SD for the weight-based indices, as WHO ``anthro``'s
``anthro_prevalence`` does (who_growth_algorithm.md §8–§10); children outside the profile's
age band (``[survey] anthropometry_ages``: anthro keeps ≤ 1826 days) have no value. Anemia
reuses :func:`crecer.anemia.assess_hemoglobin` (altitude adjustment and the cut-off by age of
the rule given, ``[survey] anemia_rule``), within ``[survey] anemia_ages``.

Every indicator is a pair ``(values, valid)``: 0/1 floats and the mask of children who have a
value, the form :func:`crecer.survey.prevalence` and :func:`crecer.survey.estimate_table` take.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.anemia import Severity, assess_hemoglobin
from crecer.growth.classification import classify
from crecer.norms.hemoglobin import AnemiaNorms
from crecer.norms.survey import CitedAgeBand, SurveyNorms
from crecer.survey.estimate import Estimates

__all__ = [
    "GROWTH_INDICATORS",
    "Indicator",
    "Reliability",
    "anemia_indicator",
    "growth_indicators",
    "reliability",
]

Indicator = tuple[NDArray[np.float64], NDArray[np.bool_]]
Reliability = Literal["shown", "caution", "too_thin"]

# indicator → (index of the classification whose code −1 means "no value", its boolean column)
GROWTH_INDICATORS: dict[str, str] = {
    "stunting": "lhfa",  # HAZ < −2
    "severe_stunting": "lhfa",  # HAZ < −3
    "wasting": "wflh",  # WHZ < −2 or oedema
    "severe_wasting": "wflh",
    "overweight": "wflh",  # WHZ > +2
    "underweight": "wfa",  # WAZ < −2 or oedema
}


def _in_band(age_months: ArrayLike | None, band: CitedAgeBand | None, n: int) -> NDArray[np.bool_]:
    if age_months is None or band is None:
        return np.ones(n, dtype=bool)
    age = np.asarray(age_months, dtype=np.float64).reshape(-1)
    with np.errstate(invalid="ignore"):
        return (age >= band.from_months) & (age < band.to_months)


def growth_indicators(
    z: Mapping[str, Any],
    *,
    age_months: ArrayLike | None = None,
    ages: CitedAgeBand | None = None,
    oedema: ArrayLike | None = None,
) -> dict[str, Indicator]:
    """Stunting, severe stunting, wasting, severe wasting, overweight and underweight.

    ``z`` is the output of :func:`crecer.growth.zscores` (``z_*``, ``flag_*``, ``reason_*``);
    ``age_months`` (completed months) with ``ages`` (the profile's
    ``survey.anthropometry_ages``) leaves out the children outside the band.
    """
    classes = classify(z, oedema)
    n = classes["lhfa"].size
    band = _in_band(age_months, ages, n)
    out: dict[str, Indicator] = {}
    for name, index in GROWTH_INDICATORS.items():
        valid = (classes[index] >= 0) & band
        out[name] = (np.where(valid, classes[name], False).astype(np.float64), valid)
    return out


def anemia_indicator(
    norms: AnemiaNorms,
    *,
    hemoglobin: ArrayLike,
    altitude_m: ArrayLike,
    age_months: ArrayLike,
    test_date: ArrayLike | None = None,
    rule: str | None = None,
    ages: CitedAgeBand | None = None,
    altitude_method: str | None = None,
) -> Indicator:
    """Anemia (altitude-adjusted Hb below the cut-off for the age) by ``rule`` (an id of
    ``[anemia] rules``; None: each test by the rule in force on its ``test_date``)."""
    observed = np.asarray(hemoglobin, dtype=np.float64).reshape(-1)
    if rule is None and test_date is None:
        raise ValueError("give the test (interview) dates, or a rule to apply to every test")
    dates = np.datetime64("NaT", "D") if test_date is None else test_date
    result = assess_hemoglobin(
        norms,
        hemoglobin=observed,
        altitude_m=altitude_m,
        test_date=dates,
        age_months=age_months,
        rule=rule,
        altitude_method=altitude_method,
    )
    valid = (result["severity"] != Severity.UNKNOWN) & _in_band(age_months, ages, observed.size)
    return np.where(valid, result["anemic"], False).astype(np.float64), valid


def reliability(
    estimates: Estimates, norms: SurveyNorms
) -> tuple[NDArray[np.str_], NDArray[np.str_]]:
    """Per domain: "shown", "caution" or "too_thin", and the reason ("" when shown).

    Too thin (no estimate shown): fewer than ``min_unweighted_n`` children, children in fewer
    than ``min_psus`` PSUs, an effective sample size ``n / deff`` below ``min_effective_n``,
    or no standard error. Caution: fewer than ``caution_unweighted_n`` children, or a
    coefficient of variation above ``caution_cv``, or a proportion of exactly 0 or 1 (its
    interval is the point). The reasons are codes: ``n``, ``psus``, ``effective_n``,
    ``no_variance``, ``caution_n``, ``cv``, ``boundary``.
    """
    n = estimates.n
    with np.errstate(divide="ignore", invalid="ignore"):
        usable = np.isfinite(estimates.deff) & (estimates.deff > 0)
        effective = np.where(usable, n / estimates.deff, n)
    cv = estimates.cv
    reasons = np.select(
        [
            n < norms.min_unweighted_n.value,
            estimates.psus < norms.min_psus.value,
            ~np.isfinite(estimates.se),
            effective < norms.min_effective_n.value,
            n < norms.caution_unweighted_n.value,
            np.isfinite(cv) & (cv > norms.caution_cv.value),
            (estimates.kind == "proportion")
            & ((estimates.estimate == 0) | (estimates.estimate == 1)),
        ],
        ["n", "psus", "no_variance", "effective_n", "caution_n", "cv", "boundary"],
        default="",
    )
    status = np.where(
        np.isin(reasons, ["n", "psus", "no_variance", "effective_n"]),
        "too_thin",
        np.where(reasons == "", "shown", "caution"),
    )
    return status.astype(str), reasons.astype(str)
