"""``crecer demo``: one command from a fresh install to a running site.

It prepares the database (migrations, which also load the bundled INEI hierarchy), loads the
territory reference data shipped with Crecer (or the official files of ``--reference-dir`` /
``CRECER_REFERENCE_DIR`` when given), generates a synthetic population of ``--scope`` (default
Ayacucho, ``05``) into the database, links it as an officer would, computes the indicators of the
whole country for today and the ends of the months before (open data and trends), creates one
demo user per role (printing their credentials) and serves. Every step is done once: run again,
it reuses what is there and serves in seconds. The long steps say what they do and the time left.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from crecer.demo import database, users
from crecer.demo.progress import Step, duration
from crecer.demo.run import Options, generate
from crecer.ingest.files import file_sha256
from crecer.ingest.models import ImportRun
from crecer.profile import current_profile
from crecer.server import serve
from crecer.territory.files import FileProblem, LoadReport
from crecer.territory.loaders import (
    BUNDLED_DIR,
    LOADERS,
    directory_files,
    kinds_not_loaded,
)
from crecer.territory.models import District

# Shares of children registered twice, and of twins, in the demo (crecer.demo.linkage).
DUPLICATES = 0.02
TWINS = 0.005
# Month ends refreshed (today and the N-1 before): enough for the trend column, each one a
# national refresh (~30 s for Ayacucho's 70,000 children on the 2-core demo machine).
MONTHS = 3

# Rough costs for the time-left estimates, measured on the 2-core demo machine (Ayacucho,
# 2026-12-03, shared with three other jobs): loading each kind of reference file, linking
# (a fixed ~28 s to read the registry and train the model, then per record) and refreshing.
LOAD_SECONDS = {"centros-poblados": 25.0, "district-attributes": 4.0, "boundaries": 2.0}
LINK_FIXED_SECONDS = 28.0
DEDUPE_SECONDS_PER_CHILD = 0.0012
LINK_SECONDS_PER_RECORD = 0.0016
REFRESH_SECONDS_PER_CHILD = 0.00043
STAGES = {
    "extract": gettext_lazy("reading the records"),
    "status": gettext_lazy("each child's status"),
    "aggregate": gettext_lazy("indicators by territory"),
    "store": gettext_lazy("saving"),
}


class Command(BaseCommand):
    help = _(  # not lazy: argparse formats the help as a str
        "Set up the database, load the territory data, generate a demo population, serve."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reference-dir",
            type=Path,
            default=os.environ.get("CRECER_REFERENCE_DIR") or None,
            help="folder of official territory files (default: $CRECER_REFERENCE_DIR, else "
            "the reference data shipped with Crecer)",
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
        self.say(_("Database ready: %(n)s districts.") % {"n": District.objects.count()})
        self.load_territory(reference_dir)
        scope = options["scope"]
        generated = self.populate(scope, options["seed"])
        self.refresh(renew=generated)
        self.print_users(scope)
        if options["no_serve"]:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        serve(host, port, 8, self.say)

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()  # the progress lines must show while the step works

    # --- territory -------------------------------------------------------------------------

    def load_territory(self, reference_dir: Path | None) -> None:
        """The official folder when given (its files not loaded before), else the bundled
        reference data, only for the kinds of file never loaded: an official file loaded
        earlier is not overwritten by the older bundled copy, and a second run loads nothing."""
        if reference_dir:
            if not reference_dir.is_dir():
                raise CommandError(_("%(path)s: not a folder") % {"path": reference_dir})
            files = [(k, p) for k, p in directory_files(reference_dir) if not loaded(k, p)]
            what = _("Loading the territory files of %(path)s") % {"path": reference_dir}
        else:
            files = directory_files(BUNDLED_DIR, kinds_not_loaded())
            what = _(
                "Loading the territory data shipped with Crecer (altitudes, populations, "
                "populated centers, hospitals, maps)"
            )
        if not files:
            self.say(_("Territory data already loaded: reused."))
            return
        estimate = sum(LOAD_SECONDS.get(kind, 1.0) for kind, _path in files)
        with Step(self.say, what, estimate):
            for kind, path in files:
                try:
                    self.show(LOADERS[kind](path))
                except FileProblem as problem:
                    raise CommandError(str(problem)) from None

    def show(self, report: LoadReport) -> None:
        self.say(
            _(
                "  %(file)s: %(rows)s rows, %(created)s new, %(updated)s updated, "
                "%(rejected)s rejected, %(warned)s with a warning"
            )
            % {
                "file": Path(report.file_name).name,
                "rows": report.rows_read,
                "created": report.created,
                "updated": report.updated,
                "rejected": len(report.errors),
                "warned": len(report.warnings),
            }
        )
        for error in report.errors[:5]:
            self.say(f"    {report.row_word} {error.line}: {error.reason}")
        if report.errors or report.warnings:
            self.say(_("    every rejected line and warning: admin › imports"))

    # --- population ------------------------------------------------------------------------

    def populate(self, scope: str, seed: int) -> bool:
        """Generate the synthetic population once and link it; True when generated now."""
        existing = database.existing_run(scope, seed, 1.0)
        if existing is not None:
            self.say(
                _("Synthetic population of %(scope)s (seed %(seed)s) present: %(n)s children.")
                % {"scope": scope, "seed": seed, "n": existing.created}
            )
            return False
        if database.children_in_scope(scope):
            self.say(
                _("Children already registered in %(scope)s: no synthetic population added.")
                % {"scope": scope}
            )
            return False
        self.say(_("Generating the synthetic population of %(scope)s…") % {"scope": scope})
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
                self.say,
            )  # fmt: skip
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.describe_population(result)
        self.link(scope, lists)
        self.women(scope, seed, lists / "manifest.json")
        self.households(scope, seed, lists / "manifest.json")
        self.community_and_budget(scope, seed)
        return True

    def community_and_budget(self, scope: str, seed: int) -> None:
        """Monitoring centers with meetings and home visits, Cuna Más centers with their
        attendance (crecer.community.demo), and the PAN budget's execution, goals and facility
        stock imported through their own imports (crecer.budget.demo), so those pages have
        data."""
        from crecer.budget import demo as budget_demo
        from crecer.community import demo as community_demo

        today, prefix = timezone.localdate(), "" if scope.upper() == "PE" else scope
        done = community_demo.seed(prefix, today, seed)
        self.say(
            _("%(c)s monitoring centers, %(v)s home visits, %(d)s Cuna Más centers.")
            % {"c": done.centers, "v": done.visits, "d": done.daycares}
        )
        runs = budget_demo.generate(prefix, today, seed)
        self.say(
            _("PAN budget: %(n)s execution lines imported.")
            % {"n": runs["execution"].created if "execution" in runs else 0}
        )

    def households(self, scope: str, seed: int, manifest: Path) -> None:
        """JUNTOS households, their older siblings' school terms, CSE and affiliation
        (crecer.demo.households), into the manifest under ``households``."""
        from crecer.demo import households

        result = households.populate(scope, timezone.localdate(), seed)
        if "skipped" in result:
            return
        if manifest.exists():
            written = json.loads(manifest.read_text(encoding="utf-8"))
            written["households"] = result
            manifest.write_text(json.dumps(written, indent=1, ensure_ascii=False), "utf-8")
        self.say(
            _("%(h)s JUNTOS households (%(a)s affiliated), %(t)s school terms.")
            % {"h": result["households"], "a": result["affiliated"], "t": result["school_terms"]}
        )

    def women(self, scope: str, seed: int, manifest: Path) -> None:
        """The mothers as women, the pregnancies behind the year's births, women pregnant now
        (crecer.demo.women); what was aimed at, from which source, and what was achieved goes
        into the generation's manifest under ``women``."""
        from crecer.demo import women

        result = women.populate(scope, timezone.localdate(), seed)
        if "skipped" in result:
            return
        if manifest.exists():
            written = json.loads(manifest.read_text(encoding="utf-8"))
            written["women"] = result
            manifest.write_text(json.dumps(written, indent=1, ensure_ascii=False), "utf-8")
        self.say(
            _(
                "%(women)s women from the padrón, %(deliveries)s deliveries in the year, "
                "%(ongoing)s pregnant now."
            )
            % {
                "women": result["women_from_padron"],
                "deliveries": result["deliveries"],
                "ongoing": result["ongoing"],
            }
        )

    def describe_population(self, result: dict) -> None:
        achieved = result["achieved"]
        unknown = _("unknown")
        self.say(
            _("%(n)s children; stunting %(stunting)s %%, anemia 6-35 months %(anemia)s %%.")
            % {
                "n": result["counts"].get("children", 0),
                "stunting": achieved["stunting_under_5"] or unknown,
                "anemia": achieved["anemia_6_35_endes_rule"] or unknown,
            }
        )
        missing = result["defaults_used"]
        if missing:
            self.say(
                _("Missing for some districts (documented defaults used): %(names)s.")
                % {"names": ", ".join(missing)}
            )
        if "altitude_m" in missing:
            self.say(_("Without altitude, Hb tests there cannot be adjusted."))

    def link(self, scope: str, lists: Path) -> None:
        """Deduplicate the registry and link the outside lists, as an officer would."""
        from crecer.linkage import runs
        from crecer.linkage.sources import SOURCES

        area = "" if scope.upper() == "PE" else scope
        children = database.children_in_scope(scope)
        what = _("Looking for children registered twice among %(n)s") % {"n": f"{children:,}"}
        estimate = LINK_FIXED_SECONDS + DEDUPE_SECONDS_PER_CHILD * children
        with Step(self.say, what, estimate):
            run = runs.dedupe(area)
        self.describe_link(run)
        for source in SOURCES:
            path = lists / f"{source}.csv"
            if not path.exists():
                continue
            records = lines_in(path)
            what = _("Linking the list %(file)s (%(n)s records) to the registry") % {
                "file": path.name,
                "n": f"{records:,}",
            }
            with Step(self.say, what, LINK_FIXED_SECONDS + LINK_SECONDS_PER_RECORD * records):
                run = runs.link_file(path, source)
            self.describe_link(run)

    def describe_link(self, run) -> None:
        self.say(
            _(
                "  %(what)s: %(records)s records, %(exact)s linked by identifier, %(auto)s by "
                "the model, %(review)s to review, %(unlinked)s not linked."
            )
            % {
                "what": run.get_kind_display(),
                "records": run.records,
                "exact": run.exact,
                "auto": run.auto,
                "review": run.review,
                "unlinked": run.unlinked,
            }
        )

    # --- indicators ------------------------------------------------------------------------

    def refresh(self, renew: bool) -> None:
        """Indicators of the whole country (what the open-data and national pages read, and
        every territory page too) for today and the month ends before it (the trend column).
        Only the demo's population is in the database, so the country costs what its scope
        would. Reused when present and the population did not change."""
        from crecer.analytics.management.commands.refresh import month_ends
        from crecer.analytics.models import Refresh
        from crecer.analytics.refresh import refresh
        from crecer.registry.models import Child

        latest = Refresh.objects.filter(scope="").order_by("-as_of").first()
        if latest is not None and not renew:
            self.say(
                _("Indicators as of %(day)s present: reused (crecer refresh recomputes them).")
                % {"day": latest.as_of}
            )
            return
        days = list(reversed(month_ends(timezone.localdate(), MONTHS)))
        per_child = REFRESH_SECONDS_PER_CHILD
        children = Child.objects.count()
        profile = current_profile()
        for number, day in enumerate(days, start=1):
            what = _(
                "Computing the indicators of every territory as of %(day)s (%(number)s of %(n)s)"
            ) % {"day": day, "number": number, "n": len(days)}
            with Step(self.say, what, per_child * children) as step:
                run = refresh(day, "", profile, self.stage)
            per_child = step.seconds / max(children, 1)
            self.say(
                _("  %(n)s children, %(values)s indicator values.")
                % {"n": f"{run.children:,}", "values": f"{run.values.count():,}"}
            )

    def stage(self, stage: str, seconds: float) -> None:
        self.say(
            _("  %(stage)s: %(time)s")
            % {"stage": STAGES.get(stage, stage), "time": duration(seconds)}
        )

    # --- users -----------------------------------------------------------------------------

    def print_users(self, scope: str) -> None:
        """Create one demo user per role (once) and print how to log in as each."""
        self.say(
            _("Demo users (local demo only; passwords kept in %(path)s):")
            % {"path": settings.DATA_DIR / users.CREDENTIALS_FILE}
        )
        for user, password in users.ensure_users(scope, settings.DATA_DIR):
            self.say(f"  {user.username:<14} {password:<14} {user.role:<17} {user.scope}")


def loaded(kind: str, path: Path) -> bool:
    """This very file (same kind, same SHA-256) was loaded before."""
    return ImportRun.objects.filter(kind=kind, sha256=file_sha256(path)).exists()


def lines_in(path: Path) -> int:
    """Data rows of a CSV file (its lines but the header), for an estimate."""
    with path.open("rb") as handle:
        return max(sum(1 for _line in handle) - 1, 0)
