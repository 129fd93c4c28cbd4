"""Every help-sell split adds up to the sale exactly, to the fen (hypothesis)."""

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from linli.ledger.rules import PPM, help_sell_split, share_ppm

ppm = st.integers(min_value=0, max_value=PPM)


@given(
    sales=st.integers(min_value=0, max_value=10**10),
    cost=st.integers(min_value=0, max_value=10**10),
    operator=ppm,
    shares=st.lists(ppm, min_size=1, max_size=6),
)
def test_the_split_adds_up_to_the_sale_and_no_share_is_negative(sales, cost, operator, shares):
    split = help_sell_split(
        sales_fen=sales, cost_fen=cost, operator_ppm=operator, shares_ppm=shares
    )
    assert split.total == sales
    assert split.supplier == cost
    assert len(split.leaders) == len(shares)
    assert all(kept >= 0 for kept in split.leaders)
    if sales > cost:
        assert split.operator >= 0
        # Each amount is within a fen of its exact share.
        margin = sales - cost
        assert abs(split.operator - Fraction(margin * operator, PPM)) <= Fraction(1, 2)
    else:
        assert split.leaders == [0] * len(shares) and split.operator == sales - cost


@given(
    margin=st.integers(min_value=1, max_value=10**9),
    shares=st.lists(ppm, min_size=2, max_size=5),
)
def test_each_level_passes_down_its_share_of_what_reached_it(margin, shares):
    split = help_sell_split(sales_fen=margin, cost_fen=0, operator_ppm=0, shares_ppm=shares)
    reached = margin
    for level, kept in enumerate(split.leaders[:-1]):
        below = share_ppm(reached, shares[level + 1])
        assert kept == reached - below
        reached = below
    assert split.leaders[-1] == reached


def test_the_documented_example():
    """¥39.00 sold, ¥25.00 cost: ¥14.00 margin; the operator 10% (¥1.40); ¥12.60 reaches the
    big leader, who passes 30% (¥3.78) to a helper, who passes half of that (¥1.89) down
    once more."""
    split = help_sell_split(
        sales_fen=3900, cost_fen=2500, operator_ppm=100_000, shares_ppm=[PPM, 300_000, 500_000]
    )
    assert (split.supplier, split.operator, split.leaders) == (2500, 140, [882, 189, 189])
    assert split.total == 3900


def test_half_a_fen_rounds_up():
    assert share_ppm(1, 500_000) == 1
    assert share_ppm(3, 500_000) == 2
    assert share_ppm(-3, 500_000) == -2
    assert share_ppm(2, 250_000) == 1  # 0.5 → 1
    assert share_ppm(1, 499_999) == 0
