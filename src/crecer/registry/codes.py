"""Codes as the Padrón Nominal export prints them (../shared/domain/padron_nominal.md), with
labels in Spanish and English."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    MALE = "1", _("male")
    FEMALE = "2", _("female")


class RecordStatus(models.TextChoices):
    INACTIVE = "0", _("inactive")
    ACTIVE = "1", _("active")
    OBSERVED = "2", _("active, observed")


class Insurance(models.TextChoices):
    NONE = "0", _("none")
    SIS = "1", _("SIS")
    ESSALUD = "2", _("EsSalud")
    ARMED_FORCES_POLICE = "3", _("Armed forces / police health")
    PRIVATE = "4", _("private")


class Program(models.TextChoices):
    """Social programs of the child. Codes 3 and 6 were not seen in the export."""

    PIN = "1", _("PIN")
    VASO_DE_LECHE = "2", _("Vaso de Leche")
    JUNTOS = "4", _("JUNTOS")
    QALI_WARMA = "5", _("Qali Warma")
    CUNA_MAS_SCD = "7", _("Cuna Más day care (SCD)")
    CUNA_MAS_SAF = "8", _("Cuna Más family support (SAF)")


class DocumentType(models.TextChoices):
    DNI = "DNI", _("DNI")
    CE = "CE", _("foreign resident card")
    PASSPORT = "PAS", _("passport")
    OTHER = "OTRO", _("other")


class Sisfoh(models.TextChoices):
    EXTREME_POOR = "PE", _("extreme poor")
    POOR = "P", _("poor")
    NOT_POOR = "NP", _("not poor")
