"""The storefronts' decisions, pure: who may change a storefront, who may rate, what a
rating's average is. Callers pass what they read."""

from collections.abc import Iterable

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
