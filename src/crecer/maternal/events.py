"""Import of a pregnancy's services (HIS-MINSA rows or Crecer's columns, the shape of the
children's service file): each row is matched to a woman by her document, then to the
pregnancy whose span holds its date — from the FUR to 42 days after the outcome (the
postnatal checks), or 45 weeks for an ongoing one; a row that gives the FUR
(``Fecha_Ultima_Regla``) of a pregnancy not yet recorded registers it. A coded attention is a
service; an Hb value (in its own column, or the LAB of an Hb test code) is an Hb test in
pregnancy, adjusted later at the altitude recorded with it, else the district capital's.

Matching and comparison with what is stored run on columns (Polars); writes are bulk. A row
that matches no woman, no pregnancy, a woman outside the importer's territory, or an event
recorded differently is quarantined with its reason; importing a file again changes nothing."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import QuerySet

from crecer.health.columns import ALIASES as EVENT_ALIASES
from crecer.health.columns import UNREAD as EVENT_UNREAD
from crecer.health.models import AltitudeSource
from crecer.ingest.checks import (
    INDEX,
    REASON,
    add_reasons,
    ensure_columns,
    joined_reasons,
    reason_where,
    rows_of,
    with_checks,
)
from crecer.ingest.columns import Columns
from crecer.ingest.models import ImportRun
from crecer.ingest.reading import Table
from crecer.ingest.reasons import reason
from crecer.ingest.runs import FileImport, Outcome, Progress, run_import
from crecer.maternal.models import MaternalHbTest, MaternalService, Pregnancy, Woman
from crecer.norms import Profile
from crecer.profile import current_profile
from crecer.registry.validation import parse_dates

ALIASES = {
    name: EVENT_ALIASES[name]
    for name in ("document_type", "document_number", "date", "code", "lab", "facility", "hb")
} | {
    "altitude_m": EVENT_ALIASES["altitude_m"],
    "lmp_date": ["Fecha_Ultima_Regla", "FUR", "Fecha de última regla", "lmp"],
}
MATERNAL_EVENT_COLUMNS = Columns(
    ALIASES,
    expected="HIS-MINSA headers (Fecha_Atencion, Numero_Documento_Paciente, Codigo_Item, "
    "Fecha_Ultima_Regla…) or Crecer's (document_number, date, code, hb, lmp_date…)",
    required={"date": "attention date", "document_number": "patient's document"},
    unread=[name for name in EVENT_UNREAD if name != "Fecha_Ultima_Regla"],
)
DOCUMENT_TYPES = {"1": "DNI", "DNI": "DNI", "D": "DNI", "2": "CE", "CE": "CE", "PAS": "PAS"}
HB_RANGE = (1.0, 25.0)
ALTITUDE_RANGE = (-10.0, 6000.0)
POSTNATAL_DAYS = 42  # the puerperium: postnatal checks count up to 42 days after the outcome
LONGEST_WEEKS = 45


def maternal_codes(profile: Profile) -> frozenset[str]:
    """The codes the pregnancy (and postpartum) schedules count, and the Hb test codes."""
    found = set(profile.services.hb_test.codes)
    norms = profile.schedules
    for schedule in [*getattr(norms, "pregnancy", []), *getattr(norms, "postpartum", [])]:
        for requirement in schedule.requirements:
            found.update(requirement.codes)
    return frozenset(found)


def validate_maternal_events(
    table: Table, codes: frozenset[str], hb_codes: frozenset[str], today: date
) -> pl.DataFrame:
    """Each row's cleaned values and every reason the file alone shows. Pure."""
    frame = ensure_columns(rows_of(table), *ALIASES)
    number = pl.col("document_number").str.replace_all(r"[\s.\-]", "").str.to_uppercase()
    written = pl.col("document_type").str.to_uppercase().str.replace_all(r"[.\s]", "")
    frame = frame.with_columns(
        pl.when(written.is_null())
        .then(pl.lit("DNI"))
        .otherwise(written.replace_strict(DOCUMENT_TYPES, default=None))
        .alias("__doc_type"),
        number.alias("__doc"),
        parse_dates(pl.col("date")).alias("__date"),
        parse_dates(pl.col("lmp_date")).alias("__lmp"),
        pl.col("code").str.to_uppercase().alias("__code"),
        pl.coalesce(
            pl.col("hb"),
            pl.when(pl.col("code").is_in(sorted(hb_codes))).then(pl.col("lab")),
        )
        .str.replace(",", ".")
        .cast(pl.Float64, strict=False)
        .alias("__hb"),
        pl.col("altitude_m").str.replace(",", ".").cast(pl.Float64, strict=False).alias("__alt"),
    )
    is_dni = pl.col("__doc_type") == "DNI"
    checks = [
        reason_where(
            pl.col("document_type").is_not_null() & pl.col("__doc_type").is_null(),
            "maternal_document_type",
            pl.col("document_type"),
        ),
        reason_where(
            pl.col("__doc_type").is_not_null()
            & pl.when(is_dni)
            .then(~pl.col("__doc").str.contains(r"^\d{8}$"))
            .otherwise(~pl.col("__doc").str.contains(r"^[0-9A-Z]{6,12}$")),
            "maternal_bad_document",
            pl.col("document_number"),
        ),
        reason_where(pl.col("__date").is_null(), "maternal_bad_date", pl.col("date").fill_null("")),
        reason_where(pl.col("__date") > today, "maternal_future", pl.col("__date")),
        reason_where(
            pl.col("lmp_date").is_not_null() & pl.col("__lmp").is_null(),
            "maternal_bad_lmp",
            pl.col("lmp_date"),
        ),
        reason_where(
            pl.col("__code").is_not_null() & ~pl.col("__code").is_in(sorted(codes)),
            "maternal_unknown_code",
            pl.col("code"),
        ),
        reason_where(pl.col("__code").is_null() & pl.col("__hb").is_null(), "maternal_nothing"),
        reason_where(
            pl.col("hb").is_not_null() & pl.col("__hb").is_null(),
            "maternal_not_a_number",
            "Hb",
            pl.col("hb"),
        ),
        reason_where(
            pl.col("__hb").is_not_null() & ~pl.col("__hb").is_between(*HB_RANGE),
            "maternal_range",
            "Hb",
            pl.col("__hb"),
            *HB_RANGE,
        ),
        reason_where(
            pl.col("__alt").is_not_null() & ~pl.col("__alt").is_between(*ALTITUDE_RANGE),
            "maternal_range",
            "altitude",
            pl.col("__alt"),
            *ALTITUDE_RANGE,
        ),
    ]
    return joined_reasons(with_checks(frame, checks))


class MaternalEventImport(FileImport):
    """A file of a pregnancy's services; ``scope``: the women the importing user may record
    services for (None: all)."""

    kind = "maternal-events"
    columns = MATERNAL_EVENT_COLUMNS
    tables = (MaternalService, MaternalHbTest, Pregnancy)

    def __init__(self, *, scope: QuerySet[Woman] | None = None, **options: Any) -> None:
        super().__init__(**options)
        profile = current_profile()
        self.codes = maternal_codes(profile)
        self.hb_codes = frozenset(profile.services.hb_test.codes)
        self.hb_code = profile.services.hb_test.recorded_as
        self.scope = scope
        self.seen: set[tuple[int, date, str]] = set()

    def validate(self, table: Table) -> pl.DataFrame:
        return validate_maternal_events(table, self.codes, self.hb_codes, self.today)

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        received = rows.height
        rows = self._with_women(rows)
        rows = self._with_pregnancies(rows, run)
        refused = [rows.filter(pl.col(REASON) != "").select(INDEX, REASON)]
        rows = rows.filter(pl.col(REASON) == "")
        created, conflicts = self._store(rows, run)
        refused.append(conflicts)
        rejected = pl.concat(refused).cast({INDEX: pl.UInt32, REASON: pl.String})
        return Outcome(
            created=created,
            unchanged=received - rejected.height - created,
            rejected=rejected,
        )

    def _with_women(self, rows: pl.DataFrame) -> pl.DataFrame:
        """``__woman`` (id) by document; the reason where none, or outside the scope."""
        numbers = rows["__doc"].drop_nulls().unique().to_list()
        found = Woman.objects.filter(document_number__in=numbers)
        visible = None
        if self.scope is not None:
            visible = set(
                self.scope.filter(document_number__in=numbers).values_list("pk", flat=True)
            )
        women = pl.DataFrame(
            list(found.values_list("pk", "document_type", "document_number")),
            schema={"__woman": pl.Int64, "__doc_type": pl.String, "__doc": pl.String},
            orient="row",
        )
        rows = rows.join(women, on=["__doc_type", "__doc"], how="left")
        outside = pl.lit(False)
        if visible is not None:
            outside = pl.col("__woman").is_not_null() & ~pl.col("__woman").is_in(sorted(visible))
        return add_reasons(
            rows,
            [
                reason_where(
                    pl.col("__woman").is_null(),
                    "maternal_unknown_woman",
                    pl.col("__doc_type"),
                    pl.col("__doc"),
                ),
                reason_where(
                    outside, "maternal_woman_outside_scope", pl.col("__doc_type"), pl.col("__doc")
                ),
            ],
        )

    def _with_pregnancies(self, rows: pl.DataFrame, run: ImportRun) -> pl.DataFrame:
        """``__pregnancy``: the woman's pregnancy whose span holds the row's date; a row that
        gives the FUR of one not yet recorded registers it first."""
        ok = rows.filter(pl.col(REASON) == "")
        self._register_new(ok, run)
        women = ok["__woman"].unique().to_list()
        spans = pl.DataFrame(
            [
                (p.pk, p.woman_id, p.lmp_date, _span_end(p))
                for p in Pregnancy.objects.filter(woman_id__in=women)
            ],
            schema={
                "__pregnancy": pl.Int64,
                "__woman": pl.Int64,
                "__from": pl.Date,
                "__to": pl.Date,
            },
            orient="row",
        )
        matched = (
            ok.select(INDEX, "__woman", "__date")
            .join(spans, on="__woman", how="inner")
            .filter(pl.col("__date").is_between(pl.col("__from"), pl.col("__to")))
            .sort("__from", descending=True)
            .unique(INDEX, keep="first")  # overlapping spans: the latest pregnancy
            .select(INDEX, "__pregnancy")
        )
        rows = rows.join(matched, on=INDEX, how="left")
        unplaced = (pl.col(REASON) == "") & pl.col("__pregnancy").is_null()
        return add_reasons(
            rows, [reason_where(unplaced, "maternal_no_pregnancy", pl.col("__date"))]
        )

    def _register_new(self, rows: pl.DataFrame, run: ImportRun) -> None:
        given = rows.filter(pl.col("__lmp").is_not_null()).select("__woman", "__lmp").unique()
        if given.is_empty():
            return
        # A pregnancy is known by the FUR it is dated by and by the FUR reported (an
        # ultrasound may have redated it): a file giving either adds no pregnancy.
        have: set[tuple[int, Any]] = set()
        known = Pregnancy.objects.filter(woman_id__in=given["__woman"].to_list())
        for woman, dated, reported in known.values_list(
            "woman_id", "lmp_date", "reported_lmp_date"
        ):
            have |= {(woman, dated), (woman, reported)}
        for woman, lmp in given.iter_rows():
            if (woman, lmp) in have:
                continue
            pregnancy = Pregnancy(
                woman_id=woman, lmp_date=lmp, reported_lmp_date=lmp, import_run=run
            )
            pregnancy._change_reason = "registered from a services file (FUR)"
            pregnancy.save()

    def _store(self, rows: pl.DataFrame, run: ImportRun) -> tuple[int, pl.DataFrame]:
        """Write the new services and Hb tests; a test already stored with another value, or a
        row repeating one already written from this file, is a conflict or unchanged."""
        pregnancies = rows["__pregnancy"].unique().to_list()
        services = set(
            MaternalService.objects.filter(pregnancy_id__in=pregnancies).values_list(
                "pregnancy_id", "date", "code"
            )
        )
        stored = MaternalHbTest.objects.filter(pregnancy_id__in=pregnancies)
        tests = {
            (p, d): hb for p, d, hb in stored.values_list("pregnancy_id", "date", "hb_observed")
        }
        new_services, new_tests, conflicts = [], [], []
        common = {"import_run": run, "recorded_by_id": self.user_id}
        for row in rows.iter_rows(named=True):
            key = (row["__pregnancy"], row["__date"], row["__code"] or self.hb_code)
            facility = (row["facility"] or "")[:8]
            if row["__hb"] is not None:
                held = tests.get(key[:2])
                if held is not None and abs(held - row["__hb"]) > 1e-9:
                    conflicts.append((row[INDEX], reason("maternal_hb_differs", held, row["__hb"])))
                    continue
                if held is None:
                    tests[key[:2]] = row["__hb"]
                    new_tests.append(_hb_test(row, key[0], facility, common))
            if row["__code"] and key not in services:
                services.add(key)
                new_services.append(
                    MaternalService(
                        pregnancy_id=key[0], date=key[1], code=key[2], lab=(row["lab"] or "")[:10],
                        facility=facility, **common,
                    )
                )  # fmt: skip
        _fill_altitudes(new_tests)
        MaternalService.objects.bulk_create(new_services, batch_size=1000)
        MaternalHbTest.objects.bulk_create(new_tests, batch_size=1000)
        created = _created_rows(rows, new_services, new_tests)
        rejected = pl.DataFrame(
            conflicts, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row"
        )
        return created, rejected


def _hb_test(row: dict[str, Any], pregnancy: int, facility: str, common: dict) -> MaternalHbTest:
    recorded = row["__alt"] is not None
    return MaternalHbTest(
        pregnancy_id=pregnancy,
        date=row["__date"],
        hb_observed=row["__hb"],
        altitude_m=row["__alt"],
        altitude_source=AltitudeSource.RECORDED if recorded else AltitudeSource.UNKNOWN,
        facility=facility,
        **common,
    )


def _created_rows(rows: pl.DataFrame, services: list, tests: list) -> int:
    """Rows that wrote something: a row writes a service, an Hb test, or both (one row)."""
    keys = {(s.pregnancy_id, s.date, s.code) for s in services}
    tested = {(t.pregnancy_id, t.date) for t in tests}
    count = 0
    for pregnancy, day, code, hb in rows.select(
        "__pregnancy", "__date", "__code", "__hb"
    ).iter_rows():
        wrote = (code is not None and (pregnancy, day, code) in keys) or (
            hb is not None and (pregnancy, day) in tested
        )
        if wrote:
            keys.discard((pregnancy, day, code))
            tested.discard((pregnancy, day))
            count += 1
    return count


def _fill_altitudes(tests: list[MaternalHbTest]) -> None:
    """A test without a recorded altitude takes the district capital's, said so."""
    missing = [t for t in tests if t.altitude_m is None]
    if not missing:
        return
    altitudes = dict(
        Pregnancy.objects.filter(pk__in={t.pregnancy_id for t in missing}).values_list(
            "pk", "woman__district__altitude_m"
        )
    )
    for test in missing:
        altitude = altitudes.get(test.pregnancy_id)
        if altitude is not None:
            test.altitude_m = altitude
            test.altitude_source = AltitudeSource.DISTRICT


def _span_end(pregnancy: Pregnancy) -> date:
    """The last day an event belongs to the pregnancy: 42 days after its outcome (postnatal
    checks), or 45 weeks after the FUR while no outcome is known."""
    if pregnancy.outcome_date is not None:
        return pregnancy.outcome_date + timedelta(days=POSTNATAL_DAYS)
    return pregnancy.lmp_date + timedelta(weeks=LONGEST_WEEKS)


def import_maternal_events(
    path: Path,
    *,
    user: Any = None,
    scope: QuerySet[Woman] | None = None,
    today: date | None = None,
    progress: Progress | None = None,
) -> ImportRun:
    importer = MaternalEventImport(user=user, today=today, progress=progress, scope=scope)
    return run_import(importer, path)
