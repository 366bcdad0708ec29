"""[pan] of the Peru profile: the program structure, supplies and the intervention catalogue."""

import pytest

from crecer.norms import load_profile
from crecer.norms.pan import Intervention, InterventionCatalogue

PAN = load_profile("peru").pan


def test_the_program_is_0001_and_the_unverified_codes_stay_marked():
    assert PAN.program.value == "0001"
    # budget_pan.md: codes 3033254/55/56 "remain unverified".
    coded = {p.code: p for p in PAN.products if p.code}
    assert set(coded) == {"3033254", "3033255", "3033256"}
    assert all(product.unconfirmed for product in coded.values())
    assert PAN.product_of_code("03033255").id == "cred_complete"
    assert PAN.product_of_code("3999999") is None


def test_every_product_with_an_output_counts_an_indicator_of_the_catalogue():
    analytics = load_profile("peru").analytics
    known = {i.id for i in [*analytics.indicators, *analytics.maternal_indicators]}
    outputs = {o for p in PAN.products for o in p.outputs}
    assert outputs <= known
    assert PAN.product("pregnant_iron_folic").counts == "pregnancies"
    assert set(PAN.product("pregnant_iron_folic").outputs) <= {
        i.id for i in analytics.maternal_indicators
    }


def test_supply_items_are_found_by_their_report_names():
    assert PAN.item_of("  sulfato ferroso   gotas ").id == "iron_drops"
    assert PAN.item_of("MMN").id == "mmn"
    assert PAN.item_of("mmn").monthly_per_child == 30.0
    assert PAN.item_of("PARACETAMOL") is None


def test_the_published_intervention_counts_are_reproduced():
    # Seed report: 41 interventions; 5 fully established, 33 partial, 3 without action;
    # 17 with a norm, 16 with budget, 26 with a delivery mode, 5 with indicators.
    catalogue = PAN.interventions
    assert catalogue.total.value == 41
    assert catalogue.published() == {
        "fully_established": 5, "partial": 33, "without_action": 3,
        "norm": 17, "budget": 16, "delivery": 26, "indicator": 5,
    }  # fmt: skip
    assert catalogue.items == []  # none is named in the notes read (said in the data)


def test_a_full_list_that_disagrees_with_the_published_counts_is_refused():
    raw = PAN.interventions.model_dump(exclude={"items"})
    raw["total"] = {"value": 2}
    raw |= {k: {"value": v} for k, v in {
        "fully_established": 1, "partial": 0, "without_action": 1,
        "with_norm": 1, "with_budget": 1, "with_delivery": 1, "with_indicator": 1,
    }.items()}  # fmt: skip
    name = {"es": "x", "en": "x"}
    full = Intervention(
        id="a", name=name, result=name, meets=["norm", "budget", "delivery", "indicator"]
    )
    none = Intervention(id="b", name=name, result=name)
    assert (
        InterventionCatalogue.model_validate(raw | {"items": [full, none]}).counted()["partial"]
        == 0
    )
    with pytest.raises(ValueError, match="published"):
        InterventionCatalogue.model_validate(
            raw | {"items": [full, full.model_copy(update={"id": "c", "meets": ["norm"]})]}
        )
