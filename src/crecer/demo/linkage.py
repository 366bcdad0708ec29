"""Test material for record linkage (issue 10): registry duplicates, real twins and the outside
lists, with the truth of who is who. Pure: one chunk of generated children (a department) and a
random generator in, frames out; no Django, no I/O.

- **Registry duplicates** (``Plan.duplicates`` × children): a second padrón row for a child
  already in the padrón, as when a facility registers a child again. It carries no DNI, CUI or
  CNV (so the importer stores it as a new child, as happens), a fresh unique registry code,
  ``EESS`` as data source, and the errors of :mod:`crecer.demo.record_errors`
  (``DUPLICATE_SHARES``, several may combine).
- **Real twins** (``Plan.twins`` × children, hard negatives): a sibling born the same day to
  the same mother — same surnames, mother, address, household and programs; other given names;
  the same sex in 2/3 of pairs (a third of twins are identical, half of the others share their
  sex); the sibling's birth weight ± 150 g; its own identifiers, with the sibling's CNV,
  registration and DNI status. Twins are people of their own: they are in ``people`` (the
  truth, ``children.parquet``) and on the lists their facts put them on.
- **Outside lists** (``Plan.outside_lists``): :mod:`crecer.demo.outside_lists`. So that linking
  has something to find, 2 % of the children on some list are left out of the padrón
  (``OUTSIDE_PADRON``; the right answer for their list rows is "no link"), and of the children
  on the SIS, JUNTOS and Cuna Más lists 30 % (``HIDDEN``, drawn per list) lose in the padrón the
  fact the list gives: SIS insurance (blank, with its affiliation date) or program 4, 7 or 8.

These shares are assumptions, not measured rates.

**Truth** (:data:`TRUTH_SCHEMA`): one row per padrón row and per list row — ``source``
(``padron`` or a :data:`crecer.linkage.sources.SOURCES` id), ``key`` (the registry code for the
padrón, else the source's key column: NU_CNV, CO_AFILIACION, CO_MIEMBRO, CO_USUARIO),
``person`` (the child's running number: the original's for a duplicate) and ``errors`` (the
record-error kinds the row carries, comma-separated; empty when none).

Running numbers of twins and duplicates (which give their identifiers) are counted down from
the top of the identifier space (``identifiers.CAPACITY``), chunk by chunk from the chunk's
first running number, so they never meet the population's, counted up from 0.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import polars as pl

from crecer.demo import names, outside_lists, record_errors
from crecer.demo.identifiers import CAPACITY, scrambled
from crecer.linkage.sources import SOURCES

OUTSIDE_PADRON = 0.02
HIDDEN = 0.30
SAME_SEX_TWINS = 2 / 3
TWIN_WEIGHT_SD_G = 150
TRUTH_SCHEMA = {"source": pl.String, "key": pl.String, "person": pl.Int64, "errors": pl.String}
# The fact each list gives, as program codes (SIS is the insurance, handled apart).
LIST_PROGRAMS = {"juntos": ["4"], "cuna_mas": ["7", "8"]}


@dataclass(frozen=True)
class Plan:
    """What to add: rates are shares of the chunk's children."""

    duplicates: float = 0.0
    twins: float = 0.0
    outside_lists: bool = False

    def __post_init__(self) -> None:
        rates = (self.duplicates, self.twins)
        if min(rates) < 0 or sum(rates) > 1:
            raise ValueError("duplicate and twin rates must be >= 0 and add up to 1 at most")

    @property
    def active(self) -> bool:
        return bool(self.duplicates or self.twins or self.outside_lists)


@dataclass(frozen=True)
class Linked:
    """One chunk's linkage material."""

    people: pl.DataFrame  # children and twins, true facts (the children frame's columns)
    registry: pl.DataFrame  # the padrón rows of the chunk's children, in order
    appended: pl.DataFrame  # twins' and duplicates' padrón rows, for the end of the file
    lists: dict[str, pl.DataFrame]  # source id -> text rows under the source's headers
    truth: pl.DataFrame  # TRUTH_SCHEMA
    counts: Counter[str] = field(default_factory=Counter)

    def padron(self) -> pl.DataFrame:
        """Every padrón row of the chunk: its children's, then the twins and duplicates."""
        return pl.concat([self.registry, self.appended])


def link(
    children: pl.DataFrame,
    plan: Plan,
    *,
    rng: np.random.Generator,
    context: record_errors.Context,
    used: int,
) -> Linked:
    """The linkage material of one chunk of ``children`` (as the generator gives them, running
    numbers consecutive). ``used``: running numbers below it belong to the population (of
    every chunk); the extra people's numbers must stay above it."""
    n_twins = round(plan.twins * children.height)
    n_duplicates = round(plan.duplicates * children.height)
    numbers = extra_numbers(children, n_twins + n_duplicates, used)
    twin_rows = twins(children, numbers[:n_twins], rng)
    people = pl.concat([children, twin_rows])
    registry, lists, list_truth, counts = people, {}, [], Counter()
    if plan.outside_lists:
        on = outside_lists.members(people)
        for source_id in SOURCES:
            lists[source_id], truth = outside_lists.build(
                people, source_id, rng=rng, context=context
            )
            list_truth.append(truth)
        registry, counts = _registry_view(people, on, rng)
    is_twin = registry["child"].is_in(pl.Series(numbers[:n_twins]).implode())
    originals, twins_kept = registry.filter(~is_twin), registry.filter(is_twin)
    copies, copied = duplicates(registry, numbers[n_twins:], rng, context)
    appended = pl.concat([twins_kept, copies.drop("errors")])
    own = pl.concat([originals, twins_kept])
    truth = pl.concat(
        [
            _padron_truth(own["padron_code"], own["child"], None),
            _padron_truth(copies["padron_code"], copied, copies["errors"]),
            *list_truth,
        ]
    )
    counts += _counts(copies, lists, truth, n_twins)
    counts["left_out_of_padron"] += people.height - registry.height
    return Linked(people, originals, appended, lists, truth, counts)


def extra_numbers(children: pl.DataFrame, count: int, used: int) -> np.ndarray:
    """``count`` running numbers for the chunk's extra people, from the top of the space."""
    if count == 0:
        return np.array([], dtype=np.int64)
    first = int(children["child"].min())  # type: ignore[arg-type]
    numbers = CAPACITY - 1 - (first + np.arange(count, dtype=np.int64))
    if int(numbers.min()) < used:
        raise ValueError("too many children for twins and duplicates: lower --factor")
    return numbers


def twins(children: pl.DataFrame, numbers: np.ndarray, rng: np.random.Generator) -> pl.DataFrame:
    """A twin for ``len(numbers)`` children drawn at random, numbered ``numbers``."""
    k = len(numbers)
    base = children[np.sort(rng.choice(children.height, size=k, replace=False))]
    sibling_sex = base["sex"].to_numpy()
    sex = np.where(
        rng.random(k) < SAME_SEX_TWINS, sibling_sex, np.where(sibling_sex == "1", "2", "1")
    )
    weight = base["birth_weight_g"].to_numpy() + rng.normal(0, TWIN_WEIGHT_SD_G, k)
    dni = scrambled("child_dni", numbers)
    return base.with_columns(
        pl.Series("child", numbers, dtype=pl.Int64),
        pl.Series("sex", sex, dtype=pl.String),
        pl.Series(
            "given_names",
            _other_names(rng, base["given_names"].to_numpy(), sex == "2"),
            dtype=pl.String,
        ),
        pl.Series("birth_weight_g", np.clip(np.rint(weight / 10) * 10, 900, 5200).astype(np.int64)),
        pl.Series("padron_code", scrambled("padron_code", numbers)),
        pl.when("has_cnv").then(pl.Series(scrambled("cnv", numbers))).alias("cnv"),
        pl.when("registered").then(pl.Series(dni)).alias("cui"),
        pl.when("dni_issued").then(pl.Series(dni)).alias("dni"),
    )


def _other_names(rng: np.random.Generator, sibling: np.ndarray, female: np.ndarray) -> np.ndarray:
    """Given names other than the sibling's (two draws; both equal to the sibling's, rare,
    are written together)."""
    first, second = names.given_names(rng, female), names.given_names(rng, female)
    return np.where(
        first != sibling, first, np.where(second != sibling, second, first + " " + second)
    )


def duplicates(
    registry: pl.DataFrame,
    numbers: np.ndarray,
    rng: np.random.Generator,
    context: record_errors.Context,
) -> tuple[pl.DataFrame, pl.Series]:
    """Second padrón rows of ``len(numbers)`` children of ``registry`` drawn at random (with
    ``errors``), and the running number of the child each one repeats."""
    k = min(len(numbers), registry.height)
    rows = registry[np.sort(rng.choice(registry.height, size=k, replace=False))]
    original = rows["child"].alias("person")
    none = pl.lit(None, dtype=pl.String)
    rows = rows.with_columns(
        pl.Series("child", numbers[:k], dtype=pl.Int64),
        pl.Series("padron_code", scrambled("padron_code", numbers[:k]), dtype=pl.String),
        none.alias("dni"), none.alias("cui"), none.alias("cnv"),
        pl.lit("").alias("dni_status"),
        pl.lit(None, dtype=pl.Date).alias("dni_status_date"),
        pl.lit(None, dtype=pl.Date).alias("dni_issue_date"),
        pl.lit("EESS").alias("data_source"),
    )  # fmt: skip
    shares = record_errors.DUPLICATE_SHARES
    return record_errors.spoil(rows, shares, rng=rng, context=context), original


def _registry_view(
    people: pl.DataFrame, on: dict[str, np.ndarray], rng: np.random.Generator
) -> tuple[pl.DataFrame, Counter[str]]:
    """The padrón's view of ``people``: some listed children left out, some facts hidden."""
    n = people.height
    listed = np.logical_or.reduce(list(on.values()))
    outside = listed & (rng.random(n) < OUTSIDE_PADRON)
    hide = {
        source_id: on[source_id] & (rng.random(n) < HIDDEN) for source_id in ("sis", *LIST_PROGRAMS)
    }
    sis = pl.Series(hide["sis"])
    frame = people.with_columns(
        pl.when(sis).then(pl.lit("")).otherwise(pl.col("insurance")).alias("insurance"),
        pl.when(sis)
        .then(None)
        .otherwise(pl.col("sis_affiliation_date"))
        .alias("sis_affiliation_date"),
    )
    for source_id, codes in LIST_PROGRAMS.items():
        kept = (
            pl.col("programs")
            .str.split(",")
            .list.eval(pl.element().filter(~pl.element().is_in(codes)))
        )
        frame = frame.with_columns(
            pl.when(pl.Series(hide[source_id]))
            .then(kept.list.join(","))
            .otherwise(pl.col("programs"))
            .alias("programs")
        )
    counts = Counter(
        {f"hidden_{source_id}": int((mask & ~outside).sum()) for source_id, mask in hide.items()}
    )
    return frame.filter(pl.Series(~outside)), counts


def _padron_truth(keys: pl.Series, person: pl.Series, errors: pl.Series | None) -> pl.DataFrame:
    """Truth rows of padrón rows (registry codes ``keys``); no errors when ``errors`` is None."""
    frame = pl.DataFrame({"key": keys, "person": person})
    return frame.select(
        pl.lit("padron").alias("source"),
        "key",
        "person",
        (pl.lit(errors) if errors is not None else pl.lit("")).alias("errors"),
    ).cast(TRUTH_SCHEMA)


def _counts(
    copies: pl.DataFrame, lists: dict[str, pl.DataFrame], truth: pl.DataFrame, twins: int
) -> Counter[str]:
    """What was made, and how often each error kind fell, for the manifest."""
    counts: Counter[str] = Counter({"duplicates": copies.height, "twins": twins})
    counts["padron_rows"] = int((truth["source"] == "padron").sum())
    counts.update({f"{source_id}_rows": rows.height for source_id, rows in lists.items()})
    is_list = pl.when(pl.col("source") == "padron").then(pl.lit("duplicate_error_"))
    kinds = (
        truth.select(
            is_list.otherwise(pl.lit("list_error_")).alias("prefix"),
            pl.col("errors").str.split(",").alias("kind"),
        )
        .explode("kind")
        .filter(pl.col("kind") != "")
        .group_by("prefix", "kind")
        .len()
    )
    counts.update({prefix + kind: int(n) for prefix, kind, n in kinds.iter_rows()})
    return counts
