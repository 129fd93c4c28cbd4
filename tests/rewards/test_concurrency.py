"""32 workers at once (on PostgreSQL truly side by side; SQLite serialises the writers): the
last perks and the last points are never overdrawn, and exactly the right number succeed."""

import pytest

from linli.groupbuys import services as groupbuys
from linli.ledger import selectors as ledger
from linli.rewards import errors, services
from linli.rewards.models import Lot, Perk, Redemption, Trigger

from ..groupbuys.conftest import WORKERS, add_households, collide
from .conftest import deliver, picked_up, points, rule

pytestmark = pytest.mark.slow


def test_the_last_perks_go_to_exactly_as_many_households(live_hood):
    rule(live_hood, Trigger.PICKED_UP, 100)
    members = add_households(live_hood, WORKERS - 3)
    everyone = live_hood.members[1:] + members
    # Every household collects an order: 100 points each.
    group_buy = live_hood.open(stock=(200, 10))
    first = group_buy.items.order_by("position").first()
    for member in everyone:
        groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines={first.pk: 1})
    groupbuys.close_group_buy(actor=live_hood.leader_user, group_buy_id=group_buy.pk, early=True)
    for order in group_buy.orders.all():
        groupbuys.confirm_pickup(
            actor=live_hood.leader_user, group_buy_id=group_buy.pk, order_id=order.pk
        )
    deliver()
    assert len(everyone) == WORKERS
    perk = services.create_perk(
        actor=live_hood.operator,
        name="紧俏草莓预留",
        kind=Perk.Kind.RESERVED_UNIT,
        cost=30,
        stock=5,
        product_id=live_hood.products[0].pk,
    )
    results = collide([lambda m=m: services.redeem(actor=m, perk_id=perk.pk) for m in everyone])
    won = [r for r in results if isinstance(r, Redemption)]
    lost = [r for r in results if isinstance(r, errors.PerkSoldOut)]
    assert (len(won), len(lost)) == (5, WORKERS - 5), results
    perk.refresh_from_db()
    assert perk.left == 0
    assert ledger.check().ok


def test_one_household_redeeming_at_once_never_overdraws(live_hood):
    rule(live_hood, Trigger.PICKED_UP, 100)
    picked_up(live_hood, 1)  # 100 points
    rule(live_hood, Trigger.PICKED_UP, 250, name="bonus")
    picked_up(live_hood, 1)  # 100 + 250 more: 450 in all, in three lots
    member = live_hood.members[1]
    household = live_hood.households[1]
    assert points(household) == 450
    perk = services.create_perk(
        actor=live_hood.operator, name="小券", kind=Perk.Kind.COUPON, cost=40, coupon_fen=200
    )
    results = collide([lambda: services.redeem(actor=member, perk_id=perk.pk)] * WORKERS)
    won = [r for r in results if isinstance(r, Redemption)]
    refused = [r for r in results if isinstance(r, errors.NotEnoughPoints)]
    assert (len(won), len(refused)) == (11, WORKERS - 11), results
    assert points(household) == 450 - 11 * 40
    assert sum(Lot.objects.filter(household=household).values_list("remaining", flat=True)) == 10
    assert min(Lot.objects.values_list("remaining", flat=True)) >= 0
    assert ledger.check().ok
