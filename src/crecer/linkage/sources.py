"""The outside lists Crecer links to the registry, each in its source's own shape.

The exact layouts of MINSA's CNV list, SIS's affiliate list, JUNTOS's household register and
Cuna Más's user list are **not confirmed** in our sources (../shared/domain): the headers below
are the ones these institutions' published extracts commonly use, and are data here — a file
with other headers is mapped by adding them to a source's ``columns``.

Every source is read into the same *linkage record* (see :data:`RECORD_COLUMNS`):

==========================  ================================================================
``key``                     the record's own key in its source (CNV number, affiliation
                            code, member code, user code; the padrón code for the registry)
``dni``, ``cui``, ``cnv``   the child's identifiers (null when absent)
``paternal_surname``,       the child's names, as written (folded when compared)
``maternal_surname``,
``given_names``
``birth_date``, ``sex``     ``sex`` as the registry codes it: ``1`` male, ``2`` female
``mother_document``         the mother's (or the titular's/caregiver's) document number
``mother_paternal_surname``, ``mother_maternal_surname``, ``mother_given_names``
``ubigeo``                  district of residence (6 digits)
``populated_center``        populated center name as written (may be null)
==========================  ================================================================

Plus what the source tells about the child (``facts``): SIS affiliation date, program and
start date, birth weight and gestational age.
"""

from __future__ import annotations

from dataclasses import dataclass, field

RECORD_COLUMNS = [
    "key",
    "dni",
    "cui",
    "cnv",
    "paternal_surname",
    "maternal_surname",
    "given_names",
    "birth_date",
    "sex",
    "mother_document",
    "mother_paternal_surname",
    "mother_maternal_surname",
    "mother_given_names",
    "ubigeo",
    "populated_center",
]


@dataclass(frozen=True)
class Source:
    """One outside list: its file headers mapped to linkage-record columns."""

    id: str
    name: str  # as people call it (Spanish; the institution's own name)
    key: str  # header of the record's own key
    columns: dict[str, str]  # file header -> record column (or a fact name)
    # A child document given as type + number (SIS, Cuna Más): headers of both.
    document: tuple[str, str] | None = None
    facts: list[str] = field(default_factory=list)  # record columns that flow into the child


CNV = Source(
    id="cnv",
    name="CNV en línea (MINSA)",
    key="NU_CNV",
    columns={
        "NU_CNV": "cnv",
        "FE_NACIMIENTO": "birth_date",
        "SEXO": "sex",
        "PESO_NACER_G": "birth_weight_g",
        "SEMANAS_GESTACION": "gestational_age_weeks",
        "NU_DOC_MADRE": "mother_document",
        "AP_PATERNO_MADRE": "mother_paternal_surname",
        "AP_MATERNO_MADRE": "mother_maternal_surname",
        "NOMBRES_MADRE": "mother_given_names",
        "UBIGEO_RESIDENCIA": "ubigeo",
        "ESTABLECIMIENTO": "birth_facility",
    },
    facts=["cnv", "birth_weight_g", "gestational_age_weeks", "birth_facility"],
)

SIS = Source(
    id="sis",
    name="Afiliados SIS",
    key="CO_AFILIACION",
    columns={
        "CO_AFILIACION": "key",
        "AP_PATERNO": "paternal_surname",
        "AP_MATERNO": "maternal_surname",
        "NOMBRES": "given_names",
        "FE_NACIMIENTO": "birth_date",
        "SEXO": "sex",
        "UBIGEO": "ubigeo",
        "NU_DOC_TITULAR": "mother_document",
        "FE_AFILIACION": "sis_affiliation_date",
    },
    document=("TIPO_DOC", "NU_DOC"),
    facts=["sis_affiliation_date"],
)

JUNTOS = Source(
    id="juntos",
    name="JUNTOS — hogares y miembros",
    key="CO_MIEMBRO",
    columns={
        "CO_MIEMBRO": "key",
        "CO_HOGAR": "household",
        "UBIGEO": "ubigeo",
        "CENTRO_POBLADO": "populated_center",
        "DNI_TITULAR": "mother_document",
        "AP_PATERNO_TITULAR": "mother_paternal_surname",
        "AP_MATERNO_TITULAR": "mother_maternal_surname",
        "NOMBRES_TITULAR": "mother_given_names",
        "DNI_MIEMBRO": "dni",
        "AP_PATERNO": "paternal_surname",
        "AP_MATERNO": "maternal_surname",
        "NOMBRES": "given_names",
        "FE_NACIMIENTO": "birth_date",
        "SEXO": "sex",
        "FE_AFILIACION": "program_start",
    },
    facts=["program_start"],
)

CUNA_MAS = Source(
    id="cuna_mas",
    name="Cuna Más — usuarios",
    key="CO_USUARIO",
    columns={
        "CO_USUARIO": "key",
        "SERVICIO": "service",  # SCD (day care) or SAF (family support)
        "UBIGEO": "ubigeo",
        "CENTRO_POBLADO": "populated_center",
        "AP_PATERNO": "paternal_surname",
        "AP_MATERNO": "maternal_surname",
        "NOMBRES": "given_names",
        "FE_NACIMIENTO": "birth_date",
        "SEXO": "sex",
        "NU_DOC_MADRE": "mother_document",
        "FE_INGRESO": "program_start",
    },
    document=("TIPO_DOC", "NU_DOC"),
    facts=["service", "program_start"],
)

SOURCES: dict[str, Source] = {s.id: s for s in (CNV, SIS, JUNTOS, CUNA_MAS)}

# How sources write sex, folded, to the registry's code.
SEX_CODES = {
    "1": "1", "M": "1", "H": "1", "MASCULINO": "1", "HOMBRE": "1", "VARON": "1",
    "2": "2", "F": "2", "FEMENINO": "2", "MUJER": "2",
}  # fmt: skip
