"""Pure decisions of the forecasts: no database, no forecasting library.

Censored demand. When an item sells out (or its group buy closes early at its maximum), the
orders recorded are a lower bound on what people wanted. The correction scales what was ordered
by the share of a group buy's orders that usually come in by the moment it sold out: orders do
not come in evenly (most in the evening and just before the cutoff), so that share is read from
the group buys that did not sell out (:func:`arrival_curve`), not assumed from the clock.
"""

from __future__ import annotations

import collections
import itertools
from collections.abc import Iterable
from datetime import datetime

#: Points of the arrival curve: the share of units ordered by each 1/BINS of the open window.
BINS = 20
#: A correction never more than triples what was ordered: a sell-out in the first minutes says
#: demand was high, not how high.
MAX_SCALE = 3.0


def arrival_curve(orders: Iterable[tuple[float, float]]) -> list[float]:
    """From (fraction of the open window elapsed when the order came, units) of group buys that
    did not sell out: the share of units ordered by each of ``BINS + 1`` evenly spaced points
    of the window (0 at the opening, 1 at the cutoff). Without any orders: even arrival."""
    totals = [0.0] * BINS
    for fraction, units in orders:
        at = min(BINS - 1, max(0, int(fraction * BINS)))
        totals[at] += units
    whole = sum(totals)
    if whole <= 0:
        return [n / BINS for n in range(BINS + 1)]
    curve, running = [0.0], 0.0
    for units in totals:
        running += units
        curve.append(running / whole)
    curve[-1] = 1.0
    return curve


def share_by(curve: list[float], fraction: float) -> float:
    """The share of a group buy's units usually ordered by ``fraction`` of its open window
    (linear between the curve's points)."""
    fraction = min(1.0, max(0.0, fraction))
    bins = len(curve) - 1
    at = min(bins - 1, int(fraction * bins))
    within = fraction * bins - at
    return curve[at] + (curve[at + 1] - curve[at]) * within


def corrected_units(ordered: float, share: float) -> float:
    """What people would have ordered had the item not sold out, at most ``MAX_SCALE`` × the
    units ordered: ``ordered / share`` of the window's usual orders by the sell-out."""
    return ordered / max(share, 1 / MAX_SCALE)


def window_fraction(opens: float, sold_out: float, cutoff: float) -> float:
    """How far through its open window (timestamps) a group buy was at ``sold_out``."""
    if cutoff <= opens:
        return 1.0
    return min(1.0, max(0.0, (sold_out - opens) / (cutoff - opens)))


def sold_out(stock_left: int | None, close_reason: str) -> bool:
    """Whether an item's orders understate its demand: none left, or its group buy closed at
    its maximum (close reason ``full``)."""
    return stock_left == 0 or close_reason == "full"


def wanted_units(
    ordered: float, curve: list[float], opens: datetime, last: datetime, cutoff: datetime
) -> float:
    """What a sold-out item would have sold: ``ordered`` scaled by the share of a group buy's
    units usually in by its last order (opened at ``opens``, cutoff at ``cutoff``)."""
    fraction = window_fraction(opens.timestamp(), last.timestamp(), cutoff.timestamp())
    return corrected_units(ordered, share_by(curve, fraction))


# -- Suggested stock (the newsvendor) ------------------------------------------------------------

#: What an unsold unit is still worth, as a share of its cost, per product category: fresh food
#: is thrown away (≈ 0); dry goods sell next time, less what it costs to keep them.
SALVAGE_SHARE = {
    "vegetable": 0.0,
    "fruit": 0.0,
    "meat": 0.0,
    "seafood": 0.0,
    "eggs_dairy": 0.1,
    "grain": 0.8,
    "pantry": 0.8,
    "household": 0.9,
}
#: The critical ratio is kept inside these bounds: a product sold at or below cost still gets
#: the low end of its range, and a nearly free one not far beyond the high end.
RATIO_BOUNDS = (0.1, 0.9)


def critical_ratio(price_fen: int, cost_fen: int, category: str) -> float:
    """The newsvendor's critical ratio: the margin lost on a unit short (price − cost) over
    that plus the money lost on a unit left over (cost − what it is still worth)."""
    short = max(0, price_fen - cost_fen)
    over = cost_fen * (1 - SALVAGE_SHARE.get(category, 0.0))
    if short + over <= 0:
        return RATIO_BOUNDS[1]
    low, high = RATIO_BOUNDS
    return min(high, max(low, short / (short + over)))


def quantile(values: list[float], q: float) -> float:
    """The ``q`` quantile of ``values`` (linear between order statistics; 0 for no values)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    at = q * (len(ordered) - 1)
    below = int(at)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (at - below)


def suggested_stock(demands: list[float], ratio: float, cap: int) -> int:
    """Whole units to open with: the ``ratio`` quantile of the demands seen per group buy
    (rounded up: a unit short loses a sale, the ratio already weighs the unit left over),
    never negative, never above ``cap``, and at least 1 when anyone ever ordered it."""
    import math

    wanted = quantile(demands, ratio)
    units = math.ceil(wanted - 1e-9) if wanted > 0 else 0
    if units == 0 and any(d > 0 for d in demands):
        units = 1
    return max(0, min(cap, units))


# -- A household's usual items --------------------------------------------------------------------

#: Days of a household's orders its usual items are read from.
USUAL_DAYS = 120
#: Distinct days a product was ordered on before it counts as usual.
USUAL_TIMES = 3
#: An item is due this many days before its usual interval is over (its group buy takes a
#: day or two to deliver).
DUE_EARLY = 2


def usual_interval(days: list) -> int | None:
    """The usual number of days between a household's orders of a product (the median gap
    between the distinct days it ordered it), or None if it ordered it fewer than
    ``USUAL_TIMES`` times."""
    distinct = sorted(set(days))
    if len(distinct) < USUAL_TIMES:
        return None
    gaps = sorted((later - earlier).days for earlier, later in itertools.pairwise(distinct))
    middle = len(gaps) // 2
    median = gaps[middle] if len(gaps) % 2 else (gaps[middle - 1] + gaps[middle]) / 2
    return max(1, round(median))


def is_due(last, every: int, today) -> bool:
    """Whether an item bought every ``every`` days, last on ``last``, is due by ``today``."""
    return (today - last).days >= every - DUE_EARLY


def suggestion_demands(
    own: list[float], city: list[tuple[float, int]], households: int
) -> tuple[list[float], bool]:
    """What a suggestion reads, and whether it is the city's: the community's own last group
    buys' demands (newest first, at most ``OFFERS``) if there are ``MIN_OFFERS`` of them, else
    the city's last ``CITY_OFFERS`` (units, households of their community), scaled to the
    community's ``households``."""
    if len(own) >= MIN_OFFERS:
        return own[:OFFERS], False
    scaled = [units / size * households for units, size in city[:CITY_OFFERS] if size]
    return scaled, True


def usual_weekday(weekdays: list[int]) -> int | None:
    """The weekday (0 Monday … 6 Sunday) a community's recent group buys of a product mostly
    opened on: the most frequent one, if more than ``WEEKDAY_SHARE`` of at least
    ``MIN_OFFERS`` group buys opened on it; otherwise None (the why leaves the day out)."""
    if len(weekdays) < MIN_OFFERS:
        return None
    counts = collections.Counter(weekdays)
    day, times = max(counts.items(), key=lambda pair: (pair[1], -pair[0]))
    return day if times > WEEKDAY_SHARE * len(weekdays) else None


#: "Mostly on one weekday": more than this share of the group buys read.
WEEKDAY_SHARE = 0.5
#: Past group buys of a product in the community its suggestion reads (the newest).
OFFERS = 8
#: Fewer offers of its own than this, and a community reads the city's, scaled to its size.
MIN_OFFERS = 3
#: Offers of a product city-wide read for a community without enough of its own.
CITY_OFFERS = 20
