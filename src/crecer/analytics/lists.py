"""The children behind a number: those of an indicator's numerator or denominator in one
territory unit, as the refresh computed them, limited to what the user may see."""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Expression, F, Q, QuerySet, Value
from django.db.models.lookups import (
    Exact,
    GreaterThan,
    GreaterThanOrEqual,
    In,
    IsNull,
    LessThan,
    LessThanOrEqual,
    Lookup,
    Range,
)

from crecer.analytics.indicators import FINER, RESIDENCE, unit_levels
from crecer.analytics.models import ChildStatus, Refresh
from crecer.norms import Profile
from crecer.norms.conditions import Renderer
from crecer.norms.conditions import Value as Literal
from crecer.norms.indicators import Indicator, Part
from crecer.profile import current_profile
from crecer.registry.models import Child
from crecer.territory.models import within

_LOOKUPS: dict[str, type[Lookup]] = {
    "=": Exact,
    "<": LessThan,
    "<=": LessThanOrEqual,
    ">": GreaterThan,
    ">=": GreaterThanOrEqual,
}


class DjangoRenderer(Renderer[Q, Expression]):
    """A condition as a ``Q`` of lookup expressions, for any database Django supports.

    Lookups on expressions (``Exact(F("stunted"), True)``), not keyword lookups
    (``stunted=True``): Django negates a keyword lookup on a nullable column as "not equal or
    null", so ``~Q(stunted=True)`` would count the children whose ``stunted`` is unknown, where
    SQL's ``NOT stunted`` (and Polars) leave them out. A negated expression stays ``NOT (…)``."""

    def column(self, name: str) -> Expression:
        return F(name)  # type: ignore[return-value]  # an F resolves to the column's expression

    def literal(self, value: Literal) -> Expression:
        return Value(value)

    def all_of(self, parts: list[Q]) -> Q:
        return Q(*parts)

    def any_of(self, parts: list[Q]) -> Q:
        return reduce(or_, parts)

    def negation(self, part: Q) -> Q:
        return ~part

    def truth(self, column: str) -> Q:
        return Q(Exact(F(column), True))

    def comparison(self, operator: str, left: Expression, right: Expression) -> Q:
        if operator == "<>":
            return ~Q(Exact(left, right))  # NOT (a = b) is null exactly when a <> b is
        return Q(_LOOKUPS[operator](left, right))

    def is_null(self, operand: Expression) -> Q:
        return Q(IsNull(operand, True))

    def in_list(self, operand: Expression, values: list[Literal]) -> Q:
        return Q(In(operand, values))

    def between(self, operand: Expression, low: Literal, high: Literal) -> Q:
        return Q(Range(operand, (low, high)))


def condition_filter(indicator: Indicator, part: Part) -> Q:
    """The rows of ``part`` of ``indicator``, as a filter on :class:`ChildStatus`."""
    return DjangoRenderer().render(indicator.condition(part))


def unit_filter(level: str, code: str, profile: Profile | None = None) -> Q:
    """The status rows of unit ``code`` at ``level`` (a level of the profile's
    :func:`~crecer.analytics.indicators.unit_levels`)."""
    by_name = {unit.id: unit for unit in unit_levels(profile or current_profile())}
    if level not in by_name:
        raise ValueError(f"unknown level {level!r}")
    unit = by_name[level]
    if unit.column is None:
        return Q()
    if unit.column == RESIDENCE:
        return within(code)  # a range of ubigeos, which uses the column's index
    if unit.column == FINER:
        return Q(populated_center_id=code)
    return Q(**{unit.column: code})


def statuses_behind(
    refresh: Refresh, indicator: Indicator, level: str, code: str, part: str
) -> QuerySet[ChildStatus]:
    """Status rows of the ``part`` ("numerator" or "denominator") of one indicator cell. The
    catalogue's conditions run in the database, as they ran in Polars."""
    if part not in ("numerator", "denominator"):
        raise ValueError(f"part is numerator or denominator, not {part!r}")
    return ChildStatus.objects.filter(
        unit_filter(level, code), condition_filter(indicator, part), refresh=refresh
    )


def children_behind(
    user: Any, refresh: Refresh, indicator: Indicator, level: str, code: str, part: str
) -> QuerySet[Child]:
    ids = statuses_behind(refresh, indicator, level, code, part).values("child_id")
    return Child.objects.visible_to(user).filter(pk__in=ids)
