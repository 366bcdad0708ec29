"""Hemoglobin norms: cut-offs by group and severity, and altitude adjustments (data only)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited, Strict

MAX_AGE_MONTHS = 1500


class AltitudeBand(Cited):
    """From ``from_m`` metres up to the next band, subtract ``subtract`` g/dL from observed Hb."""

    from_m: float
    subtract: float = Field(ge=0, le=10)


class AltitudeAdjustment(Cited):
    """A way to lower observed Hb for altitude: a band table or the WHO quadratic formula."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    kind: Literal["bands", "formula"]
    bands: list[AltitudeBand] = Field(default_factory=list)
    linear_g_per_l: float | None = None
    quadratic_g_per_l: float | None = None

    @model_validator(mode="after")
    def complete_for_its_kind(self) -> AltitudeAdjustment:
        if self.kind == "bands":
            starts = [band.from_m for band in self.bands]
            if not starts:
                raise ValueError(f"altitude adjustment {self.id!r} of kind 'bands' has no bands")
            if starts != sorted(set(starts)):
                raise ValueError(f"bands of {self.id!r} must rise strictly by from_m, got {starts}")
            if self.linear_g_per_l is not None or self.quadratic_g_per_l is not None:
                raise ValueError(f"{self.id!r}: a band table takes no formula coefficients")
        elif self.linear_g_per_l is None or self.quadratic_g_per_l is None or self.bands:
            raise ValueError(
                f"{self.id!r}: a formula needs linear_g_per_l and quadratic_g_per_l, and no bands"
            )
        return self


class Cutoff(Cited):
    """Thresholds (g/dL, adjusted Hb) for one group: the lowest value of each class.

    Only ``no_anemia_from`` given: the row tells anemia from no anemia, without severity.
    """

    group: str = Field(min_length=1)
    sex: Literal["any", "F", "M"] = "any"
    pregnant: bool = False
    age_months: tuple[int, int] = (0, MAX_AGE_MONTHS)
    gestational_weeks: tuple[float, float] | None = None
    no_anemia_from: float = Field(gt=0, lt=25)
    mild_from: float | None = Field(default=None, gt=0, lt=25)
    moderate_from: float | None = Field(default=None, gt=0, lt=25)

    @model_validator(mode="after")
    def consistent(self) -> Cutoff:
        low, high = self.age_months
        if not 0 <= low < high:
            raise ValueError(
                f"age_months must be [from, to) with 0 <= from < to, got {[low, high]}"
            )
        if (self.mild_from is None) != (self.moderate_from is None):
            raise ValueError("give both mild_from and moderate_from, or neither")
        falling = (
            self.mild_from is None
            or self.moderate_from is None
            or self.no_anemia_from > self.mild_from > self.moderate_from
        )
        if not falling:
            raise ValueError(
                "thresholds must fall: no_anemia_from > mild_from > moderate_from, got "
                f"{self.no_anemia_from}, {self.mild_from}, {self.moderate_from}"
            )
        if self.pregnant != (self.gestational_weeks is not None):
            raise ValueError("gestational_weeks is given exactly for pregnant = true rows")
        if self.gestational_weeks is not None and not (
            0 <= self.gestational_weeks[0] < self.gestational_weeks[1]
        ):
            raise ValueError(f"gestational_weeks must be [from, to), got {self.gestational_weeks}")
        return self

    @property
    def has_severity(self) -> bool:
        return self.mild_from is not None


class AnemiaRule(Cited):
    """The cut-offs and the altitude adjustment in force from ``valid_from``."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    valid_from: date
    altitude_adjustment: str
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")
    cutoffs: list[Cutoff] = Field(min_length=1)

    @model_validator(mode="after")
    def rows_do_not_overlap(self) -> AnemiaRule:
        rows = self.cutoffs
        for i, first in enumerate(rows):
            for second in rows[i + 1 :]:
                if first.pregnant != second.pregnant:
                    continue
                if first.pregnant:
                    assert first.gestational_weeks
                    assert second.gestational_weeks
                    overlap = _overlaps(first.gestational_weeks, second.gestational_weeks)
                else:
                    same_sex = "any" in (first.sex, second.sex) or first.sex == second.sex
                    overlap = same_sex and _overlaps(first.age_months, second.age_months)
                if overlap:
                    raise ValueError(
                        f"rule {self.id!r}: cut-off rows {first.group!r} and {second.group!r} "
                        "overlap; each person must fall in one row"
                    )
        return self


def _overlaps(a: tuple[float, float], b: tuple[float, float]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


class AnemiaNorms(Strict):
    """All hemoglobin rules of a profile; the one in force on a date is chosen by ``valid_from``."""

    altitude_adjustments: list[AltitudeAdjustment] = Field(min_length=1)
    rules: list[AnemiaRule] = Field(min_length=1)

    @model_validator(mode="after")
    def references_resolve(self) -> AnemiaNorms:
        adjustment_ids = [adjustment.id for adjustment in self.altitude_adjustments]
        rule_ids = [rule.id for rule in self.rules]
        for label, ids in (("altitude adjustment", adjustment_ids), ("rule", rule_ids)):
            if len(ids) != len(set(ids)):
                raise ValueError(f"anemia {label} ids must be unique, got {ids}")
        for rule in self.rules:
            if rule.altitude_adjustment not in adjustment_ids:
                raise ValueError(
                    f"rule {rule.id!r} uses altitude_adjustment {rule.altitude_adjustment!r}, "
                    f"which is not among {adjustment_ids}"
                )
        starts = [rule.valid_from for rule in self.rules]
        if len(starts) != len(set(starts)):
            raise ValueError("two anemia rules start on the same valid_from date")
        return self

    def rule(self, rule_id: str) -> AnemiaRule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(f"no anemia rule {rule_id!r}; known: {[r.id for r in self.rules]}")

    def adjustment(self, adjustment_id: str) -> AltitudeAdjustment:
        for adjustment in self.altitude_adjustments:
            if adjustment.id == adjustment_id:
                return adjustment
        known = [a.id for a in self.altitude_adjustments]
        raise KeyError(f"no altitude adjustment {adjustment_id!r}; known: {known}")

    def rules_by_date(self) -> list[AnemiaRule]:
        """Rules from the oldest ``valid_from`` to the newest."""
        return sorted(self.rules, key=lambda rule: rule.valid_from)

    def rule_in_force(self, on: date) -> AnemiaRule:
        """The rule with the latest ``valid_from`` on or before ``on``."""
        in_force = [rule for rule in self.rules_by_date() if rule.valid_from <= on]
        if not in_force:
            raise KeyError(f"no anemia rule in force on {on}")
        return in_force[-1]
