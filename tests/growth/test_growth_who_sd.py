"""A measurement equal to a WHO-published SD value must give exactly that z (rounded).

Expected values: the SD3neg…SD3 columns of WHO's expanded z-score tables (lhfa, wfa day 0–1856;
wfl 45–110 cm; wfh 65–120 cm), as published by WHO with 3 decimals (file copies in
tests/growth/data/who_sd_*.csv.gz; provenance in src/crecer/growth/data/README.md). A 3-decimal
SD value is off by at most 0.0005 from the exact curve, i.e. < 0.003 in z, so the 2-decimal z is
exactly −3, −2, …, 3. Days 1827–1856 are excluded: WHO anthro computes no z from 60 months on.
"""

import gzip
from pathlib import Path

import numpy as np
import pytest

from crecer.growth import zscores

DATA = Path(__file__).with_name("data")
K = np.array([-3, -2, -1, 0, 1, 2, 3], dtype=float)


def load(name: str) -> np.ndarray:
    with gzip.open(DATA / f"who_sd_{name}.csv.gz", "rt") as f:
        return np.loadtxt(f, delimiter=",", skiprows=1)


@pytest.mark.parametrize(("name", "column"), [("lhfa", "length_cm"), ("wfa", "weight_kg")])
def test_age_based_sd_columns(name: str, column: str) -> None:
    t = load(name)
    t = t[t[:, 1] <= 1826]
    sex = np.repeat(t[:, 0], 7)
    age = np.repeat(t[:, 1], 7)
    value = t[:, 2:].reshape(-1)
    # measure unknown: the length is used as given (no ±0.7 cm conversion)
    z = zscores(sex=sex, age_days=age, **{column: value})[f"z_{name}"]
    np.testing.assert_array_equal(z, np.tile(K, len(t)))
    assert len(z) == 2 * 1827 * 7  # 25,578 published values checked


@pytest.mark.parametrize(("name", "age_days", "measure"), [("wfl", 300, "l"), ("wfh", 1000, "h")])
def test_weight_for_length_height_sd_columns(name: str, age_days: int, measure: str) -> None:
    t = load(name)
    n = len(t)
    z = zscores(
        sex=np.repeat(t[:, 0], 7),
        age_days=age_days,
        length_cm=np.repeat(t[:, 1], 7),
        measure=measure,
        weight_kg=t[:, 2:].reshape(-1),
    )["z_wflh"]
    np.testing.assert_array_equal(z, np.tile(K, n))
