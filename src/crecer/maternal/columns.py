"""The columns of a births file shaped like the CNV (Certificado de Nacido Vivo) online
system's extract: Crecer's names and the headers such extracts use. Headers are compared
folded, as for every import (:mod:`crecer.ingest.columns`)."""

from __future__ import annotations

from crecer.ingest.columns import Columns

BIRTH_ALIASES: dict[str, list[str]] = {
    "cnv": ["CNV", "NU_CNV", "Nro CNV", "Numero CNV", "Número del certificado"],
    "mother_document_type": ["Tipo documento madre", "TIPO_DOC_MADRE", "Tip Doc Madre"],
    "mother_document_number": ["Documento madre", "NU_DOC_MADRE", "DNI madre", "Nro doc madre"],
    "mother_paternal_surname": ["Apellido paterno madre", "AP_PATERNO_MADRE"],
    "mother_maternal_surname": ["Apellido materno madre", "AP_MATERNO_MADRE"],
    "mother_given_names": ["Nombres madre", "NOMBRES_MADRE"],
    "birth_date": ["Fecha de nacimiento", "FE_NACIDO", "Fecha nacimiento", "FECHA_NACIMIENTO"],
    "sex": ["Sexo", "SEXO_NACIDO", "Sexo del nacido"],
    "birth_weight_g": ["Peso", "PESO_NACIDO", "Peso al nacer (g)", "Peso (g)"],
    "gestational_weeks": ["Semanas de gestación", "SEMANA_GESTACION", "Edad gestacional"],
    "ubigeo": ["Ubigeo residencia madre", "CO_UBIGEO", "Ubigeo", "UBIGEO_RESIDENCIA"],
    "facility": ["Renipress", "Establecimiento", "CO_RENAES", "Codigo_Unico"],
    "delivery_place": ["Lugar de parto", "LUGAR_PARTO", "Lugar de nacimiento"],
    "attended_by": ["Atendido por", "ATENDIDO_POR", "Profesional que atendió"],
}

BIRTH_COLUMNS = Columns(
    BIRTH_ALIASES,
    expected="the CNV extract's headers (NU_CNV, NU_DOC_MADRE, FE_NACIDO, PESO_NACIDO…) or "
    "Crecer's (cnv, mother_document_number, birth_date, birth_weight_g…)",
    required={
        "cnv": "CNV number",
        "mother_document_number": "mother's document",
        "birth_date": "birth date",
    },
)
