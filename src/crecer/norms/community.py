"""Community monitoring and home visits as data: what a CPVC's meeting pack shows, and the
rules that make a home visit valid for the municipal incentive (PIM, incentives.md).

``[community]`` of a profile. The note read (incentives.md) gives the app's age bands (1 = 3-5
months, 2 = 6-12 months), that it counts "valid visits per month" and "valid calls", that a
visit may be marked "not valid" or "limit exceeded" by the application and that a sample is
checked by monitors; it does **not** give the number of visits per month, the limits or the
minimum duration ("not found: the exact visit-count rules of Meta 4"). Those numbers are
Crecer's assumptions, each marked ``unconfirmed``; the judging is :mod:`crecer.visits`.
"""

from __future__ import annotations

from itertools import pairwise

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict
from crecer.norms.juntos import CitedCount, CitedFlag


class AgeBand(Cited):
    """Children of ``from_months`` to ``to_months`` completed months (inclusive) on the visit
    day: ``required`` valid visits a month count the child as visited; visits beyond
    ``max_per_month`` in a month are not valid (the application's "limit exceeded")."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    code: str = Field(description="the application's 'Rango de edad' code")
    name: LocalizedText
    from_months: int = Field(ge=0)
    to_months: int = Field(ge=0)
    required: CitedCount
    max_per_month: CitedCount

    @model_validator(mode="after")
    def consistent(self) -> AgeBand:
        if self.to_months < self.from_months:
            raise ValueError(f"age band {self.id!r}: to_months < from_months")
        if self.max_per_month.value < self.required.value:
            raise ValueError(f"age band {self.id!r}: max_per_month below required")
        return self


class PimVisits(Cited):
    """The home-visit rules of the PIM anemia commitment (Meta 4 / Compromiso 1)."""

    bands: list[AgeBand] = Field(min_length=1)
    min_duration_minutes: CitedCount
    one_per_day: CitedFlag
    calls_count_as_visits: CitedFlag
    # Words of the application's "Estado de Visita" that mean the visit is not valid.
    invalid_statuses: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def bands_do_not_overlap(self) -> PimVisits:
        spans = sorted((band.from_months, band.to_months) for band in self.bands)
        for (_, end), (start, _) in pairwise(spans):
            if start <= end:
                raise ValueError("pim age bands overlap")
        return self


class PackIndicator(Strict):
    """An indicator of ``[analytics]`` shown by populated center in the meeting pack."""

    id: str


class CunaMas(Cited):
    """Cuna Más day care (SCD): the children it takes, from ``from_months`` to
    ``to_months`` completed months (inclusive) on the day of enrolment, and the meals a day."""

    from_months: CitedCount
    to_months: CitedCount
    meals_per_day: CitedCount

    @model_validator(mode="after")
    def consistent(self) -> CunaMas:
        if self.to_months.value < self.from_months.value:
            raise ValueError("cuna_mas: to_months < from_months")
        return self


class CommunityNorms(Cited):
    pack_indicators: list[PackIndicator] = Field(default_factory=list)
    pim: PimVisits
    cuna_mas: CunaMas | None = None
