"""The LMS method of WHO 2006 (Ch. 7 of *WHO Child Growth Standards: Methods and development*).

These are the scalar-or-array building blocks; :func:`crecer.growth.zscores` uses the same formulas,
written out inline for speed.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike


def lms_value(z: ArrayLike, l: ArrayLike, m: ArrayLike, s: ArrayLike) -> np.ndarray:  # noqa: E741
    """The measurement at z-score ``z``: ``M · (1 + L·S·z)^(1/L)`` (WHO's "SD_z" curves)."""
    z, l, m, s = (np.asarray(a, dtype=np.float64) for a in (z, l, m, s))  # noqa: E741
    with np.errstate(invalid="ignore", divide="ignore"):
        return m * np.power(1.0 + l * s * z, 1.0 / l)


def lms_zscore(
    y: ArrayLike,
    l: ArrayLike,  # noqa: E741
    m: ArrayLike,
    s: ArrayLike,
    *,
    restricted: bool = False,
) -> np.ndarray:
    """Unrounded z-score of measurement ``y`` for table values L, M, S.

    ``z = ((y / M)^L − 1) / (S·L)``. With ``restricted=True`` (WHO's rule for weight-based
    indices and head/arm circumference), beyond ±3 the scale continues linearly in ``y`` with the
    distance between the 2 and 3 SD curves as unit: ``z* = 3 + (y − SD3) / (SD3 − SD2)`` above +3,
    ``z* = −3 + (y − SD−3) / (SD−2 − SD−3)`` below −3.
    """
    y, l, m, s = np.broadcast_arrays(*(np.asarray(a, dtype=np.float64) for a in (y, l, m, s)))  # noqa: E741
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        z = (np.power(y / m, l) - 1.0) / (s * l)
        if restricted:
            z = np.array(z, dtype=np.float64, copy=True)
            hi = z > 3
            lo = z < -3
            if hi.any():
                sd3 = lms_value(3.0, l[hi], m[hi], s[hi])
                sd2 = lms_value(2.0, l[hi], m[hi], s[hi])
                z[hi] = 3.0 + (y[hi] - sd3) / (sd3 - sd2)
            if lo.any():
                sd3n = lms_value(-3.0, l[lo], m[lo], s[lo])
                sd2n = lms_value(-2.0, l[lo], m[lo], s[lo])
                z[lo] = -3.0 + (y[lo] - sd3n) / (sd2n - sd3n)
    return z


def _r_pow(x: float, y: float) -> float:
    """R's ``x ^ y`` for doubles (R_pow: special cases, then C pow)."""
    if y == 2.0:
        return x * x
    if x == 1.0 or y == 0.0:
        return 1.0
    if math.isnan(x) or math.isnan(y):
        return math.nan
    try:
        return math.pow(x, y)
    except ZeroDivisionError:  # 0 ** negative
        return math.inf
    except ValueError:  # negative ** non-integer (and 0 ** negative on some builds)
        return math.inf if x == 0.0 else math.nan
    except OverflowError:
        return math.inf if x > 0 or (float(y).is_integer() and y % 2 == 0) else -math.inf


def r_zscore(y: float, l: float, m: float, s: float, restricted: bool) -> float:  # noqa: E741
    """One z-score with the operations in the order WHO's R code does them (for tie checks).

    R: ``((y / m)^l - 1) / (s * l)``; restricted: ``calc_sd(k) = m * ((1 + l * s * k)^(1 / l))``.
    """
    z = (_r_pow(y / m, l) - 1.0) / (s * l) if (s * l) != 0 else math.nan
    if restricted and not math.isnan(z):
        if z > 3:
            sd3 = m * _r_pow(1.0 + l * s * 3.0, 1.0 / l)
            sd2 = m * _r_pow(1.0 + l * s * 2.0, 1.0 / l)
            z = 3.0 + (y - sd3) / (sd3 - sd2)
        elif z < -3:
            sd3n = m * _r_pow(1.0 + l * s * -3.0, 1.0 / l)
            sd2n = m * _r_pow(1.0 + l * s * -2.0, 1.0 / l)
            z = -3.0 + (y - sd3n) / (sd2n - sd3n)
    return z
