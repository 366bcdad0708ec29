"""CRED for age as FED verifies it (cred_schedule.md, "CRED complete for age" as computed in FED
SI-03.01 and MC-02.01, corrected tables; "Newborn checks in FED"), and the later windows.

Every number below is read by hand from those tables: check k is searched in window k and
required only once the child is in window k+1 (check 11 at day 364); newborn checks are Z001 or
99381.01, the 1st from day 3, then >= 3, >= 7, >= 7 days apart, all at <= 28 days, required
from day 29."""

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.schedules import EventStatus, child_status

PROFILE = load_profile("peru")
BIRTH = np.datetime64("2025-01-01", "D")
CRED = "99381"
NEWBORN = "99381.01"

# The note's search windows (days of age at the check), check n° 1 to 11.
WINDOWS = [(29, 59), (60, 89), (90, 119), (120, 149), (150, 179), (180, 209), (210, 239),
           (240, 269), (270, 299), (300, 329), (330, 364)]  # fmt: skip


def run(age_days: int, events: list[tuple[int, str]]):
    frame = {
        "child": np.zeros(len(events), dtype=np.int64),
        "date": np.array([BIRTH + day for day, _ in events], dtype="datetime64[D]"),
        "code": np.array([code for _, code in events], dtype="U10"),
    }
    return child_status(PROFILE, {"birth_date": np.array([BIRTH])}, frame, BIRTH + age_days)


def status_at(age_days: int, checks: list[int], code: str = CRED):
    result = run(age_days, [(day, code) for day in checks])
    return {k: v[0] for k, v in result.columns.items()}


def test_issue_worked_case_one_check_at_day_45_is_complete_at_day_70():
    # Issue 23: "A child with one check at day 45 is complete at day 70 for FED". Day 70 is in
    # window 2 (60-89): only check 1 (window 1, 29-59) is required, and day 45 is in window 1.
    got = status_at(70, [45])
    assert (got["cred_required"], got["cred_done"]) == (1, 1)
    assert got["cred_complete"]
    assert got["cred_complete_for_age"]
    assert not got["cred_overdue"]
    # check 2: window 2 opened at 60, but 28 days after day 45 is day 73
    assert got["cred_next_due"] == BIRTH + 73


def test_a_second_check_in_the_same_window_does_not_count_for_the_next():
    # Day 58 is still in window 1 (already used by day 45) and only 13 days after it.
    got = status_at(70, [45, 58])
    assert (got["cred_required"], got["cred_done"]) == (1, 1)
    assert got["cred_complete"]


@pytest.mark.parametrize(
    ("age", "required"),
    # The note's table "What is required for compliance": <= 59 none; 60-89 >= 1; 90-119 >= 2;
    # 120-149 >= 3; ...; 300-329 >= 9; 330-363 >= 10; >= 364: 11. Each band's first and last
    # day. Then the 1st bimonthly check (window 365-424, unconfirmed) is required from 425.
    [(0, 0), (28, 0), (29, 0), (59, 0), (60, 1), (89, 1), (90, 2), (119, 2), (120, 3), (149, 3),
     (150, 4), (179, 4), (180, 5), (209, 5), (210, 6), (239, 6), (240, 7), (269, 7), (270, 8),
     (299, 8), (300, 9), (329, 9), (330, 10), (363, 10), (364, 11), (424, 11), (425, 12)],
)  # fmt: skip
def test_checks_required_for_age(age, required):
    assert status_at(age, [])["cred_required"] == required


def on_time(k: int) -> list[int]:
    """One check in each of windows 1..k, 30 days apart (day 45, 75, ..., inside each window)."""
    return [45 + 30 * n for n in range(k)]


@pytest.mark.parametrize(
    ("age", "windows"),
    # Each boundary of the note's table: the day before a band the child needs the checks of
    # the previous band; on its first day one more. (windows = checks that must be there)
    [(59, 0), (60, 1), (89, 1), (90, 2), (119, 2), (120, 3), (149, 3), (150, 4), (179, 4),
     (180, 5), (209, 5), (210, 6), (239, 6), (240, 7), (269, 7), (270, 8), (299, 8), (300, 9),
     (329, 9), (330, 10), (363, 10), (364, 11)],
)  # fmt: skip
def test_complete_at_each_boundary_with_exactly_the_checks_required(age, windows):
    assert all(day <= age for day in on_time(windows))
    with_them = status_at(age, on_time(windows))
    assert with_them["cred_complete"], age
    if windows:  # one check fewer (the last one missing) is incomplete on that very day
        without_last = status_at(age, on_time(windows - 1))
        assert not without_last["cred_complete"], age
        # its window has closed, except check 11's, open on day 364 (a check that day counts)
        assert without_last["cred_overdue"] == (age != 364), age


def test_at_364_days_eleven_checks_make_cred_complete():
    # SI-03.01 "11 checks at 364 days": the 11th may fall on day 364 itself (window 330-364).
    checks = [*on_time(10), 364]  # 45, 75, ..., 315, 364 (49 days after 315)
    got = status_at(364, checks)
    assert (got["cred_required"], got["cred_done"]) == (11, 11)
    assert got["cred_complete_for_age"]
    # ten checks at 364 days: incomplete; at 363 days the same ten are complete
    assert not status_at(364, on_time(10))["cred_complete"]
    assert status_at(363, on_time(10))["cred_complete"]


@pytest.mark.parametrize(
    ("day", "window_end", "next_start"),
    # A check on `day`, seen on the last day of the window it falls in: that window is done, so
    # the next check is due at the next window's start (or 28 days after the check, whichever is
    # later). Window 11 is 330-364; the 1st bimonthly window (unconfirmed) starts at 365.
    [(29, 59, 60), (59, 59, 87), (60, 89, 90), (89, 89, 117), (330, 364, 365), (364, 364, 392),
     (365, 424, 425)],
)  # fmt: skip
def test_each_check_counts_in_its_window(day, window_end, next_start):
    got = status_at(window_end, [day])
    assert got["cred_done"] == 1
    assert got["cred_next_due"] == BIRTH + next_start


@pytest.mark.parametrize(("low", "high"), WINDOWS)
def test_every_window_of_the_note(low, high):
    # a check on the window's first and last day counts; the day before it belongs elsewhere
    for day in (low, high):
        assert status_at(365, [day])["cred_done"] == 1, day
    assert status_at(365, [28])["cred_done"] == 0  # day 28: a newborn age, not window 1


@pytest.mark.parametrize(
    ("second", "counted"),
    # >= 28 days between consecutive counted checks (FED SI-03): 59 + 28 = 87
    [(60, False), (86, False), (87, True)],
)
def test_28_days_between_checks(second, counted):
    assert status_at(100, [59, second])["cred_done"] == (2 if counted else 1)


def test_a_missed_window_is_overdue_once_closed():
    assert not status_at(59, [])["cred_overdue"]  # window 1 open until day 59
    assert status_at(60, [])["cred_overdue"]
    assert not status_at(60, [])["cred_complete"]  # and required from that day


def test_legacy_code_z001_counts_as_a_monthly_check():
    assert status_at(70, [45], code="Z001")["cred_done"] == 1


def test_the_newborn_code_is_not_a_monthly_check():
    # 99381.01 counts only as a newborn check (<= 28 days); at day 45 it counts for nothing
    got = run(70, [(45, NEWBORN)])
    assert got.columns["cred_done"][0] == 0
    assert got.columns["cred_newborn_done"][0] == 0
    assert got.event_status[0] == EventStatus.USED  # known, not ignored


# --- newborn checks (FED MC-02.01 script, 2024) --------------------------------------------


def newborn(age: int, days: list[int], code: str = NEWBORN):
    got = run(age, [(day, code) for day in days])
    return {k: v[0] for k, v in got.columns.items()}


def test_99381_01_is_recognised_and_counted():
    got = run(40, [(3, NEWBORN), (6, NEWBORN), (13, NEWBORN), (20, NEWBORN)])
    assert list(got.event_status) == [EventStatus.USED] * 4
    assert got.ignored_counts()["unknown_code"] == 0
    assert got.columns["cred_newborn_done"][0] == 4
    assert got.columns["cred_newborn_complete"][0]


@pytest.mark.parametrize(
    ("days", "done"),
    # earliest spacing: 3, 3+3 = 6, 6+7 = 13, 13+7 = 20 -> 4 checks
    [([3, 6, 13, 20], 4),
     ([2, 6, 13, 20], 3),  # day 2 is before the 3rd day of life: the 1st is day 6
     ([3, 5, 12, 19, 26], 4),  # 5 is 2 days after 3: skipped; 12, 19, 26 follow
     ([3, 5, 12, 18, 25], 3),  # 12 (>= 3 after 3), 18 only 6 after 12, 25 (>= 7): 3 checks
     ([3, 6, 12, 20], 3),  # 12 is 6 days after 6 (< 7): skipped; 20 is the 3rd
     ([3, 6, 13, 19], 3),  # 19 is 6 days after 13
     ([3, 6, 13, 21, 29], 4),  # day 29 is past 28 days: the 4th was day 21
     ([8, 11, 18, 25], 4),
     ([8, 11, 18, 26, 28], 4),
     ([10, 13, 20, 28], 4),  # the 4th on day 28 still counts
     ([10, 13, 20, 29], 3)],  # day 29 does not
)  # fmt: skip
def test_newborn_spacing(days, done):
    assert newborn(60, days)["cred_newborn_done"] == done


def test_z001_counts_as_a_newborn_check_and_99381_does_not():
    assert newborn(40, [3, 6, 13, 20], code="Z001")["cred_newborn_done"] == 4
    assert newborn(40, [3, 6, 13, 20], code=CRED)["cred_newborn_done"] == 0


@pytest.mark.parametrize(
    ("age", "required"),
    # "a child aged <= 28 days counts as compliant; from 29 days the child needs all 4"
    [(0, 0), (3, 0), (20, 0), (28, 0), (29, 4), (200, 4)],
)
def test_newborn_checks_required_from_day_29(age, required):
    got = newborn(age, [])
    assert got["cred_newborn_required"] == required
    assert got["cred_newborn_complete"] == (required == 0)


def test_three_newborn_checks_are_incomplete_at_29_days():
    assert newborn(28, [3, 6, 13])["cred_newborn_complete"]
    got = newborn(29, [3, 6, 13])
    assert (got["cred_newborn_done"], got["cred_newborn_complete"]) == (3, False)
    assert got["cred_newborn_overdue"]


def test_next_newborn_check_follows_the_spacing():
    # after a 1st check on day 5 the 2nd is due on day 7 (the worklist's day), at least 8 (5+3)
    assert newborn(5, [5])["cred_newborn_next_due"] == BIRTH + 8
    # after checks on 3 and 6 the 3rd is due at 14 (the worklist's day; 6 + 7 = 13 would count)
    assert newborn(6, [3, 6])["cred_newborn_next_due"] == BIRTH + 14
