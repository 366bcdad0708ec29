"""The registry of a territory as a file, in the official column order of the export."""

from __future__ import annotations

import io
from datetime import date

import polars as pl
from django.db.models import QuerySet

from crecer.ingest.safe_cells import safe_frame, xlsx_row
from crecer.registry.columns import ALIASES, EXPORT_ORDER
from crecer.registry.models import Child
from crecer.territory.models import within

# Model fields that export as another column name.
COLUMN_SOURCES = {"ubigeo": "district_id", "populated_center_code": "populated_center_id"}


def official_header(column: str) -> str:
    """The export's own Spanish header for one of Crecer's column names."""
    return ALIASES[column][0]


def in_territory(code: str, children: QuerySet | None = None) -> QuerySet:
    """Children (of ``children``, default all) of a department (2 digits), province (4) or
    district (6)."""
    base = Child.objects.all() if children is None else children
    return base.filter(within(code)).order_by("district_id", "pk")


def registry_frame(children: QuerySet) -> pl.DataFrame:
    sources = [COLUMN_SOURCES.get(column, column) for column in EXPORT_ORDER]
    rows = list(children.values_list(*sources))
    columns = list(zip(*rows, strict=True)) if rows else [() for _ in EXPORT_ORDER]
    return pl.DataFrame(
        {
            official_header(column): pl.Series([_text(v) for v in values], dtype=pl.String)
            for column, values in zip(EXPORT_ORDER, columns, strict=True)
        }
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "SI" if value else "NO"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")  # as the export writes dates
    return str(value)


def to_csv(frame: pl.DataFrame) -> bytes:
    # A BOM so that Excel on Windows opens the UTF-8 file with its accents and Ñ; every text
    # cell formula-safe (a name starting with "=" is written as "'=...").
    return b"\xef\xbb\xbf" + safe_frame(frame).write_csv(separator=";").encode("utf-8")


def to_xlsx(frame: pl.DataFrame) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Padrón")
    sheet.append(xlsx_row(sheet, frame.columns))
    for row in frame.iter_rows():
        sheet.append(xlsx_row(sheet, row))  # text typed as text, formula-safe
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
