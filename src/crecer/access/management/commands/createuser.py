"""``crecer createuser USERNAME --role ROLE --scope SCOPE``: create a user with a role and a
territorial scope (``--admin``: a national administrator).

The password is asked for twice, or read from standard input with ``--password-stdin`` (for
scripts), and checked against the password rules. Scopes: ``PE`` (national), a department
(``05``), province (``0504``) or district (``050403``) ubigeo, ``facility:<RENIPRESS code>`` or
``centers:<populated center code>,…`` (a community agent).
"""

from __future__ import annotations

import getpass
import sys

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from crecer.access.models import Role, ScopeLevel
from crecer.access.scopes import BadScope, parse_scope
from crecer.access.services import assign


class Command(BaseCommand):
    help = "Create a Crecer user with a role and a territorial scope."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--email", default="")
        parser.add_argument("--role", choices=Role.values, help="what the user does")
        parser.add_argument(
            "--scope",
            default="PE",
            help="PE, a 2/4/6-digit ubigeo, facility:<code> or centers:<code>,… (default PE)",
        )
        parser.add_argument(
            "--personal-data",
            action="store_true",
            help="analysts only: may open the named lists behind aggregates",
        )
        parser.add_argument(
            "--admin",
            action="store_true",
            help="national administrator (same as --role administrator)",
        )
        parser.add_argument(
            "--password-stdin", action="store_true", help="read the password from standard input"
        )

    def handle(self, *args, username: str, email: str, admin: bool, **options) -> None:
        role = Role.ADMINISTRATOR if admin else options["role"]
        if not role:
            raise CommandError(f"give --role ({', '.join(Role.values)}) or --admin")
        try:
            scope = parse_scope(options["scope"])
        except BadScope as problem:
            raise CommandError(str(problem)) from None
        if role == Role.ADMINISTRATOR and scope.level != ScopeLevel.NATIONAL:
            raise CommandError("administrators are national: use --scope PE")
        users = get_user_model()
        if users.objects.filter(username=username).exists():
            raise CommandError(f"user {username!r} already exists")
        password = read_password(options["password_stdin"])
        is_admin = role == Role.ADMINISTRATOR
        user = users(username=username, email=email, is_staff=is_admin, is_superuser=is_admin)
        try:
            validate_password(password, user)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        user.set_password(password)
        with transaction.atomic():
            user.save()
            assign(user, role, scope, personal_data=options["personal_data"])
        self.stdout.write(
            self.style.SUCCESS(f"Created {role} {username!r}, scope {options['scope']}.")
        )


NO_TERMINAL = (
    "no terminal to ask the password on: give it on standard input with --password-stdin "
    "(e.g. `printf '%s\\n' \"$PASSWORD\" | crecer createuser NAME --role ROLE --password-stdin`)"
)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        line = sys.stdin.readline()
        if not line:
            raise CommandError("--password-stdin: standard input is empty (no password)")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise CommandError(NO_TERMINAL)
    try:
        first = getpass.getpass("Password: ")
        again = getpass.getpass("Password (again): ")
    except EOFError:  # the terminal closed (Ctrl-D) while asking
        raise CommandError("no password given") from None
    if first != again:
        raise CommandError("the two passwords differ")
    return first
