"""Login hardening: Argon2 hashes, lockout after repeated failures, CSRF on forms, sessions that
expire, and Django's deployment checklist in production mode."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.conftest import crecer_env, run_crecer

pytestmark = pytest.mark.django_db
PASSWORD = "a sturdy passphrase 2026"


def test_passwords_are_hashed_with_argon2(make_user):
    user = make_user("rosa", "registry_officer", "05")
    assert user.password.startswith("argon2$")
    assert user.check_password(PASSWORD)


def login(client: Client, username: str, password: str):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_wrong_passwords_lock_the_user_name_from_that_address(make_user):
    make_user("rosa", "registry_officer", "05")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "rosa", "wrong").status_code == 200  # the form again, with an error
    locked = login(client, "rosa", "wrong")
    assert locked.status_code == 429
    # Even the right password is refused while the lockout lasts …
    assert login(client, "rosa", PASSWORD).status_code == 429
    # … but another address can still log in (the lock is per user name and address).
    other = Client(REMOTE_ADDR="10.1.1.1")
    response = login(other, "rosa", PASSWORD)
    assert response.status_code == 302
    assert response["Location"] == reverse("web:home")


def test_a_right_password_resets_the_count(make_user):
    make_user("rosa", "registry_officer", "05")
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "rosa", "wrong")
    assert login(client, "rosa", PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        login(client, "rosa", "wrong")
    assert login(client, "rosa", PASSWORD).status_code == 302


def test_a_post_without_csrf_token_is_rejected(make_user):
    user = make_user("rosa", "registry_officer", "05")
    client = Client(enforce_csrf_checks=True)
    assert login(client, "rosa", PASSWORD).status_code == 403
    client.force_login(user)
    response = client.post(reverse("registry:add"), {"dni": "71234567"})
    assert response.status_code == 403
    assert not get_user_model().objects.filter(username="intruder").exists()


def test_sessions_expire():
    assert settings.SESSION_COOKIE_AGE <= 12 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    assert settings.SESSION_COOKIE_HTTPONLY


def test_deploy_check_passes_in_production_mode(tmp_path):
    env = crecer_env(tmp_path) | {
        "CRECER_HTTPS": "1",
        "CRECER_SECRET_KEY": "k" * 20 + "-an-unguessable-production-key-0123456789-ABCDEFG",
        "CRECER_ALLOWED_HOSTS": "crecer.example.org",
    }
    env.pop("CRECER_DEBUG", None)
    result = run_crecer(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
