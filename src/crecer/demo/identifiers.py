"""Unique identifiers in the registry's formats, from a person's running number.

Each kind has its own number space and a bijective scramble ``(a·k + b) mod 10^d`` (``a``
coprime with 10), so numbers look arbitrary yet never repeat: uniqueness follows from the
running numbers being unique, with no lookup. Formats are those ``crecer.registry`` validates:
DNI/CUI 8 digits, CNV 6-12 digits (we use 10), registry code 9 digits.
"""

from __future__ import annotations

import numpy as np
import polars as pl

# kind -> (first number, digits scrambled, multiplier, shift). DNIs of children start with
# 8, mothers' with 4, household heads' with 2 (real ranges overlap; these keep kinds apart).
SPACES = {
    "child_dni": (80_000_000, 7, 3_141_593, 2_718_281),
    "mother_dni": (40_000_000, 7, 1_618_033, 1_414_213),
    "head_dni": (20_000_000, 7, 2_236_067, 1_732_050),
    "cnv": (1_000_000_000, 9, 577_215_661, 299_792_458),
    "padron_code": (0, 9, 662_607_015, 602_214_076),
    # Keys of the outside lists (crecer.demo.outside_lists): the child's (or, for a JUNTOS
    # household, the mother's) running number, each list in its own space.
    "sis_affiliation": (100_000_000, 8, 48_271_301, 16_807_117),
    "juntos_household": (60_000_000, 7, 6_700_417, 2_147_483),
    "juntos_member": (700_000_000, 8, 39_916_801, 87_178_291),
    "cuna_mas_user": (30_000_000, 7, 7_368_787, 1_299_709),
}
CAPACITY = 10**7  # people of one kind: the smallest space (DNI ranges of 10 million)


def scrambled(kind: str, numbers: np.ndarray) -> np.ndarray:
    """The identifiers (text) of running numbers ``numbers`` (< ``CAPACITY``)."""
    start, digits, multiplier, shift = SPACES[kind]
    if len(numbers) and int(numbers.max()) >= CAPACITY:
        raise ValueError(f"more than {CAPACITY:,} people of one kind: lower --factor")
    modulus = 10**digits
    value = start + (numbers.astype(np.int64) * multiplier + shift) % modulus
    width = len(str(start + modulus - 1))
    if len(value) == 0:  # np.char.zfill fails on an empty array
        return value.astype(f"<U{width}")
    return np.char.zfill(value.astype(str), width)


def identifiers(child: np.ndarray, mother: np.ndarray) -> list[pl.Series]:
    """Registry code, CNV and child DNI/CUI numbers, mother's and head's DNI, per child."""
    return [
        pl.Series("padron_code", scrambled("padron_code", child)),
        pl.Series("__cnv", scrambled("cnv", child)),
        pl.Series("__dni", scrambled("child_dni", child)),
        pl.Series("__mother_dni", scrambled("mother_dni", mother)),
        pl.Series("__head_dni", scrambled("head_dni", mother)),
    ]
