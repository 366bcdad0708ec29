"""Growth measurements and hemoglobin values, calibrated on published prevalences.

**Growth.** A measurement's length-for-age z is ``offset + district + shape(age) + child +
visit``: the child's own deviation (SD 0.85) is shared by all their measurements, the visit's
(SD 0.3) is not, and ``shape`` is the faltering seen in Peru — z falls by 1.0 from birth to
24 months and stays there — with low-birth-weight children starting 0.8 lower and catching up
by 24 months. Poorer and rural districts sit lower. The department's offset is solved so that
the expected share of children whose latest measurement under 5 has z < −2 equals the
department's ENDES figure. Lengths come from the WHO LMS tables through ``crecer.growth``,
then get a measurement error (SD 0.4 cm) and 0.1 cm rounding; a few get gross errors
(transposed digits, a kilo typed as grams) that WHO flags as implausible.

**Hemoglobin.** The altitude-adjusted Hb (g/dL, in the terms of the rule ENDES uses) is
``offset + district + shape(age) + child + test`` (SDs 0.8 and 0.6); the offset is solved so
that the expected share below 11.0 among the latest test of children 6-35 months equals the
department's figure. The observed value adds back the altitude adjustment of the child's place.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from crecer.anemia import altitude_adjustment, completed_months
from crecer.demo.calibration import solve_offsets
from crecer.growth import lms_value
from crecer.growth._tables import N_DAYS, age_table
from crecer.norms import AnemiaNorms

FALTERING_Z = 1.0  # fall of mean HAZ from birth to 24 months (shape of Peruvian ENDES curves)
CHILD_SD, VISIT_SD = 0.85, 0.3
MEASUREMENT_SD_CM = 0.4  # technical error of measurement of trained staff
GROSS_ERROR_SHARE = 0.003
STUNTING_THRESHOLD = -2.0
HB_CHILD_SD, HB_TEST_SD = 0.8, 0.6
ANEMIA_THRESHOLD = 11.0  # the ENDES rule (WHO 2011) for 6-59 months


def department_index(departments: pl.Series) -> tuple[list[str], np.ndarray]:
    """The distinct departments and each row's index into them (Polars: numpy's unique on
    millions of strings sorts them all)."""
    codes = departments.unique().sort().to_list()
    index = departments.replace_strict(codes, list(range(len(codes))), return_dtype=pl.Int64)
    return codes, index.to_numpy()


def haz_shape(age_days: np.ndarray, small: np.ndarray) -> np.ndarray:
    growing = np.minimum(age_days, 730) / 730
    return -FALTERING_Z * growing - 0.8 * small * (1 - growing)


def latest_rows(child: np.ndarray, eligible: np.ndarray) -> np.ndarray:
    """Indices of each child's last eligible row (rows sorted by child and date)."""
    rows = np.flatnonzero(eligible)
    if not len(rows):
        return rows
    last = np.r_[child[rows][1:] != child[rows][:-1], True]
    return rows[last]


def growth_checks(
    visits: pl.DataFrame,
    *,
    rng: np.random.Generator,
    stunting_target: dict[str, float],
) -> pl.DataFrame:
    """Weight, length/height, position and oedema for each visit (``child``, ``date``,
    ``sex``, ``age_days``, ``department``, ``poverty``, ``rural``, ``small``, sorted by child
    and date). Adds ``length_cm``, ``weight_kg``, ``measure``, ``oedema``, ``gross_error``."""
    n = visits.height
    child = visits["child"].to_numpy()
    age = visits["age_days"].to_numpy()
    sex = visits["sex"].cast(pl.Int64).to_numpy()
    small = visits["small"].to_numpy()
    codes, dept = department_index(visits["department"])
    district = -1.0 * visits["poverty"].to_numpy() - 0.35 * visits["rural"].to_numpy()
    table_row = (sex - 1) * N_DAYS + np.minimum(age, N_DAYS - 1)
    lhfa = age_table("lhfa")
    spread_z = MEASUREMENT_SD_CM / (lhfa.m[table_row] * lhfa.s[table_row])
    sd = np.sqrt(CHILD_SD**2 + VISIT_SD**2 + spread_z**2)
    rest = district + haz_shape(age, small)
    sample = latest_rows(child, age < 1826)
    target = np.array([stunting_target[c] / 100 for c in codes])
    # WHO publishes z rounded to 2 decimals, so a z in [−2.005, −2) reads −2.00: not stunted.
    threshold = STUNTING_THRESHOLD - 0.005
    offset = solve_offsets(dept[sample], rest[sample], sd[sample], threshold, target)
    child_effect = _per_child(rng, child, CHILD_SD)
    z = offset[dept] + rest + child_effect + rng.normal(0, VISIT_SD, n)
    length = lms_value(z, lhfa.l[table_row], lhfa.m[table_row], lhfa.s[table_row])
    length = length + rng.normal(0, MEASUREMENT_SD_CM, n)
    # WHO's convention: length lying under 24 months, height standing after; 3 % the other
    # way (standing height reads 0.7 cm less than lying length; crecer.growth corrects it).
    lying = (age < 730) ^ (rng.random(n) < 0.03)
    length = length - 0.7 * ((age < 730) & ~lying) + 0.7 * ((age >= 730) & lying)
    wfa = age_table("wfa")
    waz = 0.55 * z + 0.35 + rng.normal(0, 0.8, n)
    weight = lms_value(waz, wfa.l[table_row], wfa.m[table_row], wfa.s[table_row])
    gross = rng.random(n) < GROSS_ERROR_SHARE
    kind = rng.random(n)
    length = np.where(gross & (kind < 0.5), length + np.where(kind < 0.25, 25.0, -25.0), length)
    weight = np.where(gross & (kind >= 0.5), weight * 10, weight)
    return visits.with_columns(
        pl.Series("length_cm", np.round(length, 1)),
        pl.Series("weight_kg", np.round(weight, 2)),
        pl.Series("measure", np.where(lying, "l", "h")),
        pl.Series("oedema", rng.random(n) < 0.0005),
        pl.Series("gross_error", gross),
    )


def _per_child(rng: np.random.Generator, child: np.ndarray, sd: float) -> np.ndarray:
    """One normal draw per child, repeated on each of the child's rows (rows grouped)."""
    starts = np.r_[True, child[1:] != child[:-1]] if len(child) else np.array([], dtype=bool)
    draws = rng.normal(0, sd, int(starts.sum()))
    return draws[np.cumsum(starts) - 1]


def hemoglobin_tests(
    tests: pl.DataFrame,
    *,
    rng: np.random.Generator,
    anemia_target: dict[str, float],
    norms: AnemiaNorms,
    rule: str,
) -> pl.DataFrame:
    """Observed Hb for each test (``child``, ``date``, ``birth_date``, ``department``, ``poverty``,
    ``rural``, ``altitude_m``; sorted by child and date). Adds ``hb_observed``."""
    n = tests.height
    child = tests["child"].to_numpy()
    # Completed months, as crecer.anemia counts them for the 6-35 month band.
    months = completed_months(
        tests["birth_date"].to_numpy().astype("datetime64[D]"),
        tests["date"].to_numpy().astype("datetime64[D]"),
    )
    codes, dept = department_index(tests["department"])
    # Anemia peaks at 6-17 months and falls after 2 years (ENDES 2018 by age, anemia.md).
    shape = np.select(
        [months < 6, months < 12, months < 18, months < 24, months < 36],
        [0.9, -0.35, -0.2, 0.1, 0.45],
        default=0.7,
    )
    rest = shape - 0.8 * tests["poverty"].to_numpy() - 0.2 * tests["rural"].to_numpy()
    sd = np.hypot(HB_CHILD_SD, HB_TEST_SD)
    sample = latest_rows(child, (months >= 6) & (months < 36))
    target = np.array([anemia_target[c] / 100 for c in codes])
    # Observed values are rounded to 0.1 g/dL (and adjustments are multiples of 0.1), so a
    # drawn value is counted anemic only below 10.95: calibrate on that.
    offset = solve_offsets(dept[sample], rest[sample], sd, ANEMIA_THRESHOLD - 0.05, target)
    adjusted = offset[dept] + rest + _per_child(rng, child, HB_CHILD_SD)
    adjusted = adjusted + rng.normal(0, HB_TEST_SD, n)
    altitude = tests["altitude_m"].to_numpy().astype(np.float64)
    method = norms.adjustment(norms.rule(rule).altitude_adjustment)
    observed = adjusted + np.nan_to_num(altitude_adjustment(altitude, method), nan=0.0)
    return tests.with_columns(pl.Series("hb_observed", np.round(np.clip(observed, 3.0, 20.0), 1)))
