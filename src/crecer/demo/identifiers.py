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
