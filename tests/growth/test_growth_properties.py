"""Property tests: monotonic in the measurement; never an exception for any float."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crecer.growth import INDICES, zscores

ages = st.floats(0, 1826, allow_nan=False)
sexes = st.sampled_from([1, 2])


@settings(max_examples=60, deadline=None)
@given(sex=sexes, age=ages, w=st.lists(st.floats(0.5, 40), min_size=2, max_size=20))
def test_weight_for_age_monotonic(sex: int, age: float, w: list[float]) -> None:
    w = sorted(w)
    z = zscores(sex=sex, age_days=age, weight_kg=w, raw=True)["zraw_wfa"]
    assert np.all(np.diff(z) >= -1e-12)


@settings(max_examples=60, deadline=None)
@given(sex=sexes, age=ages, x=st.lists(st.floats(20, 140), min_size=2, max_size=20))
def test_length_head_arm_monotonic(sex: int, age: float, x: list[float]) -> None:
    x = sorted(x)
    out = zscores(sex=sex, age_days=age, length_cm=x, head_cm=x, arm_cm=np.array(x) / 5, raw=True)
    for index in ("lhfa", "hcfa", "acfa"):
        z = out[f"zraw_{index}"]
        z = z[~np.isnan(z)]
        assert np.all(np.diff(z) >= -1e-12), index


@settings(max_examples=60, deadline=None)
@given(
    sex=sexes,
    age=st.one_of(st.just(float("nan")), ages),
    length=st.floats(45, 120),
    w=st.lists(st.floats(1, 40), min_size=2, max_size=20),
)
def test_weight_for_length_and_bmi_monotonic_in_weight(
    sex: int, age: float, length: float, w: list[float]
) -> None:
    w = sorted(w)
    out = zscores(sex=sex, age_days=age, length_cm=length, weight_kg=w, raw=True)
    for index in ("wflh", "bfa"):
        z = out[f"zraw_{index}"]
        z = z[~np.isnan(z)]
        assert np.all(np.diff(z) >= -1e-12), index


anything = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(10**6), 10**6))


@settings(max_examples=150, deadline=None)
@given(
    sex=st.one_of(anything, st.text(max_size=3), st.none()),
    age=anything,
    weight=anything,
    length=anything,
    head=anything,
    measure=st.one_of(st.text(max_size=3), st.none(), anything),
    oedema=st.one_of(st.text(max_size=3), st.booleans(), st.none(), anything),
)
def test_never_raises(sex, age, weight, length, head, measure, oedema) -> None:
    out = zscores(
        sex=[sex],
        age_days=[age],
        weight_kg=[weight],
        length_cm=[length],
        head_cm=[head],
        arm_cm=[head],
        measure=[measure],
        oedema=[oedema],
    )
    for index in INDICES:
        z = out[f"z_{index}"][0]
        assert np.isnan(z) == (out[f"reason_{index}"][0] != 0)
