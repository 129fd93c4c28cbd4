"""What the ledger does when something happens in a group buy.

The group buys publish (:mod:`linli.groupbuys.events`) and know nothing of the ledger; these
subscribers run inside the transaction of the change (``same_transaction=True``), so an order
and its charge, a failed group buy and its refunds, a completion and its settlement commit or
roll back together (decision 0018). Each is idempotent: it posts the difference from what the
ledger already holds, or under a unique key. After-sales, above the group buys but below
the ledger, is heard the same way (``after_sales.decided``).
"""

from linli.core.events import Event, subscriber
from linli.groupbuys import selectors as groupbuys
from linli.groupbuys.models import GroupBuy, Order

from . import rules, services


@subscriber(
    "order.placed", "order.changed", "order.cancelled", name="ledger.charge", same_transaction=True
)
def charge(event: Event) -> None:
    """The household owes what the order costs now: its total, or nothing once cancelled."""
    order = event.payload
    services.charge_order(
        order_id=order["order_id"],
        household_id=order["household_id"],
        group_buy_id=order["group_buy_id"],
        due_fen=rules.order_due_fen(
            cancelled=order["status"] == Order.Status.CANCELLED, total_fen=order["total_fen"]
        ),
        at=event.at,
        actor_id=order.get("actor_id"),
        new=event.name == "order.placed",
    )


@subscriber("group_buy.failed", name="ledger.refund_failed", same_transaction=True)
def refund_failed(event: Event) -> None:
    services.reverse_failed(_group_buy(event), at=event.at)


@subscriber("shortfall.refunded", name="ledger.refund_shortfall", same_transaction=True)
def refund_shortfall(event: Event) -> None:
    """What each household paid for and will not get, over every item shared out so far."""
    group_buy = _group_buy(event)
    services.refund_shortfalls(
        group_buy,
        groupbuys.shortfall_by_household(group_buy),
        actor_id=event.payload.get("actor_id"),
        at=event.at,
    )


@subscriber("group_buy.completed", name="ledger.settle", same_transaction=True)
def settle(event: Event) -> None:
    services.settle_group_buy(_group_buy(event), at=event.at)


@subscriber("after_sales.decided", name="ledger.after_sales", same_transaction=True)
def credit_after_sales(event: Event) -> None:
    """An approved after-sales report: the household credited, the supplier's payable reduced
    (docs/decisions/0025); once per report, whether or not the group buy is settled yet."""
    decided = event.payload
    if decided["decision"] not in ("approved", "partly_approved"):
        return
    services.credit_after_sales(
        report_id=decided["report_id"],
        household_id=decided["household_id"],
        supplier_id=decided["supplier_id"],
        group_buy_id=decided["group_buy_id"],
        order_id=decided["order_id"],
        credit_fen=decided["credit_fen"],
        cost_fen=decided["cost_fen"],
        actor_id=decided.get("actor_id"),
        at=event.at,
    )


def _group_buy(event: Event) -> GroupBuy:
    return GroupBuy.objects.select_related("leader").get(pk=event.payload["group_buy_id"])
