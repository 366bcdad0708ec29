"""Demo budget execution, physical goals and facility stock for a territory, with believable
patterns: a slow first semester and a December peak of accrued spending, goals near the
children the services reach, facilities whose iron runs out now and then. Written as the
files the imports take and brought in through them (every line must be stored: the demo's
files have no bad line).

``crecer demo`` does not call it yet (the demo's steps live in a shared file): run
``generate(scope, as_of)`` after the population is in the database."""

from __future__ import annotations

import csv
import random
import tempfile
from datetime import date
from pathlib import Path

from django.db.models import Count

from crecer.budget.imports import import_execution, import_goals, import_stock
from crecer.ingest.models import ImportRun
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.territory.models import HealthFacility, Province

# Share of the year's accrued spending by month: slow first semester, December peak.
MONTHLY_SHARE = (0.03, 0.04, 0.05, 0.06, 0.06, 0.07, 0.08, 0.08, 0.09, 0.10, 0.11, 0.23)
YEAR_EXECUTION = 0.92  # of the PIM accrued by 31 December
STOCK_MONTHS = 6
STOCK_OUT_SHARE = 0.08  # facilities whose iron stops arriving three months before the end
ITEMS = ("iron_drops", "iron_syrup", "mmn", "pentavalent")
SPECIFIC = "2.3.1.8.2.1"  # medicines (clasificador de gasto)


def _write(folder: Path, name: str, header: list[str], rows: list[list]) -> Path:
    path = folder / name
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _months_back(as_of: date, count: int) -> list[date]:
    index = as_of.year * 12 + as_of.month - 1
    return [date((i) // 12, i % 12 + 1, 1) for i in range(index - count + 1, index + 1)]


def execution_rows(units: list[tuple[str, str, str]], year: int, last_month: int,
                   rng: random.Random) -> tuple[list[list], list[list]]:  # fmt: skip
    """(execution rows, goal rows) for ``units`` (code, name, ubigeo) up to ``last_month``."""
    pan = current_profile().pan
    assert pan is not None
    products = [p for p in pan.products if p.code]
    execution, goals = [], []
    for code, name, ubigeo in units:
        for product in products:
            pim = rng.randrange(200, 800) * 1000
            pia = round(pim * rng.uniform(0.8, 0.95))
            for month in range(1, last_month + 1):
                accrued = round(pim * YEAR_EXECUTION * MONTHLY_SHARE[month - 1], 2)
                first = month == 1
                execution.append([
                    year, month, code, name, ubigeo, "0001", product.code, "5000001", SPECIFIC,
                    pia if first else 0, pim if first else 0, round(accrued * 1.08, 2),
                    round(accrued * 1.04, 2), accrued, round(accrued * rng.uniform(0.9, 1), 2),
                ])  # fmt: skip
            goals.append([year, code, name, ubigeo, product.code, rng.randrange(400, 3000)])
    return execution, goals


def stock_rows(as_of: date, scope: str, rng: random.Random) -> list[list]:
    """Six months of stock of the facilities the scope's children name."""
    pan = current_profile().pan
    assert pan is not None
    doses = {item.id: item.monthly_per_child or 1.0 for item in pan.supplies}
    codes = {
        name.upper(): code
        for code, name in HealthFacility.objects.filter(
            district__ubigeo__startswith=scope
        ).values_list("renipress_code", "name")
    }
    places = (
        Child.objects.filter(district__ubigeo__startswith=scope)
        .exclude(care_facility="")
        .values("care_facility", "district_id")
        .annotate(n=Count("id"))
        .order_by("-n")[:300]
    )
    rows, seen = [], set()
    months = _months_back(as_of, STOCK_MONTHS)
    for place in places:
        name, district = place["care_facility"], place["district_id"]
        code = codes.get(name.upper()) or f"9{district}{len(seen) % 10}"
        if code in seen:
            continue
        seen.add(code)
        due = max(1, place["n"] // 3)  # about a third of the children are 4-35 months old
        runs_out = rng.random() < STOCK_OUT_SHARE
        for item in ITEMS:
            need = due * doses[item] * (1 if item != "pentavalent" else 0.1)
            closing = round(need * rng.uniform(1.5, 4))
            expiry = date(as_of.year + 1, rng.randrange(1, 13), 28)
            for index, month in enumerate(months):
                opening = closing
                dispensed = min(opening, round(need * rng.uniform(0.4, 0.8)))
                stops = runs_out and item != "pentavalent" and index >= STOCK_MONTHS - 3
                received = 0 if stops or index % 2 else round(need * rng.uniform(1, 2.5))
                closing = opening + received - dispensed
                rows.append([
                    code, name, district, f"{month:%Y%m}", item, opening, received, dispensed,
                    closing, f"{expiry:%d/%m/%Y}",
                ])  # fmt: skip
    return rows


def generate(scope: str, as_of: date, seed: int = 1) -> dict[str, ImportRun]:
    """Import demo execution, goals and stock for ``scope`` (an ubigeo prefix) up to ``as_of``."""
    rng = random.Random(seed)
    provinces = Province.objects.filter(code__startswith=scope[:4]).order_by("code")
    units = [(f"1{p.code}", f"RED DE SALUD {p.name.upper()}", p.code) for p in provinces]
    execution, goals = execution_rows(units, as_of.year, as_of.month, rng)
    folder = Path(tempfile.mkdtemp(prefix="crecer-budget-demo-"))
    header = [
        "ANO_EJE", "MES_EJE", "SEC_EJEC", "EJECUTORA_NOMBRE", "UBIGEO", "PROGRAMA_PPTO",
        "PRODUCTO_PROYECTO", "ACTIVIDAD_ACCION_OBRA", "ESPECIFICA_DET", "MONTO_PIA", "MONTO_PIM",
        "MONTO_CERTIFICADO", "MONTO_COMPROMETIDO_ANUAL", "MONTO_DEVENGADO", "MONTO_GIRADO",
    ]  # fmt: skip
    goal_header = [
        "ANO_EJE", "SEC_EJEC", "EJECUTORA_NOMBRE", "UBIGEO", "PRODUCTO_PROYECTO", "META_FISICA",
    ]  # fmt: skip
    stock_header = [
        "COD_EESS", "NOMBRE_EESS", "UBIGEO", "PERIODO", "MEDICAMENTO", "SALDO_ANTERIOR",
        "INGRESOS", "CONSUMO", "STOCK_FINAL", "FECHA_VENCIMIENTO",
    ]  # fmt: skip
    return {
        "execution": import_execution(_write(folder, "ejecucion.csv", header, execution)),
        "goals": import_goals(_write(folder, "metas.csv", goal_header, goals)),
        "stock": import_stock(
            _write(folder, "ici.csv", stock_header, stock_rows(as_of, scope, rng))
        ),
    }
