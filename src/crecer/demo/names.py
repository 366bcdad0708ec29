"""Peruvian given names and surnames for synthetic people, written for Crecer (not copied from
any dataset): common Spanish surnames, Quechua and Aymara surnames, and given names as they
appear in registries of Andean and coastal Peru. Pure: numpy in, numpy out.
"""

from __future__ import annotations

import numpy as np

SPANISH_SURNAMES = [
    "GARCÍA",
    "RODRÍGUEZ",
    "FLORES",
    "SÁNCHEZ",
    "RAMÍREZ",
    "TORRES",
    "GONZALES",
    "CASTILLO",
    "VARGAS",
    "ROJAS",
    "CHÁVEZ",
    "DÍAZ",
    "MENDOZA",
    "RUIZ",
    "LÓPEZ",
    "GÓMEZ",
    "HERNÁNDEZ",
    "PÉREZ",
    "JIMÉNEZ",
    "MORALES",
    "GUTIÉRREZ",
    "CASTRO",
    "ORTIZ",
    "SILVA",
    "ROMERO",
    "VÁSQUEZ",
    "ESPINOZA",
    "RIVERA",
    "MEDINA",
    "AGUILAR",
    "SALAZAR",
    "PALOMINO",
    "CÁRDENAS",
    "NAVARRO",
    "HUERTA",
    "PRADO",
    "ZEGARRA",
    "VEGA",
    "REYES",
    "CRUZ",
    "PAREDES",
    "CABRERA",
    "ALARCÓN",
    "BARRIENTOS",
    "OSORIO",
    "MIRANDA",
    "GALINDO",
    "TELLO",
    "CAMPOS",
    "SOTO",
    "LEÓN",
    "ARIAS",
    "VILLANUEVA",
    "DE LA CRUZ",
]  # a surname of three words

QUECHUA_SURNAMES = [
    "QUISPE",
    "HUAMÁN",
    "MAMANI",
    "CONDORI",
    "HUAMANÍ",
    "CCAHUANA",
    "ÑAHUI",
    "YUPANQUI",
    "HUARCAYA",
    "POMA",
    "CHALLCO",
    "CCORAHUA",
    "HUAYTA",
    "TITO",
    "CUSI",
    "PAUCAR",
    "HUACHACA",
    "YUCRA",
    "ALLCCA",
    "CCANTO",
    "HUAMANCHA",
    "SULCA",
    "TACURI",
    "URBANO",
    "QUICAÑO",
    "ANCCO",
    "CHILLCCE",
    "LLACCTA",
    "AYME",
    "MAYHUA",
    "HUAYHUA",
    "CURO",
    "CHUCHÓN",
    "OCHOA",
    "HUANACO",
    "PARIONA",
    "CANCHARI",
    "ALLAUCA",
    "ACHATA",
    "CHIPANA",
]

AYMARA_SURNAMES = [
    "MAMANI",
    "CONDORI",
    "CHOQUE",
    "TICONA",
    "QUISPE",
    "COAQUIRA",
    "APAZA",
    "CALLATA",
    "LAURA",
    "CHAMBILLA",
    "CUTIPA",
    "PACCO",
    "TARQUI",
    "HUANCA",
    "CHURA",
    "ZAPANA",
    "CCALLA",
    "YUJRA",
    "COILA",
    "MACHACA",
]

FEMALE_GIVEN = [
    "MARÍA",
    "ROSA",
    "LUZ",
    "CARMEN",
    "ANA",
    "JUANA",
    "SOFÍA",
    "VALENTINA",
    "CAMILA",
    "XIOMARA",
    "YOSELIN",
    "NAYELI",
    "MILAGROS",
    "DAYANA",
    "FIORELLA",
    "KIARA",
    "ALEJANDRA",
    "ISABEL",
    "GABRIELA",
    "LUCERO",
    "ESTRELLA",
    "YESENIA",
    "ROSMERY",
    "NICOL",
    "KATHERINE",
    "ANTONELLA",
    "MARICIELO",
    "ANGÉLICA",
    "TERESA",
    "PAMELA",
    "SHIRLEY",
    "ABIGAIL",
    "DANNA",
    "ZOE",
    "ALISON",
    "BRIGITTE",
    "FLOR",
    "CUSI",
    "KUSI",
    "ILLARI",
    "SAMANTHA",
    "VALERIA",
    "MIA",
    "KIMBERLY",
]

MALE_GIVEN = [
    "JOSÉ",
    "JUAN",
    "LUIS",
    "CARLOS",
    "JORGE",
    "MIGUEL",
    "ÁNGEL",
    "DAVID",
    "JHON",
    "FRANKLIN",
    "JHOEL",
    "DILAN",
    "MATÍAS",
    "SEBASTIÁN",
    "SANTIAGO",
    "THIAGO",
    "GAEL",
    "LIAM",
    "FABRICIO",
    "ALEXANDER",
    "BRAYAN",
    "KEVIN",
    "EDISON",
    "YAMIR",
    "ELVIS",
    "RONALDO",
    "PERCY",
    "WILMER",
    "ROGER",
    "EDWIN",
    "NILTON",
    "ALDAIR",
    "MAYCOL",
    "JHOSEP",
    "DYLAN",
    "INTI",
    "AMARU",
    "ROMEO",
    "EMILIANO",
    "LEONEL",
    "FRANCO",
    "NEYMAR",
]


def _pick(rng: np.random.Generator, names: tuple[str, ...] | list[str], n: int) -> np.ndarray:
    """``n`` names with a Zipf-like popularity (the first names of a list are the most common),
    as surname frequencies are in registries."""
    weights = 1.0 / np.arange(1, len(names) + 1) ** 0.8
    return np.asarray(names, dtype=object)[
        rng.choice(len(names), size=n, p=weights / weights.sum())
    ]


def surnames(
    rng: np.random.Generator, andean_share: np.ndarray, aymara_share: np.ndarray
) -> np.ndarray:
    """One surname per person: Aymara with probability ``aymara_share``, else Quechua with
    ``andean_share``, else Spanish (shares are per person, so they vary by district)."""
    n = len(andean_share)
    draw = rng.random(n)
    aymara = draw < aymara_share
    quechua = ~aymara & (draw < aymara_share + andean_share)
    out = _pick(rng, SPANISH_SURNAMES, n)
    out[quechua] = _pick(rng, QUECHUA_SURNAMES, int(quechua.sum()))
    out[aymara] = _pick(rng, AYMARA_SURNAMES, int(aymara.sum()))
    return out


def given_names(rng: np.random.Generator, female: np.ndarray) -> np.ndarray:
    """One or two given names per person (about a third have two, as registries show)."""
    n = len(female)
    first = _pick(rng, MALE_GIVEN, n)
    first[female] = _pick(rng, FEMALE_GIVEN, int(female.sum()))
    second = _pick(rng, MALE_GIVEN, n)
    second[female] = _pick(rng, FEMALE_GIVEN, int(female.sum()))
    two = (rng.random(n) < 0.35) & (first != second)
    return np.where(two, first + " " + second, first)
