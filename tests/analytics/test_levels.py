"""The levels values are counted at come from the profile's territory: its code lengths and
its country code, not from numbers written in code."""

from __future__ import annotations

import polars as pl

from crecer.analytics.indicators import levels_within, unit_levels, values_by_territory
from crecer.norms import Profile
from tests.analytics.population import PERU


def with_country(profile: Profile, country: str) -> Profile:
    info = profile.profile.model_copy(update={"country": country})
    return profile.model_copy(update={"profile": info})


def status() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "district_id": ["050101", "050403", "150101"],
            "populated_center_id": ["0501010001", None, None],
            "care_facility": ["00001234", "", ""],
            "age_days": [100, 200, 300],
            "has_sis": [True, False, None],
        }
    )


def test_peru_levels_and_their_code_lengths():
    levels = {level.id: (level.column, level.length) for level in unit_levels(PERU)}
    assert levels == {
        "country": (None, None),
        "department": ("district_id", 2),
        "province": ("district_id", 4),
        "district": ("district_id", 6),
        "populated_center": ("populated_center_id", 10),
        "facility": ("care_facility", None),
    }


def test_a_scope_sees_whole_the_levels_at_or_below_it():
    everything = ["country", "department", "province", "district", "populated_center", "facility"]
    assert levels_within("", PERU) == everything
    assert levels_within("05", PERU) == everything[1:]
    assert levels_within("0504", PERU) == everything[2:]
    assert levels_within("050403", PERU) == everything[3:]


def test_units_by_level_and_the_country_code_of_the_profile():
    sis = PERU.analytics.indicator("sis_u5")
    values = values_by_territory(status(), [sis], profile=with_country(PERU, "BO"))
    cells = {(r["level"], r["code"]): (r["numerator"], r["denominator"]) for r in values.to_dicts()}
    assert cells == {
        ("country", "BO"): (1, 3),
        ("department", "05"): (1, 2),
        ("department", "15"): (0, 1),
        ("province", "0501"): (1, 1),
        ("province", "0504"): (0, 1),
        ("province", "1501"): (0, 1),
        ("district", "050101"): (1, 1),
        ("district", "050403"): (0, 1),
        ("district", "150101"): (0, 1),
        ("populated_center", "0501010001"): (1, 1),
        ("facility", "00001234"): (1, 1),  # no facility (""): not a unit
    }
