"""Growth measurements and hemoglobin values, calibrated on published prevalences.

**Growth.** Each child follows its own growth curve, measured with a small error: a child's
measurements zig-zagging by a kilo from one month to the next (issue 18) are not a child's.
The true length-for-age z at a visit is ``offset + district + shape(age) + child + walk(age)``:
the child's own level (SD 0.75), a random walk that drifts slowly (SD 0.08 per √month, from 0
at birth: 0.28 at one year, 0.62 at five), and ``shape``, the faltering seen in Peru — z falls
by 1.0 from birth to 24 months and stays there — with low-birth-weight children starting 0.8
lower and catching up by 24 months. Poorer and rural districts sit lower. The department's
offset is solved so that the expected share of children whose latest measurement under 5 has
z < −2 equals the department's ENDES figure. Lengths come from the WHO LMS tables through
``crecer.growth``, then get a measurement error (SD 0.4 cm) and 0.1 cm rounding, so a length
never falls between visits by more than the measurement errors allow.

The weight follows the child's weight-for-length z in the same way (own level SD 0.8, walk SD
0.08 per √month), solved so that the expected share above +2 (overweight) equals the figure of
``targets.OVERWEIGHT``; the weight is the WHO weight-for-length (under 2 years) or -height
value at the child's true length, with a scale error of SD 0.05 kg. A few measurements get
gross errors (transposed digits, a kilo typed as grams) that WHO flags as implausible.

**Hemoglobin.** The altitude-adjusted Hb (g/dL, in the terms of the rule ENDES uses) is
``offset + district + shape(age) + child + test`` (SDs 0.8 and 0.6); the offset is solved so
that the expected share below 11.0 among the latest test of children 6-35 months equals the
department's figure. The observed value adds back the altitude adjustment of the child's place.
"""

from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import polars as pl

from crecer.anemia import altitude_adjustment, completed_months
from crecer.demo.calibration import solve_offsets
from crecer.growth import lms_value
from crecer.growth._tables import (
    LEN_MIN_TENTHS,
    N_DAYS,
    N_LEN,
    WFH_RANGE_CM,
    WFL_RANGE_CM,
    age_table,
    length_table,
)
from crecer.norms import AnemiaNorms

FALTERING_Z = 1.25  # fall of mean HAZ from birth to 18 months (shape of Peruvian ENDES curves)
FALTERING_END = 547  # days: 18 months
CATCH_UP_Z = 0.45  # partial recovery from 18 months to 5 years
CHILD_SD = 0.75  # a child's own level of length-for-age z
WALK_SD = 0.08  # drift of a child's z per √month: slow, as a growth curve bends
MEASUREMENT_SD_CM = 0.4  # technical error of measurement of trained staff
WEIGHT_CHILD_SD = 0.8  # a child's own level of weight-for-length z
WEIGHT_SD_KG = 0.05  # scale and clothing error
OVERWEIGHT_THRESHOLD = 2.0
DAYS_PER_MONTH = 30.4375
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
    """Mean length-for-age z by age: the fall to 18 months, a partial catch-up to 5 years
    (ENDES finds stunting under 3 above stunting under 5: 13.6 and 12.9 % in 2017), and the
    low-birth-weight deficit closing by 24 months."""
    falling = np.minimum(age_days, FALTERING_END) / FALTERING_END
    catching_up = np.clip((age_days - FALTERING_END) / (1826 - FALTERING_END), 0, 1)
    closing = np.minimum(age_days, 730) / 730
    return -FALTERING_Z * falling + CATCH_UP_Z * catching_up - 0.8 * small * (1 - closing)


def in_window(
    dates: pl.Series, birth_dates: pl.Series, as_of: date, window_days: int, max_age_days: int
) -> np.ndarray:
    """Rows dated in the product's measurement window (the ``window_days`` up to ``as_of``) of
    children younger than ``max_age_days`` on ``as_of``: the rows the product's indicators read
    (``crecer.analytics.status``), so the calibration solves on the children they count."""
    start = as_of - timedelta(days=window_days - 1)
    age = (as_of - birth_dates).dt.total_days()
    return ((dates >= start) & (dates <= as_of) & (age < max_age_days)).to_numpy()


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
    overweight_target: float,
    as_of: date,
    window_days: int,
) -> pl.DataFrame:
    """Weight, length/height, position and oedema for each visit (``child``, ``date``,
    ``sex``, ``age_days``, ``department``, ``poverty``, ``rural``, ``small``, sorted by child
    and date). Adds ``length_cm``, ``weight_kg``, ``measure``, ``oedema``, ``gross_error``.
    ``overweight_target``: percent of children whose latest weight-for-length z is above +2."""
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
    months = age / DAYS_PER_MONTH
    sd = np.sqrt(CHILD_SD**2 + WALK_SD**2 * months + spread_z**2)
    rest = district + haz_shape(age, small)
    counted = in_window(visits["date"], visits["birth_date"], as_of, window_days, 1826)
    sample = latest_rows(child, counted)
    target = np.array([stunting_target[c] / 100 for c in codes])
    # WHO publishes z rounded to 2 decimals, so a z in [−2.005, −2) reads −2.00: not stunted.
    threshold = STUNTING_THRESHOLD - 0.005
    offset = solve_offsets(dept[sample], rest[sample], sd[sample], threshold, target)
    z = offset[dept] + rest + _per_child(rng, child, CHILD_SD) + random_walk(rng, child, age)
    true_length = lms_value(z, lhfa.l[table_row], lhfa.m[table_row], lhfa.s[table_row])
    length = true_length + rng.normal(0, MEASUREMENT_SD_CM, n)
    # WHO's convention: length lying under 24 months, height standing after; 3 % the other
    # way (standing height reads 0.7 cm less than lying length; crecer.growth corrects it).
    lying = (age < 730) ^ (rng.random(n) < 0.03)
    length = length - 0.7 * ((age < 730) & ~lying) + 0.7 * ((age >= 730) & lying)
    weight = _weights(rng, child, age, sex, true_length, sample, overweight_target)
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


def random_walk(rng: np.random.Generator, child: np.ndarray, age: np.ndarray) -> np.ndarray:
    """Each child's drift at each visit (rows grouped by child, in age order): 0 at birth, a
    normal step of SD ``WALK_SD`` × √(months since the previous visit) at each visit."""
    if not len(child):
        return np.zeros(0)
    starts = np.r_[True, child[1:] != child[:-1]]
    since = np.where(starts, age, np.diff(age, prepend=0)).clip(0) / DAYS_PER_MONTH
    steps = rng.normal(0, 1, len(child)) * WALK_SD * np.sqrt(since)
    total = np.cumsum(steps)
    before = np.where(starts, total - steps, 0.0)
    return total - _group_start_values(before, starts)


def _group_start_values(values: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """``values`` at the first row of each row's group, repeated on the group's rows."""
    first = np.maximum.accumulate(np.where(starts, np.arange(len(starts)), 0))
    return values[first]


def _weights(
    rng: np.random.Generator,
    child: np.ndarray,
    age: np.ndarray,
    sex: np.ndarray,
    true_length: np.ndarray,
    sample: np.ndarray,
    overweight_target: float,
) -> np.ndarray:
    """Weight (kg) from the child's weight-for-length z (its own level plus a slow drift) at
    its true length, plus a scale error; the mean is solved for ``overweight_target``."""
    months = age / DAYS_PER_MONTH
    sd = np.sqrt(WEIGHT_CHILD_SD**2 + WALK_SD**2 * months)
    # The share above +2 is the share of −z below −2: solve_offsets solves "below".
    group = np.zeros(len(sample), dtype=np.int64)
    below = solve_offsets(
        group,
        np.zeros(len(sample)),
        sd[sample],
        -OVERWEIGHT_THRESHOLD - 0.005,
        np.array([overweight_target / 100]),
    )
    whz = -below[0] + _per_child(rng, child, WEIGHT_CHILD_SD) + random_walk(rng, child, age)
    # Under 2 years the weight-for-length table, after it the weight-for-height one.
    standing = age >= 730
    low = np.where(standing, WFH_RANGE_CM[0], WFL_RANGE_CM[0])
    high = np.where(standing, WFH_RANGE_CM[1], WFL_RANGE_CM[1])
    tenths = np.rint(np.clip(true_length, low, high) * 10).astype(np.int64)
    table = length_table()
    row = (2 * (sex - 1) + standing) * N_LEN + tenths - LEN_MIN_TENTHS
    weight = lms_value(whz, table.l[row], table.m[row], table.s[row])
    return weight + rng.normal(0, WEIGHT_SD_KG, len(child))


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
    as_of: date,
    window_days: int,
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
    # The product's anemia 6-35 months: the latest test in the window of children 183-1095
    # days old on the as-of date.
    counted = in_window(tests["date"], tests["birth_date"], as_of, window_days, 1096)
    as_of_age = (as_of - tests["birth_date"]).dt.total_days().to_numpy()
    latest = latest_rows(child, counted)
    # ENDES's rule has no cut-off under 6 months: a latest test at 5 months (a child of 6
    # months tested in the 170-209 day window) is not in the figure, so not in the solve.
    sample = latest[(as_of_age[latest] >= 183) & (months[latest] >= 6)]
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
