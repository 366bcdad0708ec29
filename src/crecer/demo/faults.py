"""Realistic faults in a Padrón export, each with the exact quarantine reasons the registry
importer gives it (``crecer.registry.reasons`` codes and values), so a test can check that an
import quarantines exactly those lines. Pure: text rows and a random generator in.

One fault per faulty row, so that its reasons are known exactly; duplicates are copies of
clean rows appended at the end of the file (an export concatenated twice, in part).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np
import polars as pl

from crecer.demo.export import DATE_FORMAT

FAULTS = (
    "missing_given_names",
    "missing_sex",
    "bad_sex",
    "bad_dni",
    "bad_cnv",
    "no_identifier",
    "future_birth_date",
    "over_six",
    "bad_date",
    "unknown_ubigeo",
    "unknown_center",
    "bad_mother_dni",
    "bad_insurance",
    "bad_email",
    "duplicate",
)
FIRST_LINE = 2  # line 1 is the header
IDENTIFIER_LABELS = {"dni": "DNI", "cui": "CUI", "cnv": "CNV", "padron_code": "PADRON_CODE"}


@dataclass
class Injected:
    """A chunk of the export after :func:`inject`."""

    rows: pl.DataFrame  # the chunk, some rows spoiled in place
    copies: pl.DataFrame  # clean rows to repeat at the very end of the file
    expected: list[dict]  # {"line", "fault", "reasons": [[code, *values], …]} of spoiled rows
    copy_reasons: list[list[list[str]]]  # reasons of each copy, in order


def inject(
    rows: pl.DataFrame,
    *,
    rng: np.random.Generator,
    rate: float,
    as_of: date,
    centers: frozenset[str],
    first_line: int = FIRST_LINE,
) -> Injected:
    """Spoil about ``rate`` × rows rows of a chunk whose first row is on ``first_line``."""
    n = rows.height
    count = min(round(rate * n), n)
    chosen = np.sort(rng.choice(n, size=count, replace=False)) if count else np.array([], int)
    kinds = rng.choice(len(FAULTS), size=count)
    columns = {name: rows[name].to_numpy().astype(object).copy() for name in rows.columns}
    expected: list[dict] = []
    duplicates: list[int] = []
    for index, kind in zip(chosen.tolist(), kinds.tolist(), strict=True):
        fault = FAULTS[kind]
        if fault == "unknown_center" and _unknown_center(columns, index) in centers:
            fault = "bad_sex"  # the made-up code exists: fall back to a fault that always works
        if fault == "duplicate":
            duplicates.append(index)
            continue
        reasons = _apply(fault, columns, index, as_of, rng)
        expected.append({"line": first_line + index, "fault": fault, "reasons": reasons})
    faulty = pl.DataFrame(columns, schema=rows.schema)
    copies = faulty[duplicates] if duplicates else faulty.clear()
    copy_reasons = [
        [
            ["duplicate", label, str(first_line + index)]
            for name, label in IDENTIFIER_LABELS.items()
            if columns[name][index]
        ]
        for index in duplicates
    ]
    return Injected(faulty, copies, expected, copy_reasons)


def copies_expected(reasons: list[list[list[str]]], first_line: int) -> list[dict]:
    """Expected entries of the copies once written from ``first_line`` on."""
    return [
        {"line": first_line + offset, "fault": "duplicate", "reasons": copy}
        for offset, copy in enumerate(reasons)
    ]


def _unknown_center(columns: dict[str, np.ndarray], index: int) -> str:
    return f"{columns['ubigeo'][index]}9999"


def _apply(
    fault: str, columns: dict[str, np.ndarray], i: int, as_of: date, rng: np.random.Generator
) -> list[list[str]]:
    """Spoil row ``i`` in place; return its reasons."""

    def put(name: str, value: str) -> None:
        columns[name][i] = value

    if fault == "missing_given_names":
        put("given_names", "")
        return [["missing", "given_names"]]
    if fault == "missing_sex":
        put("sex", "")
        return [["missing", "sex"]]
    if fault == "bad_sex":
        put("sex", "3")
        return [["sex", "3"]]
    if fault == "bad_dni":
        # The 9-digit registry code typed in the DNI column: wrong length, and unique.
        put("dni", columns["padron_code"][i])
        return [["not_8_digits", "DNI", columns["dni"][i]]]
    if fault == "bad_cnv":
        put("cnv", columns["padron_code"][i] + "0000")  # 13 digits
        return [["cnv_digits", columns["cnv"][i], "6", "12"]]
    if fault == "no_identifier":
        for name in IDENTIFIER_LABELS:
            put(name, "")
        return [["no_identifier"]]
    if fault == "future_birth_date":
        put(
            "birth_date", (as_of + timedelta(days=int(rng.integers(30, 365)))).strftime(DATE_FORMAT)
        )
        return [["future", "birth_date"]]
    if fault == "over_six":
        born = as_of.replace(year=as_of.year - 6) - timedelta(days=int(rng.integers(1, 700)))
        put("birth_date", born.strftime(DATE_FORMAT))
        return [["over_six"]]
    if fault == "bad_date":
        put("birth_date", f"31/02/{as_of.year - 2}")
        return [["not_a_date", "birth_date", columns["birth_date"][i]]]
    if fault == "unknown_ubigeo":
        put("ubigeo", "999999")
        put("populated_center_code", "")  # else it would also be "not in district 999999"
        return [["unknown_ubigeo", "999999"]]
    if fault == "unknown_center":
        put("populated_center_code", _unknown_center(columns, i))
        return [["unknown_center", columns["populated_center_code"][i]]]
    if fault == "bad_mother_dni":
        put("mother_document_type", "DNI")
        put("mother_document_number", (columns["mother_document_number"][i] or "4123456")[:7])
        return [["document_dni", "mother", columns["mother_document_number"][i]]]
    if fault == "bad_insurance":
        put("insurance", "9")
        return [["insurance", "9"]]
    if fault == "bad_email":
        put("mother_email", "correo.sin.arroba")
        return [["email", "correo.sin.arroba"]]
    raise ValueError(fault)
