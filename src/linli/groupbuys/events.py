"""What the group buys publish (:func:`linli.core.events.publish`), for the apps above them.

Each event is written in the transaction of the change it describes. Payloads are stable:
fields may be added, never renamed or taken away. Every payload names its group buy and
community, so a subscriber needs no read to know where it happened.
"""

from datetime import datetime

from linli.core.events import publish

from .models import GroupBuy, Order, PurchaseOrder

#: Every event the group buys publish: name → what it means.
EVENTS = {
    "group_buy.opened": "a leader opened a group buy, with each item's product and stock",
    "order.placed": "a household's order was placed",
    "order.changed": "an order's lines changed before the cutoff",
    "order.cancelled": "an order was cancelled before the cutoff",
    "group_buy.formed": "the group buy reached its minimum and closed (reason: cutoff, early, full)",
    "group_buy.failed": "the group buy closed short of its minimum; everyone is refunded",
    "group_buy.completed": "the pickup window ended (reason: pickup_window_ended, all_collected)",
    "delivery.recorded": "a supplier recorded what it delivered on a purchase order",
    "order.picked_up": "an order was handed out, in full or in part",
    "shortfall.refunded": "a short delivery was shared out and its shortfall credited back",
}


def _group_buy(group_buy: GroupBuy) -> dict:
    return {"group_buy_id": group_buy.pk, "community_id": group_buy.community_id}


def order_event(name: str, order: Order, group_buy: GroupBuy, *, actor_id: int | None) -> None:
    """order.placed, order.changed, order.cancelled; ``actor_id``: who did it."""
    publish(
        name,
        {
            **_group_buy(group_buy),
            "order_id": order.pk,
            "household_id": order.household_id,
            "placed_by_id": order.placed_by_id,
            "actor_id": actor_id,
            "status": order.status,
            "total_fen": order.total_fen,
        },
        at=order.updated_at,
    )


def opened(group_buy: GroupBuy, items: list) -> None:
    """group_buy.opened: ``items`` (the group buy's items, in order) with the stock each opened
    with."""
    publish(
        "group_buy.opened",
        {
            **_group_buy(group_buy),
            "opens_at": group_buy.opens_at.isoformat(),
            "items": [
                {"item_id": item.pk, "product_id": item.product_id, "stock": item.stock_initial}
                for item in items
            ],
        },
    )


def closed(group_buy: GroupBuy, *, fill: int, orders: int) -> None:
    """group_buy.formed or group_buy.failed, with why it closed."""
    publish(
        f"group_buy.{group_buy.status}",
        {
            **_group_buy(group_buy),
            "reason": group_buy.close_reason,
            "threshold": group_buy.threshold,
            "fill": fill,
            "min_to_form": group_buy.min_to_form,
            "orders": orders,
        },
        at=group_buy.closed_at,
    )


def completed(group_buy: GroupBuy, *, reason: str, uncollected_orders: int) -> None:
    publish(
        "group_buy.completed",
        {**_group_buy(group_buy), "reason": reason, "uncollected_orders": uncollected_orders},
        at=group_buy.completed_at,
    )


def delivery_recorded(purchase_order: PurchaseOrder, group_buy: GroupBuy, lines: dict) -> None:
    """``lines``: {product_id: units delivered}, the products recorded this time."""
    publish(
        "delivery.recorded",
        {
            **_group_buy(group_buy),
            "purchase_order_id": purchase_order.pk,
            "supplier_id": purchase_order.supplier_id,
            "delivered": {str(product): units for product, units in sorted(lines.items())},
        },
    )


def picked_up(order: Order, group_buy: GroupBuy) -> None:
    publish(
        "order.picked_up",
        {
            **_group_buy(group_buy),
            "order_id": order.pk,
            "household_id": order.household_id,
            "pickup": order.pickup,
            "in_window": bool(
                order.collected_at
                and group_buy.pickup_starts_at <= order.collected_at <= group_buy.pickup_ends_at
            ),
        },
        at=order.collected_at,
    )


def shortfall_refunded(
    group_buy: GroupBuy,
    *,
    item_id: int,
    refunds: dict[int, int],
    actor_id: int | None,
    at: datetime,
) -> None:
    """``refunds``: {household_id: fen credited back} for the item; ``actor_id``: who shared it
    out (none when it was shared out at completion)."""
    publish(
        "shortfall.refunded",
        {
            **_group_buy(group_buy),
            "item_id": item_id,
            "refunds": {str(h): fen for h, fen in sorted(refunds.items())},
            "actor_id": actor_id,
        },
        at=at,
    )
