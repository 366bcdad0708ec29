"""What the nominal registry accepts in an official file (data only)."""

from __future__ import annotations

from pydantic import Field, model_validator

from crecer.norms.base import Cited, Strict


class BirthRanges(Cited):
    """Plausible values at birth, each ``[low, high]`` inclusive: a value outside is rejected
    as a typing error, not kept as an outlier."""

    birth_weight_g: tuple[int, int]
    gestational_age_weeks: tuple[int, int]

    @model_validator(mode="after")
    def ranges_rise(self) -> BirthRanges:
        for name in ("birth_weight_g", "gestational_age_weeks"):
            low, high = getattr(self, name)
            if not 0 <= low < high:
                raise ValueError(f"{name} must be [low, high] with 0 <= low < high")
        return self


class SameChild(Cited):
    """When a row that matches a stored child by an identifier still describes another
    child: a different sex, or a birth date more than ``birth_date_days`` away. Such a row
    is quarantined instead of overwriting the record (a typo in a DNI, another file's
    numbering)."""

    birth_date_days: int = Field(ge=0)


class RegistryNorms(Strict):
    """``[registry]`` of a profile."""

    plausible_at_birth: BirthRanges
    same_child: SameChild
