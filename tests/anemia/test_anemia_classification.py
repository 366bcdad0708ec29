"""Hb classification: NTS 213-2024 table 13 (anemia.md) and the WHO 2011 rule before it."""

from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from crecer.anemia import Severity, assess_hemoglobin, classify, completed_months
from crecer.norms import load_profile, profile_path

ANEMIA = load_profile("peru").anemia
NTS_213 = ANEMIA.rule("nts_213_2024")
WHO_2011 = ANEMIA.rule("who_2011")
NONE, MILD, MOD, SEV, ANEMIC, UNKNOWN = (
    Severity.NONE, Severity.MILD, Severity.MODERATE, Severity.SEVERE, Severity.ANEMIA,
    Severity.UNKNOWN,
)  # fmt: skip


def days(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[D]")


def test_issue_worked_case_huamanguilla():
    # 12.0 g/dL at 3,796 m: MINSA band 3,500-3,999 -> -2.5 -> 9.5 g/dL (RM 429-2024 table 1).
    # 14-month-old (born 2024-03-10, tested 2025-05-20): NTS 213 6-23 m mild 9.5-10.4 -> mild.
    result = assess_hemoglobin(
        ANEMIA,
        hemoglobin=[12.0],
        altitude_m=[3796],
        birth_date=days("2024-03-10"),
        test_date=days("2025-05-20"),
    )
    assert_allclose(result["observed"], [12.0])
    assert_allclose(result["altitude_adjustment"], [2.5])
    assert_allclose(result["adjusted"], [9.5])
    assert result["severity_label"][0] == "mild"
    assert result["rule"][0] == "nts_213_2024"
    assert result["anemic"][0]
    # The same 9.5 g/dL under the pre-2024 cut-offs (NTS 134 / WHO 2011, 6-59 m: moderate
    # 7.0-9.9) is moderate.
    assert classify([9.5], [14], WHO_2011)[0] == MOD


def test_same_child_tested_in_2023_uses_the_who_2011_rule_and_steps():
    # Before 2024-04-01 the WHO 2011 rule applies with its step table: 3,796 m -> 2.7 g/dL
    # (WHO 2011 altitude table), 12.0 - 2.7 = 9.3 -> moderate (6-59 m, 7.0-9.9).
    result = assess_hemoglobin(
        ANEMIA,
        hemoglobin=[12.0],
        altitude_m=[3796],
        birth_date=days("2022-03-10"),
        test_date=days("2023-05-20"),
    )
    assert result["rule"][0] == "who_2011"
    assert_allclose(result["adjusted"], [9.3])
    assert result["severity"][0] == MOD


def test_rule_in_force_changes_on_valid_from():
    # nts_213_2024.valid_from = 2024-04-01 in the profile; who_2011 from 2000-01-01; none before.
    result = assess_hemoglobin(
        ANEMIA,
        hemoglobin=[10.6, 10.6, 10.6],
        altitude_m=[0, 0, 0],
        age_months=[14, 14, 14],
        test_date=days("2024-03-31", "2024-04-01", "1999-12-31"),
    )
    assert list(result["rule"]) == ["who_2011", "nts_213_2024", ""]
    # 10.6: WHO 2011 6-59 m mild (10.0-10.9); NTS 213 6-23 m no anemia (>= 10.5); no rule: unknown
    assert list(result["severity"]) == [MILD, NONE, UNKNOWN]


def test_forcing_a_rule_for_comparison_with_endes_series():
    result = assess_hemoglobin(
        ANEMIA, hemoglobin=[10.6], altitude_m=[0], age_months=[14],
        test_date=days("2025-01-01"), rule="who_2011",
    )  # fmt: skip
    assert result["rule"][0] == "who_2011"
    assert result["severity"][0] == MILD


def test_who_2024_formula_as_setting_changes_the_worked_case():
    # WHO 2024 formula at 3,796 m subtracts 2.5726 g/dL: 12.0 -> 9.4274, below 9.5 -> moderate.
    result = assess_hemoglobin(
        ANEMIA, hemoglobin=[12.0], altitude_m=[3796], age_months=[14],
        test_date=days("2025-05-20"), altitude_method="who_2024_formula",
    )  # fmt: skip
    assert_allclose(result["adjusted"], [9.4273749], rtol=1e-7)
    assert result["severity"][0] == MOD


def test_altitude_setting_in_the_profile_file(tmp_path: Path):
    text = profile_path("peru").read_text(encoding="utf-8")
    setting = 'altitude_adjustment = "minsa_2024_bands"'
    assert setting in text
    variant = tmp_path / "formula.toml"
    variant.write_text(text.replace(setting, 'altitude_adjustment = "who_2024_formula"'), "utf-8")
    anemia = load_profile(variant).anemia
    result = assess_hemoglobin(
        anemia, hemoglobin=[12.0], altitude_m=[3796], age_months=[14], test_date=days("2025-05-20")
    )
    assert result["severity"][0] == MOD  # 9.4274 as above


# (adjusted Hb, age in completed months, expected) - NTS 213-2024 table 13 as in anemia.md
NTS_213_CHILD_EDGES = [
    # 6-23 months: >= 10.5 none, 9.5-10.4 mild, 7.0-9.4 moderate, < 7.0 severe
    (10.5, 6, NONE), (10.4, 6, MILD), (9.5, 14, MILD), (9.4, 14, MOD), (7.0, 23, MOD),
    (6.9, 23, SEV),
    # 24-59 months: >= 11.0, 10.0-10.9, 7.0-9.9, < 7.0
    (11.0, 24, NONE), (10.9, 24, MILD), (10.0, 59, MILD), (9.9, 59, MOD), (7.0, 30, MOD),
    (6.9, 30, SEV),
    # 5-11 years (60-143 months): >= 11.5, 11.0-11.4, 8.0-10.9, < 8.0
    (11.5, 60, NONE), (11.4, 60, MILD), (11.0, 143, MILD), (10.9, 143, MOD), (8.0, 100, MOD),
    (7.9, 100, SEV),
    # adolescents 12-14 years (144-179 months): >= 12.0, 11.0-11.9, 8.0-10.9, < 8.0
    (12.0, 144, NONE), (11.9, 179, MILD), (11.0, 150, MILD), (10.9, 150, MOD), (7.9, 150, SEV),
    # infants < 2 months: anemia if < 13.5; 2-5 months: anemia if < 9.5 (no severity)
    (13.5, 0, NONE), (13.4, 1, ANEMIC), (9.5, 2, NONE), (9.4, 5, ANEMIC),
]  # fmt: skip


@pytest.mark.parametrize(("hb", "months", "expected"), NTS_213_CHILD_EDGES)
def test_nts_213_children_edges(hb, months, expected):
    assert classify([hb], [months], NTS_213)[0] == expected


def test_nts_213_adults_by_sex_and_pregnancy_by_trimester():
    # Women 15+: >= 12.0 none, 11.0-11.9 mild; men 15+: >= 13.0 none, 11.0-12.9 mild.
    # Pregnant 1st trimester (< 14 weeks) >= 11.0; 2nd (14 to < 28) >= 10.5, mild 10.0-10.4;
    # 3rd (28+) >= 11.0, moderate 7.0-9.9, severe < 7.0.
    hb = [11.9, 12.9, 13.0, 12.5, 10.9, 10.5, 10.4, 10.9, 9.9, 6.9]
    months = [300, 300, 300, 300, 300, 300, 300, 300, 300, 300]
    sex = ["F", "M", "M", "", "F", "F", "F", "F", "F", "F"]
    weeks = [np.nan, np.nan, np.nan, np.nan, 13.9, 14, 27.9, 28, 35, 35]
    got = classify(hb, months, NTS_213, sex=sex, gestational_weeks=weeks)
    assert list(got) == [MILD, MILD, NONE, UNKNOWN, MILD, NONE, MILD, MILD, MOD, SEV]


@pytest.mark.parametrize(
    ("hb", "months", "expected"),
    # WHO 2011 / NTS 134: 6-59 m >= 11.0 none, 10.0-10.9 mild, 7.0-9.9 moderate, < 7.0 severe;
    # no cut-off under 6 months.
    [(11.0, 6, NONE), (10.9, 59, MILD), (10.0, 24, MILD), (9.9, 14, MOD), (7.0, 14, MOD),
     (6.9, 14, SEV), (11.0, 5, UNKNOWN), (11.4, 60, MILD)],
)  # fmt: skip
def test_who_2011_edges(hb, months, expected):
    assert classify([hb], [months], WHO_2011)[0] == expected


def test_band_subtraction_lands_on_the_threshold():
    # 10.9 observed at 500-999 m (-0.4, RM 429-2024) is 10.5 adjusted: no anemia at 6-23 m, even
    # though 10.9 - 0.4 is 10.499999... in binary floating point.
    result = assess_hemoglobin(
        ANEMIA, hemoglobin=[10.9], altitude_m=[800], age_months=[10], test_date=days("2025-01-01")
    )
    assert result["severity"][0] == NONE


def test_missing_inputs_are_unknown_not_errors():
    result = assess_hemoglobin(
        ANEMIA,
        hemoglobin=[np.nan, 11.0, 11.0, 11.0],
        altitude_m=[0, np.nan, 0, 0],
        birth_date=days("2024-01-01", "2024-01-01", "NaT", "2024-01-01"),
        test_date=days("2025-01-01", "2025-01-01", "2025-01-01", "NaT"),
    )
    assert_array_equal(result["severity"], [UNKNOWN] * 4)
    assert list(result["severity_label"]) == ["unknown"] * 4
    assert not result["anemic"].any()


def test_completed_months():
    # Calendar months completed: born 10 March -> 1 on 9 May, 2 on 10 May; born 31 January ->
    # 0 on 29 February (day 29 < 31); missing dates -> -1.
    got = completed_months(
        days("2024-03-10", "2024-03-10", "2024-01-31", "NaT"),
        days("2024-05-09", "2024-05-10", "2024-02-29", "2024-05-10"),
    )
    assert list(got) == [1, 2, 0, -1]
