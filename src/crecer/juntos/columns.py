"""The columns of the two files JUNTOS reads: the SISFOH classification (CSE) of households,
and the terms of students as a school information system (SIAGIE-like) exports them. Headers
are compared folded, as for every import (:mod:`crecer.ingest.columns`); the official layouts
were not found, so the aliases are the words such extracts use."""

from __future__ import annotations

from crecer.ingest.columns import Columns

CSE_COLUMNS = Columns(
    {
        "household_code": ["CO_HOGAR", "Codigo hogar", "Código de hogar", "ID_HOGAR"],
        "titular_document": ["DNI titular", "NU_DOC_TITULAR", "Documento titular", "DNI_JEFE"],
        "cse_class": ["CSE", "Clasificación socioeconómica", "CLASIFICACION", "Nivel pobreza"],
        "classified_on": ["FECHA_CSE", "Fecha de clasificación", "Fecha CSE", "FE_CSE"],
        "valid_until": ["FECHA_VIGENCIA", "Vigencia hasta", "Fecha de vencimiento", "FE_VIGENCIA"],
    },
    expected="the SISFOH extract's headers (CO_HOGAR or DNI titular, CSE, FECHA_CSE…) or "
    "Crecer's (household_code, titular_document, cse_class, classified_on, valid_until)",
    required={"cse_class": "classification (CSE)", "classified_on": "classification date"},
)

SCHOOL_COLUMNS = Columns(
    {
        "student_document": ["DNI_ESTUDIANTE", "Documento estudiante", "NUMERO_DOCUMENTO", "DNI"],
        "school_code": ["CODIGO_MODULAR", "COD_MOD", "Código modular", "Institución educativa"],
        "term": ["PERIODO", "Periodo", "BIMESTRE", "TRIMESTRE"],
        "term_start": ["FECHA_INICIO", "Inicio del periodo", "Fecha inicio"],
        "term_end": ["FECHA_FIN", "Fin del periodo", "Fecha fin"],
        "enrolled": ["MATRICULADO", "Matriculado", "ESTADO_MATRICULA"],
        "days_attended": ["DIAS_ASISTIDOS", "Días asistidos", "ASISTENCIAS"],
        "days_absent": ["DIAS_INASISTENCIA", "Días de inasistencia", "FALTAS", "INASISTENCIAS"],
        "level": ["NIVEL", "Nivel educativo"],
        "grade": ["GRADO", "Grado"],
    },
    expected="a school-records export's headers (DNI_ESTUDIANTE, CODIGO_MODULAR, PERIODO, "
    "FECHA_INICIO, FECHA_FIN, MATRICULADO, DIAS_ASISTIDOS, DIAS_INASISTENCIA…) or Crecer's",
    required={
        "student_document": "student's document",
        "term_start": "term start",
        "term_end": "term end",
    },
)
