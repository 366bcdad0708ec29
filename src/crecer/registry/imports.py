"""The padrón as an import kind (:mod:`crecer.ingest.kinds`): who may import it, in which
scope, and how its pages read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.ingest.kinds import ImportKind
from crecer.ingest.models import ImportRun
from crecer.registry.columns import PADRON_COLUMNS
from crecer.registry.importer import import_padron


def _import(path: Path, user: Any = None, progress: Any = None) -> ImportRun:
    # From the command line (no user) every district; from a page, the user's own.
    allowed = policy.allowed_ubigeos(user) if user is not None else None
    return import_padron(path, user=user, progress=progress, allowed=allowed)


PADRON = ImportKind(
    name="padron",
    label=_("Padrón Nominal"),
    title=_("Import the padrón"),
    lead=_(
        "Upload the district's Padrón Nominal export as it comes. Every row is stored or kept "
        "in quarantine with its reasons."
    ),
    file_label=_("Padrón file (CSV or XLSX)"),
    file_help=_("As exported: UTF-8 or Latin-1, separated by commas or semicolons."),
    command_help="the nominal registry export of a district",
    namespace="registry",
    columns=PADRON_COLUMNS,
    run=_import,
    may_import=lambda user: policy.can(user, Can.IMPORT),
    reads_all=lambda user: policy.access_of(user).scope.national,
    sees_full_reasons=lambda user: policy.access_of(user).role == Role.ADMINISTRATOR,
)
