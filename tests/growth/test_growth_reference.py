"""The vectorized code against a row-by-row transcription of WHO's algorithm (who_reference.py).

Random rows cover the whole input space, including every boundary of §2–§9 of
shared/domain/who_growth_algorithm.md: unrounded z must agree to 1e-9, rounded z exactly, with
the same missing values, on every index.
"""

import importlib.util
import math
from pathlib import Path

import numpy as np

from crecer.growth import INDICES, zscores

_spec = importlib.util.spec_from_file_location(
    "growth_who_reference", Path(__file__).with_name("who_reference.py")
)
ref = importlib.util.module_from_spec(_spec)  # type: ignore[arg-type]
_spec.loader.exec_module(ref)  # type: ignore[union-attr]


def random_rows(n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    age = rng.uniform(0, 1900, n)
    whole = rng.random(n) < 0.3
    age[whole] = rng.integers(0, 1860, whole.sum())
    special = np.array(
        [
            0,
            0.49,
            0.5,
            729.5,
            730,
            730.49,
            730.5,
            731,
            1826,
            1826.2,
            1826.25,
            1856,
            1857,
            272,
            273.9,
            np.nan,
        ]
    )
    pick = rng.random(n) < 0.2
    age[pick] = rng.choice(special, pick.sum())
    length = rng.uniform(40, 125, n)
    edge = rng.random(n) < 0.2
    length[edge] = rng.choice(
        [45.0, 110.0, 65.0, 120.0, 44.95, 110.05, 86.9, 87.0, 51.2, 102.4, 0.0, -5.0, np.nan],
        edge.sum(),
    )
    weight = rng.uniform(0.5, 30, n)
    weight[rng.random(n) < 0.05] = 0.0
    return {
        "sex": rng.choice([1, 2, 1, 2, 0], n),
        "age_days": age,
        "weight_kg": weight,
        "length_cm": np.where(edge, length, np.round(length, 1)),
        "measure": rng.choice(["l", "h", ""], n),
        "oedema": rng.random(n) < 0.05,
        "head_cm": rng.uniform(25, 60, n),
        "arm_cm": rng.uniform(5, 25, n),
    }


def test_agrees_with_row_by_row_reference() -> None:
    rows = random_rows(3000, seed=11)
    out = zscores(rows, raw=True)
    checked = 0
    for i in range(len(rows["sex"])):
        sex = int(rows["sex"][i])
        expected = ref.one_row(
            sex if sex in (1, 2) else None,
            float(rows["age_days"][i]),
            float(rows["weight_kg"][i]),
            float(rows["length_cm"][i]),
            str(rows["measure"][i]) or None,
            bool(rows["oedema"][i]),
            float(rows["head_cm"][i]),
            float(rows["arm_cm"][i]),
        )
        for index in INDICES:
            want = expected[index]
            got_raw = out[f"zraw_{index}"][i]
            got = out[f"z_{index}"][i]
            if math.isnan(want):
                assert math.isnan(got), (i, index, got)
                continue
            if math.isinf(want):  # e.g. BMI-for-age with length 0: WHO gives Inf (flagged)
                assert got_raw == want
                assert got == want
                assert out[f"flag_{index}"][i]
                continue
            assert abs(got_raw - want) <= 1e-9 * max(1.0, abs(want)), (i, index, got_raw, want)
            assert got == ref.rounded(want), (i, index, got, want)
            checked += 1
    assert checked > 8000
