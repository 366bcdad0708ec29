"""The checks of event rows against the registry and against each other, on frames. Pure: the
children, the stored events and the scope come in as frames or sets read by the importer."""

from __future__ import annotations

import polars as pl

from crecer.health.columns import IDENTIFIERS
from crecer.ingest.checks import add_reasons, reason_where

CHILD_SCHEMA = {
    "id": pl.Int64,
    "dni": pl.String,
    "cui": pl.String,
    "cnv": pl.String,
    "padron_code": pl.String,
    "birth_date": pl.Date,
    "district_id": pl.String,
    "populated_center_id": pl.String,
}


def identifier_lookup(children: pl.DataFrame) -> pl.DataFrame:
    """(kind, value, id) for every identifier of ``children``. A DNI and a CUI are the same
    8-digit number (the CUI is printed on a minor's DNI), so each is findable as the other."""
    parts = [
        children.select(pl.lit(kind).alias("kind"), pl.col(held).alias("value"), "id")
        for kind, held in [
            *((name, name) for name in IDENTIFIERS),
            ("dni", "cui"),
            ("cui", "dni"),
        ]
    ]
    return pl.concat(parts).drop_nulls("value").unique()


def with_children(frame: pl.DataFrame, children: pl.DataFrame) -> pl.DataFrame:
    """Add ``__child__`` (the one child the row's identifiers point at), the child's
    ``__birth__``, ``__district__`` and ``__center__``, and ``__match__``: no such child, or
    identifiers of different children."""
    lookup = identifier_lookup(children)
    given = frame.select("__index__", *(pl.col(n) for n in IDENTIFIERS)).unpivot(
        index="__index__", variable_name="kind", value_name="value"
    )
    found = (
        given.drop_nulls("value")
        .join(lookup, on=["kind", "value"], how="inner")
        .group_by("__index__")
        .agg(pl.col("id").unique().sort().alias("__ids__"))
    )
    frame = frame.join(found, on="__index__", how="left").sort("__index__")
    frame = frame.with_columns(
        pl.when(pl.col("__ids__").list.len() == 1)
        .then(pl.col("__ids__").list.first())
        .alias("__child__")
    )
    details = children.select(
        pl.col("id").alias("__child__"),
        pl.col("birth_date").alias("__birth__"),
        pl.col("district_id").alias("__district__"),
        pl.col("populated_center_id").alias("__center__"),
    )
    frame = frame.join(details, on="__child__", how="left").sort("__index__")
    first_id = first_identifier()
    ids = pl.col("__ids__").list.eval(pl.lit("#") + pl.element().cast(pl.String)).list.join(", ")
    return frame.with_columns(
        pl.coalesce(
            reason_where(
                pl.col("__ids__").is_null(),
                "event_unknown_child",
                first_id,
                pl.coalesce(*(pl.col(n) for n in IDENTIFIERS)),
            ),
            reason_where(pl.col("__ids__").list.len() > 1, "conflict_children", ids),
        ).alias("__match__")
    )


def first_identifier() -> pl.Expr:
    """The name of the first identifier a row gives (DNI, CUI, CNV, PADRON_CODE)."""
    return pl.coalesce(
        *(pl.when(pl.col(n).is_not_null()).then(pl.lit(n.upper())) for n in IDENTIFIERS)
    )


def child_reasons(frame: pl.DataFrame, in_scope: set[int] | None) -> pl.DataFrame:
    """``__reasons__`` extended with the match, the scope and the birth date's reasons."""
    # Checked before the birth date, which would tell an outsider something of the child.
    outside = pl.lit(False)
    if in_scope is not None:
        outside = pl.col("__child__").is_not_null() & ~pl.col("__child__").is_in(list(in_scope))
    before = (~outside) & (pl.col("date") < pl.col("__birth__"))
    checks = [
        pl.col("__match__"),
        reason_where(
            outside,
            "event_child_outside_scope",
            first_identifier(),
            pl.coalesce(*(pl.col(n) for n in IDENTIFIERS)),
        ),
        reason_where(before, "event_before_birth", pl.col("date"), pl.col("__birth__")),
    ]
    return add_reasons(frame, checks)


ROW_KEY = ["__child__", "date", "code", "lab", "weight_kg", "length_cm", "head_cm", "hb"]


def mark_duplicates(frame: pl.DataFrame, seen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantine a row that repeats an earlier row of the file (same child, date, code and
    values; ``seen`` holds the keys of earlier chunks). Returns the frame and ``seen`` grown."""
    frame = frame.with_columns(pl.struct(ROW_KEY).hash(seed=8).alias("__key__"))
    frame = frame.join(seen, on="__key__", how="left").sort("__index__")
    first = pl.coalesce(pl.col("__first__"), pl.col("__line__").min().over("__key__"))
    # Rows matching no child share a null child: they are not repeats of one another.
    repeated = pl.col("__child__").is_not_null() & (pl.col("__line__") != first)
    frame = add_reasons(frame, [reason_where(repeated, "event_duplicate", first)])
    firsts = (
        frame.filter(pl.col("__child__").is_not_null())
        .group_by("__key__")
        .agg(pl.col("__line__").min().alias("__first__"))
    )
    seen = pl.concat([seen, firsts]).unique("__key__", keep="first")
    return frame.drop("__first__"), seen


EMPTY_SEEN = pl.DataFrame(schema={"__key__": pl.UInt64, "__first__": pl.Int64})
