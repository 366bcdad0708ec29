"""The condition language of the indicator catalogue: a small, portable subset of SQL.

A condition (``"haz IS NOT NULL"``, ``"NOT lbw_or_premature"``) is parsed once, with sqlglot,
into a tree of the frozen nodes below; every engine renders that one tree (Polars for the
aggregates, the Django ORM for the lists behind a number, SQL text for DuckDB or any other
dialect sqlglot writes), the way Splink renders one comparison for several backends.

Only what every engine evaluates alike is allowed: columns, literals (numbers, strings,
booleans), comparisons (``= <> != < <= > >=``), ``AND``/``OR``/``NOT``, ``IS [NOT] NULL``,
``IN`` (a list of literals), ``BETWEEN`` and parentheses. Anything else (a function such as
``IIF``, arithmetic, a subquery, ``*``) is refused with the offending part named.

The meaning is SQL's three-valued logic: a comparison with a null is unknown, ``NOT`` unknown
is unknown, and a row counts only where the whole condition is true. Renderers keep to it.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Generic, TypeAlias, TypeVar

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError, TokenError

ALLOWED = (
    "columns, literals, comparisons (= <> != < <= > >=), AND/OR/NOT, IS [NOT] NULL, "
    "IN (literals), BETWEEN"
)


class ColumnType(StrEnum):
    """The type of a column a condition may name."""

    BOOLEAN = "boolean"
    INTEGER = "integer"
    FLOAT = "float"
    TEXT = "text"
    DATE = "date"


Schema: TypeAlias = Mapping[str, ColumnType]
Value: TypeAlias = bool | int | float | str


class ConditionError(ValueError):
    """A condition outside the language or the schema; ``part`` is what is wrong in it."""

    def __init__(self, part: str, message: str | None = None) -> None:
        self.part = part
        super().__init__(message or part)


# --- The tree --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Value


Operand: TypeAlias = Column | Literal
COMPARISONS = ("=", "<>", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class Comparison:
    operator: str  # one of COMPARISONS ("!=" is read as "<>")
    left: Operand
    right: Operand


@dataclass(frozen=True)
class IsNull:
    operand: Operand


@dataclass(frozen=True)
class InList:
    operand: Operand
    values: tuple[Literal, ...]


@dataclass(frozen=True)
class Between:
    operand: Operand
    low: Literal
    high: Literal


@dataclass(frozen=True)
class Truth:
    """A boolean column used as the condition itself (``stunted``)."""

    column: Column


@dataclass(frozen=True)
class Not:
    condition: Condition


@dataclass(frozen=True)
class And:
    conditions: tuple[Condition, ...]


@dataclass(frozen=True)
class Or:
    conditions: tuple[Condition, ...]


Condition: TypeAlias = Comparison | IsNull | InList | Between | Truth | Not | And | Or


def all_of(*conditions: Condition) -> Condition:
    """The conjunction of ``conditions`` (one condition stays itself)."""
    return conditions[0] if len(conditions) == 1 else And(tuple(conditions))


def columns_of(condition: Condition) -> Iterator[str]:
    """The names of the columns ``condition`` reads, in order, repeated as written."""
    match condition:
        case And(parts) | Or(parts):
            for part in parts:
                yield from columns_of(part)
        case Not(inner):
            yield from columns_of(inner)
        case Truth(column):
            yield column.name
        case Comparison(_, left, right):
            yield from _operand_columns(left, right)
        case IsNull(operand) | InList(operand, _) | Between(operand, _, _):
            yield from _operand_columns(operand)


def _operand_columns(*operands: Operand) -> Iterator[str]:
    yield from (operand.name for operand in operands if isinstance(operand, Column))


# --- Parsing ---------------------------------------------------------------------------------


def parse_condition(text: str) -> Condition:
    """The tree of ``text``; raises :class:`ConditionError` naming what is not allowed."""
    if not text.strip():
        raise ConditionError(repr(text), "the condition is empty")
    try:
        tree = sqlglot.parse_one(text)
    except (ParseError, TokenError) as error:
        raise ConditionError(text, f"not SQL: {_first_line(error)}") from None
    return _Reader(text).condition(tree)


def _first_line(error: Exception) -> str:
    return str(error).splitlines()[0] if str(error) else type(error).__name__


_COMPARISON_NODES: dict[type, str] = {
    exp.EQ: "=",
    exp.NEQ: "<>",
    exp.LT: "<",
    exp.LTE: "<=",
    exp.GT: ">",
    exp.GTE: ">=",
}


@dataclass(frozen=True)
class _Reader:
    """Turns sqlglot's tree into ours, refusing every node outside the language."""

    text: str

    def condition(self, node: exp.Expr) -> Condition:
        if isinstance(node, exp.Paren):
            return self.condition(node.this)
        if isinstance(node, exp.And | exp.Or):
            parts = tuple(self.condition(part) for part in node.flatten())
            return And(parts) if isinstance(node, exp.And) else Or(parts)
        if isinstance(node, exp.Not):
            return Not(self.condition(node.this))
        if isinstance(node, exp.Column):
            return Truth(self.column(node))
        if type(node) in _COMPARISON_NODES:
            operator = _COMPARISON_NODES[type(node)]
            return Comparison(operator, self.operand(node.this), self.operand(node.expression))
        if isinstance(node, exp.Is):
            return self.is_null(node)
        if isinstance(node, exp.In):
            return self.in_list(node)
        if isinstance(node, exp.Between):
            low, high = node.args["low"], node.args["high"]
            return Between(self.operand(node.this), self.literal(low), self.literal(high))
        raise self.refuse(node)

    def is_null(self, node: exp.Is) -> IsNull:
        if not isinstance(node.expression, exp.Null):
            raise ConditionError(node.sql(), f"{node.sql()!r}: IS is only allowed as IS [NOT] NULL")
        return IsNull(self.operand(node.this))

    def in_list(self, node: exp.In) -> InList:
        if node.args.get("query") is not None or node.args.get("unnest") is not None:
            raise ConditionError(node.sql(), f"{node.sql()!r}: IN takes literals, not a subquery")
        values = node.expressions
        if not values:
            raise ConditionError(node.sql(), f"{node.sql()!r}: IN needs at least one literal")
        return InList(self.operand(node.this), tuple(self.literal(v) for v in values))

    def operand(self, node: exp.Expr) -> Operand:
        if isinstance(node, exp.Paren):
            return self.operand(node.this)
        if isinstance(node, exp.Column):
            return self.column(node)
        return self.literal(node)

    def column(self, node: exp.Column) -> Column:
        if node.table or isinstance(node.this, exp.Star):
            raise self.refuse(node)
        return Column(node.name)

    def literal(self, node: exp.Expr) -> Literal:
        if isinstance(node, exp.Boolean):
            return Literal(bool(node.this))
        if isinstance(node, exp.Literal):
            return Literal(node.this if node.is_string else _number(node.this))
        negative = isinstance(node, exp.Neg) and isinstance(node.this, exp.Literal)
        if negative and not node.this.is_string:
            return Literal(-_number(node.this.this))
        if isinstance(node, exp.Null):
            # Any comparison with NULL is unknown: the author meant IS [NOT] NULL.
            part = _parent_sql(node)
            raise ConditionError(part, f"{part!r}: NULL is only allowed in IS [NOT] NULL")
        raise self.refuse(node)

    def refuse(self, node: exp.Expr) -> ConditionError:
        part = _describe(node, self.text)
        return ConditionError(part, f"{part} is not allowed; a condition may use only {ALLOWED}")


def _parent_sql(node: exp.Expr) -> str:
    return (node.parent or node).sql()


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        return float(text)


def _describe(node: exp.Expr, text: str) -> str:
    """What a refused node is, in the author's words where sqlglot kept their position."""
    if isinstance(node, exp.Func):
        start, end = node.meta.get("start"), node.meta.get("end")
        name = text[start : end + 1] if start is not None and end is not None else node.sql_name()
        return f"function {name}"
    if isinstance(node, exp.Binary) and not isinstance(node, exp.Predicate | exp.Connector):
        return f"arithmetic {node.sql()!r}"
    if isinstance(node, exp.Subquery | exp.Select | exp.Query):
        return f"subquery {node.sql()!r}"
    if isinstance(node, exp.Star) or (isinstance(node, exp.Column) and node.is_star):
        return "'*'"
    if isinstance(node, exp.Column):
        return f"qualified column {node.sql()!r}"
    if isinstance(node, exp.Block):
        return "several statements"
    return f"{node.key} {node.sql()!r}"


# --- Checking against a schema ---------------------------------------------------------------

_NUMBERS = {ColumnType.INTEGER, ColumnType.FLOAT}
# Orderings make sense for numbers, texts and dates; booleans only compare for equality.
_ORDERED = _NUMBERS | {ColumnType.TEXT, ColumnType.DATE}


def check_condition(condition: Condition, schema: Schema) -> None:
    """Every column of ``condition`` is in ``schema`` and used as its type allows; raises
    :class:`ConditionError` naming the first column or comparison that is not."""
    for name in columns_of(condition):
        if name not in schema:
            close = difflib.get_close_matches(name, list(schema), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            raise ConditionError(name, f"unknown status column {name!r}{hint}")
    _check_types(condition, schema)


def _check_types(condition: Condition, schema: Schema) -> None:
    match condition:
        case And(parts) | Or(parts):
            for part in parts:
                _check_types(part, schema)
        case Not(inner):
            _check_types(inner, schema)
        case Truth(column):
            if schema[column.name] is not ColumnType.BOOLEAN:
                shown = f"{column.name} ({schema[column.name]})"
                raise ConditionError(shown, f"{shown}: only a boolean column stands alone")
        case Comparison(operator, left, right):
            _check_comparable(schema, operator, left, right)
        case InList(operand, values):
            for value in values:
                _check_comparable(schema, "IN", operand, value)
        case Between(operand, low, high):
            _check_comparable(schema, "BETWEEN", operand, low)
            _check_comparable(schema, "BETWEEN", operand, high)
        case IsNull():
            pass


def _check_comparable(schema: Schema, operator: str, left: Operand, right: Operand) -> None:
    types = {_type_of(left, schema), _type_of(right, schema)}
    part = f"{_show(left, schema)} {operator} {_show(right, schema)}"
    if not (types <= _NUMBERS or len(types) == 1):
        raise ConditionError(part, f"{part}: these types do not compare")
    if operator not in {"=", "<>", "IN"} and not types <= _ORDERED:
        raise ConditionError(part, f"{part}: booleans only compare with = or <>")


def _type_of(operand: Operand, schema: Schema) -> ColumnType:
    if isinstance(operand, Column):
        return schema[operand.name]
    value = operand.value
    if isinstance(value, bool):
        return ColumnType.BOOLEAN
    if isinstance(value, str):
        return ColumnType.TEXT  # a date column compares with another date column, not a text
    return ColumnType.INTEGER if isinstance(value, int) else ColumnType.FLOAT


def _show(operand: Operand, schema: Schema) -> str:
    if isinstance(operand, Column):
        return f"{operand.name} ({schema[operand.name]})"
    return repr(operand.value)


# --- Rendering -------------------------------------------------------------------------------

T = TypeVar("T")  # what an engine's condition is (a Polars expression, a Q, SQL text)
V = TypeVar("V")  # what an engine's operand (a column or a literal) is


class Renderer(Generic[T, V]):
    """One engine's rendering of the tree: a method per node, and :meth:`render` to walk it.

    A subclass that leaves a method out fails loudly on the first condition that needs it,
    rather than writing something that means another thing."""

    def render(self, condition: Condition) -> T:
        match condition:
            case And(parts):
                return self.all_of([self.render(part) for part in parts])
            case Or(parts):
                return self.any_of([self.render(part) for part in parts])
            case Not(inner):
                return self.negation(self.render(inner))
            case Truth(column):
                return self.truth(column.name)
            case Comparison(operator, left, right):
                return self.comparison(operator, self.operand(left), self.operand(right))
            case IsNull(operand):
                return self.is_null(self.operand(operand))
            case InList(operand, values):
                return self.in_list(self.operand(operand), [v.value for v in values])
            case Between(operand, low, high):
                return self.between(self.operand(operand), low.value, high.value)
        raise TypeError(f"not a condition: {condition!r}")

    def operand(self, operand: Operand) -> V:
        if isinstance(operand, Column):
            return self.column(operand.name)
        return self.literal(operand.value)

    def _missing(self, what: str) -> NotImplementedError:
        return NotImplementedError(f"{type(self).__name__} does not render {what}")

    def column(self, name: str) -> V:
        raise self._missing("a column")

    def literal(self, value: Value) -> V:
        raise self._missing("a literal")

    def all_of(self, parts: list[T]) -> T:
        raise self._missing("AND")

    def any_of(self, parts: list[T]) -> T:
        raise self._missing("OR")

    def negation(self, part: T) -> T:
        raise self._missing("NOT")

    def truth(self, column: str) -> T:
        raise self._missing("a boolean column")

    def comparison(self, operator: str, left: V, right: V) -> T:
        raise self._missing("a comparison")

    def is_null(self, operand: V) -> T:
        raise self._missing("IS NULL")

    def in_list(self, operand: V, values: list[Value]) -> T:
        raise self._missing("IN")

    def between(self, operand: V, low: Value, high: Value) -> T:
        raise self._missing("BETWEEN")


_SQL_COMPARISONS: dict[str, Callable[..., exp.Expr]] = {
    "=": exp.EQ,
    "<>": exp.NEQ,
    "<": exp.LT,
    "<=": exp.LTE,
    ">": exp.GT,
    ">=": exp.GTE,
}


class SqlRenderer(Renderer["exp.Expr", "exp.Expr"]):
    """The tree as a sqlglot expression, written as text of any dialect sqlglot knows."""

    def column(self, name: str) -> exp.Expr:
        return exp.column(name, quoted=True)

    def literal(self, value: Value) -> exp.Expr:
        if isinstance(value, bool):
            return exp.Boolean(this=value)
        if isinstance(value, str):
            return exp.Literal.string(value)
        return exp.Literal.number(value)

    def all_of(self, parts: list[exp.Expr]) -> exp.Expr:
        return exp.and_(*parts, wrap=True)

    def any_of(self, parts: list[exp.Expr]) -> exp.Expr:
        return exp.or_(*parts, wrap=True)

    def negation(self, part: exp.Expr) -> exp.Expr:
        return exp.not_(part)

    def truth(self, column: str) -> exp.Expr:
        return self.column(column)

    def comparison(self, operator: str, left: exp.Expr, right: exp.Expr) -> exp.Expr:
        return _SQL_COMPARISONS[operator](this=left, expression=right)

    def is_null(self, operand: exp.Expr) -> exp.Expr:
        return exp.Is(this=operand, expression=exp.Null())

    def in_list(self, operand: exp.Expr, values: list[Value]) -> exp.Expr:
        return exp.In(this=operand, expressions=[self.literal(value) for value in values])

    def between(self, operand: exp.Expr, low: Value, high: Value) -> exp.Expr:
        return exp.Between(this=operand, low=self.literal(low), high=self.literal(high))


def to_sql(condition: Condition, dialect: str = "duckdb") -> str:
    """``condition`` as SQL text of ``dialect`` (``"duckdb"``, ``"postgres"``, ``"sqlite"``,
    ``"spark"``…), with quoted column names."""
    return SqlRenderer().render(condition).sql(dialect=dialect)
