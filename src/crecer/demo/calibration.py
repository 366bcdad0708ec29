"""Solving for the offset that makes a modelled prevalence equal a published figure.

A person is "below" when ``offset + rest + noise < threshold`` with normal noise of SD
``sd``; the expected prevalence of a group is the mean of ``Φ((threshold − offset − rest)/sd)``
over its rows. That mean falls monotonically as the offset grows, so bisection finds, for
every group at once, the offset giving the target. Calibration is in expectation: the achieved
rate then scatters binomially around the target, as a survey's would.
"""

from __future__ import annotations

import numpy as np


def normal_cdf(x: np.ndarray) -> np.ndarray:
    """Φ(x) through the Abramowitz & Stegun 7.1.26 erf approximation (|error| < 1.5e-7):
    numpy has no erf, and scipy is not a dependency."""
    z = np.abs(x) / np.sqrt(2.0)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (
        0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))
    )
    erf = 1.0 - poly * np.exp(-z * z)
    return 0.5 * (1.0 + np.sign(x) * erf)


def solve_offsets(
    group: np.ndarray,
    rest: np.ndarray,
    sd: np.ndarray | float,
    threshold: float,
    target: np.ndarray,
    *,
    low: float = -20.0,
    high: float = 20.0,
    iterations: int = 50,
) -> np.ndarray:
    """Offset per group (``group`` holds indices 0…len(target)−1) such that the mean over the
    group's rows of Φ((threshold − offset − rest)/sd) equals ``target`` (a fraction)."""
    groups = len(target)
    counts = np.maximum(np.bincount(group, minlength=groups), 1)
    lo = np.full(groups, low)
    hi = np.full(groups, high)
    for _ in range(iterations):
        mid = (lo + hi) / 2
        share = np.bincount(
            group, weights=normal_cdf((threshold - mid[group] - rest) / sd), minlength=groups
        )
        too_many = share / counts > target  # raise the offset to lower the prevalence
        lo = np.where(too_many, mid, lo)
        hi = np.where(too_many, hi, mid)
    return (lo + hi) / 2
