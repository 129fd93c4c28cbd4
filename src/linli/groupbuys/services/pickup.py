"""At the gate: the leader hands out an order, in full or in part."""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.errors import Invalid, Message
from linli.core.formatting import LocalTime

from .. import events
from ..errors import (
    AlreadyCollected,
    GroupBuyNotFound,
    NotEnoughDelivered,
    NotLeader,
    OrderNotFound,
    PickupCodeUnknown,
    PickupNotReady,
    PickupTooMuch,
    UnknownItems,
)
from ..models import GroupBuy, Order, PurchaseOrderLine
from ..pickup_codes import read_pickup_code
from .closing import complete_locked
from .ordering import normalise_lines


def confirm_pickup(
    *,
    actor: User,
    group_buy_id: int,
    order_id: int | None = None,
    code: str | None = None,
    lines: Mapping[int, int] | None = None,
    now: datetime | None = None,
) -> Order:
    """Hand out an order found by id or pickup code: everything still due (``lines=None``) or
    ``{item_id: quantity}`` of it. ``code`` is read as a scanner types it: digits, spaces
    allowed, or the hand-out address its QR holds (:func:`..pickup_codes.read_pickup_code`;
    another group buy's address is refused as a code this one does not have). A fully
    collected order's code is refused. No item is handed out beyond what the supplier
    delivered. The group buy completes with the last order collected.
    """
    if code is None and order_id is None:
        raise Invalid(
            details=[{"field": "code", "message": _("Send a pickup code or an order id.")}]
        )
    now = now or timezone.now()
    wanted = normalise_lines(lines) if lines is not None else None
    who = roles(actor)
    with transaction.atomic():
        group_buy = (
            GroupBuy.objects.select_for_update()
            .select_related("community")
            .filter(pk=group_buy_id)
            .first()
        )
        if group_buy is None or not who.sees(group_buy.community_id):
            raise GroupBuyNotFound()
        if not who.manages(group_buy.community_id):
            raise NotLeader(community=group_buy.community.name)
        if group_buy.status != GroupBuy.Status.FORMED:
            raise PickupNotReady(status=group_buy.get_status_display())

        orders = Order.objects.select_for_update().filter(
            group_buy=group_buy, status=Order.Status.CONFIRMED
        )
        if code is not None:
            wanted_code = read_pickup_code(code, group_buy_id=group_buy.pk)
            order = orders.filter(pickup_code=wanted_code).first()
            if order is None:
                raise PickupCodeUnknown()
        else:
            order = orders.filter(pk=order_id or 0).first()
            if order is None:
                raise OrderNotFound()
        if order.pickup == Order.Pickup.FULL:
            raise AlreadyCollected(seq=order.seq, at=LocalTime(order.collected_at or now))

        lines_by_item = {line.item_id: line for line in order.lines.select_related("item__product")}
        # A line's share of a short delivery, once shared out, caps what it hands out.
        due = {item_id: line.due - line.picked_up for item_id, line in lines_by_item.items()}
        if wanted is None:
            wanted = {item_id: left for item_id, left in due.items() if left > 0}
        unknown = sorted(set(wanted) - set(lines_by_item))
        if unknown:
            raise UnknownItems(items=", ".join(map(str, unknown)))
        too_much = [
            {
                "item_id": item_id,
                "message": Message(
                    PickupTooMuch.line_template,
                    left=due[item_id],
                    unit=lines_by_item[item_id].item.product.unit,
                    product=lines_by_item[item_id].item.product.name,
                    asked=asked,
                ),
            }
            for item_id, asked in sorted(wanted.items())
            if asked > due[item_id]
        ]
        if too_much:
            raise PickupTooMuch(details=too_much)

        short = []
        for item_id, asked in sorted(wanted.items()):
            moved = (
                PurchaseOrderLine.objects.filter(item_id=item_id)
                .filter(Q(delivered__isnull=True) | Q(delivered__gte=F("handed_out") + asked))
                .update(handed_out=F("handed_out") + asked)
            )
            if not moved:
                short.append((item_id, asked))
        if short:
            po_lines = {
                line.item_id: line
                for line in PurchaseOrderLine.objects.filter(item_id__in=[i for i, _ in short])
            }
            raise NotEnoughDelivered(
                details=[
                    {
                        "item_id": item_id,
                        "message": Message(
                            NotEnoughDelivered.line_template,
                            delivered=po_lines[item_id].delivered,
                            unit=lines_by_item[item_id].item.product.unit,
                            product=lines_by_item[item_id].item.product.name,
                            handed_out=po_lines[item_id].handed_out,
                            asked=asked,
                        ),
                    }
                    for item_id, asked in short
                ]
            )

        for item_id, asked in wanted.items():
            line = lines_by_item[item_id]
            line.picked_up += asked
            line.save(update_fields=["picked_up"])
        complete = all(line.picked_up == line.due for line in lines_by_item.values())
        order.pickup = Order.Pickup.FULL if complete else Order.Pickup.PARTIAL
        order.updated_at = now
        if complete:
            order.collected_at = now
        order.save(update_fields=["pickup", "updated_at", "collected_at"])
        audit.record(
            actor=actor,
            action="order.collected" if complete else "order.partly_collected",
            target=order,
            data={"lines": sorted(wanted.items()), "by": "code" if code is not None else "id"},
        )
        events.picked_up(order, group_buy)
        waiting = Order.objects.filter(group_buy=group_buy, status=Order.Status.CONFIRMED)
        if not waiting.exclude(pickup=Order.Pickup.FULL).exists():
            complete_locked(
                group_buy, now=now, reason=GroupBuy.CompletionReason.ALL_COLLECTED, actor=actor
            )
    return order
