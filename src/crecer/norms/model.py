"""Typed objects of a country profile. Unknown keys are errors, so a typo never goes unnoticed."""

from __future__ import annotations

import re
from datetime import date

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    """A text in the profile's languages; Spanish and English are required."""

    es: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in ``language`` (``"es-pe"`` counts as ``"es"``); English otherwise."""
        return getattr(self, language.split("-")[0].lower(), self.en)


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
        return len(code) == self.code_length and code.isdigit()


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
        if not re.fullmatch(r"\d+", code):
            return None
        return next((lv for lv in self.levels if lv.code_length == len(code)), None)


class Profile(Strict):
    """A whole country profile."""

    profile: ProfileInfo
    sources: list[Source] = Field(default_factory=list)
    territory: Territory

    @model_validator(mode="after")
    def cited_sources_exist(self) -> Profile:
        known = {source.id for source in self.sources}
        for index, level in enumerate(self.territory.levels):
            if level.source not in known:
                raise ValueError(
                    f"territory.levels[{index}].source cites {level.source!r}, "
                    f"which is not among the profile's sources {sorted(known)}"
                )
        return self

    def source(self, source_id: str) -> Source:
        return next(source for source in self.sources if source.id == source_id)
