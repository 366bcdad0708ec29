"""From verified conditions to what each household is paid, its standing, and targeting."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from crecer.norms import Profile
from crecer.schedules.engine import as_day
from crecer.transfers.verify import (
    COMPLIED,
    EXEMPT,
    NOT_COMPLIED,
    NOT_HELD,
    NOT_VERIFIABLE,
    STATUSES,
    Day,
    condition_ids,
    juntos_norms,
)

Columns = Mapping[str, Any]


def household_entitlements(
    verification: Columns, members: Columns, period_end: Day, profile: Profile
) -> dict[str, np.ndarray]:
    """One row per household of ``members`` (sorted by id): what it is paid for the cycle.

    ``complies``: every condition outside the TPI package complied or is exempt (a not
    verifiable one withholds when the profile's ``unverifiable_withholds`` is true, except for
    a member of whom Crecer holds no health record (reason ``no_health_record``: a gap of the
    system's sources, reported apart, not the household's failure); a household
    with nothing to verify complies). ``base`` when it complies; ``tpi`` when it also has a TPI
    member (a pregnant woman, a child under the TPI age) and every TPI row holds; ``tas`` per
    upper-secondary member whose school condition holds, when it complies. Amounts (floats, in
    the profile's currency) are those in force on ``period_end``. ``reason``: the first failing
    condition id ("" when the base is paid); ``tpi_reason`` likewise for the TPI.
    """
    norms = juntos_norms(profile)
    end = as_day(period_end)
    on = end.astype(object)
    member_hh = np.asarray(members["household"]).astype(np.int64)
    households = np.unique(member_hh)
    h = len(households)
    row_hh = np.searchsorted(households, np.asarray(verification["household"]).astype(np.int64))
    names = condition_ids(profile)
    if "condition_code" in verification and "status_code" in verification:
        code = np.asarray(verification["condition_code"]).astype(np.int64)
        status = np.asarray(verification["status_code"]).astype(np.int64)
    else:
        code = _index(verification["condition"], names)
        status = _index(verification["status"], list(STATUSES))
    condition = np.asarray(names, dtype=object)
    tpi_ids = [item.id for item in norms.tpi.package]
    student_ids = [c.id for c in norms.conditions if c.member == "student"]
    is_tpi = np.isin(code, [names.index(i) for i in tpi_ids])
    holds = (status == COMPLIED) | (status == EXEMPT)
    withholds = norms.unverifiable_withholds.value
    not_held = np.asarray(verification["reason"], dtype=object) == NOT_HELD
    unverifiable = (status == NOT_VERIFIABLE) & withholds & ~not_held
    failing = ~holds & ((status == NOT_COMPLIED) | unverifiable)
    base_fail = failing & ~is_tpi
    complies = np.bincount(row_hh[base_fail], minlength=h) == 0
    reason = _first(row_hh, base_fail, code, condition, h)
    # TPI: a pregnant woman or a young child in the household, and every TPI row holds
    birth = np.asarray(members["birth_date"]).astype("datetime64[D]")
    lmp = np.asarray(members["lmp"]).astype("datetime64[D]")
    delivery = np.asarray(members["delivery"]).astype("datetime64[D]")
    age = (end - birth).astype(np.int64)
    young = ~np.isnat(birth) & (age >= 0) & (age < norms.tpi.child_under_days.value)
    pregnant = ~np.isnat(lmp) & np.isnat(delivery) & norms.tpi.pregnant
    at = np.searchsorted(households, member_hh)
    tpi_eligible = np.bincount(at[young | pregnant], minlength=h) > 0
    tpi_fail = failing & is_tpi
    tpi_holds = np.bincount(row_hh[tpi_fail], minlength=h) == 0
    tpi_reason = _first(row_hh, tpi_fail, code, condition, h)
    tpi_paid = complies & tpi_eligible & tpi_holds
    tpi_reason[~(complies & tpi_eligible)] = ""
    # TAS: upper-secondary members whose school condition holds
    upper = np.asarray(members["upper_secondary"]).astype(bool)
    member_ids = np.asarray(members["member"]).astype(np.int64)
    upper_ids = member_ids[upper]
    student_ok = (
        np.isin(code, [names.index(i) for i in student_ids])
        & holds
        & np.isin(np.asarray(verification["member"]).astype(np.int64), upper_ids)
    )
    tas_students = np.bincount(row_hh[student_ok], minlength=h)
    base_amount = _amount(norms.amount("base", on))
    tpi_amount = _amount(norms.amount("tpi", on))
    tas_amount = _amount(norms.amount("tas", on))
    base = np.where(complies, base_amount, 0.0)
    tpi = np.where(tpi_paid, tpi_amount, 0.0)
    tas = np.where(complies, tas_students * tas_amount, 0.0)
    return {
        "household": households,
        "complies": complies,
        "base": base,
        "tpi": tpi,
        "tas": tas,
        "total": base + tpi + tas,
        "reason": reason,
        "tpi_eligible": tpi_eligible,
        "tpi_reason": tpi_reason,
        "tas_students": np.where(complies, tas_students, 0).astype(np.int64),
    }


def next_standing(
    suspensions_before: ArrayLike, complies: ArrayLike, profile: Profile
) -> tuple[NDArray[np.int64], NDArray[np.bool_], NDArray[np.bool_]]:
    """Per household: suspensions after this cycle, suspended this cycle, disaffiliated.

    A cycle without compliance suspends the household and adds one suspension; with
    ``suspensions_consecutive`` a complying cycle resets the count to 0 (otherwise it keeps it).
    The household is disaffiliated when the count reaches ``suspensions_to_disaffiliate``.
    """
    norms = juntos_norms(profile)
    before = np.asarray(suspensions_before).astype(np.int64)
    ok = np.asarray(complies).astype(bool)
    kept = np.zeros_like(before) if norms.suspensions_consecutive.value else before
    after = np.where(ok, kept, before + 1)
    return after, ~ok, after >= norms.suspensions_to_disaffiliate.value


def pepi(
    rural: ArrayLike,
    mother_tongue: ArrayLike,
    female_education: ArrayLike,
    expenditure_quintile: ArrayLike,
    profile: Profile,
) -> NDArray[np.bool_]:
    """MIDIS's PEPI population: at least ``min_circumstances`` of four circumstances.

    ``rural`` (bool: a rural populated centre), ``mother_tongue`` (the head's or spouse's, a
    language name; compared in lower case with ``indigenous_languages``), ``female_education``
    (the female head's or spouse's level, one of ``education_levels``; unknown levels do not
    count), ``expenditure_quintile`` (1 is the poorest; 0 or NaN unknown).
    """
    rule = juntos_norms(profile).pepi
    languages = np.asarray([language.lower() for language in rule.indigenous_languages])
    tongue = np.char.lower(np.char.strip(np.asarray(mother_tongue).astype(str)))
    levels = rule.education_levels
    limit = levels.index(rule.education_at_or_below.value)
    education = np.asarray(female_education).astype(str)
    low_education = np.isin(education, np.asarray(levels[: limit + 1]))
    quintile = np.asarray(expenditure_quintile, dtype=np.float64)
    poorest = (quintile >= 1) & (quintile <= rule.max_quintile.value)
    count = (
        np.asarray(rural).astype(bool).astype(np.int64)
        + np.isin(tongue, languages)
        + low_education
        + poorest
    )
    return np.asarray(count >= rule.min_circumstances.value)


def district_eligible(poverty_rate: ArrayLike, profile: Profile) -> NDArray[np.bool_]:
    """Districts whose poverty rate (a proportion, 0.40 = 40 %) is at or above the threshold;
    an unknown rate (NaN) is not eligible."""
    rate = np.asarray(poverty_rate, dtype=np.float64)
    threshold = juntos_norms(profile).district_poverty_threshold.value
    return np.asarray(~np.isnan(rate) & (rate >= threshold - 1e-12))


def _first(
    row_hh: NDArray[np.intp],
    mask: NDArray[np.bool_],
    code: NDArray[np.int64],
    names: NDArray[np.object_],
    h: int,
) -> NDArray[np.object_]:
    """Per household: the condition of its first row in ``mask``; "" if none."""
    out = np.full(h, "", dtype=object)
    rows = np.flatnonzero(mask)
    found, first = np.unique(row_hh[rows], return_index=True)
    out[found] = names[code[rows[first]]]
    return out


def _index(values: ArrayLike, names: list[str]) -> NDArray[np.int64]:
    """Each text's position in ``names`` (-1 if absent)."""
    found, inverse = np.unique(np.asarray(values).astype(str), return_inverse=True)
    lookup = np.asarray([names.index(v) if v in names else -1 for v in found.tolist()], np.int64)
    return lookup[inverse.ravel()] if len(found) else np.zeros(0, np.int64)


def _amount(amount: Any) -> float:
    return 0.0 if amount is None else float(amount.amount)
