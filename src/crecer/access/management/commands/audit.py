"""``crecer audit replay`` stores the access log entries kept aside in the data folder when
the database could not take them (``crecer.access.audit``); the next successful write to the
log replays them too."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError

from crecer.access import audit


class Command(BaseCommand):
    help = "Store the access log entries kept aside while the database was busy."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("replay", help=f"store the entries of {audit.PENDING_FILE}")

    def handle(self, *args, action: str, **options) -> None:
        try:
            count = audit.replay()
        except DatabaseError as problem:
            raise CommandError(
                f"the database did not take the entries ({problem}); they are kept in "
                f"{audit.pending_path()}: try again"
            ) from None
        self.stdout.write(f"{count} access log entries stored.")
