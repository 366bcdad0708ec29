"""Work lists: which problems a child's status row shows, and in which order a team acts on them.

Pure Polars and numpy: a frame of status rows in (the columns of
:class:`crecer.analytics.models.ChildStatus` named in :data:`INPUT_COLUMNS`, plus
``not_found``, true when the field visit did not find the child), the same rows out with one
boolean column per problem, the child's problems in priority order and its sort keys. The as-of
date is a parameter; no database, no clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import numpy as np
import polars as pl

from crecer.anemia import Severity, classify, completed_months
from crecer.norms import AnemiaNorms

# Problems from the most to the least urgent. A child is listed under its most urgent problem;
# the order is what a CPVC meeting should deal with first:
PROBLEMS: tuple[str, ...] = (
    # Hb < 7.0 g/dL (adjusted): NTS 213-2024 refers these children to a hospital at once; it is
    # the one finding on the list that can kill within days.
    "severe_anemia",
    # Acute malnutrition (WHZ < -2): a high risk of death from the next infection; it needs
    # treatment now, not at the next check-up.
    "wasted",
    # HAZ < -3: the deepest growth faltering; it calls for a look for disease and a feeding
    # plan, and is still partly recoverable in the first two years.
    "severe_stunting",
    # Mild or moderate anemia: treated with iron within weeks; left alone in the first two
    # years it harms brain development for life.
    "anemia",
    "stunting",  # HAZ from -3 to -2: counselling and closer growth checks
    # Visited but not found: until someone locates the child (or learns it moved), nothing
    # below can be done, and the registry may be wrong.
    "not_found",
    # Missed vaccines leave the child open to diseases that kill (measles, pertussis,
    # pneumonia); iron prevents the anemia above; CRED is the check-up where the others are
    # caught up, so it follows them.
    "vaccines_overdue",
    "iron_overdue",
    "cred_overdue",
    # Paperwork last, DNI before SIS: the DNI opens SIS for good and JUNTOS; neither harms the
    # child this month, but both stand between the family and free care.
    "no_dni",
    "no_sis",
)
RANK = {problem: rank for rank, problem in enumerate(PROBLEMS)}

INPUT_COLUMNS: dict[str, type[pl.DataType] | pl.DataType] = {
    "child_id": pl.Int64,
    "age_days": pl.Int64,
    "age_months": pl.Int64,  # shown, not ranked on
    "haz": pl.Float64,
    "whz": pl.Float64,
    "stunted": pl.Boolean,
    "severely_stunted": pl.Boolean,
    "wasted": pl.Boolean,
    "hb_adjusted": pl.Float64,
    "anemic": pl.Boolean,
    "hb_tested_on": pl.Date,
    "cred_complete_for_age": pl.Boolean,
    "vaccines_complete_for_age": pl.Boolean,
    "iron_complete_for_age": pl.Boolean,
    "has_dni": pl.Boolean,
    "has_sis": pl.Boolean,
    "not_found": pl.Boolean,
}


def severe_anemia(frame: pl.DataFrame, as_of: date, norms: AnemiaNorms | None) -> np.ndarray:
    """Whether each row's latest adjusted Hb is *severe* anemia under the rule in force on the
    test date, at the child's age on that date (the status stores only anemic or not)."""
    severe = np.zeros(frame.height, dtype=bool)
    if norms is None or frame.height == 0:
        return severe
    hb = frame["hb_adjusted"].cast(pl.Float64).fill_null(np.nan).to_numpy()
    tested = frame["hb_tested_on"].to_numpy().astype("datetime64[D]")
    # age_days counts from birth to as_of, so the birth date comes back exactly.
    birth = np.datetime64(as_of, "D") - frame["age_days"].to_numpy().astype("timedelta64[D]")
    months = completed_months(birth, tested).astype(np.float64)
    rules = norms.rules_by_date()
    starts = np.array([rule.valid_from for rule in rules], dtype="datetime64[D]")
    which = np.searchsorted(starts, tested, side="right") - 1
    which[np.isnat(tested)] = -1
    for index, rule in enumerate(rules):
        selected = which == index
        if selected.any():
            codes = classify(hb[selected], months[selected], rule)
            severe[selected] = codes == Severity.SEVERE
    return severe


def flag_problems(frame: pl.DataFrame, as_of: date, norms: AnemiaNorms | None) -> pl.DataFrame:
    """``frame`` with one boolean column per problem of :data:`PROBLEMS`. An unknown value
    (no measurement, no Hb, no schedule) is no problem: the list names only what is known."""

    def true(name: str) -> pl.Expr:
        return pl.col(name).fill_null(False)

    def missing(name: str) -> pl.Expr:  # a "complete"/"has" flag that is known to be false
        return ~pl.col(name).fill_null(True)

    severe = pl.Series("severe_anemia", severe_anemia(frame, as_of, norms))
    return frame.with_columns(severe).with_columns(
        true("wasted").alias("wasted"),
        true("severely_stunted").alias("severe_stunting"),
        (true("anemic") & ~pl.col("severe_anemia")).alias("anemia"),
        (true("stunted") & ~true("severely_stunted")).alias("stunting"),
        true("not_found").alias("not_found"),
        missing("vaccines_complete_for_age").alias("vaccines_overdue"),
        missing("iron_complete_for_age").alias("iron_overdue"),
        missing("cred_complete_for_age").alias("cred_overdue"),
        missing("has_dni").alias("no_dni"),
        missing("has_sis").alias("no_sis"),
    )


def work_list(
    frame: pl.DataFrame,
    as_of: date,
    norms: AnemiaNorms | None,
    kinds: Sequence[str] = (),
) -> pl.DataFrame:
    """The rows of ``frame`` with at least one problem (one of ``kinds``, when given), sorted.

    Adds the problem columns, ``problems`` (the row's problem codes, most urgent first),
    ``priority`` (the rank of the first) and ``problem_count``. Order: most urgent problem, then
    more problems first (a child behind on several fronts needs the visit more), then younger
    first (the first two years are when anemia and stunting do lasting harm and schedules are
    densest), then ``child_id`` so that the order is stable between prints.
    """
    unknown = set(kinds) - set(PROBLEMS)
    if unknown:
        raise ValueError(f"unknown problems {sorted(unknown)}")
    flagged = flag_problems(frame, as_of, norms)
    chosen = list(kinds) or list(PROBLEMS)
    listed = flagged.filter(pl.any_horizontal(pl.col(chosen)))
    problems = pl.concat_list(
        [pl.when(pl.col(p)).then(pl.lit(p)).otherwise(pl.lit(None)) for p in PROBLEMS]
    ).list.drop_nulls()
    return (
        listed.with_columns(problems.alias("problems"))
        .with_columns(
            pl.col("problems")
            .list.first()
            .replace_strict(RANK, return_dtype=pl.Int64)
            .alias("priority"),
            pl.col("problems").list.len().alias("problem_count"),
        )
        .sort(
            ["priority", "problem_count", "age_days", "child_id"],
            descending=[False, True, False, False],
        )
    )
