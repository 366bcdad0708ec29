"""What the PAN pages show, read from the stored rows and computed by :mod:`crecer.pan`:
execution against the calendar by region and by implementing unit, and per product its
physical progress against the goals, cost per output and the money-vs-children gap; the
facilities' months of stock, stock-out risk, and the facilities whose children are due for
iron but have none.

Physical output comes from the services: a product's output is the numerator of the first of
its indicators in the profile (``[pan.products] outputs``) in the territory the unit serves
(its ubigeo), in the latest refresh that holds that territory whole. It is the children the
refresh counts as served on its date (a design assumption, docs/budget.md)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl
from django.db.models import Q, QuerySet, Sum

from crecer.access import policy
from crecer.analytics.dashboard import latest_refresh
from crecer.analytics.models import IndicatorValue, Refresh
from crecer.analytics.public import hidden_cells, is_hidden
from crecer.budget.models import ExecutingUnit, ExecutionRow, PhysicalGoal, StockRow
from crecer.norms import Profile
from crecer.norms.pan import PanNorms, Product
from crecer.pan import (
    calendar_share,
    cost_per_output,
    execution_rate,
    execution_table,
    facility_supply,
    item_stock,
    months_elapsed,
    physical_progress,
    spending_gap,
)
from crecer.territory.models import Department, HealthFacility

MONEY = ("pia", "pim", "certified", "committed", "accrued", "paid")


def visible_units(user: Any, code: str) -> QuerySet[ExecutingUnit]:
    """The units inside the user's scope (their ubigeo within it) and inside ``code``."""
    units = ExecutingUnit.objects.filter(ubigeo__startswith=code)
    scope = policy.access_of(user).scope
    if scope.national:
        return units
    inside = Q(pk__in=[])
    for prefix in scope.district_prefixes():
        inside |= Q(ubigeo__startswith=prefix)
    return units.filter(inside)


def visible_stock(user: Any, code: str) -> QuerySet[StockRow]:
    rows = StockRow.objects.filter(district_id__startswith=code)
    scope = policy.access_of(user).scope
    if scope.national:
        return rows
    inside = Q(pk__in=[])
    for prefix in scope.district_prefixes():
        inside |= Q(district_id__startswith=prefix)
    return rows.filter(inside)


@dataclass
class Output:
    """A product's physical output in a territory: the indicator and its count (None: no
    refresh, no indicator, or a small cell hidden from the reader)."""

    indicator: str | None
    level: str = ""
    code: str = ""
    produced: int | None = None
    refresh: Refresh | None = None
    personal: bool = False


@dataclass
class ProductLine:
    key: str  # the unit's code or the region's
    name: str
    product: Product
    pim: float
    accrued: float
    rate: float | None
    goal: int | None
    output: Output
    progress: float | None = None
    cost: float | None = None
    gap: float | None = None


@dataclass
class Execution:
    year: int | None
    years: list[int]
    months: int
    expected: float
    regions: list[dict] = field(default_factory=list)
    units: list[dict] = field(default_factory=list)
    products: list[ProductLine] = field(default_factory=list)
    region_products: list[ProductLine] = field(default_factory=list)
    by_month: list[dict] = field(default_factory=list)


class Outputs:
    """The physical output of each product in each territory, from the analytics tables."""

    def __init__(self, user: Any, profile: Profile) -> None:
        self.user, self.profile = user, profile
        self.hidden: dict[int, frozenset] = {}

    def of(self, product: Product, code: str) -> Output:
        if not product.outputs:
            return Output(None)
        indicator = product.outputs[0]
        level = self.profile.territory.level_of_code(code)
        refresh = latest_refresh(code)
        found = Output(indicator, level.id if level else "", code, refresh=refresh)
        if refresh is None or level is None:
            return found
        value = IndicatorValue.objects.filter(
            refresh=refresh, indicator=indicator, level=level.id, code=code
        ).first()
        found.personal = policy.sees_personal_in(self.user, code)
        if value is None:
            found.produced = 0  # no child of the territory counted
            return found
        if not found.personal:
            if refresh.pk not in self.hidden:
                self.hidden[refresh.pk] = hidden_cells(refresh, self.profile)
            if is_hidden(self.hidden[refresh.pk], value):
                return found
        found.produced = value.numerator
        return found


def _months(row: dict) -> dict:
    """``months`` None when unknown or endless (``endless`` then says which)."""
    months = row["months"]
    finite = months is not None and math.isfinite(months)
    return row | {"months": months if finite else None, "endless": months == math.inf}


def _none(value: Any) -> Any:
    return None if value is None or value != value else value  # NaN is unknown


def _product_lines(
    frame: pl.DataFrame,
    key: str,
    names: dict[str, str],
    territory: dict[str, str],
    goals: dict[tuple[str, str], int],
    pan: PanNorms,
    outputs: Outputs,
) -> list[ProductLine]:
    """One line per (``key``, product) of the summed execution ``frame``."""
    lines = []
    for row in frame.iter_rows(named=True):
        product = pan.product(row["product"])
        goal = goals.get((row[key], row["product"]))
        output = outputs.of(product, territory[row[key]])
        line = ProductLine(
            row[key], names.get(row[key], row[key]), product, row["pim"], row["accrued"],
            _none(row["rate"]), goal, output,
        )  # fmt: skip
        produced = output.produced
        if produced is not None:
            line.cost = _none(float(cost_per_output(row["accrued"], produced)))
        if produced is not None and goal is not None:
            line.progress = _none(float(physical_progress(produced, goal)))
            line.gap = _none(float(spending_gap(row["accrued"], row["pim"], produced, goal)))
        lines.append(line)
    return lines


def _by_month(rows: QuerySet[ExecutionRow]) -> list[dict]:
    """Month by month of the year: the accrued of the month, the accrued so far, and the
    execution so far (accrued so far ÷ the year's PIM) beside the calendar (month ÷ 12)."""
    sums = dict(rows.values_list("month").annotate(total=Sum("accrued")).order_by())
    pim = float(rows.aggregate(total=Sum("pim"))["total"] or 0)
    months = list(range(1, 13))
    accrued = [float(sums.get(month, 0)) for month in months]
    so_far = [sum(accrued[:n]) for n in months]
    rates = execution_rate(so_far, [pim] * 12)
    calendar = calendar_share(months)
    return [
        {"month": m, "accrued": a, "so_far": f, "rate": _none(float(r)), "calendar": float(c)}
        for m, a, f, r, c in zip(months, accrued, so_far, rates, calendar, strict=True)
        if m <= max(sums, default=0)
    ]


def execution(
    user: Any, code: str, year: int | None, today: date, profile: Profile, pan: PanNorms
) -> Execution:
    """The execution page of territory ``code`` ("" = every unit the user sees)."""
    units = visible_units(user, code)
    rows = ExecutionRow.objects.filter(unit__in=units)
    years = sorted(set(rows.values_list("year", flat=True)), reverse=True)
    if year is None:
        year = years[0] if years else None
    months = months_elapsed(year, today) if year else 0
    page = Execution(year, years, months, months / 12)
    if year is None:
        return page
    sums = list(
        rows.filter(year=year)
        .values("unit_id", "unit__ubigeo", "product")
        .annotate(**{name: Sum(name) for name in MONEY})
    )
    if not sums:
        return page
    frame = pl.DataFrame(
        {
            "unit": [s["unit_id"] for s in sums],
            "region": [s["unit__ubigeo"][:2] for s in sums],
            "product": [s["product"] for s in sums],
            **{name: [float(s[name]) for s in sums] for name in MONEY},
        }
    )
    page.by_month = _by_month(rows.filter(year=year))
    unit_names = dict(units.values_list("code", "name"))
    unit_territory = dict(units.values_list("code", "ubigeo"))
    regions = set(frame["region"].to_list())
    region_names = dict(Department.objects.filter(code__in=regions).values_list("code", "name"))
    page.regions = [
        row | {"name": region_names.get(row["region"], row["region"])}
        for row in execution_table(frame, ["region"], months).iter_rows(named=True)
    ]
    page.units = [
        row
        | {"name": unit_names.get(row["unit"], row["unit"]), "ubigeo": unit_territory[row["unit"]]}
        for row in execution_table(frame, ["unit"], months).iter_rows(named=True)
    ]
    goals_by_unit: dict[tuple[str, str], int] = {}
    goals_by_region: dict[tuple[str, str], int] = {}
    for unit, product, units_programmed in PhysicalGoal.objects.filter(
        year=year, unit__in=units
    ).values_list("unit_id", "product", "units"):
        goals_by_unit[(unit, product)] = units_programmed
        region = (unit_territory[unit][:2], product)
        goals_by_region[region] = goals_by_region.get(region, 0) + units_programmed
    outputs = Outputs(user, profile)
    page.products = _product_lines(
        execution_table(frame, ["unit", "product"], months), "unit", unit_names,
        unit_territory, goals_by_unit, pan, outputs,
    )  # fmt: skip
    page.region_products = _product_lines(
        execution_table(frame, ["region", "product"], months), "region", region_names,
        {r: r for r in regions}, goals_by_region, pan, outputs,
    )  # fmt: skip
    return page


@dataclass
class Stock:
    month: date | None
    months: list[date]
    items: list[dict] = field(default_factory=list)
    facilities: list[dict] = field(default_factory=list)
    due_without_stock: list[dict] = field(default_factory=list)


def children_due(facilities: dict[str, tuple[str, str]], pan: PanNorms) -> pl.DataFrame:
    """(facility, children_due) for ``facilities`` (code -> (district, name in the file)):
    the denominator of the iron product's first indicator at each facility, from the latest
    refresh of its district. The analytics tables count children by their facility of care
    as the registry writes it (name or code), so the code and both names are tried."""
    iron = next((p for p in pan.products if p.id == "iron_supplement" and p.outputs), None)
    due: dict[str, int] = {}
    if iron is not None:
        names = dict(
            HealthFacility.objects.filter(renipress_code__in=facilities).values_list(
                "renipress_code", "name"
            )
        )
        for code, (district, name) in facilities.items():
            refresh = latest_refresh(district)
            if refresh is None:
                continue
            labels = {code, names.get(code, ""), name} - {""}
            counted = IndicatorValue.objects.filter(
                refresh=refresh, indicator=iron.outputs[0], level="facility", code__in=labels
            ).aggregate(n=Sum("denominator"))
            due[code] = counted["n"] or 0
    return pl.DataFrame(
        {"facility": list(due), "children_due": list(due.values())},
        schema={"facility": pl.String, "children_due": pl.Int64},
    )


def stock(user: Any, code: str, month: date | None, pan: PanNorms) -> Stock:
    """The stock page of territory ``code`` for ``month`` (default: the latest reported)."""
    rows = visible_stock(user, code)
    months = sorted(set(rows.values_list("month", flat=True)), reverse=True)
    if month is None:
        month = months[0] if months else None
    page = Stock(month, months)
    if month is None:
        return page
    values = list(
        rows.filter(month__lte=month).values(
            "facility_code", "facility_name", "district_id", "month", "item", "opening",
            "received", "dispensed", "closing", "expiry",
        )
    )  # fmt: skip
    frame = pl.DataFrame(
        {
            "facility": [v["facility_code"] for v in values],
            "item": [v["item"] for v in values],
            "month": [v["month"] for v in values],
            **{
                n: [float(v[n]) for v in values]
                for n in ("opening", "received", "dispensed", "closing")
            },
            "expiry": [v["expiry"] for v in values],
        },
        schema_overrides={"month": pl.Date, "expiry": pl.Date},
    )
    rule = pan.stock
    now = item_stock(
        frame, month, average_months=rule.average_months.value,
        min_months=rule.min_months.value, max_months=rule.max_months.value,
    )  # fmt: skip
    place = {v["facility_code"]: v["district_id"] for v in values}
    label = {v["facility_code"]: v["facility_name"] for v in values if v["facility_name"]}
    names = dict(
        HealthFacility.objects.filter(renipress_code__in=place).values_list(
            "renipress_code", "name"
        )
    )
    items = {item.id: item for item in pan.supplies}
    for row in now.iter_rows(named=True):
        page.items.append(
            _months(row) | {"name": names.get(row["facility"]) or label.get(row["facility"], ""),
                   "district": place[row["facility"]], "supply": items[row["item"]]}
        )  # fmt: skip
    doses = pl.DataFrame(
        {
            "item": [i.id for i in pan.supplies if i.use == "child_iron"],
            "monthly_per_child": [
                float(i.monthly_per_child or 1) for i in pan.supplies if i.use == "child_iron"
            ],
        }
    )
    reported = {f: (place[f], label.get(f, "")) for f in now["facility"].unique().to_list()}
    supply = facility_supply(
        now, doses, children_due(reported, pan),
        min_months=rule.min_months.value, max_months=rule.max_months.value,
    )  # fmt: skip
    for row in supply.iter_rows(named=True):
        line = _months(row) | {
            "name": names.get(row["facility"]) or label.get(row["facility"], ""),
            "district": place.get(row["facility"], ""),
        }
        page.facilities.append(line)
        if row["due_without_stock"]:
            page.due_without_stock.append(line)
    return page
