"""Service codes Crecer itself gives a meaning to (data only).

The schedules count codes; these say what a code *is* where a file or a form needs to know:
which codes are a CRED check, which carry an Hb result, and which one an Hb value recorded
without its own code stands for.
"""

from __future__ import annotations

from pydantic import Field, model_validator

from crecer.norms.base import Cited, Strict


class CodeSet(Cited):
    """The codes (HIS-MINSA in Peru) of one kind of service."""

    codes: list[str] = Field(min_length=1)


class HbTestCodes(CodeSet):
    """The codes of an Hb test: a result is read from the lab value of any of them; an Hb value
    recorded without one of them is recorded as ``recorded_as``."""

    recorded_as: str = Field(min_length=1)

    @model_validator(mode="after")
    def recorded_as_is_a_test_code(self) -> HbTestCodes:
        if self.recorded_as not in self.codes:
            raise ValueError(f"recorded_as {self.recorded_as!r} is not among codes {self.codes}")
        return self


class ServiceCodes(Strict):
    """``[services]`` of a profile."""

    cred: CodeSet
    hb_test: HbTestCodes
