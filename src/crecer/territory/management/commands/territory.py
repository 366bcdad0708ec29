"""``crecer territory load KIND FILE``, ``crecer territory load --dir DIR`` and ``crecer territory
load --bundled`` (the reference data shipped with Crecer, see ``territory/data/ATTRIBUTION.md``)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crecer.database import ensure_migrated
from crecer.territory.files import FileProblem, LoadReport
from crecer.territory.loaders import LOADERS, load_bundled, load_directory

SHOWN_ERRORS = 50


class Command(BaseCommand):
    help = (
        "Load official territory files (district attributes and population, populated centers, "
        "facilities, boundaries)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        load = actions.add_parser("load", help="load an official file, or a folder of them")
        load.add_argument("kind", nargs="?", choices=sorted(LOADERS), help="kind of file")
        load.add_argument("file", nargs="?", type=Path, help="the file to load")
        load.add_argument("--dir", type=Path, help="load every known file of this folder")
        load.add_argument(
            "--bundled",
            action="store_true",
            help="load the reference data shipped with Crecer (official files load over it)",
        )
        load.add_argument("--encoding", default="utf-8", help="text encoding (default utf-8)")
        load.add_argument("--report", type=Path, help="also write the rejected lines to this CSV")
        load.add_argument(
            "--strict", action="store_true", help="exit with status 1 if any line is rejected"
        )

    def handle(self, *args, **options) -> None:
        sources = [
            bool(options["kind"] or options["file"]),
            bool(options["dir"]),
            options["bundled"],
        ]
        if sum(sources) > 1:
            raise CommandError("give either KIND FILE or --dir DIR or --bundled, only one")
        ensure_migrated()
        try:
            if options["bundled"]:
                reports = load_bundled()
            elif options["dir"]:
                reports = load_directory(options["dir"], encoding=options["encoding"])
            elif options["kind"] and options["file"]:
                reports = [LOADERS[options["kind"]](options["file"], encoding=options["encoding"])]
            else:
                raise CommandError(
                    "give KIND FILE (kinds: "
                    + ", ".join(sorted(LOADERS))
                    + "), --dir DIR or --bundled"
                )
        except FileProblem as problem:
            raise CommandError(str(problem)) from None
        for report in reports:
            self.show(report)
        if options["report"]:
            write_rejections(options["report"], reports)
            self.stdout.write(f"Rejected lines written to {options['report']}")
        rejected = sum(len(report.errors) for report in reports)
        if rejected and options["strict"]:
            raise CommandError(f"{rejected} line(s) rejected")

    def show(self, report: LoadReport) -> None:
        style = self.style.WARNING if report.errors or report.warnings else self.style.SUCCESS
        self.stdout.write(style(report.summary()))
        for error in report.errors[:SHOWN_ERRORS]:
            self.stdout.write(f"  {report.row_word} {error.line}: {error.reason}")
        if len(report.errors) > SHOWN_ERRORS:
            self.stdout.write(
                f"  … and {len(report.errors) - SHOWN_ERRORS} more (all kept in the database: "
                "admin › imports; or use --report FILE)"
            )
        for warning in report.warnings[:SHOWN_ERRORS]:
            self.stdout.write(f"  {report.row_word} {warning.line} (loaded): {warning.reason}")
        if len(report.warnings) > SHOWN_ERRORS:
            self.stdout.write(f"  … and {len(report.warnings) - SHOWN_ERRORS} more warnings")


def write_rejections(path: Path, reports: list[LoadReport]) -> None:
    from crecer.ingest.safe_cells import safe_writer

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = safe_writer(handle)  # the raw lines as the file had them, formula-safe
        writer.writerow(["file", "position", "reason", "raw"])
        for report in reports:
            for error in report.errors:
                writer.writerow(
                    [report.file_name, f"{report.row_word} {error.line}", error.reason, error.raw]
                )
