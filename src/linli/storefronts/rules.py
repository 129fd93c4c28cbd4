"""The storefronts' decisions, pure: who may change a storefront, who may rate, what a
rating's average is. Callers pass what they read."""

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from linli.accounts.roles import Roles

from .limits import MAX_STOREFRONT_PHOTOS, STARS


def may_edit(who: Roles, supplier_id: int) -> bool:
    """The supplier's own staff and operators change a storefront; nobody else."""
    return who.operator or supplier_id in who.supplier_ids


def may_follow(who: Roles) -> bool:
    return who.household_id is not None


def may_rate(*, has_household: bool, collected: bool) -> bool:
    """Only a household that picked the product up rates it (never anonymous)."""
    return has_household and collected


def stars_valid(stars: object) -> bool:
    return type(stars) is int and stars in STARS


def room_for_photos(*, stored: int, adding: int) -> bool:
    return stored + adding <= MAX_STOREFRONT_PHOTOS


def average_tenths(stars: Iterable[int]) -> int | None:
    """The average in tenths of a star, rounded half up (4.25 → 43); none without ratings."""
    values = list(stars)
    if not values:
        return None
    return (sum(values) * 20 + len(values)) // (2 * len(values))


def pickup_window(
    cutoff_at: datetime, *, harvest_on: date | None = None
) -> tuple[datetime, datetime]:
    """When a group buy opened from a presale or an offer is picked up: the usual rhythm
    (from 14 h after the cutoff, for 6 hours), and for a presale not before 09:00 on the day
    after the harvest (then until 20:00)."""
    starts = cutoff_at + timedelta(hours=14)
    ends = starts + timedelta(hours=6)
    if harvest_on is not None:
        morning = datetime.combine(
            harvest_on + timedelta(days=1), time(9), tzinfo=timezone.get_current_timezone()
        )
        if morning > starts:
            starts, ends = morning, morning + timedelta(hours=11)
    return starts, ends


def percent(ppm: int) -> str:
    """Parts per million as a percentage to show: 300000 → "30%", 125000 → "12.5%"."""
    text = f"{ppm / 10_000:.4f}".rstrip("0").rstrip(".")
    return f"{text}%"


def ppm_from_percent(text: str) -> int:
    """A percentage as typed ("30", "12.5", "30%") in parts per million; ValueError for
    anything that is not a number with at most 4 decimals (the bound is the service's)."""
    text = text.strip().rstrip("%").strip()
    whole, _dot, part = text.partition(".")
    if (
        not whole.isdigit()
        or len(whole) > 7
        or not (part == "" or (part.isdigit() and len(part) <= 4))
    ):
        raise ValueError(text)
    return int(whole) * 10_000 + int(part.ljust(4, "0") or 0)
