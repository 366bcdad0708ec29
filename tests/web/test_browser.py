"""What only a browser shows: a person browsing from the home page down to a district, in
Debian's Chromium driven by Playwright (no browser download)."""

import pytest

pytestmark = pytest.mark.browser


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
