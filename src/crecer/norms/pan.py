"""The Articulated Nutrition Program (PAN, budget programme 0001) as data: its products and
activities, the Crecer counts that measure each product's physical output, the supplies whose
stock the anemia dashboard follows (with the monthly dose a child due for iron needs), the
stock thresholds, and the catalogue of the early-childhood guidelines' effective interventions.

``[pan]`` of a profile. Codes and units the domain notes could not verify are stored with
``unconfirmed = true``; the pure computation is :mod:`crecer.pan`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from crecer.norms.base import Cited, LocalizedText

Counted = Literal["children", "pregnancies"]
ItemUse = Literal["child_iron", "pregnant_iron", "vaccine", "other"]
Criterion = Literal["norm", "budget", "delivery", "indicator"]
CRITERIA: tuple[Criterion, ...] = ("norm", "budget", "delivery", "indicator")


class CitedCount(Cited):
    value: int = Field(ge=0)


class CitedMonths(Cited):
    value: float = Field(gt=0)


class CitedCode(Cited):
    """A code as the budget extracts write it (``"0001"``), with its citation."""

    value: str = Field(pattern=r"^[0-9]+$")


class Activity(Cited):
    """An activity (``5xxxxxx`` in the extracts) under a product; ``code`` None when no
    source read gave it."""

    code: str | None = Field(default=None, pattern=r"^[0-9]+$")
    name: LocalizedText
    unit: LocalizedText


class Product(Cited):
    """A PAN product (``3xxxxxx``): its name and unit of measure, its activities, and the
    Crecer indicators whose numerator is its physical output (children or pregnancies
    counted by the refresh). ``id`` is Crecer's handle (a product whose code is unknown still
    has one)."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    code: str | None = Field(default=None, pattern=r"^[0-9]+$")
    name: LocalizedText
    unit: LocalizedText
    counts: Counted = "children"
    outputs: list[str] = Field(default_factory=list)
    activities: list[Activity] = Field(default_factory=list)


class SupplyItem(Cited):
    """A stock item of the medicine-supply report. ``use = "child_iron"`` items cover the
    children due for iron: ``monthly_per_child`` units a month each (the dose assumption);
    ``aliases`` are the item names or codes a report may give for it."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: LocalizedText
    unit: LocalizedText
    use: ItemUse
    monthly_per_child: float | None = Field(default=None, gt=0)
    aliases: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def dose_where_needed(self) -> SupplyItem:
        if self.use in ("child_iron", "pregnant_iron") and self.monthly_per_child is None:
            raise ValueError(f"supply item {self.id!r}: an iron item needs monthly_per_child")
        return self


class Intervention(Cited):
    """One effective intervention of the early-childhood guidelines: the result it serves,
    which of the four criteria it meets, and the Crecer indicator that measures it, if any."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: LocalizedText
    result: LocalizedText
    meets: list[Criterion] = Field(default_factory=list)
    indicator: str | None = None


class InterventionCatalogue(Cited):
    """The guidelines' effective interventions. ``published`` holds the counts the seed
    report gives (by state and by criterion); ``items`` the interventions named in the
    sources read. While fewer than ``total`` are named, the counts are the published ones;
    once all are, they must agree with the items."""

    total: CitedCount
    fully_established: CitedCount
    partial: CitedCount
    without_action: CitedCount
    with_norm: CitedCount
    with_budget: CitedCount
    with_delivery: CitedCount
    with_indicator: CitedCount
    items: list[Intervention] = Field(default_factory=list)

    @model_validator(mode="after")
    def counts_agree(self) -> InterventionCatalogue:
        states = self.fully_established.value + self.partial.value + self.without_action.value
        if states != self.total.value:
            raise ValueError(f"interventions by state add up to {states}, not {self.total.value}")
        for criterion, count in self.by_criterion().items():
            if (
                not self.fully_established.value
                <= count
                <= self.total.value - self.without_action.value
            ):
                raise ValueError(f"interventions with {criterion}: {count} is impossible")
        if len(self.items) > self.total.value:
            raise ValueError(f"{len(self.items)} interventions named, more than {self.total.value}")
        if len(self.items) == self.total.value and self.counted() != self.published():
            raise ValueError(
                f"the named interventions count {self.counted()}, "
                f"not the published {self.published()}"
            )
        return self

    def by_criterion(self) -> dict[str, int]:
        return {
            "norm": self.with_norm.value,
            "budget": self.with_budget.value,
            "delivery": self.with_delivery.value,
            "indicator": self.with_indicator.value,
        }

    def published(self) -> dict[str, int]:
        """The published counts, by state and by criterion."""
        counts: dict[str, int] = {
            "fully_established": self.fully_established.value,
            "partial": self.partial.value,
            "without_action": self.without_action.value,
        }
        counts.update(self.by_criterion())
        return counts

    def counted(self) -> dict[str, int]:
        """The same counts computed from the named items."""
        full = sum(len(set(item.meets)) == len(CRITERIA) for item in self.items)
        none = sum(not item.meets for item in self.items)
        counts: dict[str, int] = {
            "fully_established": full,
            "partial": len(self.items) - full - none,
            "without_action": none,
        }
        for criterion in CRITERIA:
            counts[criterion] = sum(criterion in item.meets for item in self.items)
        return counts

    @staticmethod
    def state(item: Intervention) -> str:
        met = len(set(item.meets))
        return (
            "fully_established"
            if met == len(CRITERIA)
            else "without_action"
            if not met
            else "partial"
        )


class StockRule(Cited):
    """When a facility's stock is at risk: fewer than ``min_months`` months of stock;
    ``max_months`` above it is overstock (expiry risk); ``average_months`` of dispensing make
    the average monthly consumption."""

    min_months: CitedMonths
    max_months: CitedMonths
    average_months: CitedCount


class PanNorms(Cited):
    """``[pan]`` of a profile."""

    program: CitedCode
    program_name: LocalizedText
    products: list[Product] = Field(min_length=1)
    supplies: list[SupplyItem] = Field(min_length=1)
    stock: StockRule
    interventions: InterventionCatalogue

    @model_validator(mode="after")
    def ids_unique(self) -> PanNorms:
        for label, ids in (
            ("product", [p.id for p in self.products]),
            ("product code", [p.code for p in self.products if p.code]),
            ("supply item", [s.id for s in self.supplies]),
            ("intervention", [i.id for i in self.interventions.items]),
        ):
            if len(ids) != len(set(ids)):
                raise ValueError(f"pan {label}s repeat: {ids}")
        return self

    def product(self, product_id: str) -> Product:
        for product in self.products:
            if product.id == product_id:
                return product
        raise KeyError(product_id)

    def product_of_code(self, code: str) -> Product | None:
        """The product whose budget code is ``code`` (leading zeros ignored), None if none."""
        wanted = code.lstrip("0")
        return next((p for p in self.products if p.code and p.code.lstrip("0") == wanted), None)

    def item_of(self, name: str) -> SupplyItem | None:
        """The supply item a report's item name or code names (folded), None if none."""
        folded = " ".join(name.upper().split())
        for item in self.supplies:
            if folded == item.id.upper() or folded in {
                " ".join(a.upper().split()) for a in item.aliases
            }:
                return item
        return None
