"""`crecer import padron FILE --report CSV | head` died with a broken pipe after committing,
and the report was never written. The report comes first and a closed output ends the
command quietly (status 0)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import crecer_env, run_crecer
from tests.registry.factories import child_row, write_padron

pytestmark = pytest.mark.own_database


@pytest.mark.slow
def test_a_closed_output_still_writes_the_report(tmp_path):
    env = crecer_env(tmp_path / "data")
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    rows = [child_row(dni=f"7123{n:04d}", cnv="", ubigeo="999999") for n in range(40)]
    padron = write_padron(tmp_path / "padron.csv", rows)
    report = tmp_path / "quarantine.csv"
    command = [sys.executable, "-m", "crecer", "import", "padron", str(padron)]
    process = subprocess.Popen(
        [*command, "--report", str(report)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None
    process.stdout.close()  # as `| head` does once it has what it wants
    _out, errors = process.communicate(timeout=300)
    assert process.returncode == 0, errors.decode()
    assert b"BrokenPipeError" not in errors
    assert len(report.read_text(encoding="utf-8").splitlines()) == 41  # header + 40 rows
