"""The outside lists of :mod:`crecer.linkage.sources` (CNV birth list, SIS affiliates, JUNTOS
household members, Cuna Más users), drawn from the generated children with each source's own
headers: text values, dates ``DD/MM/AAAA``. Pure: frames and a random generator in, frames out.

Who is on each list follows the generated facts: every child with a CNV; children insured by
SIS (``insurance`` 1); children in JUNTOS (program 4), one household per mother with the mother
as titular; children in Cuna Más (program 7: ``SCD`` day care, 8: ``SAF`` family support).

Assumptions (not measured): children's names carry the errors of
:mod:`crecer.demo.record_errors` at a third of a duplicate's shares (the CNV list, which has no
child names, gets only the mother's); a child with a DNI appears without it in 10 % of SIS rows,
25 % of JUNTOS rows (members are added at birth and the household record is seldom updated) and
5 % of Cuna Más rows; a child without a DNI is listed with its CNV on SIS and Cuna Más, or with
no document. Each list writes sex its own way (``M``/``F``, ``1``/``2``, words) as files do.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import numpy as np
import polars as pl

from crecer.demo import record_errors
from crecer.demo.export import DATE_FORMAT
from crecer.demo.identifiers import scrambled
from crecer.linkage.sources import SOURCES, Source

SEX_WORDS = {
    "cnv": ("M", "F"),
    "sis": ("1", "2"),
    "juntos": ("MASCULINO", "FEMENINO"),
    "cuna_mas": ("M", "F"),
}
DNI_LEFT_OUT = {"sis": 0.10, "juntos": 0.25, "cuna_mas": 0.05}
CHILD_KINDS = [
    "surnames_swapped", "spelling_variant", "second_surname_missing", "first_given_only", "typo",
    "accents_dropped", "day_month_swapped", "mother_document_missing",
]  # fmt: skip
SHARES: dict[str, dict[str, float]] = {
    "cnv": record_errors.CNV_SHARES,
    "sis": record_errors.list_shares(CHILD_KINDS),  # no populated center on the SIS list
    "juntos": record_errors.list_shares([*CHILD_KINDS, "other_center"]),
    "cuna_mas": record_errors.list_shares([*CHILD_KINDS, "other_center"]),
}
SCD_FROM_DAYS = 182  # Cuna Más day care takes children from 6 months


def headers(source: Source) -> list[str]:
    """The file's headers: the key, the child's document (type, number) when the source has
    one, then the source's other columns in their order."""
    document = list(source.document or ())
    return [source.key, *document, *(h for h in source.columns if h != source.key)]


def members(people: pl.DataFrame) -> dict[str, np.ndarray]:
    """Who is on each list (a boolean per row of ``people``)."""
    programs = people["programs"].fill_null("").str.split(",")
    return {
        "cnv": people["has_cnv"].to_numpy(),
        "sis": (people["insurance"] == "1").to_numpy(),
        "juntos": programs.list.contains("4").to_numpy(),
        "cuna_mas": (programs.list.contains("7") | programs.list.contains("8")).to_numpy(),
    }


def build(
    people: pl.DataFrame,
    source_id: str,
    *,
    rng: np.random.Generator,
    context: record_errors.Context,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The list ``source_id`` of ``people`` (children frame columns; ``child`` is the person)
    and its truth rows (``source``, ``key``, ``person``, ``errors``), one per list row."""
    rows = people.filter(pl.Series(members(people)[source_id]))
    rows = record_errors.spoil(rows, SHARES[source_id], rng=rng, context=context)
    values = BUILDERS[source_id](rows, rng, context.as_of)
    source = SOURCES[source_id]
    text = rows.select(values[header].alias(header) for header in headers(source))
    text = text.with_columns(pl.col(pl.Date).dt.strftime(DATE_FORMAT))
    text = text.select(pl.all().cast(pl.String).fill_null(""))
    truth = pl.DataFrame({"key": text[source.key], "person": rows["child"]}).select(
        pl.lit(source_id).alias("source"), "key", "person", pl.lit(rows["errors"]).alias("errors")
    )
    return text, truth


Values = dict[str, pl.Expr]  # header -> value (typed; formatted by build)
Builder = Callable[[pl.DataFrame, np.random.Generator, date], Values]


def _sex(source_id: str) -> pl.Expr:
    male, female = SEX_WORDS[source_id]
    return pl.when(pl.col("sex") == "1").then(pl.lit(male)).otherwise(pl.lit(female))


def _key(kind: str, numbers: pl.Series) -> pl.Expr:
    return pl.lit(pl.Series(scrambled(kind, numbers.to_numpy()), dtype=pl.String))


def _child_names() -> Values:
    return {
        "AP_PATERNO": pl.col("paternal_surname"),
        "AP_MATERNO": pl.col("maternal_surname"),
        "NOMBRES": pl.col("given_names"),
        "FE_NACIMIENTO": pl.col("birth_date"),
    }


def _dni_kept(rows: pl.DataFrame, rng: np.random.Generator, source_id: str) -> pl.Expr:
    """The child's DNI where the list has it (some rows never got it)."""
    kept = rng.random(rows.height) >= DNI_LEFT_OUT[source_id]
    return pl.when(pl.Series(kept)).then(pl.col("dni"))


def _document(rows: pl.DataFrame, rng: np.random.Generator, source_id: str) -> Values:
    """TIPO_DOC / NU_DOC: the DNI, else the CNV, else nothing."""
    dni = _dni_kept(rows, rng, source_id)
    number = pl.when(pl.col("dni").is_not_null()).then(dni).otherwise(pl.col("cnv"))
    kind = (
        pl.when(pl.col("dni").is_not_null())
        .then(pl.when(dni.is_not_null()).then(pl.lit("DNI")))
        .when(pl.col("cnv").is_not_null())
        .then(pl.lit("CNV"))
    )
    return {"TIPO_DOC": kind, "NU_DOC": number}


def _start(
    rows: pl.DataFrame, rng: np.random.Generator, as_of: date, from_days: np.ndarray
) -> pl.Expr:
    """A program start between the age ``from_days`` (or birth, if younger) and ``as_of``;
    counted back from ``as_of`` on the true age, not on a birth date the list may have wrong."""
    age = rows["age_days"].to_numpy()
    low = np.minimum(from_days, age)
    days = low + np.floor(rng.random(rows.height) * (age - low + 1)).astype(np.int64)
    return pl.lit(as_of) - pl.duration(days=pl.lit(pl.Series(age - days)))


def cnv_values(rows: pl.DataFrame, rng: np.random.Generator, as_of: date) -> Values:
    return {
        "NU_CNV": pl.col("cnv"),
        "FE_NACIMIENTO": pl.col("birth_date"),
        "SEXO": _sex("cnv"),
        "PESO_NACER_G": pl.col("birth_weight_g"),
        "SEMANAS_GESTACION": pl.col("gestational_age_weeks"),
        "NU_DOC_MADRE": pl.col("mother_document_number"),
        "AP_PATERNO_MADRE": pl.col("mother_paternal_surname"),
        "AP_MATERNO_MADRE": pl.col("mother_maternal_surname"),
        "NOMBRES_MADRE": pl.col("mother_given_names"),
        "UBIGEO_RESIDENCIA": pl.col("ubigeo"),
        # Born where the child is cared for (assumption: the generator draws no birth place).
        "ESTABLECIMIENTO": pl.col("care_facility"),
    }


def sis_values(rows: pl.DataFrame, rng: np.random.Generator, as_of: date) -> Values:
    return {
        "CO_AFILIACION": _key("sis_affiliation", rows["child"]),
        **_document(rows, rng, "sis"),
        **_child_names(),
        "SEXO": _sex("sis"),
        "UBIGEO": pl.col("ubigeo"),
        "NU_DOC_TITULAR": pl.col("mother_document_number"),
        "FE_AFILIACION": pl.col("sis_affiliation_date"),
    }


def juntos_values(rows: pl.DataFrame, rng: np.random.Generator, as_of: date) -> Values:
    dni_mother = pl.col("mother_document_type") == "DNI"
    return {
        "CO_MIEMBRO": _key("juntos_member", rows["child"]),
        "CO_HOGAR": _key("juntos_household", rows["mother"]),
        "UBIGEO": pl.col("ubigeo"),
        "CENTRO_POBLADO": pl.col("populated_center_name"),
        "DNI_TITULAR": pl.when(dni_mother).then(pl.col("mother_document_number")),
        "AP_PATERNO_TITULAR": pl.col("mother_paternal_surname"),
        "AP_MATERNO_TITULAR": pl.col("mother_maternal_surname"),
        "NOMBRES_TITULAR": pl.col("mother_given_names"),
        "DNI_MIEMBRO": _dni_kept(rows, rng, "juntos"),
        **_child_names(),
        "SEXO": _sex("juntos"),
        "FE_AFILIACION": _start(rows, rng, as_of, np.zeros(rows.height, dtype=np.int64)),
    }


def cuna_mas_values(rows: pl.DataFrame, rng: np.random.Generator, as_of: date) -> Values:
    day_care = rows["programs"].fill_null("").str.split(",").list.contains("7").to_numpy()
    return {
        "CO_USUARIO": _key("cuna_mas_user", rows["child"]),
        **_document(rows, rng, "cuna_mas"),
        "SERVICIO": pl.lit(pl.Series(np.where(day_care, "SCD", "SAF"))),
        "UBIGEO": pl.col("ubigeo"),
        "CENTRO_POBLADO": pl.col("populated_center_name"),
        **_child_names(),
        "SEXO": _sex("cuna_mas"),
        "NU_DOC_MADRE": pl.col("mother_document_number"),
        "FE_INGRESO": _start(rows, rng, as_of, np.where(day_care, SCD_FROM_DAYS, 0)),
    }


BUILDERS: dict[str, Builder] = {
    "cnv": cnv_values,
    "sis": sis_values,
    "juntos": juntos_values,
    "cuna_mas": cuna_mas_values,
}
