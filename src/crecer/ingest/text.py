"""Folding text for comparison: upper case, no accents or punctuation, single spaces. The same
rule in Python (:func:`fold`) and on Polars columns (:func:`folded`), so both sides of a match
meet whatever the spelling. Pure: no Django."""

from __future__ import annotations

import re
import unicodedata

import polars as pl


def fold(text: str | None) -> str:
    """Upper case without accents or punctuation, single spaces: how names and headers are
    compared. "Huamán Quispe, María" and "HUAMAN QUISPE MARIA" fold to the same text; Ñ
    becomes N, as registries typed without Ñ do."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(re.sub(r"[^A-Z0-9 ]", " ", bare.upper()).split())


def is_digits(text: str) -> bool:
    """True for one or more ASCII digits 0-9 only. ``str.isdigit()`` and ``\\d`` (in Python and
    in Polars) accept any script's digits — "３１９９９００６" would pass as a DNI and never
    match the same DNI typed in ASCII."""
    return text.isascii() and text.isdigit()


def folded(text: pl.Expr) -> pl.Expr:
    """:func:`fold` on a column."""
    return (
        text.str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z0-9 ]", " ")
        .str.replace_all(r" +", " ")
        .str.strip_chars()
    )
