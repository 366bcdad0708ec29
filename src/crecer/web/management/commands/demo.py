"""``crecer demo``: one command from a fresh install to a running site.

It prepares the database (migrations, which also load the bundled INEI hierarchy), loads the
official territory files of ``--reference-dir`` (or ``CRECER_REFERENCE_DIR``) when given, and
serves.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from crecer.territory.models import District
from crecer.web.management.commands.serve import serve


class Command(BaseCommand):
    help = "Set up the database, load territory files if given, and serve the site."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference-dir",
            type=Path,
            default=os.environ.get("CRECER_REFERENCE_DIR") or None,
            help="folder of official territory files (default: $CRECER_REFERENCE_DIR)",
        )
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--no-serve", action="store_true", help="prepare the data, do not serve"
        )

    def handle(self, *args, reference_dir: Path | None, host: str, port: int, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write(f"Database ready: {District.objects.count()} districts.")
        if reference_dir:
            call_command("territory", "load", "--dir", str(reference_dir), stdout=self.stdout)
        else:
            self.stdout.write(
                "No reference folder given: only the bundled hierarchy is loaded "
                "(use --reference-dir or CRECER_REFERENCE_DIR for altitude, population, "
                "populated centers, facilities and boundaries)."
            )
        if options["no_serve"]:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        serve(host, port, 8, self.stdout.write)
