"""What only a browser shows: a person browsing from the home page down to a district, in
Debian's Chromium driven by Playwright (no browser download)."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
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


def test_browse_to_huamanguilla_and_switch_language(browser, served_site):
    page = browser.new_page(locale="es-PE")
    page.goto(served_site.url)
    assert page.locator("h1").inner_text() == "Departamentos del Perú"
    page.get_by_role("link", name="Ayacucho", exact=True).click()
    page.get_by_role("link", name="Huanta", exact=True).click()
    page.get_by_role("link", name="Huamanguilla", exact=True).click()
    assert page.url.endswith("/territory/050403/")
    assert "Distrito de Huamanguilla" in page.locator("h1").inner_text()
    breadcrumbs = page.locator("nav.breadcrumbs").inner_text()
    assert breadcrumbs.split() == ["Perú", "›", "Ayacucho", "›", "Huanta", "›", "Huamanguilla"]

    page.get_by_role("link", name="English").click()
    assert "District of Huamanguilla" in page.locator("h1").inner_text()
    page.locator("nav.breadcrumbs").get_by_role("link", name="Huanta").click()  # remembered
    assert page.locator("h1").inner_text().startswith("Province of Huanta")
    # The stylesheet came from Crecer itself.
    assert (
        page.evaluate("getComputedStyle(document.querySelector('table')).borderCollapse")
        == "collapse"
    )
    page.close()
