"""Padrón files built in code, shaped like the RENIEC export (Spanish headers)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

HEADERS = {
    "dni": "DNI",
    "cnv": "Número de CNV",
    "padron_code": "Código del padrón nominal",
    "paternal_surname": "Apellido paterno",
    "maternal_surname": "Apellido materno",
    "given_names": "Nombres",
    "sex": "Código de sexo",
    "birth_date": "Fecha de nacimiento",
    "ubigeo": "Ubigeo",
    "populated_center_code": "Código de centro poblado",
    "address": "Descripción",
    "mother_document_number": "Número de documento de la madre",
    "mother_given_names": "Nombres de la madre",
    "insurance": "Tipo de seguro del beneficiario",
    "programs": "Programas sociales del niño",
    "found": "¿Menor encontrado?",
}


def child_row(**overrides: str) -> dict[str, str]:
    row = {
        "dni": "71234567",
        "cnv": "1000123456",
        "padron_code": "",
        "paternal_surname": "QUISPE",
        "maternal_surname": "HUAMÁN",
        "given_names": "María",
        "sex": "2",
        "birth_date": "15/03/2024",
        "ubigeo": "050403",
        "populated_center_code": "",
        "address": "Jr. Lima 123",
        "mother_document_number": "41234567",
        "mother_given_names": "ROSA",
        "insurance": "1",
        "programs": "4",
        "found": "SI",
    }
    return row | overrides


def write_padron(
    path: Path,
    rows: list[dict[str, str]],
    *,
    delimiter: str = ";",
    encoding: str = "utf-8",
    headers: dict[str, str] = HEADERS,
    bom: bool = False,
) -> Path:
    columns = list(headers)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([headers[c] for c in columns])
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path
