"""A synthetic padrón file shaped like the RENIEC export, with realistic faults (~3 % bad rows).

Deterministic from a seed. Used by ``import_padron.py``; not test data and not the demo
population (that is ``crecer.demo``).
"""

from __future__ import annotations

import csv
import random
from datetime import date, timedelta
from pathlib import Path

HEADER = [
    "Código del padrón nominal",
    "Número de CNV",
    "CUI",
    "DNI",
    "Apellido paterno",
    "Apellido materno",
    "Nombres",
    "Código de sexo",
    "Fecha de nacimiento",
    "Ubigeo",
    "Descripción",
    "Referencia de dirección",
    "Nombre de centro poblado",
    "¿Menor encontrado?",
    "Menor visitado",
    "Nombre del EESS",
    "Tipo de documento de la madre",
    "Número de documento de la madre",
    "Apellido paterno de la madre",
    "Nombres de la madre",
    "Número de celular de la madre",
    "Grado de instrucción de la madre",
    "Lengua habitual de la madre",
    "Estado registro",
    "Tipo de seguro del beneficiario",
    "Programas sociales del niño",
]
SURNAMES = [
    "QUISPE",
    "HUAMÁN",
    "MAMANI",
    "CCAHUANA",
    "GUTIÉRREZ",
    "ÑAHUI",
    "FLORES",
    "ROJAS",
    "SÁNCHEZ",
    "CONDORI",
    "YUPANQUI",
    "PALOMINO",
    "TORRES",
    "VARGAS",
    "CHÁVEZ",
]
NAMES = ["MARÍA", "JOSÉ", "ROSA", "JUAN", "LUZ", "ÁNGEL", "SOFÍA", "LUIS", "NAYELI", "YOSELIN"]
FAULTS = ["bad_dni", "no_identifier", "future", "unknown_ubigeo", "bad_sex", "bad_date"]


def write(
    path: Path,
    rows: int,
    ubigeos: list[str],
    seed: int = 2026,
    today: date = date(2026, 11, 28),
    fault_share: float = 0.03,
) -> None:
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(HEADER)
        for index in range(rows):
            born = today - timedelta(days=rng.randrange(1, 6 * 365 - 2))
            dni = f"{70000000 + index:08d}"
            row = [
                f"{index + 1:09d}",
                f"{1000000000 + index}",
                "",
                dni if rng.random() < 0.96 else "",
                rng.choice(SURNAMES),
                rng.choice(SURNAMES),
                rng.choice(NAMES),
                rng.choice("12"),
                born.strftime("%d/%m/%Y"),
                rng.choice(ubigeos),
                f"JR. LIMA {rng.randrange(999)}",
                "FRENTE A LA PLAZA",
                "",
                rng.choice(["SI", "NO", ""]),
                rng.choice(["SI", ""]),
                "P.S. HUAMANGUILLA",
                "DNI",
                f"{40000000 + index:08d}",
                rng.choice(SURNAMES),
                rng.choice(NAMES),
                f"9{rng.randrange(10**8):08d}",
                "SECUNDARIA",
                "QUECHUA",
                "1",
                rng.choice("0112"),
                rng.choice(["", "4", "4,7", "2"]),
            ]
            if rng.random() < fault_share:
                fault = rng.choice(FAULTS)
                if fault == "bad_dni":
                    row[3] = dni[:7]
                elif fault == "no_identifier":
                    row[0] = row[1] = row[3] = ""
                elif fault == "future":
                    row[8] = (today + timedelta(days=30)).strftime("%d/%m/%Y")
                elif fault == "unknown_ubigeo":
                    row[9] = "999999"
                elif fault == "bad_sex":
                    row[7] = "X"
                else:
                    row[8] = "31/02/2024"
            writer.writerow(row)
