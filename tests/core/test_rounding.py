"""Integer fen by the documented rules: shares round half up, splits add up exactly."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.core.rounding import share, split


@pytest.mark.parametrize(
    ("amount", "rate", "expected"),
    [
        (1005, 1000, 101),
        (1004, 1000, 100),
        (2250, 1000, 225),
        (1, 5000, 1),
        (0, 1000, 0),
        (-1005, 1000, -101),
    ],
)
def test_a_share_rounds_half_up_to_the_fen(amount, rate, expected):
    assert share(amount, rate) == expected


@given(st.integers(-(10**9), 10**9), st.integers(0, 10_000))
def test_a_share_is_within_half_a_fen_of_the_exact_value(amount, rate):
    assert abs(share(amount, rate) - Fraction(amount * rate, 10_000)) <= Fraction(1, 2)


@given(
    st.integers(0, 10**9),
    st.lists(st.integers(0, 10**6), min_size=1, max_size=60).filter(any),
)
def test_a_split_adds_up_exactly_and_each_part_is_within_a_fen_of_its_share(total, weights):
    parts = split(total, weights)
    assert sum(parts) == total
    whole = sum(weights)
    for part, weight in zip(parts, weights, strict=True):
        exact = Fraction(total * weight, whole)
        assert exact - 1 < part < exact + 1
        assert weight or part == 0


def test_leftover_fen_go_to_the_largest_remainders_ties_to_the_earlier_part():
    assert split(100, [1, 1, 1]) == [34, 33, 33]
    assert split(10, [3, 3, 4]) == [3, 3, 4]
    assert split(5, [2, 1, 1]) == [3, 1, 1]  # exact 2.5, 1.25, 1.25: the 0.5 wins
    with pytest.raises(ValueError, match="zero weights"):
        split(1, [0, 0])
