"""``crecer link dedupe [--scope CODE]``: find duplicates in the registry;
``crecer link import SOURCE FILE``: link an outside list (cnv, sis, juntos, cuna_mas);
``crecer link status``: what waits for review."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Count

from crecer.database import ensure_migrated
from crecer.ingest.columns import UnreadableFile
from crecer.linkage import runs
from crecer.linkage.models import CandidatePair, LinkRun, PairStatus
from crecer.linkage.sources import SOURCES


class Command(BaseCommand):
    help = "Deduplicate the registry and link outside lists (Splink on DuckDB)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, title="actions")
        dedupe = actions.add_parser("dedupe", help="find duplicate children in the registry")
        dedupe.add_argument("--scope", default="", help="ubigeo prefix (default: national)")
        link = actions.add_parser("import", help="link an outside list to the registry")
        link.add_argument("source", choices=sorted(SOURCES))
        link.add_argument("file", type=Path)
        actions.add_parser("status", help="pairs by status and the last runs")

    def handle(self, *args, action: str, **options) -> None:
        ensure_migrated()
        if action == "dedupe":
            # Departments one at a time: memory stays bounded nationally (a duplicate in
            # another department is only found through the mother's document there).
            scopes = [options["scope"]] if options["scope"] else runs.departments()
            for scope in scopes:
                self.stdout.write(
                    self.style.SUCCESS(describe(runs.dedupe(scope, report=self.note)))
                )
            return
        elif action == "import":
            file: Path = options["file"]
            if not file.exists():
                raise CommandError(f"{file}: file not found")
            try:
                run = runs.link_file(file, options["source"], report=self.note)
            except UnreadableFile as problem:
                raise CommandError(str(problem)) from None
        else:
            self.status()
            return
        self.stdout.write(self.style.SUCCESS(describe(run)))

    def note(self, text: str) -> None:
        self.stderr.write(text)

    def status(self) -> None:
        counts = CandidatePair.objects.values("status").annotate(n=Count("pk")).order_by("status")
        labels = dict(PairStatus.choices)
        for row in counts:
            self.stdout.write(f"{labels[row['status']]}: {row['n']}")
        for run in LinkRun.objects.all()[:10]:
            self.stdout.write(describe(run))


def describe(run: LinkRun) -> str:
    what = run.get_kind_display() + (f" {run.file_name}" if run.file_name else "")
    what += f" [{run.scope}]" if run.scope else ""
    return (
        f"#{run.pk} {what}: {run.records} records ({run.new_records} new) -> "
        f"{run.exact} linked by identifier + {run.auto} by the model, {run.review} to review"
        + (f", {run.unlinked} not linked" if run.file_name else "")
        + f" ({run.seconds:.1f} s)"
    )
