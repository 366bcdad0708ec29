"""FED MC-02.01 as the 2024 script verifies it (incentives.md "MC-02.01 in detail", column (b);
anemia.md; cred_schedule.md): each rule's boundary days, read by hand from those tables, on the
sheet's own schedule (fed_mc02_2024), then the sheet on a hand-built population."""

from datetime import date, timedelta

import numpy as np
import polars as pl
import pytest

from crecer.incentives import consolidated, nominal_table
from crecer.norms import load_profile
from crecer.schedules.engine import EventStatus, evaluate

PROFILE = load_profile("peru")
SCHEDULE = PROFILE.incentives.schedule("fed_mc02_2024")
SHEET = PROFILE.incentives.sheet("FED 2024-2025", "MC-02.01")
BIRTH = np.datetime64("2024-01-01", "D")


def status(age: int, events: list[tuple[int, str]]):
    vocabulary = sorted({code for _, code in events}) or ["none"]
    result = evaluate(
        SCHEDULE,
        origin=np.array([BIRTH]),
        lbw_or_premature=np.zeros(1, dtype=bool),
        subject=np.zeros(len(events), dtype=np.int64),
        event_date=np.array([BIRTH + day for day, _ in events], dtype="datetime64[D]"),
        code_index=np.array([vocabulary.index(code) for _, code in events], dtype=np.int64),
        vocabulary=vocabulary,
        as_of=BIRTH + age,
    )
    return {name: value[0] for name, value in result.columns.items()}, result


# --- vaccines (2024 script) -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("vaccine", "age", "required"),
    # pneumococcal: <= 119 none; 120-147: 1; >= 148: 2
    [("pneumococcal", 119, 0), ("pneumococcal", 120, 1), ("pneumococcal", 147, 1),
     ("pneumococcal", 148, 2), ("pneumococcal", 364, 2),
     # rotavirus: <= 180 none; 181-208: 1; >= 209: 2
     ("rotavirus", 180, 0), ("rotavirus", 181, 1), ("rotavirus", 208, 1), ("rotavirus", 209, 2),
     # polio and pentavalent: <= 119 none; 120-147: 1; 148-217: 2; >= 218: 3
     ("polio", 119, 0), ("polio", 120, 1), ("polio", 147, 1), ("polio", 148, 2),
     ("polio", 217, 2), ("polio", 218, 3), ("pentavalent", 119, 0), ("pentavalent", 120, 1),
     ("pentavalent", 148, 2), ("pentavalent", 217, 2), ("pentavalent", 218, 3)],
)  # fmt: skip
def test_vaccine_doses_required_for_age(vaccine, age, required):
    assert status(age, [])[0][f"{vaccine}_required"] == required


@pytest.mark.parametrize(
    ("days", "done"),
    # pneumococcal 90670: 1st searched at 55-119; 2nd 28-70 days after the 1st
    [([54], 0), ([55], 1), ([119], 1), ([120], 0), ([60, 87], 1), ([60, 88], 2), ([60, 130], 2),
     ([60, 131], 1)],
)  # fmt: skip
def test_pneumococcal_ages_and_interval(days, done):
    assert status(300, [(day, "90670") for day in days])[0]["pneumococcal_done"] == done


@pytest.mark.parametrize(
    ("days", "done"),
    # rotavirus 90681: 1st at 55-180; 2nd >= 28 days after the 1st and at <= 240 days
    [([180], 1), ([181], 0), ([100, 127], 1), ([100, 128], 2), ([150, 240], 2), ([150, 241], 1)],
)
def test_rotavirus_ages_and_interval(days, done):
    assert status(300, [(day, "90681") for day in days])[0]["rotavirus_done"] == done


def test_pentavalent_three_doses_each_28_to_70_days_apart():
    got, _ = status(218, [(60, "90722"), (90, "90723"), (160, "90722")])  # 30 and 70 days
    assert (got["pentavalent_done"], got["pentavalent_complete"]) == (3, True)
    got, _ = status(218, [(60, "90722"), (90, "90722"), (161, "90722")])  # 71 days: not the 3rd
    assert (got["pentavalent_done"], got["pentavalent_complete"]) == (2, False)


# --- iron (2024 script) ----------------------------------------------------------------------
IRON, OTHER_IRON, MMN, ANEMIA = "99199.17", "99199.11", "99199.19", "D509"


@pytest.mark.parametrize(
    ("age", "days", "complete"),
    # 4-month scheme: 99199.17 at 110-179 days, required from 180
    [
        (179, [], True),
        (180, [], False),
        (180, [109], False),
        (180, [110], True),
        (180, [179], True),
    ],
)
def test_four_month_scheme(age, days, complete):
    assert status(age, [(day, IRON) for day in days])[0]["iron_4m_complete"] == complete


@pytest.mark.parametrize(
    ("age", "required"),
    # treatment: 1 at 240-299, 2 at 300-363, 3 at 364; preventive: 1 at 270-363, 2 at 364;
    # MMN only: 1 at 210-239, ..., 5 at 330-363, 6 at 364
    [(239, (0, 0, 1)), (240, (1, 0, 2)), (269, (1, 0, 2)), (270, (1, 1, 3)), (299, (1, 1, 3)),
     (300, (2, 1, 4)), (329, (2, 1, 4)), (330, (2, 1, 5)), (363, (2, 1, 5)), (364, (3, 2, 6)),
     (209, (0, 0, 0)), (210, (0, 0, 1))],
)  # fmt: skip
def test_six_month_paths_required_for_age(age, required):
    got, _ = status(age, [])
    names = ("iron_treatment", "iron_preventive", "mmn")
    assert tuple(got[f"{name}_required"] for name in names) == required


def test_treatment_counts_iron_on_a_day_with_an_anemia_diagnosis():
    # one delivery per window 170-239, 240-299, 300-364, each with D509 (or D649...) that day
    events = [(200, IRON), (200, ANEMIA), (260, OTHER_IRON), (260, "D649"), (320, IRON),
              (320, "D539")]  # fmt: skip
    got, result = status(364, events)
    assert (got["iron_treatment_done"], got["iron_treatment_complete"]) == (3, True)
    assert got["iron_preventive_done"] == 0  # those deliveries were not preventive
    assert set(result.event_status) == {EventStatus.USED}  # the diagnoses are read
    # the diagnosis on the next day: the delivery is preventive, not treatment
    got, _ = status(364, [(200, IRON), (201, ANEMIA)])
    assert (got["iron_treatment_done"], got["iron_preventive_done"]) == (0, 1)


@pytest.mark.parametrize(
    ("events", "iron"),
    # the 4-month scheme AND one of treatment / preventive / MMN only, at 364 days
    [([(120, IRON), (200, IRON), (300, IRON)], True),  # 4m + preventive (windows 1 and 2)
     ([(120, IRON), (200, IRON)], False),  # preventive's 2nd missing at 364
     ([(200, IRON), (300, IRON)], False),  # no 4-month delivery
     ([(120, IRON), *((d, MMN) for d in (180, 220, 250, 280, 310, 340))], True),  # MMN x6
     ([(120, IRON), *((d, MMN) for d in (180, 220, 250, 280, 310))], False),  # MMN x5
     ([(120, IRON), (200, IRON), (200, ANEMIA), (260, IRON), (260, ANEMIA), (320, IRON),
       (320, ANEMIA)], True)],  # 4m + treatment
)  # fmt: skip
def test_iron_for_age_combines_the_paths(events, iron):
    assert status(364, events)[0]["iron_for_age"] == iron


def test_before_any_path_is_due_iron_for_age_needs_only_the_4_month_scheme():
    assert status(200, [(120, IRON)])[0]["iron_for_age"]
    assert not status(200, [])[0]["iron_for_age"]


# --- Hb and DNI (2024 script) ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("age", "days", "complete"),
    # Hb 85018 / 85018.01 at 170-209, required from 210
    [
        (209, [], True),
        (210, [], False),
        (210, [169], False),
        (210, [170], True),
        (210, [209], True),
    ],
)
def test_hb_window(age, days, complete):
    assert status(age, [(day, "85018.01") for day in days])[0]["hb_complete"] == complete


@pytest.mark.parametrize(
    ("age", "day", "complete"),
    # DNI issued <= 60 days after birth, required from 61 days
    [(60, None, True), (61, None, False), (61, 60, True), (100, 61, False)],
)
def test_dni_within_60_days(age, day, complete):
    events = [] if day is None else [(day, "DNI")]
    assert status(age, events)[0]["dni_complete"] == complete


# --- the sheet on a hand-built population, November 2024 ---------------------------------------
MONTH_END = date(2024, 11, 30)


def full_package(birth: date) -> list[tuple[date, str]]:
    """Everything the 2024 script asks for at 364 days, on days read from the tables above."""
    ages = [(3, "99381.01"), (6, "Z001"), (13, "99381.01"), (20, "99381.01")]
    ages += [(45 + 30 * k, "99381") for k in range(11)]
    ages += [(d, code) for code in ("90722", "90712") for d in (60, 120, 180)]
    ages += [(60, "90670"), (120, "90670"), (60, "90681"), (120, "90681")]
    ages += [(120, IRON), (200, IRON), (300, IRON), (175, "85018"), (20, "DNI")]
    return [(birth + timedelta(days=age), code) for age, code in ages]


def test_sheet_on_a_population():
    born = {1: MONTH_END - timedelta(days=364), 2: MONTH_END - timedelta(days=364),
            3: MONTH_END - timedelta(days=364), 4: MONTH_END - timedelta(days=365),
            5: MONTH_END - timedelta(days=10)}  # fmt: skip
    children = pl.DataFrame(
        {"child_id": list(born), "birth_date": list(born.values()),
         "birth_weight_g": [3200, 3100, 2300, 3200, 3000]}
    )  # fmt: skip
    rows = [(1, d, c) for d, c in full_package(born[1])]
    # child 2: the same without the Hb test; child 3: LBW; 4: 365 days, out of the cohort;
    # 5: 10 days old, nothing due yet (the newborn checks only from day 29): complies
    rows += [(2, d, c) for d, c in full_package(born[2]) if c != "85018"]
    rows += [(3, d, c) for d, c in full_package(born[3])]
    rows += [(4, d, c) for d, c in full_package(born[4])]
    services = pl.DataFrame(rows, schema=["child_id", "date", "code"], orient="row")
    # the DNI comes from the children's issue date, not as a service
    dni = services.filter(pl.col("code") == "DNI").select("child_id", dni_issue_date="date")
    services = services.filter(pl.col("code") != "DNI")
    children = children.join(dni, on="child_id", how="left")
    table = nominal_table(PROFILE, SHEET, children, services, 2024, 11)
    assert table["child_id"].to_list() == [1, 2, 3, 5]
    assert table["age_days"].to_list() == [364, 364, 364, 10]
    row = {r["child_id"]: r for r in table.iter_rows(named=True)}
    components = [part.id for part in SHEET.components]
    assert all(row[1][c] == 1 for c in components), row[1]
    assert [c for c in components if row[2][c] == 0] == ["hb"]
    assert row[3]["excluded_lbw_or_premature"] == 1
    assert all(row[5][c] == 1 for c in components)
    # denominator 1, 2, 5 (3 is LBW); numerator 1 and 5: 66.67 %
    assert consolidated(table) == {"denominator": 3, "numerator": 2, "percent": 66.67}


def test_2026_sheet_counts_districts_in_poverty_quintiles_1_and_2():
    # incentives.md (2026 sheet): children < 12 months from districts in departmental poverty
    # quintiles 1-2, LBW and premature excluded. Five children of 20 days, without services:
    # nothing is due yet (the first vaccine doses from day 120, Hb from 210, DNI from 31), so
    # each one in the denominator complies.
    sheet = PROFILE.incentives.sheet("FED 2025-2026", "MC-02.01")
    assert sheet.key != SHEET.key
    assert sheet.code == SHEET.code
    birth = date(2026, 11, 10)
    children = pl.DataFrame(
        {"child_id": [1, 2, 3, 4, 5], "birth_date": [birth] * 5,
         "district_poverty_quintile": [1, 2, 3, None, 1],
         "birth_weight_g": [3000, 3000, 3000, 3000, 2400]}
    )  # fmt: skip
    services = pl.DataFrame(schema={"child_id": pl.Int64, "date": pl.Date, "code": pl.String})
    table = nominal_table(PROFILE, sheet, children, services, 2026, 11)
    assert table["age_days"].to_list() == [20] * 5
    # in: 1 and 2; out: 3 (quintile 3), 4 (quintile not given), 5 (LBW)
    assert table["in_denominator"].to_list() == [1, 1, 0, 0, 0]
    assert consolidated(table) == {"denominator": 2, "numerator": 2, "percent": 100.0}
