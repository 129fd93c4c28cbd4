"""Early access, the perk (docs/decisions/0029): a household that redeemed an early-access
perk (or was granted one by a community goal) may order a group buy of the perk's community
(any, for a perk of none) its ``hours_early`` before the group buy opens, for the group buys
that open within ``EARLY_ACCESS_DAYS`` of the redemption. Registered with the group buys
(:mod:`linli.groupbuys.early_access`) at start-up; they ask before every order placed,
changed or cancelled before an opening."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Q

from . import rules
from .models import Perk, Redemption


def _perks(household_id: int, community_id: int, now: datetime) -> list[tuple[int, datetime]]:
    """(hours early, redeemed at) of the household's early-access perks for this community
    (or any) that may still count: redeemed by ``now`` and within ``EARLY_ACCESS_DAYS`` of a
    group buy opening after it. One indexed query on the household's redemptions."""
    days = timedelta(days=settings.LINLI_REWARDS["EARLY_ACCESS_DAYS"])
    return list(
        Redemption.objects.filter(
            household_id=household_id,
            perk__kind=Perk.Kind.EARLY_ACCESS,
            at__lte=now,
            at__gt=now - days,
        )
        .filter(Q(perk__community__isnull=True) | Q(perk__community_id=community_id))
        .values_list("perk__hours_early", "at")
    )


def head_start(
    household_id: int, community_id: int, opens_at: datetime, now: datetime
) -> timedelta:
    """The longest head start of the household's early-access perks valid for this group buy
    (:func:`.rules.head_start_hours`)."""
    days = settings.LINLI_REWARDS["EARLY_ACCESS_DAYS"]
    perks = _perks(household_id, community_id, now)
    return timedelta(hours=rules.head_start_hours(perks, opens_at, now, days))


def opening_early_for(household_id: int, community_id: int, now: datetime) -> list:
    """The group buys of the household's community not open to everyone yet that it may order
    now (its home page lists them): none, in one query, for a household without the perk;
    else the scheduled group buys within its longest head start, each checked by the same rule
    as an order. Two queries."""
    from linli.groupbuys.models import GroupBuy

    perks = _perks(household_id, community_id, now)
    if not perks:
        return []
    days = settings.LINLI_REWARDS["EARLY_ACCESS_DAYS"]
    soon = GroupBuy.objects.filter(
        community_id=community_id,
        status=GroupBuy.Status.OPEN,
        opens_at__gt=now,
        opens_at__lte=now + timedelta(hours=max(hours for hours, _at in perks)),
        cutoff_at__gt=now,
    ).order_by("opens_at", "pk")[:8]
    return [
        group_buy
        for group_buy in soon
        if group_buy.opens_at
        - timedelta(hours=rules.head_start_hours(perks, group_buy.opens_at, now, days))
        <= now
    ]
