"""The pure generator: determinism, identifiers the registry accepts, the shape of the data."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from crecer.demo import export, faults, manifest
from crecer.demo.generator import Population
from crecer.demo.identifiers import CAPACITY, scrambled
from crecer.growth import zscores
from crecer.ingest.checks import REASON
from crecer.ingest.reading import read_table
from crecer.registry.columns import PADRON_COLUMNS
from crecer.registry.identifiers import cnv_problem, dni_problem, document_problem
from crecer.registry.validation import Territory, validate

from .frames import AS_OF, PROFILE, centers, generate


@pytest.fixture(scope="module")
def small() -> Population:
    return generate(seed=1)


def test_same_seed_same_population(small):
    again = generate(seed=1)
    for name in Population.FIELDS:
        assert_frame_equal(getattr(small, name), getattr(again, name))


def test_another_seed_another_population(small):
    other = generate(seed=2)
    assert small.children.height == other.children.height  # sizes come from the territory
    assert not small.children["birth_date"].equals(other.children["birth_date"])
    assert not small.growth["length_cm"].equals(other.growth["length_cm"])


def test_identifiers_are_unique_and_well_formed(small):
    children = small.children
    for name in ("padron_code", "cnv", "cui", "dni"):
        present = children[name].drop_nulls()
        assert present.n_unique() == present.len(), name
    assert all(dni_problem(v) is None for v in children["dni"].drop_nulls())
    assert all(dni_problem(v) is None for v in children["cui"].drop_nulls())
    assert all(cnv_problem(v) is None for v in children["cnv"].drop_nulls())
    mothers = children.filter(pl.col("mother_document_type") != "")
    for kind, number in mothers.select("mother_document_type", "mother_document_number").rows():
        assert document_problem(kind, number) is None, (kind, number)
    # A DNI, once issued, is the CUI given at registration.
    issued = children.filter(pl.col("dni").is_not_null())
    assert (issued["dni"] == issued["cui"]).all()


def test_scramble_is_a_bijection_on_its_space():
    numbers = np.arange(0, CAPACITY, 997)
    values = scrambled("child_dni", numbers)
    assert len(set(values)) == len(numbers)
    with pytest.raises(ValueError, match="more than"):
        scrambled("child_dni", np.array([CAPACITY]))


def test_clean_export_passes_the_registry_validation(small, tmp_path):
    """Every generated row — identifiers, codes, dates, places — passes the importer's own
    columnar validation (the same function ``crecer import padron`` runs)."""
    rows = export.padron_rows(small.children)
    path = tmp_path / "padron.csv"
    export.with_headers(rows).write_csv(path, separator=";")
    territory = Territory(
        ubigeos=frozenset(small.children["ubigeo"].unique()),
        centers=frozenset(centers()["code"]),
    )
    checked = validate(
        read_table(path, PADRON_COLUMNS), territory, AS_OF, PROFILE.registry.plausible_at_birth
    )
    assert checked.height == small.children.height
    assert checked.filter(pl.col(REASON) != "").height == 0


def test_faults_cover_every_kind_and_lines_are_unique(small):
    rows = export.padron_rows(small.children)
    injected = faults.inject(
        rows,
        rng=np.random.default_rng(0),
        rate=0.05,
        as_of=AS_OF,
        centers=frozenset(centers()["code"]),
    )
    entries = injected.expected + faults.copies_expected(
        injected.copy_reasons, faults.FIRST_LINE + rows.height
    )
    # 5 % of ~9,000 rows ≈ 450 faults over 15 kinds: each kind is drawn ~30 times.
    assert {entry["fault"] for entry in entries} == set(faults.FAULTS)
    assert len({entry["line"] for entry in entries}) == len(entries)
    assert injected.rows.height == rows.height
    assert injected.copies.height == len(injected.copy_reasons)


def test_growth_falters_from_birth_to_two_years(small):
    """Mean length-for-age z falls from the first months to 18-23 months (the shape of Peru's
    ENDES curves), and stunting is higher in the rural districts."""
    rows = small.growth.join(small.children.select("child", "sex", "birth_date"), on="child")
    age = (rows["date"] - rows["birth_date"]).dt.total_days().to_numpy()
    z = zscores(
        sex=rows["sex"].cast(pl.Int64).to_numpy(),
        age_days=age,
        weight_kg=rows["weight_kg"].to_numpy(),
        length_cm=rows["length_cm"].to_numpy(),
        measure=rows["measure"].to_numpy(),
    )
    valid = ~np.isnan(z["z_lhfa"]) & ~z["flag_lhfa"]
    young = valid & (age < 183)
    older = valid & (age >= 548) & (age < 730)
    # FALTERING_Z = 1.0 between birth and 24 months: by 18-23 months at least 0.5 of it.
    assert z["z_lhfa"][young].mean() - z["z_lhfa"][older].mean() > 0.5
    # Gross errors (0.3 % of measurements) are flagged as implausible by the WHO rules.
    gross = rows["gross_error"].to_numpy()
    flagged = z["flag_lhfa"] | z["flag_wfa"]
    assert flagged[gross].mean() > 0.9


def test_hemoglobin_carries_the_altitude_used(small):
    tests = small.hemoglobin
    assert set(tests["altitude_source"].unique()) <= {"center", "district", "unknown"}
    unknown = tests.filter(pl.col("altitude_source") == "unknown")
    assert unknown["altitude_m"].null_count() == unknown.height
    high = tests.filter(pl.col("altitude_m") > 2500)["hb_observed"].mean()
    coast = tests.filter(pl.col("altitude_m") < 500)["hb_observed"].mean()
    assert high > coast + 1.0  # MINSA/WHO adjust ≥ 1.8 g/dL above 2,500 m


def _services_with_age(small: Population) -> pl.DataFrame:
    return small.services.join(
        small.children.select("child", "birth_date"), on="child"
    ).with_columns((pl.col("date") - pl.col("birth_date")).dt.total_days().alias("age_days"))


def test_doses_of_one_visit_are_given_together(small):
    """A child who comes to a visit gets every antigen due then (issue 18: a child with 3/3
    pentavalent had 0/4 polio): each pentavalent dose has a polio dose on the same day, and
    the first two a rotavirus and a pneumococcal dose too (unless rotavirus is past 240 days)."""
    services = _services_with_age(small)
    days = services.group_by("child", "requirement").agg(pl.col("date"))
    penta = days.filter((pl.col("requirement") == "pentavalent") & (pl.col("date").list.len() == 3))
    assert penta.height > 1_000
    polio = days.filter(pl.col("requirement") == "polio").select("child", pl.col("date").alias("p"))
    paired = penta.join(polio, on="child", how="left").with_columns(
        pl.col("date").list.set_difference(pl.col("p").fill_null([])).list.len().alias("lonely")
    )
    assert (paired["lonely"] == 0).all()
    pneumococcal = days.filter(pl.col("requirement") == "pneumococcal")
    assert pneumococcal.filter(pl.col("date").list.len() >= 2).height > 0.9 * penta.height


def test_hepatitis_b_birth_dose_falls_in_its_window(small):
    """The HvB birth dose counts at days 0-1 (profile: hvb to_day = 1); a later one would count
    for nothing, so it is given then or not at all."""
    hvb = PROFILE.schedules.in_force("child", AS_OF).variants("hvb")[0].doses[0]
    ages = _services_with_age(small).filter(pl.col("requirement") == "hvb")["age_days"]
    assert ages.len() > 0.8 * small.children.height  # 93 % of the 98 % born in a facility
    assert ages.min() >= hvb.from_day
    assert ages.max() <= hvb.to_day


def test_each_child_follows_its_own_growth_curve(small):
    """Between visits at most 62 days apart (issue 18: 7.41 → 6.40 → 8.22 kg in two months),
    no weight falls by more than 8 % and at most 0.1 % by more than 5 % (a child's
    weight-for-length z drifts 0.08 per √month, plus a 0.05 kg scale error); no length, read
    as lying length (standing + 0.7 cm, WHO), falls by more than 2 cm: the measurement error
    of 0.4 cm per reading gives a difference of SD 0.57 cm, so 2 cm is 3.5 SD. Gross errors
    (injected on purpose) are left out."""
    rows = (
        small.growth.filter(~pl.col("gross_error"))
        .sort("child", "date")
        .with_columns(
            (
                pl.col("length_cm") + pl.when(pl.col("measure") == "h").then(0.7).otherwise(0.0)
            ).alias("lying"),
        )
        .with_columns(
            (pl.col("date") - pl.col("date").shift().over("child")).dt.total_days().alias("gap"),
            (pl.col("weight_kg") / pl.col("weight_kg").shift().over("child") - 1).alias("dw"),
            (pl.col("lying") - pl.col("lying").shift().over("child")).alias("dl"),
        )
        .filter(pl.col("gap") <= 62)
    )
    assert rows.height > 50_000
    assert rows["dw"].min() > -0.08
    assert (rows["dw"] < -0.05).mean() < 0.001
    assert rows["dl"].min() > -2.0


def test_catalogue_counts_do_not_depend_on_the_chunks(small, monkeypatch):
    """The manifest counts the catalogue in chunks of districts (as crecer refresh does); a
    child's status depends on its own events only, so chunks change nothing."""
    whole = manifest.catalogue_counts(small, PROFILE, AS_OF)
    monkeypatch.setattr(manifest, "CHUNK_CHILDREN", 1_500)  # the Huanta districts one by one
    assert manifest.catalogue_counts(small, PROFILE, AS_OF) == whole
