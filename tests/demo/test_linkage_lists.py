"""Linkage material of the generator (crecer.demo.linkage): registry duplicates, real twins and
outside lists with realistic errors, and the truth behind them; duplicates and twins go through
the registry's real importer."""

from __future__ import annotations

import json
from io import StringIO

import numpy as np
import polars as pl
import pytest
from django.core.management import call_command
from polars.testing import assert_frame_equal

from crecer.demo import export, linkage, outside_lists, record_errors
from crecer.demo.generator import Population
from crecer.demo.identifiers import CAPACITY
from crecer.ingest.reasons import SEPARATOR
from crecer.linkage.sources import SOURCES
from crecer.registry.importer import import_padron
from crecer.registry.models import Child
from crecer.territory.models import PopulatedCenter

from .frames import AS_OF, centers, generate

PLAN = linkage.Plan(duplicates=0.2, twins=0.02, outside_lists=True)
CONTEXT = record_errors.Context(as_of=AS_OF, centers=centers())
IDENTIFIERS = ["padron_code", "cnv", "cui", "dni"]


def link(population: Population, plan: linkage.Plan = PLAN, seed: int = 7) -> linkage.Linked:
    children = population.children
    rng = np.random.default_rng(seed)
    return linkage.link(children, plan, rng=rng, context=CONTEXT, used=children.height)


@pytest.fixture(scope="module")
def population() -> Population:
    return generate(seed=1)


@pytest.fixture(scope="module")
def linked(population) -> linkage.Linked:
    # 20 % duplicates of ~9,400 children: each error kind falls dozens of times at least.
    return link(population)


def duplicates_with_originals(linked: linkage.Linked) -> pl.DataFrame:
    """Each duplicate's row beside its original's padrón row (``_original`` suffix)."""
    truth = linked.truth.filter(pl.col("source") == "padron")
    copies = linked.appended.join(truth, left_on="padron_code", right_on="key")
    copies = copies.filter(pl.col("person") != pl.col("child"))  # twins are their own person
    padron = linked.padron().select(pl.all().name.suffix("_original"))
    return copies.join(padron, left_on="person", right_on="child_original")


def test_same_seed_same_material(population, linked):
    again = link(population)
    for name in ("people", "registry", "appended", "truth"):
        assert_frame_equal(getattr(linked, name), getattr(again, name))
    for source_id, rows in linked.lists.items():
        assert_frame_equal(rows, again.lists[source_id])
    assert not link(population, seed=8).truth.equals(linked.truth)


def test_nothing_asked_nothing_changed(population):
    nothing = link(population, linkage.Plan())
    assert_frame_equal(nothing.people, population.children)
    assert_frame_equal(nothing.padron(), population.children)
    assert nothing.lists == {}


def test_headers_are_the_sources(linked):
    assert set(linked.lists) == set(SOURCES)
    for source_id, rows in linked.lists.items():
        source = SOURCES[source_id]
        assert rows.columns == outside_lists.headers(source)
        assert set(rows.columns) == set(source.columns) | set(source.document or ())
        assert all(dtype == pl.String for dtype in rows.dtypes)
        dates = [h for h in rows.columns if h.startswith("FE_")]
        assert rows.select(pl.col(dates).str.contains(r"^\d{2}/\d{2}/\d{4}$").all()).row(0) == (
            (True,) * len(dates)
        )


def test_every_error_kind_occurs(linked):
    counts = linked.counts
    for kind in record_errors.DUPLICATE_SHARES:
        assert counts[f"duplicate_error_{kind}"] > 0, kind
    for kind in {*outside_lists.CHILD_KINDS, "other_center", *record_errors.CNV_SHARES}:
        assert counts[f"list_error_{kind}"] > 0, kind


@pytest.mark.parametrize(
    ("kind", "changed"),
    [
        ("typo", ["paternal_surname", "maternal_surname", "given_names"]),
        ("surnames_swapped", ["paternal_surname"]),
        ("second_surname_missing", ["maternal_surname"]),
        ("first_given_only", ["given_names"]),
        ("day_month_swapped", ["birth_date"]),
        ("mother_document_missing", ["mother_document_number"]),
        ("other_center", ["populated_center_code"]),
    ],
)
def test_a_duplicate_shows_its_errors(linked, kind, changed):
    """A duplicate naming an error differs from its original where that error writes; one
    naming none has the original's names, birth date, mother and place."""
    both = duplicates_with_originals(linked)
    differs = pl.any_horizontal(pl.col(c).ne_missing(pl.col(f"{c}_original")) for c in changed)
    with_kind = both.filter(pl.col("errors").str.contains(rf"(^|,){kind}(,|$)"))
    assert with_kind.height > 0
    assert with_kind.select(differs.all()).item(), kind
    clean = both.filter(pl.col("errors") == "")
    assert clean.height > 0
    assert not clean.select(differs.any()).item(), kind


def test_spelling_variants_and_accents(linked):
    both = duplicates_with_originals(linked)
    variants = both.filter(pl.col("errors").str.contains("spelling_variant"))
    pairs = set(variants.select("paternal_surname_original", "paternal_surname").rows())
    pairs |= set(variants.select("maternal_surname_original", "maternal_surname").rows())
    known = {(n, v) for n, vs in record_errors.SPELLING_VARIANTS.items() for v in vs}
    assert pairs & known
    plain = both.filter(pl.col("errors").str.contains("accents_dropped"))
    names = pl.concat_str(record_errors.CHILD_NAMES, separator=" ", ignore_nulls=True)
    assert not plain.select(names.str.contains("[ÁÉÍÓÚ]").any()).item()


def test_every_record_has_one_truth_row(linked):
    truth = linked.truth
    assert truth.schema == pl.Schema(linkage.TRUTH_SCHEMA)
    assert not truth.select("source", "key").is_duplicated().any()
    padron = truth.filter(pl.col("source") == "padron")
    assert sorted(padron["key"]) == sorted(linked.padron()["padron_code"])
    for source_id, rows in linked.lists.items():
        keys = truth.filter(pl.col("source") == source_id)["key"]
        assert sorted(keys) == sorted(rows[SOURCES[source_id].key]), source_id
    assert truth["person"].is_in(linked.people["child"].implode()).all()


def test_duplicates_point_at_a_child_of_the_padron_and_carry_no_document(linked):
    both = duplicates_with_originals(linked)
    assert both.height == linked.counts["duplicates"] > 0.19 * linked.registry.height
    assert both.select(pl.col("dni", "cui", "cnv").is_null().all()).row(0) == (True,) * 3
    assert (both["data_source"] == "EESS").all()


def test_twins_are_other_children_of_the_same_birth(population, linked):
    people = linked.people
    twins = people.filter(~pl.col("child").is_in(population.children["child"].implode()))
    assert twins.height == linked.counts["twins"] == round(0.02 * population.children.height)
    assert twins["child"].min() >= population.children.height
    same_birth = twins.join(
        population.children,
        on=["mother", "birth_date", "paternal_surname", "maternal_surname", "address"],
        suffix="_sibling",
    )
    assert same_birth.height == twins.height
    assert (same_birth["given_names"] != same_birth["given_names_sibling"]).all()
    assert 0.4 < (same_birth["sex"] == same_birth["sex_sibling"]).mean() < 0.95


def test_identifiers_stay_unique(linked):
    """Twins' and duplicates' identifiers never meet the population's (nor each other's)."""
    padron = linked.padron()
    for name in IDENTIFIERS:
        for frame in (padron, linked.people):
            present = frame[name].drop_nulls()
            assert present.n_unique() == present.len(), name


def test_extra_numbers_stay_above_the_population(population):
    children = population.children
    numbers = linkage.extra_numbers(children, 50, children.height)
    assert numbers.max() == CAPACITY - 1
    assert numbers.min() >= children.height
    with pytest.raises(ValueError, match="lower --factor"):
        linkage.extra_numbers(children, 50, CAPACITY - 10)
    with pytest.raises(ValueError, match="add up"):
        linkage.Plan(duplicates=0.8, twins=0.3)


def test_some_listed_children_are_outside_the_padron(linked):
    in_padron = linked.truth.filter(pl.col("source") == "padron")["person"].implode()
    listed = linked.truth.filter(pl.col("source") != "padron")
    outside = listed.with_columns(~pl.col("person").is_in(in_padron).alias("outside"))
    by_source = dict(outside.group_by("source").agg(pl.col("outside").sum()).iter_rows())
    assert all(by_source[source_id] > 0 for source_id in SOURCES)
    # OUTSIDE_PADRON = 2 % of listed children; ~27,000 list rows.
    assert 0.015 < outside["outside"].mean() < 0.025


def test_the_padron_misses_facts_the_lists_give(linked):
    """~30 % of listed children lose the fact in the padrón; the truth (people) keeps it."""
    true = linked.people.select("child", "insurance", "programs")
    seen = linked.registry.select("child", "insurance", "programs").join(
        true, on="child", suffix="_true"
    )
    sis = seen.filter(pl.col("insurance_true") == "1")
    assert 0.25 < (sis["insurance"] == "").mean() < 0.35
    juntos = seen.filter(pl.col("programs_true").str.contains("4"))
    assert 0.2 < (~juntos["programs"].str.contains("4")).mean() < 0.4
    assert linked.counts["hidden_sis"] > 0
    assert linked.counts["hidden_cuna_mas"] > 0


def test_lists_follow_the_facts(linked):
    people = linked.people
    assert linked.lists["cnv"].height == people["has_cnv"].sum()
    assert linked.lists["sis"].height == (people["insurance"] == "1").sum()
    juntos = linked.lists["juntos"]
    # One household per mother: children of one mother share CO_HOGAR.
    assert juntos["CO_HOGAR"].n_unique() < juntos.height
    assert set(linked.lists["cuna_mas"]["SERVICIO"]) <= {"SCD", "SAF"}
    assert set(linked.lists["sis"]["TIPO_DOC"]) <= {"DNI", "CNV", ""}
    assert (linked.lists["cnv"]["NU_CNV"] != "").all()


# --- through the real importer ---------------------------------------------------------------


@pytest.fixture
def loaded_centers(db):
    return [
        PopulatedCenter.objects.create(
            code=row["code"], district_id=row["ubigeo"], name=row["name"], area=row["area"]
        )
        for row in centers().iter_rows(named=True)
    ]


@pytest.mark.django_db
def test_duplicates_and_twins_are_stored_by_the_importer(loaded_centers, tmp_path):
    material = link(generate(seed=3, scale=0.25), linkage.Plan(0.1, 0.02, True))
    path = tmp_path / "padron.csv"
    text = export.with_headers(export.padron_rows(material.padron()))
    text.write_csv(path, separator=";")
    run = import_padron(path, today=AS_OF)
    counts = material.counts
    # Twins left out of the padrón (as some listed children are) are not appended.
    assert counts["duplicates"] < material.appended.height <= counts["duplicates"] + counts["twins"]
    assert run.quarantined == 0, [r.reasons for r in run.quarantined_rows.all()][:5]
    assert run.rows_read == run.created == material.padron().height
    assert run.adds_up
    stored = set(Child.objects.values_list("padron_code", flat=True))
    assert set(material.appended["padron_code"]) <= stored


@pytest.fixture
def huamanguilla_centers(db):
    return [
        PopulatedCenter.objects.create(
            code=f"050403000{i}", district_id="050403", name=name, area=area
        )
        for i, (name, area) in enumerate([("HUAMANGUILLA", "U"), ("MACACHACRA", "R")], 1)
    ]


def call_generate(*args: str) -> None:
    call_command("generate", "--as-of", AS_OF.isoformat(), *args, stdout=StringIO())


@pytest.mark.django_db
def test_generate_writes_lists_and_truth_and_keeps_fault_lines(huamanguilla_centers, tmp_path):
    call_generate(
        "--scope", "050403", "--factor", "2", "--faults", "0.05", "--duplicates", "0.05",
        "--twins", "0.01", "--outside-lists", "--out", str(tmp_path),
    )  # fmt: skip
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    made = manifest["linkage"]
    assert (made["duplicates"], made["twins"], made["outside_lists"]) == (0.05, 0.01, True)
    files = ["cnv.csv", "sis.csv", "juntos.csv", "cuna_mas.csv", "linkage_truth.parquet"]
    assert made["files"] == files
    for source_id in SOURCES:
        rows = pl.read_csv(tmp_path / f"{source_id}.csv", separator=";", infer_schema=False)
        assert rows.columns == outside_lists.headers(SOURCES[source_id])
        assert rows.height == made["counts"].get(f"{source_id}_rows", 0)
    truth = pl.read_parquet(tmp_path / "linkage_truth.parquet")
    assert truth.filter(pl.col("source") == "padron").height == made["counts"]["padron_rows"]
    # The fault lines of the manifest are still the importer's: linkage rows come last.
    faults = manifest["faults"]
    run = import_padron(tmp_path / "padron.csv", today=AS_OF)
    got = {r.line: [x.split(SEPARATOR) for x in r.reasons] for r in run.quarantined_rows.all()}
    assert got == {entry["line"]: entry["reasons"] for entry in faults["lines"]}
    copies = faults["by_fault"].get("duplicate", 0)
    assert run.rows_read == faults["rows"] == made["counts"]["padron_rows"] + copies
    assert run.adds_up


@pytest.mark.django_db
def test_into_db_stores_duplicates_and_twins(huamanguilla_centers, tmp_path):
    call_generate(
        "--scope", "050403", "--duplicates", "0.05", "--twins", "0.01", "--into-db",
        "--out", str(tmp_path),
    )  # fmt: skip
    manifest = json.loads((tmp_path / "manifest.json").read_text(encoding="utf-8"))
    counts = manifest["linkage"]["counts"]
    assert Child.objects.filter(district_id="050403").count() == counts["padron_rows"]
    assert counts["duplicates"] > 0
    assert counts["twins"] > 0
    assert (
        Child.objects.filter(dni__isnull=True, cui__isnull=True, cnv__isnull=True).count()
        >= (counts["duplicates"])
    )
