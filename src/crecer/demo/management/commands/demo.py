"""``crecer demo``: one command from a fresh install to a running site.

It prepares the database (migrations, which also load the bundled INEI hierarchy), loads the
official territory files of ``--reference-dir`` (or ``CRECER_REFERENCE_DIR``) when given,
generates a synthetic population of ``--scope`` (default Ayacucho, ``05``) into the database —
once: run again, it reuses the population already there — refreshes the indicators, creates one
demo user per role (printing their credentials) and serves.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from crecer.demo import database, users
from crecer.demo.run import Options, generate
from crecer.profile import current_profile
from crecer.server import serve
from crecer.territory.models import District

# Shares of children registered twice, and of twins, in the demo (crecer.demo.linkage).
DUPLICATES = 0.02
TWINS = 0.005


class Command(BaseCommand):
    help = "Set up the database, load territory files if given, generate a demo population, serve."

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
        parser.add_argument(
            "--scope", default="05", help="territory of the demo population (default 05, Ayacucho)"
        )
        parser.add_argument("--seed", type=int, default=1, help="seed of the demo population")

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
        self.populate(options["scope"], options["seed"])
        self.print_users(options["scope"])
        if options["no_serve"]:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        serve(host, port, 8, self.stdout.write)

    def print_users(self, scope: str) -> None:
        """Create one demo user per role (once) and print how to log in as each."""
        self.stdout.write(
            _("Demo users (local demo only; passwords kept in %(path)s):")
            % {"path": settings.DATA_DIR / users.CREDENTIALS_FILE}
        )
        for user, password in users.ensure_users(scope, settings.DATA_DIR):
            self.stdout.write(f"  {user.username:<14} {password:<14} {user.role:<17} {user.scope}")

    def populate(self, scope: str, seed: int) -> None:
        """Generate the synthetic population once, then refresh the indicators."""
        existing = database.existing_run(scope, seed, 1.0)
        if existing is not None:
            self.stdout.write(
                _("Synthetic population of %(scope)s (seed %(seed)s) present: %(n)s children.")
                % {"scope": scope, "seed": seed, "n": existing.created}
            )
            return
        if database.children_in_scope(scope):
            self.stdout.write(
                _("Children already registered in %(scope)s: no synthetic population added.")
                % {"scope": scope}
            )
            return
        self.stdout.write(_("Generating the synthetic population of %(scope)s…") % {"scope": scope})
        profile = current_profile()
        try:
            # Duplicates, twins and the outside lists give the review queue something to do.
            lists = settings.DATA_DIR / "demo-lists" / scope
            result = generate(
                Options(
                    scope=scope, seed=seed, as_of=timezone.localdate(), into_db=True, out=lists,
                    csv_events=False, duplicate_rate=DUPLICATES, twin_rate=TWINS,
                    outside_lists=True,
                ),
                profile,
                self.stdout.write,
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(str(error)) from error
        achieved = result["achieved"]
        unknown = _("unknown")
        self.stdout.write(
            _("%(n)s children; stunting %(stunting)s %%, anemia 6-35 months %(anemia)s %%.")
            % {
                "n": result["counts"].get("children", 0),
                "stunting": achieved["stunting_under_5"] or unknown,
                "anemia": achieved["anemia_6_35_endes_rule"] or unknown,
            }
        )
        missing = result["defaults_used"]
        if missing:
            self.stdout.write(
                _("Missing for some districts (documented defaults used): %(names)s.")
                % {"names": ", ".join(missing)}
            )
        if "altitude_m" in missing:
            self.stdout.write(_("Without altitude, Hb tests there cannot be adjusted."))
        self.link(scope, lists)
        call_command(
            "refresh", "--scope", "" if scope.upper() == "PE" else scope, stdout=self.stdout
        )

    def link(self, scope: str, lists: Path) -> None:
        """Deduplicate the registry and link the outside lists, as an officer would."""
        from crecer.linkage import runs
        from crecer.linkage.management.commands.link import describe
        from crecer.linkage.sources import SOURCES

        self.stdout.write(describe(runs.dedupe("" if scope.upper() == "PE" else scope)))
        for source in SOURCES:
            path = lists / f"{source}.csv"
            if path.exists():
                self.stdout.write(describe(runs.link_file(path, source)))
