"""The indicator catalogue of a country profile: each indicator is a numerator over a
denominator of named children, written as portable SQL conditions over the per-child status
table, so that the same definitions run in Polars, in SQLite/PostgreSQL (the lists behind a
number), in DuckDB and later on a distributed engine.

The status table's columns are defined once, here (:func:`status_schema`): the status
computation builds its frame from them, the ``ChildStatus`` table is checked against them, and
every condition is parsed and checked against them when the profile loads
(:mod:`crecer.norms.conditions`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import Field, PrivateAttr, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict
from crecer.norms.conditions import (
    Column,
    ColumnType,
    Comparison,
    Condition,
    ConditionError,
    Schema,
    all_of,
    check_condition,
    parse_condition,
    to_sql,
)
from crecer.norms.conditions import Literal as Value
from crecer.norms.schedule import ScheduleNorms

Part = Literal["numerator", "denominator"]  # the two counts of an indicator


@dataclass(frozen=True)
class StatusColumn:
    """One column of the per-child status: its type, whether it may be null, what it says."""

    type: ColumnType
    nullable: bool
    meaning: str


def _required(kind: ColumnType, meaning: str) -> StatusColumn:
    return StatusColumn(kind, False, meaning)


def _nullable(kind: ColumnType, meaning: str) -> StatusColumn:
    return StatusColumn(kind, True, meaning)


_B, _N, _F, _T, _D = (ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.FLOAT, ColumnType.TEXT,
                      ColumnType.DATE)  # fmt: skip

# The columns every profile's status has, in table order; the schedules add theirs after them.
BASE_STATUS_COLUMNS: dict[str, StatusColumn] = {
    "child_id": _required(_N, "the child (registry id; not a key: results outlive merges)"),
    "district_id": _required(_T, "the district of residence (ubigeo)"),
    "populated_center_id": _nullable(_T, "the populated center of residence, if known"),
    "care_facility": _required(_T, "the facility that cares for the child ('' if none)"),
    "sex": _required(_T, "'1' boy, '2' girl"),
    "age_days": _required(_N, "age on the as-of date, in days"),
    "age_months": _required(_N, "age on the as-of date, in completed months"),
    "birth_weight_g": _nullable(_N, "birth weight in grams, if known"),
    "low_birth_weight": _nullable(_B, "below the profile's low birth weight (null: unknown)"),
    "lbw_or_premature": _nullable(_B, "low birth weight or born before the profile's term"),
    "has_dni": _nullable(_B, "has a DNI or CUI"),
    "has_sis": _nullable(_B, "affiliated to SIS"),
    "measured_on": _nullable(_D, "date of the latest valid length/height in the window"),
    "haz": _nullable(_F, "latest valid length/height-for-age z-score in the window"),
    "whz": _nullable(_F, "latest valid weight-for-length/height z-score in the window"),
    "waz": _nullable(_F, "latest valid weight-for-age z-score in the window"),
    "stunted": _nullable(_B, "haz below the stunting cut-off of growth.classify"),
    "severely_stunted": _nullable(_B, "haz below the severe stunting cut-off"),
    "wasted": _nullable(_B, "whz below the wasting cut-off"),
    "overweight": _nullable(_B, "whz above the overweight cut-off"),
    "underweight": _nullable(_B, "waz below the underweight cut-off"),
    "hb_observed": _nullable(_F, "latest Hb result in the window (g/dL)"),
    "hb_adjusted": _nullable(_F, "that result adjusted for altitude (null: altitude unknown)"),
    "anemic": _nullable(_B, "anemic by the rule in force on the test date (null: unadjusted)"),
    "hb_tested_on": _nullable(_D, "date of the latest Hb test in the window"),
}


# The per-pregnancy status the maternal indicators count (crecer.maternal.status builds it):
# one row per pregnancy with its FUR up to the as-of date; ``age_days`` is the gestational age
# (days since the FUR) on the as-of date, or on the outcome date for an ended pregnancy.
MATERNAL_STATUS_COLUMNS: dict[str, StatusColumn] = {
    "pregnancy_id": _required(_N, "the pregnancy"),
    "district_id": _required(_T, "the woman's district of residence (ubigeo)"),
    "populated_center_id": _nullable(_T, "her populated center, if known"),
    "care_facility": _required(_T, "the facility that cares for her ('' if none)"),
    "age_days": _required(_N, "gestational age in days on the as-of date (or at the outcome)"),
    "ongoing": _required(_B, "no outcome recorded yet"),
    "delivered_in_period": _required(
        _B, "ended in a birth (live or still) in the year up to the as-of date"
    ),
    "prenatal_checks": _required(_N, "prenatal checks before the outcome (or the as-of date)"),
    "first_check_first_trimester": _nullable(
        _B, "first prenatal check in the first trimester (schedules flag)"
    ),
    "institutional_delivery": _nullable(_B, "delivered in a health facility (null: unknown)"),
    "low_birth_weight": _nullable(_B, "a newborn below the profile's low birth weight"),
    "premature": _nullable(_B, "born before the profile's term (weeks at birth)"),
    "hb_tested": _required(_B, "an Hb test in the pregnancy"),
    "anemic": _nullable(_B, "latest Hb in the pregnancy anemic for its trimester (adjusted)"),
    "postnatal_checks": _required(_N, "postnatal checks within 42 days of the outcome"),
}


def maternal_status_schema(schedules: ScheduleNorms | None) -> dict[str, StatusColumn]:
    """The per-pregnancy status columns: the base ones, then ``<requirement>_complete`` of every
    pregnancy schedule version."""
    columns = dict(MATERNAL_STATUS_COLUMNS)
    for schedule in schedules.pregnancy if schedules else []:
        for requirement_id in schedule.requirement_ids():
            meaning = f"{requirement_id} complete for gestational age (schedules)"
            columns.setdefault(f"{requirement_id}_complete", _nullable(_B, meaning))
    return columns


def status_schema(schedules: ScheduleNorms | None) -> dict[str, StatusColumn]:
    """Every column of the per-child status of a profile with these ``schedules``: the base
    columns, then ``<requirement>_complete`` for each requirement and each flag of every child
    schedule version (null where the version in force on the as-of date lacks it)."""
    columns = dict(BASE_STATUS_COLUMNS)
    for schedule in schedules.child if schedules else []:
        for requirement_id in schedule.requirement_ids():
            meaning = f"{requirement_id} complete for age (schedules)"
            columns.setdefault(f"{requirement_id}_complete", _nullable(_B, meaning))
        for flag in schedule.flags:
            columns.setdefault(flag.id, _nullable(_B, f"flag {flag.id} (schedules)"))
    return columns


def column_types(schema: dict[str, StatusColumn]) -> Schema:
    """``schema`` as the column types conditions are checked against."""
    return {name: column.type for name, column in schema.items()}


class Target(Strict):
    year: int = Field(ge=2000, le=2100)
    value: float = Field(description="percent")
    source: str | None = Field(default=None, pattern=r"^[a-z0-9_\-]+$")
    note: str | None = None


class Indicator(Cited):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalizedText
    # Population: children of the registry with min_age_days <= age_days < max_age_days on the
    # as-of date, and `population` (an extra condition) when given.
    min_age_days: int = Field(default=0, ge=0)
    max_age_days: int = Field(gt=0)
    population: str | None = None
    denominator: str | None = Field(
        default=None, description="condition within the population (e.g. measured); none: all"
    )
    numerator: str
    lower_is_better: bool = False
    targets: list[Target] = Field(default_factory=list)
    # The parsed conditions, by field ("population", "denominator", "numerator").
    _parsed: dict[str, Condition] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def ages_ordered(self) -> Indicator:
        if self.min_age_days >= self.max_age_days:
            raise ValueError(f"indicator {self.id}: min_age_days must be below max_age_days")
        return self

    @model_validator(mode="after")
    def conditions_parse(self) -> Indicator:
        """Parse every condition once, as the profile loads; the engines render the trees."""
        for field, text in self._texts():
            try:
                self._parsed[field] = parse_condition(text)
            except ConditionError as error:
                raise ValueError(f"indicator {self.id}: {field} {text!r}: {error}") from None
        return self

    def _texts(self) -> list[tuple[str, str]]:
        fields = ("population", "denominator", "numerator")
        return [(field, text) for field in fields if (text := getattr(self, field)) is not None]

    def check_columns(self, schema: Schema) -> None:
        """Raise ``ValueError`` naming the indicator, the condition and the column when a
        condition names a column ``schema`` lacks or uses it against its type."""
        for field, text in self._texts():
            try:
                check_condition(self._parsed[field], schema)
            except ConditionError as error:
                raise ValueError(f"indicator {self.id}: {field} {text!r}: {error}") from None

    def condition(self, part: Part) -> Condition:
        """The whole condition of ``part``: the denominator is the age band, the population
        and the denominator condition; the numerator is all that and the numerator condition."""
        age = Column("age_days")
        parts: list[Condition] = [
            Comparison(">=", age, Value(self.min_age_days)),
            Comparison("<", age, Value(self.max_age_days)),
        ]
        parts += [self._parsed[f] for f in ("population", "denominator") if f in self._parsed]
        if part == "numerator":
            parts.append(self._parsed["numerator"])
        elif part != "denominator":
            raise ValueError(f"part is numerator or denominator, not {part!r}")
        return all_of(*parts)

    def denominator_sql(self, dialect: str = "duckdb") -> str:
        """The whole denominator condition as SQL text of ``dialect``."""
        return to_sql(self.condition("denominator"), dialect)

    def target_for(self, year: int) -> Target | None:
        """The target of ``year``, else the latest earlier one."""
        earlier = [target for target in self.targets if target.year <= year]
        return max(earlier, key=lambda t: t.year) if earlier else None


class AnalyticsNorms(Strict):
    measurement_window_days: int = Field(
        default=365, gt=0, description="a growth check or Hb test older than this is not used"
    )
    indicators: list[Indicator] = Field(min_length=1)
    # Counted over pregnancies (MATERNAL_STATUS_COLUMNS), by the woman's residence.
    maternal_indicators: list[Indicator] = Field(default_factory=list)

    @model_validator(mode="after")
    def unique_ids(self) -> AnalyticsNorms:
        ids = [indicator.id for indicator in [*self.indicators, *self.maternal_indicators]]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"indicator ids repeated: {duplicated}")
        return self

    def check_columns(self, schema: Schema) -> None:
        """Every indicator's conditions against the status columns ``schema``; the error
        names the indicator's place in the profile, as a failure of its own fields does."""
        for index, indicator in enumerate(self.indicators):
            try:
                indicator.check_columns(schema)
            except ValueError as error:
                raise ValueError(f"analytics.indicators[{index}]: {error}") from None

    def check_maternal_columns(self, schema: Schema) -> None:
        for index, indicator in enumerate(self.maternal_indicators):
            try:
                indicator.check_columns(schema)
            except ValueError as error:
                raise ValueError(f"analytics.maternal_indicators[{index}]: {error}") from None

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in [*self.indicators, *self.maternal_indicators]:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)
