"""What rewards does when something happens below it. The group buys and after-sales publish
and know nothing of rewards; these handlers are queued (the worker delivers them) and
idempotent: a lot, a drop and a take-back are each written once, so an event delivered twice
earns (or takes back) once. Points are earned as of when it happened (``event.at``): they
expire a fixed time after the pickup, however late the worker delivers."""

from linli.core.events import Event, subscriber
from linli.groupbuys.models import Order

from . import services


@subscriber("order.picked_up", name="rewards.earn_pickup")
def earn_pickup(event: Event) -> None:
    """A pickup confirmed by the leader: earns once the order is collected in full."""
    services.earn_for_pickups(
        group_buy_id=event.payload["group_buy_id"],
        order_id=event.payload["order_id"],
        now=event.at,
    )


@subscriber("group_buy.completed", name="rewards.earn_completed")
def earn_completed(event: Event) -> None:
    """The pickup window ended: every order collected (in part too) earns, set-based."""
    services.earn_for_pickups(group_buy_id=event.payload["group_buy_id"], now=event.at)


@subscriber("order.cancelled", name="rewards.take_back_cancelled")
def take_back_cancelled(event: Event) -> None:
    services.take_back(order_id=event.payload["order_id"], reason="cancelled", now=event.at)


@subscriber("group_buy.failed", name="rewards.take_back_failed")
def take_back_failed(event: Event) -> None:
    for order_id in Order.objects.filter(group_buy_id=event.payload["group_buy_id"]).values_list(
        "id", flat=True
    ):
        services.take_back(order_id=order_id, reason="failed", now=event.at)


@subscriber("after_sales.decided", name="rewards.take_back_refunded")
def take_back_refunded(event: Event) -> None:
    """A refund for a delivered item takes back the order's points in its share, once per
    report."""
    decided = event.payload
    if decided["decision"] not in ("approved", "partly_approved") or not decided["order_id"]:
        return
    services.take_back(
        order_id=decided["order_id"],
        reason=f"report:{decided['report_id']}",
        refund_fen=decided["credit_fen"],
        now=event.at,
    )


@subscriber("after_sales.reported", name="rewards.feedback")
def feedback(event: Event) -> None:
    """A report on a delivered item is feedback; the feedback rules reward it."""
    reported = event.payload
    services.earn_for_report(
        report_id=reported["report_id"],
        household_id=reported["household_id"],
        community_id=reported["community_id"],
        order_id=reported["order_id"],
        now=event.at,
    )
