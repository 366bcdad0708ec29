"""The condition language of the indicator catalogue: what parses, what is refused and why,
and how a refused condition of a profile is named when the profile loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from crecer.norms import ProfileError, load_profile, profile_path
from crecer.norms.conditions import (
    And,
    Between,
    Column,
    ColumnType,
    Comparison,
    ConditionError,
    InList,
    IsNull,
    Literal,
    Not,
    Or,
    Truth,
    check_condition,
    parse_condition,
    to_sql,
)

SCHEMA = {
    "haz": ColumnType.FLOAT,
    "age_days": ColumnType.INTEGER,
    "stunted": ColumnType.BOOLEAN,
    "sex": ColumnType.TEXT,
    "measured_on": ColumnType.DATE,
    "hb_tested_on": ColumnType.DATE,
}
HAZ = Column("haz")


@pytest.mark.parametrize(
    ("text", "tree"),
    [
        ("stunted", Truth(Column("stunted"))),
        ("NOT stunted", Not(Truth(Column("stunted")))),
        ("haz IS NOT NULL", Not(IsNull(HAZ))),
        ("haz < -2", Comparison("<", HAZ, Literal(-2))),
        ("haz != 1.5", Comparison("<>", HAZ, Literal(1.5))),
        ("stunted = TRUE", Comparison("=", Column("stunted"), Literal(True))),
        ("sex IN ('1', '2')", InList(Column("sex"), (Literal("1"), Literal("2")))),
        ("haz NOT BETWEEN -2 AND 2", Not(Between(HAZ, Literal(-2), Literal(2)))),
        (
            "(haz < -2 OR stunted) AND age_days >= 0 AND (sex = '1')",
            And(
                (
                    Or((Comparison("<", HAZ, Literal(-2)), Truth(Column("stunted")))),
                    Comparison(">=", Column("age_days"), Literal(0)),
                    Comparison("=", Column("sex"), Literal("1")),
                )
            ),
        ),
        (
            "measured_on >= hb_tested_on",
            Comparison(">=", Column("measured_on"), Column("hb_tested_on")),
        ),
    ],
)
def test_allowed_conditions_parse_to_the_tree(text, tree):
    assert parse_condition(text) == tree
    check_condition(tree, SCHEMA)
    # The SQL written from the tree reads back as the same tree.
    assert parse_condition(to_sql(tree, "duckdb")) == tree


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("IIF(stunted, 1, 0) = 1", "function IIF"),
        ("COALESCE(stunted, FALSE)", "function COALESCE"),
        ("haz + 1 > 2", "arithmetic 'haz + 1'"),
        ("age_days / 30 < 6", "arithmetic 'age_days / 30'"),
        ("haz IN (SELECT haz FROM status)", "IN (SELECT"),
        ("*", "'*'"),
        ("status.haz < -2", "qualified column 'status.haz'"),
        ("haz = NULL", "haz = NULL"),
        ("stunted IS TRUE", "stunted IS TRUE"),
        ("sex LIKE '1%'", "like"),
        ("haz < -2; DROP TABLE analytics_childstatus", "several statements"),
        ("haz <", "not SQL"),
        ("  ", "empty"),
    ],
)
def test_everything_else_is_refused_naming_the_part(text, part):
    with pytest.raises(ConditionError) as caught:
        parse_condition(text)
    assert part in str(caught.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("hax IS NULL", "unknown status column 'hax' (did you mean 'haz'?)"),
        ("haz", "haz (float): only a boolean column stands alone"),
        ("sex = 1", "sex (text) = 1: these types do not compare"),
        ("measured_on >= '2026-01-01'", "measured_on (date) >= '2026-01-01'"),
        ("stunted < TRUE", "booleans only compare with = or <>"),
        ("haz BETWEEN 'a' AND 2", "haz (float) BETWEEN 'a'"),
    ],
)
def test_columns_are_checked_against_the_schema(text, message):
    with pytest.raises(ConditionError) as caught:
        check_condition(parse_condition(text), SCHEMA)
    assert message in str(caught.value)


def test_sql_text_for_several_dialects():
    tree = parse_condition("NOT stunted AND sex IN ('1') AND haz BETWEEN -2 AND 2")
    expected = 'NOT "stunted" AND "sex" IN (\'1\') AND "haz" BETWEEN -2 AND 2'
    assert to_sql(tree, "duckdb") == to_sql(tree, "postgres") == expected
    assert to_sql(tree, "spark") == expected.replace('"', "`")


def variant(tmp_path: Path, old: str, new: str) -> Path:
    text = profile_path("peru").read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "variant.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("numerator", "named"),
    [
        ("IIF(stunted, 1, 0) = 1", "function IIF is not allowed"),
        ("stunted_u5", "unknown status column 'stunted_u5' (did you mean 'stunted'?)"),
        ("haz * 2 < -4", "arithmetic 'haz * 2' is not allowed"),
    ],
)
def test_a_bad_condition_fails_at_load_with_the_indicator_and_the_part(tmp_path, numerator, named):
    path = variant(tmp_path, 'numerator = "severely_stunted"', f'numerator = "{numerator}"')
    with pytest.raises(ProfileError) as caught:
        load_profile(path)
    message = str(caught.value)
    where = "analytics.indicators[2]: indicator severe_stunting_u5"
    assert f"{where}: numerator {numerator!r}: " in message
    assert named in message


def test_a_bad_population_is_named_too(tmp_path):
    path = variant(tmp_path, 'population = "NOT lbw_or_premature"', 'population = "NOT lbw"')
    with pytest.raises(ProfileError, match=r"integrated_package_u12: population 'NOT lbw'"):
        load_profile(path)


def test_every_condition_of_the_profile_is_parsed_once_at_load(monkeypatch):
    profile = load_profile("peru")

    def parse_again(text):
        raise AssertionError(f"{text!r} parsed again after the profile loaded")

    monkeypatch.setattr("crecer.norms.indicators.parse_condition", parse_again)
    for indicator in profile.analytics.indicators:
        # Both counts start with the age band; the numerator adds its own condition to it.
        denominator = _parts(indicator.condition("denominator"))
        numerator = _parts(indicator.condition("numerator"))
        assert denominator[0] == Comparison(
            ">=", Column("age_days"), Literal(indicator.min_age_days)
        )
        assert numerator[: len(denominator)] == denominator
        assert len(numerator) == len(denominator) + 1


def _parts(condition):
    return condition.conditions if isinstance(condition, And) else (condition,)
