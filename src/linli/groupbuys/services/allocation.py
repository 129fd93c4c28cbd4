"""The supplier delivered less than was ordered: the leader shares it out by a named policy.

The leader previews the outcome of each policy (:func:`plan_allocation`, which changes
nothing), then applies one (:func:`apply_allocation`): each order line of the item gets its
share in ``OrderLine.allocated``, and the hand-out never gives more than that. What was
already handed out before the sharing stays with its order: only the rest of the delivery is
shared, over what each line still asks for. Applying is done once per item; applying the same
policy again changes nothing, another policy is refused. The shortfall of each line (ordered −
allocated) and its value are then readable with :func:`linli.groupbuys.selectors.shortfalls`
and credited back to each household by the ledger, which subscribes to ``shortfall.refunded``.
An item nobody shared out is shared by :data:`.sharing.AT_COMPLETION` when its group buy
completes (:func:`.sharing.share_out_what_is_left_locked`, decision 0017), so that no
shortfall goes unrefunded.
"""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import Roles, roles
from linli.core.formatting import LocalTime

from .. import selectors
from ..errors import (
    AlreadyAllocated,
    DeliveryNotRecorded,
    GroupBuyNotFound,
    PickupNotReady,
    UnknownItems,
    UnknownPolicy,
)
from ..fair_shares import Policy
from ..models import GroupBuy, GroupBuyItem, Order, PurchaseOrderLine
from .closing import complete_locked
from .sharing import AllocationPlan, plan_shares, share_out_locked


def _policy(policy: str) -> Policy:
    try:
        return Policy(policy)
    except ValueError:
        raise UnknownPolicy(choices=", ".join(Policy)) from None


def _checked_item(
    who: Roles, group_buy_id: int, item_id: int, *, lock: bool
) -> tuple[GroupBuyItem, PurchaseOrderLine]:
    """The item and its purchase-order line, if the caller runs its group buy and the
    supplier has recorded the delivery."""
    group_buys = GroupBuy.objects.select_related("community")
    if lock:
        # The group buy first, as the hand-out takes it: the two never wait on each other.
        group_buys = group_buys.select_for_update(of=("self",))
    group_buy = group_buys.filter(pk=group_buy_id).first()
    if group_buy is None or not who.sees(group_buy.community_id):
        raise GroupBuyNotFound()
    selectors.check_manages(who, group_buy)
    items = GroupBuyItem.objects.select_related("product")
    item = items.filter(pk=item_id, group_buy=group_buy).first()
    if item is None:
        raise UnknownItems(items=str(item_id))
    item.group_buy = group_buy
    if group_buy.status != GroupBuy.Status.FORMED:
        raise PickupNotReady(status=group_buy.get_status_display())
    po_lines = PurchaseOrderLine.objects.filter(item=item)
    if lock:
        po_lines = po_lines.select_for_update()
    po_line = po_lines.first()
    if po_line is None:  # formed, but nobody ordered this item
        raise UnknownItems(items=str(item_id))
    if po_line.delivered is None:
        raise DeliveryNotRecorded(product=item.product.name)
    return item, po_line


def plan_allocation(*, actor: User, group_buy_id: int, item_id: int, policy: str) -> AllocationPlan:
    """What ``policy`` would give each order line of the item. Changes nothing. Once the
    item has been shared out, the plan of the applied policy shows the stored shares."""
    chosen = _policy(policy)
    item, po_line = _checked_item(roles(actor), group_buy_id, item_id, lock=False)
    if po_line.allocated_at is not None and po_line.allocation_policy == chosen:
        return _applied(item, po_line)
    return plan_shares(item, po_line, chosen)


def _applied(item: GroupBuyItem, po_line: PurchaseOrderLine) -> AllocationPlan:
    """The shares as stored when the allocation was applied."""
    return plan_shares(item, po_line, Policy(po_line.allocation_policy), stored=True)


def apply_allocation(
    *, actor: User, group_buy_id: int, item_id: int, policy: str, now: datetime | None = None
) -> AllocationPlan:
    """Share out the delivered units of an item by ``policy`` (leader of the community or
    operator): store each order line's share, mark orders with nothing left to collect as
    collected, record it in the audit trail and refund the shortfalls on the ledger. One
    transaction; it holds the group buy's row and the purchase-order line. The order lines
    need no lock of their own: once a group buy has formed, only the hand-out writes them, and
    it takes the group buy's row first."""
    chosen = _policy(policy)
    now = now or timezone.now()
    who = roles(actor)
    with transaction.atomic():
        item, po_line = _checked_item(who, group_buy_id, item_id, lock=True)
        if po_line.allocated_at is not None:
            if po_line.allocation_policy == chosen:
                return _applied(item, po_line)
            raise AlreadyAllocated(
                product=item.product.name,
                policy=Policy(po_line.allocation_policy).label,
                at=LocalTime(po_line.allocated_at),
            )
        plan = share_out_locked(item, po_line, chosen, now=now, actor=actor)
        waiting = Order.objects.filter(group_buy=item.group_buy, status=Order.Status.CONFIRMED)
        if not waiting.exclude(pickup=Order.Pickup.FULL).exists():
            complete_locked(
                item.group_buy,
                now=now,
                reason=GroupBuy.CompletionReason.ALL_COLLECTED,
                actor=actor,
            )
    return plan
