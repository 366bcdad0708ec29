"""Published figures the synthetic population is calibrated on, each with its source, and the
documented defaults used when the territory's attributes are not loaded.

Sources are the project's domain notes (``../shared/domain``): ``indicators.md`` gives ENDES
values by department only for the departments the press reported; other departments take the
national value. Where a department has several years, the latest is used.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# How an achieved rate is compared with a figure: near it, or only on one side of it (a figure
# of a wider or narrower indicator bounds the catalogue's one).
Bound = Literal["near", "at_least", "at_most"]


@dataclass(frozen=True)
class Figure:
    value: float  # percent
    source: str
    bound: Bound = "near"


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

# Published figures for the product's indicator catalogue (the profile's [[analytics.indicators]],
# by id), national unless the department's own is in STUNTING_BY_DEPARTMENT or
# ANEMIA_BY_DEPARTMENT. A text instead of a figure says why there is none: the indicator is then
# generated from the model's assumptions and its achieved value only reported. Definitions
# differ in places from the survey's (ENDES asks mothers; the product counts HIS records by the
# profile's rules): each source says where.
OVERWEIGHT = Figure(
    8.6, "ENDES 2018, overweight or obesity under 5, national (cred_schedule.md, ENDES context)"
)
NO_FIGURE = "no published figure in ../shared/domain"
CATALOGUE: dict[str, Figure | str] = {
    "ccm_u5": NATIONAL_STUNTING,  # the department's own figure where known (by_department)
    "ccm_u3": Figure(
        13.6,
        "ENDES 2017, DCI < 3 years, national (indicators.md); a department's < 5 figure times "
        "13.6/12.9 (the national ratio of < 3 to < 5 that year) where it has one",
    ),
    "severe_stunting_u5": NO_FIGURE,
    "wasting_u5": NO_FIGURE,
    "overweight_u5": OVERWEIGHT,
    "measured_u5": f"{NO_FIGURE} (administrative coverage of measurement, not a survey figure)",
    "anemia_6_35": Figure(
        NATIONAL_ANEMIA.value,
        "ENDES 2024, anemia 6-35 months, national (indicators.md; Ayacucho's not found). ENDES "
        "uses the WHO 2011 rule (< 11.0 g/dL); the product the rule in force on the test date "
        "(NTS 213-2024: < 10.5 at 6-23 months, MINSA altitude bands)",
    ),
    "hb_tested_6_35": NO_FIGURE,
    "cred_u12": f"{NO_FIGURE} (FED SI-03.01 results were not found)",
    "cred_u36": Figure(50.5, "ENDES 2013, CRED complete for age < 36 months, national (seed)"),
    "vaccines_u12": Figure(
        64.3,
        "ENDES 2013, complete vaccines for age < 12 months, national (seed; ENDES's antigen list "
        "was not confirmed, the product counts every dose of the schedule)",
    ),
    "vaccines_u36": NO_FIGURE,
    "vaccines_fed_u12": Figure(
        75.1,
        "ENDES 2013, rotavirus and pneumococcal for age < 12 months, national (seed): four "
        "antigens together are at most that",
        "at_most",
    ),
    "pentavalent_u12": Figure(
        75.1, "at least ENDES 2013 rotavirus and pneumococcal < 12 months (seed)", "at_least"
    ),
    "pneumococcal_u12": Figure(
        75.1, "at least ENDES 2013 rotavirus and pneumococcal < 12 months (seed)", "at_least"
    ),
    "rotavirus_u12": Figure(
        75.1, "at least ENDES 2013 rotavirus and pneumococcal < 12 months (seed)", "at_least"
    ),
    "spr_u24": NO_FIGURE,
    "iron_6_35": Figure(
        36.2,
        "ENDES 2021, children 6-35 months who took an iron supplement, national (anemia.md); the "
        "product counts deliveries complete for age (FED SI-02), a stricter reading",
    ),
    "hb_screened_6m": f"{NO_FIGURE} (FED MC-02 results were not found)",
    "dni_6_59": Figure(
        100 - NO_REGISTRY_6_59.value,
        "100 − 4.2: ENDES 2013 (seed), children 6-59 months without registry (indicators.md); "
        "the product counts a DNI or a CUI",
    ),
    "dni_30_days": f"{NO_FIGURE} (FED MC-02 results were not found)",
    "sis_u5": NO_FIGURE,
    "low_birth_weight": LOW_BIRTH_WEIGHT,
    "integrated_package_u12": (
        f"{NO_FIGURE} (80.9 % is one region's 2026 goal, immunization.md, not a result)"
    ),
}
STUNTING_U3_PER_U5 = 13.6 / 12.9  # ENDES 2017 national (indicators.md)


def catalogue_figure(indicator: str, department: str) -> Figure | str:
    """The figure an indicator of the catalogue is compared with in ``department``."""
    if indicator == "ccm_u5":
        return STUNTING_BY_DEPARTMENT.get(department, NATIONAL_STUNTING)
    if indicator == "ccm_u3" and department in STUNTING_BY_DEPARTMENT:
        own = STUNTING_BY_DEPARTMENT[department]
        return Figure(
            round(own.value * STUNTING_U3_PER_U5, 1),
            f"{own.source} × 13.6/12.9 (ENDES 2017 national ratio of DCI < 3 to < 5)",
        )
    if indicator == "anemia_6_35" and department in ANEMIA_BY_DEPARTMENT:
        return ANEMIA_BY_DEPARTMENT[department]
    return CATALOGUE.get(indicator, NO_FIGURE)
