"""Errors a child's record picks up when it is typed again by someone else — a facility that
registers a child already in the padrón, or a program that keeps its own list. Pure: a frame
with the children frame's column names and a random generator in, the same frame out with the
errors applied and an ``errors`` column naming them (comma-separated, in :data:`KINDS` order).

Each kind is drawn independently with its share, so several may fall on one record; a kind
only touches the records it can change (a surname with a known variant, a date whose day is 12
or less…), and ``errors`` lists only the kinds that changed something.

Shares are **assumptions**, not measured rates (no study of Peru's registries that we know of
gives them); :data:`DUPLICATE_SHARES` are per duplicate, among the records each kind can touch:

=============================  =====  ============================================================
``typo``                       20 %   one letter of one of the child's names replaced
``spelling_variant``           35 %   per surname with a Quechua/Spanish variant (HUAMÁN → WAMAN)
``surnames_swapped``           5 %    paternal and maternal surnames exchanged
``second_surname_missing``     10 %   maternal surname left blank
``first_given_only``           25 %   of children with two given names, only the first written
``day_month_swapped``          5 %    of dates with day ≤ 12 ≠ month (and still a registry age)
``mother_document_missing``    15 %   mother's document type and number left blank
``other_center``               10 %   another populated center of the same district
``accents_dropped``            30 %   of names with an accent, written without (Ñ kept)
=============================  =====  ============================================================

Outside lists are typed with more care (from a document in hand): :func:`list_shares` gives a
third of these. The CNV list has no child names: only the mother's name (3 %) and a digit of
her document (1 %) go wrong (:data:`CNV_SHARES`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import numpy as np
import polars as pl

from crecer.registry.ages import sixth_birthday_cutoff

CHILD_NAMES = ["paternal_surname", "maternal_surname", "given_names"]
MOTHER_NAMES = ["mother_paternal_surname", "mother_maternal_surname", "mother_given_names"]
DUPLICATE_SHARES = {
    "surnames_swapped": 0.05,
    "spelling_variant": 0.35,
    "second_surname_missing": 0.10,
    "first_given_only": 0.25,
    "typo": 0.20,
    "accents_dropped": 0.30,
    "day_month_swapped": 0.05,
    "mother_document_missing": 0.15,
    "other_center": 0.10,
}
CNV_SHARES = {"mother_typo": 0.03, "mother_document_typo": 0.01}
LIST_FACTOR = 1 / 3  # outside lists are copied from a document in hand

# Spellings of the same surname in the Spanish colonial and the Quechua/Aymara alphabets (and
# a few Spanish ones); a variant of a variant is not listed, so an error is one step away.
SPELLING_VARIANTS: dict[str, tuple[str, ...]] = {
    "HUAMÁN": ("GUAMÁN", "WAMAN"),
    "HUAMANÍ": ("GUAMANÍ", "WAMANI"),
    "QUISPE": ("QUISPI", "KISPE"),
    "CCORI": ("CORI", "QORI"),
    "MAMANI": ("MAMANY",),
    "CONDORI": ("KONDORI", "CONDORY"),
    "CCAHUANA": ("CAHUANA",),
    "HUAYTA": ("WAYTA",),
    "YUPANQUI": ("YUPANKI", "YUPANQUE"),
    "HUARACA": ("WARAKA",),
    "HUARCAYA": ("GUARCAYA", "HUARCALLA"),
    "HUAYHUA": ("WAYWA",),
    "MAYHUA": ("MAYWA",),
    "HUACHACA": ("WACHACA",),
    "PAUCAR": ("PAWCAR",),
    "CHALLCO": ("CHALCO",),
    "CCANTO": ("CANTO",),
    "CCALLA": ("CALLA",),
    "ALLCCA": ("ALCCA", "ALLCA"),
    "ANCCO": ("ANCO",),
    "CCORAHUA": ("CORAHUA",),
    "CHOQUE": ("CHOQUI",),
    "VÁSQUEZ": ("VÁZQUEZ",),
    "GONZALES": ("GONZÁLEZ",),
}
ACCENTED = ["Á", "É", "Í", "Ó", "Ú", "Ü"]
PLAIN = ["A", "E", "I", "O", "U", "U"]
LETTERS = np.array(list("ABCDEFGHIJLMNOPRSTUVY"))


def list_shares(kinds: list[str]) -> dict[str, float]:
    """The shares of an outside list: :data:`DUPLICATE_SHARES` × :data:`LIST_FACTOR`, for the
    ``kinds`` its file can show."""
    return {kind: round(DUPLICATE_SHARES[kind] * LIST_FACTOR, 4) for kind in kinds}


@dataclass(frozen=True)
class Context:
    """What some kinds need besides the record."""

    as_of: date  # a transposed birth date must stay in the past and under six years
    centers: pl.DataFrame  # code, ubigeo, name, area: the populated centers one may move to


Result = tuple[pl.DataFrame, np.ndarray]  # the frame, and the rows the kind changed
# A kind: (frame, share, random generator, context) -> result. Each kind draws its rows first
# (one uniform per row), so that the draws do not depend on the data.
Spoiler = Callable[[pl.DataFrame, float, np.random.Generator, Context], Result]


def spoil(
    frame: pl.DataFrame, shares: dict[str, float], *, rng: np.random.Generator, context: Context
) -> pl.DataFrame:
    """``frame`` with each kind of ``shares`` drawn on its rows, and the ``errors`` column."""
    changed: dict[str, np.ndarray] = {}
    for kind, spoiler in SPOILERS.items():
        if kind in shares:
            frame, changed[kind] = spoiler(frame, shares[kind], rng, context)
    names = [
        pl.when(pl.Series(hit)).then(pl.lit(kind)).otherwise(pl.lit(None, dtype=pl.String))
        for kind, hit in changed.items()
    ]
    errors = pl.concat_str(names, separator=",", ignore_nulls=True) if names else pl.lit("")
    return frame.with_columns(errors.fill_null("").alias("errors"))


def _where(frame: pl.DataFrame, hit: np.ndarray, **values: pl.Expr) -> pl.DataFrame:
    """Replace columns by ``values`` on the rows of ``hit`` only."""
    mask = pl.Series(hit)
    return frame.with_columns(
        pl.when(mask).then(value).otherwise(pl.col(name)).alias(name)
        for name, value in values.items()
    )


def _present(frame: pl.DataFrame, name: str) -> np.ndarray:
    return frame[name].fill_null("").str.len_chars().to_numpy() > 0


def _drawn(frame: pl.DataFrame, share: float, rng: np.random.Generator) -> np.ndarray:
    return rng.random(frame.height) < share


def surnames_swapped(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    both = _present(frame, "paternal_surname") & _present(frame, "maternal_surname")
    differ = (frame["paternal_surname"] != frame["maternal_surname"]).fill_null(False)
    hit = _drawn(frame, share, rng) & both & differ.to_numpy()
    return _where(
        frame, hit, paternal_surname=pl.col("maternal_surname"),
        maternal_surname=pl.col("paternal_surname"),
    ), hit  # fmt: skip


def spelling_variant(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    """Each surname with variants, drawn independently: one of its variants, uniformly."""
    counts = {name: len(variants) for name, variants in SPELLING_VARIANTS.items()}
    lookup = {f"{n}|{i}": v for n, vs in SPELLING_VARIANTS.items() for i, v in enumerate(vs)}
    changed = np.zeros(frame.height, dtype=bool)
    for name in ("paternal_surname", "maternal_surname"):
        drawn = _drawn(frame, share, rng)
        count = frame[name].replace_strict(counts, default=0, return_dtype=pl.Int64).to_numpy()
        pick = np.floor(rng.random(frame.height) * count).astype(np.int64)
        key = frame[name].fill_null("") + "|" + pl.Series(pick.astype(str))
        variant = key.replace_strict(lookup, default=None, return_dtype=pl.String)
        hit = drawn & (count > 0)
        frame = _where(frame, hit, **{name: pl.lit(variant)})
        changed |= hit
    return frame, changed


def second_surname_missing(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    both = _present(frame, "paternal_surname") & _present(frame, "maternal_surname")
    hit = _drawn(frame, share, rng) & both
    return _where(frame, hit, maternal_surname=pl.lit(None, dtype=pl.String)), hit


def first_given_only(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    two = frame["given_names"].fill_null("").str.contains(" ").to_numpy()
    hit = _drawn(frame, share, rng) & two
    return _where(frame, hit, given_names=pl.col("given_names").str.split(" ").list.first()), hit


def typo(frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context) -> Result:
    """One letter of one of the child's names."""
    return _typo(frame, _drawn(frame, share, rng), rng, CHILD_NAMES)


def mother_typo(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    """One letter of one of the mother's names."""
    return _typo(frame, _drawn(frame, share, rng), rng, MOTHER_NAMES)


def _typo(
    frame: pl.DataFrame, drawn: np.ndarray, rng: np.random.Generator, columns: list[str]
) -> Result:
    """Replace one letter, never the first (initials are copied right, and blocking on them
    would hide every typo), of one of ``columns`` (names of 3 letters or more)."""
    n = frame.height
    which = rng.integers(0, len(columns), n)
    letters = LETTERS[rng.integers(0, len(LETTERS), n)]
    others = np.roll(LETTERS, 1)[np.searchsorted(LETTERS, letters)]  # when the letter is kept
    place = pl.lit(pl.Series(rng.random(n)))
    changed = np.zeros(n, dtype=bool)
    for index, name in enumerate(columns):
        long_enough = (frame[name].fill_null("").str.len_chars() >= 3).to_numpy()
        hit = drawn & (which == index) & long_enough
        text = pl.col(name)
        at = (1 + (place * (text.str.len_chars() - 1)).floor()).cast(pl.Int64)
        at = pl.when(text.str.slice(at, 1) == " ").then(at - 1).otherwise(at)  # a letter
        old = text.str.slice(at, 1)
        new = pl.when(old == pl.lit(pl.Series(letters))).then(pl.lit(pl.Series(others)))
        new = new.otherwise(pl.lit(pl.Series(letters)))
        frame = _where(frame, hit, **{name: text.str.slice(0, at) + new + text.str.slice(at + 1)})
        changed |= hit
    return frame, changed


def accents_dropped(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    accented = pl.any_horizontal(
        pl.col(name).fill_null("").str.contains("[ÁÉÍÓÚÜ]") for name in CHILD_NAMES
    )
    hit = _drawn(frame, share, rng) & frame.select(accented).to_series().to_numpy()
    plain = {name: pl.col(name).str.replace_many(ACCENTED, PLAIN) for name in CHILD_NAMES}
    return _where(frame, hit, **plain), hit


def day_month_swapped(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    born = pl.col("birth_date")
    day, month = born.dt.day(), born.dt.month()
    # min(day, 12): the date is only used where day <= 12, but it is built on every row.
    swapped = pl.date(born.dt.year(), pl.min_horizontal(day, 12), month)
    # Only where the transposed date passes the importer (a registry age on as_of).
    low, high = sixth_birthday_cutoff(context.as_of), context.as_of
    ok = (day <= 12) & (day != month) & (swapped > low) & (swapped <= high)
    hit = _drawn(frame, share, rng) & frame.select(ok.fill_null(False)).to_series().to_numpy()
    return _where(frame, hit, birth_date=swapped), hit


def mother_document_missing(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    hit = _drawn(frame, share, rng) & _present(frame, "mother_document_number")
    blank = {"mother_document_type": pl.lit(""), "mother_document_number": pl.lit("")}
    if "head_document_number" in frame.columns:
        # A mother who heads the household has her document there too: gone as well.
        same = pl.col("head_document_number") == pl.col("mother_document_number")
        blank |= {
            name: pl.when(same).then(pl.lit("")).otherwise(pl.col(name))
            for name in ("head_document_type", "head_document_number")
        }
    return _where(frame, hit, **blank), hit


def mother_document_typo(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    """One digit of the mother's document replaced by another."""
    n = frame.height
    number = pl.col("mother_document_number")
    digits = frame["mother_document_number"].fill_null("").str.contains(r"^\d+$").to_numpy()
    hit = _drawn(frame, share, rng) & digits
    at = (pl.lit(pl.Series(rng.random(n))) * number.str.len_chars()).floor().cast(pl.Int64)
    old = number.str.slice(at, 1).cast(pl.Int64, strict=False)
    new = ((old + pl.lit(pl.Series(rng.integers(1, 10, n)))) % 10).cast(pl.String)
    value = number.str.slice(0, at) + new + number.str.slice(at + 1)
    return _where(frame, hit, mother_document_number=value), hit


def other_center(
    frame: pl.DataFrame, share: float, rng: np.random.Generator, context: Context
) -> Result:
    """Another populated center of the district (of ``context.centers``), uniformly among
    the others; its area with it."""
    centers = context.centers.sort("ubigeo", "code").select(
        "ubigeo", "code", "name", "area",
        pl.int_range(pl.len(), dtype=pl.Int64).over("ubigeo").alias("__rank"),
        pl.len().over("ubigeo").cast(pl.Int64).alias("__count"),
    )  # fmt: skip
    own = frame.select("ubigeo", pl.col("populated_center_code").alias("code")).join(
        centers, on=["ubigeo", "code"], how="left", maintain_order="left"
    )
    count = own["__count"].fill_null(0).to_numpy()
    shift = 1 + np.floor(rng.random(frame.height) * np.maximum(count - 1, 0)).astype(np.int64)
    rank = (own["__rank"].fill_null(0).to_numpy() + shift) % np.maximum(count, 1)
    moved = pl.DataFrame({"ubigeo": frame["ubigeo"], "__rank": rank}).join(
        centers, on=["ubigeo", "__rank"], how="left", maintain_order="left"
    )
    hit = _drawn(frame, share, rng) & (count >= 2)
    return _where(
        frame, hit, populated_center_code=pl.lit(moved["code"]),
        populated_center_name=pl.lit(moved["name"]),
        area=pl.coalesce(pl.lit(moved["area"]), pl.col("area")),
    ), hit  # fmt: skip


SPOILERS: dict[str, Spoiler] = {
    "surnames_swapped": surnames_swapped,
    "spelling_variant": spelling_variant,
    "second_surname_missing": second_surname_missing,
    "first_given_only": first_given_only,
    "typo": typo,
    "accents_dropped": accents_dropped,
    "day_month_swapped": day_month_swapped,
    "mother_document_missing": mother_document_missing,
    "other_center": other_center,
    "mother_typo": mother_typo,
    "mother_document_typo": mother_document_typo,
}
KINDS = tuple(SPOILERS)
