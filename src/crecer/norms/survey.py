"""Survey estimation as data: the interval level, what to do with a stratum of one PSU, the
age bands of the indicators, and when an estimate is too thin to show.

``[survey]`` of a profile; the computation is :mod:`crecer.survey`. The thresholds of the
"too thin" rule were not found in a Peruvian norm: the DHS convention (fewer than 25 unweighted
cases suppressed, 25-49 shown with caution) is quoted from the DHS Guide to Statistics, outside
the domain notes, and the others are Crecer's assumptions; all are ``unconfirmed``.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited

LonelyPsuRule = Literal["fail", "adjust", "remove"]


class CitedWhole(Cited):
    value: int = Field(ge=0)


class CitedFraction(Cited):
    value: float = Field(gt=0, lt=1)


class CitedLonelyPsu(Cited):
    value: LonelyPsuRule


class CitedAgeBand(Cited):
    """Completed months ``from_months`` ≤ age < ``to_months``."""

    from_months: int = Field(ge=0)
    to_months: int = Field(gt=0)

    @model_validator(mode="after")
    def ordered(self) -> CitedAgeBand:
        if self.to_months <= self.from_months:
            raise ValueError("to_months must be above from_months")
        return self


class CitedRule(Cited):
    """An anemia rule id of ``[anemia]`` (None: each test by the rule in force on its date)."""

    value: str | None = None


class SurveyNorms(Cited):
    level: CitedFraction
    lonely_psu: CitedLonelyPsu
    anthropometry_ages: CitedAgeBand
    anemia_ages: CitedAgeBand
    anemia_rule: CitedRule
    min_unweighted_n: CitedWhole
    caution_unweighted_n: CitedWhole
    min_effective_n: CitedWhole
    min_psus: CitedWhole
    caution_cv: CitedFraction

    @model_validator(mode="after")
    def caution_above_minimum(self) -> SurveyNorms:
        if self.caution_unweighted_n.value < self.min_unweighted_n.value:
            raise ValueError("caution_unweighted_n must not be below min_unweighted_n")
        return self
