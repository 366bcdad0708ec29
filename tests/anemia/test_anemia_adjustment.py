"""Altitude adjustment: MINSA bands (RM 429-2024 annex, table 1), WHO 2024 formula, WHO 2011."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from crecer.anemia import altitude_adjustment
from crecer.norms import load_profile

ANEMIA = load_profile("peru").anemia


@pytest.mark.parametrize(
    ("altitude", "subtract"),
    [
        # RM 429-2024 annex, table 1: every band edge, and the Huamanguilla case.
        (-5, 0.0),  # below sea level: below the first band
        (0, 0.0),
        (499, 0.0),
        (500, 0.4),
        (999, 0.4),
        (1000, 0.8),
        (1499, 0.8),
        (1500, 1.1),
        (2000, 1.4),
        (2500, 1.8),
        (3000, 2.1),
        (3499, 2.1),
        (3500, 2.5),
        (3796, 2.5),  # Huamanguilla: band 3,500-3,999 -> 2.5
        (3999, 2.5),
        (4000, 2.9),
        (4499, 2.9),
        (4500, 3.3),
        (5100, 3.3),  # La Rinconada: last band is open-ended
    ],
)
def test_minsa_band_table(altitude, subtract):
    method = ANEMIA.adjustment("minsa_2024_bands")
    assert_allclose(altitude_adjustment([altitude], method), [subtract])


def test_who_2024_formula():
    method = ANEMIA.adjustment("who_2024_formula")
    # WHO 2024: g/L = 0.0056384 h + 0.0000003 h², /10 for g/dL, by hand:
    # 3796: 21.4033664 + 4.3228848 = 25.7262512 g/L; 750: 4.2288 + 0.16875 = 4.39755;
    # 3250: 18.3248 + 3.16875 = 21.49355; 4750: 26.7824 + 6.76875 = 33.55115; <= 0 m: nothing.
    got = altitude_adjustment([3796, 750, 3250, 4750, 0, -20], method)
    assert_allclose(got, [2.57262512, 0.439755, 2.149355, 3.355115, 0.0, 0.0])


def test_minsa_bands_are_the_formula_at_band_midpoints_up_to_4499_m():
    # anemia.md: each MINSA row equals the WHO 2024 formula at the band midpoint rounded to 0.1.
    # It holds for 500-4,499 m. At 4,750 m the formula gives 3.355 (rounds to 3.4) against 3.3
    # in the table: one of the rows >= 4,000 m that the profile marks unconfirmed.
    formula = ANEMIA.adjustment("who_2024_formula")
    bands = ANEMIA.adjustment("minsa_2024_bands").bands
    midpoints = [band.from_m + 250 for band in bands[1:-1]]
    expected = [band.subtract for band in bands[1:-1]]
    assert_allclose(np.round(altitude_adjustment(midpoints, formula), 1), expected)
    assert bands[-1].unconfirmed
    assert bands[-2].unconfirmed


@pytest.mark.parametrize(
    ("altitude", "subtract"),
    # WHO 2011 step table (anemia.md): 0 below 1,000 m, then from each step up to the next.
    [(999, 0.0), (1000, 0.2), (1500, 0.5), (2000, 0.8), (2500, 1.3), (3000, 1.9), (3796, 2.7),
     (4000, 3.5), (4500, 4.5)],
)  # fmt: skip
def test_who_2011_steps(altitude, subtract):
    assert_allclose(
        altitude_adjustment([altitude], ANEMIA.adjustment("who_2011_steps")), [subtract]
    )


def test_missing_altitude_stays_missing():
    got = altitude_adjustment([np.nan, 3796], ANEMIA.adjustment("minsa_2024_bands"))
    assert np.isnan(got[0])
    assert got[1] == 2.5
