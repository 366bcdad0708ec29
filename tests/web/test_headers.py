"""Security headers: a strict Content-Security-Policy on every page (and templates it would
break: none), and ``Cache-Control: no-store`` on every answer that may hold personal data
(pages for a signed-in user, exports, API JSON), so a shared PC's browser keeps none of it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from tests.conftest import REPO, crecer_env, run_crecer, running_server

from crecer.access.models import ApiToken
from crecer.registry.models import Child

BROWSER_PASSWORD = "una clave segura 2026"
TEMPLATES = sorted((REPO / "src" / "crecer").glob("*/templates/**/*.html"))
# What a CSP without 'unsafe-inline' refuses: event handler attributes, javascript: links, style
# attributes, and inline <script>/<style> without the request's nonce (a <script src=…> or a JSON
# data block is fine).
REFUSED = {
    "event handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: address": re.compile(r"javascript:", re.IGNORECASE),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.IGNORECASE),
    "inline style": re.compile(r"<style(?![^>]*\snonce=)[^>]*>", re.IGNORECASE),
    "inline script": re.compile(
        r"<script(?![^>]*\s(?:src|nonce)=)(?![^>]*type=\"application/json\")[^>]*>", re.IGNORECASE
    ),
}


def policy_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: sources
        for name, *sources in (part.split() for part in header.split(";") if part.strip())
    }


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


@pytest.fixture
def child(db) -> Child:
    child = Child(
        dni="71234567",
        paternal_surname="QUISPE",
        given_names="MARÍA",
        sex="2",
        birth_date=date(2024, 3, 15),
        district_id="050403",
    )
    child._change_reason = "test"
    child.save()
    return child


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(REPO / "src")))
def test_no_template_needs_an_unsafe_inline_policy(template: Path):
    text = template.read_text(encoding="utf-8")
    found = [what for what, pattern in REFUSED.items() if pattern.search(text)]
    assert not found, f"{template.name}: {', '.join(found)}"


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/", "/territory/05/", "/api/docs"])
def test_every_page_has_a_strict_policy(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = policy_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # the page used no nonce: none is offered
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]


def test_a_page_with_an_inline_style_gets_its_own_nonce(make_user):
    client = Client()
    client.force_login(make_user("enfermera", "health_worker", "050403"))
    pages = [client.get(reverse("analytics:worklist")) for _ in range(2)]
    nonces = []
    for page in pages:
        marked = re.search(r'<style nonce="([^"]+)">', page.content.decode())
        assert marked, "the work list's style carries the nonce"
        nonce = marked.group(1)
        assert f"'nonce-{nonce}'" in policy_of(page)["style-src"]
        nonces.append(nonce)
    assert nonces[0] != nonces[1]


def test_public_pages_may_be_cached(client, db):
    assert not no_store(client.get("/"))
    assert not no_store(client.get("/territory/05/"))


def test_child_pages_and_every_page_of_a_signed_in_user_are_not_stored(child, make_user):
    client = Client()
    client.force_login(make_user("registradora", "registry_officer", "05"))
    for url in (
        reverse("registry:child", args=[child.pk]),
        reverse("registry:search") + "?q=71234567",
        reverse("health:child_events", args=[child.pk]),
        "/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert no_store(response), url
        assert "private" in response["Cache-Control"], url


def test_exports_are_not_stored(child, make_user):
    client = Client()
    client.force_login(make_user("registradora", "registry_officer", "05"))
    response = client.get(reverse("registry:export"), {"code": "050403", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert no_store(response)
    # A public download too: nothing personal, but a download is never kept by a proxy.
    anonymous = Client().get(reverse("analytics:open_data_values", args=["csv"]))
    assert anonymous.status_code == 200
    assert no_store(anonymous)


def test_api_answers_are_not_stored(child, make_user):
    _token, key = ApiToken.issue(make_user("integracion", "program_manager", "05"), "headers")
    client = Client(headers={"Authorization": f"Bearer {key}"})
    for url in ("/api/children/", f"/api/children/{child.pk}", "/api/territory/05"):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Type"].startswith("application/json")
        assert no_store(response), url
    # Errors and anonymous answers too.
    assert no_store(Client().get("/api/children/"))
    assert no_store(Client().get("/api/territory/99"))


@pytest.fixture(scope="module")
def site_with_a_user(tmp_path_factory):
    env = crecer_env(tmp_path_factory.mktemp("headers-site"))
    assert run_crecer(env, "migrate", "--no-input").returncode == 0
    created = run_crecer(
        env,
        *("createuser", "enfermera", "--role", "health_worker", "--scope", "050403"),
        "--password-stdin",
        stdin=BROWSER_PASSWORD + "\n",
    )
    assert created.returncode == 0, created.stderr
    with running_server(env) as server:
        yield server


@pytest.mark.browser
def test_the_pages_work_under_the_policy_in_a_browser(browser, site_with_a_user):
    """Chromium reports every refused script, style or image on the console: there is none, the
    stylesheet applies, the work list's inline style (nonce) applies and the API documentation
    (Swagger UI, its own scripts) draws."""
    page = browser.new_page(locale="es-PE")
    refused: list[str] = []
    page.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    url = site_with_a_user.url
    page.goto(url)
    table = "getComputedStyle(document.querySelector('table')).borderCollapse"
    assert page.evaluate(table) == "collapse"  # crecer.css applies
    page.goto(url + "api/docs")
    page.locator(".swagger-ui .info").wait_for()
    assert "Crecer API" in page.locator(".swagger-ui .info").inner_text()
    page.goto(url + "accounts/login/")
    page.fill("input[name=username]", "enfermera")
    page.fill("input[name=password]", BROWSER_PASSWORD)
    page.click("button[type=submit]")
    page.goto(url + "work-list/")
    margin = "getComputedStyle(document.querySelector('form.worklist-filters label')).marginRight"
    assert page.evaluate(margin) != "0px"  # set by the page's own <style nonce=…>
    assert refused == []
    page.close()
