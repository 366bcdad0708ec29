"""JUNTOS conditional transfers as data: targeting, co-responsibilities, amounts, suspensions.

``[juntos]`` of a profile. Every number is a small cited value (``{ value = ..., source = ...}``)
so that its source and whether it is confirmed sit next to it; the verification engine is
:mod:`crecer.transfers`.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText, Strict

Member = Literal["child", "pregnant", "postpartum", "student"]
Anchor = Literal["period_end", "birth", "delivery"]
Needs = Literal["facility", "school"]
AmountId = Literal["base", "tpi", "tas"]


class CitedFloat(Cited):
    value: float


class CitedRate(Cited):
    """A proportion from 0 to 1 (0.40 is 40 %)."""

    value: float = Field(ge=0, le=1)


class CitedCount(Cited):
    value: int = Field(ge=0)


class CitedFlag(Cited):
    value: bool


class Amount(Cited):
    """A transfer in the profile's currency, per cycle, in force from ``valid_from`` to
    ``valid_to`` (inclusive; open-ended when absent)."""

    id: AmountId
    amount: float = Field(ge=0)
    per: Literal["household", "student"]
    valid_from: date
    valid_to: date | None = None
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")

    @model_validator(mode="after")
    def dates_in_order(self) -> Amount:
        if self.valid_to is not None and self.valid_to < self.valid_from:
            raise ValueError(f"amount {self.id!r}: valid_to is before valid_from")
        return self


class CheckTier(Strict):
    """``checks`` more prenatal checks due before month ``before_month`` of pregnancy starts."""

    before_month: int = Field(ge=2)
    checks: int = Field(ge=1)


class Condition(Cited):
    """One co-responsibility of one kind of member in a period.

    ``member``: ``child`` and ``student`` by age in days at the period's end (``from_age_days``
    to ``to_age_days``, inclusive); ``pregnant`` (a FUR given), ``postpartum`` (a delivery given).
    ``anchor``: where the window of ``within_days`` days lies: ending on the period's end
    (``period_end``), starting at birth (``birth``: days 0 to within_days - 1) or the day after
    the delivery (``delivery``: days 1 to within_days). A window anchored at birth or delivery
    is verified in the period in which it closes. ``at_least`` events with a code in ``codes``
    (distinct days) must fall in it; an empty ``codes`` takes the profile's defaults (the CRED
    codes of ``[services.cred]``, the pregnancy schedule's ``prenatal`` codes, the postpartum
    schedule's ``postnatal`` codes). ``tiers`` (pregnant women): the JUNTOS month rule, checks
    due before months of pregnancy, cumulative. ``max_absence`` (students): the largest share
    of school days absent per term.
    """

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: LocalizedText
    member: Member
    from_age_days: int | None = Field(default=None, ge=0)
    to_age_days: int | None = Field(default=None, ge=0)
    codes: list[str] = Field(default_factory=list)
    at_least: int = Field(default=1, ge=0)
    anchor: Anchor = "period_end"
    within_days: int | None = Field(default=None, gt=0)
    tiers: list[CheckTier] = Field(default_factory=list)
    max_absence: float | None = Field(default=None, ge=0, le=1)
    needs: Needs
    source: str = Field(pattern=r"^[a-z0-9_\-]+$")

    @model_validator(mode="after")
    def consistent(self) -> Condition:
        if (
            self.from_age_days is not None
            and self.to_age_days is not None
            and self.to_age_days < self.from_age_days
        ):
            raise ValueError(f"condition {self.id!r}: to_age_days < from_age_days")
        if self.member == "student":
            if self.max_absence is None or self.needs != "school":
                raise ValueError(f"condition {self.id!r}: a student needs max_absence and school")
        elif self.needs != "facility":
            raise ValueError(f"condition {self.id!r}: health conditions need a facility")
        if self.member == "pregnant" and not self.tiers:
            raise ValueError(f"condition {self.id!r}: a pregnant woman's condition needs tiers")
        if self.member in ("child", "postpartum") and self.within_days is None:
            raise ValueError(f"condition {self.id!r}: needs within_days")
        if self.member == "postpartum" and self.anchor != "delivery":
            raise ValueError(f"condition {self.id!r}: postpartum windows start at the delivery")
        if self.member == "child" and self.anchor == "delivery":
            raise ValueError(f"condition {self.id!r}: a child's window cannot start at delivery")
        months = [tier.before_month for tier in self.tiers]
        if months != sorted(set(months)):
            raise ValueError(f"condition {self.id!r}: tiers' before_month must grow strictly")
        return self


class TpiItem(Cited):
    """One part of the TPI child package: requirements of the child schedule, all complete for
    age at the period's end (``R_complete`` of :func:`crecer.schedules.child_status`)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: LocalizedText
    requirements: list[str] = Field(min_length=1)


class TpiRule(Cited):
    """Who makes a household eligible for the TPI (a pregnant woman, a child under
    ``child_under_days`` days at the period's end) and what the child must have done."""

    pregnant: bool = True
    child_under_days: CitedCount
    package: list[TpiItem] = Field(min_length=1)


class CitedLevel(Cited):
    """A level of an ordered list, with its citation."""

    value: str = Field(min_length=1)


class PepiRule(Cited):
    """MIDIS's PEPI population: at least ``min_circumstances`` of the four circumstances."""

    min_circumstances: CitedCount
    rural_max_dwellings: CitedCount
    indigenous_languages: list[str] = Field(min_length=1)
    indigenous_languages_cited: Cited = Field(default_factory=Cited)
    education_levels: list[str] = Field(min_length=2)
    education_at_or_below: CitedLevel
    max_quintile: CitedCount

    @model_validator(mode="after")
    def level_known(self) -> PepiRule:
        if self.education_at_or_below.value not in self.education_levels:
            raise ValueError(
                f"education_at_or_below {self.education_at_or_below.value!r} is not among "
                f"education_levels {self.education_levels}"
            )
        return self


class JuntosNorms(Cited):
    """``[juntos]`` of a profile."""

    district_poverty_threshold: CitedRate
    cse_validity_years: CitedCount
    residence_months: CitedCount
    cycle_months: CitedCount
    suspensions_to_disaffiliate: CitedCount
    suspensions_consecutive: CitedFlag
    unverifiable_withholds: CitedFlag
    amounts: list[Amount] = Field(min_length=1)
    tpi: TpiRule
    conditions: list[Condition] = Field(min_length=1)
    pepi: PepiRule

    @model_validator(mode="after")
    def ids_unique(self) -> JuntosNorms:
        ids = [condition.id for condition in self.conditions] + [i.id for i in self.tpi.package]
        if len(ids) != len(set(ids)):
            raise ValueError(f"juntos condition and TPI item ids repeat: {ids}")
        for kind in ("base",):
            if not any(amount.id == kind for amount in self.amounts):
                raise ValueError(f"juntos.amounts has no {kind!r} amount")
        return self

    def amount(self, amount_id: AmountId, on: date) -> Amount | None:
        """The amount ``amount_id`` in force on ``on`` (the latest ``valid_from``); None if none."""
        in_force = [
            a
            for a in self.amounts
            if a.id == amount_id and a.valid_from <= on and (a.valid_to is None or on <= a.valid_to)
        ]
        return max(in_force, key=lambda a: a.valid_from) if in_force else None
