"""A small survey child file: 2 departments x 2 strata (urban, rural) x 3 clusters x 10
children, with lengths and weights around Peru-like z-scores and Hb at the cluster's altitude,
and the same children as arrays (to recompute the estimates with crecer.survey directly)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

HEADER = (
    "conglomerado,estrato,peso_muestral,departamento,distrito,area,sexo,edad_meses,talla_cm,"
    "peso_kg,medicion,edema,hemoglobina,altitud,fecha_entrevista"
)


def survey_rows(seed: int = 7) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    rows = []
    # Ayacucho's urban clusters in Huamanga, its rural ones in Huamanguilla; Huancavelica's in
    # its capital district.
    districts = {("05", "U"): "050101", ("05", "R"): "050403", ("09", "U"): "090101",
                 ("09", "R"): "090101"}  # fmt: skip
    for department, altitude in (("05", 2750.0), ("09", 3680.0)):
        for area in ("U", "R"):
            for cluster in range(3):
                weight = round(float(rng.uniform(0.5, 2.0)), 4)
                for _ in range(10):
                    age = int(rng.integers(0, 60))
                    height = 49.5 + 25.5 * (age / 12) ** 0.55 - abs(rng.normal(2.5, 3.0))
                    mass = 3.3 + 6.3 * (age / 12) ** 0.55 - abs(rng.normal(0.5, 1.0))
                    hb = round(float(rng.normal(12.6, 1.2)), 1)
                    rows.append([
                        f"{department}{area}{cluster}", f"{department}-{area}", str(weight),
                        department, districts[department, area], area,
                        str(rng.choice(["1", "2"])), str(age),
                        f"{height:.1f}", f"{mass:.1f}", "l" if age < 24 else "h", "n",
                        f"{hb:.1f}", f"{altitude:.0f}", "15/06/2026",
                    ])  # fmt: skip
    return rows


def write_survey(path: Path, rows: list[list[str]], extra: str = "") -> Path:
    path.write_text(
        HEADER + "\n" + "\n".join(",".join(r) for r in rows) + "\n" + extra, encoding="utf-8"
    )
    return path
