"""A program manager of Ayacucho, in Chromium: logs in, opens the national dashboard, clicks
Ayacucho on the map, drills down through the ranking to a district, opens the children behind a
number and one child's page, opens the district's work list and downloads it as CSV, and
downloads the open data. Each page is saved as a screenshot (``test-artifacts/``) and checked
with axe-core (labels, contrast, names, landmarks) and for a visible keyboard focus."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from tests.conftest import REPO, crecer_env, run_crecer, running_server

pytestmark = pytest.mark.browser
PASSWORD = "una clave segura 2026"
AS_OF = "2026-06-30"
DISTRICT = "050403"  # Huamanguilla, Huanta, Ayacucho
ARTIFACTS = Path(os.environ.get("CRECER_TEST_ARTIFACTS", REPO / "test-artifacts"))
# WCAG 2.1 A and AA rules; "best-practice" rules are advice, not failures.
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, reference):
    folder = tmp_path_factory.mktemp("dashboard-site")
    env = crecer_env(folder)
    for command in (
        ("migrate", "--no-input"),
        ("territory", "load", "boundaries", str(reference / "peru_departments.geojson")),
        ("territory", "load", "boundaries", str(reference / "peru_provinces.geojson")),
        ("generate", "--scope", DISTRICT, "--as-of", AS_OF, "--into-db"),
        ("refresh", "--as-of", AS_OF),
    ):
        done = run_crecer(env, *command)
        assert done.returncode == 0, done.stderr
    created = run_crecer(
        env,
        *("createuser", "gestora", "--role", "program_manager", "--scope", "05"),
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    with running_server(env) as server:
        yield server


def check_page(page, name: str) -> None:
    """Screenshot, axe-core and keyboard focus of the page as it is now."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / f"{name}.png", full_page=True)
    results = Axe().run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, results.generate_report()
    # The first Tab lands on a control (a link; the login form's field) whose focus is visible.
    page.locator("body").focus()
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "() => { const e = document.activeElement;"
        " return [e.tagName, getComputedStyle(e).outlineStyle]; }"
    )
    assert focused[0] in {"A", "INPUT"}
    assert focused[1] != "none"


def test_manager_drills_down_to_a_child_and_downloads(browser, site):
    page = browser.new_page(locale="es-PE")
    page.goto(site.url + "accounts/login/")
    check_page(page, "01-login")
    page.fill("input[name=username]", "gestora")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(site.url)
    assert "Indicadores al 30/06/2026" in page.locator("main").inner_text()
    check_page(page, "02-national-dashboard")
    # The department on the map: its shape is a link named by its <title>.
    page.locator("svg a[href*='/territory/05/']").click()
    assert page.url.split("?")[0].endswith("/territory/05/")
    page.locator("#ranking ~ table").get_by_role("link", name="Huanta").click()
    page.locator("#ranking ~ table").get_by_role("link", name="Huamanguilla").click()
    assert page.url.split("?")[0].endswith(f"/territory/{DISTRICT}/")
    check_page(page, "03-district-dashboard")

    # The children behind the district's stunting figure, then one of them.
    numerator = page.locator("a[href*='indicator=ccm_u5'][href*='part=numerator']")
    stunted = int(numerator.inner_text())
    assert stunted > 0
    numerator.click()
    # The list says how many children it holds: exactly the numerator that was clicked.
    assert f"{stunted} niñas y niños" in page.locator("p.lead").inner_text() or (
        f"{stunted} " in page.locator("p.lead").inner_text()
    )
    rows = page.locator("main table tbody tr")
    check_page(page, "04-children-list")
    rows.first.get_by_role("link").first.click()
    assert "/registry/child/" in page.url
    check_page(page, "05-child")
    child_id = page.url.rstrip("/").split("/")[-1]
    page.goto(site.url + f"health/child/{child_id}/")
    assert page.locator("svg[role=img]").count() >= 2  # growth charts drawn on the server
    check_page(page, "05-child-health")

    # The district's work list, and its CSV.
    page.goto(site.url + f"work-list/?code={DISTRICT}")
    assert "Lista de trabajo" in page.locator("h1").inner_text()
    check_page(page, "06-work-list")
    with page.expect_download() as download:
        page.locator("a[href*='export.csv']").first.click()
    lines = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()
    assert len(lines) > 1
    assert DISTRICT in "\n".join(lines)

    page.goto(site.url + "open-data/")
    check_page(page, "07-open-data")
    with page.expect_download() as download:
        page.locator("a[href$='values.csv']").first.click()
    header = Path(download.value.path()).read_text(encoding="utf-8-sig").splitlines()[0]
    assert "indicator" in header
    page.close()
