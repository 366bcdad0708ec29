"""Formats of the identifiers in the registry. Pure functions, no database.

DNI and CUI: 8 digits (the CUI given at birth registration becomes the DNI number).
CNV (online birth certificate): digits only; the exact length is not confirmed in our sources,
so 6 to 12 digits are accepted (``CNV_DIGITS``), to be narrowed when the norm is confirmed.
"""

from __future__ import annotations

import re

from crecer.ingest.text import fold as fold  # names are compared folded, as headers are
from crecer.ingest.text import is_digits

DNI_PATTERN = re.compile(r"^[0-9]{8}$")
CNV_DIGITS = (6, 12)  # unconfirmed: see the module docstring
FOREIGN_DOCUMENT_PATTERN = re.compile(r"^[A-Z0-9]{6,12}$")


def clean_number(value: str | None) -> str:
    """Strip spaces, dots and dashes that spreadsheets and people add to numbers."""
    return re.sub(r"[\s.\-]", "", value or "")


def dni_problem(value: str) -> str | None:
    """Why ``value`` is not a DNI/CUI (None when it is one)."""
    if not DNI_PATTERN.match(value):
        return "must be 8 digits"
    if value == "00000000":
        return "cannot be all zeros"
    return None


def cnv_problem(value: str) -> str | None:
    low, high = CNV_DIGITS
    if not is_digits(value) or not low <= len(value) <= high:
        return f"must be {low} to {high} digits"
    return None


def document_problem(document_type: str, number: str) -> str | None:
    """Why a mother's or household head's document number is wrong for its type."""
    if document_type == "DNI":
        return dni_problem(number)
    if not FOREIGN_DOCUMENT_PATTERN.match(number.upper()):
        return "must be 6 to 12 letters or digits"
    return None
