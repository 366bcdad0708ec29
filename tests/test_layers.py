"""The apps import only downward: no app imports the web shell, and no two apps import each
other, directly or through others. Read from the source (every ``import`` statement, also
inside functions), so a cycle fails here before it fails at run time."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "crecer"
SHELL = "web"


def apps() -> list[str]:
    return sorted(
        entry.name
        for entry in PACKAGE.iterdir()
        if entry.is_dir() and (entry / "__init__.py").exists() and entry.name != "locale"
    )


def imported_apps(app: str) -> dict[str, set[str]]:
    """Other apps that ``app`` imports -> the files that import them (migrations aside: they
    name other apps as strings)."""
    known = set(apps())
    found: dict[str, set[str]] = {}
    for path in (PACKAGE / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
            elif isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            for name in names:
                parts = name.split(".")
                if (
                    len(parts) > 1
                    and parts[0] == "crecer"
                    and parts[1] in known
                    and parts[1] != app
                ):
                    found.setdefault(parts[1], set()).add(str(path.relative_to(PACKAGE)))
    return found


def test_the_layers_are_read_from_every_app():
    assert {"ingest", "registry", "health", "access", "web"} <= set(apps())


@pytest.mark.parametrize("app", [app for app in apps() if app != SHELL])
def test_no_app_imports_the_web_shell(app):
    assert SHELL not in imported_apps(app), imported_apps(app).get(SHELL)


def test_no_import_cycle_between_apps():
    graph = {app: set(imported_apps(app)) for app in apps()}
    try:
        order = list(TopologicalSorter(graph).static_order())
    except CycleError as cycle:
        pytest.fail(f"apps import each other in a cycle: {' -> '.join(cycle.args[1])}")
    assert order.index("ingest") < order.index("registry") < order.index(SHELL)
