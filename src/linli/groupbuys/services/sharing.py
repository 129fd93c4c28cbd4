"""Sharing out a short delivery, as both the leader's allocation and a group buy's
completion do it: each order line's share by a policy (:mod:`linli.groupbuys.fair_shares`),
stored, orders with nothing left marked collected, and ``shortfall.refunded`` published, to
which the ledger credits each household back in the same transaction. Every function here
needs the caller to hold the group buy's row (and the purchase-order line)."""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cache
from typing import Any, NamedTuple

from django.db import connection
from django.db.models import Exists, F, OuterRef
from django.db.models.functions import Coalesce

from linli.accounts.models import User
from linli.core import audit
from linli.core.rows import Picked

from .. import events
from ..fair_shares import TIE_RULE, VULNERABLE_RULE, Claim, Policy, allocate
from ..models import GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrderLine


class LineShare(NamedTuple):
    """One order line's share of the delivery. (A tuple: an item may have 100,000 lines.)"""

    line_id: int
    order_id: int
    seq: int | None
    household_id: int
    building: str
    room: str
    vulnerable: bool
    ordered: int
    picked_up: int
    allocated: int
    unit_price_fen: int

    @property
    def shortfall(self) -> int:
        return self.ordered - self.allocated

    @property
    def shortfall_fen(self) -> int:
        return self.shortfall * self.unit_price_fen


@dataclass(frozen=True)
class AllocationPlan:
    """The outcome of a policy for one item: each line's share, the totals and the rules."""

    item_id: int
    group_buy_id: int
    purchase_order_id: int
    product: str
    unit: str
    policy: str
    ordered: int
    delivered: int
    applied_at: datetime | None
    rules: list[Any] = field(default_factory=list)
    lines: list[LineShare] = field(default_factory=list)

    @property
    def policy_label(self) -> Any:
        return Policy(self.policy).label

    @property
    def allocated(self) -> int:
        return sum(line.allocated for line in self.lines)

    @property
    def shortfall(self) -> int:
        return sum(line.shortfall for line in self.lines)

    @property
    def shortfall_fen(self) -> int:
        return sum(line.shortfall_fen for line in self.lines)

    @property
    def applied(self) -> bool:
        return self.applied_at is not None


@cache
def _lines_sql() -> str:
    """The item's confirmed order lines, earliest order first, with the household's place and
    the share stored when the item was shared out.

    Written out (see ``docs/decisions/0008-hot-queries-in-sql.md``): for 100,000 lines the
    ORM's row conversion cost more than the query itself.
    """
    from linli.communities.models import Building, Household

    line, order = Picked(OrderLine, "l"), Picked(Order, "o")
    household, building = Picked(Household, "h"), Picked(Building, "b")
    return (
        f"SELECT l.id, {line.column('order')}, {order.column('seq')},"
        f" {order.column('household')}, {building.column('name')}, {household.column('room')},"
        f" {household.column('vulnerable')}, {line.column('quantity')},"
        f" {line.column('picked_up')}, {line.column('unit_price_fen')}, {line.column('allocated')}"
        f" FROM {line.table} JOIN {order.table} ON o.id = {line.column('order')}"
        f" JOIN {household.table} ON h.id = {order.column('household')}"
        f" JOIN {building.table} ON b.id = {household.column('building')}"
        f" WHERE {line.column('item')} = %s AND {order.column('status')} = %s"
        f" ORDER BY {order.column('seq')}, {order.column('placed_at')}, o.id"
    )


def plan_shares(
    item: GroupBuyItem, po_line: PurchaseOrderLine, policy: Policy, *, stored: bool = False
) -> AllocationPlan:
    """Each line's share by ``policy``: what was handed out before the sharing, and its share
    of the rest of the delivery over what it still asks for. With ``stored``, the shares as
    stored when the allocation was applied."""
    with connection.cursor() as cursor:
        cursor.execute(_lines_sql(), [item.pk, Order.Status.CONFIRMED])
        rows = cursor.fetchall()
    assert po_line.delivered is not None
    if stored:
        allocated = [row[10] or 0 for row in rows]
    else:
        supply = po_line.delivered - po_line.handed_out
        shares = allocate(policy, [Claim(row[7] - row[8], bool(row[6])) for row in rows], supply)
        allocated = [row[8] + share for row, share in zip(rows, shares, strict=True)]
    return AllocationPlan(
        item_id=item.pk,
        group_buy_id=item.group_buy_id,
        purchase_order_id=po_line.purchase_order_id,
        product=item.product.name,
        unit=item.product.unit,
        policy=policy.value,
        ordered=po_line.quantity,
        delivered=po_line.delivered,
        applied_at=po_line.allocated_at,
        rules=[policy.rule, VULNERABLE_RULE, TIE_RULE],
        lines=[
            LineShare(
                row[0],
                row[1],
                row[2],
                row[3],
                row[4],
                row[5],
                bool(row[6]),
                row[7],
                row[8],
                units,
                row[9],
            )
            for row, units in zip(rows, allocated, strict=True)
        ],
    )


def share_out_locked(
    item: GroupBuyItem,
    po_line: PurchaseOrderLine,
    policy: Policy,
    *,
    now: datetime,
    actor: User | None,
    reason: str = "leader",
) -> AllocationPlan:
    """Store each line's share by ``policy``, mark orders with nothing left to collect as
    collected, record it and refund the shortfalls; inside the caller's transaction, which
    holds the group buy's row and the purchase-order line."""
    plan = plan_shares(item, po_line, policy)
    _store_shares(plan.lines)
    po_line.allocation_policy = policy.value
    po_line.allocated_at = now
    po_line.save(update_fields=["allocation_policy", "allocated_at"])
    nothing_left = _mark_collected(item, now)
    audit.record(
        actor=actor,
        action="purchase_order_line.allocated",
        target=po_line,
        data={
            "item_id": item.pk,
            "policy": policy.value,
            "reason": reason,
            "ordered": plan.ordered,
            "delivered": plan.delivered,
            "allocated": plan.allocated,
            "shortfall": plan.shortfall,
            "shortfall_fen": plan.shortfall_fen,
            "lines": len(plan.lines),
            "orders_collected": nothing_left,
        },
    )
    refunds: dict[int, int] = defaultdict(int)
    for line in plan.lines:
        if line.shortfall_fen:
            refunds[line.household_id] += line.shortfall_fen
    # The ledger (a subscriber in this transaction) credits what each household paid for and
    # will not get, over every item shared out so far.
    events.shortfall_refunded(
        item.group_buy,
        item_id=item.pk,
        refunds=refunds,
        actor_id=actor.pk if actor is not None else None,
        at=now,
    )
    return replace(plan, applied_at=now)


#: How a short delivery nobody shared out is shared when its group buy completes.
AT_COMPLETION = Policy.PROPORTIONAL


def share_out_what_is_left_locked(group_buy: GroupBuy, *, now: datetime) -> None:
    """The pickup window has ended and some item came short but was never shared out: share
    what was delivered and not handed out by :data:`AT_COMPLETION`, on top of what each line
    already took, so that every household is refunded what it paid for and was never
    delivered (decision 0017). The caller holds the group buy's row; the group buy is still
    formed."""
    short = (
        PurchaseOrderLine.objects.select_for_update()
        .select_related("item__product")
        .filter(
            purchase_order__group_buy=group_buy,
            allocated_at__isnull=True,
            delivered__isnull=False,
            delivered__lt=F("quantity"),
        )
        .order_by("item__position", "item_id")
    )
    for po_line in short:
        item = po_line.item
        item.group_buy = group_buy
        share_out_locked(item, po_line, AT_COMPLETION, now=now, actor=None, reason="completed")


def _store_shares(lines: list[LineShare]) -> None:
    """Every line's share in a few statements: on PostgreSQL one UPDATE joined to the shares
    sent as two arrays; on SQLite one UPDATE per share value and up to 900 lines (under its
    parameter limit). An UPDATE with a CASE per line took seconds for 100,000 lines."""
    table = connection.ops.quote_name(OrderLine._meta.db_table)
    allocated = connection.ops.quote_name(OrderLine._meta.get_field("allocated").column or "")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"UPDATE {table} AS l SET {allocated} = v.share"
                " FROM unnest(%s::bigint[], %s::integer[]) AS v(id, share) WHERE l.id = v.id",
                [[line.line_id for line in lines], [line.allocated for line in lines]],
            )
            return
        by_share: dict[int, list[int]] = {}
        for line in lines:
            by_share.setdefault(line.allocated, []).append(line.line_id)
        for share, ids in sorted(by_share.items()):
            for start in range(0, len(ids), 900):
                chunk = ids[start : start + 900]
                cursor.execute(
                    f"UPDATE {table} SET {allocated} = %s"
                    f" WHERE id IN ({', '.join(['%s'] * len(chunk))})",
                    [share, *chunk],
                )


def _mark_collected(item: GroupBuyItem, now: datetime) -> int:
    """Orders of the item left with nothing more to collect count as collected. One UPDATE."""
    left = OrderLine.objects.filter(
        order=OuterRef("pk"), picked_up__lt=Coalesce(F("allocated"), F("quantity"))
    )
    has_item = OrderLine.objects.filter(order=OuterRef("pk"), item=item)
    return (
        Order.objects.filter(group_buy_id=item.group_buy_id, status=Order.Status.CONFIRMED)
        .filter(Exists(has_item))
        .exclude(pickup=Order.Pickup.FULL)
        .exclude(Exists(left))
        .update(pickup=Order.Pickup.FULL, collected_at=now, updated_at=now)
    )
