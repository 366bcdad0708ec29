"""``crecer createuser USERNAME``: create a user (an administrator with ``--admin``).

The password is asked for twice, or read from standard input with ``--password-stdin`` (for
scripts), and checked against the password rules.
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Create a Crecer user."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--admin", action="store_true", help="administrator (all rights, admin site)"
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, username: str, email: str, admin: bool, **options) -> None:
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = read_password(options["password_stdin"])
        user = users(username=username, email=email, is_staff=admin, is_superuser=admin)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        user.set_password(password)
        user.save()
        kind = "administrator" if admin else "user"
        self.stdout.write(self.style.SUCCESS(f"Created {kind} {username!r}."))


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("Password: ")
    if first != getpass.getpass("Password (again): "):
        raise CommandError("the two passwords differ")
    return first
