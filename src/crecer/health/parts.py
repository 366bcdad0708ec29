"""The events a row records — a coded service, a growth check, an Hb test — as frames, compared
with what is stored and with the other rows of the file. Pure.

A HIS row is one attention: its code gives a service, and its weight/length and Hb (which HIS
repeats on every row of the attention) give the day's growth check and Hb test. So a growth check
or Hb test may come from several rows: the first row owns it, the others agree or are
quarantined."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from crecer.ingest.checks import reason_where
from crecer.norms import HbTestCodes

KEYS = {
    "service": ["__child__", "date", "code"],
    "growth": ["__child__", "date"],
    "hb": ["__child__", "date"],
}
# Values compared with the stored event and between rows (None in the file: not compared).
VALUES = {
    "service": ["lab"],
    "growth": ["weight_kg", "length_cm", "measure", "head_cm"],
    "hb": ["hb_observed", "altitude_given"],
}
COMMON = ["__index__", "__line__", "__child__", "date", "facility"]


@dataclass
class Parts:
    service: pl.DataFrame
    growth: pl.DataFrame
    hb: pl.DataFrame

    def items(self) -> list[tuple[str, pl.DataFrame]]:
        return [("service", self.service), ("growth", self.growth), ("hb", self.hb)]

    def without(self, rows: pl.Series) -> Parts:
        keep = ~pl.col("__index__").is_in(rows.implode())
        return Parts(*(frame.filter(keep) for _kind, frame in self.items()))


def parts_of(rows: pl.DataFrame, hb_test: HbTestCodes) -> Parts:
    """The events of valid rows. An Hb value on a row whose code is not an Hb test also records
    the test's service (``hb_test.recorded_as``, 85018 in Peru), as HIS does; the value itself
    lives in the Hb test."""
    explicit = rows.filter(pl.col("code").is_not_null()).select(
        *COMMON, "code", pl.col("lab").replace("", None), pl.lit(True).alias("__explicit__")
    )
    derived = rows.filter(
        pl.col("hb").is_not_null()
        & (pl.col("code").is_null() | ~pl.col("code").is_in(hb_test.codes))
    ).select(
        *COMMON,
        pl.lit(hb_test.recorded_as).alias("code"),
        pl.lit(None, dtype=pl.String).alias("lab"),
        pl.lit(False).alias("__explicit__"),
    )
    growth = rows.filter(
        pl.any_horizontal(pl.col("weight_kg", "length_cm", "head_cm").is_not_null())
    ).select(*COMMON, "weight_kg", "length_cm", "measure", "head_cm", "oedema")
    hb = rows.filter(pl.col("hb").is_not_null()).select(
        *COMMON,
        pl.col("hb").alias("hb_observed"),
        pl.col("altitude_m").alias("altitude_given"),
        "__district__",
        "__center__",
    )
    return Parts(pl.concat([explicit, derived]), growth, hb)


def _differs(kind: str, left: str, right: str) -> pl.Expr:
    """The first value (by name) that both sides give and that differs, or null."""
    checks = []
    for name in VALUES[kind]:
        a, b = pl.col(f"{name}{left}"), pl.col(f"{name}{right}")
        differ = a.is_not_null() & b.is_not_null() & (a != b)
        checks.append(pl.when(differ).then(pl.lit(name)))
    return pl.coalesce(checks) if checks else pl.lit(None)


def stored_conflicts(parts: Parts, stored: dict[str, pl.DataFrame]) -> tuple[pl.DataFrame, Parts]:
    """Rows (``__index__``, ``__reason__``) whose event is already stored with another value,
    and the parts with ``__stored__`` (true when the same event is already stored)."""
    conflicts = []
    marked = {}
    for kind, frame in parts.items():
        held = stored[kind].with_columns(pl.lit(True).alias("__stored__"))
        held = held.rename({n: f"{n}__held" for n in VALUES[kind] if n in held.columns})
        both = frame.join(held, on=KEYS[kind], how="left", nulls_equal=False)
        both = both.with_columns(pl.col("__stored__").fill_null(False))
        field = _differs(kind, "", "__held").alias("__field__")
        both = both.with_columns(field)
        label = pl.col("code") if kind == "service" else pl.lit(kind)
        values = [pl.lit("")] * 2
        for name in VALUES[kind]:
            is_it = pl.col("__field__") == name
            values = [
                pl.when(is_it).then(pl.col(f"{name}__held").cast(pl.String)).otherwise(values[0]),
                pl.when(is_it).then(pl.col(name).cast(pl.String)).otherwise(values[1]),
            ]
        conflicts.append(
            both.select(
                "__index__",
                reason_where(
                    pl.col("__field__").is_not_null(),
                    "event_recorded_differently",
                    pl.concat_str([label, pl.lit(" "), pl.col("__field__")]),
                    *values,
                ).alias("__reason__"),
            ).drop_nulls("__reason__")
        )
        marked[kind] = both.drop([c for c in both.columns if c.endswith("__held")], "__field__")
    return pl.concat(conflicts), Parts(marked["service"], marked["growth"], marked["hb"])


def owners(parts: Parts) -> tuple[pl.DataFrame, Parts]:
    """Among new events (not stored), the first row of each key owns it (an explicit service
    before one derived from an Hb value); a later row whose values differ is quarantined.
    Returns (``__index__``, ``__reason__``) of those rows and the parts marked ``__owner__``."""
    conflicts = []
    marked = {}
    for kind, frame in parts.items():
        order = ["__line__"] if kind != "service" else [~pl.col("__explicit__"), "__line__"]
        frame = frame.sort(order)
        firsts = (
            frame.filter(~pl.col("__stored__")).group_by(KEYS[kind], maintain_order=True).first()
        )
        firsts = firsts.select(
            *KEYS[kind],
            pl.col("__index__").alias("__owner_index__"),
            pl.col("__line__").alias("__owner_line__"),
            *(pl.col(n).alias(f"{n}__owner") for n in VALUES[kind]),
        )
        both = frame.join(firsts, on=KEYS[kind], how="left", nulls_equal=False)
        both = both.with_columns(
            (pl.col("__owner_index__") == pl.col("__index__")).fill_null(False).alias("__owner__")
        )
        differ = _differs(kind, "", "__owner").is_not_null() & ~pl.col("__owner__")
        if kind == "service":
            differ = differ & pl.col("__explicit__")
        label = pl.col("code") if kind == "service" else pl.lit(kind)
        conflicts.append(
            both.select(
                "__index__",
                reason_where(
                    differ, "event_differs_in_file", label, pl.col("__owner_line__")
                ).alias("__reason__"),
            ).drop_nulls("__reason__")
        )
        marked[kind] = both.drop(
            [
                c
                for c in both.columns
                if c.endswith("__owner") or c in ("__owner_index__", "__owner_line__")
            ]
        )
    return pl.concat(conflicts), Parts(marked["service"], marked["growth"], marked["hb"])
