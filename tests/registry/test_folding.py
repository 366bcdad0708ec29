"""Names are folded in Python when a record is saved (``fold``) and in Polars when a file is
imported (``folded``): both must give the same text, or search would miss imported children."""

import polars as pl
import pytest

from crecer.ingest.text import folded
from crecer.registry.identifiers import fold

NAMES = [
    "Huamán Quispe, María",
    "ÑAHUI  josé-ángel",
    "D'Ávila O'Higgins",
    "Ccahuana Ch'illca",
    "MÜLLER Gutiérrez",
    "  Sánchez   de la Cruz ",
    "Yupanqui Tüpac 2º",
    "",
]


@pytest.mark.parametrize("name", NAMES)
def test_python_and_polars_fold_alike(name):
    in_polars = pl.select(folded(pl.lit(name))).item()
    assert in_polars == fold(name)


def test_fold_examples():
    # Written by hand: accents and Ñ lose their marks, punctuation becomes a space.
    assert fold("Huamán Quispe, María") == "HUAMAN QUISPE MARIA"
    assert fold("ÑAHUI  josé-ángel") == "NAHUI JOSE ANGEL"
