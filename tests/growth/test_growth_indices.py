"""``zscores(..., indices=...)``: a subset gives exactly the full computation's values; absent
columns give the same reasons as all-missing ones; an unknown index name is a clear error."""

from itertools import combinations

import numpy as np
import pytest

from crecer.growth import INDICES, REASONS, zscores

COMMON = ("length_cm_adjusted", "bmi", "position_implausible")


def messy_rows(n: int = 3000, seed: int = 7) -> dict[str, np.ndarray]:
    """Every kind of row: sexes 0–2, ages out of range / fractional / half days / NaN,
    measurements missing, zero, negative or absurd, known and unknown measures, oedema."""
    rng = np.random.default_rng(seed)

    def sometimes_bad(x: np.ndarray) -> np.ndarray:
        x = x.copy()
        pick = rng.random(n)
        x[pick < 0.05] = np.nan
        x[(pick >= 0.05) & (pick < 0.07)] = 0.0
        x[(pick >= 0.07) & (pick < 0.08)] = -1.0
        x[(pick >= 0.08) & (pick < 0.09)] *= 5.0  # absurd: restricted tails, flags
        return x

    age = rng.uniform(-20, 1900, n)
    age[rng.random(n) < 0.05] = np.nan
    whole = rng.random(n) < 0.3
    age[whole] = np.round(age[whole])
    age[rng.random(n) < 0.05] += 0.5  # half days round up
    return {
        "sex": rng.integers(0, 3, n),
        "age_days": age,
        "weight_kg": sometimes_bad(np.round(rng.uniform(1.5, 28, n), 2)),
        "length_cm": sometimes_bad(np.round(rng.uniform(40, 125, n), 1)),
        "head_cm": sometimes_bad(np.round(rng.uniform(30, 55, n), 1)),
        "arm_cm": sometimes_bad(np.round(rng.uniform(8, 20, n), 1)),
        "measure": rng.choice(["l", "h", "", "x"], n),
        "oedema": rng.random(n) < 0.05,
    }


def assert_same(part: dict[str, np.ndarray], full: dict[str, np.ndarray], keys: list[str]) -> None:
    assert sorted(part) == sorted(keys)
    for key in keys:
        assert part[key].dtype == full[key].dtype, key
        np.testing.assert_array_equal(part[key], full[key], err_msg=key)


def keys_for(indices: tuple[str, ...], raw: bool) -> list[str]:
    prefixes = ("z", "flag", "reason", "zraw") if raw else ("z", "flag", "reason")
    return [f"{p}_{index}" for index in indices for p in prefixes] + list(COMMON)


@pytest.mark.parametrize("size", [1, 2, 3, 4, 5])
def test_every_subset_gives_the_full_values(size: int) -> None:
    rows = messy_rows()
    full = zscores(rows, raw=True, chunk_size=512)
    for subset in combinations(INDICES, size):
        part = zscores(rows, indices=subset, raw=True, chunk_size=512)
        assert_same(part, full, keys_for(subset, raw=True))


def test_default_is_all_indices_and_order_does_not_matter() -> None:
    rows = messy_rows(500)
    full = zscores(rows)
    assert_same(zscores(rows, indices=INDICES), full, keys_for(INDICES, raw=False))
    assert_same(zscores(rows, indices=reversed(INDICES)), full, keys_for(INDICES, raw=False))
    four = ("wflh", "bfa", "lhfa", "wfa", "wfa")  # duplicates are harmless
    assert_same(zscores(rows, indices=four), full, keys_for(("lhfa", "wfa", "wflh", "bfa"), False))


def test_one_name_as_a_string() -> None:
    rows = messy_rows(200)
    assert_same(zscores(rows, indices="wflh"), zscores(rows), keys_for(("wflh",), raw=False))


def test_no_index_gives_only_the_common_columns() -> None:
    rows = messy_rows(200)
    assert_same(zscores(rows, indices=()), zscores(rows), list(COMMON))


@pytest.mark.parametrize("bad", ["haz", ["lhfa", "whz"], ["LHFA"], [None]])
def test_unknown_index_name_is_a_clear_error(bad: object) -> None:
    with pytest.raises(ValueError, match=r"unknown index name.*expected some of"):
        zscores(sex=[1], age_days=[400], length_cm=[75.0], indices=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "dropped",
    [
        ("head_cm",),
        ("arm_cm",),
        ("head_cm", "arm_cm"),
        ("weight_kg",),
        ("length_cm",),
        ("sex",),
        ("age_days",),  # weight-for-length is still computed (an unknown age is allowed)
        ("sex", "age_days", "head_cm"),
    ],
)
def test_absent_columns_give_the_same_reasons_as_all_missing_ones(dropped: tuple[str, ...]) -> None:
    rows = messy_rows()
    absent = {k: v for k, v in rows.items() if k not in dropped}
    all_nan = dict(absent, **{k: np.full(len(rows["sex"]), np.nan) for k in dropped})
    a = zscores(absent, raw=True, chunk_size=512)
    b = zscores(all_nan, raw=True, chunk_size=512)
    assert_same(a, b, keys_for(INDICES, raw=True))


def test_absent_column_reasons_in_priority_order() -> None:
    out = zscores(
        sex=[0, 1, 1, 2, 1],
        age_days=[400, np.nan, 2000, 400, 60],
        weight_kg=[9.0, 9.0, 9.0, 9.0, 5.0],
        oedema=[False, False, False, True, False],
        indices=("wfa", "hcfa", "acfa", "wflh"),
    )
    assert [REASONS[c] for c in out["reason_hcfa"]] == [
        "sex_missing",
        "age_missing",
        "age_out_of_range",
        "measurement_missing",
        "measurement_missing",
    ]
    # arm circumference starts at day 91: day 60 is out of range before the missing MUAC
    assert REASONS[out["reason_acfa"][4]] == "age_out_of_range"
    # no length: weight-for-length is missing, except that oedema and sex come first and an
    # unknown age is allowed
    assert [REASONS[c] for c in out["reason_wflh"]] == [
        "sex_missing",
        "measurement_missing",
        "age_out_of_range",
        "oedema",
        "measurement_missing",
    ]
    assert np.isnan(out["z_hcfa"]).all()
    assert not out["flag_hcfa"].any()
