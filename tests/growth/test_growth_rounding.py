"""R's round(x, 2) (R >= 4.0): nearest of floor/ceil candidates measured on the double itself."""

import numpy as np
import pytest

from crecer.growth import zscores
from crecer.growth._rounding import r_round2


@pytest.mark.parametrize(
    ("x", "expected"),
    [
        # exact binary values: 2.675 is 2.67499999999999982…, 1.005 is 1.00499999999999989…,
        # 0.285 is 0.28499999999999997…, 0.135 is 0.13500000000000000888…
        (2.675, 2.67),
        (1.005, 1.0),
        (0.285, 0.28),
        (0.135, 0.14),
        (0.125, 0.12),  # an exact tie goes to the even neighbour
        (0.375, 0.38),
        (-0.125, -0.12),
        (-2.675, -2.67),
        (5.004999, 5.0),
        (5.005001, 5.01),
        (0.0, 0.0),
        (1e300, 1e300),  # more than 15 significant digits: unchanged
    ],
)
def test_r_round2(x: float, expected: float) -> None:
    assert r_round2(x) == expected


def test_vector_rounding_matches_r_algorithm_near_ties() -> None:
    # z values whose 100·z is within a few ulps of k + 0.5 are the only place where
    # rint(100 z)/100 and R can differ; zscores() re-does those with R's algorithm.
    rng = np.random.default_rng(5)
    k = rng.integers(-600, 600, 2000)
    z = (k + 0.5) / 100
    z = np.concatenate([z, np.nextafter(z, 10), np.nextafter(z, -10), rng.normal(0, 2, 2000)])
    # feed these z back as lengths with L=1 (lhfa, boy day 0: M=49.8842, S=0.03795)
    length = 49.8842 * (1 + 0.03795 * z)
    out = zscores(sex=1, age_days=0, length_cm=length)
    # R's operation order, in Python floats: (y / M − 1) / S, then R's round()
    expected = [r_round2((y / 49.8842 - 1) / 0.03795) for y in length.tolist()]
    np.testing.assert_array_equal(out["z_lhfa"], expected)
