"""``crecer generate``: a synthetic population of a territory, calibrated on published figures,
written as files (Padrón export with faults, children, events, manifest) and/or into the
database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from crecer.demo import database
from crecer.demo.run import Options, generate
from crecer.profile import current_profile


class Command(BaseCommand):
    help = _("Generate a synthetic population of children under 6 (files and/or database).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--scope",
            default="05",
            help=_("PE, or a department, province or district ubigeo (default 05, Ayacucho)"),
        )
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--factor",
            type=float,
            default=1.0,
            help=_("size factor (1 = the real number of children)"),
        )
        parser.add_argument(
            "--as-of",
            type=date.fromisoformat,
            default=None,
            help=_("date the population is generated for (default today)"),
        )
        parser.add_argument("--out", type=Path, default=None, help=_("folder for the files"))
        parser.add_argument(
            "--faults",
            type=float,
            default=0.0,
            help=_("share of Padrón export rows with a fault (e.g. 0.02)"),
        )
        parser.add_argument(
            "--duplicates",
            type=float,
            default=0.0,
            help=_("share of children registered twice in the padrón, with errors (e.g. 0.03)"),
        )
        parser.add_argument(
            "--twins",
            type=float,
            default=0.0,
            help=_("share of children with a twin (e.g. 0.005)"),
        )
        parser.add_argument(
            "--outside-lists",
            action="store_true",
            help=_("also write the CNV, SIS, JUNTOS and Cuna Más lists (with --out)"),
        )
        parser.add_argument(
            "--into-db", action="store_true", help=_("write the population into the database")
        )
        parser.add_argument(
            "--no-csv-events", action="store_true", help=_("events as Parquet only")
        )

    def handle(self, *args, **options) -> None:
        if not options["out"] and not options["into_db"]:
            raise CommandError(_("give --out DIR, --into-db, or both"))
        chosen = Options(
            scope=options["scope"],
            seed=options["seed"],
            factor=options["factor"],
            as_of=options["as_of"] or date.today(),
            out=options["out"],
            fault_rate=options["faults"],
            into_db=options["into_db"],
            csv_events=not options["no_csv_events"],
            duplicate_rate=options["duplicates"],
            twin_rate=options["twins"],
            outside_lists=options["outside_lists"],
        )
        if chosen.into_db and database.children_in_scope(chosen.scope):
            raise CommandError(
                _("children are already registered in scope %(scope)s: not generating")
                % {"scope": chosen.scope}
            )
        try:
            result = generate(chosen, current_profile(), self.stdout.write)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(result["achieved"], indent=1))
        if chosen.out:
            self.stdout.write(_("Manifest: %(path)s") % {"path": chosen.out / "manifest.json"})
