"""Small official-shaped files built in code, with keyword overrides."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

CENTROS_COLUMNS = [
    "ccpp_code",
    "ubigeo",
    "department",
    "province",
    "district",
    "name",
    "area_type",
    "latitude",
    "longitude",
    "altitude_m",
]


def centro(**overrides: str) -> dict[str, str]:
    row = {
        "ccpp_code": "0504030001",
        "ubigeo": "050403",
        "department": "AYACUCHO",
        "province": "HUANTA",
        "district": "HUAMANGUILLA",
        "name": "HUAMANGUILLA",
        "area_type": "Urban",
        "latitude": "-13.0111",
        "longitude": "-74.1731",
        "altitude_m": "",
    }
    return row | overrides


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]], encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


ATTRIBUTE_COLUMNS = [
    "ubigeo",
    "department",
    "province",
    "district",
    "capital",
    "altitude_m",
    "latitude",
    "longitude",
    "geo_source",
    "pop_total_2023",
    "pop_urban_2023",
    "pop_rural_2023",
]


def attributes(**overrides: str) -> dict[str, str]:
    row = {
        "ubigeo": "050403",
        "department": "Ayacucho",
        "province": "Huanta",
        "district": "Huamanguilla",
        "capital": "Huamanguilla",
        "altitude_m": "3300.4",
        "latitude": "-13.011111",
        "longitude": "-74.173056",
        "geo_source": "inei_directory_2025",
        "pop_total_2023": "3938",
        "pop_urban_2023": "1682",
        "pop_rural_2023": "2256",
    }
    return row | overrides


def feature(properties: dict, geometry: dict | None = None) -> dict:
    square = {
        "type": "Polygon",
        "coordinates": [[[-74.2, -13.0], [-74.1, -13.0], [-74.1, -13.1], [-74.2, -13.0]]],
    }
    return {
        "type": "Feature",
        "properties": properties,
        "geometry": square if geometry is None else geometry,
    }


def write_geojson(path: Path, features: list[dict]) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}), "utf-8")
    return path
