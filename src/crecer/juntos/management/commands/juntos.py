"""``crecer juntos …``: build households from the registry, and run a cycle's steps from the
command line (the pages do the same for managers).

    crecer juntos households [--scope UBIGEO]
    crecer juntos open --territory 05 --start 2026-09-01 --end 2026-10-31 [--cutoff 2026-11-10]
    crecer juntos verify CYCLE
    crecer juntos approve CYCLE --user NAME   (another person than who prepared it)
    crecer juntos payroll CYCLE --user NAME --out FILE.csv
    crecer juntos reconcile CYCLE FILE --user NAME   (the bank's paid-back file)
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from crecer.ingest.columns import UnreadableFile
from crecer.juntos import cycles, payments, reconciliation
from crecer.juntos.households import households_from_registry
from crecer.juntos.models import Cycle
from crecer.profile import current_profile


class Command(BaseCommand):
    help = "JUNTOS: households from the registry, and the steps of a bimonthly cycle."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        built = actions.add_parser("households", help="one household per mother with children")
        built.add_argument("--scope", default="", help="ubigeo prefix (default: the country)")
        opened = actions.add_parser("open", help="freeze a cycle's snapshot")
        opened.add_argument("--territory", default="", help="ubigeo prefix (default: the country)")
        opened.add_argument("--start", type=date.fromisoformat, required=True)
        opened.add_argument("--end", type=date.fromisoformat, required=True)
        opened.add_argument("--cutoff", type=date.fromisoformat, default=None)
        opened.add_argument("--user", default=None)
        for name in ("verify", "approve", "payroll", "reconcile"):
            step = actions.add_parser(name)
            step.add_argument("cycle", type=int)
            step.add_argument("--user", default=None)
            if name == "payroll":
                step.add_argument("--out", type=Path, required=True)
            if name == "reconcile":
                step.add_argument("file", type=Path, help="the bank's paid-back file (CSV/XLSX)")

    def _user(self, name: str | None):
        if name is None:
            return None
        found = get_user_model().objects.filter(username=name).first()
        if found is None:
            raise CommandError(_("No user %(name)s.") % {"name": name})
        return found

    def handle(self, *args, action: str, **options) -> None:
        profile = current_profile()
        try:
            if action == "households":
                built = households_from_registry(options["scope"])
                self.stdout.write(
                    _("%(h)s households built from the registry, %(m)s members.")
                    % {"h": built.households, "m": built.members}
                )
                return
            if action == "open":
                cycle = cycles.open_cycle(
                    options["territory"], options["start"], options["end"],
                    options["cutoff"] or options["end"], self._user(options["user"]), profile,
                )  # fmt: skip
                self.stdout.write(
                    _("Cycle %(pk)s prepared: %(n)s members frozen (snapshot %(hash)s).")
                    % {"pk": cycle.pk, "n": cycle.members.count(), "hash": cycle.snapshot_hash[:16]}
                )
                return
            cycle = Cycle.objects.filter(pk=options["cycle"]).first()
            if cycle is None:
                raise CommandError(_("No cycle %(pk)s.") % {"pk": options["cycle"]})
            user = self._user(options["user"])
            if action == "verify":
                cycles.verify_cycle(cycle, user, profile)
                paid = cycle.entitlements.filter(total__gt=0).count()
                self.stdout.write(
                    _("Cycle %(pk)s verified: %(paid)s of %(n)s households paid.")
                    % {"pk": cycle.pk, "paid": paid, "n": cycle.entitlements.count()}
                )
            elif action == "approve":
                cycles.approve_cycle(cycle, user, profile)
                self.stdout.write(_("Cycle %(pk)s approved.") % {"pk": cycle.pk})
            elif action == "reconcile":
                self._reconcile(cycle, options["file"], user)
            else:
                options["out"].write_bytes(payments.send_cycle(cycle, user))
                self.stdout.write(
                    _("Payroll written to %(path)s (SHA-256 %(hash)s).")
                    % {"path": options["out"], "hash": cycle.payroll_hash}
                )
        except (cycles.CycleError, UnreadableFile) as error:
            raise CommandError(str(error)) from error

    def _reconcile(self, cycle: Cycle, path: Path, user) -> None:
        report = reconciliation.reconcile_file(cycle, path, user)
        self.stdout.write(
            _(
                "%(c)s households collected, %(n)s did not; %(m)s paid households are not in "
                "the file (their collection stays unknown)."
            )
            % {"c": report.collected, "n": report.not_collected, "m": report.not_mentioned}
        )
        for line, why in report.refusal_texts():
            self.stdout.write(_("line %(line)s: %(why)s") % {"line": line, "why": why})
        for line, code in report.not_in_payroll:
            self.stdout.write(
                _("line %(line)s: household %(code)s is not in this cycle's payroll")
                % {"line": line, "code": code}
            )
        if report.unread_columns:
            self.stdout.write(_("Columns not read") + ": " + ", ".join(report.unread_columns))
