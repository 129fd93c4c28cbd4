"""Ordering before a group buy opens, for households an app above the group buys says may.

The group buys cannot import rewards (it sits above them), where early access is a perk; rewards
registers a provider here at start-up (``RewardsConfig.ready``), as the forecasts register the
open form's suggestions (:mod:`.suggestions`). Without a provider nobody orders early.
"""

from collections.abc import Callable
from datetime import datetime, timedelta

#: (household id, community id, the group buy's opening time, now) → how long before the
#: opening this household may order (``timedelta(0)``: not before it).
Provider = Callable[[int, int, datetime, datetime], timedelta]

_providers: dict[str, Provider] = {}


def register(key: str, provider: Provider) -> None:
    _providers[key] = provider


def unregister(key: str) -> None:
    _providers.pop(key, None)


def head_start(
    *, household_id: int, community_id: int, opens_at: datetime, now: datetime
) -> timedelta:
    """How long before ``opens_at`` the household may order: the longest any provider gives.
    Asked only before the opening (after it everybody may)."""
    if now >= opens_at:
        return timedelta(0)
    return max(
        (_providers[key](household_id, community_id, opens_at, now) for key in sorted(_providers)),
        default=timedelta(0),
    )
