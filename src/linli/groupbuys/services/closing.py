"""At the cutoff a group buy forms or fails; after pickup it completes.

A close is one transaction of a few set-based statements, whatever the number of orders:
sum the placed orders' lines per item into purchase orders with one GROUP BY, number the
orders (跟团号) and confirm them with one windowed UPDATE, and mark a failed group buy's orders
with one UPDATE. The sums are taken before the UPDATE rewrites the order rows: the same rows,
read before each has a second version, which on PostgreSQL makes the GROUP BY 2–3× faster
(see ``bench/cutoff.py``). Nothing else can change the orders in between: the close holds the
group buy's row, and placing, changing and cancelling wait for it. Killed half-way, the
transaction rolls back and the group buy is still open; closed twice, the second call finds
it closed and returns it unchanged.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.formatting import LocalTime

from .. import events, rules
from ..errors import GroupBuyNotFound, NotDue, NotLeader
from ..models import GroupBuy, Order, OrderLine, Presale, PurchaseOrder, PurchaseOrderLine
from .holding import fill_of, hold_group_buy
from .sharing import share_out_what_is_left_locked


def close_group_buy(
    *,
    actor: User | None,
    group_buy_id: int,
    early: bool = False,
    now: datetime | None = None,
) -> GroupBuy:
    """Close a group buy: forms if the minimum is reached, fails otherwise.

    At or after the cutoff anyone's touch (or ``linli cutoff``) may close it; before the
    cutoff only a leader of its community or an operator may, with ``early=True``. Closing a
    closed group buy returns it as it is.
    """
    with transaction.atomic():
        hold_group_buy(group_buy_id, exclusive=True)
        group_buy = (
            GroupBuy.objects.select_for_update()
            .select_related("community")
            .filter(pk=group_buy_id)
            .first()
        )
        if group_buy is None:
            raise GroupBuyNotFound()
        if actor is not None:
            who = roles(actor)
            if not who.sees(group_buy.community_id):
                raise GroupBuyNotFound()
            if not who.manages(group_buy.community_id):
                raise NotLeader(community=group_buy.community.name)
        if group_buy.status != GroupBuy.Status.OPEN:
            return group_buy
        # The clock is read once the orders under way are in: the close happens now, not
        # when it was asked for.
        now = now or timezone.now()
        due = now >= group_buy.cutoff_at
        if not due and not early:
            raise NotDue(cutoff_at=LocalTime(group_buy.cutoff_at))
        reason = GroupBuy.CloseReason.CUTOFF if due else GroupBuy.CloseReason.EARLY
        close_locked(group_buy, now=now, reason=reason, actor=actor)
    return group_buy


def close_locked(group_buy: GroupBuy, *, now: datetime, reason: str, actor: User | None) -> None:
    """Form or fail ``group_buy``; the caller holds its row exclusively."""
    fill = fill_of(group_buy)
    if rules.forms(group_buy, fill):
        purchase_orders = _make_purchase_orders(group_buy, now)
        orders = _number_orders(group_buy, now)
        group_buy.status = GroupBuy.Status.FORMED
    else:
        orders = Order.objects.filter(group_buy=group_buy, status=Order.Status.PLACED).update(
            status=Order.Status.FAILED, updated_at=now
        )
        _give_back_to_presales(group_buy)
        purchase_orders = []
        group_buy.status = GroupBuy.Status.FAILED
    group_buy.closed_at = now
    group_buy.close_reason = reason
    group_buy.save(update_fields=["status", "closed_at", "close_reason"])
    audit.record(
        actor=actor,
        action=f"group_buy.{group_buy.status}",
        target=group_buy,
        data={
            "reason": reason,
            "threshold": group_buy.threshold,
            "fill": fill,
            "min_to_form": group_buy.min_to_form,
            "orders": orders,
            "purchase_orders": purchase_orders,
        },
    )
    events.closed(group_buy, fill=fill, orders=orders)


def _give_back_to_presales(group_buy: GroupBuy) -> None:
    """A failed group buy's orders no longer take from the farmers' presales they were
    placed on: their units go back to each presale still open, for other communities to
    order (presale by presale in id order, as orders take them)."""
    taken = (
        OrderLine.objects.filter(
            order__group_buy=group_buy,
            order__status=Order.Status.FAILED,
            item__presale__status=Presale.Status.OPEN,
        )
        .values_list("item__presale_id")
        .annotate(units=Sum("quantity"))
        .order_by("item__presale_id")
    )
    for presale_id, units in taken:
        Presale.objects.filter(pk=presale_id).update(left=F("left") + units)


def _number_orders(group_buy: GroupBuy, now: datetime) -> int:
    """Confirm every placed order and give it its 跟团号, 1… in the order they were placed."""
    table = Order._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            UPDATE {table} AS o
               SET seq = numbered.rn, status = %s, updated_at = %s
              FROM (SELECT id, ROW_NUMBER() OVER (ORDER BY placed_at, id) AS rn
                      FROM {table}
                     WHERE group_buy_id = %s AND status = %s) AS numbered
             WHERE o.id = numbered.id
            """,
            [
                Order.Status.CONFIRMED,
                connection.ops.adapt_datetimefield_value(now),
                group_buy.pk,
                Order.Status.PLACED,
            ],
        )
        return cursor.rowcount


def _make_purchase_orders(group_buy: GroupBuy, now: datetime) -> list[int]:
    """One purchase order per supplier: the sum of the placed orders' lines per item, nothing
    else. Called just before :func:`_number_orders` confirms exactly those orders."""
    totals = list(
        OrderLine.objects.filter(order__group_buy=group_buy, order__status=Order.Status.PLACED)
        .values(
            "item_id", "item__product_id", "item__product__supplier_id", "item__product__cost_fen"
        )
        # A help-sell item costs the offer's supply price (decision 0038), others the product's.
        .annotate(
            quantity=Sum("quantity"),
            unit_cost=Coalesce(
                "item__help_sell__offer__supply_price_fen", "item__product__cost_fen"
            ),
        )
        .order_by("item_id")
    )
    suppliers = sorted({row["item__product__supplier_id"] for row in totals})
    orders = PurchaseOrder.objects.bulk_create(
        PurchaseOrder(group_buy=group_buy, supplier_id=supplier_id, created_at=now)
        for supplier_id in suppliers
    )
    by_supplier = {order.supplier_id: order for order in orders}
    PurchaseOrderLine.objects.bulk_create(
        PurchaseOrderLine(
            purchase_order=by_supplier[row["item__product__supplier_id"]],
            item_id=row["item_id"],
            product_id=row["item__product_id"],
            quantity=row["quantity"],
            unit_cost_fen=row["unit_cost"],
        )
        for row in totals
    )
    return [order.pk for order in orders]


def complete_locked(
    group_buy: GroupBuy, *, now: datetime, reason: str, actor: User | None = None
) -> None:
    """Mark a formed group buy completed, and why (a :class:`GroupBuy.CompletionReason`); the
    caller holds its row exclusively."""
    if group_buy.status != GroupBuy.Status.FORMED:
        return
    # A short delivery nobody shared out is shared now, so that its shortfall is refunded
    # before the sales are settled.
    share_out_what_is_left_locked(group_buy, now=now)
    # Counted once what was shared out has marked the orders with nothing left as collected.
    uncollected = (
        Order.objects.filter(group_buy=group_buy, status=Order.Status.CONFIRMED)
        .exclude(pickup=Order.Pickup.FULL)
        .count()
    )
    group_buy.status = GroupBuy.Status.COMPLETED
    group_buy.completed_at = now
    group_buy.completion_reason = reason
    group_buy.save(update_fields=["status", "completed_at", "completion_reason"])
    audit.record(
        actor=actor,
        action="group_buy.completed",
        target=group_buy,
        data={"reason": reason, "uncollected_orders": uncollected},
    )
    events.completed(group_buy, reason=reason, uncollected_orders=uncollected)


def catch_up(*, group_buy_id: int, now: datetime | None = None) -> None:
    """Bring one group buy up to date with the clock: close it if its cutoff has passed,
    complete it if its pickup window has ended. The clock's job, :func:`close_due_group_buys`,
    does this for every group buy that is due; nothing that only reads does."""
    now = now or timezone.now()
    state = (
        GroupBuy.objects.filter(pk=group_buy_id)
        .values_list("status", "cutoff_at", "pickup_ends_at")
        .first()
    )
    if state is None:
        return
    status, cutoff_at, pickup_ends_at = state
    if status == GroupBuy.Status.OPEN and now >= cutoff_at:
        close_group_buy(actor=None, group_buy_id=group_buy_id, now=now)
        status = GroupBuy.objects.filter(pk=group_buy_id).values_list("status", flat=True).get()
    if status == GroupBuy.Status.FORMED and now >= pickup_ends_at:
        with transaction.atomic():
            group_buy = GroupBuy.objects.select_for_update().get(pk=group_buy_id)
            complete_locked(
                group_buy, now=now, reason=GroupBuy.CompletionReason.PICKUP_WINDOW_ENDED
            )


@dataclass
class CutoffRun:
    formed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    completed: list[int] = field(default_factory=list)


def close_due_group_buys(
    *, now: datetime | None = None, progress: Callable[[int, int], None] | None = None
) -> CutoffRun:
    """Close every open group buy whose cutoff has passed and complete every formed one whose
    pickup window has ended; each in its own transaction, so one cannot hold up the others."""
    now = now or timezone.now()
    run = CutoffRun()
    due = list(
        GroupBuy.objects.filter(status=GroupBuy.Status.OPEN, cutoff_at__lte=now)
        .order_by("cutoff_at", "id")
        .values_list("id", flat=True)
    )
    for done, group_buy_id in enumerate(due, start=1):
        group_buy = close_group_buy(actor=None, group_buy_id=group_buy_id, now=now)
        if group_buy.status == GroupBuy.Status.FORMED:
            run.formed.append(group_buy_id)
        elif group_buy.status == GroupBuy.Status.FAILED:
            run.failed.append(group_buy_id)
        if progress:
            progress(done, len(due))
    ended = list(
        GroupBuy.objects.filter(status=GroupBuy.Status.FORMED, pickup_ends_at__lte=now)
        .order_by("pickup_ends_at", "id")
        .values_list("id", flat=True)
    )
    for done, group_buy_id in enumerate(ended, start=1):
        catch_up(group_buy_id=group_buy_id, now=now)
        run.completed.append(group_buy_id)
        if progress:
            progress(done, len(ended))
    return run
