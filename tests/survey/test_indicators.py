"""The survey's WHO indicators (reusing crecer.growth and crecer.anemia) and the too-thin rule.

The rule's thresholds are given here as the Peru profile's [survey] table states them
(tests/survey/test_profile_survey.py checks the table itself)."""

import numpy as np
import pytest
from numpy.testing import assert_array_equal

from crecer.norms import load_profile
from crecer.norms.survey import SurveyNorms
from crecer.survey import (
    SurveyDesign,
    anemia_indicator,
    growth_indicators,
    prevalence,
    reliability,
)
from crecer.survey.estimate import Estimates

PROFILE = load_profile("peru")
SURVEY = SurveyNorms.model_validate(
    {
        "level": {"value": 0.95},
        "lonely_psu": {"value": "adjust"},
        "anthropometry_ages": {"from_months": 0, "to_months": 60},
        "anemia_ages": {"from_months": 6, "to_months": 36},
        "anemia_rule": {"value": "who_2011"},
        "min_unweighted_n": {"value": 25},
        "caution_unweighted_n": {"value": 50},
        "min_effective_n": {"value": 25},
        "min_psus": {"value": 2},
        "caution_cv": {"value": 0.15},
    }
)


def test_growth_indicators_drop_flags_and_count_oedema_as_anthro_does():
    # who_growth_algorithm.md §9-§10: flagged z-scores have no value; oedema counts below -3
    # for the weight-based indices (WHZ, WAZ); strict cut-offs.
    z = {
        "z_lhfa": np.array([-2.5, -3.5, -1.0, -7.0, np.nan]),
        "flag_lhfa": np.array([False, False, False, True, False]),
        "z_wflh": np.array([-2.1, 2.5, np.nan, 2.0, 6.0]),
        "flag_wflh": np.array([False, False, False, False, True]),
        "z_wfa": np.array([-2.2, 0.0, np.nan, -2.0, -6.5]),
        "flag_wfa": np.array([False, False, False, False, True]),
    }
    oedema = np.array([False, False, True, False, False])
    out = growth_indicators(z, oedema=oedema)
    stunting, valid = out["stunting"]
    assert_array_equal(valid, [True, True, True, False, False])  # -7 flagged, NaN unmeasured
    assert_array_equal(stunting[valid], [1, 1, 0])
    assert_array_equal(out["severe_stunting"][0][valid], [0, 1, 0])
    wasting, valid = out["wasting"]
    assert_array_equal(valid, [True, True, True, True, False])  # oedema has a value
    assert_array_equal(wasting[valid], [1, 0, 1, 0])  # -2.0 is not below -2
    assert_array_equal(out["overweight"][0][valid], [0, 1, 0, 0])  # 2.0 is not above +2
    assert_array_equal(out["severe_wasting"][0][valid], [0, 0, 1, 0])
    underweight, valid = out["underweight"]
    assert_array_equal(underweight[valid], [1, 0, 1, 0])


def test_growth_indicators_keep_the_profiles_age_band():
    z = {"z_lhfa": np.array([-2.5, -2.5, -2.5]), "z_wflh": np.zeros(3), "z_wfa": np.zeros(3)}
    out = growth_indicators(z, age_months=[0, 59, 60], ages=SURVEY.anthropometry_ages)
    assert_array_equal(out["stunting"][1], [True, True, False])  # 0-59 completed months


def test_anemia_uses_the_altitude_adjusted_hb_and_the_rule_asked():
    # [anemia] rule who_2011 (ENDES up to 2023): children 6-59 months anemic below 11.0 g/dL
    # after subtracting the WHO 2011 step for the altitude (3,500-3,999 m: 2.7; anemia.md).
    values, valid = anemia_indicator(
        PROFILE.anemia,
        hemoglobin=[11.5, 11.5, 10.9, 11.0, 13.0, np.nan],
        altitude_m=[3800, 0, 0, 0, 200, 0],
        age_months=[12, 12, 30, 30, 40, 12],
        rule=SURVEY.anemia_rule.value,
        ages=SURVEY.anemia_ages,
    )
    # 11.5 - 2.7 = 8.8 anemic; 11.5 at sea level not; 10.9 anemic; 11.0 not (reaches 11.0);
    # 40 months is outside ENDES's 6-35 band; no Hb, no value.
    assert_array_equal(valid, [True, True, True, True, False, False])
    assert_array_equal(values[valid], [1, 0, 1, 0])


def test_anemia_needs_dates_or_a_rule():
    with pytest.raises(ValueError, match="dates"):
        anemia_indicator(PROFILE.anemia, hemoglobin=[11], altitude_m=[0], age_months=[12])


def _estimates(n, psus, se, deff, estimate):
    size = len(n)
    return Estimates(
        kind="proportion",
        domains=np.arange(size),
        estimate=np.array(estimate, float),
        se=np.array(se, float),
        ci_low=np.zeros(size),
        ci_high=np.ones(size),
        deff=np.array(deff, float),
        n=np.array(n),
        weighted_n=np.array(n, float),
        psus=np.array(psus),
        df=10.0,
        level=0.95,
    )


def test_too_thin_estimates_are_withheld_and_thin_ones_flagged():
    # Thresholds: n < 25 or < 2 PSUs or n/deff < 25 or no SE: too thin;
    # n < 50 or CV > 0.15: caution.
    result = _estimates(
        n=[24, 400, 400, 100, 40, 400, 400, 400, 400],
        psus=[10, 1, 30, 30, 10, 30, 30, 30, 30],
        se=[0.05, 0.01, np.nan, 0.03, 0.05, 0.04, 0.0, 0.02, 0.02],
        deff=[1.0, 1.0, 1.0, 4.5, 1.0, 1.5, np.nan, 1.5, np.nan],
        estimate=[0.3, 0.3, 0.3, 0.3, 0.3, 0.2, 0.0, 0.3, 0.3],
    )
    status, reasons = reliability(result, SURVEY)
    # 100 / 4.5 = 22 effective children; CV 0.04 / 0.2 = 0.2; 0 % has a collapsed interval
    assert reasons.tolist() == [
        "n", "psus", "no_variance", "effective_n", "caution_n", "cv", "boundary", "", "",
    ]  # fmt: skip
    assert status.tolist() == [
        "too_thin", "too_thin", "too_thin", "too_thin", "caution", "caution", "caution",
        "shown", "shown",
    ]  # fmt: skip


def test_reliability_of_a_real_estimate():
    # 30 children in 3 clusters of one stratum, equal weights, 10 stunted: shown with caution.
    design = SurveyDesign.from_columns(np.ones(30), clusters=np.repeat([1, 2, 3], 10))
    y = np.r_[np.ones(4), np.zeros(6), np.ones(3), np.zeros(7), np.ones(3), np.zeros(7)]
    status, reasons = reliability(prevalence(design, y), SURVEY)
    assert (status[0], reasons[0]) == ("caution", "caution_n")
