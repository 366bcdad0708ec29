"""`crecer createuser --role --scope` and `crecer token`."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from crecer.access.models import ApiToken, Assignment, ScopeLevel
from crecer.access.scopes import BadScope, parse_scope
from crecer.territory.models import HealthFacility, PopulatedCenter

pytestmark = pytest.mark.django_db
PASSWORD = "a sturdy passphrase 2026\n"


def create(monkeypatch, *args: str) -> str:
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD))
    out = io.StringIO()
    call_command("createuser", *args, "--password-stdin", stdout=out)
    return out.getvalue()


@pytest.mark.parametrize(
    ("scope", "level", "code"),
    [
        ("PE", ScopeLevel.NATIONAL, ""),
        ("05", ScopeLevel.DEPARTMENT, "05"),
        ("0504", ScopeLevel.PROVINCE, "0504"),
        ("050403", ScopeLevel.DISTRICT, "050403"),
    ],
)
def test_territorial_scopes(monkeypatch, scope, level, code):
    create(monkeypatch, "rosa", "--role", "registry_officer", "--scope", scope)
    assignment = Assignment.objects.get(user__username="rosa")
    assert (assignment.role, assignment.level, assignment.territory_code) == (
        "registry_officer",
        level,
        code,
    )
    assert not get_user_model().objects.get(username="rosa").is_staff


def test_facility_and_community_scopes(monkeypatch):
    HealthFacility.objects.create(renipress_code="00001234", name="PS X", district_id="050403")
    for code in ("0504030001", "0504030002"):
        PopulatedCenter.objects.create(code=code, district_id="050403", name=code)
    create(monkeypatch, "nurse", "--role", "health_worker", "--scope", "facility:1234")
    create(
        monkeypatch, "agent", "--role", "health_worker", "--scope", "centers:0504030001,0504030002"
    )
    assert Assignment.objects.get(user__username="nurse").facility_id == "00001234"
    agent = Assignment.objects.get(user__username="agent")
    assert sorted(agent.populated_centers.values_list("code", flat=True)) == [
        "0504030001",
        "0504030002",
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "analyst", "--scope", "99"], "no territory with code 99"),
        (["--role", "analyst", "--scope", "123"], "is not PE"),
        (["--role", "health_worker", "--scope", "facility:777"], "no health facility 00000777"),
        (["--role", "administrator", "--scope", "05"], "administrators are national"),
        ([], "give --role"),
    ],
)
def test_bad_scopes_are_refused_and_nothing_is_created(monkeypatch, args, message):
    with pytest.raises(CommandError, match=message):
        create(monkeypatch, "rosa", *args)
    assert not get_user_model().objects.filter(username="rosa").exists()


def test_admin_is_a_national_administrator(monkeypatch):
    create(monkeypatch, "jefa", "--admin")
    user = get_user_model().objects.get(username="jefa")
    assert (user.is_superuser, user.assignment.role, user.assignment.level) == (
        True,
        "administrator",
        "national",
    )


def test_parse_scope_rejects_garbage():
    with pytest.raises(BadScope):
        parse_scope("centers:12")


def test_token_is_printed_once_and_stored_hashed(monkeypatch):
    create(monkeypatch, "rosa", "--role", "program_manager", "--scope", "05")
    out = io.StringIO()
    call_command("token", "create", "rosa", "--name", "sis", stdout=out, stderr=io.StringIO())
    key = out.getvalue().strip()
    token = ApiToken.objects.get()
    assert key.startswith(token.prefix)
    assert key not in token.digest  # only the SHA-256 is kept
    listed = io.StringIO()
    call_command("token", "list", stdout=listed)
    assert token.prefix in listed.getvalue()
    call_command("token", "revoke", token.prefix, stdout=io.StringIO())
    assert ApiToken.objects.get().revoked


def test_the_admin_manages_roles_and_reads_the_log(client, monkeypatch):
    create(monkeypatch, "jefa", "--admin")
    create(monkeypatch, "rosa", "--role", "auditor", "--scope", "05")
    client.force_login(get_user_model().objects.get(username="jefa"))
    rosa = get_user_model().objects.get(username="rosa")
    page = client.get(f"/admin/auth/user/{rosa.pk}/change/")
    assert page.status_code == 200
    assert b"assignment-0-role" in page.content  # the role and scope on the user's form
    assert client.get("/admin/auth/user/").status_code == 200
    assert client.get("/admin/access/accesslog/").status_code == 200
    assert client.get("/admin/access/accesslog/add/").status_code == 403  # evidence: read-only
