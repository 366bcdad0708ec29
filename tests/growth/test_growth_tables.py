"""The packaged WHO tables: shape, ranges, and rows checked by hand against WHO's own files.

Spot-check rows were read directly from WHO's anthro R package repository
(github.com/WorldHealthOrganization/anthro, data-raw/growthstandards/*.txt); see
src/crecer/growth/data/README.md for the full cross-checks made when the tables were imported.
"""

import numpy as np
import pytest

from crecer.growth import _tables


@pytest.mark.parametrize(
    ("name", "first_day", "rows_per_sex"),
    [("lhfa", 0, 1857), ("wfa", 0, 1857), ("bfa", 0, 1857), ("hcfa", 0, 1857), ("acfa", 91, 1766)],
)
def test_age_tables_cover_days(name: str, first_day: int, rows_per_sex: int) -> None:
    for sex in (1, 2):
        days, lam, m, s = _tables.age_rows(name, sex)
        assert days[0] == first_day
        assert days[-1] == 1856
        assert len(days) == rows_per_sex
        assert np.all(np.isfinite(lam))
        assert np.all(m > 0)
        assert np.all(s > 0)


@pytest.mark.parametrize(("name", "lo", "hi"), [("wfl", 45.0, 110.0), ("wfh", 65.0, 120.0)])
def test_length_tables_cover_range(name: str, lo: float, hi: float) -> None:
    for sex in (1, 2):
        lengths, lam, m, _s = _tables.length_rows(name, sex)
        assert lengths[0] == lo
        assert lengths[-1] == hi
        assert len(lengths) == round((hi - lo) * 10) + 1  # one row per 0.1 cm
        assert np.all(np.isfinite(lam))
        assert np.all(np.diff(m) > 0)


def test_l_is_one_for_length_and_head() -> None:
    # WHO: length/height-for-age and head circumference-for-age are normal (L = 1).
    assert _tables.age_table("lhfa").l_is_one
    assert _tables.age_table("hcfa").l_is_one
    assert not _tables.age_table("wfa").l_is_one


# (table, sex, day, L, M, S) copied by hand from WHO anthro data-raw/growthstandards
WHO_ROWS = [
    ("lhfa", 1, 0, 1, 49.8842, 0.03795),  # lenanthro.txt
    ("lhfa", 1, 14, 1, 52.3461, 0.03652),
    ("lhfa", 1, 300, 1, 73.096, 0.03118),
    ("lhfa", 1, 540, 1, 82.0, 0.03271),
    ("lhfa", 1, 599, 1, 83.8953, 0.03332),
    ("hcfa", 2, 1674, 1, 49.6946, 0.02861),  # hcanthro.txt
    ("hcfa", 2, 1700, 1, 49.7352, 0.02859),
    ("hcfa", 2, 1750, 1, 49.8112, 0.02855),
    ("hcfa", 2, 1800, 1, 49.885, 0.02852),
    ("hcfa", 2, 1826, 1, 49.9225, 0.0285),
    ("bfa", 1, 771, -0.5726, 15.9671, 0.07794),  # bmianthro.txt
    ("bfa", 1, 800, -0.5402, 15.9306, 0.07802),
    ("bfa", 1, 900, -0.4391, 15.8104, 0.07836),
    ("bfa", 1, 1000, -0.3601, 15.6982, 0.0788),
    ("bfa", 1, 1100, -0.3085, 15.5946, 0.07934),
    ("bfa", 1, 1200, -0.2874, 15.503, 0.07999),
    ("bfa", 1, 1251, -0.2884, 15.4622, 0.08038),
]


@pytest.mark.parametrize(("name", "sex", "day", "lam", "m", "s"), WHO_ROWS)
def test_rows_match_who_files(
    name: str, sex: int, day: int, lam: float, m: float, s: float
) -> None:
    t = _tables.age_table(name)
    row = (sex - 1) * _tables.N_DAYS + day
    assert (t.l[row], t.m[row], t.s[row]) == (lam, m, s)
