"""A farmer sells a harvest before it is in (预售): one total shared by the group buys of many
communities, and the harvest shared out across them when it comes in short (decision 0038).

Locks: a harvest takes the presale's row ``FOR UPDATE`` first, then the rows of its formed
group buys in id order, then their purchase-order lines. Orders take the presale last (see
:mod:`.ordering`) and never hold a group buy's row while they wait for it; opening a group buy
reads the presale ``FOR KEY SHARE``, which orders do not wait for but a harvest does.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.catalog.models import Product
from linli.core import audit
from linli.core.errors import Invalid, Message

from ..errors import (
    HarvestOutOfRange,
    PresaleHarvested,
    PresaleNotFound,
    PresaleStillSelling,
    UnknownPolicy,
)
from ..fair_shares import Claim, Policy, allocate
from ..limits import MAX_PRICE_FEN, MAX_STOCK
from ..models import GroupBuy, Presale, PurchaseOrderLine
from .sharing import share_out_locked


def _field(field: str, template, **params) -> dict:
    return {"field": field, "message": Message(template, **params)}


def open_presale(
    *,
    actor: User,
    product_id: int,
    price_fen: int,
    harvest_on: date,
    total: int,
    minimum: int,
    now: datetime | None = None,
) -> Presale:
    """Open a presale of one of the supplier's products: its price to members, the expected
    harvest, the total the farm can sell and the least that makes the harvest worth it."""
    now = now or timezone.now()
    who = roles(actor)
    product = Product.objects.select_related("supplier").filter(pk=product_id).first()
    if product is None or not (who.operator or product.supplier_id in who.supplier_ids):
        raise PresaleNotFound()
    problems = []
    if type(price_fen) is not int or not 0 < price_fen <= MAX_PRICE_FEN:
        problems.append(_field("price_fen", _("The price must be above ¥0 and at most ¥100,000.")))
    if type(total) is not int or not 0 < total <= MAX_STOCK:
        problems.append(_field("total", _("The total must be from 1 to %(max)s."), max=MAX_STOCK))
    elif type(minimum) is not int or not 0 < minimum <= total:
        problems.append(_field("minimum", _("The minimum must be from 1 to the total.")))
    if harvest_on < timezone.localdate(now):
        problems.append(_field("harvest_on", _("The harvest cannot be in the past.")))
    if problems:
        raise Invalid(details=problems)
    with transaction.atomic():
        presale = Presale.objects.create(
            supplier_id=product.supplier_id,
            product=product,
            price_fen=price_fen,
            harvest_on=harvest_on,
            total=total,
            left=total,
            minimum=minimum,
            created_at=now,
        )
        audit.record(
            actor=actor,
            action="presale.opened",
            target=presale,
            data={"product": product_id, "total": total, "minimum": minimum},
        )
    return presale


@dataclass(frozen=True)
class CommunityShare:
    """One community's part of a harvest: what its group buy ordered and what it gets."""

    group_buy_id: int
    community_id: int
    ordered: int
    delivered: int


@dataclass(frozen=True)
class Harvest:
    presale_id: int
    harvested: int
    sold: int
    policy: str
    shares: Sequence[CommunityShare]


def record_harvest(
    *,
    actor: User,
    presale_id: int,
    harvested: int,
    policy: str = Policy.PROPORTIONAL,
    now: datetime | None = None,
) -> Harvest:
    """The harvest is in: ``harvested`` units of the presale. Shared across the communities'
    formed group buys by ``policy`` (each community's purchase order is a claim, earliest
    cutoff first), then within each community by the same policy (vulnerable households
    first), and every household refunded what it paid for and will not get. A harvest of 0
    calls the presale off. Once all cutoffs have passed; once only."""
    try:
        chosen = Policy(policy)
    except ValueError:
        raise UnknownPolicy(choices=", ".join(Policy)) from None
    now = now or timezone.now()
    who = roles(actor)
    with transaction.atomic():
        presale = (
            Presale.objects.select_for_update(of=("self",))
            .select_related("product", "supplier")
            .filter(pk=presale_id)
            .first()
        )
        # The farm records its own harvest: not even an operator does it for it.
        if presale is None or presale.supplier_id not in who.supplier_ids:
            raise PresaleNotFound()
        if presale.status != Presale.Status.OPEN:
            raise PresaleHarvested(harvested=presale.harvested, unit=presale.product.unit)
        if type(harvested) is not int or not 0 <= harvested <= presale.total:
            raise HarvestOutOfRange(total=presale.total)
        selling = GroupBuy.objects.filter(
            items__presale=presale, status=GroupBuy.Status.OPEN
        ).count()
        if selling:
            raise PresaleStillSelling(count=selling)
        group_buys = list(
            GroupBuy.objects.select_for_update()
            .filter(items__presale=presale, status=GroupBuy.Status.FORMED)
            .order_by("pk")
        )
        by_id = {group_buy.pk: group_buy for group_buy in group_buys}
        lines = list(
            PurchaseOrderLine.objects.select_for_update(of=("self",))
            .select_related("item__product")
            .filter(item__presale=presale, purchase_order__group_buy__in=group_buys)
            .order_by("pk")
        )
        for po_line in lines:
            if po_line.delivered is not None or po_line.handed_out:
                raise PresaleHarvested(harvested=po_line.delivered or 0, unit=presale.product.unit)
        # Earliest cutoff first: the order that breaks ties and serves first-come first.
        lines.sort(key=lambda line: (by_id[line.item.group_buy_id].cutoff_at, line.pk))
        shares = allocate(chosen, [Claim(line.quantity) for line in lines], harvested)
        result = []
        for po_line, units in zip(lines, shares, strict=True):
            po_line.delivered = units
            po_line.save(update_fields=["delivered"])
            item = po_line.item
            item.group_buy = by_id[item.group_buy_id]
            if units < po_line.quantity:
                share_out_locked(item, po_line, chosen, now=now, actor=actor, reason="harvest")
            result.append(
                CommunityShare(
                    group_buy_id=item.group_buy_id,
                    community_id=item.group_buy.community_id,
                    ordered=po_line.quantity,
                    delivered=units,
                )
            )
        presale.status = Presale.Status.HARVESTED
        presale.harvested = harvested
        presale.policy = chosen.value
        presale.harvested_at = now
        presale.save(update_fields=["status", "harvested", "policy", "harvested_at"])
        audit.record(
            actor=actor,
            action="presale.harvested",
            target=presale,
            data={
                "harvested": harvested,
                "policy": chosen.value,
                "shares": [[s.group_buy_id, s.ordered, s.delivered] for s in result],
            },
        )
    return Harvest(
        presale_id=presale.pk,
        harvested=harvested,
        sold=sum(share.ordered for share in result),
        policy=chosen.value,
        shares=result,
    )
