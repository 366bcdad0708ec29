"""Bulk import of service events (HIS-MINSA rows or Crecer's CSV): read, validate, match with the
registry and with what is stored — on columns (Polars) — then write in bulk (COPY / executemany)
and quarantine the rest. Every row read ends stored (created, updated or unchanged) or
quarantined with every reason; the counts add up to the rows read; importing a file again changes
nothing. An import never overwrites an event: a different value is quarantined. The one update is
an Hb test's altitude, when a file records it for a test stored with a fallback altitude."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db import connection
from django.db.models import Q, QuerySet

from crecer.health.columns import EVENT_COLUMNS, IDENTIFIERS
from crecer.health.matching import (
    CHILD_SCHEMA,
    EMPTY_SEEN,
    child_reasons,
    mark_duplicates,
    with_children,
)
from crecer.health.models import AltitudeSource, GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.health.parts import Parts, owners, parts_of, stored_conflicts
from crecer.health.validation import Limits, known_codes, validate_events
from crecer.ingest import bulk
from crecer.ingest.checks import INDEX, REASON, REASONS_SEPARATOR
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import Table
from crecer.ingest.runs import FileImport, Outcome, Progress, run_import
from crecer.norms import HbTestCodes, Profile
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.territory.models import District, HealthFacility, PopulatedCenter

BATCH = 1000


class EventImport(FileImport):
    """A service-event file: each row is matched with its child, split into the events it
    records (service, growth check, Hb test), compared with what is stored and written; a row
    for a child outside ``scope`` (the children the importing user may record services for;
    None: all), or disagreeing with a stored event or another row, is quarantined."""

    kind = "events"
    columns = EVENT_COLUMNS
    tables = (ServiceRecord, GrowthCheck, HemoglobinTest)

    def __init__(
        self,
        *,
        scope: QuerySet[Child] | None = None,
        profile: Profile | None = None,
        **options: Any,
    ) -> None:
        super().__init__(**options)
        profile = profile or current_profile()
        low, high = profile.territory.bounds.altitude_m
        self.codes = known_codes(profile)
        self.limits = Limits(altitude_m=(low, high))
        self.hb_test: HbTestCodes = profile.services.hb_test
        self.scope = scope
        self.seen = EMPTY_SEEN

    def validate(self, table: Table) -> pl.DataFrame:
        return validate_events(
            table, self.codes, self.today, self.limits, hb_codes=self.hb_test.codes
        )

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        received = rows.height
        rejected = []
        rows = with_children(rows, children_frame(rows))
        rows = child_reasons(rows, in_scope(rows, self.scope))
        rows, self.seen = mark_duplicates(rows, self.seen)
        rejected.append(rows.filter(pl.col(REASON) != "").select(INDEX, REASON))
        rows = rows.filter(pl.col(REASON) == "")
        parts = parts_of(rows, self.hb_test)
        conflicts, parts = stored_conflicts(parts, stored_events(rows))
        parts = parts.without(conflicts[INDEX])
        in_file, parts = settle_owners(parts)
        conflicts = pl.concat([conflicts, in_file]).group_by(INDEX).agg(pl.col("__reason__"))
        rejected.append(
            conflicts.select(INDEX, pl.col("__reason__").list.join(REASONS_SEPARATOR)).rename(
                {"__reason__": REASON}
            )
        )
        self.report("compared", received, 0)
        context = {"now": self.now, "user_id": self.user_id}
        created = write(parts, run, context)
        updated = record_altitudes(parts.hb, created)
        self.report("written", received, 0)
        refused = pl.concat(rejected)
        return Outcome(
            created=len(created),
            updated=updated,
            unchanged=received - refused.height - len(created) - updated,
            rejected=refused,
        )


def import_events(
    path: Path,
    *,
    user: Any = None,
    today: date | None = None,
    progress: Progress | None = None,
    scope: QuerySet[Child] | None = None,
    profile: Profile | None = None,
) -> ImportRun:
    """Import a service-event CSV/XLSX file; return the run with its counts and quarantine.

    ``scope`` is the children the importing user may record services for
    (``Child.objects.visible_to(user, Can.RECORD_SERVICES)``); rows of other children are
    quarantined.
    Chunks, one transaction (:mod:`crecer.ingest.runs`): a failure stores nothing. Raises
    :class:`~crecer.ingest.columns.UnreadableFile` when the file cannot be read.
    """
    importer = EventImport(user=user, today=today, progress=progress, scope=scope, profile=profile)
    return run_import(importer, path)


def settle_owners(parts: Parts) -> tuple[pl.DataFrame, Parts]:
    """Quarantine rows that disagree with the row owning an event, until none does (a row
    quarantined may have owned another event, whose next row becomes its owner)."""
    found = []
    while True:
        conflicts, marked = owners(parts)
        if conflicts.height == 0:
            return pl.concat(found, how="vertical") if found else conflicts, marked
        found.append(conflicts)
        parts = parts.without(conflicts["__index__"])


def children_frame(rows: pl.DataFrame) -> pl.DataFrame:
    """The children holding an identifier of ``rows`` (a DNI may be a child's CUI)."""
    numbers = {name: rows[name].drop_nulls().unique().to_list() for name in IDENTIFIERS}
    numbers["dni"] = numbers["cui"] = sorted(set(numbers["dni"]) | set(numbers["cui"]))
    found: list[tuple] = []
    for name, values in numbers.items():
        for start in range(0, len(values), BATCH):
            query = Q(**{f"{name}__in": values[start : start + BATCH]})
            found += Child.objects.filter(query).values_list(*CHILD_SCHEMA)
    return pl.DataFrame(found, schema=CHILD_SCHEMA, orient="row").unique("id")


def in_scope(rows: pl.DataFrame, scope: QuerySet[Child] | None) -> set[int] | None:
    if scope is None:
        return None
    ids = rows["__child__"].drop_nulls().unique().to_list()
    allowed: set[int] = set()
    for start in range(0, len(ids), BATCH):
        allowed |= set(scope.filter(pk__in=ids[start : start + BATCH]).values_list("pk", flat=True))
    return allowed


def stored_events(rows: pl.DataFrame) -> dict[str, pl.DataFrame]:
    """The stored events of the rows' children, keyed and named like the parts."""
    ids = rows["__child__"].drop_nulls().unique().to_list()
    specs = {
        "service": (ServiceRecord, {"code": pl.String, "lab": pl.String}),
        "growth": (
            GrowthCheck,
            {
                "weight_kg": pl.Float64,
                "length_cm": pl.Float64,
                "measure": pl.String,
                "head_cm": pl.Float64,
            },
        ),
        "hb": (
            HemoglobinTest,
            {
                "id": pl.Int64,
                "hb_observed": pl.Float64,
                "altitude_m": pl.Float64,
                "altitude_source": pl.String,
            },
        ),
    }
    result = {}
    for kind, (model, extra) in specs.items():
        schema = {"child_id": pl.Int64, "date": pl.Date} | extra
        found: list[tuple] = []
        for start in range(0, len(ids), BATCH):
            found += model.objects.filter(child_id__in=ids[start : start + BATCH]).values_list(
                *schema
            )
        frame = pl.DataFrame(found, schema=schema, orient="row").rename({"child_id": "__child__"})
        # A blank LAB or measure is "not recorded": it never disagrees with the file.
        blanks = [name for name in ("lab", "measure") if name in frame.columns]
        frame = frame.with_columns(pl.col(blanks).replace("", None))
        if kind == "hb":
            # Only an altitude recorded with the test can disagree with a file's: one taken
            # from the facility or the place was Crecer's choice, not a fact of the test.
            recorded = pl.col("altitude_source") == AltitudeSource.RECORDED.value
            frame = frame.select(
                "__child__",
                "date",
                "hb_observed",
                pl.when(recorded).then(pl.col("altitude_m")).alias("altitude_given"),
                pl.col("id").alias("__held_id"),
                (~recorded).alias("__held_fallback"),
            )
        result[kind] = frame
    return result


def altitudes(hb: pl.DataFrame) -> pl.DataFrame:
    """``altitude_m`` and ``altitude_source`` of each new Hb test: as recorded in the file, else
    the facility's, else the child's populated center's, else the district capital's."""
    facilities = HealthFacility.objects.filter(
        renipress_code__in=hb["facility"].unique().to_list(), altitude_m__isnull=False
    ).values_list("renipress_code", "altitude_m")
    centers = PopulatedCenter.objects.filter(
        code__in=hb["__center__"].drop_nulls().unique().to_list(), altitude_m__isnull=False
    ).values_list("code", "altitude_m")
    districts = District.objects.filter(
        ubigeo__in=hb["__district__"].drop_nulls().unique().to_list(), altitude_m__isnull=False
    ).values_list("ubigeo", "altitude_m")
    for key, rows, name in (
        ("facility", facilities, "__at_facility"),
        ("__center__", centers, "__at_center"),
        ("__district__", districts, "__at_district"),
    ):
        lookup = pl.DataFrame(list(rows), schema={key: pl.String, name: pl.Float64}, orient="row")
        hb = hb.join(lookup, on=key, how="left", nulls_equal=False)
    sources = [
        ("altitude_given", AltitudeSource.RECORDED),
        ("__at_facility", AltitudeSource.FACILITY),
        ("__at_center", AltitudeSource.CENTER),
        ("__at_district", AltitudeSource.DISTRICT),
    ]
    source = pl.coalesce(
        *(pl.when(pl.col(c).is_not_null()).then(pl.lit(str(s))) for c, s in sources),
        pl.lit(str(AltitudeSource.UNKNOWN)),
    )
    return hb.with_columns(
        pl.coalesce(*(pl.col(c) for c, _s in sources)).alias("altitude_m"),
        source.alias("altitude_source"),
    )


def write(parts: Parts, run: ImportRun, context: dict) -> pl.Series:
    """Insert the events owned by rows and not yet stored; return the rows that created one."""
    common = [
        pl.col("__child__").alias("child_id"),
        "date",
        "facility",
        pl.lit(run.pk, dtype=pl.Int64).alias("import_run_id"),
        pl.lit(context["user_id"], dtype=pl.Int64).alias("recorded_by_id"),
        pl.lit(context["now"], dtype=pl.Datetime("us", "UTC")).alias("created_at"),
    ]
    new = {kind: frame.filter(pl.col("__owner__")) for kind, frame in parts.items()}
    columns = {
        "service": [pl.col("code"), pl.col("lab").fill_null("")],
        "growth": [
            "weight_kg",
            "length_cm",
            pl.col("measure").fill_null(""),
            "head_cm",
            "oedema",
        ],
        "hb": ["hb_observed", "altitude_m", "altitude_source"],
    }
    models = {"service": ServiceRecord, "growth": GrowthCheck, "hb": HemoglobinTest}
    if new["hb"].height:
        new["hb"] = altitudes(new["hb"])
    for kind, frame in new.items():
        if frame.height:
            bulk.insert(models[kind]._meta.db_table, frame.select(*common, *columns[kind]))
    owners_of_new = pl.concat([frame.select("__index__") for frame in new.values()])
    return owners_of_new["__index__"].unique()


def record_altitudes(hb: pl.DataFrame, created: pl.Series) -> int:
    """Give a stored Hb test the altitude a file records with it, where the stored one was only
    the facility's or the place's (so the order in which files come does not matter). Returns
    the rows that updated a test and created nothing."""
    changes = (
        hb.filter(
            pl.col("__stored__")
            & pl.col("__held_fallback")
            & pl.col("altitude_given").is_not_null()
        )
        .sort("__line__")
        .unique("__held_id", keep="first")
    )
    if changes.height == 0:
        return 0
    table = connection.ops.quote_name(HemoglobinTest._meta.db_table)
    with connection.cursor() as cursor:
        cursor.executemany(
            f"UPDATE {table} SET altitude_m = %s, altitude_source = %s WHERE id = %s",
            [
                (altitude, str(AltitudeSource.RECORDED), pk)
                for altitude, pk in changes.select("altitude_given", "__held_id").iter_rows()
            ],
        )
    return changes.filter(~pl.col("__index__").is_in(created.implode()))["__index__"].n_unique()


__all__ = ["import_events"]
