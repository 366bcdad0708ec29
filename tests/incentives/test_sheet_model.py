"""The incentive sheets' model: its checks, on sheets written here (not the profile's data)."""

import pytest
from pydantic import ValidationError

from crecer.norms import Profile, load_profile
from crecer.norms.incentives import IncentiveNorms, slug

PROFILE = load_profile("peru")
NAME = {"es": "x", "en": "x"}
EDITION = {"id": "FED 2024-2025", "program": "FED", "source": "fed_si03_2024"}


def sheet(**changes):
    return {
        "edition": "FED 2024-2025", "code": "SI-03.01", "name": NAME, "kind": "CG",
        "source": "fed_si03_2024", "cohort": {"rule": "turning", "age_days": 364},
        "exclusions": [{"id": "small", "name": NAME, "condition": "lbw_or_premature"}],
        "components": [{"id": "cred", "name": NAME, "condition": "cred_complete"}],
    } | changes  # fmt: skip


def with_sheets(*sheets, schedules=()):
    norms = {"editions": [EDITION], "schedules": list(schedules), "sheets": list(sheets)}
    return Profile.model_validate({**PROFILE.model_dump(), "incentives": norms})


def test_a_valid_sheet_loads_and_compiles():
    profile = with_sheets(sheet())
    indicator = profile.incentives.sheet("FED 2024-2025", "SI-03.01").indicator()
    assert indicator.id == "fed_2024_2025_si_03_01"
    assert (indicator.population, indicator.numerator) == (
        "NOT (lbw_or_premature)",
        "(cred_complete)",
    )


@pytest.mark.parametrize(
    ("sheets", "message"),
    [
        ([sheet(edition="FED 2030")], "unknown edition 'FED 2030'"),
        ([sheet(), sheet()], "FED 2024-2025 SI-03.01 is given twice"),
        ([sheet(cohort=None)], "needs a cohort and components"),
        ([sheet(components=[{"id": "c", "name": NAME, "condition": "cred_done"}])],
         "cred_done"),
        ([sheet(components=[{"id": "c", "name": NAME, "condition": "age_days > 'x'"}])],
         "age_days"),
        ([sheet(schedule="fed_mc02")], "unknown schedule 'fed_mc02'"),
        ([sheet(cohort={"rule": "turning"})], "needs age_days"),
        ([sheet(cohort={"rule": "age_at_month_end", "max_age_days": -1})], "max_age_days"),
        ([sheet(components=[{"id": "small", "name": NAME, "condition": "cred_complete"}])],
         "ids repeat"),
    ],
)  # fmt: skip
def test_mistakes_are_named(sheets, message):
    with pytest.raises(ValidationError, match=message):
        with_sheets(*sheets)


def test_a_sheet_not_computable_needs_no_cohort():
    profile = with_sheets(sheet(computable=False, cohort=None, components=[], exclusions=[]))
    assert not profile.incentives.sheets[0].computable


def test_editions_are_unique():
    with pytest.raises(ValidationError, match="editions repeat"):
        IncentiveNorms.model_validate({"editions": [EDITION, EDITION]})


def test_slug():
    assert (slug("FED 2024-2025"), slug("SI-03.01"), slug("PIM 2026")) == (
        "fed_2024_2025", "si_03_01", "pim_2026")  # fmt: skip
