"""Integer fen, by two documented rules.

- A share of an amount (a commission at a rate in basis points) is rounded half up to the fen:
  ``share(1005, 1000)`` is 101 (100.5 → 101), ``share(1004, 1000)`` is 100.
- A sum split over parts in proportion to weights uses the largest remainder (Hamilton's
  method): every part gets the floor of its exact share, and the fen left over go one each to
  the parts with the largest fractional remainders, ties to the earlier part. The parts always
  add up to the sum exactly.
"""

from collections.abc import Sequence


def share(amount: int, basis_points: int) -> int:
    """``amount × basis_points / 10 000``, rounded half up (for amounts of either sign, half
    away from zero)."""
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) * basis_points * 2 + 10_000) // 20_000)


def split(total: int, weights: Sequence[int]) -> list[int]:
    """Split ``total`` (≥ 0) in proportion to ``weights`` (≥ 0, not all zero) by largest
    remainder."""
    if total < 0 or any(weight < 0 for weight in weights):
        raise ValueError("split takes a non-negative total and weights")
    whole = sum(weights)
    if whole == 0:
        if total:
            raise ValueError("cannot split a non-zero total over zero weights")
        return [0] * len(weights)
    floors = [total * weight // whole for weight in weights]
    remainders = [total * weight % whole for weight in weights]
    left = total - sum(floors)
    for index in sorted(range(len(weights)), key=lambda i: (-remainders[i], i))[:left]:
        floors[index] += 1
    return floors
