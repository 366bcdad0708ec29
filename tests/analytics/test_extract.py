"""The extract reads rows as CSV text the database writes (or, on SQLite with floats, as
rows): every value must come back as stored — text with commas, quotes and line breaks, the
empty string apart from null, floats to the last bit, dates, booleans."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from crecer.analytics import extract
from crecer.analytics.status import CHILD_COLUMNS, GROWTH_COLUMNS, HB_COLUMNS, SERVICE_COLUMNS
from crecer.health.models import GrowthCheck, HemoglobinTest, ServiceRecord
from crecer.registry.models import Child
from tests.analytics.population import BORN, child

pytestmark = pytest.mark.django_db

AWKWARD = 'P.S. "San Juan", Huanta\nanexo 2'


def test_text_comes_back_as_stored():
    one = child(1, "1", "050403", care_facility=AWKWARD, dni="71000001", insurance="1")
    two = child(2, "2", "050101", care_facility="", dni_issue_date=date(2025, 8, 1))
    frame = extract.children_frame(Child.objects.order_by("pk"))
    assert frame.schema == pl.Schema(CHILD_COLUMNS)
    rows = {row["child_id"]: row for row in frame.iter_rows(named=True)}
    assert rows[one.pk]["care_facility"] == AWKWARD
    assert rows[two.pk]["care_facility"] == ""
    assert rows[one.pk]["has_dni"] is True
    assert rows[two.pk]["has_dni"] is False
    assert rows[one.pk]["has_sis"] is True
    assert rows[two.pk]["populated_center_id"] is None
    assert rows[two.pk]["dni_issue_date"] == date(2025, 8, 1)
    assert rows[one.pk]["dni_issue_date"] is None
    assert rows[one.pk]["birth_date"] == BORN


def test_events_come_back_exactly_and_growth_within_its_window():
    kid = child(1, "1", "050403")
    weight, length = 9.123456789012345, 0.1 + 0.2  # no short decimal reads back to these
    GrowthCheck.objects.create(
        child=kid, date=date(2026, 6, 1), weight_kg=weight, length_cm=length, measure="l"
    )
    GrowthCheck.objects.create(
        child=kid, date=date(2024, 6, 1), weight_kg=None, length_cm=60.0, oedema=True
    )
    HemoglobinTest.objects.create(
        child=kid, date=date(2026, 6, 1), hb_observed=11.7, altitude_m=None
    )
    ServiceRecord.objects.create(child=kid, date=date(2025, 8, 1), code="90744")
    ServiceRecord.objects.create(child=kid, date=date(2025, 8, 1), code="Z001")
    children = Child.objects.all()
    growth, hemoglobin, services = extract.events_frames(children)
    assert growth.schema == pl.Schema(GROWTH_COLUMNS)
    assert hemoglobin.schema == pl.Schema(HB_COLUMNS)
    assert services.schema == pl.Schema(SERVICE_COLUMNS)
    latest = growth.sort("date").row(-1, named=True)
    assert latest["weight_kg"] == weight  # exactly, not to 15 digits
    assert latest["length_cm"] == length
    assert latest["oedema"] is False
    earliest = growth.sort("date").row(0, named=True)
    assert earliest["weight_kg"] is None
    assert earliest["oedema"] is True
    assert hemoglobin.row(0, named=True)["altitude_m"] is None
    assert sorted(services["code"]) == ["90744", "Z001"]
    windowed, _, _ = extract.events_frames(children, (date(2025, 7, 1), date(2026, 6, 30)))
    assert windowed["date"].to_list() == [date(2026, 6, 1)]


def test_no_rows_give_typed_empty_frames():
    frames = extract.events_frames(Child.objects.filter(district_id="999999"))
    assert [frame.height for frame in frames] == [0, 0, 0]
    assert [frame.schema for frame in frames] == [
        pl.Schema(GROWTH_COLUMNS),
        pl.Schema(HB_COLUMNS),
        pl.Schema(SERVICE_COLUMNS),
    ]
    assert extract.children_frame(Child.objects.filter(district_id="999999")).schema == pl.Schema(
        CHILD_COLUMNS
    )
