"""Iron/MMN, Hb screening and DNI: FED SI-02, MC-02 (anemia.md, immunization.md)."""

import numpy as np
import pytest

from crecer.norms import load_profile
from crecer.schedules import child_status

PROFILE = load_profile("peru")
BIRTH = np.datetime64("2025-01-01", "D")
IRON, MMN, HB, PENTA, PNEUMO, ROTA = "99199.17", "99199.19", "85018", "90722", "90670", "90681"


def status_at(age_days: int, events: list[tuple[int, str]], **child: float):
    children = {"birth_date": np.array([BIRTH])}
    children.update({key: np.array([value]) for key, value in child.items()})
    columns = {
        "child": np.zeros(len(events), dtype=np.int64),
        "date": np.array([BIRTH + day for day, _ in events], dtype="datetime64[D]"),
        "code": np.array([code for _, code in events], dtype="U10"),
    }
    result = child_status(PROFILE, children, columns, BIRTH + age_days)
    return {k: v[0] for k, v in result.columns.items()}


@pytest.mark.parametrize(
    ("day", "counted"),
    # FED SI-02.01: term child, preventive iron at 4 months searched in days 110-130
    [(109, False), (110, True), (130, True), (131, False)],
)
def test_term_iron_at_four_months(day, counted):
    got = status_at(140, [(day, IRON)])
    assert got["iron_done"] == int(counted)
    assert got["iron_complete"] == counted  # required from 131 (window closed)


def test_iron_required_only_once_the_window_closed():
    assert status_at(130, [])["iron_required"] == 0
    assert status_at(131, [])["iron_required"] == 1


@pytest.mark.parametrize(
    ("weight", "weeks"),
    # FED SI-02.02: LBW is < 2500 g, premature < 37 weeks (CNV); first bottle at 30-59 days
    [(2499, 39), (3200, 36)],
)
def test_low_birth_weight_or_premature_start_at_30_days(weight, weeks):
    got = status_at(70, [(30, IRON)], birth_weight_g=weight, gestational_weeks=weeks)
    assert (got["iron_required"], got["iron_done"]) == (1, 1)
    assert got["iron_complete_for_age"]
    # a term child of normal weight: day 30 is outside its 110-130 window
    assert status_at(70, [(30, IRON)], birth_weight_g=2500, gestational_weeks=37)["iron_done"] == 0


def test_mmn_series_after_six_months_with_25_to_70_days_between_deliveries():
    # 4 m bottle at 120, then 180 (6 m), 205 (25 days: counts), 229 (24 days: skipped),
    # 275 (70 days after 205: counts): 4 deliveries counted.
    got = status_at(300, [(120, IRON), (180, MMN), (205, MMN), (229, MMN), (275, MMN)])
    assert got["iron_done"] == 4


@pytest.mark.parametrize(
    ("day", "screened"),
    # FED MC-02 / SI-02: Hb test at 170-209 days
    [(169, False), (170, True), (209, True), (210, False)],
)
def test_hb_at_six_months(day, screened):
    got = status_at(220, [(day, HB)])
    assert got["hb_screened_6_months"] == screened
    assert got["hb_complete"] == screened  # required from 210
    assert got["hb_overdue"] == (not screened)


def test_hb_codes_85018_01_and_85031_count():
    assert status_at(220, [(180, "85018.01")])["hb_done"] == 1
    assert status_at(220, [(180, "85031")])["hb_done"] == 1


@pytest.mark.parametrize(
    ("day", "within"),
    # FED MC-02: DNI issued within 30 days of birth
    [(0, True), (30, True), (31, False)],
)
def test_dni_within_30_days(day, within):
    got = status_at(60, [(day, "DNI")])
    assert got["dni_within_30_days"] == within
    assert got["dni_complete"] == within


def test_dni_not_required_before_day_31():
    assert status_at(30, [])["dni_complete"]
    assert not status_at(31, [])["dni_complete"]


def test_integrated_package_at_seven_months():
    # MC-02.01 at 215 days: pentavalent and pneumococcal 2 doses (190-259), rotavirus 2
    # (dose 2 by 240; required 241+, so 1 required now), polio 1 required from 211,
    # iron 4 m (110-130) + 6 m series (required from 210), Hb at 170-209, DNI by day 30.
    events = [
        (5, "DNI"), (65, PENTA), (125, PENTA), (65, PNEUMO), (125, PNEUMO), (65, ROTA),
        (125, ROTA), (65, "90713"), (120, IRON), (180, IRON), (185, HB),
    ]  # fmt: skip
    got = status_at(215, events)
    assert got["integrated_package"]
    without_hb = [event for event in events if event[1] != HB]
    assert not status_at(215, without_hb)["integrated_package"]
