"""The API tests run on the reference data's altitudes and populations (a district's answer
reads both), not on the bare ubigeo hierarchy."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.fixture
def territory_data(db, reference):
    """Every district's altitude and population by year, loaded from the reference folder."""
    for kind, name in (
        ("district-attributes", "district_attributes.csv"),
        ("district-population", "district_population_2019_2023.csv"),
    ):
        call_command("territory", "load", kind, str(reference / name), stdout=io.StringIO())
