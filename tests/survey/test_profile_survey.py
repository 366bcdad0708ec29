"""[survey] of the Peru profile: cited, its assumptions marked, consistent with [anemia]."""

from crecer.norms import load_profile

PROFILE = load_profile("peru")
SURVEY = PROFILE.survey


def test_the_profile_table_is_cited_and_its_assumptions_marked():
    assert SURVEY.level.value == 0.95
    assert SURVEY.lonely_psu.value == "adjust"  # as WHO anthro sets survey.lonely.psu
    assert (SURVEY.anemia_ages.from_months, SURVEY.anemia_ages.to_months) == (6, 36)
    unconfirmed = {path for path, _ in PROFILE.unconfirmed() if path.startswith("survey.")}
    assert {
        "survey.min_unweighted_n",
        "survey.caution_unweighted_n",
        "survey.min_effective_n",
        "survey.min_psus",
        "survey.caution_cv",
    } <= unconfirmed


def test_the_anemia_rule_exists():
    assert PROFILE.anemia.rule(SURVEY.anemia_rule.value).id == "who_2011"
