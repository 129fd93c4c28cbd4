"""What the group buys publish, with the exact payloads subscribers rely on."""

import pytest

from linli.core.models import OutboxEvent
from linli.groupbuys import services
from linli.groupbuys.errors import InsufficientStock

pytestmark = pytest.mark.django_db


def _published(name):
    return [event.payload for event in OutboxEvent.objects.filter(name=name).order_by("id")]


def test_the_group_buy_cycle_publishes_its_events(hood):
    group_buy = hood.open(stock=(10, 10), min_to_form=3)
    cabbage = group_buy.items.order_by("position").first()
    member = hood.members[1]
    order = services.place_order(actor=member, group_buy_id=group_buy.pk, lines={cabbage.pk: 2})
    where = {"group_buy_id": group_buy.pk, "community_id": hood.community.pk}
    assert _published("order.placed") == [
        {
            **where,
            "order_id": order.pk,
            "household_id": hood.households[1].pk,
            "placed_by_id": member.pk,
            "actor_id": member.pk,
            "status": "placed",
            "total_fen": 900,
        }
    ]
    services.change_order(actor=member, order_id=order.pk, lines={cabbage.pk: 3})
    assert [p["total_fen"] for p in _published("order.changed")] == [1350]

    # A refused order publishes nothing.
    with pytest.raises(InsufficientStock):
        services.place_order(actor=member, group_buy_id=group_buy.pk, lines={cabbage.pk: 8})
    assert len(_published("order.placed")) == 1

    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    assert _published("group_buy.formed") == [
        {
            **where,
            "reason": "early",
            "threshold": "units",
            "fill": 3,
            "min_to_form": 3,
            "orders": 1,
        }
    ]


def test_a_failed_group_buy_and_a_cancelled_order_are_published(hood):
    group_buy = hood.open(min_to_form=5)
    cabbage = group_buy.items.order_by("position").first()
    first = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={cabbage.pk: 1}
    )
    services.place_order(actor=hood.members[2], group_buy_id=group_buy.pk, lines={cabbage.pk: 1})
    services.cancel_order(actor=hood.members[1], order_id=first.pk)
    assert [
        (p["order_id"], p["status"], p["total_fen"]) for p in _published("order.cancelled")
    ] == [(first.pk, "cancelled", 450)]
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    failed = _published("group_buy.failed")
    assert [(p["reason"], p["fill"], p["min_to_form"], p["orders"]) for p in failed] == [
        ("early", 1, 5, 1)
    ]
    assert _published("group_buy.formed") == []


def test_delivery_sharing_out_pickup_and_completion_are_published(hood):
    group_buy, orders = hood.formed(count=2)
    greens = group_buy.items.order_by("position").first()
    purchase_order = group_buy.purchase_orders.get()
    where = {"group_buy_id": group_buy.pk, "community_id": hood.community.pk}
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={greens.product_id: 3},
    )
    assert _published("delivery.recorded") == [
        {
            **where,
            "purchase_order_id": purchase_order.pk,
            "supplier_id": hood.supplier.pk,
            "delivered": {str(greens.product_id): 3},
        }
    ]
    services.apply_allocation(
        actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs"
    )
    assert _published("shortfall.refunded") == [
        {
            **where,
            "item_id": greens.pk,
            "refunds": {str(orders[1].household_id): 450},
            "actor_id": hood.leader_user.pk,
        }
    ]
    for order in orders:
        services.confirm_pickup(
            actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=order.pk
        )
    # Handed out before the pickup window opened (the gate opened early): not "in window".
    assert [
        (p["order_id"], p["pickup"], p["in_window"]) for p in _published("order.picked_up")
    ] == [(orders[0].pk, "full", False), (orders[1].pk, "full", False)]
    assert _published("group_buy.completed") == [
        {**where, "reason": "all_collected", "uncollected_orders": 0}
    ]
