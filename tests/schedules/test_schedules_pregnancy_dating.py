"""Dating a pregnancy from its FUR: gestational age, FPP, trimester, month of pregnancy."""

import numpy as np
from numpy.testing import assert_array_equal

from crecer.schedules import (
    due_date,
    gestational_days,
    gestational_weeks,
    pregnancy_month,
    trimester,
)

FUR = np.datetime64("2025-01-01", "D")


def days(*offsets):
    return FUR + np.array(offsets).astype("timedelta64[D]")


def test_gestational_age_in_days_and_weeks():
    assert_array_equal(gestational_days(FUR, days(0, 70, 97, 98)), [0, 70, 97, 98])
    weeks = gestational_weeks(FUR, days(70, 97, 98, 210))
    assert_array_equal(np.floor(weeks), [10, 13, 14, 30])  # 97 days = 13 weeks 6 days
    assert weeks[1] < 14  # still the 1st trimester row of the Hb cut-offs (< 14 weeks)


def test_unknown_or_before_the_fur_is_nan_or_zero():
    lmp = np.array([FUR, "NaT", FUR], dtype="datetime64[D]")
    on = np.array([FUR - 1, FUR + 10, "NaT"], dtype="datetime64[D]")
    assert np.isnan(gestational_days(lmp, on)).all()
    assert_array_equal(trimester(lmp, on), [0, 0, 0])
    assert_array_equal(pregnancy_month(lmp, on, 30.4375), [0, 0, 0])


def test_due_date_is_fur_plus_280_days():
    # 2025-01-01 + 280 days: Jan 1 + 273 days is Oct 1 (non-leap year), + 7 = Oct 8
    fur = np.array(["2025-01-01", "2024-02-29", "NaT"], dtype="datetime64[D]")
    got = due_date(fur)
    assert str(got[0]) == "2025-10-08"
    assert str(got[1]) == "2024-12-05"  # Mar 1 is day 1 after Feb 29, Dec 5 is 279 days later
    assert np.isnat(got[2])


def test_trimester_boundaries():
    # NTS 213-2024 rows: < 14 weeks (days 0-97), 14 to < 28 (98-195), 28 and more (196-)
    assert_array_equal(trimester(FUR, days(0, 97, 98, 195, 196, 300)), [1, 1, 2, 2, 3, 3])


def test_month_of_pregnancy_both_conventions():
    # 30.4375-day months: month 2 starts on day ceil(30.4375) = 31, month 5 on 122
    assert_array_equal(pregnancy_month(FUR, days(0, 30, 31, 121, 122), 30.4375), [1, 1, 2, 4, 5])
    # 28-day months (four gestational weeks): month 5 starts on day 112 (week 16)
    assert_array_equal(pregnancy_month(FUR, days(111, 112, 279, 280), 28), [4, 5, 10, 11])


def test_vectorised_over_pregnancies():
    lmp = np.array(["2025-01-01", "2025-03-01"], dtype="datetime64[D]")
    on = np.datetime64("2025-06-01")  # days 151 and 92
    assert_array_equal(gestational_days(lmp, on), [151, 92])
    assert_array_equal(trimester(lmp, on), [2, 1])
    assert_array_equal(pregnancy_month(lmp, on, 30.4375), [5, 4])
