"""Suppression of whole hierarchical tables, attacked by subtraction (tests/disclosure/attack.py)
on hand-made and random tables, and timed on a table of national size."""

from __future__ import annotations

import time

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from crecer.disclosure.tables import linked_groups, primary, protect
from tests.disclosure.attack import recover, recover_as_insider

MIN_CELL = 5
# Four indicators: 0 and 1 share a denominator, 2 counts in its numerator what 0 and 1 count in
# their denominator (stunting, severe stunting, measured), 3 stands alone (anemia).
KEYS = {"a": ("na", "D"), "b": ("nb", "D"), "c": ("D", "P"), "e": ("ne", "E")}


def table(parents: list[int], leaves: dict[int, dict[str, tuple[int, int]]]):
    """Counts of every unit (parents are the sums of their children) as two arrays."""
    names = sorted(KEYS)
    num = np.zeros((len(parents), len(names)), dtype=np.int64)
    den = np.zeros_like(num)
    for unit, values in leaves.items():
        for j, name in enumerate(names):
            n, d = values[name]
            up = unit
            while up >= 0:
                num[up, j] += n
                den[up, j] += d
                up = parents[up]
    return names, num, den


def attack(parents, names, num, den, hidden):
    codes = [str(u) for u in range(len(parents))]
    tree = {codes[u]: (codes[p] if p >= 0 else None) for u, p in enumerate(parents)}
    published = {}
    for u in range(len(parents)):
        for j, name in enumerate(names):
            if den[u, j]:
                published[(codes[u], name)] = None if hidden[u, j] else (num[u, j], den[u, j])
    return recover(tree, published, KEYS)


def protected(parents, names, num, den):
    groups = linked_groups([KEYS[name] for name in names])
    return protect(parents, num, den, groups, MIN_CELL)


def test_linked_indicators_form_one_group():
    assert linked_groups([KEYS[n] for n in sorted(KEYS)]) == [0, 0, 0, 1]
    assert linked_groups([("x", "y"), ("z", "w"), ("w", "v"), ("v", "q")]) == [0, 1, 1, 1]


def test_the_one_hidden_district_takes_a_partner_and_both_hide_everywhere():
    # A province (0) of three districts: district 1 has 2 stunted of 30 measured.
    parents = [-1, 0, 0, 0]

    def leaf(stunted, measured, children):
        return {"a": (stunted, measured), "b": (0, measured), "c": (measured, children),
                "e": (10, 40)}  # fmt: skip

    names, num, den = table(parents, {1: leaf(2, 30, 40), 2: leaf(10, 50, 60), 3: leaf(9, 40, 70)})
    assert attack(parents, names, num, den, primary(num, den, MIN_CELL)) != []
    hidden = protected(parents, names, num, den)
    assert attack(parents, names, num, den, hidden) == []
    # District 1, its partner 3 (the smaller denominators), in all three linked indicators.
    assert hidden[:, :3].tolist() == [[False] * 3, [True] * 3, [False] * 3, [True] * 3]
    assert not hidden[:, 3].any()


def test_a_small_sum_of_hidden_districts_takes_a_third():
    # Two districts with one anemic child each: hidden, but the province minus the shown one
    # says "2 anemic children in those two districts".
    parents = [-1, 0, 0, 0, 0]
    zero = {"a": (0, 0), "b": (0, 0), "c": (0, 0)}
    leaves = {
        1: zero | {"e": (1, 20)},
        2: zero | {"e": (1, 20)},
        3: zero | {"e": (30, 60)},
        4: zero | {"e": (20, 50)},
    }
    names, num, den = table(parents, leaves)
    hidden = protected(parents, names, num, den)
    assert hidden[1:, 3].tolist() == [True, True, False, True]
    assert attack(parents, names, num, den, hidden) == []


def test_a_hidden_province_is_not_the_sum_of_its_shown_districts():
    # Department 0 > provinces 1, 2 > districts; province 1 is hidden as district 5's partner…
    parents = [-1, 0, 0, 1, 1, 2, 2]
    zero = {"a": (0, 0), "b": (0, 0), "c": (0, 0)}
    leaves = {
        3: zero | {"e": (20, 60)},
        4: zero | {"e": (25, 70)},
        5: zero | {"e": (2, 30)},
        6: zero | {"e": (30, 90)},
    }
    names, num, den = table(parents, leaves)
    hidden = protected(parents, names, num, den)
    assert attack(parents, names, num, den, hidden) == []
    assert hidden[5, 3]


@st.composite
def tables(draw):
    """A country of departments, provinces and districts with small random counts."""
    parents = [-1]
    for _ in range(draw(st.integers(1, 3))):
        department = len(parents)
        parents.append(0)
        for _ in range(draw(st.integers(1, 3))):
            province = len(parents)
            parents.append(department)
            parents += [province] * draw(st.integers(1, 5))
    districts = [u for u in range(len(parents)) if u not in parents]
    count = st.integers(0, 14)
    leaves = {}
    for unit in districts:
        children, measured, e_d = draw(count), draw(count), draw(count)
        measured = min(measured, children)
        leaves[unit] = {
            "a": (draw(st.integers(0, measured)), measured),
            "b": (draw(st.integers(0, measured)), measured),
            "c": (measured, children),
            "e": (draw(st.integers(0, e_d)), e_d),
        }
    return parents, leaves


def insider_attack(parents, names, num, den, hidden, unit):
    """:func:`recover_as_insider` on the table, for a reader of ``unit``."""
    codes = [str(u) for u in range(len(parents))]
    tree = {codes[u]: (codes[p] if p >= 0 else None) for u, p in enumerate(parents)}
    truth, published = {}, {}
    for u in range(len(parents)):
        for j, name in enumerate(names):
            if den[u, j]:
                truth[(codes[u], name)] = (num[u, j], den[u, j])
                published[(codes[u], name)] = None if hidden[u, j] else truth[(codes[u], name)]
    return recover_as_insider(tree, published, KEYS, truth, codes[unit], MIN_CELL)


@settings(max_examples=200, deadline=None)
@given(tables())
def test_no_hidden_cell_is_recovered_by_a_reader_who_knows_their_own_territory(drawn):
    """Issue 19: a district's health worker sees their district's counts; with only two hidden
    districts in a province, province minus the shown districts minus their own gave back the
    other one."""
    parents, leaves = drawn
    names, num, den = table(parents, leaves)
    groups = linked_groups([KEYS[name] for name in names])
    hidden = protect(parents, num, den, groups, MIN_CELL, insider=True)
    assert (hidden | ~primary(num, den, MIN_CELL)).all()
    for unit in range(1, len(parents)):
        assert insider_attack(parents, names, num, den, hidden, unit) == [], unit


def test_two_hidden_districts_are_not_enough_against_an_insider():
    # A province (0) of four districts; district 1 has 2 stunted of 30 measured.
    parents = [-1, 0, 0, 0, 0]
    leaf = {
        "a": (2, 30), "b": (0, 30), "c": (30, 40), "e": (6, 20),
    }  # fmt: skip
    other = {"a": (9, 30), "b": (0, 30), "c": (30, 40), "e": (6, 20)}
    names, num, den = table(parents, {1: leaf, 2: other, 3: other, 4: other})
    groups = linked_groups([KEYS[name] for name in names])
    outsider = protect(parents, num, den, groups, MIN_CELL)
    assert outsider[1:, 0].sum() == 2  # the small district and one partner
    assert insider_attack(parents, names, num, den, outsider, 2 if outsider[2, 0] else 3)
    hidden = protect(parents, num, den, groups, MIN_CELL, insider=True)
    assert hidden[1:, 0].sum() == 3
    for unit in range(1, 5):
        assert insider_attack(parents, names, num, den, hidden, unit) == []


@settings(max_examples=300, deadline=None)
@given(tables())
def test_no_hidden_cell_is_recovered_from_a_protected_table(drawn):
    parents, leaves = drawn
    names, num, den = table(parents, leaves)
    hidden = protected(parents, names, num, den)
    first = primary(num, den, MIN_CELL)
    assert (hidden | ~first).all()  # every small cell is hidden
    assert not (hidden & (den == 0)).any()  # nothing unpublished is marked hidden
    assert attack(parents, names, num, den, hidden) == []


def national(seed: int = 2026, indicators: int = 30):
    """A table shaped like Peru's: 25 departments, 196 provinces, 1,874 districts."""
    rng = np.random.default_rng(seed)
    parents = [-1] + [0] * 25
    provinces = [1 + (p % 25) for p in range(196)]
    parents += provinces
    parents += [26 + (d % 196) for d in range(1874)]
    districts = np.arange(26 + 196, len(parents))
    sizes = rng.lognormal(5.5, 1.2, size=districts.size).astype(np.int64)
    num = np.zeros((len(parents), indicators), dtype=np.int64)
    den = np.zeros_like(num)
    den[districts] = (sizes[:, None] * rng.uniform(0.1, 1.0, size=(1, indicators))).astype(int)
    num[districts] = rng.binomial(den[districts], rng.uniform(0.02, 0.9, size=(1, indicators)))
    for level in (districts, np.arange(26, 26 + 196), np.arange(1, 26)):
        np.add.at(num, np.asarray(parents)[level], num[level])
        np.add.at(den, np.asarray(parents)[level], den[level])
    groups = [i // 3 for i in range(indicators)]  # ten groups of three linked indicators
    return parents, num, den, groups


def test_a_national_table_is_protected_in_well_under_a_second():
    parents, num, den, groups = national()
    started = time.perf_counter()
    hidden = protect(parents, num, den, groups, MIN_CELL, insider=True)  # as the pages do
    seconds = time.perf_counter() - started
    first = primary(num, den, MIN_CELL)
    print(f"national table: {seconds:.3f} s, {first.sum()} small cells, {hidden.sum()} hidden")
    assert seconds < 2.0
    assert (hidden | ~first).all()
