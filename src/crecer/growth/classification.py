"""Nutritional status from z-scores: WHO cut-offs with WHO and MINSA (Peru) terms.

Cut-offs (WHO 2006 standards; WHO–UNICEF, de Onis et al., *Public Health Nutr* 2019;22:175–179;
shared/domain/cred_schedule.md and who_growth_algorithm.md §10), strict inequalities on the
rounded z:

==================  =======================  =========================================
index               rule                     WHO term / MINSA term
==================  =======================  =========================================
length/height-age   z < −3                   severe stunting / talla baja severa
                    −3 ≤ z < −2              stunting / talla baja (desnutrición crónica)
weight-length/ht    z < −3 or oedema         severe wasting / desnutrición aguda severa
                    −3 ≤ z < −2              wasting / desnutrición aguda
                    +2 < z ≤ +3              overweight / sobrepeso
                    z > +3                   obesity / obesidad
weight-for-age      z < −3 or oedema         severe underweight / desnutrición global severa
                    −3 ≤ z < −2              underweight / desnutrición global
==================  =======================  =========================================

As in WHO's prevalence estimates, a flagged (biologically implausible) z-score is not classified
(category −1), and a child with oedema counts as below −3 for the weight-based indices. The exact
Spanish wording of NTS 137-MINSA is not confirmed (cred_schedule.md); labels here follow common
MINSA/INEI usage.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

MISSING = -1

CATEGORIES: dict[str, tuple[tuple[str, str, str], ...]] = {
    # index → ((key, English, Spanish) for code 0, 1, 2, …); code −1 = not classified
    "lhfa": (
        ("normal", "Normal", "Normal"),
        ("stunting", "Stunting", "Talla baja (desnutrición crónica)"),
        ("severe_stunting", "Severe stunting", "Talla baja severa (desnutrición crónica severa)"),
    ),
    "wflh": (
        ("normal", "Normal", "Normal"),
        ("wasting", "Wasting", "Desnutrición aguda"),
        ("severe_wasting", "Severe wasting", "Desnutrición aguda severa"),
        ("overweight", "Overweight", "Sobrepeso"),
        ("obesity", "Obesity", "Obesidad"),
    ),
    "wfa": (
        ("normal", "Normal", "Normal"),
        ("underweight", "Underweight", "Desnutrición global"),
        ("severe_underweight", "Severe underweight", "Desnutrición global severa"),
    ),
}


def classify(z: Mapping[str, Any], oedema: Any = None) -> dict[str, np.ndarray]:
    """Classify the output of :func:`crecer.growth.zscores` (or any mapping with ``z_lhfa``,
    ``z_wflh``, ``z_wfa`` and optionally ``flag_*`` and ``reason_*`` arrays).

    ``oedema`` (bool array) defaults to the rows whose ``reason_wflh`` is "oedema".

    Returns int8 category codes ``lhfa``, ``wflh``, ``wfa`` (see :data:`CATEGORIES`; −1 = not
    classified) and boolean arrays ``stunting`` (z < −2, i.e. chronic malnutrition, severe
    included), ``severe_stunting``, ``wasting`` (z < −2 or oedema), ``severe_wasting``,
    ``underweight``, ``severe_underweight``, ``overweight`` (z > +2, obesity included) and
    ``obesity``; False where the child is not classified.
    """
    from crecer.growth.zscores import REASON

    z_len = _usable(z, "lhfa")
    z_wfl = _usable(z, "wflh")
    z_wfa = _usable(z, "wfa")
    if oedema is None:
        reason = z.get("reason_wflh")
        oedema = (
            np.zeros(z_len.shape, bool)
            if reason is None
            else np.asarray(reason) == REASON["oedema"]
        )
    oedema = np.asarray(oedema, dtype=bool)
    # §10: oedema counts as < −3 SD for the weight-based indices
    z_wfl = np.where(oedema, -np.inf, z_wfl)
    z_wfa = np.where(oedema, -np.inf, z_wfa)

    out = {
        "lhfa": _codes(z_len, [(z_len < -3, 2), (z_len < -2, 1)]),
        "wflh": _codes(z_wfl, [(z_wfl < -3, 2), (z_wfl < -2, 1), (z_wfl > 3, 4), (z_wfl > 2, 3)]),
        "wfa": _codes(z_wfa, [(z_wfa < -3, 2), (z_wfa < -2, 1)]),
    }
    with np.errstate(invalid="ignore"):
        out.update(
            stunting=z_len < -2,
            severe_stunting=z_len < -3,
            wasting=z_wfl < -2,
            severe_wasting=z_wfl < -3,
            overweight=z_wfl > 2,
            obesity=z_wfl > 3,
            underweight=z_wfa < -2,
            severe_underweight=z_wfa < -3,
        )
    return out


def labels(index: str, codes: Any, language: str = "es") -> np.ndarray:
    """Human-readable labels for category codes (``language`` "es" or "en"; "" when −1)."""
    names = [c[2] if language == "es" else c[1] for c in CATEGORIES[index]]
    table = np.array([*names, ""], dtype=object)
    return table[np.asarray(codes)]  # −1 indexes the trailing ""


def _usable(z: Mapping[str, Any], index: str) -> np.ndarray:
    """The z-score with flagged values set to NaN (WHO drops them from prevalence)."""
    values = np.array(z[f"z_{index}"], dtype=np.float64)
    flag = z.get(f"flag_{index}")
    if flag is not None:
        values[np.asarray(flag, dtype=bool)] = np.nan
    return values


def _codes(z: np.ndarray, rules: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """0 where z is a number, −1 where NaN, then each rule's code (first rule wins)."""
    codes = np.where(np.isnan(z), MISSING, 0).astype(np.int8)
    for mask, code in reversed(rules):
        codes[mask] = code
    return codes
