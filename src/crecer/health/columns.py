"""The columns of a service-event file: Crecer's own names and the headers of a HIS-MINSA
extract ("trama", open data). Headers are compared folded (no accents, case, punctuation), like
the padrón's (:mod:`crecer.registry.columns`)."""

from __future__ import annotations

from crecer.ingest.columns import Columns

# Crecer's column name -> other headers seen in HIS-MINSA extracts and in the demo's files.
ALIASES: dict[str, list[str]] = {
    "dni": ["DNI", "Numero_Documento_Menor", "NU_DNI_MENOR"],
    "cui": ["CUI"],
    "cnv": ["CNV", "Nro CNV", "NU_CNV"],
    "padron_code": ["Código del padrón nominal", "Cod. Pad", "COD_PAD"],
    # HIS: the patient's document and its type (DNI, CNV…), resolved to one of the above.
    "document_type": [
        "Tipo_Doc_Paciente",
        "Abrev_Tipo_Doc_Paciente",
        "Id_Tipo_Documento_Paciente",
        "Id_Tipo_Doc",
        "Tipo documento",
    ],
    "document_number": ["Numero_Documento_Paciente", "Nro documento", "Documento"],
    "date": ["Fecha_Atencion", "Fecha", "Fecha de atención", "attention_date"],
    "code": ["Codigo_Item", "Código", "Codigo", "Cod_Item", "his_code"],
    "lab": ["Valor_Lab", "LAB", "Valor Lab"],
    # The RENIPRESS (RENAES) code. HIS's own Id_Establecimiento is not one: it is an internal
    # number that HIS's facility master (MAESTRO_HIS_ESTABLECIMIENTO.Codigo_Unico) translates,
    # so it is left unread (it stays in a quarantined row's raw values).
    "facility": ["Renipress", "Codigo_Unico", "RENAES", "Cod_Estab", "renipress_code"],
    "weight_kg": ["Peso", "Peso (kg)", "weight"],
    "length_cm": ["Talla", "Talla (cm)", "length", "height_cm"],
    "measure": ["Posicion", "Posición", "Medida", "Tipo de medida"],
    "head_cm": ["Perimetro_Cefalico", "Perímetro cefálico", "head_circumference_cm"],
    "oedema": ["Edema", "edema"],
    "hb": ["Hemoglobina", "Hb", "hb_observed", "Valor_Hb"],
    "altitude_m": ["Altitud", "Altitud (m)", "altitude"],
}
IDENTIFIERS = ["dni", "cui", "cnv", "padron_code"]

# Columns known and left unread on purpose, so they are not reported as unrecognised: the
# demo's derived columns, and the rest of HIS-MINSA's open-data extract (internal ids of HIS,
# the registration bookkeeping, the age as HIS computed it; Crecer computes its own).
UNREAD = [
    "requirement",
    "altitude_source",
    *[
        "Id_Cita",
        "Anio",
        "Mes",
        "Dia",
        "Lote",
        "Num_Pag",
        "Num_Reg",
        "Id_Ups",
        "Id_Establecimiento",
        "Id_Paciente",
        "Id_Personal",
        "Id_Registrador",
        "Id_Financiador",
        "Id_Condicion_Establecimiento",
        "Id_Condicion_Servicio",
        "Edad_Reg",
        "Tipo_Edad",
        "Anio_Actual_Paciente",
        "Mes_Actual_Paciente",
        "Dia_Actual_Paciente",
        "Id_Turno",
        "Tipo_Diagnostico",
        "Id_Correlativo",
        "Id_Correlativo_Lab",
        "Perimetro_Abdominal",
        "Id_Otra_Condicion",
        "Id_Centro_Poblado",
        "Fecha_Ultima_Regla",
        "Fecha_Solicitud_Hb",
        "Fecha_Resultado_Hb",
        "Fecha_Registro",
        "Fecha_Modificacion",
        "Id_Pais",
        "Genero",
        "Fecha_Nacimiento_Paciente",
    ],
]

EVENT_COLUMNS = Columns(
    ALIASES,
    expected="HIS-MINSA headers (Fecha_Atencion, Numero_Documento_Paciente, Codigo_Item…) or "
    "Crecer's (date, dni, code…)",
    required={"date": "attention date"},
    unread=UNREAD,
)
