"""Achieved prevalences match the published targets within sampling error.

Calibration is in expectation (``crecer.demo.calibration``): the generator solves, per
department, the offset whose *expected* prevalence over the children actually measured (or
tested) is the target; the achieved share is then a binomial draw around it. With n children
and target p, its standard error is √(p(1−p)/n); we allow 4 standard errors (a false alarm
about once in 16,000 runs; the seed is fixed anyway, so the test is deterministic), plus
0.3 points for what the calibration approximates (the 0.3 % of gross errors excluded as WHO
flags, 0.1 cm and 0.1 g/dL rounding).
"""

from __future__ import annotations

import math

import pytest

from crecer.demo import manifest, targets

from .frames import AS_OF, PROFILE, generate

# The population below takes ~12 s to generate and count with the product's status code.
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def tallies() -> manifest.Tally:
    # ~33,000 children: Ayacucho's three districts and Lima's one at 4× their population.
    return manifest.tally(generate(seed=7, scale=4.0), PROFILE, AS_OF)


def within_sampling_error(counts, numerator: str, denominator: str, target_pct: float) -> None:
    n = counts[denominator]
    p = target_pct / 100
    tolerance = 4 * math.sqrt(p * (1 - p) / n) + 0.003
    achieved = counts[numerator] / n
    assert abs(achieved - p) <= tolerance, (achieved, p, n, tolerance)


@pytest.mark.parametrize(
    ("department", "figure"),
    [
        ("05", targets.STUNTING_BY_DEPARTMENT["05"]),  # Ayacucho, ENDES 2018: 20.2 %
        ("15", targets.NATIONAL_STUNTING),  # Lima has no figure of its own: national 12.1 %
    ],
)
def test_stunting_matches_the_department_figure(tallies, department, figure):
    counts = tallies[department]
    assert counts["measured"] > 5_000  # the tolerance below is then ≤ 1.5 points
    within_sampling_error(counts, "stunted", "measured", figure.value)


@pytest.mark.parametrize("department", ["05", "15"])
def test_altitude_adjusted_anemia_matches_the_figure(tallies, department):
    """By the ENDES rule (WHO 2011 altitude steps, Hb < 11.0), among the latest test in the
    product's window of each child 6-35 months old, where the altitude is known. Neither
    department has its own figure in indicators.md: the national 43.7 % (ENDES 2024) applies."""
    counts = tallies[department]
    assert counts["tested"] > 1_500  # latest tests in the product's 365-day window only
    within_sampling_error(counts, "anemic", "tested", targets.NATIONAL_ANEMIA.value)


def test_stunting_is_higher_in_rural_areas(tallies):
    counts = tallies["05"]
    rural = counts["stunted_rural"] / counts["measured_rural"]
    urban = counts["stunted_urban"] / counts["measured_urban"]
    assert rural > urban + 0.03


def test_birth_circuit_rates(tallies):
    counts = tallies["05"] + tallies["15"]
    # Children 6-59 months without registry: calibrated in expectation like the above.
    within_sampling_error(counts, "no_registry", "children_6_59", targets.NO_REGISTRY_6_59.value)
    # Low birth weight is not solved for: it follows from the birth-weight model (term
    # N(3250, 420) g, preterm N(2450, 500) g, more preterm births in poorer districts), which
    # gives about 7.0-7.7 % between a district of 0 % and one of 75 % poverty. The published 7.3 %
    # within one point is what the model promises.
    assert abs(100 * counts["lbw"] / counts["children"] - targets.LOW_BIRTH_WEIGHT.value) < 1.0


# --- The product's indicator catalogue --------------------------------------------------------
# Every indicator with a published figure (targets.CATALOGUE) as the product counts it (the
# per-child status of crecer.analytics.status, the catalogue's conditions), in each department
# of the population above (Ayacucho's three districts ×4: ~27,000 children, a province's size;
# Lima's one). Tolerance: growth, anemia and the birth circuit are solved in expectation (4
# standard errors, as above); the service coverages follow constants of crecer.demo.services
# tuned once on Huamanga (0501) and centred on each department's poverty, which the model
# keeps within 3.5 points of the figure on other mixes of districts. A bound ("at most",
# "at least": a figure of a wider or narrower indicator) is checked on its side with the same
# tolerance.
SERVICE_TOLERANCE_PCT = 3.5
# The figure's rule is not the product's (anemia: WHO 2011, not NTS 213): checked above in the
# figure's terms (manifest.FIGURE_TERMS); ccm_u3's figure is derived (13.6/12.9 of a
# department's < 5 figure) and the faltering shape puts it between u5 and that, checked
# below.
IN_FIGURE_TERMS = {"anemia_6_35"}
PUBLISHED = [
    indicator
    for indicator, figure in targets.CATALOGUE.items()
    if isinstance(figure, targets.Figure) and indicator not in IN_FIGURE_TERMS
]


@pytest.fixture(scope="module")
def catalogue(tallies) -> dict[str, dict]:
    return {d: manifest.indicators({d: tallies[d]}, PROFILE) for d in ("05", "15")}


def test_every_indicator_of_the_catalogue_is_in_the_manifest(catalogue):
    ids = [indicator.id for indicator in PROFILE.analytics.indicators]
    assert list(catalogue["05"]) == ids
    for entry in catalogue["05"].values():
        assert entry["denominator"] > 0
        assert entry["source"]  # a figure's source, or why there is none
    assert set(targets.CATALOGUE) == set(ids)


# Follow from constants or a shape, not solved per department (see above): 3.5 points. Low
# birth weight: the birth-weight model's promise of one point (test_birth_circuit_rates).
MODELLED = {
    "cred_u36", "vaccines_u12", "vaccines_fed_u12", "pentavalent_u12", "pneumococcal_u12",
    "rotavirus_u12", "iron_6_35", "ccm_u3",
}  # fmt: skip


def tolerance_pct(indicator: str, entry: dict) -> float:
    if indicator in MODELLED:
        return SERVICE_TOLERANCE_PCT
    if indicator == "low_birth_weight":
        return 1.0
    p = entry["target"] / 100
    return 100 * (4 * math.sqrt(p * (1 - p) / entry["denominator"]) + 0.003)


@pytest.mark.parametrize("department", ["05", "15"])
@pytest.mark.parametrize("indicator", PUBLISHED)
def test_indicator_lands_near_its_published_figure(catalogue, department, indicator):
    entry = catalogue[department][indicator]
    target, achieved = entry["target"], entry["achieved"]
    tolerance = tolerance_pct(indicator, entry)
    if entry["bound"] == "at_least":
        assert achieved >= target - tolerance, (achieved, target)
    elif entry["bound"] == "at_most":
        assert achieved <= target + tolerance, (achieved, target)
    else:
        assert abs(achieved - target) <= tolerance, (achieved, target, tolerance)


def test_anemia_in_the_figure_terms_on_the_products_children(catalogue):
    """anemia_6_35 counts the product's children; by the ENDES rule they match the figure."""
    for department in ("05", "15"):
        terms = catalogue[department]["anemia_6_35"]["achieved_in_figure_terms"]
        assert terms["rate"] == "anemia_6_35_endes_rule"
        assert abs(terms["achieved"] - targets.NATIONAL_ANEMIA.value) < 3.0


def test_vaccines_of_one_visit_go_together(catalogue):
    """Doses of one visit are given together (issue 18: each antigen 64-72 % but all of them
    3 %): the four antigens together reach nearly the rarest one alone."""
    entry = catalogue["05"]
    alone = min(entry[i]["achieved"] for i in ("pentavalent_u12", "pneumococcal_u12"))
    assert entry["vaccines_fed_u12"]["achieved"] > alone - 5
