"""Loaders for official territory files.

Each loader reads a file, validates every row against the hierarchy, rejects bad rows with their
line number and reason, upserts the good ones in bulk and records the run (with its rejected rows)
as an :class:`~crecer.ingest.models.ImportRun` whose kind is the file's :class:`LoadKind`.
Re-loading the same file changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.db.models import OuterRef, Subquery

from crecer.ingest.files import file_sha256
from crecer.ingest.models import ImportRun, QuarantinedRow
from crecer.ingest.reading import LOST_CHARACTER
from crecer.profile import current_profile
from crecer.territory.files import (
    FileProblem,
    LoadReport,
    RowProblem,
    code,
    number,
    read_bytes,
    read_csv,
    source_name,
    text,
    whole_number,
)
from crecer.territory.models import (
    AltitudeSource,
    Area,
    Boundary,
    BoundaryLevel,
    Department,
    District,
    DistrictPopulation,
    HealthFacility,
    LoadKind,
    PopulatedCenter,
    Province,
)

CHUNK = 2000
LOST_WARNING = (
    "holds \ufffd: a character was lost before the file was saved (or a NUL byte); loaded "
    "as written, correct it at the source"
)
SOURCE = frozenset({"source"})
AREA_WORDS = {
    "u": Area.URBAN,
    "urban": Area.URBAN,
    "urbano": Area.URBAN,
    "r": Area.RURAL,
    "rural": Area.RURAL,
}


@dataclass(frozen=True)
class Bounds:
    latitude: tuple[float, float]
    longitude: tuple[float, float]
    altitude_m: tuple[float, float]


def country_bounds() -> Bounds:
    """The profile's plausible ranges for coordinates and altitude (rows outside are rejected)."""
    bounds = current_profile().territory.bounds
    return Bounds(bounds.latitude, bounds.longitude, bounds.altitude_m)


def coordinates(values: dict[str, str], bounds: Bounds) -> dict[str, float | None]:
    return {
        "latitude": number(values, "latitude", *bounds.latitude),
        "longitude": number(values, "longitude", *bounds.longitude),
    }


# --- the generic driver --------------------------------------------------------------------------


def run_load(
    kind: LoadKind,
    path: Path,
    rows: Iterable[tuple[int, str, Callable[[], tuple[Any, dict[str, Any]]]]],
    store: Callable[[dict[Any, dict[str, Any]], LoadReport], None],
    row_word: str = "line",
) -> LoadReport:
    """Validate rows, store the good ones and record the run, all in one transaction.

    ``rows`` yields ``(line, raw, parse)``; ``parse()`` returns ``(key, fields)`` or raises
    :class:`RowProblem`. A key seen twice is rejected on its second line.
    """
    report = LoadReport(kind.value, str(path), file_sha256(path), row_word)
    records: dict[Any, dict[str, Any]] = {}
    first_line: dict[Any, int] = {}
    for line, raw, parse in rows:
        report.rows_read += 1
        try:
            key, fields = parse()
        except RowProblem as problem:
            report.reject(line, str(problem), raw)
            continue
        if key in records:
            report.reject(
                line, f"duplicate code {_show(key)} (first on {row_word} {first_line[key]})", raw
            )
            continue
        records[key] = fields
        first_line[key] = line
        if LOST_CHARACTER in raw:
            report.warn(line, LOST_WARNING, raw)
    with transaction.atomic():
        store(records, report)
        _record(report)
    return report


def csv_rows(path: Path, required: set[str], encoding: str, parse_row: Callable):
    """Adapt :func:`read_csv` rows to the driver, turning a row's read problem into a rejection."""
    for row in read_csv(path, required, encoding):
        if row.problem:
            yield row.line, row.raw, _raiser(row.problem)
        else:
            yield row.line, row.raw, (lambda values=row.values: parse_row(values))


def _raiser(message: str) -> Callable[[], Any]:
    def parse() -> Any:
        raise RowProblem(message)

    return parse


def _show(key: Any) -> str:
    return "/".join(key) if isinstance(key, tuple) else str(key)


def _record(report: LoadReport) -> None:
    """The load as an import run of its kind, every rejected line quarantined with its text."""
    run = ImportRun.objects.create(
        kind=report.kind,
        file_name=report.file_name[-500:],
        sha256=report.sha256,
        rows_read=report.rows_read,
        created=report.created,
        updated=report.updated,
        unchanged=report.unchanged,
        quarantined=len(report.errors),
        warnings=[[warning.line, warning.reason] for warning in report.warnings],
    )
    QuarantinedRow.objects.bulk_create(
        QuarantinedRow(run=run, line=error.line, raw={"line": error.raw}, reasons=[error.reason])
        for error in report.errors
    )


def upsert(
    model: type[models.Model],
    records: dict[Any, dict[str, Any]],
    key_fields: list[str],
    report: LoadReport | None = None,
    not_compared: frozenset[str] = frozenset(),
) -> tuple[int, int, int]:
    """Insert new rows and update changed ones; rows equal to what is stored are left alone.

    Records may carry different field sets (a file row without altitude must not erase one):
    each set is compared and written on its own. Fields in ``not_compared`` (such as a
    provenance note) are written with a change but do not make one. Returns
    (created, updated, unchanged) and adds them to ``report`` when given.
    """
    groups: dict[tuple[str, ...], dict[Any, dict[str, Any]]] = {}
    for key, fields in records.items():
        groups.setdefault(tuple(sorted(fields)), {})[key] = fields
    created = updated = unchanged = 0
    for field_names, group in groups.items():
        existing = _existing(model, key_fields, list(field_names), list(group))
        new, changed = [], []
        for key, fields in group.items():
            stored = existing.get(key)
            if stored is None:
                new.append(model(**_key_dict(key_fields, key), **fields))
            elif any(
                stored[name] != value for name, value in fields.items() if name not in not_compared
            ):
                changed.append(model(pk=stored["pk"], **_key_dict(key_fields, key), **fields))
            else:
                unchanged += 1
        model.objects.bulk_create(new, batch_size=CHUNK)
        # An UPDATE, not INSERT … ON CONFLICT: a partial row would break NOT NULL columns.
        model.objects.bulk_update(changed, list(field_names), batch_size=500)
        created += len(new)
        updated += len(changed)
    if report is not None:
        report.created += created
        report.updated += updated
        report.unchanged += unchanged
    return created, updated, unchanged


def _key_dict(key_fields: list[str], key: Any) -> dict[str, Any]:
    values = key if isinstance(key, tuple) else (key,)
    return dict(zip(key_fields, values, strict=True))


def _existing(
    model: type[models.Model], key_fields: list[str], field_names: list[str], keys: list[Any]
) -> dict[Any, dict[str, Any]]:
    """Stored values of ``field_names`` for the given keys, by key."""
    columns = [model._meta.get_field(name).attname for name in key_fields]
    found: dict[Any, dict[str, Any]] = {}
    if len(key_fields) == 1:
        for start in range(0, len(keys), CHUNK):
            lookup = {f"{columns[0]}__in": keys[start : start + CHUNK]}
            for row in model.objects.filter(**lookup).values("pk", *columns, *field_names):
                found[row[columns[0]]] = row
        return found
    # Composite keys: filter on the first column, match the rest in Python.
    firsts = sorted({key[0] for key in keys})
    wanted = set(keys)
    for start in range(0, len(firsts), CHUNK):
        lookup = {f"{columns[0]}__in": firsts[start : start + CHUNK]}
        for row in model.objects.filter(**lookup).values("pk", *columns, *field_names):
            key = tuple(row[column] for column in columns)
            if key in wanted:
                found[key] = row
    return found


def known_codes(model: type[models.Model]) -> set[str]:
    return set(model.objects.values_list("pk", flat=True))


def inherit_district_altitudes() -> None:
    """Give populated centers and facilities without an altitude of their own the altitude of
    their district's capital, marked as inherited (or blank it where the district has none)."""
    capital_altitude = Subquery(
        District.objects.filter(pk=OuterRef("district_id")).values("altitude_m")[:1]
    )
    for model in (PopulatedCenter, HealthFacility):
        inherited = model.objects.exclude(altitude_source=AltitudeSource.OWN)
        inherited.update(altitude_m=capital_altitude)
        inherited.filter(altitude_m__isnull=False).update(
            altitude_source=AltitudeSource.DISTRICT_CAPITAL
        )
        inherited.filter(altitude_m__isnull=True).update(altitude_source="")


# --- district attributes ------------------------------------------------------------------------

POPULATION_COLUMNS = {
    2019: ("pop_total_2019", None, None),
    2020: ("pop_total_2020", None, None),
    2021: ("pop_total_2021", None, None),
    2022: ("pop_total_2022", None, None),
    2023: ("pop_total_2023", "pop_urban_2023", "pop_rural_2023"),
    2025: ("pop_projected_2025", None, None),
}


def load_district_attributes(path: Path, encoding: str = "utf-8") -> LoadReport:
    """District capital, altitude, coordinates, surface, poverty and population by year.

    A district missing from the hierarchy (created after the bundled INEI list) is added under
    its province, which must exist.
    """
    bounds = country_bounds()
    provinces = known_codes(Province)
    districts = known_codes(District)
    populations: dict[tuple[str, int], dict[str, Any]] = {}

    def parse(values: dict[str, str]) -> tuple[str, dict[str, Any]]:
        ubigeo = code(values, "ubigeo", 6)
        fields: dict[str, Any] = {
            "capital": text(values, "capital", limit=150),
            "altitude_m": number(values, "altitude_m", *bounds.altitude_m),
            **coordinates(values, bounds),
            "natural_region": text(values, "natural_region", limit=20).upper(),
            "surface_km2": number(values, "surface_km2", 0, 1e6),
            "human_development_index": number(values, "idh_2019", 0, 1),
            "poverty_pct": number(values, "pct_poverty_total_2018", 0, 100),
            "extreme_poverty_pct": number(values, "pct_poverty_extreme_2013", 0, 100),
            "food_vulnerability_index": number(values, "food_vulnerability_index", 0, 1),
        }
        fields["altitude_source"] = (
            (text(values, "geo_source", limit=90) or source_name(path))
            if fields["altitude_m"] is not None
            else ""
        )
        if ubigeo not in districts:
            if ubigeo[:4] not in provinces:
                raise RowProblem(f"ubigeo {ubigeo}: province {ubigeo[:4]} does not exist")
            fields |= {
                "name": text(values, "district", required=True, limit=100),
                "province_id": ubigeo[:4],
                "added_from": source_name(path),
            }
        for year, (total, urban, rural) in POPULATION_COLUMNS.items():
            counts = {"total": whole_number(values, total)}
            if urban and rural:  # only where the file has them: a blank must not erase
                counts |= {
                    "urban": whole_number(values, urban),
                    "rural": whole_number(values, rural),
                }
            if counts["total"] is not None:
                populations[(ubigeo, year)] = counts | {"source": f"{source_name(path)}:{total}"}
        return ubigeo, fields

    def store(records: dict[str, dict[str, Any]], report: LoadReport) -> None:
        upsert(District, records, ["ubigeo"], report)
        kept = {key: value for key, value in populations.items() if key[0] in records}
        upsert(DistrictPopulation, kept, ["district_id", "year"], not_compared=SOURCE)
        inherit_district_altitudes()

    rows = csv_rows(path, {"ubigeo", "district"}, encoding, parse)
    return run_load(LoadKind.DISTRICT_ATTRIBUTES, path, rows, store)


def load_district_population(path: Path, encoding: str = "utf-8") -> LoadReport:
    """Population by district and year (total, urban, rural)."""
    districts = known_codes(District)

    def parse(values: dict[str, str]) -> tuple[tuple[str, int], dict[str, Any]]:
        ubigeo = code(values, "ubigeo", 6)
        if ubigeo not in districts:
            raise RowProblem(f"unknown ubigeo {ubigeo}")
        year = whole_number(values, "year", 2200)
        if year is None or year < 1900:
            raise RowProblem(f"year {values.get('year')!r} is not a year")
        counts = {
            "total": whole_number(values, "pop_total"),
            "urban": whole_number(values, "pop_urban"),
            "rural": whole_number(values, "pop_rural"),
        }
        return (ubigeo, year), counts | {"source": source_name(path)}

    def store(records: dict, report: LoadReport) -> None:
        upsert(DistrictPopulation, records, ["district_id", "year"], report, SOURCE)

    rows = csv_rows(path, {"ubigeo", "year", "pop_total"}, encoding, parse)
    return run_load(LoadKind.DISTRICT_POPULATION, path, rows, store)


# --- populated centers and facilities ----------------------------------------------------------


def load_centros_poblados(path: Path, encoding: str = "utf-8") -> LoadReport:
    """Populated centers (INEI 10-digit codes). Without an altitude of their own, they inherit
    their district capital's."""
    bounds = country_bounds()
    districts = known_codes(District)

    def parse(values: dict[str, str]) -> tuple[str, dict[str, Any]]:
        center = code(values, "ccpp_code", 10)
        ubigeo = code(values, "ubigeo", 6)
        if ubigeo not in districts:
            raise RowProblem(f"unknown ubigeo {ubigeo}")
        if center[:6] != ubigeo:
            raise RowProblem(f"ccpp_code {center} does not start with its ubigeo {ubigeo}")
        area = text(values, "area_type").lower()
        if area and area not in AREA_WORDS:
            raise RowProblem(f"area_type {values['area_type']!r} is not Urban or Rural")
        fields = {
            "district_id": ubigeo,
            "name": text(values, "name", required=True, limit=200),
            "area": AREA_WORDS.get(area, ""),
            **coordinates(values, bounds),
            "population": whole_number(values, "population"),
        }
        return center, fields | _own_altitude(values, bounds)

    def store(records: dict, report: LoadReport) -> None:
        upsert(PopulatedCenter, records, ["code"], report)
        inherit_district_altitudes()

    rows = csv_rows(path, {"ccpp_code", "ubigeo", "name"}, encoding, parse)
    return run_load(LoadKind.CENTROS_POBLADOS, path, rows, store)


def _own_altitude(values: dict[str, str], bounds: Bounds) -> dict[str, Any]:
    """Altitude fields only when the row has one: a blank must not erase a known altitude."""
    altitude = number(values, "altitude_m", *bounds.altitude_m)
    if altitude is None:
        return {}
    return {"altitude_m": altitude, "altitude_source": AltitudeSource.OWN.value}


def load_facilities(path: Path, encoding: str = "utf-8") -> LoadReport:
    """Health facilities (RENIPRESS/IPRESS list or an extract of it)."""
    bounds = country_bounds()
    districts = known_codes(District)

    def parse(values: dict[str, str]) -> tuple[str, dict[str, Any]]:
        renipress = code(values, "renipress_code", 8)
        ubigeo = code(values, "ubigeo", 6)
        if ubigeo not in districts:
            raise RowProblem(f"unknown ubigeo {ubigeo}")
        fields = {
            "district_id": ubigeo,
            "name": text(values, "name", required=True),
            "institution": text(values, "institution", limit=150),
            "classification": text(values, "classification"),
            "facility_type": text(values, "type"),
            "category": text(values, "category", limit=40),
            **coordinates(values, bounds),
            "beds": whole_number(values, "beds", 100_000),
            "condition": text(values, "condition", limit=100),
            "status": text(values, "status", limit=100),
        }
        return renipress, fields | _own_altitude(values, bounds)

    def store(records: dict, report: LoadReport) -> None:
        upsert(HealthFacility, records, ["renipress_code"], report)
        inherit_district_altitudes()

    rows = csv_rows(path, {"renipress_code", "name", "ubigeo"}, encoding, parse)
    return run_load(LoadKind.FACILITIES, path, rows, store)


# --- boundaries ---------------------------------------------------------------------------------

LEVEL_KEYS = [  # the property that holds a feature's code, most specific first
    (BoundaryLevel.DISTRICT, "ubigeo", 6, District),
    (BoundaryLevel.PROVINCE, "province_code", 4, Province),
    (BoundaryLevel.DEPARTMENT, "department_code", 2, Department),
]


def load_boundaries(path: Path, encoding: str = "utf-8") -> LoadReport:
    """A GeoJSON FeatureCollection of departments, provinces or districts (WGS84). The level is
    read from each feature's properties (``ubigeo``, else ``province_code``, else
    ``department_code``). Problems are reported by feature number (1 = first feature)."""
    try:
        collection = json.loads(read_bytes(path).decode(encoding))
    except LookupError:
        raise FileProblem(f"unknown encoding {encoding!r}") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise FileProblem(f"{path}: not a readable GeoJSON file ({error})") from None
    features = collection.get("features") if isinstance(collection, dict) else None
    if not isinstance(features, list):
        raise FileProblem(f"{path}: not a GeoJSON FeatureCollection")
    known = {level: known_codes(model) for level, _key, _length, model in LEVEL_KEYS}

    def parse(feature: Any) -> tuple[tuple[str, str], dict[str, Any]]:
        properties = feature.get("properties") or {} if isinstance(feature, dict) else {}
        for candidate, key, length, _model in LEVEL_KEYS:
            if properties.get(key):
                level, unit = candidate, code({key: str(properties[key])}, key, length)
                break
        else:
            raise RowProblem("no ubigeo, province_code or department_code property")
        if unit not in known[level]:
            raise RowProblem(f"unknown {level} code {unit}")
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or geometry.get("type") not in {
            "Polygon",
            "MultiPolygon",
        }:
            raise RowProblem(f"{level} {unit} has no polygon geometry")
        return (level.value, unit), {"geometry": geometry, "source": source_name(path)}

    def store(records: dict, report: LoadReport) -> None:
        upsert(Boundary, records, ["level", "code"], report)

    rows = (
        (
            number_,
            json.dumps(feature.get("properties"))[:500] if isinstance(feature, dict) else "",
            (lambda feature=feature: parse(feature)),
        )
        for number_, feature in enumerate(features, start=1)
    )
    return run_load(LoadKind.BOUNDARIES, path, rows, store, row_word="feature")


LOADERS: dict[str, Callable[..., LoadReport]] = {
    LoadKind.DISTRICT_ATTRIBUTES.value: load_district_attributes,
    LoadKind.DISTRICT_POPULATION.value: load_district_population,
    LoadKind.CENTROS_POBLADOS.value: load_centros_poblados,
    LoadKind.FACILITIES.value: load_facilities,
    LoadKind.BOUNDARIES.value: load_boundaries,
}

# How `crecer territory load --dir` finds each kind of file, in the order they must load
# (districts first: the others are validated against them).
DIRECTORY_LAYOUT: list[tuple[str, str]] = [
    (LoadKind.DISTRICT_ATTRIBUTES.value, "district_attributes*.csv"),
    (LoadKind.DISTRICT_POPULATION.value, "district_population*.csv"),
    (LoadKind.CENTROS_POBLADOS.value, "centros_poblados*.csv"),
    (LoadKind.FACILITIES.value, "health_facilities*.csv"),
    (LoadKind.BOUNDARIES.value, "*departments*.geojson"),
    (LoadKind.BOUNDARIES.value, "*provinces*.geojson"),
    (LoadKind.BOUNDARIES.value, "*districts*.geojson"),
]


# The reference folder's files as shipped in the package, gzip-compressed byte for byte
# (scripts/bundle_reference.py; sources and licenses in data/ATTRIBUTION.md).
BUNDLED_DIR = Path(__file__).resolve().parent / "data"


def directory_files(folder: Path, kinds: set[str] | None = None) -> list[tuple[str, Path]]:
    """The known files of a folder (plain or ``.gz``) with their kind, in dependency order;
    only those of ``kinds`` when given."""
    found = []
    for kind, pattern in DIRECTORY_LAYOUT:
        if kinds is None or kind in kinds:
            paths = set(folder.glob(pattern)) | set(folder.glob(f"{pattern}.gz"))
            found += [(kind, path) for path in sorted(paths)]
    return found


def load_directory(
    folder: Path, encoding: str = "utf-8", kinds: set[str] | None = None
) -> list[LoadReport]:
    """Load every file of a folder laid out like the reference folder, in dependency order."""
    if not folder.is_dir():
        raise FileProblem(f"{folder}: not a folder")
    reports = [
        LOADERS[kind](path, encoding=encoding) for kind, path in directory_files(folder, kinds)
    ]
    if not reports and kinds is None:
        patterns = ", ".join(pattern for _kind, pattern in DIRECTORY_LAYOUT)
        raise FileProblem(f"{folder}: no territory file found (looked for {patterns})")
    return reports


def load_bundled(kinds: set[str] | None = None) -> list[LoadReport]:
    """Load the reference data shipped with Crecer (all of it, or the files of ``kinds``)."""
    return load_directory(BUNDLED_DIR, kinds=kinds)


def kinds_not_loaded() -> set[str]:
    """The kinds of territory file never loaded into this database. The demo loads only
    these from the bundle: a second run has nothing left to do, and a newer official file
    loaded before is never overwritten by the older bundled copy."""
    loaded = set(ImportRun.objects.filter(kind__in=LOADERS).values_list("kind", flat=True))
    return set(LOADERS) - loaded
