"""Secondary suppression of a whole hierarchical table of rates: every unit of every level
(country, departments, provinces, districts) for every indicator, so that no hidden cell can be
recomputed by subtraction from the others.

A published unit's numerator and denominator are the sums of its sub-units' (a province is its
districts), and indicators with the same population count the same children (stunting, severe
stunting and "measured" all count the measured children under five). Hiding the small cells
alone (primary suppression) is not enough: a province minus its shown districts gives back the
one hidden district, and a denominator hidden in one indicator is shown by another with the same
denominator. :func:`protect` hides more cells (complementary, or secondary, suppression) until

* in each linked group of indicators (those that share a count), a unit is hidden for all of
  them or for none (:func:`linked_groups`);
* every relation "parent = sum of its children" has no hidden cell or at least two: a shown
  parent never has exactly one hidden child, a hidden parent always has a hidden child (else it
  is the sum of its shown children);
* below a shown parent, what the hidden cells share ("parent minus the shown children", down to
  the hidden districts) is itself no small count: its numerator and the children outside it are
  zero only where the parent's are (a published "nobody") and never 1 … ``min_cell - 1``, and
  its denominator is more than one child per hidden district (each hidden cell has at least one
  child, which would otherwise pin them all).

This is the modular approach to hierarchical tables of Statistics Netherlands' τ-ARGUS (HiTaS,
de Wolf 2002, "HiTaS: a heuristic approach to cell suppression in hierarchical tables"), in which
each sub-table "parent and its children" is protected and the pattern carried to the tables
below and above until nothing changes, with the classic "smallest cell" heuristic of
complementary suppression for the choice of the partner (Cox 1980, "Suppression methodology and
statistical disclosure control", JASA 75; Hundepool et al. 2012, *Statistical Disclosure
Control*, § 4.4.4): the shown child with the fewest children in the group's denominators is
hidden next. Where no child can be hidden any more, the parent is. With those rules, in a tree of
sums, no set of relations isolates a single hidden cell (each relation holds zero or at least two
unknowns, and a forest has no cycle to close), so no hidden count is recovered exactly.

Everything is vectorised over units and indicators with NumPy: one pass costs a few array
operations per level of the tree, and the pattern settles in a handful of passes (national data,
2,100 units × 30 indicators: see tests/disclosure/test_tables.py). Pure, no I/O.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence

import numpy as np
from numpy.typing import NDArray

Bools = NDArray[np.bool_]
Ints = NDArray[np.int64]


def linked_groups(keys: Sequence[Sequence[Hashable]]) -> list[int]:
    """Per indicator, the number of its group: indicators are linked when any of their counts
    (``keys[i]``: one key per count, e.g. the numerator's and the denominator's conditions) is
    the same, directly or through others (union-find). Groups are numbered from 0 in the order
    their first indicator comes."""
    parent = list(range(len(keys)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[Hashable, int] = {}
    for i, counts in enumerate(keys):
        for key in counts:
            if key in owner:
                parent[root(i)] = root(owner[key])
            else:
                owner[key] = i
    numbers: dict[int, int] = {}
    return [numbers.setdefault(root(i), len(numbers)) for i in range(len(keys))]


def primary(numerators: Ints, denominators: Ints, min_cell: int) -> Bools:
    """Cells whose numerator, or the children outside it, are a small count (1 … min_cell - 1):
    "1 of 40" and "39 of 40" both point at one child. Zeros are shown."""
    rest = denominators - numerators

    def small(count: Ints) -> Bools:
        return (count > 0) & (count < min_cell)

    return (small(numerators) | small(rest)) & (denominators > 0)


def protect(
    parents: Sequence[int] | Ints,
    numerators: Ints,
    denominators: Ints,
    groups: Sequence[int],
    min_cell: int,
    hidden: Bools | None = None,
    insider: bool = False,
) -> Bools:
    """Which cells to hide (``units × indicators``), primary and secondary.

    ``parents[u]`` is the row of unit ``u``'s parent (-1 for a root); a parent's counts are the
    sums of its children's. ``numerators`` and ``denominators`` are ``units × indicators``; a
    cell with denominator 0 is not published (it reads as zero) and is never hidden.
    ``groups[i]`` is indicator ``i``'s linked group (:func:`linked_groups`). ``hidden``: cells
    to hide whatever their counts (e.g. hidden in a wider table of the same data).

    ``insider``: the reader may also know one unit exactly, with everything below it (a user
    scoped to a district or a province sees their own territory's counts on their dashboard).
    Then every relation keeps at least two cells that reader does not know — a shown parent
    has no hidden child or at least three, a hidden parent at least two hidden children — and
    what the hidden cells share stays no small count once any one hidden child is taken out."""
    num = np.asarray(numerators, dtype=np.int64)
    den = np.asarray(denominators, dtype=np.int64)
    units, indicators = den.shape
    parent = np.asarray(parents, dtype=np.int64).reshape(units)
    group = np.asarray(groups, dtype=np.int64).reshape(indicators)
    count = int(group.max()) + 1 if indicators else 0
    if units == 0 or indicators == 0:
        return np.zeros((units, indicators), dtype=np.bool_)
    # members[g, i]: indicator i is in group g.
    members = group[None, :] == np.arange(count)[:, None]

    def any_in_group(cells: Bools) -> Bools:  # units × indicators -> units × groups
        return (cells.astype(np.int64) @ members.T.astype(np.int64)) > 0

    published = den > 0
    shown_group = any_in_group(published)
    seed = primary(num, den, min_cell)
    if hidden is not None:
        seed |= np.asarray(hidden, dtype=np.bool_)
    state = any_in_group(seed & published) & shown_group  # units × groups
    cost = (den @ members.T.astype(np.int64)).astype(np.float64)  # the smallest-cell heuristic
    rest = den - num

    child = parent >= 0
    kids, mother = np.nonzero(child)[0], parent[child]
    depth = _depths(parent)

    known_one = int(insider)  # hidden cells of one relation that a reader may know
    while True:
        cells = state[:, group] & published  # units × indicators
        # Per parent and indicator: published children, hidden children.
        kids_published = _sum_to(units, mother, published[kids])
        kids_hidden = _sum_to(units, mother, cells[kids])
        lone = (cells & (kids_hidden <= known_one) & (kids_published > kids_hidden)) | (
            ~cells & published & (kids_hidden >= 1) & (kids_hidden <= 1 + known_one)
        )
        # What the hidden cells below a shown parent share: its counts minus what is known below
        # it (shown children, and what is known below each hidden child, recursively), and the
        # number of hidden cells at the bottom of those chains.
        known_n, known_d, bottoms = _known_below(units, kids, mother, depth, num, den, cells)
        left_n, left_d = num - known_n, den - known_d
        open_parent = ~cells & published & (bottoms > 0)
        thin_n = open_parent & (left_n < min_cell) & (num > 0)
        thin_r = open_parent & (left_d - left_n < min_cell) & (rest > 0)
        thin_d = open_parent & (left_d <= bottoms)
        if insider:
            more_n, more_r, more_d = _thin_without_one_child(
                units, kids, mother, num, den, cells, known_n, known_d, bottoms, min_cell
            )
            thin_n |= open_parent & more_n
            thin_r |= open_parent & more_r
            thin_d |= open_parent & more_d
        need = any_in_group(lone | thin_n | thin_r | thin_d)
        if not need.any():
            break
        # Candidates: shown children of a needing parent that add to what it lacks.
        helps = published[kids] & (
            lone[mother]
            | (thin_n[mother] & (num[kids] > 0))
            | (thin_r[mother] & (rest[kids] > 0))
            | (thin_d[mother] & (den[kids] > 1))
        )
        useful = ~state[kids] & any_in_group(helps)
        rows, cols = np.nonzero(useful)
        changed = np.zeros_like(state)
        served = np.zeros_like(state)
        if rows.size:
            owner = mother[rows] * count + cols
            order = np.lexsort((kids[rows], cost[kids[rows], cols], owner))
            first = np.ones(order.size, dtype=np.bool_)
            first[1:] = owner[order][1:] != owner[order][:-1]
            pick = order[first]
            changed[kids[rows[pick]], cols[pick]] = True
            served[mother[rows[pick]], cols[pick]] = True
        # A parent with no child left to hide is hidden itself (unless it is already).
        changed |= need & ~served & ~state & shown_group
        if not changed.any():
            break  # hidden parents with nothing below to hide: nothing more can be done
        state |= changed
    return state[:, group] & published


def _thin_without_one_child(
    units: int,
    kids: Ints,
    mother: Ints,
    num: Ints,
    den: Ints,
    hidden: Bools,
    known_n: Ints,
    known_d: Ints,
    bottoms: Ints,
    min_cell: int,
) -> tuple[Bools, Bools, Bools]:
    """Per parent and indicator: whether what its hidden cells share, once a reader who knows
    one hidden child (and all below it) takes that child out, is a small count — numerator,
    children outside it, or no more than one child per hidden cell left. Conservative: the
    child's whole unknown part is taken out, as if the reader knew all of it."""
    mine = hidden[kids]
    # A hidden kid with no hidden child of its own is one bottom; otherwise it holds its own.
    is_bottom = mine & (_sum_to(units, mother, mine)[kids] == 0)
    own_bottoms = np.where(is_bottom, 1, bottoms[kids])
    left_n = (num - known_n)[mother] - (num[kids] - known_n[kids])
    left_d = (den - known_d)[mother] - (den[kids] - known_d[kids])
    left_b = bottoms[mother] - own_bottoms
    still = mine & (left_b > 0)
    small_n = still & (left_n < min_cell) & (num[mother] > 0)
    small_r = still & (left_d - left_n < min_cell) & ((den - num)[mother] > 0)
    small_d = still & (left_d <= left_b)
    return (
        _any_to(units, mother, small_n),
        _any_to(units, mother, small_r),
        _any_to(units, mother, small_d),
    )


def _any_to(units: int, rows: Ints, flags: Bools) -> Bools:
    return _sum_to(units, rows, flags) > 0


def _sum_to(units: int, rows: Ints, values: NDArray) -> Ints:
    """Sum of ``values`` (one row per child) into their parents' rows."""
    total = np.zeros((units, *values.shape[1:]), dtype=np.int64)
    np.add.at(total, rows, values.astype(np.int64))
    return total


def _depths(parent: Ints) -> Ints:
    depth = np.zeros(parent.size, dtype=np.int64)
    current = parent.copy()
    while (current >= 0).any():
        step = current >= 0
        depth[step] += 1
        current[step] = parent[current[step]]
    return depth


def _known_below(
    units: int,
    kids: Ints,
    mother: Ints,
    depth: Ints,
    num: Ints,
    den: Ints,
    hidden: Bools,
) -> tuple[Ints, Ints, Ints]:
    """Per unit and indicator: what an outsider knows for sure lies below it (the counts of its
    shown children, and, recursively, what is known below its hidden children), and how many
    hidden cells with nothing hidden below them (the bottoms of the hidden chains) it holds."""
    known_n = np.zeros_like(num)
    known_d = np.zeros_like(den)
    bottoms = np.zeros(num.shape, dtype=np.int64)
    hidden_kids = _sum_to(units, mother, hidden[kids])
    bottom = hidden & (hidden_kids == 0)
    for level in range(int(depth.max()), 0, -1):
        at = depth[kids] == level
        rows, up = kids[at], mother[at]
        shown = ~hidden[rows]
        np.add.at(known_n, up, np.where(shown, num[rows], known_n[rows]))
        np.add.at(known_d, up, np.where(shown, den[rows], known_d[rows]))
        np.add.at(bottoms, up, np.where(bottom[rows], 1, np.where(shown, 0, bottoms[rows])))
    return known_n, known_d, bottoms
