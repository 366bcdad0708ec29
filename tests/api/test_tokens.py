"""API tokens expire: after ``CRECER_API_TOKEN_DAYS`` (30) by default, never after more than
``CRECER_API_TOKEN_MAX_DAYS`` (365); an expired key is refused with 401 and a JSON reason."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client, override_settings
from django.utils import timezone

from crecer.access.models import ApiToken
from tests.conftest import crecer_env, run_crecer

pytestmark = pytest.mark.django_db


def days_left(token: ApiToken) -> float:
    return (token.expires_at - timezone.now()) / timedelta(days=1)


def get(key: str, url: str = "/api/children/"):
    return Client(headers={"Authorization": f"Bearer {key}"}).get(url)


@pytest.fixture
def manager(make_user):
    return make_user("integracion", "program_manager", "05")


def test_a_token_lasts_30_days_by_default(manager):
    token, key = ApiToken.issue(manager, "sis")
    assert 29.9 < days_left(token) <= 30
    assert get(key).status_code == 200


@override_settings(CRECER_API_TOKEN_DAYS=7, CRECER_API_TOKEN_MAX_DAYS=90)
def test_the_lifetime_and_its_maximum_are_settings(manager):
    token, _key = ApiToken.issue(manager, "sis")
    assert 6.9 < days_left(token) <= 7
    token, _key = ApiToken.issue(manager, "long", days=90)
    assert 89.9 < days_left(token) <= 90
    with pytest.raises(ValueError, match="1 to 90 days"):
        ApiToken.issue(manager, "too long", days=91)


def test_an_expired_token_is_refused_with_401_json(manager):
    token, key = ApiToken.issue(manager, "sis")
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    for url in ("/api/children/", "/api/children/1", "/api/children/by-number/71234567"):
        response = get(key, url)
        assert response.status_code == 401, url
        assert response["Content-Type"].startswith("application/json")
        assert "expired" in response.json()["detail"]
    token.refresh_from_db()
    assert token.last_used_at is None  # an expired key is not "used"


def test_crecer_token_create_takes_days_within_the_maximum(manager):
    out, err = io.StringIO(), io.StringIO()
    call_command("token", "create", "integracion", "--days", "365", stdout=out, stderr=err)
    token = ApiToken.objects.get()
    assert 364.9 < days_left(token) <= 365
    assert "expires on" in err.getvalue()
    with pytest.raises(CommandError, match="1 to 365 days"):
        call_command("token", "create", "integracion", "--days", "366", stdout=io.StringIO())
    with pytest.raises(CommandError, match="1 to 365 days"):
        call_command("token", "create", "integracion", "--days", "0", stdout=io.StringIO())
    ApiToken.objects.update(expires_at=timezone.now() - timedelta(days=1))
    listed = io.StringIO()
    call_command("token", "list", stdout=listed)
    assert "expired" in listed.getvalue()


def test_the_admin_refuses_an_expiry_beyond_the_maximum(manager):
    token, _key = ApiToken.issue(manager, "sis")
    token.expires_at = token.created_at + timedelta(days=366)
    with pytest.raises(ValidationError):
        token.full_clean()


@pytest.mark.django_db(transaction=True)
def test_tokens_issued_before_the_upgrade_get_the_default_lifetime(django_user_model):
    before, after = [("access", "0001_initial")], [("access", "0002_api_token_expiry")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    user = old.get_model("auth", "User").objects.create(username="antiguo")
    old.get_model("access", "ApiToken").objects.create(
        user_id=user.pk, name="old", prefix="abcd1234", digest="ab" * 32
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    token = ApiToken.objects.get(prefix="abcd1234")
    assert 29.9 < days_left(token) <= 30


@pytest.mark.parametrize(
    ("days", "maximum", "said"),
    [("abc", "365", "must be a whole number"), ("400", "365", "must be 1 to"), ("0", "", "1 to")],
)
def test_a_lifetime_out_of_bounds_stops_crecer_in_one_line(tmp_path, days, maximum, said):
    env = crecer_env(tmp_path) | {
        "CRECER_API_TOKEN_DAYS": days,
        "CRECER_API_TOKEN_MAX_DAYS": maximum,
    }
    result = run_crecer(env, "check")
    assert result.returncode != 0
    assert said in result.stderr
    assert "Traceback" not in result.stderr
