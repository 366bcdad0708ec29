"""The columns of a survey's child file. Headers are compared folded (case, accents, spacing),
as for every import. The DHS recode names are aliases only where the recode holds the value in
the same unit (HV001 cluster, HV022 stratum, HC1 age in months, HC15 lying/standing, HV040
altitude in metres); HV005 (weight x 1,000,000), HC2/HC3 (tenths) and HC56 (Hb already
adjusted) are not, so they are not read. ENDES's own layout was not read (domain notes)."""

from __future__ import annotations

from crecer.ingest.columns import Columns

SURVEY_COLUMNS = Columns(
    {
        "cluster": ["conglomerado", "HV001", "psu", "upm"],
        "stratum": ["estrato", "HV022", "V022", "strata"],
        "weight": ["peso_muestral", "factor", "factor_expansion", "ponderador", "sampling_weight"],
        "department": ["departamento", "ubigeo_departamento", "dpto", "ccdd"],
        "district": ["distrito", "ubigeo", "ubigeo_distrito"],
        "area": ["area_residencia", "urbano_rural", "HV025", "residencia"],
        "sex": ["sexo", "HC27"],
        "age_months": ["edad_meses", "HC1", "edad"],
        "height_cm": ["talla_cm", "talla", "longitud_talla"],
        "weight_kg": ["peso_kg", "peso"],
        "measure": ["medicion", "posicion", "HC15"],
        "oedema": ["edema"],
        "hemoglobin": ["hemoglobina", "hb", "hb_observada"],
        "altitude_m": ["altitud", "altitud_m", "HV040"],
        "interview_date": ["fecha_entrevista", "fecha"],
    },
    expected="a survey child file's headers (cluster, stratum, weight, department, district, "
    "area, sex, age_months, height_cm, weight_kg, measure, oedema, hemoglobin, altitude_m, "
    "interview_date; or conglomerado, estrato, peso_muestral, departamento, edad_meses…)",
    required={
        "cluster": "cluster (PSU)",
        "stratum": "stratum",
        "weight": "sampling weight",
        "department": "department",
        "age_months": "age in months",
    },
)
