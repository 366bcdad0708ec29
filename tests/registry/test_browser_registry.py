"""A municipal officer, in Chromium: logs in, imports the district's padrón, reads why a row
was rejected, finds a child by a misspelt name and sees its history."""

import pytest

from tests.conftest import crecer_env, run_crecer, running_server

from .factories import child_row, write_padron

pytestmark = pytest.mark.browser
PASSWORD = "una clave segura 2026"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("registry-site")
    env = crecer_env(folder)
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    created = run_crecer(
        env,
        "createuser",
        "rosa",
        "--role",
        "registry_officer",
        "--scope",
        "05",
        "--password-stdin",
        stdin=PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    with running_server(env) as server:
        yield server, folder


def test_officer_imports_searches_and_reads_history(browser, site):
    server, folder = site
    padron = write_padron(
        folder / "padron_huamanguilla.csv",
        [child_row(), child_row(dni="71234599", cnv="", ubigeo="999999")],
        encoding="latin-1",
    )
    page = browser.new_page(locale="es-PE")
    page.goto(server.url + "registry/")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")

    page.goto(server.url + "registry/import/")
    page.set_input_files("input[name=file]", str(padron))
    page.get_by_role("button", name="Importar").click()
    report = page.locator("main").inner_text()
    assert "Reporte de importación" in report
    assert "ubigeo desconocido 999999" in report

    page.goto(server.url + "registry/")
    page.fill("input[name=q]", "quipse maria")
    page.get_by_role("button", name="Buscar").click()
    page.get_by_role("link", name="QUISPE HUAMÁN, MARÍA").click()
    child = page.locator("main").inner_text()
    assert "71234567" in child
    assert (
        "importación de padron_huamanguilla.csv" in child
    )  # the history says where it came from (in Spanish)
    page.close()
