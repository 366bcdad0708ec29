"""An agent in a village without signal, in Chromium: the offline page opened once with a
connection; then the network off, three visits entered, the page reloaded (served by the
service worker), the three still waiting; the network on again: exactly three arrive, and a
second send of the same queue stores nothing more."""

import pytest
from playwright.sync_api import expect

from tests.conftest import crecer_env, run_crecer, running_server
from tests.registry.factories import child_row, write_padron

pytestmark = [pytest.mark.browser, pytest.mark.own_database]
PASSWORD = "una clave segura 2026"
COUNT = "from crecer.community.models import HomeVisit; print(HomeVisit.objects.count())"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline-site")
    env = crecer_env(folder)
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    created = run_crecer(
        env, "createuser", "acs", "--role", "health_worker", "--scope", "050403",
        "--password-stdin", stdin=PASSWORD + "\n",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    padron = write_padron(folder / "padron.csv", [child_row(birth_date="15/01/2026")])
    imported = run_crecer(env, "import", "padron", str(padron))
    assert imported.returncode == 0, imported.stderr
    with running_server(env) as server:
        yield server, env


def stored(env) -> int:
    done = run_crecer(env, "shell", "-c", COUNT)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_three_visits_entered_offline_arrive_once(browser, site):
    server, env = site
    context = browser.new_context(locale="es-PE")
    page = context.new_page()
    page.goto(server.url + "community/offline/")
    page.fill("input[name=username]", "acs")
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/community/offline/")
    expect(page.locator("#offline")).to_have_attribute("data-ready", "yes", timeout=20000)
    context.set_offline(True)
    for day in ("2026-05-04", "2026-05-11", "2026-05-18"):
        page.fill("#v-document", "71234567")
        page.fill("#v-date", day)
        page.fill("#v-duration", "20")
        page.click("#visit-form button[type=submit]")
    assert page.locator("#waiting").inner_text() == "3"
    page.reload()  # no network: the service worker answers with the kept page
    assert page.locator("#waiting").inner_text() == "3"
    assert stored(env) == 0
    queue = page.evaluate("localStorage.getItem('crecer.offline.visits')")
    context.set_offline(False)
    expect(page.locator("#waiting")).to_have_text("0", timeout=20000)
    assert stored(env) == 3
    # The same three sent again (an answer lost on the way): nothing more is stored.
    page.evaluate(f"localStorage.setItem('crecer.offline.visits', {queue!r})")
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#waiting")).to_have_text("0", timeout=20000)
    assert stored(env) == 3
    assert page.locator("#problems li").count() == 0
    context.close()
