"""The indicator catalogue of a country profile: each indicator is a numerator over a
denominator of named children, written as portable SQL conditions over the per-child status
table (see :mod:`crecer.analytics.status` for its columns), so that the same definitions run in
Polars, in SQLite/PostgreSQL (the lists behind a number) and later on a distributed engine."""

from __future__ import annotations

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict


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

    @model_validator(mode="after")
    def ages_ordered(self) -> Indicator:
        if self.min_age_days >= self.max_age_days:
            raise ValueError(f"indicator {self.id}: min_age_days must be below max_age_days")
        return self

    def denominator_sql(self) -> str:
        """The whole denominator condition (population and denominator) in SQL."""
        parts = [f"age_days >= {self.min_age_days}", f"age_days < {self.max_age_days}"]
        parts += [f"({cond})" for cond in (self.population, self.denominator) if cond]
        return " AND ".join(parts)

    def target_for(self, year: int) -> Target | None:
        """The target of ``year``, else the latest earlier one."""
        earlier = [target for target in self.targets if target.year <= year]
        return max(earlier, key=lambda t: t.year) if earlier else None


class AnalyticsNorms(Strict):
    measurement_window_days: int = Field(
        default=365, gt=0, description="a growth check or Hb test older than this is not used"
    )
    indicators: list[Indicator] = Field(min_length=1)

    @model_validator(mode="after")
    def unique_ids(self) -> AnalyticsNorms:
        ids = [indicator.id for indicator in self.indicators]
        duplicated = sorted({i for i in ids if ids.count(i) > 1})
        if duplicated:
            raise ValueError(f"indicator ids repeated: {duplicated}")
        return self

    def indicator(self, indicator_id: str) -> Indicator:
        for indicator in self.indicators:
            if indicator.id == indicator_id:
                return indicator
        raise KeyError(indicator_id)
