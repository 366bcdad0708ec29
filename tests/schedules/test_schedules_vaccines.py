"""Vaccines for age: FED MC-02.01 counting rules (immunization.md) on the Peru profile."""

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.schedules import child_status

PROFILE = load_profile("peru")
BIRTH = np.datetime64("2025-01-01", "D")
PENTA, ROTA, PNEUMO, POLIO = "90722", "90681", "90670", "90713"


def status_at(age_days: int, doses: list[tuple[int, str]], **child: float):
    """One child born 2025-01-01 with events at the given ages (days), seen at ``age_days``."""
    children = {"birth_date": np.array([BIRTH])}
    children.update({key: np.array([value]) for key, value in child.items()})
    events = {
        "child": np.zeros(len(doses), dtype=np.int64),
        "date": np.array([BIRTH + day for day, _ in doses], dtype="datetime64[D]"),
        "code": np.array([code for _, code in doses] or [""]),
    }
    if not doses:
        events["code"] = np.array([], dtype=str)
    return {
        k: v[0]
        for k, v in child_status(PROFILE, children, events, BIRTH + age_days).columns.items()
    }


def test_issue_worked_case_pentavalent_65_and_130_complete_at_200_days():
    # FED MC-02: pentavalent 190-259 days -> 2 doses; 130 - 65 = 65 days, within 28-70.
    got = status_at(200, [(65, PENTA), (130, PENTA)])
    assert (got["pentavalent_required"], got["pentavalent_done"]) == (2, 2)
    assert got["pentavalent_complete"]
    assert not got["pentavalent_overdue"]
    # dose 3 due at 180 days (6 months), at least 28 days after dose 2: day 180
    assert got["pentavalent_next_due"] == BIRTH + 180


def test_issue_worked_case_pentavalent_65_and_140_not_complete():
    # 140 - 65 = 75 days, past the 70-day FED interval: dose 2 does not count.
    got = status_at(200, [(65, PENTA), (140, PENTA)])
    assert (got["pentavalent_required"], got["pentavalent_done"]) == (2, 1)
    assert not got["pentavalent_complete"]
    assert got["pentavalent_overdue"]
    # dose 2 is still due (since day 120), so the next due date is in the past: due now
    assert got["pentavalent_next_due"] == BIRTH + 120


@pytest.mark.parametrize(
    ("age", "required"),
    # FED MC-02 pentavalent: 0-119 none, 120-189 one, 190-259 two, 260-364 three
    [(119, 0), (120, 1), (189, 1), (190, 2), (259, 2), (260, 3), (364, 3)],
)
def test_pentavalent_doses_required_for_age(age, required):
    assert status_at(age, [])["pentavalent_required"] == required


@pytest.mark.parametrize(
    ("second", "counted"),
    # FED MC-02: each later dose 28-70 days after the previous one (first dose at day 65)
    [(92, False), (93, True), (135, True), (136, False)],
)
def test_pentavalent_interval_edges(second, counted):
    got = status_at(250, [(65, PENTA), (second, PENTA)])
    assert got["pentavalent_done"] == (2 if counted else 1)


def test_too_early_extra_dose_is_skipped_and_the_next_one_counts():
    # Doses at 65, 80 (15 days: under 28, not counted) and 110 (45 days after 65): 2 doses.
    assert status_at(250, [(65, PENTA), (80, PENTA), (110, PENTA)])["pentavalent_done"] == 2


@pytest.mark.parametrize(
    ("second", "complete"),
    # immunization.md: the 2nd rotavirus dose must be given by day 240; 241-364 -> 2 required
    [(240, True), (241, False)],
)
def test_rotavirus_second_dose_by_day_240(second, complete):
    got = status_at(300, [(180, ROTA), (second, ROTA)])
    assert got["rotavirus_required"] == 2
    assert got["rotavirus_complete"] == complete
    # at 300 days the window of dose 2 is closed: nothing more can be given
    if not complete:
        assert got["rotavirus_overdue"]
        assert np.isnat(got["rotavirus_next_due"])


@pytest.mark.parametrize(
    ("age", "required"),
    # FED MC-02 pneumococcal: 0-119 none; 120-189 one; 190-364 two
    [(119, 0), (120, 1), (189, 1), (190, 2), (364, 2)],
)
def test_pneumococcal_required_for_age(age, required):
    assert status_at(age, [])["pneumococcal_required"] == required


@pytest.mark.parametrize(
    ("age", "required"),
    # FED MC-02 polio as read: 0-210 none; 211-240 one; 260-364 three (2nd dose from 241 assumed,
    # unconfirmed in the profile)
    [(210, 0), (211, 1), (240, 1), (241, 2), (259, 2), (260, 3)],
)
def test_polio_required_for_age(age, required):
    assert status_at(age, [])["polio_required"] == required


def test_fed_vaccine_flag_needs_the_four_vaccines():
    # At 200 days: pentavalent 2, pneumococcal 2, rotavirus 1 (from 120, unconfirmed), polio 0.
    doses = [(65, PENTA), (130, PENTA), (65, PNEUMO), (130, PNEUMO), (65, ROTA)]
    assert status_at(200, doses)["vaccines_fed_complete_for_age"]
    assert not status_at(200, doses[:-1])["vaccines_fed_complete_for_age"]


def test_polio_codes_ipv_and_opv_count_in_one_series():
    # 90713 (IPV) and 90712 (OPV) are both polio (FED script codes)
    got = status_at(300, [(65, "90713"), (125, "90712"), (185, "90713")])
    assert got["polio_done"] == 3
    assert got["polio_complete"]


def test_minimum_age_of_first_dose():
    # 6 weeks (42 days) minimum age of the first infant dose (WHO practice, unconfirmed in profile)
    assert status_at(150, [(41, PENTA)])["pentavalent_done"] == 0
    assert status_at(150, [(42, PENTA)])["pentavalent_done"] == 1
