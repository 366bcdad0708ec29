"""The budget pages' probes for the site-wide checks: tests/access/test_scope.py (an away
district's implementing unit, stock and imports never reach a home user) and
tests/web/test_spanish.py (every budget page, with data, in Spanish)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.urls import reverse

from crecer.budget.imports import import_execution, import_goals, import_stock
from crecer.ingest.models import ImportRun

EXECUTION_HEADER = (
    "ANO_EJE,MES_EJE,SEC_EJEC,EJECUTORA_NOMBRE,UBIGEO,PROGRAMA_PPTO,PRODUCTO_PROYECTO,"
    "MONTO_PIA,MONTO_PIM,MONTO_DEVENGADO,MONTO_GIRADO\n"
)
GOAL_HEADER = "ANO_EJE,SEC_EJEC,EJECUTORA_NOMBRE,UBIGEO,PRODUCTO_PROYECTO,META_FISICA\n"
STOCK_HEADER = (
    "COD_EESS,NOMBRE_EESS,UBIGEO,PERIODO,MEDICAMENTO,SALDO_ANTERIOR,INGRESOS,CONSUMO,STOCK_FINAL\n"
)


def _file(text: str) -> Path:
    path = Path(tempfile.mkdtemp()) / "budget.csv"
    path.write_text(text, encoding="utf-8")
    return path


def budget_data(district: str, name: str, user: Any = None) -> dict[str, ImportRun]:
    """A unit of ``district`` named ``name`` with execution, a goal (one bad line each, so the
    reports show their quarantine) and a facility's stock, imported by ``user``."""
    unit = f"9{district}"[:10]
    runs = {
        "budget_execution": import_execution(
            _file(
                EXECUTION_HEADER
                + f"2026,3,{unit},RED {name},{district},0001,3033256,1000,1200,500,400\n"
                + f"2026,13,{unit},RED {name},{district},0001,3033256,0,0,0,0\n"
            ),
            user=user,
        ),
        "budget_goals": import_goals(
            _file(
                GOAL_HEADER + f"2026,{unit},RED {name},{district},3033256,40\n"
                f"2026,{unit},RED {name},{district},3033256,x\n"
            ),
            user=user,
        ),
        "budget_stock": import_stock(
            _file(
                STOCK_HEADER
                + f"9{district[:1]}{district[-6:]},PS {name},{district},202610,GOTAS,10,0,5,5\n"
                + f"9{district[:1]}{district[-6:]},PS {name},{district},202610,OTRO,0,0,0,0\n"
            ),
            user=user,
        ),
    }
    return runs


def scope_probe(name: str, away: str, hidden: str) -> Any:
    """A probe of tests/access/test_scope.py: the away district's budget data, imported by an
    officer of that district, and the page ``name`` opened by the home user."""

    def probe(client: Any, world: Any) -> list:
        from django.contrib.auth import get_user_model

        from crecer.access.scopes import parse_scope
        from crecer.access.services import assign

        officer, created = get_user_model().objects.get_or_create(username="away_budget")
        if created:
            assign(officer, "registry_officer", parse_scope(away), personal_data=False)
        runs = budget_data(away, hidden, officer)
        if name.endswith(":import"):
            return [client.get(reverse(name))]
        if name.endswith(":import_run") or name.endswith(":import_run_csv"):
            return [client.get(reverse(name, args=[runs[name.split(":")[0]].pk]))]
        return [
            client.get(reverse(name)),
            client.get(reverse(name), {"code": away}),
            client.get(reverse(name), {"code": away[:2]}),
        ]

    return probe


_SPANISH: dict[str, ImportRun] = {}


def spanish_probe(name: str, home: str) -> Any:
    """A probe of tests/web/test_spanish.py: the page ``name`` with a home unit's data."""

    def probe(world: Any) -> list:
        if not ImportRun.objects.filter(kind="budget-execution").exists():
            _SPANISH.clear()
        if not _SPANISH:
            _SPANISH.update(budget_data(home, "HUAMANGA"))
        if name.endswith(":import"):
            return [(reverse(name), {})]
        if name.endswith(":import_run") or name.endswith(":import_run_csv"):
            return [(reverse(name, args=[_SPANISH[name.split(":")[0]].pk]), {})]
        return [(reverse(name), {}), (reverse(name), {"code": home[:2]})]

    return probe


ROUTE_NAMES = [
    f"{namespace}:{page}"
    for namespace in ("budget_execution", "budget_goals", "budget_stock")
    for page in ("import", "import_run", "import_run_csv")
] + ["budget:execution", "budget:stock", "budget:anemia", "budget:interventions"]
MUST_BE_404 = {name for name in ROUTE_NAMES if ":import_run" in name}
