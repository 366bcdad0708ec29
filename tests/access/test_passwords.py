"""Password rules: Django's four (similarity, length, common, all digits) and Crecer's own
(enough different characters); the passwords the demo and the tests use pass them."""

from __future__ import annotations

import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from crecer.demo.users import ensure_users

WEAK = [
    "aaaaaaaaaaaa",  # one character repeated
    "AaAaAaAaAaAa",  # one letter, both cases
    "abababababab",
    "abcabcabcabc",
    "1111222233334444",  # digits only, and few of them
    "short",
    "password123",  # a common password
    "rosaquispe2026",  # like the user name
]
STRONG = ["a sturdy passphrase 2026", "una clave segura 2026", "Tr3s-llamas-en-Huanta"]


@pytest.mark.parametrize("password", WEAK)
def test_weak_passwords_are_refused(db, password):
    user = get_user_model()(username="rosaquispe2026")
    with pytest.raises(ValidationError):
        validate_password(password, user)


@pytest.mark.parametrize("password", ["aaaaaaaaaaaa", "abababababab", "AaAaAaAaAaAa"])
def test_too_few_different_characters_is_its_own_reason(password):
    with pytest.raises(ValidationError) as refused:
        validate_password(password)
    assert "password_too_few_distinct_characters" in [e.code for e in refused.value.error_list]


@pytest.mark.parametrize("password", STRONG)
def test_the_passwords_the_tests_use_pass(db, password):
    validate_password(password, get_user_model()(username="rosa"))


@pytest.mark.django_db
def test_createuser_refuses_a_repeated_character(monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("aaaaaaaaaaaa\n"))
    with pytest.raises(CommandError, match=r"(different characters|caracteres distintos)"):
        call_command("createuser", "ana", "--role", "analyst", "--password-stdin")
    assert not get_user_model().objects.filter(username="ana").exists()


@pytest.mark.django_db
def test_the_demo_users_passwords_pass(tmp_path):
    created = ensure_users("050403", tmp_path)
    assert created
    users = get_user_model()
    for planned, password in created:
        validate_password(password, users.objects.get(username=planned.username))


def test_the_rules_are_explained():
    from django.contrib.auth.password_validation import password_validators_help_texts

    assert len(password_validators_help_texts()) == 5


def test_the_reason_is_said_in_spanish():
    from django.utils import translation

    with translation.override("es"), pytest.raises(ValidationError) as refused:
        validate_password("abababababab")
    assert "caracteres distintos" in " ".join(refused.value.messages)
