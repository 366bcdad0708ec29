"""Bulk import of a padrón file: read, validate (columnar), match with the registry, store in
bulk with history, quarantine the rest. Every row read ends stored (created, updated or
unchanged) or quarantined with every reason; the counts add up to the rows read."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import models, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from crecer.registry.columns import IDENTIFIERS
from crecer.registry.identifiers import fold
from crecer.registry.models import Child, ImportRun, QuarantinedRow
from crecer.registry.reading import read_table
from crecer.registry.reasons import describe, reason
from crecer.registry.validation import REASON, Territory, validate
from crecer.territory.models import District, PopulatedCenter

Progress = Callable[[str, int, int], None]
BATCH = 1000
FILE_ONLY_COLUMNS = {"ubigeo", "populated_center_code"}  # stored as foreign keys
NEVER_ERASED = set(IDENTIFIERS)  # an import adds or keeps identifiers, never removes one


def import_padron(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    """Import a padrón CSV/XLSX file; return the run with its counts and quarantined rows.

    Raises :class:`~crecer.registry.reading.UnreadableFile` when the file as a whole cannot be
    read (then nothing is stored).
    """
    report = progress or (lambda stage, done, total: None)
    today = today or timezone.localdate()
    table = read_table(path)
    report("read", len(table), len(table))
    frame = validate(table, territory_for(table), today)
    report("validated", len(table), len(table))
    present = set(table.columns) | {"district_id", "populated_center_id"}
    rows = frame.with_row_index("__index__").to_dicts()
    quarantine: list[tuple[int, list[str]]] = []
    candidates: list[dict[str, Any]] = []
    for row in rows:
        if row[REASON]:
            quarantine.append((row["__index__"], row[REASON]))
        else:
            candidates.append(row)
    centers_by_name = center_names({row["ubigeo"] for row in candidates})
    matches = existing_children(candidates)
    stored = stored_values(matches.values())
    first_line_for: dict[int, int] = {}  # child id -> line of the row that updates it

    now = timezone.now()
    new: list[Child] = []
    changed: list[Child] = []
    changed_fields: set[str] = set()
    unchanged = 0
    for row in candidates:
        ids = {matches[(name, row[name])] for name in IDENTIFIERS if (name, row[name]) in matches}
        conflict = conflict_reason(row, ids, stored)
        if conflict:
            quarantine.append((row["__index__"], [conflict]))
            continue
        fields = child_fields(row, present, centers_by_name)
        if not ids:
            new.append(Child(**fields))
            continue
        child_id = ids.pop()
        if child_id in first_line_for:
            line = first_line_for[child_id]
            quarantine.append((row["__index__"], [reason("already_updated", line, child_id)]))
            continue
        first_line_for[child_id] = row["__line__"]
        before = stored[child_id]
        fields = {k: v for k, v in fields.items() if not (k in NEVER_ERASED and v is None)}
        diff = {k: v for k, v in fields.items() if before.get(k) != v}
        if not diff:
            unchanged += 1
            continue
        changed.append(Child(id=child_id, **{**before, **fields}, updated_at=now))
        changed_fields |= diff.keys()

    change_reason = f"import {path.name}"
    with transaction.atomic():
        for child in (*new, *changed):
            child.search_name = child.folded_name()
        if new:
            bulk_create_with_history(
                new, Child, batch_size=BATCH, default_user=user, default_change_reason=change_reason
            )
        report("created", len(new), len(new))
        if changed:
            bulk_update_with_history(
                changed,
                Child,
                sorted(changed_fields | {"search_name", "updated_at"}),
                batch_size=BATCH,
                default_user=user,
                default_change_reason=change_reason,
            )
        report("updated", len(changed), len(changed))
        run = ImportRun.objects.create(
            file_name=path.name,
            sha256=hashlib.sha256(path.read_bytes()).hexdigest(),
            user=user if getattr(user, "pk", None) else None,
            encoding=table.encoding,
            delimiter=table.delimiter,
            rows_read=len(table),
            created=len(new),
            updated=len(changed),
            unchanged=unchanged,
            quarantined=len(quarantine),
        )
        QuarantinedRow.objects.bulk_create(
            (
                QuarantinedRow(run=run, line=table.lines[i], raw=table.raw[i], reasons=reasons)
                for i, reasons in sorted(quarantine)
            ),
            batch_size=BATCH,
        )
    assert run.adds_up, "every row read must be stored or quarantined"
    return run


def territory_for(table: Any) -> Territory:
    ubigeos = frozenset(District.objects.values_list("ubigeo", flat=True))
    centers: frozenset[str] = frozenset()
    if table.columns.get("populated_center_code"):
        wanted = {code.zfill(10) for code in table.columns["populated_center_code"] if code}
        centers = frozenset(
            code
            for code in PopulatedCenter.objects.filter(
                district_id__in={c[:6] for c in wanted}
            ).values_list("code", flat=True)
            if code in wanted
        )
    return Territory(ubigeos=ubigeos, centers=centers)


def center_names(ubigeos: set[str]) -> dict[tuple[str, str], str]:
    """(ubigeo, folded name) -> populated center code, for names that are unique in their
    district (an ambiguous name is left unmatched rather than guessed)."""
    found: dict[tuple[str, str], str | None] = {}
    centers = PopulatedCenter.objects.filter(district_id__in=ubigeos)
    for code, district, name in centers.values_list("code", "district_id", "name"):
        key = (district, fold(name))
        found[key] = None if key in found else code
    return {key: code for key, code in found.items() if code}


def existing_children(rows: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """(identifier column, value) -> id of the child that holds it."""
    matches: dict[tuple[str, str], int] = {}
    for name in IDENTIFIERS:
        values = sorted({row[name] for row in rows if row[name]})
        for start in range(0, len(values), BATCH):
            lookup = {f"{name}__in": values[start : start + BATCH]}
            for child_id, value in Child.objects.filter(**lookup).values_list("id", name):
                matches[(name, value)] = child_id
    return matches


def stored_values(ids: Any) -> dict[int, dict[str, Any]]:
    """Every field of the matched children: history rows are written from whole records."""
    names = [f.attname for f in Child._meta.concrete_fields if f.name not in {"id", "updated_at"}]
    unique_ids = sorted(set(ids))
    stored: dict[int, dict[str, Any]] = {}
    for start in range(0, len(unique_ids), BATCH):
        for row in Child.objects.filter(id__in=unique_ids[start : start + BATCH]).values(
            "id", *names
        ):
            stored[row.pop("id")] = row
    return stored


def conflict_reason(row: dict[str, Any], ids: set[int], stored: dict[int, dict]) -> str | None:
    """Why a row cannot be applied to the registry: its identifiers point at different
    children, or at a child that holds another number of the same kind."""
    if len(ids) > 1:
        held = ", ".join(f"#{child_id}" for child_id in sorted(ids))
        return reason("conflict_children", held)
    if ids:
        child_id = next(iter(ids))
        for name in IDENTIFIERS:
            have = stored[child_id].get(name)
            if row[name] and have and have != row[name]:
                return reason("conflict_identifier", child_id, name.upper(), have, row[name])
    return None


def model_fields() -> list[models.Field]:
    return [
        f
        for f in Child._meta.concrete_fields
        if f.name not in {"id", "search_name", "created_at", "updated_at"}
    ]


def child_fields(
    row: dict[str, Any], present: set[str], centers_by_name: dict[tuple[str, str], str]
) -> dict[str, Any]:
    """Model field values from a validated row, for the columns the file has."""
    fields: dict[str, Any] = {}
    for field in model_fields():
        if field.attname == "district_id":
            fields["district_id"] = row["ubigeo"]
        elif field.attname == "populated_center_id":
            code = row.get("populated_center_code")
            name = row.get("populated_center_name")
            if not code and name:
                code = centers_by_name.get((row["ubigeo"], fold(name)))
            fields["populated_center_id"] = code
        elif field.name in present:
            value = row.get(field.name)
            if value is None and not field.null:
                value = "" if isinstance(field, models.CharField) else field.get_default()
            fields[field.attname] = value
    return fields


def frame_of_quarantine(run: ImportRun) -> pl.DataFrame:
    """The quarantined rows of a run as a table (line, reasons, raw values) for a CSV report."""
    rows = list(run.quarantined_rows.values_list("line", "reasons", "raw"))
    return pl.DataFrame(
        {
            "line": [line for line, _r, _raw in rows],
            "reasons": ["; ".join(describe(r) for r in reasons) for _l, reasons, _raw in rows],
            "raw": [" | ".join(f"{k}={v}" for k, v in raw.items()) for _l, _r, raw in rows],
        },
        schema={"line": pl.Int64, "reasons": pl.String, "raw": pl.String},
    )
