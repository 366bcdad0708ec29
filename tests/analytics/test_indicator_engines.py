"""Every indicator of the profile counts the same children on every engine.

One generated status table, with nulls in every nullable column, is counted by the Polars
aggregate (``values_by_territory``), by the database behind the lists (``statuses_behind``, on
SQLite or PostgreSQL as the suite runs) and by DuckDB (the SQL text of the same tree); each must
give the numerator and denominator of a plain-Python reading of SQL's three-valued logic (a
row counts only where the whole condition is true)."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta

import duckdb
import polars as pl
import pytest
from django.db.models import Q
from django.utils import timezone

from crecer.analytics.indicators import values_by_territory
from crecer.analytics.lists import condition_filter, statuses_behind
from crecer.analytics.models import ChildStatus, Refresh
from crecer.analytics.status import status_frame_schema
from crecer.norms.conditions import (
    And,
    Between,
    Column,
    Comparison,
    Condition,
    InList,
    IsNull,
    Literal,
    Not,
    Or,
    Truth,
    to_sql,
)
from crecer.norms.conditions import Value as Scalar
from crecer.norms.indicators import Indicator, Part, column_types
from tests.analytics.population import PERU

SCHEMA = PERU.status_schema()
ROWS = 400
DEPARTMENT = "05"
# Conditions the profile does not use (yet), written to reach every node and the cases where
# an engine could part from SQL on nulls: NOT, <>, NOT IN and NOT BETWEEN over unknown values.
EXTRA_NUMERATORS = [
    "NOT stunted",
    "stunted <> TRUE",
    "NOT (stunted OR anemic)",
    "NOT (haz > -1 AND whz <> 0.5)",
    "haz < -2 OR whz IS NULL",
    "haz NOT BETWEEN -2 AND 2",
    "sex IN ('1') AND NOT low_birth_weight",
    "birth_weight_g NOT IN (2500, 3000, 3500)",
    "haz >= waz",
    "age_months <= 11 AND (has_dni = FALSE OR has_sis)",
    "populated_center_id IS NULL AND care_facility <> ''",
    "measured_on >= hb_tested_on",
]


def extra_indicator(number: int, numerator: str) -> Indicator:
    indicator = Indicator(
        id=f"extra_{number}",
        name={"es": numerator, "en": numerator},
        min_age_days=30,
        max_age_days=1826,
        denominator="hb_observed IS NOT NULL OR NOT wasted",
        numerator=numerator,
    )
    indicator.check_columns(column_types(SCHEMA))
    return indicator


INDICATORS = PERU.analytics.indicators + [
    extra_indicator(number, text) for number, text in enumerate(EXTRA_NUMERATORS)
]


# --- The generated status table --------------------------------------------------------------


def generated_rows(seed: int = 17) -> list[dict]:
    """``ROWS`` status rows of every column of the schema; a nullable column is null in about
    one row in four, so that every condition meets unknown values."""
    draw = random.Random(seed)
    rows = []
    for child_id in range(1, ROWS + 1):
        row = {name: _value(draw, name, column.type.value) for name, column in SCHEMA.items()}
        for name, column in SCHEMA.items():
            if column.nullable and draw.random() < 0.25:
                row[name] = None
        row["child_id"] = child_id
        rows.append(row)
    return rows


def _value(draw: random.Random, name: str, kind: str) -> object:
    special: dict[str, Callable[[], object]] = {
        "district_id": lambda: draw.choice(["050101", "050403", "150101"]),
        "populated_center_id": lambda: "0501010001",
        "care_facility": lambda: draw.choice(["", "00001234"]),
        "sex": lambda: draw.choice(["1", "2"]),
        "age_days": lambda: draw.randrange(0, 2300),
        "birth_weight_g": lambda: draw.choice([2500, 3000, draw.randrange(1200, 4800)]),
        "hb_observed": lambda: round(draw.uniform(8, 14), 1),
        "hb_adjusted": lambda: round(draw.uniform(8, 14), 1),
    }
    if name in special:
        return special[name]()
    by_type: dict[str, Callable[[], object]] = {
        "boolean": lambda: draw.random() < 0.5,
        "integer": lambda: draw.randrange(0, 60),
        # 0.5 and the cut-offs themselves come up, to meet the edges of <, <= and BETWEEN.
        "float": lambda: draw.choice([-2.0, 2.0, 0.5, round(draw.gauss(-1, 1.5), 2)]),
        "text": lambda: draw.choice(["1", "2"]),
        "date": lambda: date(2025, 1, 1) + timedelta(days=draw.randrange(0, 365)),
    }
    return by_type[kind]()


STATUS_ROWS = generated_rows()
for _row in STATUS_ROWS:  # completed months follow the age, as they do in the status
    _row["age_months"] = _row["age_days"] * 12 // 365
STATUS = pl.DataFrame(STATUS_ROWS, schema=status_frame_schema(PERU), orient="row")


# --- SQL's three-valued logic, read in plain Python (the reference) ---------------------------


def truth(condition: Condition, row: dict) -> bool | None:
    match condition:
        case And(parts):
            values = [truth(part, row) for part in parts]
            return False if False in values else (None if None in values else True)
        case Or(parts):
            values = [truth(part, row) for part in parts]
            return True if True in values else (None if None in values else False)
        case Not(inner):
            value = truth(inner, row)
            return None if value is None else not value
        case Truth(column):
            return row[column.name]
        case IsNull(operand):
            return _value_of(operand, row) is None
        case Comparison(operator, left, right):
            return _compare(operator, _value_of(left, row), _value_of(right, row))
        case InList(operand, values):
            value = _value_of(operand, row)
            return None if value is None else value in [v.value for v in values]
        case Between(operand, low, high):
            value = _value_of(operand, row)
            return None if value is None else low.value <= value <= high.value  # type: ignore[operator]
    raise TypeError(condition)


def _value_of(operand: Column | Literal, row: dict) -> Scalar | date | None:
    return row[operand.name] if isinstance(operand, Column) else operand.value


def _compare(operator: str, left: object, right: object) -> bool | None:
    if left is None or right is None:
        return None
    operations = {
        "=": left == right,
        "<>": left != right,
        "<": left < right,  # type: ignore[operator]
        "<=": left <= right,  # type: ignore[operator]
        ">": left > right,  # type: ignore[operator]
        ">=": left >= right,  # type: ignore[operator]
    }
    return operations[operator]


def expected(indicator: Indicator, department: str | None = None) -> tuple[int, int]:
    rows = [r for r in STATUS_ROWS if department is None or r["district_id"][:2] == department]
    counts = [
        sum(truth(indicator.condition(part), row) is True for row in rows)
        for part in ("numerator", "denominator")
    ]
    return counts[0], counts[1]


# --- The engines ------------------------------------------------------------------------------


def polars_counts(indicator: Indicator, department: str | None) -> tuple[int, int]:
    level, code = ("department", department) if department else ("country", "PE")
    values = values_by_territory(STATUS, [indicator], [level], PERU)
    cell = values.filter(pl.col("code") == code)
    return (cell["numerator"].sum(), cell["denominator"].sum()) if cell.height else (0, 0)


def duckdb_counts(indicator: Indicator, department: str | None) -> tuple[int, int]:
    connection = duckdb.connect()
    connection.register("status", STATUS.to_arrow())
    where = "" if department is None else f" AND district_id LIKE '{department}%'"
    counts = []
    for part in ("numerator", "denominator"):
        sql = f"SELECT count(*) FROM status WHERE ({to_sql(indicator.condition(part))}){where}"
        counts.append(connection.execute(sql).fetchone()[0])  # type: ignore[index]
    return counts[0], counts[1]


@pytest.fixture
def stored(db) -> Refresh:
    """The generated table as the ``ChildStatus`` rows of a refresh."""
    now = timezone.now()
    run = Refresh.objects.create(
        as_of=date(2026, 6, 30), scope="", started_at=now, finished_at=now, children=ROWS
    )
    ChildStatus.objects.bulk_create(ChildStatus(refresh=run, **row) for row in STATUS_ROWS)
    return run


def database_counts(run: Refresh, indicator: Indicator, department: str | None) -> tuple[int, int]:
    level, code = ("department", department) if department else ("country", "PE")
    parts: list[Part] = ["numerator", "denominator"]
    counts = [statuses_behind(run, indicator, level, code, part).count() for part in parts]
    return counts[0], counts[1]


@pytest.mark.parametrize("department", [None, DEPARTMENT], ids=["country", "department"])
@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda indicator: indicator.id)
def test_polars_counts_as_sql_does(indicator: Indicator, department: str | None) -> None:
    assert polars_counts(indicator, department) == expected(indicator, department)


@pytest.mark.parametrize("department", [None, DEPARTMENT], ids=["country", "department"])
@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda indicator: indicator.id)
def test_duckdb_counts_as_sql_does(indicator: Indicator, department: str | None) -> None:
    assert duckdb_counts(indicator, department) == expected(indicator, department)


@pytest.mark.parametrize("indicator", INDICATORS, ids=lambda indicator: indicator.id)
def test_the_database_counts_as_sql_does(stored: Refresh, indicator: Indicator) -> None:
    for department in (None, DEPARTMENT):
        assert database_counts(stored, indicator, department) == expected(indicator, department)


def test_the_generated_table_reaches_every_indicator() -> None:
    """No indicator passes on two zeros: each has children in its numerator and outside it."""
    for indicator in INDICATORS:
        numerator, denominator = expected(indicator)
        assert 0 < numerator < denominator, indicator.id


def test_not_over_unknown_values_is_unknown(stored: Refresh) -> None:
    """``NOT stunted`` leaves out the children whose ``stunted`` is null, as SQL does; Django's
    negated keyword lookup would count them (why the lists render lookup expressions)."""
    indicator = extra_indicator(0, "NOT stunted")
    in_age = ChildStatus.objects.filter(condition_filter(indicator, "denominator"), refresh=stored)
    known_not_stunted = in_age.filter(stunted=False).count()
    assert in_age.filter(condition_filter(indicator, "numerator")).count() == known_not_stunted
    assert in_age.filter(stunted__isnull=True).exists()
    assert in_age.filter(~Q(stunted=True)).count() > known_not_stunted  # the nulls, counted
