"""``crecer token create USERNAME [--name N] [--days D]`` issues an API key (shown once) that
expires after ``D`` days (``CRECER_API_TOKEN_DAYS``, at most ``CRECER_API_TOKEN_MAX_DAYS``);
``crecer token list`` and ``crecer token revoke PREFIX`` manage them."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crecer.access.models import ApiToken


class Command(BaseCommand):
    help = "Issue, list and revoke API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="issue a key for a user (printed once)")
        create.add_argument("username")
        create.add_argument("--name", default="integration")
        create.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"days until the key expires (default {settings.CRECER_API_TOKEN_DAYS}, "
            f"at most {settings.CRECER_API_TOKEN_MAX_DAYS})",
        )
        actions.add_parser("list", help="every token with its user and last use")
        revoke = actions.add_parser("revoke", help="revoke a token by its prefix")
        revoke.add_argument("prefix")

    def handle(self, *args, action: str, **options) -> None:
        getattr(self, f"_{action}")(**options)

    def _create(self, username: str, name: str, days: int | None, **options) -> None:
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            token, key = ApiToken.issue(user, name, days)
        except ValueError as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(key)
        self.stderr.write(
            "Keep this key now: it is not stored and cannot be shown again. "
            "Send it as 'Authorization: Bearer <key>'. "
            f"It expires on {timezone.localtime(token.expires_at):%Y-%m-%d %H:%M}."
        )

    def _list(self, **options) -> None:
        for token in ApiToken.objects.select_related("user").order_by("created_at"):
            state = "revoked" if token.revoked else "expired" if token.expired else "active"
            used = f"{token.last_used_at:%Y-%m-%d %H:%M}" if token.last_used_at else "never"
            expires = f"{timezone.localtime(token.expires_at):%Y-%m-%d}"
            self.stdout.write(
                f"{token.prefix}  {token.user}  {token.name}  {state}  expires {expires}  "
                f"used {used}"
            )

    def _revoke(self, prefix: str, **options) -> None:
        count = ApiToken.objects.filter(prefix=prefix, revoked=False).update(revoked=True)
        if not count:
            raise CommandError(f"no active token with prefix {prefix!r}")
        self.stdout.write(f"Revoked {count} token(s).")
