"""Sharing out a short delivery: pure functions, no database.

A delivery of ``supply`` whole units is shared among claims (what each order line still asks
for). Claims come in a fixed order, earliest order first; that order breaks every tie, so the
same claims and supply always give the same shares. Three policies:

- ``proportional``: each gets its share of the delivery in proportion to what it ordered,
  rounded down, and the units left over go one each to the largest remainders (Hamilton's
  largest-remainder method);
- ``equal``: equal shares up to each order (max–min fair, "water filling"): nobody gets more
  than anyone who ordered more, and the smallest share is as large as it can be;
- ``fcfs``: first ordered, first served.

Vulnerable households are served first where the delivery allows: if it covers all of them,
each gets its full order and the rest is shared among the others by the policy; if it does
not, it goes to them alone, each keeping at least what the policy would have given it without
the priority, and the rest shared among them by the same policy. So a vulnerable household is
never worse off for the priority.

Each policy is one sort at most: 100,000 claims take a fraction of a second.
"""

from collections.abc import Sequence
from enum import StrEnum
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

from linli.core.rounding import split


class Policy(StrEnum):
    PROPORTIONAL = "proportional"
    EQUAL = "equal"
    FCFS = "fcfs"

    @property
    def label(self):
        return POLICY_LABELS[self]

    @property
    def rule(self):
        return POLICY_RULES[self]


POLICY_LABELS = {
    Policy.PROPORTIONAL: _("proportional, largest remainder"),
    Policy.EQUAL: _("equal shares up to each order"),
    Policy.FCFS: _("first ordered, first served"),
}

POLICY_RULES = {
    Policy.PROPORTIONAL: _(
        "Each order gets the delivery's share of what it ordered, rounded down to whole units; "
        "the units left over go one each to the largest remainders."
    ),
    Policy.EQUAL: _(
        "Every order gets the same number of units, or all it ordered if that is less; "
        "the units that cannot be shared equally go one each to the orders still short."
    ),
    Policy.FCFS: _(
        "Orders are served in full in the order they were placed until the delivery runs out."
    ),
}

TIE_RULE = _(
    "Ties go to the earlier order: lower 跟团号 (group-buy number), then earlier order time, "
    "then lower order id."
)

VULNERABLE_RULE = _(
    "Households marked vulnerable are served in full first where the delivery allows; if it "
    "does not cover them all, it goes to them alone, each keeping at least what the policy "
    "would give it anyway."
)


class Claim(NamedTuple):
    """What one order line still asks for. Claims are passed earliest order first. (A tuple:
    100,000 of them are made in a few milliseconds.)"""

    quantity: int
    vulnerable: bool = False


def allocate(
    policy: Policy | str,
    claims: Sequence[Claim],
    supply: int,
    *,
    vulnerable_first: bool = True,
) -> list[int]:
    """Each claim's share of ``supply``, in the order of ``claims``.

    The shares are whole units, none above its claim, and they sum to ``supply`` or to the
    total claimed if that is less.
    """
    policy = Policy(policy)
    if supply < 0 or any(claim.quantity < 0 for claim in claims):
        raise ValueError("quantities and supply must not be negative")
    quantities = [claim.quantity for claim in claims]
    demand = sum(quantities)
    if supply >= demand:
        return quantities
    share = _POLICIES[policy]
    if not vulnerable_first or not any(claim.vulnerable for claim in claims):
        return share(quantities, supply)

    vulnerable = [index for index, claim in enumerate(claims) if claim.vulnerable]
    others = [index for index, claim in enumerate(claims) if not claim.vulnerable]
    wanted = sum(quantities[index] for index in vulnerable)
    result = [0] * len(claims)
    if supply >= wanted:
        for index in vulnerable:
            result[index] = quantities[index]
        rest = share([quantities[index] for index in others], supply - wanted)
        for index, units in zip(others, rest, strict=True):
            result[index] = units
        return result
    # Not enough for the vulnerable households alone: all of it goes to them, each at least
    # what the policy gives it among everyone, the rest topped up by the same policy.
    baseline = share(quantities, supply)
    floor = [baseline[index] for index in vulnerable]
    top_up = share(
        [quantities[index] - got for index, got in zip(vulnerable, floor, strict=True)],
        supply - sum(floor),
    )
    for index, got, more in zip(vulnerable, floor, top_up, strict=True):
        result[index] = got + more
    return result


def proportional(quantities: Sequence[int], supply: int) -> list[int]:
    """Largest remainder: ``supply × q / total`` rounded down, the leftover units one each to
    the largest remainders, earlier claims first among equal remainders (the same rule that
    splits money, :func:`linli.core.rounding.split`)."""
    if supply >= sum(quantities):
        return list(quantities)
    return split(supply, quantities)


def equal_shares(quantities: Sequence[int], supply: int) -> list[int]:
    """Max–min fair: the highest whole level ``L`` with ``Σ min(q, L) ≤ supply``; each gets
    ``min(q, L)`` and the units left go one each to the earliest claims above the level."""
    demand = sum(quantities)
    if supply >= demand:
        return list(quantities)
    ordered = sorted(quantities)
    count = len(ordered)
    filled = 0  # units given to the claims below the level so far
    level = 0
    for position, quantity in enumerate(ordered):
        above = count - position
        # Raise the level towards this claim: every claim from here on takes the same.
        if filled + quantity * above > supply:
            level = (supply - filled) // above
            break
        filled += quantity
    shares = [min(quantity, level) for quantity in quantities]
    left = supply - sum(shares)
    for index, quantity in enumerate(quantities):
        if not left:
            break
        if quantity > level:
            shares[index] += 1
            left -= 1
    return shares


def first_come(quantities: Sequence[int], supply: int) -> list[int]:
    """Serve the claims in order, each in full, until the supply runs out."""
    shares = []
    left = supply
    for quantity in quantities:
        units = min(quantity, left)
        shares.append(units)
        left -= units
    return shares


_POLICIES = {
    Policy.PROPORTIONAL: proportional,
    Policy.EQUAL: equal_shares,
    Policy.FCFS: first_come,
}
