"""What a newcomer does in the first ten minutes (issue 18), in a temporary folder without
``../shared``: clone the repository, install it, ``crecer demo --no-serve`` on one district,
serve, log in as each demo user and open every page linked from the page they land on (the
menu included). Fails on a 500, on a link that answers 403 or 404, and on a page that says it
has nothing where the demo must have given it something.

The install is the package built from the clone (not editable: it proves the bundled data is in
the wheel), into a virtual environment that sees this interpreter's packages (``--no-deps``: only
the build backend may be fetched, from pip's cache or PyPI).
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import REPO, crecer_env, free_port, wait_until_up

pytestmark = [pytest.mark.slow, pytest.mark.own_database]

# A small district (Huamanguilla, Huanta, Ayacucho: ~5,000 inhabitants) keeps the whole test
# to a few minutes; the bundled territory load is most of it.
SCOPE = "050403"
# Phrases of pages with nothing to show that, after the demo, must have something (the site's
# English texts: the test asks for English pages).
EMPTY = (
    "No refresh covers this territory yet",
    "Nothing published yet",
    "No territory loaded yet",
    "No outline loaded for:",
    "No populated centers loaded for this district",
    "No run yet: crecer link dedupe",
)
SKIPPED = ("/accounts/logout/", "/static/", "/api/")  # leaving, files, the API (own tests)


def run(*args: str | Path, cwd: Path, env: dict[str, str], timeout: float) -> str:
    done = subprocess.run(
        [str(arg) for arg in args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, f"{args}: {done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done.stdout


def install(folder: Path) -> Path:
    """A clean clone of the repository installed into a fresh virtual environment; returns the
    environment's ``crecer``."""
    clone, venv = folder / "crecer", folder / "venv"
    env = outside_env()
    run("git", "clone", "-q", REPO, clone, cwd=folder, env=env, timeout=120)
    run(
        sys.executable,
        "-m",
        "venv",
        "--system-site-packages",
        venv,
        cwd=folder,
        env=env,
        timeout=120,
    )
    pip = [venv / "bin" / "python", "-m", "pip", "install", "-q", "--no-deps"]
    # Built in pip's own isolated environment, as a newcomer's pip does: the build backend
    # (setuptools >= 77, for the SPDX license field) comes from pip's cache or PyPI.
    run(*pip, clone, cwd=folder, env=env, timeout=240)
    where = run(
        venv / "bin" / "python", "-c", "import crecer; print(crecer.__file__)", cwd=folder,
        env=env, timeout=60,
    )  # fmt: skip
    assert where.strip().startswith(str(venv)), where  # the clone's build, not this checkout
    return venv / "bin" / "crecer"


def outside_env() -> dict[str, str]:
    """This environment without Crecer's settings or another virtual environment (proxies and
    pip's cache stay)."""
    dropped = ("CRECER_", "VIRTUAL_ENV", "PYTHONPATH", "DJANGO_")
    return {key: value for key, value in os.environ.items() if not key.startswith(dropped)}


class Browser:
    """One logged-in user: cookies, English pages, every answer kept with its status."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )

    def get(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(
            self.base + path, data=body, headers={"Accept-Language": "en"}
        )
        try:
            with self.opener.open(request, timeout=120) as answer:
                text = answer.read().decode("utf-8", errors="replace")
                return answer.status, answer.geturl(), text
        except urllib.error.HTTPError as error:
            return error.code, error.geturl(), error.read().decode("utf-8", errors="replace")

    def log_in(self, username: str, password: str) -> str:
        status, _url, form = self.get("/accounts/login/")
        assert status == 200, status
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
        fields = {"username": username, "password": password, "csrfmiddlewaretoken": token}
        status, landed, page = self.get("/accounts/login/", fields)
        assert status == 200, (username, status)
        assert "/accounts/login/" not in landed, (username, landed)  # refused: the form again
        return page


def links(page: str) -> set[str]:
    """The site's own pages a page links to."""
    found = set()
    for href in re.findall(r'href="([^"#]+)"', page):
        href = href.replace("&amp;", "&")
        if href.startswith("/") and not href.startswith(SKIPPED):
            found.add(href)
    return found


def visit(browser: Browser, username: str, landing: str) -> list[str]:
    """Every page linked from where the user lands and from the home page; the problems."""
    problems = []
    _status, _url, home = browser.get("/")
    pages = sorted(links(landing) | links(home))
    # The home page links at least to open data and its departments (the national map).
    assert len(pages) >= 10, (username, pages)
    print(f"{username}: {len(pages)} linked pages")  # shown with pytest -s
    for path in pages:
        status, _url, page = browser.get(path)
        if status >= 500 or status in (403, 404):  # a link offered must lead somewhere
            problems.append(f"{username}: {path} answers {status}")
        elif status == 200:
            problems += [f"{username}: {path} says “{text}”" for text in EMPTY if text in page]
    return problems


def test_a_newcomer_gets_a_complete_demo(tmp_path):
    crecer = install(tmp_path)
    data = tmp_path / "data"
    env = crecer_env(data) | {"PATH": f"{crecer.parent}:{os.environ.get('PATH', '')}"}
    run(crecer, "demo", "--no-serve", "--scope", SCOPE, cwd=tmp_path, env=env, timeout=420)
    credentials = json.loads((data / "demo-users.json").read_text(encoding="utf-8"))
    # The manifest says what the women's figures aimed at, from which source, and got.
    manifest = json.loads((data / "demo-lists" / SCOPE / "manifest.json").read_text("utf-8"))
    assert set(manifest["women"]["achieved"]) >= {"six_checks", "institutional"}
    assert manifest["women"]["sources"]["six_checks"].startswith("ENDES 2013")
    port = free_port()
    server = subprocess.Popen(
        [crecer, "serve", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(base + "/accounts/login/", server)
        problems: list[str] = []
        public = Browser(base)
        problems += visit(public, "anonymous", public.get("/")[2])
        for username, password in sorted(credentials.items()):
            browser = Browser(base)
            problems += visit(browser, username, browser.log_in(username, password))
        # Open data has values for the demo's months (the national refresh, three month ends).
        _status, _url, values = public.get("/open-data/values.csv")
        months = {line.split(",")[0] for line in values.splitlines()[1:] if line}
        assert len(months) >= 2, values[:500]
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert not problems, "\n".join(problems)
