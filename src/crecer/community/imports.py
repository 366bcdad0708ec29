"""The PIM home-visit application's export as an import kind (:mod:`crecer.ingest.kinds`):
the same upload page, report, quarantine CSV and ``crecer import community-visits FILE`` as
every import.

One row per visit (the child's fields repeated on each). Rows are validated on columns
(Polars, :func:`validate_visits`, pure) and written in bulk with their history. A visit is
matched to its child by the document the export gives (DNI, CUI or CNV) among the children of
the importer's territory; a row naming no child there, naming two, or giving another birth
date than the registry's is quarantined with its reason. The same visit again (child, day,
agent and type) changes nothing."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.utils import bulk_create_with_history

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.community.columns import VISIT_COLUMNS
from crecer.community.models import HomeVisit, MonitoringCenter, VisitChannel, VisitResult
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
from crecer.ingest.reasons import reason
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
        self.seen: dict[tuple[int, date, str, str], int] = {}
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

    def _lookup(self, documents: list[str]) -> dict[str, set[int]]:
        found = self.children.filter(
            Q(dni__in=documents) | Q(cui__in=documents) | Q(cnv__in=documents)
        ).values_list("pk", "dni", "cui", "cnv", "birth_date", "populated_center_id")
        by_document: dict[str, set[int]] = defaultdict(set)
        self.details: dict[int, tuple[date, str | None]] = {}
        for pk, dni, cui, cnv, born, center in found:
            for value in (dni, cui, cnv):
                if value:
                    by_document[value].add(pk)
            self.details[pk] = (born, center)
        return by_document

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        by_document = self._lookup(sorted(set(rows["document"].to_list())))
        matched = {pk for ids in by_document.values() for pk in ids}
        stored = set(
            HomeVisit.objects.filter(child_id__in=matched).values_list(
                "child_id", "date", "channel", "agent_name"
            )
        )
        new: list[HomeVisit] = []
        unchanged = 0
        for row in rows.iter_rows(named=True):
            document = row["document"]
            ids = by_document.get(document, set())
            if not ids:
                refused.append((row[INDEX], reason("visit_unknown_child", document)))
                continue
            if len(ids) > 1:
                named = ", ".join(f"#{pk}" for pk in sorted(ids))
                refused.append((row[INDEX], reason("visit_conflict", document, named)))
                continue
            child = next(iter(ids))
            born, center = self.details[child]
            if row["__birth"] is not None and row["__birth"] != born:
                refused.append((row[INDEX], reason("visit_birth_differs", row["__birth"], born)))
                continue
            if row["__date"] < born:
                refused.append((row[INDEX], reason("visit_before_birth", row["__date"], born)))
                continue
            agent = row["agent_name"] or ""
            key = (child, row["__date"], row["__channel"], agent)
            if key in self.seen:
                refused.append((row[INDEX], reason("visit_duplicate", self.seen[key])))
                continue
            self.seen[key] = row[LINE]
            if key in stored:
                unchanged += 1
                continue
            new.append(
                HomeVisit(
                    child_id=child,
                    center_id=self.center_of.get(center or ""),
                    agent_name=agent,
                    date=row["__date"],
                    channel=row["__channel"],
                    result=row["__result"],
                    stage=row["stage"] or "",
                    duration_minutes=row["__minutes"],
                    app_status=row["app_status"] or "",
                    limit_reason=row["limit_reason"] or "",
                    external_id=row["external_id"] or "",
                    device=row["device"] or "",
                    sampled=row["__sampled"],
                    exclusive_breastfeeding=row["__exclusive_breastfeeding"],
                    iron_or_mmn=row["__iron_or_mmn"],
                    hand_washing=row["__hand_washing"],
                    safe_water=row["__safe_water"],
                    danger_signs=row["__danger_signs"],
                    referred=bool(row["__referred"]),
                    import_run=run,
                    recorded_by_id=self.user_id,
                )
            )
        bulk_create_with_history(
            new, HomeVisit, batch_size=2000, default_user=self.user, default_change_reason="import"
        )
        rejected = pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")
        return Outcome(created=len(new), unchanged=unchanged, rejected=rejected)


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
