"""The differencing attack on a published table of rates, as an outsider would run it.

The outsider has what was published: for each unit (country, departments, provinces, districts)
and indicator, the numerator and denominator, or "hidden"; a unit missing from the table has no
children in the denominator (zero). They know that a parent's counts are the sums of its
children's, and from the indicators' definitions which counts are the same children (the
denominators of stunting and severe stunting; the numerator of "measured" and the denominator
of stunting). They repeat, until nothing new comes out:

* a parent minus its known children gives the one unknown child (numerator, denominator, or the
  children outside the numerator); a hidden parent whose children are all known is their sum;
* when the unknown children's share is zero, each of them is zero; when it equals their number,
  each hidden cell (which has at least one child) has exactly one;
* a count known in one indicator is known in every indicator that counts the same children;
* two of numerator, denominator and "outside" give the third.

A hidden cell is *recovered* when its numerator, its denominator, or its complement (the
children outside the numerator: 100 %) comes out — except a zero implied by a published zero of
an ancestor or by a published zero of the same children in another indicator ("nobody in the
province", "nobody measured" are published on purpose, and say the same of the hidden cell)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable, Mapping

Cell = tuple[str, str]  # unit code, indicator id
PARTS = ("n", "d", "r")  # numerator, denominator, children outside the numerator


def recover(
    parents: Mapping[str, str | None],
    published: Mapping[Cell, tuple[int, int] | None],
    keys: Mapping[str, tuple[Hashable, Hashable]],
) -> list[tuple[str, str, str, int]]:
    """Hidden cells recovered: (unit, indicator, part, value); ``published[(unit, indicator)]``
    is (numerator, denominator), None when hidden, missing when not published (zero);
    ``keys[indicator]`` names its numerator's and denominator's children."""
    indicators = sorted(keys)
    units = sorted(parents)
    known: dict[tuple[str, str, str], int] = {}
    for unit in units:
        for indicator in indicators:
            value = published.get((unit, indicator), (0, 0))
            if value is not None:
                n, d = value
                known |= {(unit, indicator, "n"): n, (unit, indicator, "d"): d}
                known[(unit, indicator, "r")] = d - n
    children: dict[str, list[str]] = defaultdict(list)
    for unit, parent in parents.items():
        if parent is not None:
            children[parent].append(unit)
    by_key: dict[Hashable, list[tuple[str, str]]] = defaultdict(list)
    for indicator, (numerator_key, denominator_key) in keys.items():
        by_key[numerator_key].append((indicator, "n"))
        by_key[denominator_key].append((indicator, "d"))

    def learn(cell: tuple[str, str, str], value: int) -> bool:
        if cell in known:
            assert known[cell] == value, f"inconsistent attack at {cell}"
            return False
        known[cell] = value
        return True

    changed = True
    while changed:
        changed = False
        for unit in units:
            for indicator in indicators:
                n, d, r = ((unit, indicator, part) for part in PARTS)
                if n in known and d in known:
                    changed |= learn(r, known[d] - known[n])
                if n in known and r in known:
                    changed |= learn(d, known[n] + known[r])
                if d in known and r in known:
                    changed |= learn(n, known[d] - known[r])
            for same in by_key.values():
                values = [known[(unit, i, p)] for i, p in same if (unit, i, p) in known]
                for i, p in same:
                    if values:
                        changed |= learn((unit, i, p), values[0])
        for parent, below in children.items():
            for indicator in indicators:
                for part in PARTS:
                    total = known.get((parent, indicator, part))
                    unknown = [c for c in below if (c, indicator, part) not in known]
                    sure = sum(known[(c, indicator, part)] for c in below if c not in unknown)
                    if total is None:
                        if not unknown:
                            changed |= learn((parent, indicator, part), sure)
                        continue
                    left = total - sure
                    if len(unknown) == 1:
                        changed |= learn((unknown[0], indicator, part), left)
                    elif unknown and left == 0:
                        for c in unknown:
                            changed |= learn((c, indicator, part), 0)
                    elif unknown and part == "d" and left == len(unknown):
                        for c in unknown:
                            changed |= learn((c, indicator, part), 1)

    def published_zero(unit: str, indicator: str, part: str) -> bool:
        value = published.get((unit, indicator), (0, 0))
        return (
            value is not None
            and dict(zip(PARTS, (*value, value[1] - value[0]), strict=True))[part] == 0
        )

    def ancestors(unit: str) -> list[str]:
        found, up = [], parents[unit]
        while up is not None:
            found.append(up)
            up = parents[up]
        return found

    leaks = []
    for (unit, indicator), value in published.items():
        if value is not None:
            continue
        for part in PARTS:
            cell = (unit, indicator, part)
            if cell not in known:
                continue
            implied = (
                known[cell] == 0
                and part != "d"
                and (
                    any(published_zero(above, indicator, part) for above in ancestors(unit))
                    or any(
                        published_zero(unit, other, other_part)
                        for same in by_key.values()
                        if (indicator, part) in same
                        for other, other_part in same
                    )
                )
            )
            if not implied:
                leaks.append((unit, indicator, part, known[cell]))
    return sorted(leaks)


def recover_as_insider(
    parents: Mapping[str, str | None],
    published: Mapping[Cell, tuple[int, int] | None],
    keys: Mapping[str, tuple[Hashable, Hashable]],
    truth: Mapping[Cell, tuple[int, int]],
    unit: str,
    min_cell: int,
) -> list[tuple[str, str, str, int]]:
    """The attack run by a reader who also knows ``unit`` and everything below it exactly (a
    user scoped to it sees their territory's counts): the hidden cells of other territories
    it recovers. An ancestor's count that comes out is the reader's own plus the others': a
    leak when the others' part is a small count (1 … ``min_cell - 1`` children, in the
    numerator or outside it)."""
    below = {unit}
    changed = True
    while changed:
        grown = below | {u for u, p in parents.items() if p in below}
        changed, below = grown != below, grown
    lineage, up = set(), parents[unit]
    while up is not None:
        lineage.add(up)
        up = parents[up]
    seen = {
        cell: truth[cell] if cell[0] in below and cell in truth else value
        for cell, value in published.items()
    }
    leaks = []
    for code, indicator, part, value in recover(parents, seen, keys):
        n, d = truth.get((unit, indicator), (0, 0))
        own = {"n": n, "d": d, "r": d - n}[part]
        if code not in lineage or (part != "d" and 0 < value - own < min_cell):
            leaks.append((code, indicator, part, value))
    return leaks
