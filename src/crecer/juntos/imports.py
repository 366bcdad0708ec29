"""The SISFOH classification file and the school-records file as import kinds
(:mod:`crecer.ingest.kinds`): the same upload page, report, quarantine CSV and ``crecer
import juntos-cse FILE`` / ``crecer import school FILE`` as every import.

Rows are validated on columns (Polars) and written in bulk. A classification is matched to
its household by the household code or the titular's document; a school record to the member
by the student's document; a row naming no household or member of the importer's territory
is quarantined (an unknown one and one outside the territory read the same)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
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
from crecer.juntos.columns import CSE_COLUMNS, SCHOOL_COLUMNS
from crecer.juntos.models import (
    SCHOOL_CODE_LENGTH,
    TERM_LENGTH,
    Household,
    Member,
    MemberRole,
    Poverty,
    SchoolRecord,
    SocioeconomicClass,
)
from crecer.profile import current_profile
from crecer.registry.validation import parse_dates

CATEGORIES = {
    "POBRE EXTREMO": Poverty.EXTREME, "EXTREMO": Poverty.EXTREME, "PE": Poverty.EXTREME,
    "EXTREME POOR": Poverty.EXTREME, "EXTREME_POOR": Poverty.EXTREME, "1": Poverty.EXTREME,
    "POBRE": Poverty.POOR, "P": Poverty.POOR, "POOR": Poverty.POOR, "2": Poverty.POOR,
    "NO POBRE": Poverty.NON_POOR, "NP": Poverty.NON_POOR, "NON POOR": Poverty.NON_POOR,
    "NON_POOR": Poverty.NON_POOR, "NON-POOR": Poverty.NON_POOR, "3": Poverty.NON_POOR,
}  # fmt: skip
YES = {"S", "SI", "SÍ", "1", "Y", "YES", "TRUE", "MATRICULADO"}
NO = {"N", "NO", "0", "FALSE", "RETIRADO", "NO MATRICULADO"}
# Upper secondary (alta secundaria: the TAS transfer) is the 3rd to 5th grade of secondary.
UPPER_SECONDARY_GRADES = {"3", "4", "5", "3RO", "4TO", "5TO", "TERCERO", "CUARTO", "QUINTO"}
MAX_DAYS = 366


def _scoped_households(user: Any) -> QuerySet[Household]:
    households = Household.objects.all()
    return households if user is None else households.visible_to(user, Can.IMPORT)


def _validity_days() -> int:
    norms = current_profile().juntos
    years = norms.cse_validity_years.value if norms is not None else 3
    return round(years * 365.25)


class CseImport(FileImport):
    kind = "juntos-cse"
    columns = CSE_COLUMNS
    tables = (SocioeconomicClass,)

    def __init__(self, *, households: QuerySet[Household], **options: Any) -> None:
        super().__init__(**options)
        self.by_code = dict(households.values_list("code", "pk"))
        titulars = Member.objects.filter(household__in=households, role=MemberRole.TITULAR).exclude(
            document_number=""
        )
        self.by_titular = dict(titulars.values_list("document_number", "household_id"))
        self.seen: dict[tuple[int, date], int] = {}
        self.validity = timedelta(days=_validity_days())

    def validate(self, table: Table) -> pl.DataFrame:
        frame = ensure_columns(rows_of(table), *CSE_COLUMNS.aliases)
        raw = pl.col
        category = raw("cse_class").str.to_uppercase().str.strip_chars()
        frame = frame.with_columns(
            category.replace_strict(CATEGORIES, default=None).alias("__category"),
            parse_dates(raw("classified_on")).alias("__on"),
            parse_dates(raw("valid_until")).alias("__until"),
        )
        checks = [
            reason_where(
                raw("household_code").is_null() & raw("titular_document").is_null(),
                "juntos_no_household",
            ),
            reason_where(pl.col("__category").is_null(), "juntos_bad_category", raw("cse_class")),
            reason_where(
                pl.col("__on").is_null(), "juntos_bad_date", "classified_on", raw("classified_on")
            ),
            reason_where(
                pl.col("__on") > self.today, "juntos_future", "classified_on", pl.col("__on")
            ),
            reason_where(
                raw("valid_until").is_not_null() & pl.col("__until").is_null(),
                "juntos_bad_date",
                "valid_until",
                raw("valid_until"),
            ),
        ]
        return joined_reasons(with_checks(frame, checks))

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        new: list[SocioeconomicClass] = []
        known = set(
            SocioeconomicClass.objects.filter(household__in=set(self.by_code.values())).values_list(
                "household_id", "classified_on"
            )
        )
        unchanged = 0
        for row in rows.iter_rows(named=True):
            household = self.by_code.get(row["household_code"] or "") or self.by_titular.get(
                row["titular_document"] or ""
            )
            if household is None:
                named = row["household_code"] or row["titular_document"]
                refused.append((row[INDEX], reason("juntos_unknown_household", named)))
                continue
            key = (household, row["__on"])
            if key in self.seen:
                refused.append(
                    (row[INDEX], reason("juntos_duplicate", "household and date", self.seen[key]))
                )
                continue
            self.seen[key] = row[LINE]
            if key in known:
                unchanged += 1
                continue
            new.append(
                SocioeconomicClass(
                    household_id=household,
                    category=row["__category"],
                    classified_on=row["__on"],
                    valid_until=row["__until"] or row["__on"] + self.validity,
                    import_run=run,
                )
            )
        SocioeconomicClass.objects.bulk_create(new, batch_size=2000)
        rejected = pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")
        return Outcome(created=len(new), unchanged=unchanged, rejected=rejected)


def _days(name: str) -> pl.Expr:
    return pl.col(name).cast(pl.Int64, strict=False)


class SchoolImport(FileImport):
    kind = "school"
    columns = SCHOOL_COLUMNS
    tables = (SchoolRecord,)

    def __init__(self, *, households: QuerySet[Household], **options: Any) -> None:
        super().__init__(**options)
        members = Member.objects.filter(household__in=households).exclude(document_number="")
        self.by_document = dict(members.values_list("document_number", "pk"))
        self.seen: dict[tuple[int, str], int] = {}

    def validate(self, table: Table) -> pl.DataFrame:
        frame = ensure_columns(rows_of(table), *SCHOOL_COLUMNS.aliases)
        raw = pl.col
        enrolled = raw("enrolled").str.to_uppercase().str.strip_chars()
        frame = frame.with_columns(
            parse_dates(raw("term_start")).alias("__start"),
            parse_dates(raw("term_end")).alias("__end"),
            pl.when(enrolled.is_in(list(YES)))
            .then(True)
            .when(enrolled.is_in(list(NO)))
            .then(False)
            .when(raw("enrolled").is_null())
            .then(True)  # a school's attendance export lists its enrolled students
            .otherwise(None)
            .alias("__enrolled"),
            _days("days_attended").fill_null(0).alias("__attended"),
            _days("days_absent").fill_null(0).alias("__absent"),
            (
                raw("level")
                .str.to_uppercase()
                .str.contains("SECUNDARIA|SECONDARY")
                .fill_null(False)
                & raw("grade")
                .str.to_uppercase()
                .str.strip_chars()
                .is_in(list(UPPER_SECONDARY_GRADES))
                .fill_null(False)
            ).alias("__upper"),
            # Without a term name the dates name it, read as dates (01/03/2026 and 2026-03-01
            # are one term).
            pl.coalesce(
                raw("term"),
                pl.concat_str(
                    [
                        parse_dates(raw("term_start")).dt.to_string("%Y-%m-%d"),
                        parse_dates(raw("term_end")).dt.to_string("%Y-%m-%d"),
                    ],
                    separator="/",
                ),
            ).alias("__term"),
        )
        checks = [
            reason_where(raw("school_code").is_null(), "juntos_no_school"),
            reason_where(
                pl.col("__start").is_null(), "juntos_bad_date", "term_start", raw("term_start")
            ),
            reason_where(pl.col("__end").is_null(), "juntos_bad_date", "term_end", raw("term_end")),
            reason_where(
                pl.col("__end") < pl.col("__start"),
                "juntos_bad_term",
                pl.col("__end"),
                pl.col("__start"),
            ),
            reason_where(pl.col("__enrolled").is_null(), "juntos_bad_enrolled", raw("enrolled")),
        ]
        for name, column, longest in (
            ("school_code", raw("school_code"), SCHOOL_CODE_LENGTH),
            ("term", pl.col("__term"), TERM_LENGTH),
        ):
            checks.append(
                reason_where(
                    column.str.len_chars() > longest, "juntos_too_long", name, column, longest
                )
            )
        for name, parsed in (("days_attended", "__attended"), ("days_absent", "__absent")):
            bad = (raw(name).is_not_null() & _days(name).is_null()) | ~pl.col(parsed).is_between(
                0, MAX_DAYS
            )
            checks.append(reason_where(bad, "juntos_bad_days", name, raw(name)))
        return joined_reasons(with_checks(frame, checks))

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        members = {self.by_document.get(doc) for doc in rows["student_document"].to_list()} - {None}
        stored = {
            (r.member_id, r.term): r for r in SchoolRecord.objects.filter(member_id__in=members)
        }
        new: list[SchoolRecord] = []
        changed: list[SchoolRecord] = []
        upper: set[int] = set()
        unchanged = 0
        for row in rows.iter_rows(named=True):
            member = self.by_document.get(row["student_document"] or "")
            if member is None:
                refused.append(
                    (row[INDEX], reason("juntos_unknown_student", row["student_document"]))
                )
                continue
            key = (member, row["__term"])
            if key in self.seen:
                refused.append(
                    (row[INDEX], reason("juntos_duplicate", "student and term", self.seen[key]))
                )
                continue
            self.seen[key] = row[LINE]
            values = {
                "school_code": row["school_code"], "term_start": row["__start"],
                "term_end": row["__end"], "enrolled": row["__enrolled"],
                "days_attended": row["__attended"], "days_absent": row["__absent"],
            }  # fmt: skip
            if row["__upper"]:
                upper.add(member)
            record = stored.get(key)
            if record is None:
                new.append(
                    SchoolRecord(member_id=member, term=row["__term"], import_run=run, **values)
                )
            elif any(getattr(record, name) != value for name, value in values.items()):
                # A school corrects its own export: the newer file holds (the change is counted).
                for name, value in values.items():
                    setattr(record, name, value)
                record.import_run = run
                changed.append(record)
            else:
                unchanged += 1
        SchoolRecord.objects.bulk_create(new, batch_size=2000)
        if changed:
            fields = [*values, "import_run"]
            SchoolRecord.objects.bulk_update(changed, fields, batch_size=2000)
        for member in Member.objects.filter(pk__in=upper, upper_secondary=False):
            member.upper_secondary = True
            member._change_reason = "upper secondary (school records)"
            member.save(update_fields=["upper_secondary"])
        rejected = pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")
        return Outcome(
            created=len(new), updated=len(changed), unchanged=unchanged, rejected=rejected
        )


def import_cse(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    importer = CseImport(
        households=_scoped_households(user), user=user, today=today, progress=progress
    )
    return run_import(importer, path)


def import_school(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    importer = SchoolImport(
        households=_scoped_households(user), user=user, today=today, progress=progress
    )
    return run_import(importer, path)


def _national(user: Any) -> bool:
    return policy.access_of(user).scope.national


def _admin(user: Any) -> bool:
    return policy.access_of(user).role == Role.ADMINISTRATOR


CSE = ImportKind(
    name="juntos-cse",
    label=_("SISFOH classification (CSE)"),
    title=_("Import SISFOH classifications"),
    lead=_(
        "Upload the socioeconomic classification (CSE) of households: each row is matched to "
        "its household by the household code or the titular's document. The classification "
        "is valid for the profile's years unless the file gives its end; importing the same "
        "file again changes nothing."
    ),
    file_label=_("Classification file (CSV or XLSX)"),
    file_help=_(
        "CO_HOGAR or DNI titular, CSE (pobre extremo, pobre, no pobre), FECHA_CSE, FECHA_VIGENCIA."
    ),
    command_help="SISFOH socioeconomic classifications (CSE) of households",
    namespace="juntos_cse",
    columns=CSE_COLUMNS,
    run=lambda path, user=None, progress=None: import_cse(path, user=user, progress=progress),
    may_import=lambda user: policy.can(user, Can.IMPORT),
    reads_all=_national,
    sees_full_reasons=_admin,
    updates_records=False,
    report_prefix="cse",
)

SCHOOL = ImportKind(
    name="school",
    label=_("school records"),
    title=_("Import school records"),
    lead=_(
        "Upload a school information system's export of students' terms: enrolment, days "
        "attended and absent. Each row is matched to the household member by the student's "
        "document; a record of the same term again replaces the values it had."
    ),
    file_label=_("School records (CSV or XLSX)"),
    file_help=_(
        "DNI_ESTUDIANTE, CODIGO_MODULAR, PERIODO, FECHA_INICIO, FECHA_FIN, MATRICULADO, "
        "DIAS_ASISTIDOS, DIAS_INASISTENCIA, NIVEL, GRADO."
    ),
    command_help="students' terms (enrolment, attendance) from a school information system",
    namespace="juntos_school",
    columns=SCHOOL_COLUMNS,
    run=lambda path, user=None, progress=None: import_school(path, user=user, progress=progress),
    may_import=lambda user: policy.can(user, Can.IMPORT),
    reads_all=_national,
    sees_full_reasons=_admin,
    updates_records=True,
    report_prefix="school",
)
