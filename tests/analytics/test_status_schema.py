"""One status schema: the profile's (``norms.indicators.status_schema``) is the frame the status
computation returns, the ``ChildStatus`` table, and what the conditions are checked against."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from crecer.analytics.models import STATUS_COLUMNS, ChildStatus
from crecer.analytics.status import (
    CHILD_COLUMNS,
    GROWTH_COLUMNS,
    HB_COLUMNS,
    SERVICE_COLUMNS,
    _growth_flags,
    compute_status,
    status_frame_schema,
)
from crecer.growth import classify
from crecer.norms.conditions import ColumnType
from tests.analytics.population import PERU

# Django's field types, as the schema's column types.
DJANGO_TYPES = {
    "BooleanField": ColumnType.BOOLEAN,
    "IntegerField": ColumnType.INTEGER,
    "BigIntegerField": ColumnType.INTEGER,
    "FloatField": ColumnType.FLOAT,
    "CharField": ColumnType.TEXT,
    "DateField": ColumnType.DATE,
}


def table_columns() -> dict[str, tuple[ColumnType, bool]]:
    fields = [f for f in ChildStatus._meta.concrete_fields if f.name not in {"id", "refresh"}]
    return {f.attname: (DJANGO_TYPES[f.get_internal_type()], f.null) for f in fields}


def test_the_table_has_exactly_the_schema_columns_with_their_types():
    """A requirement or flag added to the profile's schedules (or a base column added to the
    schema) must be added to ChildStatus by a migration, or the lists behind a number and the
    aggregates would count over different columns."""
    schema = {name: (c.type, c.nullable) for name, c in PERU.status_schema().items()}
    table = table_columns()
    assert sorted(set(schema) - set(table)) == [], "in the schema, missing from ChildStatus"
    assert sorted(set(table) - set(schema)) == [], "in ChildStatus, not in the schema"
    assert {name: table[name] for name in schema} == schema
    assert set(STATUS_COLUMNS) == set(schema)


def empty(columns: dict) -> pl.DataFrame:
    return pl.DataFrame(schema=columns)


def test_the_status_frame_follows_the_schema_even_when_empty():
    status = compute_status(
        empty(CHILD_COLUMNS),
        empty(GROWTH_COLUMNS),
        empty(HB_COLUMNS),
        empty(SERVICE_COLUMNS),
        date(2026, 6, 30),
        PERU,
    )
    assert status.schema == pl.Schema(status_frame_schema(PERU))


def test_growth_flags_are_the_cut_offs_of_growth_classify():
    """Strict inequalities on the z-score (WHO): -2.0 is not stunted, -2.01 is; -3 is
    stunted, not severely; a child without a valid z has no flag (null), not False."""
    latest = pl.DataFrame(
        {
            "haz": [-2.0, -2.01, None, -3.0, -3.5],
            "whz": [2.0, 2.01, -2.5, None, 0.0],
            "waz": [-2.0, None, -2.01, 0.0, -4.0],
        }
    )
    flags = latest.with_columns(_growth_flags(latest))
    assert flags["stunted"].to_list() == [False, True, None, True, True]
    assert flags["severely_stunted"].to_list() == [False, False, None, False, True]
    assert flags["overweight"].to_list() == [False, True, False, None, False]
    assert flags["wasted"].to_list() == [False, False, True, None, False]
    assert flags["underweight"].to_list() == [False, None, True, False, True]
    # The same answers as classify itself, where the z-score is known.
    z = {
        "z_lhfa": latest["haz"].fill_null(np.nan).to_numpy(),
        "z_wflh": latest["whz"].fill_null(np.nan).to_numpy(),
        "z_wfa": latest["waz"].fill_null(np.nan).to_numpy(),
    }
    known = latest["haz"].is_not_null().to_numpy()
    np.testing.assert_array_equal(
        flags["stunted"].to_numpy()[known].astype(bool), classify(z)["stunting"][known]
    )
