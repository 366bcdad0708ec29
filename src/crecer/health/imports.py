"""Service events as an import kind (:mod:`crecer.ingest.kinds`): who may import them, for
which children, and how their pages read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.health.columns import EVENT_COLUMNS
from crecer.health.importer import import_events
from crecer.ingest.kinds import ImportKind
from crecer.ingest.models import ImportRun
from crecer.registry.models import Child


def _import(path: Path, user: Any = None, progress: Any = None) -> ImportRun:
    # From the command line (no user) every child; from a page, those the user records for.
    scope = Child.objects.visible_to(user, Can.RECORD_SERVICES) if user is not None else None
    return import_events(path, user=user, progress=progress, scope=scope)


EVENTS = ImportKind(
    name="events",
    label=_("health services"),
    title=_("Import health services"),
    lead=_(
        "Upload HIS-MINSA rows or Crecer's event CSV. Every row is stored or kept in "
        "quarantine with its reasons; importing the same file again changes nothing."
    ),
    file_label=_("Service file (CSV or XLSX)"),
    file_help=_(
        "HIS-MINSA rows (Fecha_Atencion, Tipo_Doc_Paciente, Numero_Documento_Paciente, "
        "Codigo_Item, Valor_Lab, Codigo_Unico, Peso, Talla, Hemoglobina…) or Crecer's "
        "columns (dni, date, code, lab, facility, weight_kg, length_cm, hb…)."
    ),
    command_help="service events: HIS-MINSA rows or Crecer's CSV (growth, Hb, codes)",
    namespace="health",
    columns=EVENT_COLUMNS,
    run=_import,
    may_import=lambda user: policy.can(user, Can.RECORD_SERVICES),
    reads_all=lambda user: policy.access_of(user).scope.national,
    sees_full_reasons=lambda user: policy.access_of(user).role == Role.ADMINISTRATOR,
    updates_records=False,
    report_prefix="events",
)
