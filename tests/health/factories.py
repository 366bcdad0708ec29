"""Event files built in code: HIS-MINSA-shaped rows (Spanish headers, one attention per row)
and Crecer's own CSV; children created directly in the registry."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

from crecer.registry.models import Child

HOME = "050101"  # Ayacucho (Huamanga), in the bundled ubigeo hierarchy
HIS_HEADERS = {
    "date": "Fecha_Atencion",
    "document_type": "Tipo_Doc_Paciente",
    "document_number": "Numero_Documento_Paciente",
    "code": "Codigo_Item",
    "lab": "Valor_Lab",
    "facility": "Codigo_Unico",
    "weight_kg": "Peso",
    "length_cm": "Talla",
    "hb": "Hemoglobina",
    "head_cm": "Perimetro_Cefalico",
}
OWN_HEADERS = {
    name: name
    for name in [
        "dni",
        "cui",
        "cnv",
        "padron_code",
        "date",
        "code",
        "lab",
        "facility",
        "weight_kg",
        "length_cm",
        "measure",
        "head_cm",
        "oedema",
        "hb",
        "altitude_m",
    ]
}


def make_child(dni: str | None = "71234567", **extra) -> Child:
    fields = {
        "dni": dni,
        "paternal_surname": "QUISPE",
        "given_names": "MARIA",
        "sex": "2",
        "birth_date": date(2024, 3, 15),
        "district_id": HOME,
    } | extra
    child = Child(**fields)
    child._change_reason = "test"
    child.save()
    return child


def his_row(**overrides: str) -> dict[str, str]:
    row = {
        "date": "15/09/2024",
        "document_type": "1",
        "document_number": "71234567",
        "code": "99381",
        "lab": "",
        "facility": "00001234",
        "weight_kg": "7,2",
        "length_cm": "65.5",
        "hb": "",
        "head_cm": "",
    }
    return row | overrides


def own_row(**overrides: str) -> dict[str, str]:
    row = {"dni": "71234567", "date": "2024-09-15", "code": "99381", "facility": "00001234"}
    return row | overrides


def write_events(
    path: Path,
    rows: list[dict[str, str]],
    *,
    headers: dict[str, str] = OWN_HEADERS,
    delimiter: str = ",",
    encoding: str = "utf-8",
) -> Path:
    columns = list(headers)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow([headers[c] for c in columns])
    writer.writerows([row.get(c, "") for c in columns] for row in rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path
