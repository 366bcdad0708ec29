"""Performance-incentive indicator sheets as data, per edition (``[incentives]`` of a profile).

An indicator of FED or PIM is named by its **edition and code** together, never by the code
alone: SI-03.01 is CRED at 364 days in FED 2024-2025 and an Hb test of adolescent women in FED
2025-2026 (incentives.md). A sheet gives who is counted in a measurement month (its cohort),
the exclusions, the components of the numerator, the unit and the source; its conditions are
written over the columns of the sheet's nominal table (:func:`nominal_schema`: one row per
child of the cohort, the schedule's requirements and flags evaluated on the child's own day)
and are compiled into the foundations' indicator catalogue (:meth:`Sheet.indicator`).

FED's own rules that Crecer's indicators do not follow (MC-02.01's iron paths, say) are
schedules of their own (``[[incentives.schedules]]``, the same model as the child schedule):
they are evaluated only for the sheets, and add no column to the status of every child.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict
from crecer.norms.conditions import (
    Column,
    ColumnType,
    Comparison,
    Condition,
    ConditionError,
    Not,
    all_of,
    check_condition,
    parse_condition,
)
from crecer.norms.conditions import Literal as Value
from crecer.norms.indicators import Indicator, StatusColumn, column_types
from crecer.norms.schedule import Schedule

Program = Literal["FED", "PIM"]
Subject = Literal["child", "adolescent", "pregnancy", "municipality"]


def _column(kind: ColumnType, meaning: str) -> StatusColumn:
    return StatusColumn(kind, False, meaning)


_B, _N, _T, _D = (ColumnType.BOOLEAN, ColumnType.INTEGER, ColumnType.TEXT, ColumnType.DATE)

# The columns every nominal table has, before the schedule's requirements and flags. Birth weight
# and gestational age unknown count as normal (no CNV row: as the schedules engine and the
# SI-03.01 script read them).
NOMINAL_COLUMNS: dict[str, StatusColumn] = {
    "child_id": _column(_N, "the child (registry id)"),
    "district_id": _column(_T, "the district of residence (ubigeo), as the Padrón gives it"),
    "evaluated_on": _column(_D, "the day the child is evaluated on (the cohort's day)"),
    "age_days": _column(_N, "age in days on evaluated_on"),
    "low_birth_weight": _column(_B, "birth weight known and below the profile's limit"),
    "premature": _column(_B, "gestational age known and below the profile's term"),
    "lbw_or_premature": _column(_B, "low_birth_weight or premature"),
    "has_dni": _column(_B, "has a DNI or CUI"),
    "has_sis": _column(_B, "affiliated to SIS"),
    "district_poverty_quintile": StatusColumn(
        _N, True, "the district's quintile of departmental poverty (1 poorest; null: not given)"
    ),
}


def nominal_schema(schedule: Schedule) -> dict[str, StatusColumn]:
    """The columns of a sheet's nominal table under ``schedule``: the base ones, then
    ``<requirement>_complete`` of each requirement and each flag."""
    columns = dict(NOMINAL_COLUMNS)
    for requirement_id in schedule.requirement_ids():
        columns[f"{requirement_id}_complete"] = _column(_B, f"{requirement_id} complete for age")
    for flag in schedule.flags:
        columns[flag.id] = _column(_B, f"flag {flag.id}")
    return columns


def slug(text: str) -> str:
    """``"FED 2024-2025"`` -> ``"fed_2024_2025"``; ``"SI-03.01"`` -> ``"si_03_01"``."""
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


class Edition(Cited):
    """One edition of an incentive programme: ``FED 2024-2025``, ``PIM 2026``…"""

    id: str = Field(min_length=1)  # as officials name it, e.g. "FED 2024-2025"
    program: Program
    starts: date | None = None
    ends: date | None = None
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")


class Cohort(Cited):
    """Who a sheet counts in a measurement month, and on which day each child is evaluated.

    ``turning``: the children who reach ``age_days`` in the month, each evaluated on that day
    (SI-03.01: "children turning 364 days in the month"). ``age_at_month_end``: the children
    aged ``min_age_days`` to ``max_age_days`` (both included) on the month's last day, evaluated
    on that day (MC-02.01: 0-364 days)."""

    rule: Literal["turning", "age_at_month_end"]
    age_days: int | None = Field(default=None, ge=0)
    min_age_days: int = Field(default=0, ge=0)
    max_age_days: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def one_form(self) -> Cohort:
        if self.rule == "turning" and self.age_days is None:
            raise ValueError("cohort rule 'turning' needs age_days")
        if self.rule == "age_at_month_end" and (
            self.max_age_days is None or self.max_age_days < self.min_age_days
        ):
            raise ValueError("cohort rule 'age_at_month_end' needs max_age_days >= min_age_days")
        return self

    def ages(self) -> tuple[int, int]:
        """Ages (days, both included) of the children counted on their evaluation day."""
        if self.rule == "turning":
            assert self.age_days is not None
            return self.age_days, self.age_days
        assert self.max_age_days is not None
        return self.min_age_days, self.max_age_days


class Part(Cited):
    """An exclusion or a component of a sheet: a condition over the nominal table."""

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: LocalizedText
    condition: str = Field(min_length=1)

    def parsed(self) -> Condition:
        return parse_condition(self.condition)


class Sheet(Cited):
    """One indicator of one edition: its technical sheet as data.

    ``schedule``: ``"child"`` (the profile's child schedule in force on the month's last day)
    or the id of one of ``[[incentives.schedules]]``. ``computable = false``: Crecer holds no
    data for it (its ``note`` says why); it is listed, never computed. The denominator is the
    cohort, the ``population`` condition, and no exclusion; the numerator adds every component.
    """

    edition: str
    code: str = Field(min_length=1)
    name: LocalizedText
    kind: Literal["MC", "CG", "PIM"]
    precondition: bool = False
    subject: Subject = "child"
    computable: bool = True
    unit: Literal["percent"] = "percent"
    lower_is_better: bool = False
    schedule: str = "child"
    cohort: Cohort | None = None
    population: str | None = None
    exclusions: list[Part] = Field(default_factory=list)
    components: list[Part] = Field(default_factory=list)
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")

    @model_validator(mode="after")
    def computable_has_parts(self) -> Sheet:
        if self.computable and (self.cohort is None or not self.components):
            raise ValueError(f"sheet {self.key}: a computable sheet needs a cohort and components")
        ids = [part.id for part in [*self.exclusions, *self.components]]
        if len(ids) != len(set(ids)):
            raise ValueError(f"sheet {self.key}: exclusion and component ids repeat: {ids}")
        for text in self.conditions():
            try:
                parse_condition(text)
            except ConditionError as error:
                raise ValueError(f"sheet {self.key}: {text!r}: {error}") from None
        return self

    @property
    def key(self) -> str:
        """``"FED 2024-2025 SI-03.01"``: how the sheet is named (the code alone is not enough)."""
        return f"{self.edition} {self.code}"

    def conditions(self) -> list[str]:
        found = [self.population] if self.population else []
        return found + [part.condition for part in [*self.exclusions, *self.components]]

    def check_columns(self, schema: dict[str, StatusColumn]) -> None:
        for text in self.conditions():
            try:
                check_condition(parse_condition(text), column_types(schema))
            except ConditionError as error:
                raise ValueError(f"sheet {self.key}: {text!r}: {error}") from None

    def indicator(self) -> Indicator:
        """The sheet compiled into the catalogue's :class:`Indicator` (over its nominal table):
        ages from the cohort, the population without the exclusions, all the components."""
        if self.cohort is None:
            raise ValueError(f"sheet {self.key} has no cohort: it is not computable")
        low, high = self.cohort.ages()
        population = [f"({self.population})"] if self.population else []
        population += [f"NOT ({part.condition})" for part in self.exclusions]
        return Indicator(
            id=f"{slug(self.edition)}_{slug(self.code)}",
            name=self.name,
            min_age_days=low,
            max_age_days=high + 1,
            population=" AND ".join(population) or None,
            numerator=" AND ".join(f"({part.condition})" for part in self.components),
            lower_is_better=self.lower_is_better,
            source=self.source,
            unconfirmed=self.unconfirmed,
            note=self.note,
        )

    def excluded(self) -> Condition:
        """True for a child of the cohort that an exclusion takes out."""
        parts = [part.parsed() for part in self.exclusions]
        if not parts:
            return Comparison("=", Value(1), Value(0))
        return Not(all_of(*(Not(part) for part in parts)))

    def cohort_ages(self) -> Condition:
        low, high = self.cohort.ages() if self.cohort else (0, 0)
        age = Column("age_days")
        return all_of(Comparison(">=", age, Value(low)), Comparison("<=", age, Value(high)))


class IncentiveNorms(Strict):
    """The editions, FED's own schedules and the indicator sheets of a profile."""

    editions: list[Edition] = Field(min_length=1)
    schedules: list[Schedule] = Field(default_factory=list)
    sheets: list[Sheet] = Field(default_factory=list)

    @model_validator(mode="after")
    def references_resolve(self) -> IncentiveNorms:
        editions = [edition.id for edition in self.editions]
        if len(editions) != len(set(editions)):
            raise ValueError(f"editions repeat: {editions}")
        schedules = {schedule.id for schedule in self.schedules}
        keys: set[str] = set()
        for sheet in self.sheets:
            if sheet.edition not in editions:
                raise ValueError(f"sheet {sheet.key}: unknown edition {sheet.edition!r}")
            if sheet.key in keys:
                raise ValueError(f"sheet {sheet.key} is given twice")
            keys.add(sheet.key)
            if sheet.schedule != "child" and sheet.schedule not in schedules:
                raise ValueError(f"sheet {sheet.key}: unknown schedule {sheet.schedule!r}")
        return self

    def sheet(self, edition: str, code: str) -> Sheet:
        """The sheet of ``code`` in ``edition`` (both needed: codes repeat across editions)."""
        for sheet in self.sheets:
            if sheet.edition == edition and sheet.code == code:
                return sheet
        raise KeyError(f"{edition} {code}")

    def schedule(self, schedule_id: str) -> Schedule:
        return next(schedule for schedule in self.schedules if schedule.id == schedule_id)
