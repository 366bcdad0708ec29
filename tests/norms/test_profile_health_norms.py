"""The [anemia] and [schedules] parts of the Peru profile: loaded, cited, and validated."""

from pathlib import Path

import pytest

from crecer.norms import ProfileError, load_profile, profile_path

PROFILE = load_profile("peru")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = profile_path("peru").read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_rules_in_force_by_date():
    from datetime import date

    assert PROFILE.anemia.rule_in_force(date(2023, 12, 31)).id == "who_2011"
    assert PROFILE.anemia.rule_in_force(date(2024, 4, 1)).id == "nts_213_2024"
    assert PROFILE.schedules.in_force("child", date(2026, 1, 1)).id == "child_2024"
    with pytest.raises(KeyError):
        PROFILE.schedules.in_force("child", date(2020, 1, 1))


def test_every_rule_cites_a_known_source():
    known = {source.id for source in PROFILE.sources}
    rules = [*PROFILE.anemia.rules, *PROFILE.schedules.child[0].requirements]
    assert all(rule.source in known for rule in rules)


def test_unconfirmed_numbers_are_listed():
    paths = [path for path, _ in PROFILE.unconfirmed()]
    # anemia.md: MINSA rows >= 4,000 m unverified; infant rows from a single transcription;
    # immunization.md: polio 1st/2nd dose thresholds not legible
    assert "anemia.altitude_adjustments[minsa_2024_bands].bands[8]" in paths
    assert "anemia.rules[nts_213_2024].cutoffs[0]" in paths
    assert "schedules.child[child_2024].requirements[polio].doses[1]" in paths
    # the confirmed FED CRED windows are not flagged, the bimonthly ones are
    assert "schedules.child[child_2024].requirements[cred].doses[1]" not in paths
    assert "schedules.child[child_2024].requirements[cred].doses[12]" in paths


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'altitude_adjustment = "minsa_2024_bands"',
            'altitude_adjustment = "minsa_bands"',
            "uses altitude_adjustment 'minsa_bands', which is not among",
        ),
        (
            "age_months = [24, 60], no_anemia_from = 11.0",
            "age_months = [20, 60], no_anemia_from = 11.0",
            "cut-off rows 'child' and 'child' overlap",
        ),
        (
            "no_anemia_from = 10.5, mild_from = 9.5",
            "no_anemia_from = 9.0, mild_from = 9.5",
            "thresholds must fall",
        ),
        ('source = "rm_429_2024"', 'source = "rm_429"', "cites 'rm_429', which is not among"),
        ("{ from_m = 500, subtract = 0.4 }", "{ from_m = 500, subtrac = 0.4 }", "unknown key"),
        (
            'all_of = ["cred"]',
            'all_of = ["cred_checks"]',
            "refers to ['cred_checks'], which are not requirements",
        ),
        ('population = "lbw_or_premature"', 'population = "term"', "variants must be exactly"),
        ('{ label = "2", from_day = 60, to_day = 89, required_from_day = 90 }',
         '{ label = "2", from_day = 60, to_day = 50, required_from_day = 90 }',
         "to_day 50 < from_day"),
        ('recorded_as = "85018"', 'recorded_as = "85019"', "recorded_as '85019' is not among"),
        ("birth_weight_g = [300, 6500]", "birth_weight_g = [6500, 300]",
         "birth_weight_g must be [low, high]"),
    ],
)  # fmt: skip
def test_mistakes_are_named(tmp_path, old, new, message):
    with pytest.raises(ProfileError, match=message.replace("[", r"\[").replace("(", r"\(")):
        load_profile(variant(tmp_path, old, new))


def test_service_codes_and_birth_ranges_are_the_profiles():
    """The HIS codes and plausible ranges code reads (anemia.md, cred_schedule.md)."""
    assert PROFILE.services.hb_test.codes == ["85018", "85018.01", "85031"]
    assert PROFILE.services.hb_test.recorded_as == "85018"
    # 99381 / Z001 (monthly), 99381.01 the newborn code (cred_schedule.md, Newborn checks in FED)
    assert PROFILE.services.cred.codes == ["99381", "Z001", "99381.01"]
    assert PROFILE.registry.plausible_at_birth.birth_weight_g == (300, 6500)
    assert PROFILE.registry.plausible_at_birth.gestational_age_weeks == (20, 45)
    # the codes of a test are the schedules' Hb codes
    hb = [r for r in PROFILE.schedules.child[0].requirements if r.id == "hb"]
    assert all(r.codes == PROFILE.services.hb_test.codes for r in hb)


def test_a_code_shared_by_two_requirements_must_start_at_different_ages(tmp_path):
    # Z001 serves cred_newborn (from day 3) and cred (from day 29); make cred start at day 3
    path = variant(tmp_path, 'label = "1", from_day = 29, to_day = 59,',
                   'label = "1", from_day = 3, to_day = 59,')  # fmt: skip
    with pytest.raises(ProfileError, match="both start at day 3"):
        load_profile(path)
