"""The whole cycle through the services: open, order, change, cancel, close, deliver, hand out."""

from datetime import timedelta

import pytest

from linli.core.models import AuditEvent
from linli.groupbuys import errors, services
from linli.groupbuys.models import GroupBuy, Order, PurchaseOrder


def test_a_group_buy_forms_and_is_handed_out(hood, now):
    group_buy = hood.open(stock=(50, 20), min_to_form=3, now=now)
    greens, eggs = group_buy.items.order_by("position")
    first = services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 2, eggs.pk: 1}, now=now
    )
    second = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 3}, now=now
    )
    third = services.place_order(
        actor=hood.members[2], group_buy_id=group_buy.pk, lines={eggs.pk: 1}, now=now
    )
    services.change_order(
        actor=hood.members[1], order_id=second.pk, lines={greens.pk: 1, eggs.pk: 2}, now=now
    )
    services.cancel_order(actor=hood.members[2], order_id=third.pk, now=now)

    greens.refresh_from_db()
    eggs.refresh_from_db()
    assert (greens.stock_left, eggs.stock_left) == (47, 17)

    later = group_buy.cutoff_at + timedelta(seconds=1)
    run = services.close_due_group_buys(now=later)
    assert run.formed == [group_buy.pk]
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.FORMED

    orders = list(Order.objects.filter(group_buy=group_buy).order_by("seq"))
    assert [(o.pk, o.seq, o.status) for o in orders if o.status != "cancelled"] == [
        (first.pk, 1, "confirmed"),
        (second.pk, 2, "confirmed"),
    ]
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    assert {line.product_id: line.quantity for line in purchase_order.lines.all()} == {
        greens.product_id: 3,
        eggs.product_id: 3,
    }

    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={greens.product_id: 3, eggs.product_id: 2},
        now=later,
    )
    first.refresh_from_db()
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, code=first.pickup_code, now=later
    )
    with pytest.raises(errors.AlreadyCollected):
        services.confirm_pickup(
            actor=hood.leader_user, group_buy_id=group_buy.pk, code=first.pickup_code, now=later
        )
    with pytest.raises(errors.NotEnoughDelivered):
        services.confirm_pickup(
            actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=second.pk, now=later
        )
    services.confirm_pickup(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        order_id=second.pk,
        lines={greens.pk: 1, eggs.pk: 1},
        now=later,
    )
    second.refresh_from_db()
    assert second.pickup == Order.Pickup.PARTIAL
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.FORMED
    assert AuditEvent.objects.filter(
        action="group_buy.formed", target_id=str(group_buy.pk)
    ).exists()
