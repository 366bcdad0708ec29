"""The survey pages' probes for the site-wide checks: tests/access/test_scope.py (a home user
opens every survey page; the import's reports, a national importer's, are 404 to them) and
tests/web/test_spanish.py (every survey page, with a survey imported, in Spanish)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from django.urls import reverse

from crecer.ingest.models import ImportRun
from tests.surveys.factories import survey_rows, write_survey

BAD_LINE = "X1,05-U,0,05,050101,U,1,12,75.0,9.0,l,n,11.0,2750,15/06/2026\n"  # weight 0: quarantined


def survey_run() -> ImportRun:
    """A survey imported from the command line (a national import), with one quarantined line."""
    from crecer.surveys.imports import import_survey  # the app's models load with the app

    path = Path(tempfile.mkdtemp()) / "encuesta.csv"
    return import_survey(write_survey(path, survey_rows(), BAD_LINE))


def _visits(name: str, run: ImportRun, department: str) -> list[tuple[str, dict[str, str]]]:
    if name == "surveys:comparison":
        url = reverse(name, args=[run.pk])
        return [(url, {}), (url, {"code": department}), (url, {"code": "09"})]
    if name.endswith(":import_run") or name.endswith(":import_run_csv"):
        return [(reverse(name, args=[run.pk]), {})]
    return [(reverse(name), {})]


def scope_probe(name: str) -> Any:
    """A probe of tests/access/test_scope.py."""

    def probe(client: Any, world: Any) -> list:
        run = survey_run()
        return [client.get(url, params) for url, params in _visits(name, run, "05")]

    return probe


def spanish_probe(name: str, home: str) -> Any:
    """A probe of tests/web/test_spanish.py: the page ``name`` with a survey of the home
    department imported."""

    def probe(world: Any) -> list:
        run = ImportRun.objects.filter(kind="survey").first() or survey_run()
        return _visits(name, run, home[:2])[:2]

    return probe


ROUTE_NAMES = [
    "surveys:list",
    "surveys:comparison",
    "survey_import:import",
    "survey_import:import_run",
    "survey_import:import_run_csv",
]
# The reports of a national import: a home user may not import surveys, so they are 404.
MUST_BE_404 = {"survey_import:import_run", "survey_import:import_run_csv"}
