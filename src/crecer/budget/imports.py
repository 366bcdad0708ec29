"""The budget execution extract, the physical goals file and the facilities' stock report as
import kinds (:mod:`crecer.ingest.kinds`): the same upload page, report, quarantine CSV and
``crecer import budget-execution FILE`` / ``budget-goals`` / ``budget-stock`` as every import.

Rows are validated on columns (:mod:`crecer.budget.validation`) and written in bulk. A line
is stored, quarantined with every reason (an amount that is not one or is negative, a month
outside 1-12, a product or item the profile does not know, a territory outside the
importer's), or stored with a warning on the run's report: the accrued above the PIM of the
same key (all months stored; the notes do not make it impossible) and a stock month whose
closing is not opening + received − dispensed (the report may carry adjustments). Loading a
newer extract of the same key replaces its amounts (counted as updated)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import polars as pl
from django.db.models import Sum
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.budget.columns import EXECUTION_COLUMNS, GOAL_COLUMNS, STOCK_COLUMNS
from crecer.budget.models import ExecutingUnit, ExecutionRow, PhysicalGoal, StockRow
from crecer.budget.validation import (
    amount,
    amount_checks,
    code_part,
    mapped,
    month_number,
    name_part,
    whole,
    year_number,
)
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
from crecer.norms.pan import PanNorms
from crecer.profile import current_profile
from crecer.registry.validation import parse_dates
from crecer.territory.models import Department, District, HealthFacility, Province

MONEY = ("pia", "pim", "certified", "committed", "accrued", "paid")
STOCK = ("opening", "received", "dispensed", "closing")
CENT = Decimal("0.01")
NAME_LENGTH = 255


def _pan() -> PanNorms:
    norms = current_profile().pan
    if norms is None:
        raise ValueError("the profile has no [pan] table: the budget imports need it")
    return norms


def _prefixes(user: Any) -> list[str] | None:
    """The territory prefixes a user imports into (None: all)."""
    if user is None:
        return None
    scope = policy.access_of(user).scope
    return None if scope.national else scope.district_prefixes()


def _known_territories() -> set[str]:
    return (
        set(Department.objects.values_list("code", flat=True))
        | set(Province.objects.values_list("code", flat=True))
        | set(District.objects.values_list("ubigeo", flat=True))
    )


def _money(value: float) -> Decimal:
    return Decimal(repr(value)).quantize(CENT)


def _rejected(refused: list[tuple[int, str]]) -> pl.DataFrame:
    return pl.DataFrame(refused, schema={INDEX: pl.UInt32, REASON: pl.String}, orient="row")


def _within(column: pl.Expr, prefixes: list[str] | None) -> pl.Expr:
    if prefixes is None:
        return pl.lit(True)
    inside = pl.lit(False)
    for prefix in prefixes:
        inside = inside | column.str.starts_with(prefix)
    return inside


def _as_stored(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    """The columns ``names`` as they are stored (a "code: name" cell's code, a product's
    id), so that the length check reads what is stored, not the cell."""
    return frame.with_columns(pl.col(f"__{name}").alias(name) for name in names)


CODES = ("product", "activity", "specific", "source")


class _UnitImport(FileImport):
    """What the execution and goal imports share: the implementing unit of each row, with the
    territory it serves, created on first sight; a unit already recorded in another territory
    is refused (its territory is changed in the admin, not by a file)."""

    def __init__(self, *, prefixes: list[str] | None, **options: Any) -> None:
        super().__init__(**options)
        self.pan = _pan()
        self.prefixes = prefixes
        self.territories = _known_territories()
        self.units: dict[str, str] = dict(ExecutingUnit.objects.values_list("code", "ubigeo"))
        self.seen: dict[tuple, int] = {}

    def product_of(self, value: str) -> str | None:
        product = self.pan.product_of_code(value) if value.isdigit() else None
        if product is not None:
            return product.id
        return value if value in {p.id for p in self.pan.products} else None

    def unit_frame(self, frame: pl.DataFrame) -> pl.DataFrame:
        frame = frame.with_columns(
            code_part("unit").alias("__unit"),
            pl.coalesce(pl.col("unit_name"), name_part("unit")).alias("__unit_name"),
            pl.coalesce(pl.col("ubigeo"), pl.col("department")).alias("__territory"),
            year_number("year").alias("__year"),
            code_part("product").alias("__product_code"),
        )
        return frame.with_columns(
            mapped(frame, "__product_code", self.product_of).alias("__product")
        )

    def unit_checks(self) -> list[pl.Expr]:
        territory = pl.col("__territory")
        known = territory.is_in(sorted(self.territories))
        return [
            reason_where(pl.col("__year").is_null(), "budget_bad_year", pl.col("year")),
            reason_where(pl.col("__unit").is_null(), "budget_missing", "implementing unit"),
            reason_where(territory.is_not_null() & ~known, "budget_unknown_territory", territory),
            reason_where(
                known & ~_within(territory, self.prefixes), "budget_outside_scope", territory
            ),
            reason_where(
                pl.col("__product").is_null(), "budget_unknown_product", pl.col("product")
            ),
        ]

    def unit_of(self, row: dict[str, Any], new: dict[str, ExecutingUnit]) -> str | None:
        """The reason the row's unit cannot take it ("" when it can), creating the unit."""
        code, territory = row["__unit"], row["__territory"]
        recorded = self.units.get(code)
        if recorded is None:
            if territory is None:
                return reason("budget_missing", "territory (UBIGEO or DEPARTAMENTO_EJECUTORA)")
            self.units[code] = territory
            name = (row["__unit_name"] or code)[:NAME_LENGTH]
            new[code] = ExecutingUnit(code=code, name=name, ubigeo=territory)
            return ""
        if territory is not None and territory != recorded:
            shown = recorded if self.prefixes is None else "?"
            return reason("budget_unit_territory_differs", code, shown, territory)
        if self.prefixes is not None and not any(recorded.startswith(p) for p in self.prefixes):
            return reason("budget_outside_scope", recorded)
        return ""

    def duplicate(self, key: tuple, line: int, what: str) -> str:
        if key in self.seen:
            return reason("budget_duplicate", what, self.seen[key])
        self.seen[key] = line
        return ""


class ExecutionImport(_UnitImport):
    kind = "budget-execution"
    columns = EXECUTION_COLUMNS
    tables = (ExecutingUnit, ExecutionRow)

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self.lines: dict[tuple, int] = {}  # (year, unit, product, activity, specific, source)

    def validate(self, table: Table) -> pl.DataFrame:
        frame = self.unit_frame(ensure_columns(rows_of(table), *EXECUTION_COLUMNS.aliases))
        frame = frame.with_columns(
            month_number("month").alias("__month"),
            code_part("program").alias("__program"),
            *(
                code_part(name).fill_null("").alias(f"__{name}")
                for name in ("activity", "specific", "source")
            ),
            *(amount(name).alias(f"__{name}") for name in MONEY),
        )
        program = self.pan.program.value
        other = pl.col("__program").is_not_null() & (
            pl.col("__program").str.strip_chars_start("0") != program.lstrip("0")
        )
        checks = [
            *self.unit_checks(),
            reason_where(pl.col("__month").is_null(), "budget_bad_month", pl.col("month")),
            reason_where(other, "budget_other_program", pl.col("program"), program),
            *amount_checks(list(MONEY)),
        ]
        return _as_stored(joined_reasons(with_checks(frame, checks)), *CODES)

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        units: dict[str, ExecutingUnit] = {}
        accepted = []
        for row in rows.iter_rows(named=True):
            key = tuple(
                row[f"__{name}"]
                for name in ("year", "unit", "product", "activity", "specific", "source", "month")
            )
            problem = self.unit_of(row, units) or self.duplicate(
                key, row[LINE], "year, unit, product, activity, specific expenditure and month"
            )
            if problem:
                refused.append((row[INDEX], problem))
                continue
            self.lines[key[:6]] = row[LINE]
            accepted.append((key, {name: _money(row[f"__{name}"]) for name in MONEY}))
        ExecutingUnit.objects.bulk_create(units.values(), batch_size=2000)
        stored = {
            (r.year, r.unit_id, r.product, r.activity, r.specific, r.source, r.month): r
            for r in ExecutionRow.objects.filter(
                unit_id__in={key[1] for key, _values in accepted},
                year__in={key[0] for key, _values in accepted},
            )
        }
        new, changed, unchanged = [], [], 0
        for key, values in accepted:
            record = stored.get(key)
            if record is None:
                year, unit, product, activity, specific, source, month = key
                new.append(
                    ExecutionRow(
                        year=year, unit_id=unit, product=product, activity=activity,
                        specific=specific, source=source, month=month, import_run=run, **values,
                    )
                )  # fmt: skip
            elif any(getattr(record, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(record, name, value)
                record.import_run = run
                changed.append(record)
            else:
                unchanged += 1
        ExecutionRow.objects.bulk_create(new, batch_size=2000)
        ExecutionRow.objects.bulk_update(changed, [*MONEY, "import_run"], batch_size=2000)
        return Outcome(
            created=len(new), updated=len(changed), unchanged=unchanged, rejected=_rejected(refused)
        )

    def finish(self, run: ImportRun) -> None:
        """Warn of every key of the file whose accrued, over all its months stored, exceeds
        its PIM (the PIM of a year may sit on another month's row, so a row alone says
        nothing)."""
        fields = ("year", "unit_id", "product", "activity", "specific", "source")
        units = {key[1] for key in self.lines}
        years = {key[0] for key in self.lines}
        sums = (
            ExecutionRow.objects.filter(unit_id__in=units, year__in=years)
            .values(*fields)
            .annotate(pim=Sum("pim"), accrued=Sum("accrued"))
        )
        warnings = []
        for total in sums:
            key = tuple(total[name] for name in fields)
            if key in self.lines and total["accrued"] > total["pim"]:
                text = gettext(
                    "accrued S/ %(accrued)s exceeds the PIM S/ %(pim)s of %(year)s, unit "
                    "%(unit)s, product %(product)s, activity %(activity)s, specific "
                    "expenditure %(specific)s (all months stored)"
                ) % {**total, "unit": total["unit_id"]}
                warnings.append([self.lines[key], text])
        run.warnings = sorted(warnings)


class GoalImport(_UnitImport):
    kind = "budget-goals"
    columns = GOAL_COLUMNS
    tables = (ExecutingUnit,)

    def validate(self, table: Table) -> pl.DataFrame:
        frame = self.unit_frame(ensure_columns(rows_of(table), *GOAL_COLUMNS.aliases))
        frame = frame.with_columns(whole("goal").alias("__goal"))
        checks = [
            *self.unit_checks(),
            reason_where(pl.col("__goal").is_null(), "budget_bad_goal", pl.col("goal")),
            reason_where(pl.col("__goal") < 0, "budget_negative", "goal", pl.col("goal")),
        ]
        return _as_stored(joined_reasons(with_checks(frame, checks)), "product")

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        units: dict[str, ExecutingUnit] = {}
        accepted = []
        for row in rows.iter_rows(named=True):
            key = (row["__year"], row["__unit"], row["__product"])
            problem = self.unit_of(row, units) or self.duplicate(
                key, row[LINE], "year, unit and product"
            )
            if problem:
                refused.append((row[INDEX], problem))
            else:
                accepted.append((key, row["__goal"]))
        ExecutingUnit.objects.bulk_create(units.values(), batch_size=2000)
        stored = {
            (g.year, g.unit_id, g.product): g
            for g in PhysicalGoal.objects.filter(unit_id__in={key[1] for key, _ in accepted})
        }
        new, changed, unchanged = [], [], 0
        for (year, unit, product), goal in accepted:
            record = stored.get((year, unit, product))
            if record is None:
                new.append(
                    PhysicalGoal(
                        year=year, unit_id=unit, product=product, units=goal, import_run=run
                    )
                )
            elif record.units != goal:
                record.units, record.import_run = goal, run
                changed.append(record)
            else:
                unchanged += 1
        PhysicalGoal.objects.bulk_create(new, batch_size=2000)
        PhysicalGoal.objects.bulk_update(changed, ["units", "import_run"], batch_size=2000)
        return Outcome(
            created=len(new), updated=len(changed), unchanged=unchanged, rejected=_rejected(refused)
        )


class StockImport(FileImport):
    kind = "budget-stock"
    columns = STOCK_COLUMNS
    tables = (StockRow,)

    def __init__(self, *, prefixes: list[str] | None, **options: Any) -> None:
        super().__init__(**options)
        self.pan = _pan()
        self.prefixes = prefixes
        self.facilities = dict(HealthFacility.objects.values_list("renipress_code", "district_id"))
        self.districts = set(District.objects.values_list("ubigeo", flat=True))
        self.seen: dict[tuple, int] = {}
        self.warnings: list[list] = []

    def item_of(self, value: str) -> str | None:
        item = self.pan.item_of(value) or self.pan.item_of(value.split(":")[-1])
        return item.id if item is not None else None

    def validate(self, table: Table) -> pl.DataFrame:
        frame = ensure_columns(rows_of(table), *STOCK_COLUMNS.aliases)
        code = pl.col("facility").str.replace(r"\.0+$", "")
        period = whole("period")
        year = pl.coalesce(year_number("year"), period // 100)
        month = pl.coalesce(month_number("month"), period % 100)
        frame = frame.with_columns(
            pl.when(code.str.contains(r"^[0-9]{1,8}$"))
            .then(code.str.zfill(8))
            .otherwise(None)
            .alias("__facility"),
            pl.when(month.is_between(1, 12) & year.is_between(2000, 2100))
            .then(pl.date(year, month, 1))
            .otherwise(None)
            .alias("__month"),
            *(amount(name).alias(f"__{name}") for name in STOCK),
            parse_dates(pl.col("expiry")).alias("__expiry"),
        )
        district = pl.col("__facility").replace_strict(
            self.facilities, default=None, return_dtype=pl.String
        )
        frame = frame.with_columns(
            mapped(frame, "item", self.item_of).alias("__item"),
            pl.coalesce(
                district,
                pl.when(pl.col("ubigeo").is_in(sorted(self.districts))).then(pl.col("ubigeo")),
            ).alias("__district"),
        )
        raw_month = pl.coalesce(pl.col("month"), pl.col("period"))
        no_period = pl.col("month").is_null() & pl.col("period").is_null()
        checks = [
            reason_where(
                pl.col("facility").is_not_null() & pl.col("__facility").is_null(),
                "budget_bad_facility",
                pl.col("facility"),
            ),
            reason_where(
                pl.col("__facility").is_not_null() & pl.col("__district").is_null(),
                "budget_unknown_facility",
                pl.col("__facility"),
            ),
            reason_where(
                pl.col("__district").is_not_null() & ~_within(pl.col("__district"), self.prefixes),
                "budget_outside_scope",
                pl.col("__district"),
            ),
            reason_where(no_period, "budget_no_period"),
            reason_where(~no_period & pl.col("__month").is_null(), "budget_bad_month", raw_month),
            reason_where(pl.col("__item").is_null(), "budget_unknown_item", pl.col("item")),
            reason_where(pl.col("closing").is_null(), "budget_missing", "closing stock"),
            *amount_checks(list(STOCK)),
            reason_where(
                pl.col("expiry").is_not_null() & pl.col("__expiry").is_null(),
                "budget_bad_date",
                "expiry",
                pl.col("expiry"),
            ),
        ]
        return _as_stored(joined_reasons(with_checks(frame, checks)), "item")

    def write(self, rows: pl.DataFrame, run: ImportRun) -> Outcome:
        refused: list[tuple[int, str]] = []
        accepted = []
        for row in rows.iter_rows(named=True):
            key = (row["__facility"], row["__month"], row["__item"])
            if key in self.seen:
                what = "facility, month and item"
                refused.append((row[INDEX], reason("budget_duplicate", what, self.seen[key])))
                continue
            self.seen[key] = row[LINE]
            values: dict[str, Any] = {name: _money(row[f"__{name}"]) for name in STOCK}
            values |= {
                "expiry": row["__expiry"], "district_id": row["__district"],
                "facility_name": row["facility_name"] or "",
            }  # fmt: skip
            balance = values["opening"] + values["received"] - values["dispensed"]
            if balance != values["closing"]:
                self.warnings.append(
                    [
                        row[LINE],
                        gettext(
                            "closing stock %(closing)s is not opening + received − dispensed "
                            "(%(balance)s): stored as reported"
                        )
                        % {"closing": values["closing"], "balance": balance},
                    ]
                )
            accepted.append((key, values))
        stored = {
            (s.facility_code, s.month, s.item): s
            for s in StockRow.objects.filter(
                facility_code__in={key[0] for key, _ in accepted},
                month__in={key[1] for key, _ in accepted},
            )
        }
        new, changed, unchanged = [], [], 0
        for (facility, month, item), values in accepted:
            record = stored.get((facility, month, item))
            if record is None:
                new.append(
                    StockRow(
                        facility_code=facility, month=month, item=item, import_run=run, **values
                    )
                )
            elif any(getattr(record, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(record, name, value)
                record.import_run = run
                changed.append(record)
            else:
                unchanged += 1
        StockRow.objects.bulk_create(new, batch_size=2000)
        fields = [*STOCK, "expiry", "district_id", "facility_name", "import_run"]
        StockRow.objects.bulk_update(changed, fields, batch_size=2000)
        return Outcome(
            created=len(new), updated=len(changed), unchanged=unchanged, rejected=_rejected(refused)
        )

    def finish(self, run: ImportRun) -> None:
        run.warnings = self.warnings


def import_execution(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    importer = ExecutionImport(prefixes=_prefixes(user), user=user, today=today, progress=progress)
    return run_import(importer, path)


def import_goals(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    importer = GoalImport(prefixes=_prefixes(user), user=user, today=today, progress=progress)
    return run_import(importer, path)


def import_stock(
    path: Path, *, user: Any = None, today: date | None = None, progress: Progress | None = None
) -> ImportRun:
    importer = StockImport(prefixes=_prefixes(user), user=user, today=today, progress=progress)
    return run_import(importer, path)


def _national(user: Any) -> bool:
    return policy.access_of(user).scope.national


def _admin(user: Any) -> bool:
    return policy.access_of(user).role == Role.ADMINISTRATOR


def _may_import(user: Any) -> bool:
    return policy.can(user, Can.IMPORT)


EXECUTION = ImportKind(
    name="budget-execution",
    label=_("PAN budget execution"),
    title=_("Import budget execution"),
    lead=_(
        "Upload MEF's budget execution extract (open data or Consulta Amigable) of the "
        "Articulated Nutrition Program: one row per year, implementing unit, product, "
        "activity, specific expenditure and month, with PIA, PIM, certified, committed, "
        "accrued and paid. A newer extract of the same row replaces its amounts."
    ),
    file_label=_("Execution extract (CSV or XLSX)"),
    file_help=_(
        "ANO_EJE, MES_EJE, SEC_EJEC, EJECUTORA_NOMBRE, UBIGEO or DEPARTAMENTO_EJECUTORA, "
        "PROGRAMA_PPTO, PRODUCTO_PROYECTO, ACTIVIDAD_ACCION_OBRA, ESPECIFICA_DET, MONTO_PIA, "
        "MONTO_PIM, MONTO_CERTIFICADO, MONTO_COMPROMETIDO_ANUAL, MONTO_DEVENGADO, MONTO_GIRADO."
    ),
    command_help="PAN budget execution (MEF extract: PIA, PIM, certified, accrued, paid)",
    namespace="budget_execution",
    columns=EXECUTION_COLUMNS,
    run=lambda path, user=None, progress=None: import_execution(path, user=user, progress=progress),
    may_import=_may_import,
    reads_all=_national,
    sees_full_reasons=_admin,
    updates_records=True,
    report_prefix="budget-execution",
)

GOALS = ImportKind(
    name="budget-goals",
    label=_("PAN physical goals"),
    title=_("Import physical goals"),
    lead=_(
        "Upload the physical goals programmed per implementing unit and product for a year "
        "(units of the product's unit of measure). A newer file replaces a goal."
    ),
    file_label=_("Physical goals (CSV or XLSX)"),
    file_help=_("ANO_EJE, SEC_EJEC, EJECUTORA_NOMBRE, UBIGEO, PRODUCTO_PROYECTO, META_FISICA."),
    command_help="PAN physical goals per implementing unit and product",
    namespace="budget_goals",
    columns=GOAL_COLUMNS,
    run=lambda path, user=None, progress=None: import_goals(path, user=user, progress=progress),
    may_import=_may_import,
    reads_all=_national,
    sees_full_reasons=_admin,
    updates_records=True,
    report_prefix="budget-goals",
)

STOCK_KIND = ImportKind(
    name="budget-stock",
    label=_("facility stock"),
    title=_("Import facility stock"),
    lead=_(
        "Upload the medicine-supply system's monthly report of the facilities: opening "
        "stock, received, dispensed, closing stock and expiry of iron, micronutrients and "
        "vaccines. A closing stock that does not balance is stored as reported, with a warning."
    ),
    file_label=_("Monthly stock report (CSV or XLSX)"),
    file_help=_(
        "COD_EESS, AÑO and MES (or PERIODO), MEDICAMENTO, SALDO_ANTERIOR, INGRESOS, CONSUMO, "
        "STOCK_FINAL, FECHA_VENCIMIENTO."
    ),
    command_help="facility stock of iron, micronutrients and vaccines (monthly report)",
    namespace="budget_stock",
    columns=STOCK_COLUMNS,
    run=lambda path, user=None, progress=None: import_stock(path, user=user, progress=progress),
    may_import=_may_import,
    reads_all=_national,
    sees_full_reasons=_admin,
    updates_records=True,
    report_prefix="budget-stock",
)

KINDS = (EXECUTION, GOALS, STOCK_KIND)
