"""Columnar validation of a padrón table with Polars: every row gets its cleaned values and the
list of every reason it cannot be stored. Pure: no database, no clock (``today`` is a parameter).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import polars as pl

from crecer.ingest.checks import (
    INDEX,
    REASON,
    REASONS_SEPARATOR,
    ensure_columns,
    joined_reasons,
    reason_where,
    rows_of,
    with_checks,
)
from crecer.ingest.reading import Table
from crecer.norms import BirthRanges
from crecer.registry import codes
from crecer.registry.ages import sixth_birthday_cutoff
from crecer.registry.columns import IDENTIFIERS
from crecer.registry.identifiers import CNV_DIGITS

DATE_COLUMNS = [
    "birth_date",
    "dni_status_date",
    "dni_issue_date",
    "visit_date",
    "data_source_date",
    "sis_affiliation_date",
]
BOOLEAN_WORDS = {
    "SI": True,
    "S": True,
    "1": True,
    "TRUE": True,
    "YES": True,
    "NO": False,
    "N": False,
    "0": False,
    "FALSE": False,
}
SEX_WORDS = {
    "1": "1",
    "M": "1",
    "MASCULINO": "1",
    "H": "1",
    "HOMBRE": "1",
    "VARON": "1",
    "2": "2",
    "F": "2",
    "FEMENINO": "2",
    "MUJER": "2",
}
AREA_WORDS = {
    "U": "U",
    "URBANO": "U",
    "URBANA": "U",
    "URBAN": "U",
    "1": "U",
    "R": "R",
    "RURAL": "R",
    "2": "R",
}
PROGRAM_CODES = set(codes.Program.values) | {"0"}


@dataclass(frozen=True)
class Territory:
    """What validation needs to know of the territory: codes that exist, and the districts the
    importing user may write to (None: every district)."""

    ubigeos: frozenset[str]
    centers: frozenset[str]
    allowed: frozenset[str] | None = None


def validate(
    table: Table, territory: Territory, today: date, at_birth: BirthRanges
) -> pl.DataFrame:
    """The table's rows with cleaned columns, ``__line__`` and ``__reasons__`` (the encoded
    reasons joined by ``REASONS_SEPARATOR``; empty for rows that can be stored). ``at_birth``:
    the profile's plausible birth weight and gestational age (``registry.plausible_at_birth``).
    Duplicates across rows are marked by :func:`mark_duplicates`, which sees the whole file."""
    frame = rows_of(table).drop(INDEX)  # the import numbers the rows itself
    frame = _identifiers(frame)
    frame = _people(frame)
    frame = _dates(frame, today)
    frame = _places(frame, territory)
    frame = _codes(frame, at_birth)
    # One text column, not a list: joining strings is ~30x faster in Polars than list columns.
    return joined_reasons(frame)


def _raw(column: str) -> pl.Expr:
    return pl.col(column)


def _identifiers(frame: pl.DataFrame) -> pl.DataFrame:
    frame = ensure_columns(
        frame,
        *IDENTIFIERS,
        "mother_document_type",
        "mother_document_number",
        "head_document_type",
        "head_document_number",
    )
    number_like = ["dni", "cui", "cnv", "mother_document_number", "head_document_number"]
    frame = frame.with_columns(
        pl.col(number_like).str.replace_all(r"[\s.\-]", "").str.to_uppercase()
    )
    low, high = CNV_DIGITS
    checks = [
        reason_where(pl.all_horizontal(pl.col(IDENTIFIERS).is_null()), "no_identifier"),
    ]
    for name, label in (("dni", "DNI"), ("cui", "CUI")):
        checks.append(
            reason_where(
                pl.col(name).is_not_null() & ~pl.col(name).str.contains(r"^[0-9]{8}$"),
                "not_8_digits",
                label,
                _raw(name),
            )
        )
        checks.append(reason_where(pl.col(name) == "00000000", "all_zeros", label))
    checks.append(
        reason_where(
            pl.col("cnv").is_not_null() & ~pl.col("cnv").str.contains(rf"^[0-9]{{{low},{high}}}$"),
            "cnv_digits",
            _raw("cnv"),
            low,
            high,
        )
    )
    for person in ("mother", "head"):
        kind, number = f"{person}_document_type", f"{person}_document_number"
        frame = frame.with_columns(
            pl.col(kind)
            .str.to_uppercase()
            .str.replace_all(r"[.\s]", "")
            .replace({"1": "DNI", "PASAPORTE": "PAS", "CARNETDEEXTRANJERIA": "CE", "2": "CE"})
            .fill_null(pl.when(pl.col(number).is_not_null()).then(pl.lit("DNI")))
        )
        checks.append(
            reason_where(
                (pl.col(kind) == "DNI")
                & pl.col(number).is_not_null()
                & ~pl.col(number).str.contains(r"^[0-9]{8}$"),
                "document_dni",
                person,
                _raw(number),
            )
        )
        checks.append(
            reason_where(
                pl.col(kind).is_not_null() & ~pl.col(kind).is_in(codes.DocumentType.values),
                "document_type",
                person,
                _raw(kind),
            )
        )
    return with_checks(frame, checks)


def _people(frame: pl.DataFrame) -> pl.DataFrame:
    names = [
        "paternal_surname",
        "maternal_surname",
        "given_names",
        "mother_paternal_surname",
        "mother_maternal_surname",
        "mother_given_names",
        "head_names",
    ]
    frame = ensure_columns(frame, *names, "sex", "mother_email", "mother_phone")
    frame = frame.with_columns(
        # Kept as written (only runs of spaces joined): search reads the folded copy.
        pl.col(names).str.replace_all(r"\s+", " "),
        pl.col("sex").str.to_uppercase().replace_strict(SEX_WORDS, default=None).alias("__sex"),
    )
    checks = [
        reason_where(pl.col("given_names").is_null(), "missing", "given_names"),
        reason_where(
            pl.col("paternal_surname").is_null() & pl.col("maternal_surname").is_null(),
            "missing",
            "surname",
        ),
        reason_where(pl.col("sex").is_null(), "missing", "sex"),
        reason_where(pl.col("sex").is_not_null() & pl.col("__sex").is_null(), "sex", _raw("sex")),
        reason_where(
            pl.col("mother_email").is_not_null()
            & ~pl.col("mother_email").str.contains(r"^[^@\s]+@[^@\s]+\.[^@\s]+$"),
            "email",
            _raw("mother_email"),
        ),
    ]
    frame = with_checks(frame, checks)
    frame = frame.with_columns(pl.col("__sex").alias("sex")).drop("__sex")
    return frame


def parse_dates(column: pl.Expr) -> pl.Expr:
    """DD/MM/AAAA (also with - or .), or ISO AAAA-MM-DD; anything else gives null."""
    text = column.str.replace_all(r"[.\-]", "/").str.slice(0, 10)
    return pl.coalesce(
        text.str.to_date("%d/%m/%Y", strict=False),
        text.str.to_date("%Y/%m/%d", strict=False),
    )


def _dates(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    frame = ensure_columns(frame, *DATE_COLUMNS)
    parsed = frame.select(parse_dates(pl.col(name)).alias(f"__{name}") for name in DATE_COLUMNS)
    frame = pl.concat([frame, parsed], how="horizontal")
    checks = [reason_where(pl.col("birth_date").is_null(), "missing", "birth_date")]
    for name in DATE_COLUMNS:
        checks.append(
            reason_where(
                pl.col(name).is_not_null() & pl.col(f"__{name}").is_null(),
                "not_a_date",
                name,
                _raw(name),
            )
        )
        checks.append(reason_where(pl.col(f"__{name}") > today, "future", name))
    checks.append(
        reason_where(
            pl.col("__birth_date") <= sixth_birthday_cutoff(today),
            "over_six",
        )
    )
    frame = with_checks(frame, checks)
    frame = frame.with_columns(pl.col(f"__{n}").alias(n) for n in DATE_COLUMNS).drop(
        [f"__{n}" for n in DATE_COLUMNS]
    )
    return frame


def _places(frame: pl.DataFrame, territory: Territory) -> pl.DataFrame:
    frame = ensure_columns(
        frame, "ubigeo", "populated_center_code", "populated_center_name", "area"
    )
    frame = frame.with_columns(
        pl.col("ubigeo").str.zfill(6),
        pl.col("populated_center_code").str.zfill(10),
        pl.col("area").str.to_uppercase().replace_strict(AREA_WORDS, default=None).alias("__area"),
    )
    checks = [
        reason_where(pl.col("ubigeo").is_null(), "missing", "ubigeo"),
        reason_where(
            pl.col("ubigeo").is_not_null() & ~pl.col("ubigeo").is_in(list(territory.ubigeos)),
            "unknown_ubigeo",
            _raw("ubigeo"),
        ),
        reason_where(
            pl.col("populated_center_code").is_not_null()
            & ~pl.col("populated_center_code").is_in(list(territory.centers)),
            "unknown_center",
            _raw("populated_center_code"),
        ),
        reason_where(
            pl.col("populated_center_code").is_not_null()
            & pl.col("ubigeo").is_not_null()
            & (pl.col("populated_center_code").str.slice(0, 6) != pl.col("ubigeo")),
            "center_elsewhere",
            _raw("populated_center_code"),
            _raw("ubigeo"),
        ),
        reason_where(
            pl.col("area").is_not_null() & pl.col("__area").is_null(), "area", _raw("area")
        ),
    ]
    if territory.allowed is not None:
        known_elsewhere = pl.col("ubigeo").is_in(list(territory.ubigeos - territory.allowed))
        checks.append(reason_where(known_elsewhere, "outside_scope", _raw("ubigeo")))
    frame = with_checks(frame, checks)
    frame = frame.with_columns(pl.col("__area").alias("area")).drop("__area")
    return frame


def _codes(frame: pl.DataFrame, at_birth: BirthRanges) -> pl.DataFrame:
    frame = ensure_columns(
        frame,
        "record_status",
        "insurance",
        "programs",
        "visited",
        "found",
        "birth_weight_g",
        "gestational_age_weeks",
        "sisfoh",
    )
    frame = frame.with_columns(
        pl.col("visited", "found")
        .str.to_uppercase()
        .str.replace_all("Í", "I")
        .replace_strict(BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)
        .name.prefix("__"),
        pl.col("birth_weight_g", "gestational_age_weeks")
        .str.replace(",", ".")
        .cast(pl.Float64, strict=False)
        .name.prefix("__"),
        pl.col("programs").str.extract_all(r"[0-9]+").alias("__programs"),
    )
    checks = [
        reason_where(
            pl.col("record_status").is_not_null()
            & ~pl.col("record_status").is_in(codes.RecordStatus.values),
            "record_status",
            _raw("record_status"),
        ),
        reason_where(
            pl.col("insurance").is_not_null() & ~pl.col("insurance").is_in(codes.Insurance.values),
            "insurance",
            _raw("insurance"),
        ),
        reason_where(
            pl.col("__programs").list.eval(~pl.element().is_in(PROGRAM_CODES)).list.any(),
            "programs",
            _raw("programs"),
        ),
        reason_where(
            pl.col("sisfoh").is_not_null() & ~pl.col("sisfoh").is_in(codes.Sisfoh.values),
            "sisfoh",
            _raw("sisfoh"),
        ),
    ]
    for name in ("visited", "found"):
        checks.append(
            reason_where(
                pl.col(name).is_not_null() & pl.col(f"__{name}").is_null(),
                "yes_no",
                name,
                _raw(name),
            )
        )
    plausible = {
        "birth_weight_g": at_birth.birth_weight_g,
        "gestational_age_weeks": at_birth.gestational_age_weeks,
    }
    for name, (low, high) in plausible.items():
        checks.append(
            reason_where(
                pl.col(name).is_not_null()
                & (pl.col(f"__{name}").is_null() | ~pl.col(f"__{name}").is_between(low, high)),
                "range",
                name,
                _raw(name),
                low,
                high,
            )
        )
    frame = with_checks(frame, checks)
    frame = frame.with_columns(
        pl.col("__visited").alias("visited"),
        pl.col("__found").alias("found"),
        pl.col("__birth_weight_g").round(0).cast(pl.Int64, strict=False).alias("birth_weight_g"),
        pl.col("__gestational_age_weeks")
        .round(0)
        .cast(pl.Int64, strict=False)
        .alias("gestational_age_weeks"),
        pl.col("__programs")
        .list.eval(pl.element().filter(pl.element() != "0"))
        .list.unique()
        .list.sort()
        .list.join(",")
        .fill_null("")
        .alias("programs"),
    ).drop("__visited", "__found", "__birth_weight_g", "__gestational_age_weeks", "__programs")
    return frame


def mark_duplicates(frame: pl.DataFrame, seen: pl.DataFrame) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Quarantine rows repeating an identifier of an earlier row of the same file — in this
    chunk or in an earlier one: the first row wins, the later ones name its line.

    ``seen`` has ``identifier``, ``value`` and ``first_line`` of the earlier chunks (empty at
    the first); returns the frame with those reasons added and ``seen`` extended.
    """
    for name in IDENTIFIERS:
        earlier = seen.filter(pl.col("identifier") == name).select(
            pl.col("value").alias(name), pl.col("first_line").alias("__earlier__")
        )
        frame = frame.join(earlier, on=name, how="left", nulls_equal=False)
        first = pl.coalesce(pl.col("__earlier__"), pl.col("__line__").min().over(name))
        repeated = pl.col(name).is_not_null() & (pl.col("__line__") != first)
        frame = frame.with_columns(
            pl.when(repeated)
            .then(
                pl.concat_str(
                    [
                        pl.col(REASON).replace("", None),
                        reason_where(pl.lit(True), "duplicate", name.upper(), first),
                    ],
                    separator=REASONS_SEPARATOR,
                    ignore_nulls=True,
                )
            )
            .otherwise(pl.col(REASON))
            .alias(REASON)
        ).drop("__earlier__")
    firsts = [
        frame.filter(pl.col(name).is_not_null())
        .group_by(name)
        .agg(pl.col("__line__").min().alias("first_line"))
        .select(pl.lit(name).alias("identifier"), pl.col(name).alias("value"), "first_line")
        for name in IDENTIFIERS
    ]
    seen = pl.concat([seen, *firsts]).unique(["identifier", "value"], keep="first")
    return frame.sort("__line__"), seen


EMPTY_SEEN = pl.DataFrame(
    schema={"identifier": pl.String, "value": pl.String, "first_line": pl.Int64}
)
