"""Typed objects of a country profile. Unknown keys are errors, so a typo never goes unnoticed."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date

from pydantic import BaseModel, Field, field_validator, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict
from crecer.norms.community import CommunityNorms
from crecer.norms.hemoglobin import AnemiaNorms
from crecer.norms.incentives import IncentiveNorms, nominal_schema
from crecer.norms.indicators import (
    AnalyticsNorms,
    StatusColumn,
    column_types,
    maternal_status_schema,
    status_schema,
)
from crecer.norms.juntos import JuntosNorms
from crecer.norms.pan import PanNorms
from crecer.norms.registry import RegistryNorms
from crecer.norms.schedule import ScheduleNorms
from crecer.norms.services import ServiceCodes
from crecer.norms.survey import SurveyNorms

__all__ = ["Cited", "LocalizedText", "Profile", "Strict"]


class Source(Strict):
    """A norm, dataset or publication that a rule cites."""

    id: str = Field(pattern=r"^[a-z0-9_\-]+$")
    title: str
    url: str | None = None
    published: date | None = None
    note: str | None = None


class ProfileInfo(Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    country: str = Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2 code")
    name: LocalizedText
    default_language: str
    languages: list[str] = Field(min_length=1)
    currency: str = Field(pattern=r"^[A-Z]{3}$")
    timezone: str
    version: date

    @model_validator(mode="after")
    def default_language_is_offered(self) -> ProfileInfo:
        if self.default_language not in self.languages:
            raise ValueError(
                f"default_language {self.default_language!r} is not in languages {self.languages}"
            )
        return self


class TerritoryLevel(Strict):
    """One level of the territorial hierarchy, identified by codes of a fixed length."""

    id: str = Field(pattern=r"^[a-z_]+$")
    name: LocalizedText
    plural: LocalizedText
    code_length: int = Field(gt=0, le=20)
    code_name: str
    source: str

    def valid_code(self, code: str) -> bool:
        return len(code) == self.code_length and code.isascii() and code.isdigit()


class Range(Strict):
    """Plausible ranges for values in official territory files; rows outside are rejected."""

    latitude: tuple[float, float]
    longitude: tuple[float, float]
    altitude_m: tuple[float, float]


class Territory(Strict):
    """The territorial hierarchy, from the largest unit down; each code extends its parent's."""

    levels: list[TerritoryLevel] = Field(min_length=1)
    bounds: Range

    @field_validator("levels")
    @classmethod
    def codes_nest(cls, levels: list[TerritoryLevel]) -> list[TerritoryLevel]:
        lengths = [level.code_length for level in levels]
        if lengths != sorted(set(lengths)):
            raise ValueError(f"code lengths must grow strictly from level to level, got {lengths}")
        return levels

    def level(self, level_id: str) -> TerritoryLevel:
        for level in self.levels:
            if level.id == level_id:
                return level
        raise KeyError(f"no territory level {level_id!r}")

    def level_of_code(self, code: str) -> TerritoryLevel | None:
        """The level whose codes have the length of ``code`` (None if no level matches)."""
        if not re.fullmatch(r"[0-9]+", code):
            return None
        return next((lv for lv in self.levels if lv.code_length == len(code)), None)


class Disclosure(Cited):
    """Small-cell suppression of aggregates shown to users without personal-data rights."""

    min_cell: int = Field(default=5, ge=1, description="counts from 1 to min_cell - 1 are hidden")


class Linkage(Cited):
    """Decisions on candidate pairs of records by their match weight (log2 of the Bayes factor,
    prior included): at or above ``auto_link_weight`` linked without review, at or above
    ``review_weight`` sent to a person, below that not linked."""

    auto_link_weight: float = 15.0
    review_weight: float = 6.0
    # An outside record whose two best candidates are this close goes to review, not auto-link.
    ambiguity_margin: float = Field(default=5.0, ge=0)

    @model_validator(mode="after")
    def review_below_auto(self) -> Linkage:
        if self.review_weight > self.auto_link_weight:
            raise ValueError("review_weight must not be above auto_link_weight")
        return self


class Profile(Strict):
    """A whole country profile."""

    profile: ProfileInfo
    sources: list[Source] = Field(default_factory=list)
    territory: Territory
    registry: RegistryNorms
    services: ServiceCodes
    anemia: AnemiaNorms | None = None
    schedules: ScheduleNorms | None = None
    disclosure: Disclosure = Field(default_factory=Disclosure)
    analytics: AnalyticsNorms | None = None
    linkage: Linkage = Field(default_factory=Linkage)
    juntos: JuntosNorms | None = None
    pan: PanNorms | None = None
    survey: SurveyNorms | None = None
    community: CommunityNorms | None = None
    incentives: IncentiveNorms | None = None

    @model_validator(mode="after")
    def cited_sources_exist(self) -> Profile:
        known = {source.id for source in self.sources}
        for index, level in enumerate(self.territory.levels):
            if level.source not in known:
                raise ValueError(
                    f"territory.levels[{index}].source cites {level.source!r}, "
                    f"which is not among the profile's sources {sorted(known)}"
                )
        for path, item in self.cited_items():
            if item.source is not None and item.source not in known:
                raise ValueError(
                    f"{path}.source cites {item.source!r}, "
                    f"which is not among the profile's sources {sorted(known)}"
                )
        return self

    @model_validator(mode="after")
    def conditions_use_status_columns(self) -> Profile:
        if self.analytics is not None:
            self.analytics.check_columns(column_types(self.status_schema()))
            self.analytics.check_maternal_columns(
                column_types(maternal_status_schema(self.schedules))
            )
        return self

    @model_validator(mode="after")
    def sheets_use_their_columns(self) -> Profile:
        """Each incentive sheet's conditions against its nominal table's columns (those of its
        own schedule, or of every version of the child schedule)."""
        if self.incentives is None:
            return self
        for sheet in self.incentives.sheets:
            if sheet.schedule != "child":
                schema = nominal_schema(self.incentives.schedule(sheet.schedule))
            elif self.schedules is None:
                raise ValueError(f"sheet {sheet.key} uses the child schedule; there is none")
            else:
                schema = {}
                for schedule in self.schedules.child:
                    schema |= nominal_schema(schedule)
            sheet.check_columns(schema)
        return self

    @model_validator(mode="after")
    def pan_outputs_are_indicators(self) -> Profile:
        if self.pan is not None:
            known = set()
            if self.analytics is not None:
                known = {
                    i.id for i in [*self.analytics.indicators, *self.analytics.maternal_indicators]
                }
            for product in self.pan.products:
                for output in product.outputs:
                    if output not in known:
                        raise ValueError(
                            f"pan.products[{product.id}] counts unknown indicator {output!r}"
                        )
            for item in self.pan.interventions.items:
                if item.indicator is not None and item.indicator not in known:
                    raise ValueError(
                        f"pan intervention {item.id!r}: unknown indicator {item.indicator!r}"
                    )
        return self

    def status_schema(self) -> dict[str, StatusColumn]:
        """The columns of this profile's per-child status (see :func:`status_schema`)."""
        return status_schema(self.schedules)

    def source(self, source_id: str) -> Source:
        return next(source for source in self.sources if source.id == source_id)

    def cited_items(self) -> Iterator[tuple[str, Cited]]:
        """Every rule and table row that can cite a source, with its dotted path."""
        yield from _walk_cited(self, "")

    def unconfirmed(self) -> list[tuple[str, str]]:
        """``(path, note)`` of every rule or row marked ``unconfirmed = true``."""
        return [(path, item.note or "") for path, item in self.cited_items() if item.unconfirmed]


def _walk_cited(node: object, path: str) -> Iterator[tuple[str, Cited]]:
    if isinstance(node, Cited):
        yield path, node
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk_cited(getattr(node, name), f"{path}.{name}" if path else name)
    elif isinstance(node, list):
        for index, child in enumerate(node):
            label = getattr(child, "id", None) or getattr(child, "label", None) or index
            if getattr(child, "population", "all") != "all":
                label = f"{label}:{child.population}"
            yield from _walk_cited(child, f"{path}[{label}]")
