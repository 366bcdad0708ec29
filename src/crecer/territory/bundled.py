"""The INEI ubigeo hierarchy shipped with Crecer (see ``data/ATTRIBUTION.md``).

Loaded by a data migration, so every database starts with all departments, provinces and
districts. Idempotent: running it again on a loaded database changes nothing.
"""

from __future__ import annotations

import csv
from importlib.resources import files
from typing import Any

UBIGEO_FILE = files("crecer.territory").joinpath("data/ubigeo.csv")


def bundled_rows() -> list[dict[str, str]]:
    with UBIGEO_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_bundled_hierarchy(department: Any, province: Any, district: Any) -> None:
    """Insert the bundled units that are missing; the model classes are passed in so that a
    migration can use its historical models."""
    rows = bundled_rows()
    departments = {row["department_code"]: row["department"] for row in rows}
    provinces = {row["province_code"]: (row["department_code"], row["province"]) for row in rows}
    have = set(department.objects.values_list("code", flat=True))
    department.objects.bulk_create(
        department(code=code, name=name) for code, name in departments.items() if code not in have
    )
    have = set(province.objects.values_list("code", flat=True))
    province.objects.bulk_create(
        province(code=code, department_id=parent, name=name)
        for code, (parent, name) in provinces.items()
        if code not in have
    )
    have = set(district.objects.values_list("ubigeo", flat=True))
    district.objects.bulk_create(
        (
            district(ubigeo=row["ubigeo"], province_id=row["province_code"], name=row["district"])
            for row in rows
            if row["ubigeo"] not in have
        ),
        batch_size=500,
    )
