"""Every link a user is offered in the menus opens for that user: no 403, no 404, no 500.

For each role (in each kind of scope), the links of the main menu on the home page and of the
registry page's menu are collected from the HTML and followed."""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from crecer.territory.models import HealthFacility, PopulatedCenter

pytestmark = pytest.mark.django_db

HOME = "050101"
ROLES = [
    ("administrator", "PE"),
    ("registry_officer", HOME),
    ("health_worker", "facility:00001234"),
    ("health_worker", "centers:" + HOME + "0001"),
    ("program_manager", HOME),
    ("analyst", HOME),
    ("analyst+", HOME),
    ("auditor", "PE"),
]


class Links(HTMLParser):
    """The hrefs inside ``<nav class="main">`` and ``<main>`` (the page's own menus)."""

    def __init__(self) -> None:
        super().__init__()
        self.depth = 0  # inside a menu element when > 0
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        values = dict(attrs)
        classes = (values.get("class") or "").split()
        if (tag == "nav" and "main" in classes) or tag == "main":
            self.depth += 1
        elif self.depth and tag == "a" and values.get("href"):
            self.hrefs.append(values["href"])

    def handle_endtag(self, tag: str) -> None:
        if self.depth and tag in ("nav", "main"):
            self.depth -= 1


def menu_links(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.hrefs


@pytest.fixture
def user(request, make_user):
    PopulatedCenter.objects.create(code=HOME + "0001", district_id=HOME, name="HOME CENTER")
    HealthFacility.objects.create(renipress_code="00001234", name="PS HOME", district_id=HOME)
    role, scope = request.param
    if role == "administrator":
        from django.contrib.auth import get_user_model

        return get_user_model().objects.create_superuser("admin", password="a sturdy pass 2026")
    if role == "analyst+":
        return make_user("analyst_named", "analyst", scope, personal_data=True)
    return make_user(f"{role}_{scope.replace(':', '_')}", role, scope)


@pytest.mark.parametrize("user", ROLES, indirect=True, ids=lambda p: f"{p[0]}@{p[1]}")
def test_no_menu_link_answers_403_or_404(user, client):
    client.force_login(user)
    offered = set()
    for page in (reverse("web:home"), reverse("registry:search")):
        response = client.get(page)
        if response.status_code == 200:
            offered |= set(menu_links(response.content.decode()))
    assert reverse("web:home") in offered
    broken = {}
    for href in sorted(offered):
        status = client.get(href).status_code
        if status in (403, 404) or status >= 500:
            broken[href] = status
    assert broken == {}


def test_the_menus_offer_each_role_its_pages(client, make_user):
    """The positive side: the links are not simply all gone."""
    officer = make_user("officer", "registry_officer", HOME)
    client.force_login(officer)
    offered = set(menu_links(client.get(reverse("registry:search")).content.decode()))
    for name in ("registry:search", "registry:add", "registry:import", "registry:export"):
        assert reverse(name) in offered
    analyst = make_user("analyst", "analyst", HOME)
    client.force_login(analyst)
    offered = set(menu_links(client.get(reverse("web:home")).content.decode()))
    assert reverse("registry:quality") in offered
    assert reverse("registry:search") not in offered
    assert reverse("analytics:worklist") not in offered


def test_anonymous_visitors_see_only_public_pages(client):
    offered = set(menu_links(client.get(reverse("web:home")).content.decode()))
    assert {reverse("web:home"), reverse("analytics:open_data"), reverse("login")} <= offered
    assert reverse("registry:search") not in offered
