"""The pure packages stay pure: importing them, every module of them, never imports Django.

They run without a database or settings (in a notebook, a benchmark, another country's
pipeline); one Django import slipped into any of them would make every caller configure Django.
Each check runs in a fresh interpreter, since this test process has Django loaded already."""

import subprocess
import sys

import pytest

PURE_PACKAGES = [
    "crecer.norms",
    "crecer.growth",
    "crecer.anemia",
    "crecer.schedules",
    "crecer.disclosure",
    "crecer.transfers",
    "crecer.pan",
    "crecer.visits",
    "crecer.survey",
    "crecer.incentives",
]
# The ingest room's reading and row-checking code (not its models, views or bulk writer).
PURE_MODULES = [
    "crecer.ingest.reading",
    "crecer.ingest.columns",
    "crecer.ingest.checks",
    "crecer.ingest.reasons",
    "crecer.ingest.text",
    "crecer.ingest.safe_cells",
]

IMPORT_ALL = """
import importlib, pkgutil, sys
name = sys.argv[1]
module = importlib.import_module(name)
for found in pkgutil.walk_packages(getattr(module, "__path__", []), name + "."):
    importlib.import_module(found.name)
loaded = sorted(m for m in sys.modules if m == "django" or m.startswith("django."))
print(" ".join(loaded))
"""


@pytest.mark.parametrize("name", PURE_PACKAGES + PURE_MODULES)
def test_importing_does_not_import_django(name):
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL, name], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"{name} imports Django: {done.stdout.strip()}"
