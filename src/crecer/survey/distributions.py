"""Quantiles of Student's t and of the normal distribution, in plain Python (no scipy).

The t quantile gives the half-width of a confidence interval with ``df`` degrees of freedom,
as R's ``confint(..., df = degf(design))`` and ``svyciprop(..., df = degf(design))`` use it.
Survey degrees of freedom (PSUs minus strata) are whole numbers, for which the t distribution
function has a closed form (Abramowitz & Stegun, *Handbook of Mathematical Functions*, 26.7.3
and 26.7.4): with ``θ = atan(t / √ν)``,

- ν odd:  P(|T| < t) = (2/π) [θ + sin θ (cos θ + (2/3) cos³θ + …
  + (2·4···(ν−3))/(1·3···(ν−2)) cos^(ν−2) θ)]
- ν even: P(|T| < t) = sin θ [1 + (1/2) cos²θ + (1·3)/(2·4) cos⁴θ + …
  + (1·3···(ν−3))/(2·4···(ν−2)) cos^(ν−2) θ]

The quantile is found by bisection on that function to machine precision (tested against
scipy's ``stats.t.ppf`` in tests/survey). ``df = inf`` gives the normal quantile, found by
bisection on ``Φ(x) = (1 + erf(x/√2))/2``.
"""

from __future__ import annotations

import functools
import math

__all__ = ["normal_quantile", "t_quantile", "two_sided_probability"]


def two_sided_probability(t: float, df: int) -> float:
    """P(|T| < t) for Student's t with a whole number ``df`` ≥ 1 of degrees of freedom."""
    if df < 1 or int(df) != df:
        raise ValueError(f"degrees of freedom must be a whole number >= 1, got {df!r}")
    t = abs(t)
    theta = math.atan(t / math.sqrt(df))
    cos2 = math.cos(theta) ** 2
    sin = math.sin(theta)
    if df % 2 == 1:
        if df == 1:
            return 2.0 * theta / math.pi
        term = math.cos(theta)
        total = term
        for k in range(3, df - 1, 2):  # cos^k θ with coefficient (2·4···(k−1))/(1·3···k)
            term *= cos2 * (k - 1) / k
            total += term
        return 2.0 / math.pi * (theta + sin * total)
    term = 1.0
    total = 1.0
    for k in range(2, df - 1, 2):  # cos^k θ with coefficient (1·3···(k−1))/(2·4···k)
        term *= cos2 * (k - 1) / k
        total += term
    return sin * total


def _bisect(function: object, target: float, high: float) -> float:
    assert callable(function)
    low = 0.0
    while function(high) < target:
        high *= 2.0
    for _ in range(200):
        middle = 0.5 * (low + high)
        if middle in (low, high):
            break
        if function(middle) < target:
            low = middle
        else:
            high = middle
    return 0.5 * (low + high)


@functools.lru_cache(maxsize=512)
def t_quantile(probability: float, df: float) -> float:
    """The ``probability`` quantile of Student's t with ``df`` degrees of freedom.

    ``df`` must be a whole number ≥ 1 or ``math.inf`` (the normal distribution); for a 95 %
    two-sided interval ask for ``t_quantile(0.975, df)``.
    """
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be between 0 and 1, got {probability!r}")
    if math.isinf(df):
        return normal_quantile(probability)
    if probability < 0.5:
        return -t_quantile(1.0 - probability, df)
    if probability == 0.5:
        return 0.0
    whole = int(df)
    if whole != df or whole < 1:
        raise ValueError(f"degrees of freedom must be a whole number >= 1 or inf, got {df!r}")
    target = 2.0 * probability - 1.0
    return _bisect(lambda t: two_sided_probability(t, whole), target, 16.0)


def normal_quantile(probability: float) -> float:
    """The ``probability`` quantile of the standard normal distribution."""
    if not 0.0 < probability < 1.0:
        raise ValueError(f"probability must be between 0 and 1, got {probability!r}")
    if probability < 0.5:
        return -normal_quantile(1.0 - probability)
    target = 2.0 * probability - 1.0  # P(|Z| < x) = erf(x / √2)
    return _bisect(lambda x: math.erf(x / math.sqrt(2.0)), target, 8.0)
