"""The notices written when something happens in a group buy (or after-sales).

Each subscriber is queued (the worker delivers it after the change has committed), never in
the change's own transaction: telling people must not slow an order down or undo it. Each is
idempotent twice over: the event is delivered once per subscriber in effect (the outbox), and
a notice is unique per (recipient, kind, key), the key naming what it is about, so an event
delivered twice, or a correction of the same delivery, tells nobody twice.
"""

from linli.core.events import Event, subscriber

from . import rules, selectors, services
from .rules import Kind


@subscriber("delivery.recorded", name="notices.goods_arrived")
def goods_arrived(event: Event) -> None:
    """Households with a confirmed order holding any product that arrived: where, until when,
    their pickup codes. Once per purchase order (a corrected delivery tells nobody again)."""
    payload = event.payload
    products = rules.arrived_products(payload["delivered"])
    if not products:
        return
    group_buy = selectors.group_buy(payload["group_buy_id"])
    services.notify_households(
        kind=Kind.GOODS_ARRIVED,
        key=f"purchase_order:{payload['purchase_order_id']}",
        households={
            household: {
                "group_buy_id": group_buy.pk,
                "title": group_buy.title,
                "place": group_buy.pickup_place,
                "until": group_buy.pickup_ends_at.isoformat(),
                "codes": got["codes"],
                "products": got["products"],
            }
            for household, got in selectors.arrived_for(group_buy.pk, products).items()
        },
    )


@subscriber("group_buy.failed", name="notices.group_buy_failed")
def group_buy_failed(event: Event) -> None:
    """Each household that ordered, with what it had ordered (now due back)."""
    group_buy = selectors.group_buy(event.payload["group_buy_id"])
    services.notify_households(
        kind=Kind.GROUP_BUY_FAILED,
        key=f"group_buy:{group_buy.pk}",
        households={
            household: {"group_buy_id": group_buy.pk, "title": group_buy.title, "amount_fen": fen}
            for household, fen in selectors.failed_amounts(group_buy.pk).items()
            if fen > 0
        },
    )


@subscriber("shortfall.refunded", name="notices.shortfall_refunded")
def shortfall_refunded(event: Event) -> None:
    """Each household credited for the item that arrived short, with its amount."""
    payload = event.payload
    group_buy = selectors.group_buy(payload["group_buy_id"])
    product = selectors.item_product_name(payload["item_id"])
    services.notify_households(
        kind=Kind.SHORTFALL_REFUNDED,
        key=f"item:{payload['item_id']}",
        households={
            household: {
                "group_buy_id": group_buy.pk,
                "title": group_buy.title,
                "product": product,
                "amount_fen": fen,
            }
            for household, fen in rules.amounts(payload["refunds"]).items()
        },
    )


@subscriber("after_sales.decided", name="notices.after_sales_decided")
def after_sales_decided(event: Event) -> None:
    """The household that reported, with the decision, the credit and the leader's reason."""
    payload = event.payload
    group_buy = selectors.group_buy(payload["group_buy_id"])
    services.notify_households(
        kind=Kind.AFTER_SALES_DECIDED,
        key=f"report:{payload['report_id']}",
        households={
            payload["household_id"]: {
                "group_buy_id": group_buy.pk,
                "title": group_buy.title,
                "product": selectors.product_name(payload["product_id"]),
                "decision": payload["decision"],
                "quantity": payload["quantity"],
                "credit_fen": payload["credit_fen"],
                "reason": payload.get("reason") or "",
            }
        },
    )
