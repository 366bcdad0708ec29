"""``crecer women from-registry [--scope UBIGEO]``: register the padrón's mothers with a
document as women, so their pages show their children and their pregnancies can be recorded."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from crecer.maternal.services import women_from_registry


class Command(BaseCommand):
    help = "Register the padrón's mothers (by their document) as women."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        action = actions.add_parser("from-registry", help="mothers named by the padrón")
        action.add_argument("--scope", default="", help="ubigeo prefix (default: the country)")

    def handle(self, *args, action: str, scope: str, **options) -> None:
        created = women_from_registry(scope)
        self.stdout.write(_("%(n)s women registered from the padrón.") % {"n": created})
