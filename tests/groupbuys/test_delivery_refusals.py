"""A supplier records a delivery through the API: every refusal answers with its exact words,
the field or product it is about, and changes nothing; a recorded delivery is in the audit
trail with who recorded it and what."""

import pytest

from linli.core.models import AuditEvent
from linli.groupbuys import services
from linli.groupbuys.models import PurchaseOrder

from ..apiclient import Api
from ..state import snapshot


@pytest.fixture
def purchase_order(hood):
    """A formed group buy's purchase order: 2 greens and 1 box of eggs ordered."""
    group_buy = hood.open()
    greens, eggs = group_buy.items.order_by("position")
    services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2, eggs.pk: 1}
    )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    return PurchaseOrder.objects.get(group_buy=group_buy)


def lines(**delivered) -> dict:
    return {"lines": [{"product_id": pid, "delivered": q} for pid, q in delivered.values()]}


def test_each_product_once(hood, purchase_order):
    greens = hood.products[0]
    supplier = Api(hood.supplier_user)
    before = snapshot()
    answer = supplier.post(
        f"/purchase-orders/{purchase_order.pk}/delivery",
        lines(a=(greens.pk, 1), b=(greens.pk, 2)),
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "code": "invalid",
        "message": "Some of what was sent is not valid.",
        "details": [{"field": "lines", "message": "Each product once, please."}],
    }
    assert snapshot() == before


def test_a_product_not_on_the_purchase_order_is_named(hood, purchase_order):
    supplier = Api(hood.supplier_user, language="zh-Hans")
    before = snapshot()
    answer = supplier.post(
        f"/purchase-orders/{purchase_order.pk}/delivery",
        lines(a=(hood.products[0].pk, 2), b=(99_001, 1), c=(99_002, 1)),
    )
    assert answer.status_code == 422
    assert answer.json()["details"] == [
        {"field": "lines", "message": "以下商品不在本采购单上：99001, 99002。"}
    ]
    assert snapshot() == before


def test_a_quantity_out_of_range_names_the_product_and_the_range(hood, purchase_order):
    greens, eggs = hood.products[0], hood.products[1]
    supplier = Api(hood.supplier_user)
    before = snapshot()
    answer = supplier.post(
        f"/purchase-orders/{purchase_order.pk}/delivery", lines(a=(greens.pk, 3), b=(eggs.pk, 1))
    )
    assert answer.status_code == 422
    assert answer.json() == {
        "code": "delivery_out_of_range",
        "message": (
            "Delivered quantities must be between what was already handed out and what was ordered."
        ),
        "details": [
            {
                "product_id": greens.pk,
                "message": f"{greens.name}: from 0 to 2 {greens.unit}.",
            }
        ],
    }
    assert snapshot() == before


def test_after_sharing_out_the_delivery_of_that_item_stays(hood, purchase_order, now):
    greens = hood.products[0]
    supplier = Api(hood.supplier_user)
    url = f"/purchase-orders/{purchase_order.pk}/delivery"
    assert supplier.post(url, lines(a=(greens.pk, 1))).status_code == 200
    item = purchase_order.lines.get(product=greens).item
    services.apply_allocation(
        actor=hood.leader_user,
        group_buy_id=purchase_order.group_buy_id,
        item_id=item.pk,
        policy="fcfs",
        now=now,
    )
    before = snapshot()
    answer = supplier.post(url, lines(a=(greens.pk, 2)))
    assert answer.status_code == 409
    at = now.astimezone(__import__("zoneinfo").ZoneInfo("Asia/Shanghai")).strftime("%Y-%m-%d %H:%M")
    assert answer.json() == {
        "code": "already_allocated",
        "message": (
            f"{greens.name} was already shared out (first ordered, first served) at {at}; it "
            "cannot be shared out again another way."
        ),
    }
    assert snapshot() == before
    # The same figure again changes nothing and is not refused.
    assert supplier.post(url, lines(a=(greens.pk, 1))).status_code == 200


def test_a_recorded_delivery_is_in_the_audit_trail(hood, purchase_order):
    greens, eggs = hood.products[0], hood.products[1]
    answer = Api(hood.supplier_user).post(
        f"/purchase-orders/{purchase_order.pk}/delivery", lines(a=(eggs.pk, 0), b=(greens.pk, 2))
    )
    assert answer.status_code == 200
    event = AuditEvent.objects.get(action="purchase_order.delivery_recorded")
    assert (event.actor_id, event.target_type, event.target_id) == (
        hood.supplier_user.pk,
        "groupbuys.purchaseorder",
        str(purchase_order.pk),
    )
    assert event.data == {"delivered": sorted([[greens.pk, 2], [eggs.pk, 0]])}
    recorded = dict(purchase_order.lines.values_list("product_id", "delivered"))
    assert recorded == {greens.pk: 2, eggs.pk: 0}
