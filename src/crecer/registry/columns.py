"""The columns of a padrón file: Crecer's own names and the Spanish headers of the RENIEC export.

Headers are compared folded (no accents, case, punctuation or extra spaces), so
"¿Menor encontrado?" and "MENOR ENCONTRADO" are the same column.
"""

from __future__ import annotations

from crecer.ingest.columns import Columns

# Crecer's column name -> other headers seen in exports (written as printed; folded on use).
ALIASES: dict[str, list[str]] = {
    "padron_code": ["Código del padrón nominal", "Cod. Pad", "COD_PAD", "Codigo padron"],
    "cnv": ["Número de CNV", "Nro CNV", "NU_CNV", "CNV"],
    "cui": ["CUI"],
    "dni": ["DNI", "Número de DNI", "NU_DNI_MENOR", "DNI del niño"],
    "paternal_surname": ["Apellido paterno", "Apellido paterno del niño", "Ape. paterno"],
    "maternal_surname": ["Apellido materno", "Apellido materno del niño", "Ape. materno"],
    "given_names": ["Nombres", "Nombres del niño", "Nombre"],
    "dni_status": ["Estado de trámite de DNI", "Estado trámite DNI"],
    "dni_status_date": ["Fecha de trámite", "Fecha trámite DNI"],
    "dni_issue_date": ["Fecha de emisión de DNI", "Fecha emisión DNI"],
    "sex": ["Código de sexo", "Sexo", "DE_GENERO_MENOR", "Género"],
    "birth_date": ["Fecha de nacimiento", "FE_NAC_MENOR", "Fec. nacimiento"],
    "birth_weight_g": ["Peso al nacer", "Peso al nacer (g)"],
    "gestational_age_weeks": ["Edad gestacional", "Semanas de gestación"],
    "ubigeo": ["Ubigeo", "CO_UBIGEO_INEI", "Ubigeo de residencia", "Código de ubigeo"],
    "populated_center_code": ["Código de centro poblado", "Cod. centro poblado", "CCPP"],
    "populated_center_name": ["Nombre de centro poblado", "Centro poblado"],
    "area": ["Área del centro poblado", "Área"],
    "street_axis": ["Eje vial"],
    "address": ["Descripción", "Dirección", "Descripción de dirección"],
    "address_reference": ["Referencia de dirección", "Referencia"],
    "visited": ["Menor visitado", "Visitado"],
    "found": ["¿Menor encontrado?", "Menor encontrado", "Encontrado"],
    "visit_date": ["Fecha de visita"],
    "data_source": ["Fuente de datos", "Fuente"],
    "data_source_date": ["Fecha de fuente", "Fecha de fuente de datos"],
    "birth_facility": ["Nombre del EESS de nacimiento", "EESS de nacimiento"],
    "care_facility": ["Nombre del EESS", "Nombre del EESS de atención", "EESS de atención"],
    "care_frequency": ["Frecuencia de atención"],
    "assigned_facility": ["Nombre del EESS de adscripción", "EESS de adscripción"],
    "mother_document_type": ["Tipo de documento de la madre", "Tipo doc. madre"],
    "mother_document_number": [
        "Número de documento de la madre",
        "DNI de la madre",
        "Nro doc. madre",
    ],
    "mother_paternal_surname": ["Apellido paterno de la madre"],
    "mother_maternal_surname": ["Apellido materno de la madre"],
    "mother_given_names": ["Nombres de la madre"],
    "mother_phone": ["Número de celular de la madre", "Celular de la madre", "Celular"],
    "mother_email": ["Correo electrónico de la madre", "Correo electrónico", "Email"],
    "mother_education": ["Grado de instrucción de la madre", "Grado de instrucción"],
    "mother_language": ["Lengua habitual de la madre", "Lengua habitual"],
    "head_document_type": ["Tipo de documento del jefe de familia"],
    "head_document_number": ["Número de documento del jefe de familia"],
    "head_names": ["Apellidos y nombres del jefe de familia", "Jefe de familia"],
    "record_status": ["Estado registro", "Estado de registro"],
    "insurance": ["Tipo de seguro del beneficiario", "Tipo de seguro", "TI_SEGURO_MENOR"],
    "sis_affiliation_date": ["Fecha de afiliación al SIS", "Fecha afiliación SIS"],
    "programs": ["Programas sociales del niño", "Programas sociales"],
    "sisfoh": ["Clasificación socioeconómica", "Clasificación SISFOH", "CSE"],
}

# The official column order of an export (our names), used by exports of a territory.
EXPORT_ORDER: list[str] = list(ALIASES)

IDENTIFIERS = ["dni", "cui", "cnv", "padron_code"]

PADRON_COLUMNS = Columns(
    ALIASES,
    expected="the padrón export's headers (e.g. DNI, Fecha de nacimiento, Ubigeo) or "
    "Crecer's column names",
)
