"""API errors answer JSON (``{"detail": …}``), whatever answers them (a route, the policy,
Django's URL resolver), and every one a route may answer is in the OpenAPI schema."""

from __future__ import annotations

import pytest
from django.test import Client

from crecer.access.models import ApiToken

pytestmark = pytest.mark.django_db

CHILDREN_ROUTES = ["/api/children/", "/api/children/by-number/{number}", "/api/children/{child_id}"]


def bearer(user) -> Client:
    _token, key = ApiToken.issue(user, "errors")
    return Client(headers={"Authorization": f"Bearer {key}"})


def json_error(response, status: int):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json"), response.content[:80]
    return response.json()["detail"]


def test_401_without_a_key_or_with_a_wrong_one():
    assert json_error(Client().get("/api/children/"), 401) == "Unauthorized"
    wrong = Client(headers={"Authorization": "Bearer " + "0" * 64})
    assert json_error(wrong.get("/api/children/1"), 401) == "Unauthorized"


def test_403_when_the_role_has_no_right_to_children(make_user):
    analyst = bearer(make_user("analista", "analyst", "05"))  # aggregates only
    assert json_error(analyst.get("/api/children/"), 403) == "Forbidden"


def test_404_json_for_a_child_outside_the_scope_or_an_unknown_address(make_user):
    manager = bearer(make_user("gestora", "program_manager", "0504"))
    assert json_error(manager.get("/api/children/999999"), 404) == "Not Found"
    assert json_error(manager.get("/api/children/?territory=0101"), 404) == "Not Found"
    assert json_error(manager.get("/api/children/not-a-number"), 404) == "Not Found"
    assert json_error(Client().get("/api/territory/99"), 404) == "Not Found"
    unknown = Client().get("/api/no-such-route")
    assert json_error(unknown, 404) == "Not Found"
    assert "default-src 'self'" in unknown["Content-Security-Policy"]
    assert "no-store" in unknown["Cache-Control"]


def test_405_json_with_the_methods_allowed():
    response = Client().post("/api/territory/")
    assert json_error(response, 405) == "Method Not Allowed"
    assert "GET" in response["Allow"]


def test_422_lists_the_refused_parameters(make_user):
    manager = bearer(make_user("gestora", "program_manager", "05"))
    detail = json_error(manager.get("/api/children/", {"limit": 0, "territory": "5"}), 422)
    assert {tuple(error["loc"]) for error in detail} == {
        ("query", "limit"),
        ("query", "territory"),
    }


def test_the_schema_documents_every_error():
    schema = Client().get("/api/openapi.json").json()
    paths, components = schema["paths"], schema["components"]["schemas"]
    for route in CHILDREN_ROUTES:
        responses = paths[route]["get"]["responses"]
        assert {"200", "401", "403", "404", "422"} <= set(responses), route
    assert {"200", "404", "422"} <= set(paths["/api/territory/{code}"]["get"]["responses"])
    message = paths["/api/children/"]["get"]["responses"]["401"]["content"]["application/json"]
    assert message["schema"]["$ref"].endswith("/Message")
    assert components["Message"]["required"] == ["detail"]
    invalid = paths["/api/children/"]["get"]["responses"]["422"]["content"]["application/json"]
    assert invalid["schema"]["$ref"].endswith("/ValidationErrors")
    assert "Errors are JSON" in schema["info"]["description"]
