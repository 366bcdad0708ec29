"""Columnar validation of an event table with Polars: each row gets its cleaned values and every
reason it cannot be stored that the file alone shows (identifiers, date, code, numbers). Pure:
no database, no clock (``today`` is a parameter). Checks that need the registry are in
:mod:`crecer.health.matching`."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date

import polars as pl

from crecer.health.columns import IDENTIFIERS
from crecer.ingest.checks import (
    ensure_columns,
    joined_reasons,
    reason_where,
    rows_of,
    with_checks,
)
from crecer.ingest.reading import Table
from crecer.norms import Profile
from crecer.registry.identifiers import CNV_DIGITS
from crecer.registry.validation import BOOLEAN_WORDS, parse_dates

# The profile's schedules also count "DNI" and "SIS", which the refresh takes from the registry:
# they are not attentions a service file may bring.
REGISTRY_PSEUDO_CODES = frozenset({"DNI", "SIS"})

# HIS-MINSA patient document types: Id_Tipo_Documento 1 is DNI (FED SQL scripts filter on it);
# 6 for CNV is unconfirmed; the abbreviations DNI and CNV are HIS's (Abrev_Tipo_Doc_Paciente).
# The CUI is the number printed on a minor's DNI.
DOCUMENT_TYPES = {"1": "dni", "DNI": "dni", "D": "dni", "CUI": "cui", "6": "cnv", "CNV": "cnv"}
MEASURE_WORDS = {
    "L": "l",
    "ACOSTADO": "l",
    "ECHADO": "l",
    "LONGITUD": "l",
    "LYING": "l",
    "H": "h",
    "DE PIE": "h",
    "PARADO": "h",
    "TALLA": "h",
    "STANDING": "h",
}
NUMBER_COLUMNS = ["weight_kg", "length_cm", "head_cm", "hb", "altitude_m"]


@dataclass(frozen=True)
class Limits:
    """Broad physical limits for a child under 6: values outside are typing errors, not
    outliers (the WHO flags of implausible z-scores are the analytics' job)."""

    weight_kg: tuple[float, float] = (0.2, 60.0)  # a 300 g preterm to well above any 5-year-old
    length_cm: tuple[float, float] = (20.0, 150.0)  # 22 weeks' gestation to a tall 6-year-old
    head_cm: tuple[float, float] = (15.0, 65.0)
    hb: tuple[float, float] = (1.0, 25.0)  # g/dL; outside this no living child's blood
    altitude_m: tuple[float, float] = (-10.0, 6000.0)  # the profile's territory bounds

    def of(self, name: str) -> tuple[float, float]:
        return getattr(self, name)


def known_codes(profile: Profile) -> frozenset[str]:
    """Every code counted by the profile's child and pregnancy schedules, plus its CRED and Hb
    test codes (``[services]``)."""
    found: set[str] = set(profile.services.cred.codes) | set(profile.services.hb_test.codes)
    norms = profile.schedules
    for schedule in [*(norms.child if norms else []), *(norms.pregnancy if norms else [])]:
        for requirement in schedule.requirements:
            found.update(requirement.codes)
    return frozenset(found - REGISTRY_PSEUDO_CODES)


def validate_events(
    table: Table,
    codes: frozenset[str],
    today: date,
    limits: Limits = Limits(),
    *,
    hb_codes: Collection[str],
) -> pl.DataFrame:
    """The rows with cleaned columns (identifiers, ``date`` as Date, ``code``, ``lab``,
    ``facility``, numbers as floats, ``measure``, ``oedema``), ``__line__``, ``__index__`` and
    ``__reasons__`` (encoded reasons joined by ``REASONS_SEPARATOR``; "" when valid).
    ``hb_codes``: the profile's Hb test codes (``services.hb_test.codes``), whose LAB holds the
    Hb value."""
    frame = rows_of(table)
    frame = ensure_columns(frame, *IDENTIFIERS, "document_type", "document_number", "code", "lab")
    frame = ensure_columns(frame, "facility", "measure", "oedema", "date", *NUMBER_COLUMNS)
    frame = _identifiers(frame)
    frame = _date(frame, today)
    frame = _numbers(frame, limits)
    frame = _codes(frame, codes, hb_codes)
    return joined_reasons(frame)


def _identifiers(frame: pl.DataFrame) -> pl.DataFrame:
    """Resolve HIS's (type, number) into dni/cui/cnv, then check every identifier's form."""
    number = pl.col("document_number").str.replace_all(r"[\s.\-]", "")
    kind = pl.col("document_type").str.to_uppercase().str.replace_all(r"[.\s]", "")
    # Without a type, 8 digits are a DNI and a longer number a CNV (a newborn's usual id).
    guessed = (
        pl.when(number.str.contains(r"^[0-9]{8}$")).then(pl.lit("dni")).otherwise(pl.lit("cnv"))
    )
    frame = frame.with_columns(
        pl.when(kind.is_null())
        .then(guessed)
        .otherwise(kind.replace_strict(DOCUMENT_TYPES, default=None))
        .alias("__doc_kind")
    )
    frame = with_checks(
        frame,
        [
            reason_where(
                pl.col("document_number").is_not_null()
                & pl.col("document_type").is_not_null()
                & pl.col("__doc_kind").is_null(),
                "event_document_type",
                pl.col("document_type"),
            )
        ],
    )
    frame = frame.with_columns(
        pl.coalesce(
            pl.col(name),
            pl.when(pl.col("__doc_kind") == name).then(pl.col("document_number")),
        )
        .str.replace_all(r"[\s.\-]", "")
        .alias(name)
        for name in IDENTIFIERS
    ).drop("__doc_kind")
    low, high = CNV_DIGITS
    checks = [
        reason_where(
            pl.all_horizontal(pl.col(IDENTIFIERS).is_null()) & pl.col("document_type").is_null(),
            "event_no_child_id",
        )
    ]
    patterns = {"dni": r"^[0-9]{8}$", "cui": r"^[0-9]{8}$", "cnv": rf"^[0-9]{{{low},{high}}}$"}
    for name, pattern in patterns.items():
        bad = pl.col(name).is_not_null() & ~pl.col(name).str.contains(pattern)
        checks.append(reason_where(bad, "event_bad_id", name.upper(), pl.col(name)))
    return with_checks(frame, checks)


def _date(frame: pl.DataFrame, today: date) -> pl.DataFrame:
    parsed = parse_dates(pl.col("date"))
    frame = frame.with_columns(parsed.alias("__date"))
    checks = [
        reason_where(pl.col("date").is_null(), "event_no_date"),
        reason_where(
            pl.col("date").is_not_null() & pl.col("__date").is_null(),
            "event_bad_date",
            pl.col("date"),
        ),
        reason_where(pl.col("__date") > today, "event_future", pl.col("__date")),
    ]
    frame = with_checks(frame, checks)
    return frame.with_columns(pl.col("__date").alias("date")).drop("__date")


def _numbers(frame: pl.DataFrame, limits: Limits) -> pl.DataFrame:
    parsed = {
        name: pl.col(name).str.replace(",", ".").cast(pl.Float64, strict=False)
        for name in NUMBER_COLUMNS
    }
    frame = frame.with_columns(expr.alias(f"__{name}") for name, expr in parsed.items())
    checks = []
    for name in NUMBER_COLUMNS:
        value = pl.col(f"__{name}")
        low, high = limits.of(name)
        checks.append(
            reason_where(
                pl.col(name).is_not_null() & value.is_null(),
                "event_not_a_number",
                name,
                pl.col(name),
            )
        )
        # HIS writes 0 for "not measured": a zero is an absent value, not an implausible one.
        measured = value.is_not_null() & ((value != 0) | (pl.lit(name) == "altitude_m"))
        checks.append(
            reason_where(
                measured & ~value.is_between(low, high), "event_range", name, value, low, high
            )
        )
    measure = pl.col("measure").str.to_uppercase().replace_strict(MEASURE_WORDS, default=None)
    oedema = (
        pl.col("oedema")
        .str.to_uppercase()
        .str.replace_all("Í", "I")
        .replace_strict(BOOLEAN_WORDS, default=None, return_dtype=pl.Boolean)
    )
    frame = frame.with_columns(measure.alias("__measure"), oedema.alias("__oedema"))
    checks += [
        reason_where(
            pl.col("measure").is_not_null() & pl.col("__measure").is_null(),
            "event_measure",
            pl.col("measure"),
        ),
        reason_where(
            pl.col("oedema").is_not_null() & pl.col("__oedema").is_null(),
            "event_oedema",
            pl.col("oedema"),
        ),
    ]
    frame = with_checks(frame, checks)
    zero_is_absent = [
        pl.when(pl.col(f"__{name}") != 0).then(pl.col(f"__{name}")).alias(name)
        for name in ("weight_kg", "length_cm", "head_cm", "hb")
    ]
    return frame.with_columns(
        *zero_is_absent,
        pl.col("__altitude_m").alias("altitude_m"),
        pl.col("__measure").alias("measure"),
        pl.col("__oedema").fill_null(False).alias("oedema"),
    ).drop([f"__{n}" for n in NUMBER_COLUMNS] + ["__measure", "__oedema"])


def _codes(frame: pl.DataFrame, codes: frozenset[str], hb_codes: Collection[str]) -> pl.DataFrame:
    code = pl.col("code").str.to_uppercase().str.replace_all(r"\s", "")
    lab_number = pl.col("lab").str.replace(",", ".").cast(pl.Float64, strict=False)
    is_hb_code = code.is_in(list(hb_codes))
    frame = frame.with_columns(
        code.alias("code"),
        # HIS records an Hb result in the LAB field of its test code.
        pl.coalesce(pl.col("hb"), pl.when(is_hb_code & (lab_number > 0)).then(lab_number)).alias(
            "hb"
        ),
    )
    frame = frame.with_columns(
        pl.when(pl.col("facility").str.contains(r"^[0-9]+$"))
        .then(pl.col("facility").str.zfill(8))
        .otherwise(pl.col("facility"))
        .alias("facility")
    )
    nothing = pl.all_horizontal(pl.col("code", "weight_kg", "length_cm", "head_cm", "hb").is_null())
    checks = [
        reason_where(
            pl.col("code").is_not_null() & ~pl.col("code").is_in(list(codes)),
            "event_unknown_code",
            pl.col("code"),
        ),
        reason_where(nothing, "event_nothing"),
        reason_where(
            pl.col("facility").is_not_null() & ~pl.col("facility").str.contains(r"^[0-9]{8}$"),
            "event_bad_id",
            "RENIPRESS",
            pl.col("facility"),
        ),
    ]
    frame = with_checks(frame, checks)
    return frame.with_columns(pl.col("lab").fill_null(""), pl.col("facility").fill_null(""))
