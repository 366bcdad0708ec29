"""Building blocks shared by every part of a profile: strict models, texts, citations."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class LocalizedText(Strict):
    """A text in the profile's languages; Spanish and English are required."""

    es: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, language: str) -> str:
        """The text in ``language`` (``"es-pe"`` counts as ``"es"``); English otherwise."""
        return getattr(self, language.split("-")[0].lower(), self.en)


class Cited(Strict):
    """A rule or a row of a table that may cite its own source and be flagged as unconfirmed.

    ``unconfirmed = true`` marks a number that rests on secondary sources (or on a Crecer choice
    where the norm was not read); ``note`` says what to check. A row without ``source`` inherits
    the source of the rule that holds it.
    """

    source: str | None = Field(default=None, pattern=r"^[a-z0-9_\-]+$")
    unconfirmed: bool = False
    note: str | None = None
