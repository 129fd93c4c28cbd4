"""Sharing out a short delivery, as pure functions: worked examples a leader can check by hand,
and the properties the issue asks for over arbitrary orders and deliveries."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from linli.groupbuys.fair_shares import Claim, Policy, allocate


def claims(*quantities: int, vulnerable: tuple[int, ...] = ()) -> list[Claim]:
    return [
        Claim(quantity=quantity, vulnerable=index in vulnerable)
        for index, quantity in enumerate(quantities)
    ]


# Worked examples.


def test_proportional_rounds_by_largest_remainder():
    # 7 units for 5 + 3 + 2 ordered: quotas 3.5, 2.1, 1.4 → 3, 2, 1, and the unit left over
    # to the largest remainder (0.5).
    assert allocate(Policy.PROPORTIONAL, claims(5, 3, 2), 7) == [4, 2, 1]


def test_proportional_ties_go_to_the_earlier_order():
    # 3 units for three orders of 2: quotas 1, 1, 1 exactly; 2 units for three orders of 1:
    # remainders equal, the two earliest get them.
    assert allocate(Policy.PROPORTIONAL, claims(1, 1, 1), 2) == [1, 1, 0]
    assert allocate(Policy.PROPORTIONAL, claims(2, 2, 2), 3) == [1, 1, 1]


def test_equal_shares_fill_small_orders_and_level_the_rest():
    # 10 units for 1, 5, 8, 2: the 1 and the 2 are filled, 7 left for two → 3 and 4; the
    # odd unit to the earlier of the two still short.
    assert allocate(Policy.EQUAL, claims(1, 5, 8, 2), 10) == [1, 4, 3, 2]


def test_first_ordered_first_served():
    assert allocate(Policy.FCFS, claims(3, 4, 2), 5) == [3, 2, 0]


@pytest.mark.parametrize("policy", list(Policy))
def test_a_full_delivery_gives_everyone_what_they_ordered(policy):
    assert allocate(policy, claims(3, 4, 2), 9) == [3, 4, 2]
    assert allocate(policy, claims(3, 4, 2), 0) == [0, 0, 0]
    assert allocate(policy, [], 5) == []


@pytest.mark.parametrize("policy", list(Policy))
def test_vulnerable_households_are_served_in_full_first(policy):
    # The third household is vulnerable: it gets its 2, the others share the 3 left.
    shares = allocate(policy, claims(4, 4, 2, vulnerable=(2,)), 5)
    assert shares[2] == 2
    assert sum(shares) == 5


def test_when_the_delivery_does_not_cover_the_vulnerable_it_goes_to_them_alone():
    shares = allocate(Policy.PROPORTIONAL, claims(6, 4, 6, vulnerable=(0, 2)), 9)
    # Without the priority: quotas 3.375, 2.25, 3.375 → 3, 2, 3, the odd unit to the first.
    assert allocate(Policy.PROPORTIONAL, claims(6, 4, 6), 9, vulnerable_first=False) == [4, 2, 3]
    # With it, the middle household's 2 go to the vulnerable two: 4 + 1 and 3 + 1.
    assert shares == [5, 0, 4]


def test_without_the_priority_the_vulnerable_wait_their_turn():
    claims = [Claim(2, False), Claim(2, True)]
    assert allocate(Policy.FCFS, claims, 2, vulnerable_first=False) == [2, 0]
    assert allocate(Policy.FCFS, claims, 2) == [0, 2]


def test_bad_input_is_refused():
    with pytest.raises(ValueError, match="not be negative"):
        allocate(Policy.FCFS, claims(1), -1)
    with pytest.raises(ValueError, match="lottery"):
        allocate("lottery", claims(1), 1)


# Properties.

orders = st.lists(
    st.tuples(st.integers(min_value=0, max_value=50), st.booleans()), min_size=0, max_size=60
)


@given(policy=st.sampled_from(list(Policy)), orders=orders, supply=st.integers(0, 2000))
def test_shares_are_whole_within_each_order_and_sum_to_the_delivery(policy, orders, supply):
    wanted = [Claim(quantity=q, vulnerable=v) for q, v in orders]
    shares = allocate(policy, wanted, supply)
    assert len(shares) == len(wanted)
    assert all(type(share) is int for share in shares)
    assert all(0 <= share <= claim.quantity for share, claim in zip(shares, wanted, strict=True))
    assert sum(shares) == min(supply, sum(claim.quantity for claim in wanted))


@given(policy=st.sampled_from(list(Policy)), orders=orders, supply=st.integers(0, 2000))
def test_vulnerable_households_are_never_worse_off_for_the_priority(policy, orders, supply):
    wanted = [Claim(quantity=q, vulnerable=v) for q, v in orders]
    with_priority = allocate(policy, wanted, supply)
    without = allocate(policy, wanted, supply, vulnerable_first=False)
    for claim, first, plain in zip(wanted, with_priority, without, strict=True):
        if claim.vulnerable:
            assert first >= plain
    # Served in full first where the delivery allows.
    vulnerable_demand = sum(claim.quantity for claim in wanted if claim.vulnerable)
    if supply >= vulnerable_demand:
        assert all(
            share == claim.quantity
            for share, claim in zip(with_priority, wanted, strict=True)
            if claim.vulnerable
        )
    else:
        assert all(
            share == 0
            for share, claim in zip(with_priority, wanted, strict=True)
            if not claim.vulnerable
        )


@given(orders=st.lists(st.integers(0, 50), max_size=60), supply=st.integers(0, 2000))
def test_equal_shares_are_max_min_fair(orders, supply):
    shares = allocate(Policy.EQUAL, [Claim(quantity=q) for q in orders], supply)
    # Anyone left short gets at least as much as anyone else, give or take the one odd unit.
    short = [share for share, q in zip(shares, orders, strict=True) if share < q]
    if short:
        assert max(shares) - min(short) <= 1


@given(orders=st.lists(st.integers(1, 50), min_size=1, max_size=60), supply=st.integers(0, 2000))
def test_proportional_shares_are_within_one_unit_of_the_exact_quota(orders, supply):
    shares = allocate(Policy.PROPORTIONAL, [Claim(quantity=q) for q in orders], supply)
    total = sum(orders)
    if supply < total:
        for share, q in zip(shares, orders, strict=True):
            assert share * total <= supply * q + total  # share ≤ quota + 1
            assert share * total >= supply * q - total  # share ≥ quota − 1 (floor or ceiling)


@given(policy=st.sampled_from(list(Policy)), orders=orders, supply=st.integers(0, 2000))
def test_ties_go_to_the_earlier_order(policy, orders, supply):
    # Of two orders alike (same quantity, both vulnerable or neither), the earlier never gets
    # less than the later.
    wanted = [Claim(quantity=q, vulnerable=v) for q, v in orders]
    shares = allocate(policy, wanted, supply)
    first_share: dict[Claim, int] = {}
    for claim, share in zip(wanted, shares, strict=True):
        earlier = first_share.setdefault(claim, share)
        assert earlier >= share
        first_share[claim] = share


@given(orders=st.lists(st.integers(0, 50), max_size=60), supply=st.integers(0, 2000))
def test_first_come_serves_in_order(orders, supply):
    shares = allocate(Policy.FCFS, [Claim(quantity=q) for q in orders], supply)
    # Once someone is left short, everyone after gets nothing.
    short = [index for index, (s, q) in enumerate(zip(shares, orders, strict=True)) if s < q]
    if short:
        assert all(share == 0 for share in shares[short[0] + 1 :])
