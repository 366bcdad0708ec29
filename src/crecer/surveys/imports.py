"""The survey child file as an import kind (:mod:`crecer.ingest.kinds`): the same upload page,
report, quarantine CSV and ``crecer import survey FILE`` as every import.

Each row is one child: the design (cluster, stratum, sampling weight), where (department,
area), who (sex, age in completed months) and what was measured (length/height, weight, lying
or standing, oedema, observed Hb, altitude of the household, interview date). Measurements are
optional (a child weighed but not tested); a value that is there but unreadable or outside the
broad limits of the health import (:class:`crecer.health.validation.Limits`) quarantines the
row with its reason, as does a design column missing or a weight not above 0 — a child left
out changes the estimate, so the report counts them. Survey microdata name no one, but they
are the whole country: only national users with the import right load them."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import polars as pl
from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.policy import Can
from crecer.health.validation import Limits
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
from crecer.profile import current_profile
from crecer.registry.validation import parse_dates
from crecer.surveys.columns import SURVEY_COLUMNS
from crecer.surveys.models import LABEL_LENGTH, SurveyChild
from crecer.territory.models import Department, District

AREAS = {"U": "U", "URBANO": "U", "URBANA": "U", "URBAN": "U", "1": "U",
         "R": "R", "RURAL": "R", "2": "R"}  # fmt: skip  # DHS HV025: 1 urban, 2 rural
# As crecer.growth reads sex: 1/M male, 2/F female (DHS HC27 the same); Spanish words too.
SEXES = {"1": "M", "M": "M", "MASCULINO": "M", "HOMBRE": "M", "MALE": "M", "H": "M",
         "2": "F", "F": "F", "FEMENINO": "F", "MUJER": "F", "FEMALE": "F"}  # fmt: skip
MEASURES = {"L": "l", "1": "l", "ECHADO": "l", "ACOSTADO": "l", "LYING": "l",
            "H": "h", "2": "h", "PARADO": "h", "DE PIE": "h", "STANDING": "h"}  # fmt: skip
YES_NO = {"S": True, "SI": True, "SÍ": True, "Y": True, "YES": True, "1": True,
          "N": False, "NO": False, "0": False}  # fmt: skip
NUMBERS = {  # column: the Limits field that bounds it
    "height_cm": "length_cm",
    "weight_kg": "weight_kg",
    "hemoglobin": "hb",
    "altitude_m": "altitude_m",
}


def _coded(column: str, table: dict[str, Any]) -> pl.Expr:
    return pl.col(column).str.to_uppercase().str.strip_chars().replace_strict(table, default=None)


class SurveyImport(FileImport):
    kind = "survey"
    columns = SURVEY_COLUMNS
    tables = (SurveyChild,)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        low, high = current_profile().territory.bounds.altitude_m
        self.limits = Limits(altitude_m=(low, high))
        self.departments = set(Department.objects.values_list("code", flat=True))
        self.districts = set(District.objects.values_list("ubigeo", flat=True))

    def validate(self, table: Table) -> pl.DataFrame:
        frame = ensure_columns(rows_of(table), *SURVEY_COLUMNS.aliases)
        raw = pl.col
        number = {
            name: raw(name).str.replace(",", ".").cast(pl.Float64, strict=False)
            for name in ("weight", "age_months", *NUMBERS)
        }
        department = raw("department")
        frame = frame.with_columns(
            number["weight"].alias("__weight"),
            number["age_months"].alias("__age"),
            *(number[name].alias(f"__{name}") for name in NUMBERS),
            pl.when(department.str.contains(r"^[0-9]{1,2}$"))
            .then(department.str.zfill(2))
            .otherwise(None)
            .alias("__department"),
            pl.when(raw("district").str.contains(r"^[0-9]{5,6}$"))
            .then(raw("district").str.zfill(6))
            .otherwise(None)
            .alias("__district"),
            _coded("area", AREAS).alias("__area"),
            _coded("sex", SEXES).alias("__sex"),
            _coded("measure", MEASURES).alias("__measure"),
            _coded("oedema", YES_NO).alias("__oedema"),
            parse_dates(raw("interview_date")).alias("__date"),
        )
        checks = [reason_where(raw(name).is_null(), "survey_missing", name) for name in
                  ("cluster", "stratum")]  # fmt: skip
        checks += [
            reason_where(
                raw(name).str.len_chars() > LABEL_LENGTH, "survey_too_long", name, raw(name),
                LABEL_LENGTH,
            )
            for name in ("cluster", "stratum")
        ]  # fmt: skip
        checks += [
            reason_where(
                pl.col("__weight").is_null() | (pl.col("__weight") <= 0)
                | pl.col("__weight").is_infinite() | pl.col("__weight").is_nan(),
                "survey_bad_weight", raw("weight"),
            ),
            reason_where(pl.col("__department").is_null(), "survey_bad_department", department),
            reason_where(
                pl.col("__age").is_null() | (pl.col("__age") != pl.col("__age").floor())
                | ~pl.col("__age").is_between(0, 59),
                "survey_bad_age", raw("age_months"),
            ),
        ]  # fmt: skip
        checks.append(
            reason_where(
                raw("district").is_not_null()
                & (pl.col("__district").is_null()
                   | (pl.col("__district").str.slice(0, 2) != pl.col("__department"))),
                "survey_bad_district", raw("district"), pl.col("__department"),
            )
        )  # fmt: skip
        for name, bound in NUMBERS.items():
            low, high = self.limits.of(bound)
            value = pl.col(f"__{name}")
            checks.append(
                reason_where(
                    raw(name).is_not_null() & (value.is_null() | ~value.is_between(low, high)),
                    "survey_bad_number", name, raw(name), low, high,
                )
            )  # fmt: skip
        for name, table_of in (("area", AREAS), ("sex", SEXES), ("measure", MEASURES),
                               ("oedema", YES_NO)):  # fmt: skip
            checks.append(
                reason_where(
                    raw(name).is_not_null() & pl.col(f"__{name}").is_null(),
                    "survey_bad_value", name, raw(name), "/".join(sorted(table_of)),
                )
            )  # fmt: skip
        checks += [
            reason_where(
                raw("interview_date").is_not_null() & pl.col("__date").is_null(),
                "survey_bad_date", raw("interview_date"),
            ),
            reason_where(pl.col("__date") > self.today, "survey_future", pl.col("__date")),
        ]  # fmt: skip
        return joined_reasons(with_checks(frame, checks))

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        new: list[SurveyChild] = []
        for row in rows.iter_rows(named=True):
            if row["__department"] not in self.departments:
                refused.append(
                    (row[INDEX], reason("survey_unknown_department", row["__department"]))
                )
                continue
            if row["__district"] and row["__district"] not in self.districts:
                problem = reason("survey_unknown_district", row["__district"])
                refused.append((row[INDEX], problem))
                continue
            new.append(
                SurveyChild(
                    import_run=run, line=row[LINE], cluster=row["cluster"], stratum=row["stratum"],
                    weight=row["__weight"], department=row["__department"],
                    district=row["__district"] or "",
                    area=row["__area"] or "", sex=row["__sex"] or "", age_months=int(row["__age"]),
                    height_cm=row["__height_cm"], weight_kg=row["__weight_kg"],
                    measure=row["__measure"] or "", oedema=bool(row["__oedema"]),
                    hemoglobin=row["__hemoglobin"], altitude_m=row["__altitude_m"],
                    interview_date=row["__date"],
                )
            )  # fmt: skip
        SurveyChild.objects.bulk_create(new, batch_size=2000)
        rejected = pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")
        return Outcome(created=len(new), rejected=rejected)


def import_survey(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    return run_import(SurveyImport(user=user, today=today, progress=progress), path)


def _national_importer(user: Any) -> bool:
    return policy.can(user, Can.IMPORT) and policy.access_of(user).scope.national


SURVEY = ImportKind(
    name="survey",
    label=_("survey child file"),
    title=_("Import a survey's child file"),
    lead=_(
        "Upload the child file of a household survey (ENDES or a local survey): one row per "
        "child with its cluster, stratum and sampling weight, department and area, sex and age "
        "in months, and the length/height, weight and observed Hb measured. Each file is one "
        "survey; its estimates are shown beside the registry's on the survey comparison page."
    ),
    file_label=_("Child file (CSV or XLSX)"),
    file_help=_(
        "cluster, stratum, weight, department, area, sex, age_months, height_cm, weight_kg, "
        "measure, oedema, hemoglobin, altitude_m, interview_date (docs/survey.md)."
    ),
    command_help="a survey's child file (cluster, stratum, weight, measurements, Hb)",
    namespace="survey_import",
    columns=SURVEY_COLUMNS,
    run=lambda path, user=None, progress=None: import_survey(path, user=user, progress=progress),
    may_import=_national_importer,
    reads_all=_national_importer,
    updates_records=False,
    report_prefix="survey",
)
