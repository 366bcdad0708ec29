"""The profile's conditions as Polars expressions (the refresh's counts, the incentive sheets'
nominal tables). Pure: Polars only."""

from __future__ import annotations

import polars as pl

from crecer.norms.conditions import Renderer, Value


class PolarsRenderer(Renderer[pl.Expr, pl.Expr]):
    """A condition as a Polars expression. Polars keeps SQL's three-valued logic (a comparison
    with a null is null, ``~null`` is null, ``null & False`` is False); the caller treats a
    null result as "not counted", as a SQL WHERE does."""

    def column(self, name: str) -> pl.Expr:
        return pl.col(name)

    def literal(self, value: Value) -> pl.Expr:
        return pl.lit(value)

    def all_of(self, parts: list[pl.Expr]) -> pl.Expr:
        return pl.all_horizontal(parts) if len(parts) > 1 else parts[0]

    def any_of(self, parts: list[pl.Expr]) -> pl.Expr:
        return pl.any_horizontal(parts) if len(parts) > 1 else parts[0]

    def negation(self, part: pl.Expr) -> pl.Expr:
        return ~part

    def truth(self, column: str) -> pl.Expr:
        return pl.col(column)

    def comparison(self, operator: str, left: pl.Expr, right: pl.Expr) -> pl.Expr:
        match operator:
            case "=":
                return left == right
            case "<>":
                return left != right
            case "<":
                return left < right
            case "<=":
                return left <= right
            case ">":
                return left > right
            case ">=":
                return left >= right
        raise ValueError(f"unknown comparison {operator!r}")

    def is_null(self, operand: pl.Expr) -> pl.Expr:
        return operand.is_null()

    def in_list(self, operand: pl.Expr, values: list[Value]) -> pl.Expr:
        # Without nulls_equal a null operand gives null, as SQL's IN does.
        return operand.is_in(values)

    def between(self, operand: pl.Expr, low: Value, high: Value) -> pl.Expr:
        return operand.is_between(pl.lit(low), pl.lit(high), closed="both")
