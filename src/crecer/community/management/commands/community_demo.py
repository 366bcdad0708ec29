"""``crecer community_demo [--scope S] [--as-of D] [--seed N]``: monitoring centers, meetings,
home visits and Cuna Más day care over the registry's children (crecer.community.demo)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from crecer.community.demo import seed


class Command(BaseCommand):
    help = "Demo monitoring centers, meetings, home visits and day care over the registry"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--scope", default="", help="ubigeo prefix (default: all)")
        parser.add_argument("--as-of", type=date.fromisoformat, default=None)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, **options) -> None:
        on = options["as_of"] or timezone.localdate()
        done = seed(options["scope"], on, options["seed"])
        self.stdout.write(
            f"{done.centers} centers, {done.meetings} meetings, {done.visits} visits, "
            f"{done.daycares} day-care centers, {done.enrolled} children enrolled, "
            f"{done.attendance} attendance days"
        )
