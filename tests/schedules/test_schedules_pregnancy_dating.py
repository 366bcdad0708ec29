"""Dating a pregnancy from its FUR: gestational age, FPP, trimester, month of pregnancy."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from crecer.schedules import (
    dating_fur,
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


# Redating by ultrasound: ACOG Committee Opinion 700 (2017), table 1, as the profile's
# schedules.pregnancy_dating holds it (up to 8 6/7 weeks: more than 5 days apart; 9 0/7 to
# 15 6/7: 7; 16 0/7 to 21 6/7: 10; 22 0/7 to 27 6/7: 14; 28 0/7 and later: 21).
ACOG_BEFORE = [63, 112, 154, 196, 315]
ACOG_MORE_THAN = [5, 7, 10, 14, 21]


def redated(scan_days, apart):
    """Whether an ultrasound measuring ``scan_days`` whose implied FUR is ``apart`` days after
    the reported one redates the pregnancy (the FUR reported is 2025-01-01)."""
    scan = FUR + np.timedelta64(scan_days + apart, "D")  # so that scan - scan_days = FUR + apart
    dated, by_us = dating_fur(FUR, scan, float(scan_days), ACOG_BEFORE, ACOG_MORE_THAN)
    assert dated == (FUR + apart if by_us else FUR)
    return bool(by_us)


@pytest.mark.parametrize(
    ("scan_days", "apart", "expected"),
    [
        (62, 5, False),  # 8 weeks 6 days: 5 days apart keeps the FUR
        (62, 6, True),  # ... 6 redates
        (63, 7, False),  # 9 weeks 0 days is the next band: 7 keeps it
        (63, -8, True),  # ... 8 (earlier) redates
        (111, 8, True),  # 15 weeks 6 days: still 7
        (112, 10, False),  # 16 weeks 0 days: 10 allowed
        (112, 11, True),
        (153, 11, True),  # 21 weeks 6 days: 10
        (154, 14, False),  # 22 weeks 0 days: 14
        (154, -15, True),
        (196, 21, False),  # 28 weeks 0 days and later: 21
        (196, 22, True),
    ],
)
def test_acog_bands_at_their_boundaries(scan_days, apart, expected):
    assert redated(scan_days, apart) is expected


def test_no_fur_is_dated_by_the_ultrasound_and_a_late_one_never_redates():
    scan = np.array(["2025-06-01", "2025-06-01"], "datetime64[D]")
    fur = np.array(["NaT", "2025-01-01"], "datetime64[D]")
    dated, by_us = dating_fur(fur, scan, [100.0, 320.0], ACOG_BEFORE, ACOG_MORE_THAN)
    assert_array_equal(dated, np.array(["2025-02-21", "2025-01-01"], "datetime64[D]"))
    assert_array_equal(by_us, [True, False])


def test_without_an_ultrasound_the_fur_stays():
    fur = np.array(["2025-01-01", "2025-02-01"], "datetime64[D]")
    dated, by_us = dating_fur(
        fur, np.array(["NaT", "2025-04-01"], "datetime64[D]"), [np.nan, np.nan], [63], [5]
    )
    assert_array_equal(dated, fur)
    assert not by_us.any()
