"""The site's menus: which pages a user is offered a link to.

A link is shown when :func:`crecer.access.policy.may_open` says the user may open its page,
which asks the page's own view (its :func:`~crecer.access.policy.page` gate): the menus keep no
list of rights of their own, so a link never leads to a 403 or a 404.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.policy import Can


@dataclass(frozen=True)
class Entry:
    """One link: the URL name of its page and its text. ``undeclared`` is the right asked of
    a page whose view declares no gate yet (the duplicates queue, whose app is not the web
    shell's); a declared gate always wins."""

    url_name: str
    label: Promise
    public: bool = False  # shown to everyone, logged in or not
    undeclared: Can | None = None


@dataclass(frozen=True)
class Link:
    url: str
    label: str
    url_name: str


MAIN = (
    Entry("web:home", _("Territory"), public=True),
    Entry("analytics:open_data", _("Open data"), public=True),
    Entry("registry:search", _("Registry")),
    Entry("analytics:worklist", _("Work lists")),
    Entry("registry:import", _("Import")),
    Entry("linkage:queue", _("Duplicates"), undeclared=Can.EDIT_REGISTRY),
    Entry("health:import", _("Import services")),
    Entry("maternal:pregnancies", _("Pregnancies")),
    Entry("maternal:indicators", _("Maternal indicators")),
    Entry("juntos:cycles", _("JUNTOS")),
    Entry("community:centers", _("Community")),
    Entry("budget:anemia", _("Anemia and budget")),
    Entry("surveys:list", _("Surveys")),
    Entry("registry:quality", _("Quality")),
    Entry("access:log", _("Access log")),
)
REGISTRY = (
    Entry("registry:add", _("Register a child")),
    Entry("registry:import", _("Import the padrón")),
    Entry("registry:export", _("Export the registry")),
    Entry("registry:circuit", _("Birth circuit")),
    Entry("registry:quality", _("Registry quality")),
)


def _shown(user: Any, entry: Entry) -> bool:
    if entry.public:
        return True
    if not policy.declares_gate(entry.url_name) and entry.undeclared is not None:
        return policy.can(user, entry.undeclared)
    return policy.may_open(user, entry.url_name)


def links(user: Any, entries: tuple[Entry, ...]) -> list[Link]:
    """The entries ``user`` may open, as links."""
    return [
        Link(reverse(entry.url_name), str(entry.label), entry.url_name)
        for entry in entries
        if _shown(user, entry)
    ]
