"""Import of a births file shaped like the CNV extract: each row closes its mother's pregnancy
(or records one that the registry never saw: a birth without prenatal care is a fact the
indicators need) and creates or links the newborn's registry record by its CNV number.

Rows are validated on columns (Polars, pure); the write step goes row by row inside the
import's transaction, because each row may create a woman, a pregnancy and a child that the
next row of the same mother (twins) must find. Births are a year's cohort per region, not the
registry's millions: the per-row cost is acceptable here (measured in the issue note)."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl

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
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import Table
from crecer.ingest.reasons import reason
from crecer.ingest.runs import FileImport, Outcome, Progress, run_import
from crecer.maternal.columns import BIRTH_COLUMNS
from crecer.maternal.models import (
    PREGNANCY_DAYS,
    Birth,
    DeliveryPlace,
    Pregnancy,
    Woman,
)
from crecer.maternal.models import (
    Outcome as PregnancyOutcome,
)
from crecer.profile import current_profile
from crecer.registry import codes
from crecer.registry.identifiers import CNV_DIGITS
from crecer.registry.models import Child
from crecer.registry.validation import parse_dates
from crecer.territory.models import District

DOCUMENT_TYPES = {
    "DNI": "DNI", "1": "DNI", "D": "DNI", "LE": "DNI",
    "CE": "CE", "2": "CE", "CARNE DE EXTRANJERIA": "CE",
    "PAS": "PAS", "3": "PAS", "PASAPORTE": "PAS",
}  # fmt: skip
SEXES = {"1": "1", "M": "1", "H": "1", "MASCULINO": "1", "2": "2", "F": "2", "FEMENINO": "2"}
PLACE_WORDS = {
    DeliveryPlace.INSTITUTIONAL: [
        "1", "EESS", "ESTABLECIMIENTO", "ESTABLECIMIENTO DE SALUD", "INSTITUCIONAL", "HOSPITAL",
    ],
    DeliveryPlace.HOME: ["2", "DOMICILIO", "CASA"],
    DeliveryPlace.OTHER: ["3", "OTRO", "TRAYECTO"],
}  # fmt: skip
PLACES = {word: place for place, words in PLACE_WORDS.items() for word in words}
WEIGHT_G = (300, 6500)  # a 22-week preterm to a very large newborn; outside: a typing error
WEEKS = (20, 45)
# An ongoing pregnancy ends in this birth when its FUR lies 20 to 45 weeks before it.
PREGNANCY_WEEKS = (20, 45)


def validate_births(table: Table, today: date) -> pl.DataFrame:
    """Each row's cleaned values and every reason the file alone shows. Pure."""
    frame = ensure_columns(rows_of(table), *BIRTH_COLUMNS.aliases)
    raw = pl.col
    kind = (
        raw("mother_document_type").str.to_uppercase().replace_strict(DOCUMENT_TYPES, default=None)
    )
    kind = pl.when(raw("mother_document_type").is_null()).then(pl.lit("DNI")).otherwise(kind)
    number = raw("mother_document_number").str.to_uppercase()
    low, high = CNV_DIGITS
    frame = frame.with_columns(
        kind.alias("__doc_type"),
        number.alias("__doc"),
        parse_dates(raw("birth_date")).alias("__birth_date"),
        raw("sex").str.to_uppercase().replace_strict(SEXES, default=None).alias("__sex"),
        raw("birth_weight_g").cast(pl.Int64, strict=False).alias("__weight"),
        raw("gestational_weeks").cast(pl.Int64, strict=False).alias("__weeks"),
        _place().alias("__place"),
    )
    dni_ok = pl.col("__doc").str.contains(r"^\d{8}$")
    other_ok = pl.col("__doc").str.contains(r"^[0-9A-Z]{6,12}$")
    checks = [
        reason_where(
            ~raw("cnv").str.contains(rf"^\d{{{low},{high}}}$"),
            "birth_bad_cnv",
            raw("cnv"),
            low,
            high,
        ),
        reason_where(
            raw("mother_document_type").is_not_null() & pl.col("__doc_type").is_null(),
            "birth_document_type",
            raw("mother_document_type"),
        ),
        reason_where(
            pl.col("__doc_type").is_not_null()
            & pl.when(pl.col("__doc_type") == "DNI").then(~dni_ok).otherwise(~other_ok),
            "birth_bad_document",
            raw("mother_document_number"),
            pl.col("__doc_type"),
        ),
        reason_where(pl.col("__birth_date").is_null(), "birth_bad_date", raw("birth_date")),
        reason_where(pl.col("__birth_date") > today, "birth_future", pl.col("__birth_date")),
        reason_where(pl.col("__sex").is_null(), "birth_sex", raw("sex").fill_null("")),
        reason_where(
            raw("delivery_place").is_not_null() & pl.col("__place").is_null(),
            "birth_place",
            raw("delivery_place"),
        ),
    ]
    for name, parsed, (lowest, highest) in (
        ("birth_weight_g", "__weight", WEIGHT_G),
        ("gestational_weeks", "__weeks", WEEKS),
    ):
        present = raw(name).is_not_null()
        checks.append(
            reason_where(present & pl.col(parsed).is_null(), "birth_not_a_number", name, raw(name))
        )
        out = pl.col(parsed).is_not_null() & ~pl.col(parsed).is_between(lowest, highest)
        checks.append(reason_where(out, "birth_range", name, pl.col(parsed), lowest, highest))
    return joined_reasons(with_checks(frame, checks))


def _place() -> pl.Expr:
    written = pl.col("delivery_place").str.to_uppercase().replace_strict(PLACES, default=None)
    # A facility named and no place given: born in that facility.
    facility = pl.when(pl.col("facility").is_not_null()).then(pl.lit(DeliveryPlace.INSTITUTIONAL))
    return (
        pl.when(pl.col("delivery_place").is_null())
        .then(facility.otherwise(pl.lit(DeliveryPlace.UNKNOWN)))
        .otherwise(written)
    )


class BirthImport(FileImport):
    """A births file: a row for a mother or a district outside ``allowed`` (the importing
    user's districts; None: all) is quarantined, as is a CNV that another record holds."""

    kind = "births"
    columns = BIRTH_COLUMNS
    tables = (Woman, Pregnancy, Birth, Child)

    def __init__(self, *, allowed: frozenset[str] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self.allowed = allowed
        self.seen: dict[str, int] = {}  # CNV -> line, across chunks
        self.same_days = current_profile().registry.same_child.birth_date_days
        self.districts = set(District.objects.values_list("ubigeo", flat=True))

    def validate(self, table: Table) -> pl.DataFrame:
        return validate_births(table, self.today)

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        created = unchanged = 0
        for row in rows.iter_rows(named=True):
            why, new = self._store(row, run)
            if why:
                refused.append((row[INDEX], why))
            elif new:
                created += 1
            else:
                unchanged += 1
        rejected = pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")
        return Outcome(created=created, unchanged=unchanged, rejected=rejected)

    def _store(self, row: dict[str, Any], run: ImportRun) -> tuple[str, bool]:
        """Store one valid row: (reason it cannot be stored, or "", and whether it is new)."""
        cnv = row["cnv"]
        if cnv in self.seen:
            return reason("birth_duplicate", self.seen[cnv]), False
        self.seen[cnv] = row[LINE]
        ubigeo = row["ubigeo"]
        if ubigeo and ubigeo not in self.districts:
            return reason("birth_unknown_ubigeo", ubigeo), False
        if ubigeo and self.allowed is not None and ubigeo not in self.allowed:
            return reason("birth_outside_scope", ubigeo), False
        woman = Woman.objects.with_document(row["__doc_type"], row["__doc"]).first()
        if woman is not None and self.allowed is not None and woman.district_id not in self.allowed:
            return reason("birth_woman_outside_scope", row["__doc"]), False
        known = Birth.objects.filter(cnv=cnv).select_related("pregnancy").first()
        if known is not None:
            if woman is None or known.pregnancy.woman_id != woman.pk:
                return reason("birth_cnv_elsewhere", cnv), False
            return "", False  # imported before: nothing changes
        child = Child.objects.filter(cnv=cnv).first()
        if (
            child is not None
            and abs((child.birth_date - row["__birth_date"]).days) > self.same_days
        ):
            held, given = child.birth_date.isoformat(), row["__birth_date"].isoformat()
            return reason("birth_child_differs", cnv, child.pk, held, given), False
        if woman is None:
            if not ubigeo:
                return reason("birth_unknown_ubigeo", ""), False
            woman = _new_woman(row)
        pregnancy = _delivered(woman, row, run)
        child = child or _newborn(woman, row)
        Birth.objects.create(
            pregnancy=pregnancy,
            child=child,
            cnv=cnv,
            birth_weight_g=row["__weight"],
            import_run=run,
        )
        return "", True


def _new_woman(row: dict[str, Any]) -> Woman:
    woman = Woman(
        document_type=row["__doc_type"],
        document_number=row["__doc"],
        paternal_surname=row["mother_paternal_surname"] or "",
        maternal_surname=row["mother_maternal_surname"] or "",
        given_names=row["mother_given_names"] or "",
        district_id=row["ubigeo"],
    )
    woman._change_reason = "registered from a births file"
    woman.save()
    return woman


def _delivered(woman: Woman, row: dict[str, Any], run: ImportRun) -> Pregnancy:
    """The pregnancy this birth ends: the one already closed on that day (a twin), her
    ongoing one whose FUR fits, or a new one dated back from the gestational age."""
    born: date = row["__birth_date"]
    closed = woman.pregnancies.filter(outcome_date=born).first()
    if closed is not None:
        return closed
    earliest = born - timedelta(weeks=PREGNANCY_WEEKS[1])
    latest = born - timedelta(weeks=PREGNANCY_WEEKS[0])
    pregnancy = (
        woman.pregnancies.filter(
            outcome=PregnancyOutcome.ONGOING, lmp_date__range=(earliest, latest)
        )
        .order_by("-lmp_date")
        .first()
    )
    if pregnancy is None:
        weeks = row["__weeks"]
        lmp = born - timedelta(days=weeks * 7 if weeks else PREGNANCY_DAYS)
        pregnancy = Pregnancy(woman=woman, lmp_date=lmp, import_run=run)
        reason = "delivery from a births file (no pregnancy recorded before)"
    else:
        reason = "delivery from a births file"
    pregnancy.outcome = PregnancyOutcome.LIVE_BIRTH
    pregnancy.outcome_date = born
    pregnancy.delivery_place = row["__place"] or ""
    pregnancy.delivery_facility = (row["facility"] or "")[:8]
    pregnancy.attended_by = row["attended_by"] or ""
    pregnancy.gestational_weeks_at_birth = row["__weeks"]
    pregnancy._change_reason = reason
    pregnancy.save()
    return pregnancy


def _newborn(woman: Woman, row: dict[str, Any]) -> Child:
    """The newborn's registry record, as the birth certificate gives it: CNV, birth date,
    sex, weight, gestational age and the mother's identity; names come later (the padrón)."""
    child = Child(
        cnv=row["cnv"],
        birth_date=row["__birth_date"],
        sex=row["__sex"],
        birth_weight_g=row["__weight"],
        gestational_age_weeks=row["__weeks"],
        district_id=row["ubigeo"] or woman.district_id,
        mother_document_type=woman.document_type,
        mother_document_number=woman.document_number or "",
        mother_paternal_surname=woman.paternal_surname,
        mother_maternal_surname=woman.maternal_surname,
        mother_given_names=woman.given_names,
        birth_facility=row["facility"] or "",
        data_source="CNV",
        record_status=codes.RecordStatus.ACTIVE,
    )
    child._change_reason = "registered from a births file (CNV)"
    child.save()
    return child


def import_births(
    path: Path,
    *,
    user: Any = None,
    allowed: frozenset[str] | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    importer = BirthImport(user=user, today=today, progress=progress, allowed=allowed)
    return run_import(importer, path)
