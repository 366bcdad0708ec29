"""Shared fixtures. The suite runs on SQLite by default and on PostgreSQL when
``CRECER_DATABASE_URL`` points at one (CI runs both)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def reference_dir() -> Path:
    """The folder of real public territory data (``../shared/reference`` beside the repo)."""
    configured = os.environ.get("CRECER_REFERENCE_DIR")
    return Path(configured) if configured else REPO.parent / "shared" / "reference"


@pytest.fixture(scope="session")
def reference() -> Path:
    folder = reference_dir()
    if not (folder / "ubigeo.csv").exists():
        if os.environ.get("CI"):
            pytest.fail(f"CRECER_REFERENCE_DIR {folder} has no reference data")
        pytest.skip(f"no reference data at {folder} (set CRECER_REFERENCE_DIR)")
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def crecer_env(data_dir: Path) -> dict[str, str]:
    """Environment for a ``crecer`` subprocess with its own data folder and SQLite file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CRECER_")}
    env["CRECER_DATA_DIR"] = str(data_dir)
    env["CRECER_DATABASE_URL"] = f"sqlite:///{(data_dir / 'crecer.sqlite3').as_posix()}"
    return env


def run_crecer(
    env: dict[str, str], *args: str, timeout: float = 300, stdin: str | None = None
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "crecer", *args],
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"server exited early: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise TimeoutError(f"{url} did not answer within {seconds} s")


class Server:
    def __init__(self, url: str, process: subprocess.Popen, banner: str) -> None:
        self.url = url
        self.process = process
        self.banner = banner


@contextmanager
def running_server(env: dict[str, str]) -> Iterator[Server]:
    """``crecer serve`` on a free port with ``env``, stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "crecer", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        wait_until_up(url + "healthz", process)
        banner = process.stdout.readline() if process.stdout else ""
        yield Server(url, process, banner)
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def served_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """``crecer migrate`` on an empty SQLite file, then ``crecer serve`` on a free port."""
    env = crecer_env(tmp_path_factory.mktemp("served"))
    migrated = run_crecer(env, "migrate", "--no-input")
    assert migrated.returncode == 0, migrated.stderr
    with running_server(env) as server:
        yield server


CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail("Chromium is missing: .ci/run installs Debian's chromium package")
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield launched
        launched.close()


@pytest.fixture
def make_user(db):
    """``make_user(name, role, scope="PE", personal_data=False)``: a user with a role and a
    scope, as ``crecer createuser`` makes them (scope: PE, an ubigeo, facility:…, centers:…)."""
    from django.contrib.auth import get_user_model

    from crecer.access.scopes import parse_scope
    from crecer.access.services import assign

    def make(name: str, role: str, scope: str = "PE", *, personal_data: bool = False):
        user = get_user_model().objects.create_user(name, password="a sturdy passphrase 2026")
        assign(user, role, parse_scope(scope), personal_data=personal_data)
        return user

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache: ids are reused after a rolled-back test, so a
    cached work-list ranking could otherwise leak into the next test."""
    from django.core.cache import cache

    cache.clear()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``own_database`` the tests that run Crecer in a subprocess on a SQLite file of their
    own (a served site, a clean install): they test the same thing whatever
    ``CRECER_DATABASE_URL`` says, so CI's PostgreSQL pass leaves them out (``.ci/run``)."""
    for item in items:
        if "served_site" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.own_database)
