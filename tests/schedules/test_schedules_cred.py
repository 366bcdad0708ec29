"""CRED for age: FED SI-03.01 windows (cred_schedule.md), newborn checks, later windows."""

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.schedules import child_status

PROFILE = load_profile("peru")
BIRTH = np.datetime64("2025-01-01", "D")
CRED = "99381"


def status_at(age_days: int, checks: list[int], code: str = CRED):
    events = {
        "child": np.zeros(len(checks), dtype=np.int64),
        "date": np.array([BIRTH + day for day in checks], dtype="datetime64[D]"),
        "code": np.array([code] * len(checks), dtype="U8"),
    }
    result = child_status(PROFILE, {"birth_date": np.array([BIRTH])}, events, BIRTH + age_days)
    return {k: v[0] for k, v in result.columns.items()}


def test_issue_worked_case_day_45_counts_for_window_1_and_day_58_not_for_window_2():
    # FED SI-03: window 1 = 29-59 days, window 2 = 60-89; one check per window, >= 28 days apart.
    # Day 58 is still in window 1 (already used) and only 13 days after day 45.
    got = status_at(70, [45, 58])
    assert (got["cred_required"], got["cred_done"]) == (2, 1)
    assert not got["cred_complete"]
    assert not got["cred_overdue"]  # window 2 stays open until day 89
    # next check: window 2 opens at 60, but 28 days after day 45 is day 73
    assert got["cred_next_due"] == BIRTH + 73


@pytest.mark.parametrize(
    ("day", "window_end", "next_start"),
    # FED SI-03 windows: 1 = 29-59, 2 = 60-89, 3 = 90-119, ..., 10 = 300-329, 11 = 330-363;
    # then the 1st bimonthly window 364-424 (unconfirmed). A check on `day`, seen on the last day
    # of the window it should fall in: that window is done, so the next check is due at the next
    # window's start (or 28 days after the check, whichever is later).
    [(29, 59, 60), (59, 59, 87), (60, 89, 90), (89, 89, 117), (330, 363, 364), (363, 363, 391),
     (364, 424, 425)],
)  # fmt: skip
def test_each_check_counts_in_its_window(day, window_end, next_start):
    got = status_at(window_end, [day])
    assert got["cred_done"] == 1
    assert got["cred_next_due"] == BIRTH + next_start


def test_day_28_is_a_newborn_check_not_a_monthly_one():
    got = status_at(40, [28])
    assert (got["cred_newborn_done"], got["cred_done"]) == (1, 0)


@pytest.mark.parametrize(
    ("age", "required"),
    # FED SI-03 "needed if the child's age is in this band": 29-59 -> 1, 60-89 -> 2, ...,
    # 330-363 -> 11; the bimonthly 12-23 month windows (unconfirmed) start at 364
    [(28, 0), (29, 1), (59, 1), (60, 2), (329, 10), (330, 11), (363, 11), (364, 12)],
)
def test_checks_required_for_age(age, required):
    assert status_at(age, [])["cred_required"] == required


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


def test_all_eleven_monthly_checks_make_cred_complete_at_364_days():
    checks = [n * 30 + 15 for n in range(1, 12)]  # mid-window: 45, 75, ..., 345
    got = status_at(363, checks)
    assert (got["cred_required"], got["cred_done"]) == (11, 11)
    assert got["cred_complete"]
    assert got["cred_complete_for_age"]


def test_legacy_code_z001_counts():
    assert status_at(70, [45], code="Z001")["cred_done"] == 1


@pytest.mark.parametrize(
    ("day", "done"),
    # newborn windows 2-6, 7-13, 14-20, 21-28 (operational tools; unconfirmed in the profile)
    [(1, 0), (2, 1), (6, 1), (7, 1), (28, 1)],
)
def test_newborn_windows(day, done):
    assert status_at(40, [day])["cred_newborn_done"] == done
