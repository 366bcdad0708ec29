"""The 403, 404 and 500 pages: the site's layout, the user's language, a way back; the 500
page renders without the database and without the request's user."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.urls import reverse
from django.utils import translation

from crecer.web.views import server_error

pytestmark = pytest.mark.django_db


def in_layout(html: str) -> bool:
    return '<header class="site">' in html and 'href="/"' in html and "crecer.css" in html


def test_404_has_the_layout_and_a_way_back(client):
    response = client.get("/territory/99/")
    html = response.content.decode()
    assert response.status_code == 404
    assert in_layout(html)
    assert "Página no encontrada" in html
    assert "Volver a la página de inicio" in html or "Back to the start page" in html


def test_404_in_english(client):
    client.get("/?lang=en")
    html = client.get("/territory/99/").content.decode()
    assert "Page not found" in html
    assert "Back to the start page" in html


def test_403_has_the_layout_and_the_users_menu(client, make_user):
    client.force_login(make_user("analyst", "analyst", "050101"))
    response = client.get(reverse("registry:export"))
    html = response.content.decode()
    assert response.status_code == 403
    assert in_layout(html)
    assert reverse("registry:quality") in html  # the menu of the user who is refused


def _refuse_queries(execute, sql, params, many, context):
    raise AssertionError(f"the 500 page queried the database: {sql}")


def test_500_renders_without_the_database_or_a_user():
    request = RequestFactory().get("/anywhere/")  # no request.user, no session
    with translation.override("en"), connection.execute_wrapper(_refuse_queries):
        response = server_error(request)
    html = response.content.decode()
    assert response.status_code == 500
    assert in_layout(html)
    assert "Something went wrong" in html
    assert "Back to the start page" in html
