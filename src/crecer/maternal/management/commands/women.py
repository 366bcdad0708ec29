"""``crecer women from-registry [--scope UBIGEO]``: register the padrón's mothers as women —
by their document, and those without one by their name (:mod:`crecer.maternal.mothers`) —
so their pages show their children and their pregnancies can be recorded."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from crecer.maternal.mothers import link_mothers_without_document
from crecer.maternal.services import women_from_registry


class Command(BaseCommand):
    help = "Register the padrón's mothers as women (by document, else by name)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        action = actions.add_parser("from-registry", help="mothers named by the padrón")
        action.add_argument("--scope", default="", help="ubigeo prefix (default: the country)")

    def handle(self, *args, action: str, scope: str, **options) -> None:
        by_document = women_from_registry(scope)
        self.stdout.write(
            _("%(n)s women registered from the padrón by their document.")
            % {"n": by_document.created}
        )
        if by_document.documented:
            self.stdout.write(
                _("%(n)s women registered without a document were given theirs.")
                % {"n": by_document.documented}
            )
        links = link_mothers_without_document(scope)
        self.stdout.write(
            _(
                "Children without a mother's document: %(known)s linked to a woman of that "
                "name, %(created)s to %(women)s women registered from their mother's name; "
                "left unlinked: %(ambiguous)s (two women of that name in the district), "
                "%(close)s (births too close for one mother), %(unnamed)s (no surname or no "
                "given names)."
            )
            % {
                "known": links.linked_to_known,
                "created": links.linked_to_created,
                "women": links.women_created,
                "ambiguous": links.ambiguous,
                "close": links.too_close,
                "unnamed": links.unnamed,
            }
        )
