"""Pure decisions of rewards: how much a rule gives, what a cap leaves, which points a
redemption or a take-back uses, a household's tier, the energy of a pickup, a tree's stage.
No database here."""

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")

FIXED = "fixed"
PER_YUAN = "per_yuan"

#: A tree's stages, from a seed to grown (the SVG draws each).
STAGES = 5


def earned_by(effect: str, amount: int, basis_fen: int) -> int:
    """What a rule gives: its fixed amount, or ``amount`` per whole yuan of the basis."""
    if effect == PER_YUAN:
        return amount * (basis_fen // 100)
    return amount


def capped(
    wanted: int, *, earned_today: int, day_cap: int | None, earned_month: int, month_cap: int | None
) -> int:
    """What is left of ``wanted`` under the rule's daily and monthly caps (never below 0)."""
    left = wanted
    if day_cap is not None:
        left = min(left, day_cap - earned_today)
    if month_cap is not None:
        left = min(left, month_cap - earned_month)
    return max(0, left)


def take_back_share(*, amount: int, taken_back: int, basis_fen: int, refund_fen: int | None) -> int:
    """Points a refund takes back from a lot: all that is not taken back yet when the whole
    order is undone (``refund_fen`` None) or the refund covers the basis; else the refund's
    share of what was earned, rounded down: never more than was earned."""
    left = amount - taken_back
    if refund_fen is None or basis_fen <= 0 or refund_fen >= basis_fen:
        return max(0, left)
    return max(0, min(left, amount * refund_fen // basis_fen))


@dataclass(frozen=True)
class Held:
    lot_id: int
    remaining: int


def consume(lots: Iterable[Held], wanted: int) -> list[tuple[int, int]]:
    """Take ``wanted`` points from ``lots`` in the order given (closest to expiry first),
    skipping lots with nothing left: ``[(lot_id, taken)]``; takes what there is when there is
    less."""
    taken = []
    for lot in lots:
        if wanted <= 0:
            break
        if lot.remaining <= 0:
            continue
        take = min(lot.remaining, wanted)
        taken.append((lot.lot_id, take))
        wanted -= take
    return taken


def tier_for(earned: int, thresholds: Sequence[tuple[int, int]]) -> int | None:
    """The id of the highest tier whose threshold ``earned`` reaches; ``thresholds``:
    ``[(min_points, tier_id)]`` in any order."""
    reached = [(low, tier) for low, tier in thresholds if earned >= low]
    return max(reached)[1] if reached else None


def current_tier(
    by_earned: tuple[int, int] | None, standing: tuple[int, int] | None
) -> tuple[int, int] | None:
    """(min_points, tier_id): a tier rises as soon as it is reached and falls only at the
    yearly review (``standing``: what the review gave)."""
    candidates = [t for t in (by_earned, standing) if t is not None]
    return max(candidates) if candidates else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance between two (lat, lng) points (haversine, R = 6371 km)."""
    lat1, lng1, lat2, lng2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def trip_g(*, straight_km: float, road_factor: float, g_per_km: float) -> float:
    """CO₂ of one bulk delivery's leg from the depot to the gate, on the road (the vehicle
    goes on to other gates of its route; docs/decisions/0030)."""
    return straight_km * road_factor * g_per_km


def pickup_avoided_g(*, van_drop_g: int, trip_shares: Iterable[float]) -> int:
    """CO₂ one order collected at the gate avoids: the van drop at the door minus its share of
    each bulk trip that brought it (rounded to the gram; may be below zero)."""
    return round(van_drop_g - sum(trip_shares))


def energy_window(collected_at: datetime, hours: int) -> tuple[datetime, datetime]:
    """Energy appears at the start of the day after the pickup (Shanghai time) and lapses
    ``hours`` later."""
    day = collected_at.astimezone(SHANGHAI).date() + timedelta(days=1)
    appears = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return appears, appears + timedelta(hours=hours)


def local_day(moment: datetime) -> date:
    return moment.astimezone(SHANGHAI).date()


def day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    return start, start + timedelta(days=1)


def month_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day.replace(day=1), time(0), tzinfo=SHANGHAI)
    following = (day.replace(day=1) + timedelta(days=32)).replace(day=1)
    return start, datetime.combine(following, time(0), tzinfo=SHANGHAI)


def stage(energy_g: int, needed_g: int) -> int:
    """0 (a seed) … STAGES - 1 (grown)."""
    if energy_g >= needed_g:
        return STAGES - 1
    return min(STAGES - 2, energy_g * (STAGES - 1) // needed_g)


def to_grow(energy_g: int, needed_g: int, offered: int) -> int:
    """How much of ``offered`` grams a tree takes: no more than it still needs."""
    return max(0, min(offered, needed_g - energy_g))


def may_redeem(*, points: int, cost: int, left: int | None, tier_ok: bool) -> str | None:
    """Why a redemption is refused, or None: the perk ran out, the tier is too low, too few
    points."""
    if left is not None and left <= 0:
        return "sold_out"
    if not tier_ok:
        return "tier"
    if points < cost:
        return "points"
    return None


def goal_share_pct(*, on_time: int, counted: int) -> float:
    """The share of the households counted that picked up on time, in percent (0 when none
    was counted)."""
    return 100 * on_time / counted if counted else 0.0


def goal_met(*, on_time: int, counted: int, threshold_pct: int) -> bool:
    """Reached when at least ``threshold_pct`` % of the households counted picked up on time
    (exactly, in whole numbers: 4 of 5 meets 80 %); never with no household counted."""
    return counted > 0 and on_time * 100 >= threshold_pct * counted


def month_ended(month: date, now: datetime) -> bool:
    """Whether the month (its first day) is over in Shanghai at ``now``."""
    return now >= month_bounds(month)[1]


def head_start_hours(
    perks: Iterable[tuple[int, datetime]], opens_at: datetime, now: datetime, days: int
) -> int:
    """The longest head start, in hours, that early-access perks redeemed (``(hours early,
    redeemed at)``) give a group buy opening at ``opens_at``: a perk counts once redeemed and
    for the group buys that open within ``days`` of it."""
    return max(
        (hours for hours, at in perks if at <= now and at > opens_at - timedelta(days=days)),
        default=0,
    )


#: The most lines of a history a page skips (beyond it, the first page is shown).
MAX_SKIP = 1_000_000


def history_skip(text: str) -> int:
    """How many lines of a history a page skips, from its address (``?from=40``): anything but
    a whole number from 0 to MAX_SKIP is 0 (the newest lines), never an error."""
    text = text.strip()
    if not text.isascii() or not text.isdigit() or len(text) > len(str(MAX_SKIP)):
        return 0
    return int(text) if int(text) <= MAX_SKIP else 0
