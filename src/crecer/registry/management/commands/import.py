"""``crecer import padron FILE``: import a Padrón Nominal export (CSV or XLSX);
``crecer import events FILE``: import service events (HIS-MINSA rows or Crecer's CSV)."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from crecer.health.importer import import_events
from crecer.registry.importer import frame_of_quarantine, import_padron
from crecer.registry.reading import UnreadableFile
from crecer.web.database import ensure_migrated

SHOWN = 30


class Command(BaseCommand):
    help = "Import a Padrón Nominal file (CSV or XLSX); bad rows go to quarantine with reasons."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True, title="kinds")
        padron = kinds.add_parser("padron", help="the nominal registry export of a district")
        padron.add_argument("file", type=Path)
        padron.add_argument("--report", type=Path, help="write the quarantined rows to this CSV")
        events = kinds.add_parser(
            "events", help="service events: HIS-MINSA rows or Crecer's CSV (growth, Hb, codes)"
        )
        events.add_argument("file", type=Path)
        events.add_argument("--report", type=Path, help="write the quarantined rows to this CSV")

    def handle(self, *args, kind: str, file: Path, report: Path | None, **options) -> None:
        ensure_migrated()
        if not file.exists():
            raise CommandError(f"{file}: file not found")
        try:
            importer = import_events if kind == "events" else import_padron
            run = importer(file, progress=self.progress)
        except UnreadableFile as problem:
            raise CommandError(str(problem)) from None
        self.stderr.write("")
        style = self.style.WARNING if run.quarantined else self.style.SUCCESS
        self.stdout.write(
            style(
                f"{file.name}: {run.rows_read} rows read = {run.created} created + {run.updated} "
                f"updated + {run.unchanged} unchanged + {run.quarantined} quarantined "
                f"(encoding {run.encoding}, import #{run.pk})"
            )
        )
        for row in run.quarantined_rows.all()[:SHOWN]:
            self.stdout.write(f"  line {row.line}: {'; '.join(row.described_reasons())}")
        if run.quarantined > SHOWN:
            self.stdout.write(f"  … and {run.quarantined - SHOWN} more (see the import page)")
        if report:
            frame_of_quarantine(run).write_csv(report)
            self.stdout.write(f"Quarantined rows written to {report}")

    def progress(self, stage: str, done: int, total: int) -> None:
        if stage == "rows" and sys.stderr.isatty():
            self.stderr.write(f"\r{done:>11,} rows imported", ending="")
