"""Deduplication of the registry and linkage of an outside list: exact identifier rules first,
the probabilistic model for the rest, and a decision per candidate pair. Pure: frames of
linkage records (:func:`crecer.linkage.records.prepare`) in, decided pairs out.

A pair frame has ``unique_id_l`` (the registry child; for deduplication the lower id),
``unique_id_r`` (the other child, or the outside record's key), ``rule`` (``dni``, ``cnv``,
``mother_birth`` or ``model``), ``match_weight`` (null for identifier rules),
``decision`` (:class:`Decision`) and ``explanation`` (a JSON list of the fields compared).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import polars as pl

from crecer.linkage import records, splink_model
from crecer.norms.model import Linkage


class Decision(StrEnum):
    AUTO = "auto"  # linked without review
    REVIEW = "review"  # a person decides


class Rule(StrEnum):
    DNI = "dni"  # the same DNI or CUI (the CUI becomes the DNI number)
    CNV = "cnv"  # the same birth certificate number
    MOTHER_BIRTH = "mother_birth"  # mother's document + birth date + sex, unique on both sides
    MODEL = "model"  # the probabilistic model


PAIR_SCHEMA = {
    "unique_id_l": pl.String,
    "unique_id_r": pl.String,
    "rule": pl.String,
    "match_weight": pl.Float64,
    "decision": pl.String,
    "explanation": pl.String,
}


@dataclass
class Result:
    pairs: pl.DataFrame  # PAIR_SCHEMA
    model: dict[str, Any] | None  # the trained Splink model (None when nothing was scored)


def dedupe(registry: pl.DataFrame, norms: Linkage, model: dict[str, Any] | None = None) -> Result:
    """Candidate duplicate pairs within the registry's records."""
    exact = exact_pairs(registry, None)
    scored = _score(registry, None, norms, model)
    pairs = _without_exact(scored.pairs, exact) if scored is not None else _empty()
    pairs = _order_pair(pairs)
    pairs = without_refused(pl.concat([exact, pairs]), registry)
    return Result(pairs, scored.model if scored else None)


def without_refused(pairs: pl.DataFrame, registry: pl.DataFrame) -> pl.DataFrame:
    """``pairs`` of registry records without those a merge refuses: both records hold a DNI,
    CUI or CNV and the numbers differ (twins, siblings). Proposing them would fill the review
    queue with pairs whose only possible decision is "not the same child" (issue 18); the
    rule is :func:`crecer.linkage.records.conflicting_identifiers`, which the merge applies
    too (``services.conflict``)."""
    numbers = registry.select("unique_id", *records.IDENTIFIERS)
    with_numbers = pairs.join(
        numbers.rename({name: f"{name}_l" for name in records.IDENTIFIERS}),
        left_on="unique_id_l",
        right_on="unique_id",
        how="left",
    ).join(
        numbers.rename({name: f"{name}_r" for name in records.IDENTIFIERS}),
        left_on="unique_id_r",
        right_on="unique_id",
        how="left",
    )
    return with_numbers.filter(~records.conflicting_identifiers()).select(pairs.columns)


def link(
    registry: pl.DataFrame,
    outside: pl.DataFrame,
    norms: Linkage,
    model: dict[str, Any] | None = None,
) -> Result:
    """For each outside record, its registry child (or a review between its best candidates).

    Outside records linked by an identifier rule are not scored."""
    exact = exact_pairs(registry, outside)
    rest = outside.filter(~pl.col("unique_id").is_in(exact["unique_id_r"].implode()))
    scored = _score(registry, rest, norms, model) if rest.height else None
    pairs = _best_candidates(scored.pairs, norms) if scored is not None else _empty()
    return Result(pl.concat([exact, pairs]), scored.model if scored else None)


# --- identifier rules -------------------------------------------------------------------------


def exact_pairs(left: pl.DataFrame, right: pl.DataFrame | None) -> pl.DataFrame:
    """Pairs that share an identifier, decided AUTO unless birth date or sex disagree (a mistyped
    identifier), which sends them to REVIEW."""
    self_join = right is None
    other = left if right is None else right
    found = [
        _join_on_numbers(left, other, ["dni", "cui"], Rule.DNI),
        _join_on_numbers(left, other, ["cnv"], Rule.CNV),
        _join_mother_birth(left, other, self_join),
    ]
    pairs = pl.concat(found)
    if self_join:
        pairs = pairs.filter(pl.col("unique_id_l") != pl.col("unique_id_r"))
        pairs = _order_pair(pairs)
    # One pair per couple of records: the strongest rule (enum order) names it.
    order = {rule.value: index for index, rule in enumerate(Rule)}
    pairs = (
        pairs.with_columns(pl.col("rule").replace_strict(order, return_dtype=pl.Int8).alias("_o"))
        .sort("unique_id_l", "unique_id_r", "_o")
        .unique(["unique_id_l", "unique_id_r"], keep="first", maintain_order=True)
        .drop("_o")
    )
    facts = ["unique_id", "birth_date", "birth_date_swapped", "sex"]
    checked = pairs.join(left.select(facts), left_on="unique_id_l", right_on="unique_id").join(
        other.select(facts), left_on="unique_id_r", right_on="unique_id", suffix="_r"
    )
    agree = (
        (pl.col("birth_date") == pl.col("birth_date_r"))
        | (pl.col("birth_date_swapped") == pl.col("birth_date_r"))
        | pl.col("birth_date").is_null()
        | pl.col("birth_date_r").is_null()
    ) & ((pl.col("sex") == pl.col("sex_r")) | pl.col("sex").is_null() | pl.col("sex_r").is_null())
    return checked.select(
        "unique_id_l",
        "unique_id_r",
        "rule",
        pl.lit(None, dtype=pl.Float64).alias("match_weight"),
        pl.when(agree).then(pl.lit(Decision.AUTO.value)).otherwise(pl.lit(Decision.REVIEW.value))
        .alias("decision"),
        pl.lit(None, dtype=pl.String).alias("explanation"),
    )  # fmt: skip


def _numbers(frame: pl.DataFrame, columns: list[str]) -> pl.DataFrame:
    return (
        pl.concat([frame.select("unique_id", pl.col(c).alias("number")) for c in columns])
        .drop_nulls()
        .unique()
    )


def _join_on_numbers(
    left: pl.DataFrame, right: pl.DataFrame, columns: list[str], rule: Rule
) -> pl.DataFrame:
    joined = _numbers(left, columns).join(_numbers(right, columns), on="number", suffix="_r")
    return joined.select(
        pl.col("unique_id").alias("unique_id_l"),
        pl.col("unique_id_r"),
        pl.lit(rule.value).alias("rule"),
    ).unique()


def _join_mother_birth(left: pl.DataFrame, right: pl.DataFrame, self_join: bool) -> pl.DataFrame:
    """Same mother's document, birth date and sex, the key held by one record on each side (two
    records in all when deduplicating), and the same given names or none on one side (the CNV
    list has none). Same-sex twins share the rest, often a first name too (MARÍA JOSÉ and MARÍA
    FERNANDA), so a key held more often, or names that differ at all, is left to the model."""
    key = ["mother_document", "birth_date", "sex"]
    holders = 2 if self_join else 1

    def unique_keys(frame: pl.DataFrame) -> pl.DataFrame:
        present = frame.select("unique_id", "given_names", *key).drop_nulls(key)
        return present.filter(pl.len().over(key) == holders)

    joined = unique_keys(left).join(unique_keys(right), on=key, suffix="_r")
    compatible = (
        pl.col("given_names").is_null()
        | pl.col("given_names_r").is_null()
        | (pl.col("given_names") == pl.col("given_names_r"))
    )
    return joined.filter(compatible).select(
        pl.col("unique_id").alias("unique_id_l"),
        pl.col("unique_id_r"),
        pl.lit(Rule.MOTHER_BIRTH.value).alias("rule"),
    )


# --- the model --------------------------------------------------------------------------------


def _score(
    left: pl.DataFrame,
    right: pl.DataFrame | None,
    norms: Linkage,
    model: dict[str, Any] | None,
) -> splink_model.Scored | None:
    if left.height < 2 and right is None:
        return None
    scored = splink_model.score(left, right, threshold_weight=norms.review_weight, model=model)
    labels = level_labels(scored.model)
    automatic = pl.col("match_weight") >= norms.auto_link_weight
    if "gamma_given_names" in scored.pairs.columns:  # absent when a list has no child names
        automatic = automatic & ~possible_twins()
    pairs = scored.pairs.select(
        "unique_id_l",
        "unique_id_r",
        pl.lit(Rule.MODEL.value).alias("rule"),
        "match_weight",
        pl.when(automatic)
        .then(pl.lit(Decision.AUTO.value))
        .otherwise(pl.lit(Decision.REVIEW.value))
        .alias("decision"),
        explanations(scored.pairs, labels).alias("explanation"),
    )
    return splink_model.Scored(pairs=pairs, model=scored.model)


# Levels of the given-names comparison that say "other names" (gamma: else 0, somewhat similar 1).
OTHER_NAMES = [0, 1]


def possible_twins() -> pl.Expr:
    """Same mother and birth date, given names that are not the same nor a typo of each other:
    twins look like this, and so does a duplicate registered under another name. The model
    cannot tell them apart (twins agree on everything else), so a person does."""
    same_mother = (pl.col("mother_document_l") == pl.col("mother_document_r")) | (
        pl.col("mother_name_l") == pl.col("mother_name_r")
    )
    other_names = pl.col("gamma_given_names").is_in(OTHER_NAMES)
    same_day = pl.col("birth_date_l") == pl.col("birth_date_r")
    return (same_mother & other_names & same_day).fill_null(False)


def level_labels(trained: dict[str, Any]) -> dict[str, dict[int, str]]:
    """Each comparison's level label by its gamma value (Splink numbers the non-null levels
    from the last, 0, up; the null level is -1)."""
    labels: dict[str, dict[int, str]] = {}
    for comparison in trained["comparisons"]:
        levels = comparison["comparison_levels"]
        counted = [lv for lv in levels if not lv.get("is_null_level")]
        by_gamma = {-1: "missing"}
        for index, level in enumerate(counted):
            by_gamma[len(counted) - 1 - index] = level.get("label_for_charts") or "other"
        labels[comparison["output_column_name"]] = by_gamma
    return labels


def explanations(pairs: pl.DataFrame, labels: dict[str, dict[int, str]]) -> pl.Expr:
    """Per pair, a JSON list: each field's level and its match weight (with the term-frequency
    adjustment), and both values — what the review page shows."""
    fields = []
    for name, columns in splink_model.FIELDS.items():
        if name not in labels or f"gamma_{name}" not in pairs.columns:
            continue  # Splink leaves out a comparison whose columns are all empty (CNV: names)
        weight = pl.col(f"mw_{name}")
        if f"mw_tf_adj_{name}" in pairs.columns:
            weight = weight + pl.col(f"mw_tf_adj_{name}").fill_null(0)
        shown = [c for c in columns if f"{c}_l" in pairs.columns][:2]
        fields.append(
            pl.struct(
                pl.lit(name).alias("field"),
                pl.col(f"gamma_{name}")
                .replace_strict(labels[name], default="other", return_dtype=pl.String)
                .alias("level"),
                weight.round(2).alias("weight"),
                pl.concat_str(
                    [pl.col(f"{c}_l").cast(pl.String) for c in shown],
                    separator=" · ",
                    ignore_nulls=True,
                ).alias("left"),
                pl.concat_str(
                    [pl.col(f"{c}_r").cast(pl.String) for c in shown],
                    separator=" · ",
                    ignore_nulls=True,
                ).alias("right"),
            )
        )
    items = pl.concat_list(fields).list.eval(pl.element().struct.json_encode()).list.join(",")
    return pl.concat_str(pl.lit("["), items, pl.lit("]"))


def _best_candidates(pairs: pl.DataFrame, norms: Linkage) -> pl.DataFrame:
    """Keep each outside record's best registry candidate; when the second best is within the
    ambiguity margin, both go to review."""
    ranked = pairs.sort("unique_id_r", "match_weight", descending=[False, True]).with_columns(
        pl.int_range(pl.len()).over("unique_id_r").alias("_rank"),
        (pl.col("match_weight").first() - pl.col("match_weight").slice(1, 1).first())
        .over("unique_id_r")
        .alias("_gap"),
    )
    ambiguous = pl.col("_gap").is_not_null() & (pl.col("_gap") < norms.ambiguity_margin)
    kept = ranked.filter((pl.col("_rank") == 0) | (ambiguous & (pl.col("_rank") == 1)))
    decided = kept.with_columns(
        pl.when(ambiguous).then(pl.lit(Decision.REVIEW.value)).otherwise(pl.col("decision"))
        .alias("decision")
    )  # fmt: skip
    return decided.select(list(PAIR_SCHEMA))


def _without_exact(pairs: pl.DataFrame, exact: pl.DataFrame) -> pl.DataFrame:
    ordered = _order_pair(pairs)
    return ordered.join(
        exact.select("unique_id_l", "unique_id_r"), on=["unique_id_l", "unique_id_r"], how="anti"
    )


def _order_pair(pairs: pl.DataFrame) -> pl.DataFrame:
    """Deduplication pairs with the lower id on the left (ids compared as numbers when they
    are numbers, the registry's ids)."""
    left_first = _id_order(pl.col("unique_id_l")) <= _id_order(pl.col("unique_id_r"))
    return pairs.with_columns(
        pl.when(left_first).then("unique_id_l").otherwise("unique_id_r").alias("unique_id_l"),
        pl.when(left_first).then("unique_id_r").otherwise("unique_id_l").alias("unique_id_r"),
    )


def _id_order(column: pl.Expr) -> pl.Expr:
    return column.str.zfill(20)


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PAIR_SCHEMA)


def explanation_items(text: str | None) -> list[dict[str, Any]]:
    return json.loads(text) if text else []
