"""A group buy in a fixed week (so times read back exactly), and the worker's two jobs run
by hand: deliver the events (which writes the notices), then send what is due by e-mail."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest

from linli.core import events
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, PurchaseOrder
from linli.notices.services import SendRun, send_due

# 09:00 in Shanghai; the cutoff at 19:00, the pickup window ends the next day at 15:00.
OPENED = datetime(2027, 3, 1, 1, 0, tzinfo=UTC)
CUTOFF_IN = timedelta(hours=10)
LATER = OPENED + timedelta(days=3)


def work(now: datetime = LATER) -> SendRun:
    """What ``linli worker`` does: deliver every event (fanning out first), then send."""
    while events.deliver(now=now):
        pass
    return send_due(now=now)


@dataclass
class Formed:
    group_buy: GroupBuy
    greens: GroupBuyItem
    eggs: GroupBuyItem
    orders: list[Order]  # of households[1] (greens) and households[2] (greens and eggs)
    purchase_order: PurchaseOrder
    closed_at: datetime


@pytest.fixture
def formed(hood) -> Formed:
    """Members 1 and 2 order greens (2 斤, 3 斤), member 2 a box of eggs too; it forms at its
    cutoff."""
    group_buy = hood.open(stock=(50, 20), now=OPENED, cutoff_in=CUTOFF_IN)
    greens, eggs = group_buy.items.order_by("position")
    orders = [
        services.place_order(
            actor=hood.members[1],
            group_buy_id=group_buy.pk,
            lines={greens.pk: 2},
            now=OPENED + timedelta(minutes=5),
        ),
        services.place_order(
            actor=hood.members[2],
            group_buy_id=group_buy.pk,
            lines={greens.pk: 3, eggs.pk: 1},
            now=OPENED + timedelta(minutes=6),
        ),
    ]
    closed_at = group_buy.cutoff_at + timedelta(seconds=1)
    services.close_due_group_buys(now=closed_at)
    return Formed(
        group_buy=GroupBuy.objects.get(pk=group_buy.pk),
        greens=greens,
        eggs=eggs,
        orders=[Order.objects.get(pk=order.pk) for order in orders],
        purchase_order=PurchaseOrder.objects.get(group_buy=group_buy, supplier=hood.supplier),
        closed_at=closed_at,
    )
