"""Territory frames built in code for the pure generator (what ``crecer.demo.inputs`` reads
from the database), small and explicit."""

from __future__ import annotations

from datetime import date

import polars as pl

from crecer.demo import generator, population
from crecer.norms import load_profile

AS_OF = date(2025, 11, 1)
PROFILE = load_profile("peru")


def districts(scale: float = 1.0) -> pl.DataFrame:
    """Three Huanta districts with made-up attributes (a town, a poor rural district, and one
    whose attributes are not loaded), plus one of Lima to have two departments."""
    frame = pl.DataFrame(
        {
            "ubigeo": ["050401", "050402", "050403", "150101"],
            "name": ["Huanta", "Ayahuanco", "Huamanguilla", "Lima"],
            "altitude_m": [2628.0, 3100.0, None, 154.0],
            "poverty_pct": [35.0, 75.0, None, 15.0],
            "extreme_poverty_pct": [8.0, 35.0, None, 1.0],
            "population": [50_000 * scale, 10_000 * scale, None, 20_000 * scale],
            "rural_share": [0.3, 0.95, None, 0.0],
        }
    )
    return population.prepare_districts(frame)[0]


def centers() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": ["0504010001", "0504010002", "0504020001", "0504020002"],
            "ubigeo": ["050401", "050401", "050402", "050402"],
            "name": ["HUANTA", "CHACCO", "AYAHUANCO", "VIRACOCHAN"],
            "area": ["U", "R", "U", "R"],
            "altitude_m": [2628.0, 2900.0, 3100.0, 3400.0],
        }
    )


def facilities() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "code": ["00003479"],
            "ubigeo": ["050401"],
            "name": ["HOSPITAL DE APOYO HUANTA"],
            "altitude_m": [2628.0],
        }
    )


def generate(seed: int = 1, scale: float = 1.0) -> generator.Population:
    parts = generator.generate(
        districts(scale),
        centers(),
        facilities(),
        profile=PROFILE,
        seed=seed,
        factor=1.0,
        as_of=AS_OF,
    )
    return generator.Population.concat(list(parts))
