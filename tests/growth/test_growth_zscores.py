"""Hand-computed WHO cases and the easily-missed rules of WHO's algorithm.

Table rows quoted in comments are from src/crecer/growth/data (WHO expanded tables); "§n" refers
to shared/domain/who_growth_algorithm.md. Each expected z is the LMS formula evaluated by hand:
plain z = ((y/M)^L − 1)/(S·L), restricted z as in §4, then rounded to 2 decimals.
"""

import math

import numpy as np
import pytest

from crecer.growth import REASONS, zscores

NAN = math.nan


def one(**row: object) -> dict[str, float]:
    out = zscores(**{k: [v] for k, v in row.items()})
    return {k: v[0].item() for k, v in out.items()}


def reason(row: dict[str, float], index: str) -> str:
    return REASONS[int(row[f"reason_{index}"])]


def test_length_for_age_hand_computed() -> None:
    # boy, day 400: L=1, M=77.0812, S=0.03157; (75.2/77.0812 − 1)/0.03157 = −0.77306
    r = one(sex=1, age_days=400, length_cm=75.2, measure="l")
    assert r["z_lhfa"] == -0.77
    assert r["reason_lhfa"] == 0
    assert not r["flag_lhfa"]


def test_weight_for_age_hand_computed_at_birth() -> None:
    # girl, day 0: L=0.3809, M=3.2322, S=0.14171; ((2.5/3.2322)^0.3809 − 1)/(0.14171·0.3809)
    # = −1.72681
    assert one(sex=2, age_days=0, weight_kg=2.5)["z_wfa"] == -1.73


def test_unrounded_values_with_raw() -> None:
    out = zscores(
        sex=[1, 2], age_days=[400, 0], length_cm=[75.2, NAN], weight_kg=[NAN, 2.5], raw=True
    )
    np.testing.assert_allclose(out["zraw_lhfa"][0], -0.7730577191505487, rtol=0, atol=1e-12)
    np.testing.assert_allclose(out["zraw_wfa"][1], -1.7268066496677577, rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    ("age", "measure", "expected"),
    [
        (730, "l", -0.59),  # day 730, length table M=87.8018 S=0.03479: (86.0/M−1)/S = −0.58986
        (731, "l", -0.60),  # day 731, height table M=87.1303 S=0.03508, 86.0−0.7: −0.59882
        (730, "h", -0.36),  # standing before day 731: 86.0+0.7 on the length table: −0.36070
        (731, "h", -0.37),  # standing from day 731: 86.0 on the height table: −0.36980
        (730.49, "l", -0.59),  # rounds half up to day 730
        (730.5, "l", -0.60),  # rounds half up to day 731 → converted to height
    ],
)
def test_length_height_switch_at_731_days(age: float, measure: str, expected: float) -> None:
    assert one(sex=1, age_days=age, length_cm=86.0, measure=measure)["z_lhfa"] == expected


def test_standing_under_9_months_is_not_converted() -> None:
    # 200 days = 6.6 months: "h" is implausible → measure treated as unknown, no +0.7 cm (§6)
    r = one(sex=1, age_days=200, length_cm=66.0, measure="h")
    assert r["position_implausible"]
    assert r["length_cm_adjusted"] == 66.0
    r = one(sex=1, age_days=300, length_cm=66.0, measure="h")  # 9.9 months: converted
    assert not r["position_implausible"]
    assert r["length_cm_adjusted"] == 66.0 + 0.7


def test_bmi_uses_adjusted_length_and_switches_table() -> None:
    # day 730, 88 cm lying: BMI = 12.1482/0.88² = 15.68724; L=−0.6473 M=15.7356 S=0.07771 → −0.0396
    assert one(sex=1, age_days=730, weight_kg=12.1482, length_cm=88, measure="l")["z_bfa"] == -0.04
    # day 731: 88 − 0.7 = 87.3 cm; BMI 15.93982; L=−0.6187 M=16.0189 S=0.07785 → −0.06367
    assert one(sex=1, age_days=731, weight_kg=12.1482, length_cm=88, measure="l")["z_bfa"] == -0.06


def test_weight_for_length_interpolates_between_rows() -> None:
    # girl, 300 days, 70.25 cm, 8.0 kg: rows 70.2 (M=8.2039 S=0.09065) and 70.3 (M=8.2244
    # S=0.09064), L=−0.3833, f=0.5 → M=8.21415, S=0.090645; z = −0.29291
    assert one(sex=2, age_days=300, length_cm=70.25, measure="l", weight_kg=8.0)["z_wflh"] == -0.29


@pytest.mark.parametrize(
    ("age", "measure", "length", "expected"),
    [
        # boy, 12 kg. wfh 87.0: M=12.1645 S=0.0809 → −0.1687; wfl 87.0: M=11.9916 S=0.08111
        # → 0.0086; wfl 86.9: M=11.9668 S=0.08114 → 0.0341 (L=−0.3521 in all)
        (NAN, "h", 87.0, -0.17),  # age unknown: the measure chooses the table
        (NAN, "l", 87.0, 0.01),
        (NAN, None, 87.0, -0.17),  # age and measure unknown: 87 cm and above → height
        (NAN, None, 86.9, 0.03),  # below 87 cm → length
        (730, None, 87.0, 0.01),  # age known: day < 731 → length table
        (731, None, 87.0, -0.17),  # day ≥ 731 → height table
    ],
)
def test_weight_for_length_or_height_table_choice(
    age: float, measure: str | None, length: float, expected: float
) -> None:
    r = one(sex=1, age_days=age, length_cm=length, measure=measure, weight_kg=12.0)
    assert r["z_wflh"] == expected


@pytest.mark.parametrize(
    ("age", "length", "computed"),
    [
        (300, 44.99, False),
        (300, 45.0, True),  # inclusive bounds (§7)
        (300, 110.0, True),
        (300, 110.01, False),
        (1000, 64.99, False),
        (1000, 65.0, True),
        (1000, 120.0, True),
        (1000, 120.01, False),
    ],
)
def test_weight_for_length_height_range_edges(age: int, length: float, computed: bool) -> None:
    measure = "l" if age < 731 else "h"
    r = one(sex=2, age_days=age, length_cm=length, measure=measure, weight_kg=8.0)
    assert math.isnan(r["z_wflh"]) != computed
    if not computed:
        assert reason(r, "wflh") == "length_out_of_range"


def test_restricted_tails_for_weight() -> None:
    # boy day 365: L=0.0645 M=9.646 S=0.10925. 6.5 kg: plain z = −3.5676; SD−3 = 6.92598,
    # SD−2 = 7.74068 → −3 + (6.5 − 6.92598)/(7.74068 − 6.92598) = −3.52287
    assert one(sex=1, age_days=365, weight_kg=6.5)["z_wfa"] == -3.52
    # 14.5 kg: plain 3.7804; 3 + (14.5 − SD3)/(SD3 − SD2) = 3.85304
    assert one(sex=1, age_days=365, weight_kg=14.5)["z_wfa"] == 3.85


def test_length_for_age_is_never_restricted() -> None:
    # L = 1 so plain and restricted agree; a very short boy at day 365 (M=75.7391 S=0.03137):
    # (60/75.7391 − 1)/0.03137 = −6.6242 → flagged (|z| > 6)
    r = one(sex=1, age_days=365, length_cm=60.0)
    assert r["z_lhfa"] == -6.62
    assert r["flag_lhfa"]


def test_weight_zero_in_weight_for_length_is_computed_like_who() -> None:
    # §3: no "weight > 0" guard in wfl: −3 + (0 − SD−3)/(SD−2 − SD−3) with wfl 87.0 boys = −15.71
    r = one(sex=1, age_days=NAN, length_cm=87.0, measure="l", weight_kg=0.0)
    assert r["z_wflh"] == -15.71
    assert r["flag_wflh"]
    assert math.isnan(one(sex=1, age_days=400, weight_kg=0.0)["z_wfa"])


@pytest.mark.parametrize(
    ("index", "z", "flagged"),
    [
        ("lhfa", -6.0, False),
        ("lhfa", -6.01, True),
        ("lhfa", 6.01, True),
        ("wfa", -6.0, False),
        ("wfa", -6.01, True),
        ("wfa", 5.0, False),
        ("wfa", 5.01, True),
        ("bfa", 5.0, False),
        ("bfa", -5.01, True),
        ("wflh", 5.01, True),
        ("hcfa", -5.01, True),
    ],
)
def test_flags_are_strict_on_rounded_z(index: str, z: float, flagged: bool) -> None:
    # Build the measurement at exactly z from the table row (boy, day 500; wfl 75.0 cm at day
    # 500) with the inverse LMS formula; beyond ±3 use the restricted inverse.
    from crecer.growth import _tables, lms_value

    if index == "wflh":
        lengths, lam, m, s = _tables.length_rows("wfl", 1)
        i = int(np.flatnonzero(lengths == 75.0)[0])
    else:
        t = _tables.age_table(index)
        i = 500
        lam, m, s = t.l, t.m, t.s
    L, M, S = lam[i], m[i], s[i]
    k = 3.0 if z > 0 else -3.0
    sd3, sd2 = lms_value(k, L, M, S), lms_value(k - np.sign(k), L, M, S)
    y = lms_value(z, L, M, S) if index == "lhfa" else sd3 + (z - k) * abs(sd3 - sd2)
    column = {"lhfa": "length_cm", "wfa": "weight_kg", "hcfa": "head_cm", "wflh": "weight_kg"}
    if index == "bfa":
        row = one(sex=1, age_days=500, weight_kg=float(y) * 0.8 * 0.8, length_cm=80.0)
    elif index == "wflh":
        row = one(sex=1, age_days=500, length_cm=75.0, measure="l", weight_kg=float(y))
    else:
        row = one(sex=1, age_days=500, **{column[index]: float(y)})
    assert row[f"z_{index}"] == z
    assert row[f"flag_{index}"] == flagged


def test_oedema_blanks_weight_based_indices_only() -> None:
    for value in ("y", "Y", "1", 1, True):
        r = one(sex=1, age_days=400, weight_kg=9.0, length_cm=75.0, measure="l", oedema=value)
        for index in ("wfa", "wflh", "bfa"):
            assert math.isnan(r[f"z_{index}"])
            assert reason(r, index) == "oedema"
            assert not r[f"flag_{index}"]
        assert r["z_lhfa"] == -0.86  # (75/77.0812 − 1)/0.03157 = −0.85525: unaffected
    for value in ("n", "N", "2", 2, False, None, ""):
        r = one(sex=1, age_days=400, weight_kg=9.0, oedema=value)
        assert not math.isnan(r["z_wfa"])


@pytest.mark.parametrize(
    ("age", "computed"),
    [
        (0, True),
        (1826, True),  # last row of WHO anthro's age tables, 59.99 months
        (1826.2, True),  # unrounded 59.998 months, rounds to day 1826
        (1826.25, False),  # exactly 60 months
        (1826.3, False),
        (1856, False),  # last day of WHO's expanded tables, but ≥ 60 months: no z in anthro
        (-1, False),
    ],
)
def test_age_edges(age: float, computed: bool) -> None:
    r = one(sex=1, age_days=age, length_cm=100.0, weight_kg=15.0, measure="h")
    for index in ("lhfa", "wfa", "bfa", "wflh"):
        assert math.isnan(r[f"z_{index}"]) != computed, index
        if not computed:
            assert reason(r, index) == "age_out_of_range"


def test_age_1826_hand_computed() -> None:
    # boy day 1826: M=109.9593 S=0.04214: (100/M − 1)/S = −2.14933 → stunted
    assert one(sex=1, age_days=1826, length_cm=100.0, measure="h")["z_lhfa"] == -2.15


def test_arm_circumference_starts_at_91_days() -> None:
    # girl day 91: L=−0.1733 M=13.0245 S=0.08262; ((12/M)^L − 1)/(S·L) = −0.99867
    assert one(sex=2, age_days=91, arm_cm=12.0)["z_acfa"] == -1.0
    r = one(sex=2, age_days=90, arm_cm=12.0)
    assert math.isnan(r["z_acfa"])
    assert reason(r, "acfa") == "age_out_of_range"
    # head circumference has rows from day 0: day 90 M=39.483 S=0.03141: −1.19581
    assert one(sex=2, age_days=90, head_cm=38.0)["z_hcfa"] == -1.2


def test_both_sexes_and_sex_codes() -> None:
    out = zscores(sex=[1, "m", "M", 2, "f", "F", 0, 3, "x", None], age_days=0, weight_kg=3.3464)
    # boys day 0 M = 3.3464 → z = 0; girls day 0: ((3.3464/3.2322)^0.3809 − 1)/(0.14171·0.3809)
    # = 0.24665
    np.testing.assert_array_equal(out["z_wfa"][:6], [0, 0, 0, 0.25, 0.25, 0.25])
    assert np.all(np.isnan(out["z_wfa"][6:]))
    assert all(REASONS[c] == "sex_missing" for c in out["reason_wfa"][6:])


def test_ages_from_months_and_dates() -> None:
    by_days = zscores(sex=1, age_days=400, length_cm=75.2)["z_lhfa"]
    by_months = zscores(sex=1, age_months=400 / 30.4375, length_cm=75.2)["z_lhfa"]
    by_dates = zscores(
        sex=1, birth_date="2023-01-01", measurement_date="2024-02-05", length_cm=75.2
    )["z_lhfa"]  # 400 days later
    assert by_days[0] == by_months[0] == by_dates[0] == -0.77
    bad = zscores(sex=1, birth_date="not a date", measurement_date="2024-02-05", length_cm=75.2)
    assert REASONS[bad["reason_lhfa"][0]] == "age_missing"


def test_missing_and_bad_values_give_reasons_not_errors() -> None:
    out = zscores(
        sex=[1, 1, 1, 1],
        age_days=[NAN, 400, 400, 400],
        length_cm=[75.0, NAN, -3.0, 0.0],
        weight_kg=[9.0, "nine", -1.0, 0.0],
    )
    assert [REASONS[c] for c in out["reason_lhfa"]] == [
        "age_missing",
        "measurement_missing",
        "measurement_not_positive",
        "measurement_not_positive",
    ]
    assert [REASONS[c] for c in out["reason_wfa"]] == [
        "age_missing",
        "measurement_missing",
        "measurement_not_positive",
        "measurement_not_positive",
    ]


def test_mapping_input_and_empty_input() -> None:
    table = {"sex": np.array([1, 2]), "age_days": np.array([400, 0]), "weight_kg": [9.9065, 3.2322]}
    out = zscores(table)
    np.testing.assert_array_equal(out["z_wfa"], [0.0, 0.0])  # both at the median M
    assert zscores({"sex": np.array([], dtype=int)})["z_lhfa"].shape == (0,)
    with pytest.raises(ValueError, match="different lengths"):
        zscores(sex=[1, 2], age_days=[1, 2, 3])


def test_chunking_does_not_change_results() -> None:
    rng = np.random.default_rng(3)
    n = 1000
    cols = {
        "sex": rng.integers(0, 3, n),
        "age_days": rng.uniform(-10, 1900, n),
        "weight_kg": rng.uniform(-1, 30, n),
        "length_cm": rng.uniform(30, 130, n),
        "measure": rng.choice(["l", "h", "x"], n),
    }
    a = zscores(cols, chunk_size=7)
    b = zscores(cols)
    for k in a:
        np.testing.assert_array_equal(a[k], b[k])
