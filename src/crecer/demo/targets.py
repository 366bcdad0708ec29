"""Published figures the synthetic population is calibrated on, each with its source, and the
documented defaults used when the territory's attributes are not loaded.

Sources are the project's domain notes (``../shared/domain``): ``indicators.md`` gives ENDES
values by department only for the departments the press reported; other departments take the
national value. Where a department has several years, the latest is used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Figure:
    value: float  # percent
    source: str


NATIONAL_STUNTING = Figure(12.1, "ENDES 2024, DCI < 5 years, WHO (indicators.md, national trend)")
NATIONAL_ANEMIA = Figure(43.7, "ENDES 2024, anemia 6-35 months (indicators.md, national trend)")

# Chronic malnutrition (HAZ < -2) under 5, % — indicators.md, "Department figures".
STUNTING_BY_DEPARTMENT = {
    "01": Figure(20.4, "ENDES 2018, Amazonas (indicators.md)"),
    "03": Figure(20.1, "ENDES 2018, Apurímac (indicators.md)"),
    "05": Figure(20.2, "ENDES 2018, Ayacucho (indicators.md; 20.0 in 2017)"),
    "06": Figure(20.9, "ENDES 2021, Cajamarca (indicators.md)"),
    "09": Figure(27.1, "ENDES 2021, Huancavelica (indicators.md)"),
    "10": Figure(22.4, "ENDES 2018, Huánuco (indicators.md)"),
    "16": Figure(23.6, "ENDES 2021, Loreto (indicators.md)"),
    "19": Figure(22.8, "ENDES 2017, Pasco (indicators.md)"),
}

# Anemia 6-35 months (altitude-adjusted Hb < 11.0, the ENDES rule up to 2023), % —
# indicators.md, "Department figures". Ayacucho's own figure was not found: national value.
ANEMIA_BY_DEPARTMENT = {
    "06": Figure(31.9, "ENDES 2018, Cajamarca (indicators.md)"),
    "09": Figure(58.1, "ENDES 2016, Huancavelica (indicators.md)"),
    "16": Figure(57.4, "ENDES 2018, Loreto (indicators.md)"),
    "17": Figure(58.4, "ENDES 2021, Madre de Dios (indicators.md)"),
    "18": Figure(33.9, "ENDES 2018, Moquegua (indicators.md)"),
    "19": Figure(58.7, "ENDES 2018, Pasco (indicators.md)"),
    "21": Figure(70.4, "ENDES 2021, Puno (indicators.md)"),
    "23": Figure(34.9, "ENDES 2018, Tacna (indicators.md)"),
    "25": Figure(60.8, "ENDES 2021, Ucayali (indicators.md)"),
}
# The rule ENDES figures use (profile rule id): Hb adjusted by the WHO 2011 steps, < 11.0 g/dL.
ENDES_ANEMIA_RULE = "who_2011"

LOW_BIRTH_WEIGHT = Figure(7.3, "ENDES 2024 first half, LBW < 2,500 g (indicators.md)")
NO_REGISTRY_6_59 = Figure(
    4.2, "ENDES 2013 (seed), children 6-59 months without registry (indicators.md)"
)
MALE_SHARE_AT_BIRTH = Figure(51.2, "sex ratio at birth 1.05 males per female (standard value)")

# Mother's usual language: Quechua and Aymara shares by department, rounded approximations of
# the 2017 census mother-tongue tables (INEI), written from memory: NOT in ../shared, to check.
# Other departments: 3 % Quechua. Districts vary around these (more in poor rural districts).
QUECHUA_SHARE = {
    "02": 0.28, "03": 0.69, "04": 0.15, "05": 0.63, "08": 0.55, "09": 0.64, "10": 0.28,
    "12": 0.09, "15": 0.08, "17": 0.14, "18": 0.15, "19": 0.08, "21": 0.38, "23": 0.05,
}  # fmt: skip
AYMARA_SHARE = {"18": 0.05, "21": 0.27, "23": 0.15}
NATIVE_AMAZON_SHARE = {"01": 0.12, "16": 0.05, "25": 0.07, "12": 0.02, "22": 0.02}

# Defaults when the district attributes are not loaded (only the bundled hierarchy). Chosen to
# give a plausible demo, not estimates: every one is recorded in the manifest when used.
DEFAULT_POPULATION = 9_000  # inhabitants: near the median Peruvian district
DEFAULT_POVERTY_PCT = 35.0  # total poverty: Peru's district average is about this
DEFAULT_EXTREME_POVERTY_PCT = 10.0
DEFAULT_RURAL_SHARE = 0.45
# Children under 6 per inhabitant: 3.5 M / 34 M ≈ 10.3 % nationally (DESIGN.md scale), more
# in poorer districts (higher fertility): share = BASE + SLOPE × poverty fraction.
UNDER_SIX_BASE = 0.085
UNDER_SIX_SLOPE = 0.06
