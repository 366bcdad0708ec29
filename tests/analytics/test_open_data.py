"""Open data: suppressed aggregates in CSV, JSON and Parquet, no personal data."""

from __future__ import annotations

import io

import polars as pl
import pytest

from crecer.analytics.refresh import refresh
from tests.analytics.population import AS_OF, PERU

pytestmark = pytest.mark.django_db


def test_values_are_published_suppressed_in_three_formats(population, client):
    refresh(AS_OF, "", PERU)
    parquet = pl.read_parquet(io.BytesIO(client.get("/open-data/values.parquet").content))
    csv = pl.read_csv(io.BytesIO(client.get("/open-data/values.csv").content))
    json = client.get("/open-data/values.json").json()
    assert parquet.height == csv.height == len(json) > 0
    assert set(parquet["level"]) == {"country", "department", "province", "district"}
    # Stunting in Peru is 3 of 5: a numerator under 5 children, so suppressed.
    ccm = parquet.filter((pl.col("indicator") == "ccm_u5") & (pl.col("level") == "country"))
    assert ccm.select("numerator", "denominator", "percent", "suppressed").row(0) == (
        None,
        None,
        None,
        True,
    )
    text = client.get("/open-data/values.csv").content.decode()
    assert "NIÑO" not in text  # no names
    assert "1000000001" not in text  # no identifiers


def test_indicator_metadata_and_page(client):
    meta = client.get("/open-data/indicators.json").json()["indicators"]
    assert {"ccm_u5", "anemia_6_35"} <= {i["id"] for i in meta}
    assert client.get("/open-data/").status_code == 200
    assert client.get("/open-data/values.xml").status_code == 404
    assert client.get("/open-data/values.csv", {"level": "facility"}).status_code == 404
