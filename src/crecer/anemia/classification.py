"""Classification of adjusted hemoglobin by group and severity, with the rule in force by date."""

from __future__ import annotations

from enum import IntEnum

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.anemia.adjustment import altitude_adjustment
from crecer.norms import AnemiaNorms, AnemiaRule, Cutoff

# Hb is reported to 0.1 g/dL; subtracting a band (10.9 - 0.4) can land a hair below 10.5 in
# binary floating point, so a value within this tolerance of a threshold counts as reaching it.
TOLERANCE = 1e-6


class Severity(IntEnum):
    """Codes of the ``severity`` column."""

    UNKNOWN = -1  # no Hb, altitude, rule, or cut-off row for this person
    NONE = 0
    MILD = 1
    MODERATE = 2
    SEVERE = 3
    ANEMIA = 4  # anemic by a row that defines no severity (infants under 6 months)


SEVERITY_LABELS = np.array(["none", "mild", "moderate", "severe", "anemia", "unknown"])


def completed_months(birth_date: ArrayLike, on: ArrayLike) -> NDArray[np.int64]:
    """Completed calendar months from ``birth_date`` to ``on`` (numpy datetime64 days).

    Born 10 March, on 9 May: 1; on 10 May: 2. Missing dates give -1.
    """
    birth = np.asarray(birth_date, dtype="datetime64[D]")
    day = np.asarray(on, dtype="datetime64[D]")
    months = (day.astype("datetime64[M]") - birth.astype("datetime64[M]")).astype(np.int64)
    birth_dom = (birth - birth.astype("datetime64[M]")).astype(np.int64)
    day_dom = (day - day.astype("datetime64[M]")).astype(np.int64)
    months = months - (day_dom < birth_dom)
    return np.where(np.isnat(birth) | np.isnat(day), -1, months)


def classify(
    adjusted_hb: ArrayLike,
    age_months: ArrayLike,
    rule: AnemiaRule,
    *,
    sex: ArrayLike | None = None,
    gestational_weeks: ArrayLike | None = None,
) -> NDArray[np.int8]:
    """Severity codes (:class:`Severity`) of already adjusted Hb under one rule.

    ``sex`` holds "F"/"M" (anything else matches only rows for any sex); ``gestational_weeks`` is
    NaN for a person who is not pregnant. No matching row gives ``Severity.UNKNOWN``.
    """
    hb = np.asarray(adjusted_hb, dtype=np.float64)
    severity = np.full(hb.shape, Severity.UNKNOWN, dtype=np.int8)
    _classify_into(severity, np.ones(hb.shape, bool), hb, age_months, rule, sex, gestational_weeks)
    return severity


def _classify_into(
    severity: NDArray[np.int8],
    selected: NDArray[np.bool_],
    hb: NDArray[np.float64],
    age_months: ArrayLike,
    rule: AnemiaRule,
    sex: ArrayLike | None,
    gestational_weeks: ArrayLike | None,
) -> None:
    age = np.asarray(age_months, dtype=np.float64)
    sexes = np.asarray(sex).astype(str) if sex is not None else np.full(hb.shape, "")
    weeks = (
        np.asarray(gestational_weeks, dtype=np.float64)
        if gestational_weeks is not None
        else np.full(hb.shape, np.nan)
    )
    pregnant = ~np.isnan(weeks)
    usable = selected & ~np.isnan(hb)
    for row in rule.cutoffs:
        rows = usable & _in_row(row, age, sexes, weeks, pregnant)
        if rows.any():
            severity[rows] = _severity(hb[rows], row)


def _in_row(
    row: Cutoff,
    age: NDArray[np.float64],
    sexes: NDArray[np.str_],
    weeks: NDArray[np.float64],
    pregnant: NDArray[np.bool_],
) -> NDArray[np.bool_]:
    if row.pregnant:
        assert row.gestational_weeks is not None
        low, high = row.gestational_weeks
        return pregnant & (weeks >= low) & (weeks < high)
    matches = ~pregnant & (age >= row.age_months[0]) & (age < row.age_months[1])
    return matches if row.sex == "any" else matches & (sexes == row.sex)


def _severity(hb: NDArray[np.float64], row: Cutoff) -> NDArray[np.int8]:
    reaches = hb + TOLERANCE
    if not row.has_severity:
        return np.where(reaches >= row.no_anemia_from, Severity.NONE, Severity.ANEMIA).astype(
            np.int8
        )
    assert row.mild_from is not None
    assert row.moderate_from is not None
    return np.select(
        [reaches >= row.no_anemia_from, reaches >= row.mild_from, reaches >= row.moderate_from],
        [Severity.NONE, Severity.MILD, Severity.MODERATE],
        default=Severity.SEVERE,
    ).astype(np.int8)


def assess_hemoglobin(
    norms: AnemiaNorms,
    *,
    hemoglobin: ArrayLike,
    altitude_m: ArrayLike,
    test_date: ArrayLike,
    birth_date: ArrayLike | None = None,
    age_months: ArrayLike | None = None,
    sex: ArrayLike | None = None,
    gestational_weeks: ArrayLike | None = None,
    rule: str | None = None,
    altitude_method: str | None = None,
) -> dict[str, np.ndarray]:
    """Adjust and classify Hb tests, each by the rule in force on its ``test_date``.

    Takes one value per test: observed ``hemoglobin`` (g/dL), ``altitude_m`` of residence,
    ``test_date`` (datetime64[D]), and the age as ``birth_date`` or completed ``age_months``;
    optionally ``sex`` ("F"/"M") and ``gestational_weeks`` (NaN if not pregnant). ``rule`` forces
    one rule id for every test (e.g. "who_2011" to compare with ENDES series up to 2023);
    ``altitude_method`` forces one altitude adjustment id instead of each rule's own.

    Returns columns: ``observed``, ``altitude_adjustment`` (g/dL subtracted), ``adjusted``,
    ``severity`` (int8 :class:`Severity` codes), ``severity_label``, ``anemic`` (bool) and
    ``rule`` (id of the rule applied; "" where none was in force).
    """
    observed = np.asarray(hemoglobin, dtype=np.float64)
    altitude = np.broadcast_to(np.asarray(altitude_m, dtype=np.float64), observed.shape)
    tested = np.broadcast_to(np.asarray(test_date, dtype="datetime64[D]"), observed.shape)
    if age_months is None:
        if birth_date is None:
            raise TypeError("give birth_date or age_months")
        months = completed_months(birth_date, tested).astype(np.float64)
        months[months < 0] = np.nan
    else:
        months = np.asarray(age_months, dtype=np.float64)
    rules = [norms.rule(rule)] if rule else norms.rules_by_date()
    if rule:
        which = np.zeros(observed.shape, dtype=np.int64)
    else:
        starts = np.array([r.valid_from for r in rules], dtype="datetime64[D]")
        which = np.searchsorted(starts, tested, side="right") - 1
        which[np.isnat(tested)] = -1
    subtract = np.full(observed.shape, np.nan)
    severity = np.full(observed.shape, Severity.UNKNOWN, dtype=np.int8)
    rule_ids = np.array(["", *(r.id for r in rules)])
    for index, current in enumerate(rules):
        selected = which == index
        if not selected.any():
            continue
        method = norms.adjustment(altitude_method or current.altitude_adjustment)
        subtract[selected] = altitude_adjustment(altitude[selected], method)
        adjusted = observed - subtract
        _classify_into(severity, selected, adjusted, months, current, sex, gestational_weeks)
    adjusted = observed - subtract
    return {
        "observed": observed,
        "altitude_adjustment": subtract,
        "adjusted": adjusted,
        "severity": severity,
        "severity_label": SEVERITY_LABELS[severity],
        "anemic": severity >= Severity.MILD,
        "rule": rule_ids[which + 1],
    }
