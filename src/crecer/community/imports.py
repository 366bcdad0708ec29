"""The PIM home-visit application's export as an import kind (:mod:`crecer.ingest.kinds`):
the same upload page, report, quarantine CSV and ``crecer import community-visits FILE`` as
every import.

One row per visit (the child's fields repeated on each). Rows are validated on columns
(Polars, :func:`validate_visits`, pure), matched and written in bulk on columns, as health
events are (the import run is their provenance; a visit recorded by hand keeps a history).
A visit is matched to its child by the document the export gives (DNI, CUI or CNV) among the
children of the importer's territory; a row naming no child there, naming two, or giving
another birth date than the registry's is quarantined with its reason. The same visit again
(child, day, agent and type) changes nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.community.columns import VISIT_COLUMNS
from crecer.community.models import (
    HomeVisit,
    MonitoringCenter,
    VisitChannel,
    VisitResult,
    VisitType,
)
from crecer.ingest import bulk
from crecer.ingest.checks import (
    INDEX,
    LINE,
    REASON,
    ensure_columns,
    joined_reasons,
    reason_where,
    rows_of,
    with_checks,
)
from crecer.ingest.kinds import ImportKind
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import Table
from crecer.ingest.runs import FileImport, Outcome, Progress, run_import
from crecer.registry.models import Child
from crecer.registry.validation import parse_dates

YES = ["S", "SI", "SÍ", "1", "Y", "YES", "TRUE", "VERDADERO", "X"]
NO = ["N", "NO", "0", "FALSE", "FALSO"]
FLAGS = (
    "not_found",
    "sampled",
    "exclusive_breastfeeding",
    "iron_or_mmn",
    "hand_washing",
    "safe_water",
    "danger_signs",
    "referred",
)
MAX_MINUTES = 24 * 60
PRACTICES = ("exclusive_breastfeeding", "iron_or_mmn", "hand_washing", "safe_water", "danger_signs")
TEXTS = ("external_id", "app_status", "limit_reason", "device")
LOOKUP_BATCH = 5000  # documents or children per query (below SQLite's bound parameters)
KEY = "\x1f"  # joins a visit's key: child, day, type, agent


def _flag(name: str) -> pl.Expr:
    value = pl.col(name).str.to_uppercase().str.strip_chars()
    return (
        pl.when(value.is_in(YES))
        .then(True)
        .when(value.is_in(NO))
        .then(False)
        .otherwise(None)
        .alias(f"__{name}")
    )


def minutes(column: pl.Expr) -> pl.Expr:
    """Whole minutes of a duration written ``15``, ``15.5``, ``15 min``, ``00:15:32``
    (h:m:s) or ``15:32`` (m:s); null when it is none of these."""
    text = column.str.to_lowercase().str.replace(r"\s*(minutos|minutes|mins|min|m)\.?$", "")
    text = text.str.strip_chars().str.replace(",", ".")
    plain = text.cast(pl.Float64, strict=False).floor().cast(pl.Int64)
    hms = text.str.extract_groups(r"^(\d{1,2}):(\d{1,2}):(\d{1,2})$")
    ms = text.str.extract_groups(r"^(\d{1,3}):(\d{1,2})$")
    from_hms = hms.struct.field("1").cast(pl.Int64) * 60 + hms.struct.field("2").cast(pl.Int64)
    return pl.coalesce(plain, from_hms, ms.struct.field("1").cast(pl.Int64))


def validate_visits(table: Table, today: date) -> pl.DataFrame:
    """The export's rows with ``__date``, ``__birth``, ``__minutes``, ``__channel``,
    ``__result`` and a ``__<flag>`` per yes/no column, and the reasons of the rows that
    cannot be stored (pure: no database)."""
    frame = ensure_columns(rows_of(table), *VISIT_COLUMNS.aliases)
    raw = pl.col
    kind = raw("record_type").str.to_uppercase()
    result = raw("result").str.to_uppercase()
    frame = frame.with_columns(
        raw("document").str.replace_all(r"[\s.\-]", "").alias("document"),
        parse_dates(raw("date")).alias("__date"),
        parse_dates(raw("birth_date")).alias("__birth"),
        minutes(raw("duration")).alias("__minutes"),
        pl.when(kind.is_null())
        .then(pl.lit(VisitChannel.HOME.value))
        .when(kind.str.contains("LLAMADA|CALL|TELEF"))
        .then(pl.lit(VisitChannel.CALL.value))
        .when(kind.str.contains("VISITA|VISIT|DOMICIL|VD"))
        .then(pl.lit(VisitChannel.HOME.value))
        .otherwise(None)
        .alias("__channel"),
        *(_flag(name) for name in FLAGS),
    )
    frame = frame.with_columns(
        pl.when(pl.col("__not_found").fill_null(False) | result.str.contains("NO ENCONTR"))
        .then(pl.lit(VisitResult.NOT_FOUND.value))
        .when(result.str.contains("RECHAZ|REHUS|REFUS"))
        .then(pl.lit(VisitResult.REFUSED.value))
        .when(result.is_null() | result.str.contains("ENCONTR|FOUND|EFECTIV|REALIZ"))
        .then(pl.lit(VisitResult.FOUND.value))
        .otherwise(None)
        .alias("__result")
    )
    checks = [
        reason_where(
            raw("document").is_not_null() & ~raw("document").str.contains(r"^\d{8,12}$"),
            "visit_bad_document",
            raw("document"),
        ),
        reason_where(raw("document").is_null(), "missing", "document"),
        reason_where(pl.col("__date").is_null(), "visit_bad_date", "date", raw("date")),
        reason_where(pl.col("__date") > today, "visit_future", pl.col("__date")),
        reason_where(
            raw("birth_date").is_not_null() & pl.col("__birth").is_null(),
            "visit_bad_date",
            "birth_date",
            raw("birth_date"),
        ),
        reason_where(
            raw("duration").is_not_null()
            & ~pl.col("__minutes").is_between(0, MAX_MINUTES).fill_null(False),
            "visit_bad_duration",
            raw("duration"),
        ),
        reason_where(pl.col("__channel").is_null(), "visit_bad_type", raw("record_type")),
        reason_where(pl.col("__result").is_null(), "visit_bad_result", raw("result")),
        *(
            reason_where(
                raw(name).is_not_null() & pl.col(f"__{name}").is_null(),
                "visit_bad_flag",
                name,
                raw(name),
            )
            for name in FLAGS
        ),
    ]
    return joined_reasons(with_checks(frame, checks))


class VisitImport(FileImport):
    kind = "community-visits"
    columns = VISIT_COLUMNS
    tables = (HomeVisit,)

    def __init__(self, *, children: Any, **options: Any) -> None:
        super().__init__(**options)
        self.children = children
        self.seen: dict[str, int] = {}
        self.center_of: dict[str, int] = {}
        covering: dict[str, set[int]] = defaultdict(set)
        through = MonitoringCenter.covers.through.objects.values_list(
            "populatedcenter_id", "monitoringcenter_id"
        )
        for code, center in through:
            covering[code].add(center)
        # A populated center watched over by one center: its visits are that center's.
        self.center_of = {code: next(iter(ids)) for code, ids in covering.items() if len(ids) == 1}

    def validate(self, table: Table) -> pl.DataFrame:
        return validate_visits(table, self.today)

    def _children(self, documents: list[str]) -> pl.DataFrame:
        """(document, child, birth, center) of every child one of ``documents`` names (a
        document naming two children gives two rows)."""
        found = []
        for start in range(0, len(documents), LOOKUP_BATCH):
            part = documents[start : start + LOOKUP_BATCH]
            found += list(
                self.children.filter(Q(dni__in=part) | Q(cui__in=part) | Q(cnv__in=part))
                .values_list("pk", "dni", "cui", "cnv", "birth_date", "populated_center_id")
                .iterator(chunk_size=5000)
            )
        frame = pl.DataFrame(
            found,
            schema={"__child": pl.Int64, "dni": pl.String, "cui": pl.String, "cnv": pl.String,
                    "__born": pl.Date, "__place": pl.String},
            orient="row",
        )  # fmt: skip
        return (
            frame.unpivot(
                index=["__child", "__born", "__place"],
                on=["dni", "cui", "cnv"],
                value_name="document",
            )
            .drop("variable")
            .drop_nulls("document")
            .unique(["document", "__child"])
        )

    def _stored(self, children: list[int]) -> set[str]:
        """The keys (child, day, type, agent) of the visits stored for ``children``."""
        keys = set()
        for start in range(0, len(children), LOOKUP_BATCH):
            part = children[start : start + LOOKUP_BATCH]
            for child, day, channel, agent in (
                HomeVisit.objects.filter(child_id__in=part)
                .values_list("child_id", "date", "channel", "agent_name")
                .iterator(chunk_size=5000)
            ):
                keys.add(f"{child}{KEY}{day.isoformat()}{KEY}{channel}{KEY}{agent}")
        return keys

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        """Match, check and insert the chunk's valid rows as columns (no row-by-row ORM)."""
        matches = self._children(rows["document"].unique().to_list())
        per_document = matches.group_by("document").agg(
            pl.len().alias("__found"),
            pl.col("__child").sort().cast(pl.String).str.join(", #").alias("__ids"),
            pl.col("__child").first(),
            pl.col("__born").first(),
            pl.col("__place").first(),
        )
        frame = rows.join(per_document, on="document", how="left").with_columns(
            pl.col("__found").fill_null(0),
            pl.col("agent_name").fill_null(""),
        )
        key = pl.concat_str(
            [pl.col("__child").cast(pl.String), pl.col("__date").dt.to_string("%Y-%m-%d"),
             pl.col("__channel"), pl.col("agent_name")],
            separator=KEY,
        )  # fmt: skip
        frame = frame.with_columns(key.alias("__key"))
        first_line = frame.group_by("__key").agg(pl.col(LINE).min().alias("__first"))
        frame = frame.join(first_line, on="__key", how="left")
        earlier = pl.col("__key").replace_strict(self.seen, default=None, return_dtype=pl.Int64)
        frame = frame.with_columns(pl.coalesce(earlier, pl.col("__first")).alias("__first"))
        checks = [
            pl.coalesce(
                reason_where(pl.col("__found") == 0, "visit_unknown_child", pl.col("document")),
                reason_where(
                    pl.col("__found") > 1,
                    "visit_conflict",
                    pl.col("document"),
                    pl.lit("#") + pl.col("__ids"),
                ),
                reason_where(
                    pl.col("__birth").is_not_null() & (pl.col("__birth") != pl.col("__born")),
                    "visit_birth_differs",
                    pl.col("__birth"),
                    pl.col("__born"),
                ),
                reason_where(
                    pl.col("__date") < pl.col("__born"),
                    "visit_before_birth",
                    pl.col("__date"),
                    pl.col("__born"),
                ),
                reason_where(
                    pl.col(LINE) != pl.col("__first"), "visit_duplicate", pl.col("__first")
                ),
            ).alias(REASON)
        ]
        frame = frame.with_columns(checks)
        refused = frame.filter(pl.col(REASON).is_not_null()).select(
            pl.col(INDEX).cast(pl.UInt32), REASON
        )
        good = frame.filter(pl.col(REASON).is_null())
        self.seen.update(zip(good["__key"].to_list(), good[LINE].to_list(), strict=True))
        stored = self._stored(good["__child"].unique().to_list())
        known = good["__key"].is_in(list(stored)) if stored else pl.lit(False)
        unchanged = good.filter(known).height
        new = good.filter(~known) if stored else good
        table = new.select(
            pl.col("__child").alias("child_id"),
            pl.lit(None, dtype=pl.Int64).alias("woman_id"),
            pl.col("__place")
            .replace_strict(self.center_of, default=None, return_dtype=pl.Int64)
            .alias("center_id"),
            pl.lit(None, dtype=pl.Int64).alias("agent_id"),
            pl.col("agent_name"),
            pl.col("__date").alias("date"),
            pl.lit(VisitType.PIM.value).alias("visit_type"),
            pl.col("__channel").alias("channel"),
            pl.col("stage").fill_null(""),
            pl.col("__result").alias("result"),
            pl.col("__minutes").alias("duration_minutes"),
            *(pl.col(f"__{name}").alias(name) for name in PRACTICES),
            pl.col("__referred").fill_null(False).alias("referred"),
            *(pl.col(name).fill_null("") for name in TEXTS),
            pl.col("__sampled").alias("sampled"),
            pl.lit("").alias("device_id"),
            pl.lit(run.pk, dtype=pl.Int64).alias("import_run_id"),
            pl.lit(self.user_id, dtype=pl.Int64).alias("recorded_by_id"),
            pl.lit(self.now).alias("created_at"),
        )
        if table.height:
            bulk.insert(HomeVisit._meta.db_table, table)
        return Outcome(created=table.height, unchanged=unchanged, rejected=refused)


def import_visits(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    children = Child.objects.all() if user is None else Child.objects.visible_to(user, Can.IMPORT)
    importer = VisitImport(children=children, user=user, today=today, progress=progress)
    return run_import(importer, path)


def _may_import(user: Any) -> bool:
    return policy.can(user, Can.IMPORT) or policy.can(user, Can.RECORD_SERVICES)


def _importing_children(user: Any) -> Any:
    right = Can.IMPORT if policy.can(user, Can.IMPORT) else Can.RECORD_SERVICES
    return Child.objects.visible_to(user, right)


def _run(path: Path, user: Any = None, progress: Progress | None = None) -> ImportRun:
    if user is None:
        return import_visits(path, progress=progress)
    importer = VisitImport(children=_importing_children(user), user=user, progress=progress)
    return run_import(importer, path)


VISITS = ImportKind(
    name="community-visits",
    label=_("home visits"),
    title=_("Import home visits"),
    lead=_(
        "Upload the home-visit application's export (one row per visit): each visit is "
        "matched to its child by the document number (DNI or CNV) among the children of your "
        "territory; a row naming no child there is quarantined with its reason. Importing "
        "the same file again changes nothing."
    ),
    file_label=_("Home-visit export (CSV or XLSX)"),
    file_help=_(
        "Número de Documento, Actor Social, Fecha de Intervención, Duración, Estado de Visita, "
        "Tipo de Registro, Etapa VD, Motivo de límite excedido, Es no encontrado."
    ),
    command_help="home visits: the PIM home-visit application's export, one row per visit",
    namespace="community",
    columns=VISIT_COLUMNS,
    run=_run,
    may_import=_may_import,
    reads_all=lambda user: policy.access_of(user).scope.national,
    sees_full_reasons=lambda user: policy.access_of(user).role == Role.ADMINISTRATOR,
    updates_records=False,
    report_prefix="visits",
)
