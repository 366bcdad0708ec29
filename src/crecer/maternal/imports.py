"""The births file as an import kind (:mod:`crecer.ingest.kinds`): the same upload page,
report, quarantine CSV and ``crecer import births FILE`` as every import."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.utils.translation import gettext_lazy as _

from crecer.access import policy
from crecer.access.models import Role
from crecer.access.policy import Can
from crecer.ingest.kinds import ImportKind
from crecer.ingest.models import ImportRun
from crecer.maternal.births import import_births
from crecer.maternal.columns import BIRTH_COLUMNS
from crecer.maternal.events import MATERNAL_EVENT_COLUMNS, import_maternal_events
from crecer.maternal.models import Woman


def _import(path: Path, user: Any = None, progress: Any = None) -> ImportRun:
    allowed = policy.allowed_ubigeos(user) if user is not None else None
    return import_births(path, user=user, progress=progress, allowed=allowed)


BIRTHS = ImportKind(
    name="births",
    label=_("births (CNV)"),
    title=_("Import births"),
    lead=_(
        "Upload the live-birth certificates (CNV) of a period. Each birth closes its mother's "
        "pregnancy and creates or links the newborn's registry record; importing the same "
        "file again changes nothing."
    ),
    file_label=_("Births file (CSV or XLSX)"),
    file_help=_(
        "CNV extract columns (NU_CNV, NU_DOC_MADRE, FE_NACIDO, SEXO_NACIDO, PESO_NACIDO, "
        "SEMANA_GESTACION, CO_UBIGEO…) or Crecer's (cnv, mother_document_number, birth_date…)."
    ),
    command_help="live births (CNV): close pregnancies, create or link newborns",
    namespace="maternal",
    columns=BIRTH_COLUMNS,
    run=_import,
    may_import=lambda user: policy.can(user, Can.IMPORT),
    reads_all=lambda user: policy.access_of(user).scope.national,
    sees_full_reasons=lambda user: policy.access_of(user).role == Role.ADMINISTRATOR,
    updates_records=False,
    report_prefix="births",
)


def _import_events(path: Path, user: Any = None, progress: Any = None) -> ImportRun:
    scope = Woman.objects.visible_to(user, Can.RECORD_SERVICES) if user is not None else None
    return import_maternal_events(path, user=user, progress=progress, scope=scope)


MATERNAL_EVENTS = ImportKind(
    name="maternal-events",
    label=_("pregnancy services"),
    title=_("Import pregnancy services"),
    lead=_(
        "Upload HIS-MINSA rows of pregnant women: prenatal checks, Hb tests, iron and folic "
        "acid, dT doses, postnatal checks. Each row is matched to the woman by her document "
        "and to her pregnancy by its date; importing the same file again changes nothing."
    ),
    file_label=_("Service file (CSV or XLSX)"),
    file_help=_(
        "HIS-MINSA rows (Fecha_Atencion, Tipo_Doc_Paciente, Numero_Documento_Paciente, "
        "Codigo_Item, Valor_Lab, Codigo_Unico, Hemoglobina, Fecha_Ultima_Regla…)."
    ),
    command_help="services of pregnant women: HIS-MINSA rows (prenatal, Hb, iron, dT…)",
    namespace="maternal_events",
    columns=MATERNAL_EVENT_COLUMNS,
    run=_import_events,
    may_import=lambda user: policy.can(user, Can.RECORD_SERVICES),
    reads_all=lambda user: policy.access_of(user).scope.national,
    sees_full_reasons=lambda user: policy.access_of(user).role == Role.ADMINISTRATOR,
    updates_records=False,
    report_prefix="pregnancy-services",
)
