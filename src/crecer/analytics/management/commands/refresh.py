"""``crecer refresh [--as-of DATE] [--scope UBIGEO]``: recompute per-child status and the
indicator tables for a date (default today) and a territory (default the whole country)."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from crecer.analytics.refresh import NoCatalogue, refresh
from crecer.web.context_processors import active_profile
from crecer.web.database import ensure_migrated


class Command(BaseCommand):
    help = "Recompute per-child status and indicators by territory for a date."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--as-of", type=date.fromisoformat, help="YYYY-MM-DD (default today)")
        parser.add_argument("--scope", default="", help="department, province or district ubigeo")

    def handle(self, *args, as_of: date | None, scope: str, **options) -> None:
        ensure_migrated()
        if scope and (not scope.isdigit() or len(scope) not in (2, 4, 6)):
            raise CommandError("--scope is a 2, 4 or 6-digit ubigeo")
        day = as_of or timezone.localdate()
        try:
            run = refresh(day, scope, active_profile(settings.CRECER_PROFILE), self.progress)
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
