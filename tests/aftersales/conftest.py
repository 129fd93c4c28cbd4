"""Helpers for the after-sales tests: an order run through the real services to the gate,
photos to send, and the money a report moved."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, Order, PurchaseOrder
from linli.ledger.models import Account, Entry, Posting

from .. import factories

Kind = Account.Kind


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Photos are stored under a folder of the test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def collected(
    hood, *, base=None, lines=(3, 2), picked=None, member=1, pickup_at=None, uncollected=None
):
    """A group buy opened at ``base`` (default: 40 hours ago, so its pickup is happening now),
    member ``member``'s order of ``lines`` (greens ¥4.50, eggs ¥28.00 at cost ¥20.00), closed,
    delivered in full and handed out (``picked``: {position: units}, default all) an hour ago
    (or at ``pickup_at``); with ``uncollected``, that member orders the same and has not
    collected yet (so the group buy is not complete, nor settled). Returns the group buy and the
    order, read back."""
    now = timezone.now()
    base = base or now - timedelta(hours=40)
    group_buy = hood.open(now=base)
    items = list(group_buy.items.order_by("position"))
    order = groupbuys.place_order(
        actor=hood.members[member],
        group_buy_id=group_buy.pk,
        lines={item.pk: units for item, units in zip(items, lines, strict=False) if units},
        now=base,
    )
    if uncollected is not None:
        groupbuys.place_order(
            actor=hood.members[uncollected],
            group_buy_id=group_buy.pk,
            lines={item.pk: units for item, units in zip(items, lines, strict=False) if units},
            now=base,
        )
    groupbuys.close_due_group_buys(now=group_buy.cutoff_at + timedelta(seconds=1))
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy, supplier=hood.supplier)
    groupbuys.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={line.product_id: line.quantity for line in purchase_order.lines.all()},
        now=group_buy.cutoff_at + timedelta(hours=2),
    )
    handed = None
    if picked is not None:
        handed = {items[position].pk: units for position, units in picked.items()}
    groupbuys.confirm_pickup(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        order_id=order.pk,
        lines=handed,
        now=pickup_at or now - timedelta(hours=1),
    )
    return GroupBuy.objects.get(pk=group_buy.pk), Order.objects.get(pk=order.pk)


def line_of(order, position: int):
    return order.lines.order_by("item__position").select_related("item__product")[position]


def upload(name="spoiled.jpg", image_format="JPEG", content_type="image/jpeg", data=None):
    return SimpleUploadedFile(
        name, data if data is not None else factories.photo_bytes(image_format), content_type
    )


def postings(entry: Entry) -> dict[tuple[str, int], int]:
    """``{(account kind, owner): amount}`` of one entry."""
    return {
        (kind, owner): amount
        for kind, owner, amount in Posting.objects.filter(entry=entry).values_list(
            "account__kind", "account__owner_id", "amount"
        )
    }


def after_sales_entries() -> list[Entry]:
    return list(Entry.objects.filter(kind=Entry.Kind.AFTER_SALES).order_by("pk"))
