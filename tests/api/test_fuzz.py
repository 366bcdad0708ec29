"""Schemathesis generates requests from the API's own OpenAPI schema (valid and invalid path and
query values) and checks that no answer is a server error and every answer matches the schema,
on the reference data's altitudes and populations (``territory_data``)."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from crecer.access.models import ApiToken
from crecer.registry.models import Child

schema = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application())


@pytest.fixture
def in_test_transaction():
    """Schemathesis calls the WSGI app itself, whose request signals would close the database
    connection (and the test's transaction with it); Django's own test client disconnects
    them the same way."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_key(db, make_user, in_test_transaction, territory_data) -> str:
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
    _token, key = ApiToken.issue(make_user("integration", "program_manager", "05"), "fuzz")
    return key


@pytest.mark.django_db
@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_the_api_never_fails(case, api_key):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {api_key}"},
        checks=[not_a_server_error, response_schema_conformance],
    )


def test_the_schema_documents_every_route():
    paths = set(schema.raw_schema["paths"])
    assert {
        "/api/territory/",
        "/api/territory/{code}",
        "/api/children/",
        "/api/children/by-number/{number}",
        "/api/children/{child_id}",
    } <= paths
