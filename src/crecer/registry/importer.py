"""Bulk import of a padrón file: read, validate, match with the registry and compare — all on
columns (Polars) — then write in bulk (COPY / executemany) with history, and quarantine the
rest. Every row read ends stored (created, updated or unchanged) or quarantined with every
reason; the counts add up to the rows read."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection, models

from crecer.ingest import bulk as table_writer
from crecer.ingest.checks import INDEX, LINE, REASON
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import Table
from crecer.ingest.runs import FileImport, Outcome, Progress, run_import
from crecer.ingest.text import folded
from crecer.norms import SameChild
from crecer.profile import current_profile
from crecer.registry import bulk
from crecer.registry.columns import IDENTIFIERS, PADRON_COLUMNS
from crecer.registry.models import Child
from crecer.registry.validation import (
    EMPTY_SEEN,
    Territory,
    mark_duplicates,
    reason_where,
    validate,
)
from crecer.territory.models import District, PopulatedCenter

BATCH = 1000
FETCH_ALL_ABOVE = 20_000  # rows in a file above which all identifiers are read at once


class PadronImport(FileImport):
    """A padrón file: rows are matched with the registry by their identifiers, then created,
    updated (with history) or left unchanged; a row that conflicts with what is stored is
    quarantined. ``allowed`` limits the districts written to (the importing user's scope):
    rows of other districts, or matching a child registered in one, are quarantined."""

    kind = "padron"
    columns = PADRON_COLUMNS
    tables = (Child,)

    def __init__(self, *, allowed: frozenset[str] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.allowed = allowed
        self.ubigeos = frozenset(District.objects.values_list("ubigeo", flat=True))
        self.seen = EMPTY_SEEN
        self.updated_children = pl.DataFrame(schema={"__child__": pl.Int64, "__first__": pl.Int64})
        self.all_identifiers: pl.DataFrame | None = None
        self.indexes = bulk.indexes_suspended()
        self.why = ""
        self.table: Table | None = None
        self.at_birth = current_profile().registry.plausible_at_birth
        self.same_child = current_profile().registry.same_child

    def begin(self, run: ImportRun) -> None:
        self.why = f"import {run.file_name}"

    def validate(self, table: Table) -> pl.DataFrame:
        self.table = table
        frame = validate(table, territory_for(table, self), self.today, self.at_birth)
        frame, self.seen = mark_duplicates(frame, self.seen)
        return frame.with_row_index(INDEX)

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        """Match, compare and write the valid rows (see the module's docstring)."""
        assert self.table is not None
        present = [f.attname for f in bulk.tracked_fields() if _in_file(f, self.table)]
        candidates = match(to_model_columns(rows, present), self)
        stored = stored_frame(candidates["__child__"].drop_nulls().unique().to_list())
        candidates = with_conflicts(
            candidates, stored, self.updated_children, self.allowed, self.same_child
        )
        rejected = candidates.filter(pl.col("__conflict__").is_not_null())
        accepted = candidates.filter(pl.col("__conflict__").is_null())
        matched = accepted.filter(pl.col("__child__").is_not_null())
        self.updated_children = pl.concat(
            [self.updated_children, matched.select("__child__", pl.col(LINE).alias("__first__"))]
        )
        new = accepted.filter(pl.col("__child__").is_null())
        changed, unchanged = split_changes(matched, stored, present)
        self.report("compared", rows.height, 0)
        self.indexes.suspend(new.height)
        with self.indexes.around_insert(new.height):
            create(new, present, self.now, self.user_id, self.why)
        apply_changes(changed, self.now, self.user_id, self.why)
        self.report("written", rows.height, 0)
        return Outcome(
            created=new.height,
            updated=changed.height,
            unchanged=unchanged,
            rejected=rejected.select(INDEX, pl.col("__conflict__").alias(REASON)),
        )

    def finish(self, run: ImportRun) -> None:
        self.indexes.restore()  # also runs the deferred foreign-key checks
        self.report("indexes", run.rows_read, run.rows_read)


def import_padron(
    path: Path,
    *,
    user: Any = None,
    today: date | None = None,
    progress: Progress | None = None,
    allowed: frozenset[str] | None = None,
) -> ImportRun:
    """Import a padrón CSV/XLSX file; return the run with its counts and quarantined rows.

    The file is processed in chunks (:mod:`crecer.ingest.runs`), in one transaction: memory
    stays bounded and a failure stores nothing. Raises
    :class:`~crecer.ingest.columns.UnreadableFile` when the file as a whole cannot be read.
    """
    importer = PadronImport(user=user, today=today, progress=progress, allowed=allowed)
    return run_import(importer, path)


def _in_file(field: models.Field, table: Table) -> bool:
    if field.attname == "district_id":
        return True  # ubigeo is mandatory
    if field.attname == "populated_center_id":
        return bool({"populated_center_code", "populated_center_name"} & set(table.columns))
    if field.attname in {"mother_document_type", "head_document_type"}:
        # A document number without its type is a DNI (validation fills the type).
        number = field.attname.replace("_type", "_number")
        return field.attname in table.columns or number in table.columns
    return field.attname in table.columns


def territory_for(table: Table, state: PadronImport) -> Territory:
    column = table.columns.get("populated_center_code")
    codes = column.unique().to_list() if column is not None else []
    wanted = {code.strip().zfill(10) for code in codes if code.strip()}
    centers = PopulatedCenter.objects.filter(district_id__in={code[:6] for code in wanted})
    found = frozenset(c for c in centers.values_list("code", flat=True) if c in wanted)
    return Territory(ubigeos=state.ubigeos, centers=found, allowed=state.allowed)


def to_model_columns(frame: pl.DataFrame, present: list[str]) -> pl.DataFrame:
    """The validated rows with Child's column names and types (blank text as "")."""
    frame = frame.with_columns(pl.col("ubigeo").alias("district_id"))
    if "populated_center_id" in present:
        frame = frame.with_columns(center_ids(frame).alias("populated_center_id"))
    blanks = [
        f.attname
        for f in bulk.tracked_fields()
        if f.attname in present and isinstance(f, models.CharField) and not f.null
    ]
    frame = frame.with_columns(pl.col(blanks).fill_null(""))
    missing_ids = [name for name in IDENTIFIERS if name not in present]
    return frame.select("__index__", "__line__", *present, *missing_ids)


def center_ids(frame: pl.DataFrame) -> pl.Series:
    """The populated center's code, or the code of the only center of that name in the
    district (an ambiguous name is left unmatched rather than guessed)."""
    ubigeos = frame["ubigeo"].unique().to_list()
    rows = PopulatedCenter.objects.filter(district_id__in=ubigeos).values_list(
        "code", "district_id", "name"
    )
    # Both sides folded by the same expression, so that they meet whatever the spelling.
    names = (
        pl.DataFrame(
            list(rows),
            schema={"__code": pl.String, "ubigeo": pl.String, "__name": pl.String},
            orient="row",
        )
        .with_columns(folded(pl.col("__name")).alias("__name"))
        .filter(pl.len().over("ubigeo", "__name") == 1)
    )
    lookup = (
        frame.select(
            "__index__",
            "ubigeo",
            "populated_center_code",
            folded(pl.col("populated_center_name")).alias("__name"),
        )
        .join(names, on=["ubigeo", "__name"], how="left")
        .sort("__index__")
    )
    return lookup.select(pl.coalesce("populated_center_code", "__code")).to_series()


def existing_identifiers(frame: pl.DataFrame, state: PadronImport) -> pl.DataFrame:
    """(id, dni, cui, cnv, padron_code) of the children that hold an identifier of the file.

    A large chunk reads every child's identifiers once (kept for the next chunks: a child
    created by an earlier chunk can only match a duplicate row, quarantined before matching).
    """
    columns = ["id", *IDENTIFIERS]
    schema = {name: (pl.Int64 if name == "id" else pl.String) for name in columns}
    if state.all_identifiers is not None:
        return state.all_identifiers
    if frame.height > FETCH_ALL_ABOVE:
        if connection.vendor == "postgresql":
            found = typed(table_writer.copy_out(Child._meta.db_table, columns), schema)
        else:
            rows = list(Child.objects.values_list(*columns))
            found = pl.DataFrame(rows, schema=schema, orient="row")
        state.all_identifiers = found
        return found
    rows = []
    for name in IDENTIFIERS:
        values = frame[name].drop_nulls().unique().to_list()
        for start in range(0, len(values), BATCH):
            lookup = {f"{name}__in": values[start : start + BATCH]}
            rows += Child.objects.filter(**lookup).values_list(*columns)
    return pl.DataFrame(rows, schema=schema, orient="row").unique("id")


def match(frame: pl.DataFrame, state: PadronImport) -> pl.DataFrame:
    """Add ``__child__`` (the id the row's identifiers point at) and ``__ids__`` (every id
    they point at: more than one is a conflict)."""
    existing = existing_identifiers(frame, state)
    for name in IDENTIFIERS:
        ids = existing.select(pl.col(name), pl.col("id").alias(f"__id_{name}")).drop_nulls()
        frame = frame.join(ids, on=name, how="left", nulls_equal=False)
    id_columns = [f"__id_{name}" for name in IDENTIFIERS]
    # Sorted by list.eval: the same result as list.sort(), which is ~14x slower on Polars 2.1.
    ids = pl.concat_list(id_columns).list.drop_nulls().list.unique()
    frame = frame.with_columns(ids.list.eval(pl.element().sort()).alias("__ids__"))
    frame = frame.with_columns(
        pl.when(pl.col("__ids__").list.len() == 1)
        .then(pl.col("__ids__").list.first())
        .alias("__child__")
    )
    return frame.drop(id_columns).sort("__index__")


def stored_frame(ids: list[int]) -> pl.DataFrame:
    """Every tracked column of the given children, typed like the import's columns. Read with
    plain SQL (COPY on PostgreSQL): the ORM's per-value conversion is the slow part for a
    million rows."""
    fields = bulk.tracked_fields()
    schema = {"id": pl.Int64} | {f.attname: polars_type(f) for f in fields}
    if connection.vendor == "postgresql":
        return typed(table_writer.copy_out(Child._meta.db_table, list(schema), ids), schema)
    # Django's SQLite converters give dates and booleans; datetimes come back naive (UTC).
    utc = pl.Datetime("us", "UTC")
    read_schema = {
        name: pl.Datetime("us") if kind == utc else kind for name, kind in schema.items()
    }
    columns = ", ".join(connection.ops.quote_name(name) for name in schema)
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 5000):
            chunk = ids[start : start + 5000]
            marks = ", ".join(["%s"] * len(chunk))
            cursor.execute(
                f"SELECT {columns} FROM {Child._meta.db_table} WHERE id IN ({marks})",
                chunk,
            )
            rows += cursor.fetchall()
    frame = pl.DataFrame(rows, schema=read_schema, orient="row")
    return frame.with_columns(pl.col(pl.Datetime("us")).dt.replace_time_zone("UTC"))


def typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Text columns (as COPY writes them) cast to the import's types."""
    casts = []
    for name, kind in schema.items():
        column = pl.col(name)
        if kind == pl.Boolean:
            casts.append(column == "t")
        elif kind == pl.Date:
            casts.append(column.str.to_date("%Y-%m-%d"))
        elif isinstance(kind, pl.Datetime):
            casts.append(column.str.to_datetime(time_zone="UTC"))
        else:
            casts.append(column.cast(kind))
    return frame.with_columns(casts)


def polars_type(field: models.Field) -> pl.DataType:
    if isinstance(field, models.DateTimeField):
        return pl.Datetime("us", "UTC")
    if isinstance(field, models.DateField):
        return pl.Date()
    if isinstance(field, models.BooleanField):
        return pl.Boolean()
    if isinstance(field, models.IntegerField):
        return pl.Int64()
    return pl.String()


def with_conflicts(
    frame: pl.DataFrame,
    stored: pl.DataFrame,
    earlier: pl.DataFrame,
    allowed: frozenset[str] | None = None,
    same_child: SameChild | None = None,
) -> pl.DataFrame:
    """``__conflict__``: why a row cannot be applied — identifiers of different children, a
    child holding another number of the same kind, a child another row (of this chunk or
    an ``earlier`` one) already updates, a child registered outside the ``allowed``
    districts, or a row that describes another child than the one its identifier matches
    (``same_child``: another sex, or a birth date too far away)."""
    held = stored.select(
        pl.col("id").alias("__child__"),
        pl.col("district_id").alias("__held_district"),
        pl.col("sex").alias("__held_sex"),
        pl.col("birth_date").alias("__held_birth_date"),
        *(pl.col(n).alias(f"__held_{n}") for n in IDENTIFIERS),
    )
    frame = frame.join(held, on="__child__", how="left").sort("__index__")
    ids = pl.col("__ids__").list.eval(pl.lit("#") + pl.element().cast(pl.String)).list.join(", ")
    # Checked first: the other reasons would name a record the user may not see.
    outside = pl.lit(False)
    if allowed is not None:
        outside = pl.col("__held_district").is_not_null() & ~pl.col("__held_district").is_in(
            list(allowed)
        )
    reasons = [
        reason_where(outside, "child_outside_scope"),
        reason_where(pl.col("__ids__").list.len() > 1, "conflict_children", ids),
    ]
    for name in IDENTIFIERS:
        held_value = pl.col(f"__held_{name}")
        differs = pl.col(name).is_not_null() & held_value.is_not_null()
        differs = differs & (pl.col(name) != held_value)
        reasons.append(
            reason_where(
                differs,
                "conflict_identifier",
                pl.col("__child__"),
                name.upper(),
                held_value,
                pl.col(name),
            )
        )
    if same_child is not None and {"sex", "birth_date"} <= set(frame.columns):
        reasons.append(other_child(same_child))
    frame = frame.join(earlier, on="__child__", how="left", nulls_equal=False).sort("__index__")
    first = pl.coalesce(pl.col("__first__"), pl.col("__line__").first().over("__child__"))
    repeated = pl.col("__child__").is_not_null() & (pl.col("__line__") != first)
    reasons.append(reason_where(repeated, "already_updated", first, pl.col("__child__")))
    frame = frame.with_columns(pl.coalesce(reasons).alias("__conflict__"))
    held_columns = [f"__held_{n}" for n in [*IDENTIFIERS, "sex", "birth_date", "district"]]
    return frame.drop([*held_columns, "__first__"])


def other_child(rule: SameChild) -> pl.Expr:
    """The reason a matched row describes another child: its sex, or its birth date more
    than ``rule.birth_date_days`` from the stored one."""
    sex = pl.col("sex").is_not_null() & pl.col("__held_sex").is_not_null()
    sex = sex & (pl.col("sex") != pl.col("__held_sex"))
    days = (pl.col("birth_date") - pl.col("__held_birth_date")).dt.total_days().abs()
    birth = days.is_not_null() & (days > rule.birth_date_days)
    return reason_where(
        sex | birth,
        "other_child",
        pl.col("__child__"),
        pl.col("__held_sex"),
        pl.col("__held_birth_date").dt.strftime("%d/%m/%Y"),
        pl.col("sex"),
        pl.col("birth_date").dt.strftime("%d/%m/%Y"),
    )


def split_changes(
    matched: pl.DataFrame, stored: pl.DataFrame, present: list[str]
) -> tuple[pl.DataFrame, int]:
    """The matched rows whose values differ from the stored record (as whole new records),
    and the number that are unchanged. An import never erases an identifier."""
    stored = stored.rename({name: f"{name}__stored" for name in stored.columns if name != "id"})
    both = matched.join(stored, left_on="__child__", right_on="id", how="left")
    values = [
        pl.coalesce(name, f"{name}__stored").alias(name) if name in IDENTIFIERS else pl.col(name)
        for name in present
    ]
    both = both.with_columns(values)
    differs = pl.any_horizontal(
        pl.col(name).ne_missing(pl.col(f"{name}__stored")) for name in present
    )
    both = both.with_columns(differs.alias("__differs__"))
    changed = both.filter(pl.col("__differs__"))
    record = [pl.col("__child__").alias("id")] + [
        pl.col(f.attname)
        if f.attname in present
        else pl.col(f"{f.attname}__stored").alias(f.attname)
        for f in bulk.tracked_fields()
    ]
    changed = changed.select(record).with_columns(search_name=search_names(changed))
    return changed, both.height - changed.height


def search_names(frame: pl.DataFrame) -> pl.Series:
    def part(name: str) -> pl.Expr:
        column = name if name in frame.columns else f"{name}__stored"
        return pl.col(column).fill_null("")

    parts = [part("paternal_surname"), part("maternal_surname"), part("given_names")]
    return frame.select(folded(pl.concat_str(parts, separator=" "))).to_series()


def create(new: pl.DataFrame, present: list[str], now, user_id, why: str) -> None:
    if new.height == 0:
        return
    fields = bulk.tracked_fields()
    computed = {"search_name", "created_at", "updated_at"}
    defaults = {
        f.attname: f.get_default()
        for f in fields
        if f.attname not in present and f.attname not in computed
    }
    record = new.with_columns(
        pl.Series("id", bulk.reserve_ids(new.height), dtype=pl.Int64),
        search_name=search_names(new),
        created_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")),
        updated_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")),
    )
    record = record.with_columns(pl.lit(value).alias(name) for name, value in defaults.items())
    write(record, now, user_id, why, kind="+")


def apply_changes(changed: pl.DataFrame, now, user_id, why: str) -> None:
    if changed.height == 0:
        return
    record = changed.with_columns(updated_at=pl.lit(now, dtype=pl.Datetime("us", "UTC")))
    write(record, now, user_id, why, kind="~")


def write(record: pl.DataFrame, now, user_id, why: str, kind: str) -> None:
    columns = [f.attname for f in bulk.tracked_fields()]
    record = record.select("id", *columns)
    if kind == "+":
        table_writer.insert(Child._meta.db_table, record)
    else:
        table_writer.update(Child._meta.db_table, record)
    bulk.write_history(record, kind, now, user_id, why)


__all__ = ["PadronImport", "import_padron"]
