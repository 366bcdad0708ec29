"""``crecer refresh [--as-of DATE] [--scope UBIGEO]``: recompute per-child status and the
indicator tables for a date (default today) and a territory (default the whole country)."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crecer.analytics.refresh import NoCatalogue, refresh
from crecer.database import ensure_migrated
from crecer.ingest.text import is_digits
from crecer.profile import current_profile


class Command(BaseCommand):
    help = "Recompute per-child status and indicators by territory for a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
        parser.add_argument("--scope", default="", help="department, province or district ubigeo")
        parser.add_argument(
            "--months",
            type=int,
            default=1,
            help="also refresh the ends of the N-1 months before (monthly trends)",
        )

    def handle(self, *args, as_of: date | None, scope: str, months: int, **options) -> None:
        ensure_migrated()
        if scope and (not is_digits(scope) or len(scope) not in (2, 4, 6)):
            raise CommandError("--scope is a 2, 4 or 6-digit ubigeo")
        if months < 1:
            raise CommandError("--months is 1 or more")
        latest = as_of or timezone.localdate()
        for day in reversed(month_ends(latest, months)):
            self.refresh_one(day, scope)

    def refresh_one(self, day: date, scope: str) -> None:
        try:
            run = refresh(day, scope, current_profile(), self.progress)
        except NoCatalogue as problem:
            raise CommandError(str(problem)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Refreshed {scope or 'PE'} as of {day}: {run.children} children, "
                f"{run.values.count()} indicator values "
                f"({', '.join(f'{k} {v:.1f} s' for k, v in run.timings.items())})."
            )
        )

    def progress(self, stage: str, seconds: float) -> None:
        self.stderr.write(f"  {stage}: {seconds:.1f} s")


def month_ends(latest: date, months: int) -> list[date]:
    """``latest`` and the last days of the ``months - 1`` months before it."""
    days = [latest]
    for _ in range(months - 1):
        days.append(days[-1].replace(day=1) - timedelta(days=1))
    return days
