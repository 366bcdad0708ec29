"""Rounding to 2 decimals exactly as R's ``round(x, 2)`` (R >= 4.0.0, ``fround`` in nmath).

WHO's anthro package rounds every z-score with R's ``round(z, 2)`` before deriving flags, and its
published output is that rounded value. R >= 4.0 does not compute ``rint(100 * x) / 100``: it takes
the two candidates ``floor(100 x) / 100`` and ``ceil(100 x) / 100`` and returns the one nearer to
``x`` (measured in double precision), the even one on an exact tie, and returns ``x`` unchanged
when it already has more than 15 significant digits before the 2nd decimal.

``numpy.rint(100 * x) / 100`` returns one of the same two candidates, chosen by the fraction of
``100 * x``; the two choices can only differ when that fraction lies within a few ulps of 0.5, or
for |x| beyond about 1e12. ``crecer.growth.zscores`` uses numpy for every row and re-does exactly
those rare rows with :func:`r_round2`.
"""

from __future__ import annotations

import math

_LOG10_2 = math.log10(2.0)
_DBL_DIG = 15


def r_round2(x: float) -> float:
    """R's ``round(x, 2)`` for one double (R >= 4.0.0 algorithm)."""
    if math.isnan(x) or math.isinf(x) or x == 0.0:
        return x
    if x < 0.0:
        return -r_round2(-x)
    logb = math.frexp(x)[1] - 1  # C logb(): the unbiased binary exponent
    if _LOG10_2 * (0.5 + logb) + 2 > _DBL_DIG:
        return x
    x10 = 100.0 * x
    i10 = math.floor(x10)
    xd = i10 / 100.0
    xu = math.ceil(x10) / 100.0
    du = xu - x
    dd = x - xd
    if du < dd or (du == dd and i10 % 2 == 1):
        return xu
    return xd
