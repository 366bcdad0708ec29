"""``crecer import KIND FILE``: import a file of any registered kind (CSV or XLSX) —
``padron``, a Padrón Nominal export; ``events``, service events (HIS-MINSA rows or Crecer's
CSV); and every kind a later app registers (:mod:`crecer.ingest.kinds`)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crecer.database import ensure_migrated
from crecer.ingest.columns import UnreadableFile
from crecer.ingest.kinds import kind as kind_named
from crecer.ingest.kinds import kinds
from crecer.ingest.locks import ImportBusy
from crecer.ingest.models import ImportRun
from crecer.ingest.quarantine import quarantine_report_csv
from crecer.ingest.reading import unknown_columns

SHOWN = 30


class Command(BaseCommand):
    help = "Import a file (CSV or XLSX) of a kind: padrón, events…; bad rows go to quarantine."

    def add_arguments(self, parser: CommandParser) -> None:
        subparsers = parser.add_subparsers(dest="kind", required=True, title="kinds")
        for spec in kinds():
            sub = subparsers.add_parser(spec.name, help=spec.command_help)
            sub.add_argument("file", type=Path)
            sub.add_argument("--report", type=Path, help="write the quarantined rows to this CSV")
            sub.add_argument(
                "--ignore-unknown-columns",
                action="store_true",
                help="import even if the file has columns the import does not recognise (their "
                "values are kept with each line and the run names them); without it, such a "
                "file is refused",
            )

    def handle(self, *args, kind: str, file: Path, report: Path | None, **options) -> None:
        ensure_migrated()
        if not file.exists():
            raise CommandError(f"{file}: file not found")
        spec = kind_named(kind)
        try:
            unknown = unknown_columns(file, spec.columns)
            if unknown and not options["ignore_unknown_columns"]:
                raise CommandError(
                    f"{file.name}: columns not recognised: {', '.join(unknown)}. Rename them as "
                    "the import expects, or import anyway with --ignore-unknown-columns (their "
                    "values are kept with each line)"
                )
            run = spec.import_file(file, progress=self.progress)
        except (UnreadableFile, ImportBusy) as problem:
            raise CommandError(str(problem)) from None
        # The report file first: a reader that closes the output early (`| head`) must not
        # cost the user the report of an import that is already committed.
        if report:
            quarantine_report_csv(run, report)
        try:
            self.summarise(run, file, report)
        except BrokenPipeError:
            # Python's advice: point stdout at devnull so that the exit flush does not fail too.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())

    def summarise(self, run: ImportRun, file: Path, report: Path | None) -> None:
        self.stderr.write("")
        style = self.style.WARNING if run.quarantined else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{file.name}: {run.rows_read} rows read = {run.created} created + {run.updated} "
                f"updated + {run.unchanged} unchanged + {run.quarantined} quarantined "
                f"(encoding {run.encoding}, import #{run.pk})"
            )
        )
        if run.ignored_columns:
            self.stdout.write(
                self.style.WARNING(f"  columns not imported: {', '.join(run.ignored_columns)}")
            )
        for row in run.quarantined_rows.all()[:SHOWN]:
            self.stdout.write(f"  line {row.line}: {'; '.join(row.described_reasons())}")
        if run.quarantined > SHOWN:
            self.stdout.write(f"  … and {run.quarantined - SHOWN} more (see the import page)")
        if report:
            self.stdout.write(f"Quarantined rows written to {report}")

    def progress(self, stage: str, done: int, total: int) -> None:
        if stage == "rows" and sys.stderr.isatty():
            self.stderr.write(f"\r{done:>11,} rows imported", ending="")
