"""Running a benchmark's step in a child process, so that its peak memory (RSS) is its own."""

from __future__ import annotations

import json
import subprocess
import sys


def run_step(script: str, kind: str, args: dict) -> dict:
    """Run ``script --step KIND ARGS`` and return the JSON its last output line holds."""
    result = subprocess.run(
        [sys.executable, script, "--step", kind, json.dumps(args)],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        sys.exit(f"step {kind} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])
