"""A supplier records what it delivered against its purchase order."""

from collections.abc import Iterable, Mapping
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit
from linli.core.errors import Invalid, Message
from linli.core.formatting import LocalTime

from .. import events, rules
from ..errors import (
    AlreadyAllocated,
    DeliveryOutOfRange,
    PurchaseOrderNotFound,
)
from ..fair_shares import Policy
from ..models import PurchaseOrder


def record_delivery(
    *,
    actor: User,
    purchase_order_id: int,
    delivered: Mapping[int, int] | Iterable[tuple[int, int]],
    now: datetime | None = None,
) -> PurchaseOrder:
    """Record, per product, how many units arrived (``{product_id: units}`` or pairs, each
    product once). Products left out keep what was recorded before. May be corrected while
    the group buy is being handed out, but never below what has already been handed out."""
    now = now or timezone.now()
    pairs = list(delivered.items() if isinstance(delivered, Mapping) else delivered)
    delivered = dict(pairs)
    if len(delivered) != len(pairs):
        raise Invalid(details=[{"field": "lines", "message": _("Each product once, please.")}])
    who = roles(actor)
    with transaction.atomic():
        purchase_order = (
            PurchaseOrder.objects.select_for_update()
            .select_related("group_buy", "supplier")
            .filter(pk=purchase_order_id)
            .first()
        )
        if purchase_order is None or not (
            who.manages(purchase_order.group_buy.community_id)
            or purchase_order.supplier_id in who.supplier_ids
        ):
            raise PurchaseOrderNotFound()
        refusal = rules.refusal_to_record_delivery(who, purchase_order, purchase_order.group_buy)
        if refusal is not None:
            raise refusal
        lines = {
            line.product_id: line
            for line in purchase_order.lines.select_for_update().select_related("product")
        }
        unknown = sorted(set(delivered) - set(lines))
        if unknown:
            raise Invalid(
                details=[
                    {
                        "field": "lines",
                        "message": Message(
                            _("These products are not on this purchase order: %(products)s."),
                            products=", ".join(map(str, unknown)),
                        ),
                    }
                ]
            )
        problems = []
        for product_id, quantity in sorted(delivered.items()):
            line = lines[product_id]
            if line.allocated_at is not None and quantity != line.delivered:
                raise AlreadyAllocated(
                    product=line.product.name,
                    policy=Policy(line.allocation_policy).label,
                    at=LocalTime(line.allocated_at),
                )
            if type(quantity) is not int or not line.handed_out <= quantity <= line.quantity:
                problems.append(
                    {
                        "product_id": product_id,
                        "message": Message(
                            DeliveryOutOfRange.line_template,
                            product=line.product.name,
                            low=line.handed_out,
                            high=line.quantity,
                            unit=line.product.unit,
                        ),
                    }
                )
        if problems:
            raise DeliveryOutOfRange(details=problems)
        for product_id, quantity in delivered.items():
            line = lines[product_id]
            line.delivered = quantity
            line.save(update_fields=["delivered"])
        purchase_order.delivery_recorded_at = now
        purchase_order.save(update_fields=["delivery_recorded_at"])
        audit.record(
            actor=actor,
            action="purchase_order.delivery_recorded",
            target=purchase_order,
            data={"delivered": sorted(delivered.items())},
        )
        events.delivery_recorded(purchase_order, purchase_order.group_buy, delivered)
    return purchase_order
