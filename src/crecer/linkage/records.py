"""Linkage records: the registry and every outside list in one shape, with the derived columns
that blocking and comparisons use. Pure: Polars frames in, frames out; no Django, no I/O.

Names are folded (upper case, no accents or punctuation) and given a *spelling key* that makes
the Quechua/Aymara and Spanish spellings of the same surname equal (HUAMÁN, GUAMAN, WAMAN →
WAMAN; QUISPE, QUISPI, KISPE → KISPI; CCORI, QORI → KORI): alphabets for Andean languages
were standardized late (1975 for Quechua, 1985 for the official alphabet), so the same family
name is written in both traditions in the same district.
"""

from __future__ import annotations

import polars as pl

from crecer.linkage.sources import RECORD_COLUMNS, SEX_CODES, Source

NAME_COLUMNS = [
    "paternal_surname",
    "maternal_surname",
    "given_names",
    "mother_paternal_surname",
    "mother_maternal_surname",
    "mother_given_names",
]
DOCUMENT_COLUMNS = ["dni", "cui", "cnv", "mother_document"]
# The child's own identifiers: one child never holds two different numbers of one of them, so a
# merge of two registry records that do is refused (services.conflict), and deduplication
# never proposes such a pair (pipeline.dedupe): nobody could act on it but by rejecting it.
IDENTIFIERS = ["dni", "cui", "cnv"]
# Added by prepare() for blocking and comparisons (never stored).
DERIVED_COLUMNS = [
    "first_given", "paternal_key", "maternal_key", "first_given_key", "surnames", "mother_name",
    "province", "birth_year", "birth_date_swapped",
]  # fmt: skip

# Spelling rules applied in order to a folded name (regex, replacement). They map the usual
# Spanish colonial spellings of Andean sounds and common Spanish variants onto one key; they
# are for comparison only, never shown.
SPELLING_RULES: list[tuple[str, str]] = [
    (r"HU([AEIO])", "W$1"),  # HUAMAN -> WAMAN
    (r"GU([AEIO])", "W$1"),  # GUAMAN -> WAMAN
    (r"QU([EI])", "K$1"),  # QUISPE -> KISPE
    (r"Q", "K"),  # QORI -> KORI
    (r"C([AOU])", "K$1"),  # CONDORI -> KONDORI
    (r"C([EI])", "S$1"),
    (r"Z", "S"),
    (r"V", "B"),
    (r"LL", "Y"),
    (r"Y\b", "I"),  # MAMANY -> MAMANI
    (r"E", "I"),  # Quechua has three vowels: QUISPE/QUISPI, YUPANQUE/YUPANQUI
    (r"O", "U"),  # CONDORI/CUNDURI
    (r"H", ""),  # silent H: HILARIO/ILARIO
]
# Doubled letters are written single (CCORI, CORI): Polars' regex has no back-references, so
# one rule per letter, applied before and after the spelling rules.
DOUBLED = [(f"{letter}{letter}+", letter) for letter in "BCDFGKMNPRSTWY"]


def conflicting_identifiers(left: str = "_l", right: str = "_r") -> pl.Expr:
    """True where the two records of a pair (columns ``<identifier><left>`` and
    ``<identifier><right>``) both hold one of :data:`IDENTIFIERS` with different numbers."""
    differ = [
        (pl.col(f"{name}{left}") != pl.col(f"{name}{right}")).fill_null(False)
        for name in IDENTIFIERS
    ]
    return pl.any_horizontal(differ)


def fold(column: str) -> pl.Expr:
    """Upper case without accents, punctuation or extra spaces; null when nothing is left
    (as :func:`crecer.registry.identifiers.fold`, on a column)."""
    text = (
        pl.col(column)
        .cast(pl.String)
        .str.normalize("NFKD")
        .str.replace_all(r"\p{M}", "")
        .str.to_uppercase()
        .str.replace_all(r"[^A-Z0-9 ]", " ")
        .str.replace_all(r" +", " ")
        .str.strip_chars()
    )
    return pl.when(text == "").then(None).otherwise(text).alias(column)


def spelling_key(name: pl.Expr) -> pl.Expr:
    """A folded name's spelling key (see :data:`SPELLING_RULES`)."""
    for pattern, replacement in [*DOUBLED, *SPELLING_RULES, *DOUBLED]:
        name = name.str.replace_all(pattern, replacement)
    return name


def document(column: str) -> pl.Expr:
    """A document number with spaces, dots and dashes removed; null when empty or all zeros."""
    text = pl.col(column).cast(pl.String).str.replace_all(r"[\s.\-]", "")
    return (
        pl.when((text == "") | text.str.contains(r"^0+$")).then(None).otherwise(text).alias(column)
    )


def prepare(records: pl.DataFrame) -> pl.DataFrame:
    """Clean linkage records (:data:`~crecer.linkage.sources.RECORD_COLUMNS`, ``birth_date`` a
    date) and add the derived columns used by blocking and comparisons."""
    frame = records.with_columns(
        *(fold(name) for name in NAME_COLUMNS),
        fold("populated_center"),
        *(document(name) for name in DOCUMENT_COLUMNS),
        pl.col("sex")
        .cast(pl.String)
        .str.strip_chars()
        .str.to_uppercase()
        .replace_strict(SEX_CODES, default=None),
        pl.col("ubigeo").cast(pl.String).str.strip_chars().str.zfill(6),
    )
    first_given = pl.col("given_names").str.split(" ").list.first()
    day, month = pl.col("birth_date").dt.day(), pl.col("birth_date").dt.month()
    return frame.with_columns(
        first_given.alias("first_given"),
        spelling_key(pl.col("paternal_surname")).alias("paternal_key"),
        spelling_key(pl.col("maternal_surname")).alias("maternal_key"),
        spelling_key(first_given).alias("first_given_key"),
        pl.concat_str("paternal_surname", "maternal_surname", separator=" ", ignore_nulls=True)
        .alias("surnames"),
        pl.concat_str(
            "mother_paternal_surname", "mother_maternal_surname", "mother_given_names",
            separator=" ", ignore_nulls=True,
        ).alias("mother_name"),
        pl.col("ubigeo").str.slice(0, 4).alias("province"),
        pl.col("birth_date").dt.year().alias("birth_year"),
        # The birth date with day and month exchanged (null when that is not a date or the same
        # date): blocks the commonest date error of hand-copied records.
        pl.when((day <= 12) & (day != month))
        .then(pl.date(pl.col("birth_date").dt.year(), day, month))
        .alias("birth_date_swapped"),
    )  # fmt: skip


def from_source(
    rows: pl.DataFrame, source: Source, *, date_format: str = "%d/%m/%Y"
) -> pl.DataFrame:
    """An outside list, as read from its file (all columns text), as linkage records plus its
    facts. Headers are matched as written in :mod:`crecer.linkage.sources`."""
    known = {header: name for header, name in source.columns.items() if header in rows.columns}
    frame = rows.select(pl.col(header).alias(name) for header, name in known.items())
    if source.document is not None:
        frame = frame.with_columns(_typed_document(rows, *source.document))
    if "key" not in frame.columns:
        frame = frame.with_columns(pl.col(source.columns[source.key]).alias("key"))
    frame = frame.with_columns(
        pl.col(name).str.strip_chars().str.to_date(date_format, strict=False)
        for name in ("birth_date", "sis_affiliation_date", "program_start")
        if name in frame.columns
    )
    missing = [name for name in RECORD_COLUMNS if name not in frame.columns]
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)
    if frame.schema["birth_date"] != pl.Date:
        frame = frame.with_columns(pl.col("birth_date").cast(pl.Date))
    return prepare(frame)


def _typed_document(rows: pl.DataFrame, type_header: str, number_header: str) -> list[pl.Expr]:
    """The child's DNI/CUI/CNV from a document given as type + number."""
    kind = pl.lit(rows[type_header]).str.strip_chars().str.to_uppercase()
    number = pl.lit(rows[number_header])
    return [
        pl.when(kind == name).then(number).alias(name.lower()) for name in ("DNI", "CUI", "CNV")
    ]


REGISTRY_COLUMNS = {
    "padron_code": "key",
    "mother_document_number": "mother_document",
    "populated_center_name": "populated_center",
}


def from_registry(children: pl.DataFrame) -> pl.DataFrame:
    """Registry children (columns under the registry's names, with ``id`` for Crecer's id when
    read from the database) as linkage records; ``unique_id`` is the child's id, or its
    padrón code when there is no id (files)."""
    frame = children.rename({k: v for k, v in REGISTRY_COLUMNS.items() if k in children.columns})
    if "ubigeo" not in frame.columns and "district_id" in frame.columns:
        frame = frame.rename({"district_id": "ubigeo"})
    unique = pl.col("id").cast(pl.String) if "id" in frame.columns else pl.col("key")
    frame = frame.with_columns(unique.alias("unique_id"))
    missing = [name for name in RECORD_COLUMNS if name not in frame.columns]
    frame = frame.with_columns(pl.lit(None, dtype=pl.String).alias(name) for name in missing)
    return prepare(frame.select("unique_id", *RECORD_COLUMNS))
