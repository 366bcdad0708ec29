"""Small-cell suppression, checked on hand-made tables."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crecer.disclosure import shown, suppress, suppress_column, suppress_rate, total_or_none
from crecer.norms import load_profile


def test_small_counts_are_hidden_and_zeros_are_not():
    assert suppress({"a": 0, "b": 3, "c": 4, "d": 12}, 5) == {"a": 0, "b": None, "c": None, "d": 12}


def test_a_lone_hidden_cell_takes_the_next_smallest_with_it():
    # Total 40 is shown: with only "b" hidden, 40 - 20 - 7 - 10 = 3 would give it back.
    assert suppress({"a": 20, "b": 3, "c": 7, "d": 10}, 5) == {
        "a": 20,
        "b": None,
        "c": None,
        "d": 10,
    }


def test_without_a_published_total_one_hidden_cell_is_enough():
    assert suppress({"a": 20, "b": 3, "c": 7}, 5, total_shown=False) == {"a": 20, "b": None, "c": 7}


def test_rates_hide_small_numerators_and_small_complements():
    assert suppress_rate(3, 40, 5).percent is None  # "3 of 40"
    assert suppress_rate(37, 40, 5).percent is None  # "3 of 40 are not"
    assert suppress_rate(10, 40, 5).percent == 25.0
    assert suppress_rate(0, 40, 5).percent == 0.0  # nobody: not a disclosure
    assert not suppress_rate(0, 0, 5).suppressed  # no children: nothing to hide


def test_the_threshold_comes_from_the_profile():
    assert load_profile("peru").disclosure.min_cell == 5
    assert shown(None, 5) == "<5"
    assert shown(12, 5) == "12"


@given(st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=12))
def test_no_hidden_cell_can_be_rebuilt_from_the_total(counts):
    """Where the total is published, a hidden cell is never the only unknown."""
    result = suppress_column(counts, 5)
    hidden = [i for i, value in enumerate(result) if value is None]
    assert all(result[i] is None for i, c in enumerate(counts) if 0 < c < 5)
    assert all(result[i] == c for i, c in enumerate(counts) if i not in hidden)
    total = total_or_none(dict(enumerate(counts)), dict(enumerate(result)), 5)
    if total is not None:
        assert len(hidden) != 1
        assert total == sum(counts)


def test_a_single_small_cell_hides_the_total():
    counts = {"only": 3}
    cells = suppress(counts, 5)
    assert cells == {"only": None}
    assert total_or_none(counts, cells, 5) is None
