"""FED and PIM indicator sheets as data, per edition (incentives.md, cred_schedule.md): the
sheets of the Peru profile, compiled by the indicator catalogue, and SI-03.01 (FED 2024-2025)
computed on a population built by hand, each number counted on paper below."""

from datetime import date, timedelta

import polars as pl
import pytest

from crecer.incentives import consolidated, measurement_month, nominal_table
from crecer.norms import load_profile
from crecer.norms.indicators import Indicator

PROFILE = load_profile("peru")
SHEETS = PROFILE.incentives
SI_03_01 = SHEETS.sheet("FED 2024-2025", "SI-03.01")
NOVEMBER = (2025, 11)


def test_codes_are_named_by_their_edition():
    # incentives.md: SI-03.01 is CRED at 364 days in 2024-2025, an adolescent Hb test in 2025-2026
    old, new = SI_03_01, SHEETS.sheet("FED 2025-2026", "SI-03.01")
    assert old.name.en != new.name.en
    assert (old.subject, old.computable) == ("child", True)
    assert (new.subject, new.computable, new.precondition) == ("adolescent", False, True)
    assert [edition.id for edition in SHEETS.editions] == ["FED 2024-2025", "FED 2025-2026",
                                                           "PIM 2026"]  # fmt: skip
    with pytest.raises(KeyError):
        SHEETS.sheet("FED 2024-2025", "SI-03.02")


def test_si_03_01_compiles_into_the_catalogue():
    indicator = SI_03_01.indicator()
    assert isinstance(indicator, Indicator)
    assert indicator.id == "fed_2024_2025_si_03_01"
    # the 364-day cohort, without LBW / premature children, with 11 CRED checks for age
    assert (indicator.min_age_days, indicator.max_age_days) == (364, 365)
    assert indicator.population == "NOT (lbw_or_premature)"
    assert indicator.numerator == "(cred_complete)"
    assert indicator.denominator_sql() == (
        '"age_days" >= 364 AND "age_days" < 365 AND NOT "lbw_or_premature"'
    )


def test_a_sheet_not_computable_is_refused():
    sheet = SHEETS.sheet("PIM 2026", "C1-1.1")
    children = pl.DataFrame({"child_id": [1], "birth_date": [date(2025, 5, 1)]})
    services = pl.DataFrame(schema={"child_id": pl.Int64, "date": pl.Date, "code": pl.String})
    with pytest.raises(ValueError, match="not computable"):
        nominal_table(PROFILE, sheet, children, services, *NOVEMBER)


def test_the_measurement_month():
    assert measurement_month(2025, 11) == (date(2025, 11, 1), date(2025, 11, 30))
    assert measurement_month(2024, 2) == (date(2024, 2, 1), date(2024, 2, 29))


# --- SI-03.01 on a hand-built population, November 2025 --------------------------------------
# A child turning 364 days on day D of November was born on D - 364 days. "On time" checks: one
# in each of the 11 windows of cred_schedule.md (29-59, ..., 330-364), at ages 45, 75, ...,
# 345 (30 days apart, inside each window).
ON_TIME = [45 + 30 * k for k in range(11)]


def born_turning_364_on(day: date) -> date:
    return day - timedelta(days=364)


CHILDREN = [
    # (child, turns 364 on, birth weight g, weeks, check ages)       expected on paper
    (1, date(2025, 11, 10), 3200, 39, ON_TIME),  # 11 checks: complies
    (2, date(2025, 11, 30), 3100, 40, ON_TIME[:10]),  # 10 checks: in, fails
    (3, date(2025, 11, 15), 2400, 39, ON_TIME),  # LBW: excluded
    (4, date(2025, 11, 20), 3000, 36, ON_TIME),  # premature: excluded
    (5, date(2025, 12, 1), 3000, 39, ON_TIME),  # turns 364 in December: not in the cohort
    (6, date(2025, 10, 31), 3000, 39, ON_TIME),  # turned 364 in October: not in the cohort
    (7, date(2025, 11, 1), None, None, [*ON_TIME[:10], 364]),  # 11th on day 364 itself; CNV
    # unknown (no weight, no weeks): counted as normal -> complies
    (8, date(2025, 11, 5), 3300, 39, [*ON_TIME[:10], 365]),  # 11th a day late: fails
    (9, date(2025, 11, 25), 3300, 39, [*ON_TIME[:5], *ON_TIME[6:]]),  # window 6 missed: fails
]
# Cohort: 1, 2, 3, 4, 7, 8, 9 (7 children); denominator without 3 and 4: 1, 2, 7, 8, 9 (5);
# numerator 1 and 7 (2): 40.0 %.


def population():
    rows, services = [], []
    for child, turns, weight, weeks, checks in CHILDREN:
        birth = born_turning_364_on(turns)
        rows.append((child, birth, weight, weeks))
        services += [(child, birth + timedelta(days=age), "99381") for age in checks]
    children = pl.DataFrame(
        rows, schema=["child_id", "birth_date", "birth_weight_g", "gestational_age_weeks"],
        orient="row",
    )  # fmt: skip
    events = pl.DataFrame(services, schema=["child_id", "date", "code"], orient="row")
    return children, events


def test_si_03_01_worked_population():
    children, events = population()
    table = nominal_table(PROFILE, SI_03_01, children, events, *NOVEMBER)
    assert table["child_id"].to_list() == [1, 2, 3, 4, 7, 8, 9]
    assert set(table["age_days"]) == {364}  # each evaluated on the day it turns 364
    assert table["evaluated_on"].to_list()[0] == date(2025, 11, 10)
    by_child = {row["child_id"]: row for row in table.iter_rows(named=True)}
    assert [by_child[c]["excluded_lbw_or_premature"] for c in (1, 3, 4, 7)] == [0, 1, 1, 0]
    assert [by_child[c]["cred"] for c in (1, 2, 3, 7, 8, 9)] == [1, 0, 1, 1, 0, 0]
    assert [by_child[c]["in_denominator"] for c in (1, 2, 3, 4, 7, 8, 9)] == [1, 1, 0, 0, 1, 1, 1]
    assert consolidated(table) == {"denominator": 5, "numerator": 2, "percent": 40.0}
    # the drill-down list (complies = 1) is the numerator
    assert table.filter(pl.col("complies") == 1)["child_id"].to_list() == [1, 7]


def test_services_after_the_cohort_day_do_not_count():
    # child 8's 11th check came on day 365: as of the month's end it exists, but SI-03.01 takes
    # the child on day 364
    children, events = population()
    table = nominal_table(PROFILE, SI_03_01, children, events, *NOVEMBER)
    assert table.filter(pl.col("child_id") == 8)["cred"].item() == 0


def test_99381_01_and_z001_at_monthly_ages():
    # Z001 counts as a monthly check; 99381.01 (the newborn code) does not
    children, events = population()
    one = children.filter(pl.col("child_id") == 1)
    for code, counted in (("Z001", 1), ("99381.01", 0)):
        relabelled = events.filter(pl.col("child_id") == 1).with_columns(code=pl.lit(code))
        table = nominal_table(PROFILE, SI_03_01, one, relabelled, *NOVEMBER)
        assert table["cred"].item() == counted, code


def test_an_empty_month():
    children = pl.DataFrame({"child_id": [1], "birth_date": [date(2020, 1, 1)]})
    events = pl.DataFrame(schema={"child_id": pl.Int64, "date": pl.Date, "code": pl.String})
    table = nominal_table(PROFILE, SI_03_01, children, events, *NOVEMBER)
    assert table.height == 0
    assert consolidated(table) == {"denominator": 0, "numerator": 0, "percent": None}
