"""Worked cases of the pregnancy and postpartum schedules of the Peru profile (issue 21).

Days are counted from the FUR (day 0) for a pregnancy and from the delivery for the puerperium.
FUR 2025-01-01 throughout, so a date's day number is its day of the year minus one.
"""

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.norms.schedule import month_start_day
from crecer.schedules import EventStatus, postpartum_status, pregnancy_month, pregnancy_status

PROFILE = load_profile("peru")
FUR = np.datetime64("2025-01-01", "D")
CHECK = "Z3491"  # a prenatal check (HIS), one of the six codes of `prenatal`


def status(check_days, as_of_day, code=CHECK):
    """Status of one pregnancy with events of ``code`` on those days since the FUR."""
    days = np.asarray(check_days, dtype=np.int64)
    events = {
        "pregnancy": np.zeros(len(days), dtype=np.int64),
        "date": FUR + days.astype("timedelta64[D]"),
        "code": np.full(len(days), code),
    }
    result = pregnancy_status(PROFILE, {"lmp_date": np.array([FUR])}, events, FUR + as_of_day)
    return {name: value[0] for name, value in result.columns.items()}


def test_first_check_at_week_10_then_monthly_is_complete_at_week_30():
    # First check 2025-03-12 (day 70, week 10), then on the 12th of each month: Apr 12 (day 101),
    # May 12 (131), Jun 12 (162), Jul 12 (192). Week 30 = day 210 = 2025-07-30.
    dates = np.array(["2025-03-12", "2025-04-12", "2025-05-12", "2025-06-12", "2025-07-12"],
                     dtype="datetime64[D]")  # fmt: skip
    assert list((dates - FUR).astype(int)) == [70, 101, 131, 162, 192]
    got = status([70, 101, 131, 162, 192], 210)
    # MINSA windows: 70 -> check 1 (0-97), 101 -> 2 (98-153; 131 is a 2nd event in it),
    # 162 -> 3 (154-188), 192 -> 4 (189-230). Required by day 210: checks 1-4 (from 98, 154,
    # 175, 210).
    assert (got["prenatal_required"], got["prenatal_done"]) == (4, 4)
    assert got["prenatal_complete"]
    assert not got["prenatal_overdue"]
    assert got["first_check_first_trimester"]  # day 70 <= 97 (FED SI-01.01)
    # the count of checks takes all five wherever they fall; four are required by day 210
    assert (got["prenatal_count_required"], got["prenatal_count_done"]) == (4, 5)
    assert got["prenatal_count_complete"]
    # JUNTOS: 70 and 101 before month 5 (day 122); 131 in month 5 (122-152); 162 in month 6
    # (153-182); 192 in month 7 (183-213, required only from day 214). Required by 210: 4.
    assert (got["juntos_prenatal_required"], got["juntos_prenatal_done"]) == (4, 5)
    assert got["juntos_prenatal_complete"]
    # next MINSA check: 5 (231-258) opens on day 231
    assert got["prenatal_next_due"] == FUR + 231


def test_first_check_at_week_22_is_not_complete():
    # First check at week 22 (day 154), then a month later (day 184); as of week 30 (day 210).
    got = status([154, 184], 210)
    # check 1 (0-97) and check 2 (98-153) were missed: overdue; 154 and 184 both fall in the
    # window of check 3 (154-188), which counts one; check 4 (189-230) not yet done.
    assert (got["prenatal_required"], got["prenatal_done"]) == (4, 1)
    assert not got["prenatal_complete"]
    assert got["prenatal_overdue"]
    assert not got["first_check_first_trimester"]
    assert (got["prenatal_count_required"], got["prenatal_count_done"]) == (4, 2)
    assert not got["prenatal_count_complete"]
    # JUNTOS: nothing before month 5 (the two checks due by day 122 are missed); 154 in month 6
    # (153-182), 184 in month 7 (183-213): 2 done, 4 required by day 210.
    assert (got["juntos_prenatal_required"], got["juntos_prenatal_done"]) == (4, 2)
    assert not got["juntos_prenatal_complete"]
    assert got["juntos_prenatal_overdue"]


def test_checks_every_four_weeks_from_week_10_are_complete_at_week_30():
    # Days 70, 98, 126, 154, 182, 210. The MINSA windows touch (Crecer's choice), so 210 counts
    # for check 4 (189-230); with the old gaps (4th window 189-209) it counted for nothing.
    got = status([70, 98, 126, 154, 182, 210], 210)
    assert (got["prenatal_required"], got["prenatal_done"]) == (4, 4)
    assert got["prenatal_complete"]
    assert got["prenatal_count_done"] == 6  # ENDES 6+ reached at week 30


def test_six_checks_by_the_delivery_reach_prenatal_6_plus():
    # One check in each MINSA window: days 80, 120, 160, 200, 240, 270; as of day 287 (41 weeks)
    got = status([80, 120, 160, 200, 240, 270], 287)
    assert (got["prenatal_required"], got["prenatal_done"]) == (6, 6)
    assert got["prenatal_count_done"] == 6
    assert got["prenatal_count_complete"]


# JUNTOS month limits with 30.4375-day months (by hand: ceil((m - 1) x 30.4375)):
# month 5: ceil(121.75) = 122; 6: ceil(152.1875) = 153; 7: ceil(182.625) = 183;
# 8: ceil(213.0625) = 214; 9: ceil(243.5) = 244.
MONTH_LIMITS = {5: 122, 6: 153, 7: 183, 8: 214, 9: 244}
REQUIRED_FROM = {5: 2, 6: 3, 7: 4, 8: 5, 9: 6}  # checks required once month m has started


def test_month_limits_by_hand():
    assert {m: month_start_day(m, 30.4375) for m in MONTH_LIMITS} == MONTH_LIMITS
    juntos = next(
        r for r in PROFILE.schedules.in_force("pregnancy", FUR.astype(object)).requirements
        if r.id == "juntos_prenatal"
    )  # fmt: skip
    assert [d.required_from_day for d in juntos.doses] == [122, 122, 153, 183, 214, 244]
    assert [(d.from_day, d.to_day) for d in juntos.doses] == [
        (0, 121), (0, 121), (122, 152), (153, 182), (183, 213), (214, 243)
    ]  # fmt: skip


def in_time_for(month):
    """Checks that meet every JUNTOS limit before month ``month``'s, each on the first day of
    its month (two early ones, days 10 and 20, for "before month 5")."""
    return [] if month == 5 else [10, 20] + [MONTH_LIMITS[m] for m in range(5, month - 1)]


@pytest.mark.parametrize("month", sorted(MONTH_LIMITS))
def test_juntos_required_from_the_day_of_each_month_limit(month):
    limit, earlier = MONTH_LIMITS[month], in_time_for(month)
    before, on = status(earlier, limit - 1), status(earlier, limit)
    # the day before the limit, only the earlier limits' checks are required, and they are done
    assert before["juntos_prenatal_required"] == REQUIRED_FROM[month] - (2 if month == 5 else 1)
    assert before["juntos_prenatal_complete"]
    assert not before["juntos_prenatal_overdue"]
    # on the limit day the check(s) due before month m are required too, and missing
    assert on["juntos_prenatal_required"] == REQUIRED_FROM[month]
    assert not on["juntos_prenatal_complete"]
    assert on["juntos_prenatal_overdue"]
    # the helper agrees: the day before is month m - 1, the limit is month m
    days = FUR + np.array([limit - 1, limit]).astype("timedelta64[D]")
    assert list(pregnancy_month(FUR, days, 30.4375)) == [month - 1, month]


@pytest.mark.parametrize("month", sorted(MONTH_LIMITS))
def test_juntos_check_on_the_day_before_a_month_limit_counts_on_the_day_does_not(month):
    limit = MONTH_LIMITS[month]
    earlier = [10] if month == 5 else in_time_for(month)  # month 5 needs 2: one early, one now
    in_time, late = status([*earlier, limit - 1], limit), status([*earlier, limit], limit)
    assert in_time["juntos_prenatal_done"] == REQUIRED_FROM[month]
    assert in_time["juntos_prenatal_complete"]
    # on the limit day the check belongs to month m: the dose due before month m is missing
    assert not late["juntos_prenatal_complete"]
    assert late["juntos_prenatal_overdue"]


def test_one_prenatal_check_counts_for_every_parallel_requirement_once():
    got = status([70, 70], 100)  # the same check recorded twice
    assert got["prenatal_done"] == got["prenatal_count_done"] == got["juntos_prenatal_done"] == 1
    assert got["duplicate_events"] == 1  # reported once, not once per requirement


def test_iron_folic_acid_from_week_14():
    # monthly deliveries on days 98 (week 14), 128, 158; one on day 90 is too early
    got = status([90, 98, 128, 158], 200, code="99199.26")
    assert got["iron_folic_done"] == 3
    # due 98, 128, 158, 188 + 30 days' grace: deliveries 1-3 required by day 200 (from 128,
    # 158, 188), the 4th from 218
    assert got["iron_folic_required"] == 3
    assert got["iron_folic_complete"]
    assert got["iron_folic_next_due"] == FUR + 188


def test_first_trimester_screenings():
    lmp = np.array([FUR, FUR])
    codes = ["85018", "81002", "86780", "86703", "59401.03"]
    events = {  # pregnancy 0 on day 97 (13 weeks 6 days), pregnancy 1 on day 98 (14 weeks)
        "pregnancy": np.repeat([0, 1], len(codes)),
        "date": np.repeat([FUR + 97, FUR + 98], len(codes)).astype("datetime64[D]"),
        "code": np.array(codes * 2),
    }
    result = pregnancy_status(PROFILE, {"lmp_date": lmp}, events, FUR + 120).columns
    assert list(result["labs_first_trimester"]) == [True, False]
    assert list(result["folic_acid_first_trimester"]) == [True, False]
    assert list(result["folic_acid_done"]) == [1, 0]  # folic acid alone ends at day 97
    assert list(result["hb_done"]) == [1, 1]
    assert list(result["hiv_test_complete"]) == [True, True]


DELIVERY = np.datetime64("2025-10-01", "D")


def postnatal(check_days, as_of_day):
    days = np.asarray(check_days, dtype=np.int64)
    events = {
        "pregnancy": np.zeros(len(days), dtype=np.int64),
        "date": DELIVERY + days.astype("timedelta64[D]"),
        "code": np.full(len(days), "Z392"),
    }
    pregnancies = {"lmp_date": np.array([FUR]), "delivery_date": np.array([DELIVERY])}
    result = postpartum_status(PROFILE, pregnancies, events, DELIVERY + as_of_day)
    return {name: value[0] for name, value in result.columns.items()}


def test_two_postnatal_checks_on_days_3_and_20_are_complete():
    got = postnatal([3, 20], 60)  # JUNTOS: 2 checks within 42 days of the delivery
    assert (got["postnatal_required"], got["postnatal_done"]) == (2, 2)
    assert got["postnatal_complete"]
    assert not got["postnatal_overdue"]


def test_one_postnatal_check_on_day_50_is_not():
    got = postnatal([50], 60)  # day 50 is past the 42 days: counts for nothing
    assert (got["postnatal_required"], got["postnatal_done"]) == (2, 0)
    assert not got["postnatal_complete"]
    assert got["postnatal_overdue"]


def test_postnatal_checks_are_required_once_day_42_has_passed():
    assert postnatal([3], 42)["postnatal_required"] == 0  # day 42 is still "within 42 days"
    assert postnatal([3], 43)["postnatal_required"] == 2
    assert postnatal([3], 10)["postnatal_next_due"] == DELIVERY + 28  # 2nd check due day 28


def test_postpartum_counts_from_the_delivery_not_the_fur():
    # one events frame for both schedules: a prenatal check, a postnatal check dated before the
    # delivery (a typo), one after it; an ongoing pregnancy (no delivery date) is not evaluable
    pregnancies = {
        "lmp_date": np.array([FUR, FUR]),
        "delivery_date": np.array([DELIVERY, "NaT"], dtype="datetime64[D]"),
    }
    events = {
        "pregnancy": np.array([0, 0, 0, 1]),
        "date": np.array([FUR + 70, DELIVERY - 1, DELIVERY + 5, DELIVERY + 5]),
        "code": np.array(["Z3491", "Z392", "Z392", "Z392"]),
    }
    result = postpartum_status(PROFILE, pregnancies, events, DELIVERY + 60)
    assert list(result.event_status) == [
        EventStatus.UNKNOWN_CODE,  # a prenatal check: the puerperium does not count its code
        EventStatus.BEFORE_ORIGIN,
        EventStatus.USED,
        EventStatus.NO_ORIGIN_DATE,
    ]
    assert list(result.columns["age_days"]) == [60, -1]
    assert list(result.columns["postnatal_done"]) == [1, 0]


def test_an_ended_pregnancy_is_evaluated_as_of_its_delivery():
    # Two pregnancies with one check in each MINSA window 1-5 (days 80, 120, 160, 200, 240);
    # the first delivered on day 245 (35 weeks), the second still ongoing (no delivery date).
    # A check coded on day 250 (after the delivery) belongs to no pregnancy of the first.
    checks = [80, 120, 160, 200, 240, 250]
    pregnancies = {
        "lmp_date": np.array([FUR, FUR]),
        "delivery_date": np.array([FUR + 245, "NaT"], dtype="datetime64[D]"),
    }
    events = {
        "pregnancy": np.repeat([0, 1], len(checks)),
        "date": FUR + np.array(checks * 2).astype("timedelta64[D]"),
        "code": np.full(2 * len(checks), CHECK),
    }
    result = pregnancy_status(PROFILE, pregnancies, events, FUR + 300)
    columns = result.columns
    assert list(columns["age_days"]) == [245, 300]  # gestational age at the delivery
    # by day 245 checks 1-4 were required (from 98, 154, 175, 210; 5 only from 252): complete;
    # the ongoing one at day 300 needs all six and missed window 6 (259-286)
    assert list(columns["prenatal_required"]) == [4, 6]
    assert list(columns["prenatal_complete"]) == [True, False]
    assert list(columns["prenatal_overdue"]) == [False, True]
    assert list(columns["prenatal_count_done"]) == [5, 6]  # day 250 counts for the ongoing one
    assert result.event_status[5] == EventStatus.AFTER_AS_OF
    assert np.isnat(columns["prenatal_next_due"][0])  # nothing is due after the delivery
