"""Helpers for the rewards tests: group buys run through the real services, events delivered
by the worker as in production."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from linli.core import events
from linli.groupbuys import services as groupbuys
from linli.rewards import services
from linli.rewards.models import RewardUnit, Trigger
from linli.rewards.services import book


def deliver() -> int:
    """Run the worker's event deliveries until nothing is left."""
    total = 0
    while done := events.deliver(now=timezone.now() + timedelta(days=365 * 50)):
        total += done
    return total


def points(household) -> int:
    return book.points_of(household.pk)


def energy(household) -> int:
    return book.energy_of(household.pk)


def rule(hood, trigger=Trigger.PICKED_UP, amount=10, **fields):
    return services.create_rule(
        actor=hood.operator,
        name=fields.pop("name", f"{trigger} {amount}"),
        trigger=trigger,
        amount=amount,
        starts_on=fields.pop("starts_on", date(2020, 1, 1)),
        **fields,
    )


def energy_rule(hood, trigger, amount, **fields):
    return rule(hood, trigger, amount, unit=RewardUnit.ENERGY, **fields)


def picked_up(hood, count=2, *, deliver_events=True):
    """A formed group buy whose ``count`` orders (of 2 × the first item, ¥4.50 each) the
    leader handed out in full."""
    group_buy, orders = hood.formed(count)
    for order in orders:
        groupbuys.confirm_pickup(
            actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=order.pk
        )
    if deliver_events:
        deliver()
    return group_buy, orders


def plant(operator, species, *, place="内蒙古阿拉善", count=1):
    """The operator records a planting of ``count`` grown trees of ``species`` by 阿拉善SEE."""
    return services.plant(
        actor=operator,
        partner="阿拉善SEE",
        place=place,
        lat=38.85,
        lng=105.7,
        planted_on=date(2026, 4, 12),
        species_id=species.pk,
        count=count,
    )


@pytest.fixture
def operator_user(hood):
    return hood.operator
