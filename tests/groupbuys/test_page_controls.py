"""Pages show a control only to those who may use it, and refuse the form when it is posted
anyway: the supplier's record-delivery form, and a member's change and cancel on an order."""

import re

import pytest

from linli.groupbuys import services
from linli.groupbuys.models import Order, PurchaseOrder

from .. import factories


def text(response) -> str:
    return response.content.decode()


# The supplier's purchase-order page.

NOT_SUPPLIER = {
    "en": "Only {supplier}, who supplies this purchase order, can record its delivery.",
    "zh-hans": "只有这张采购单的供货商 {supplier} 才能登记到货。",
}


@pytest.fixture
def formed(hood):
    """A formed group buy of the neighbourhood supplier's two products: one purchase order
    for 2 斤 of greens and 1 盒 of eggs."""
    group_buy = hood.open()
    greens, eggs = group_buy.items.order_by("position")
    services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2, eggs.pk: 1}
    )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    return group_buy.purchase_orders.get()


@pytest.fixture
def leader_and_other_supplier(hood):
    """A leader of the community who also works for another supplier: the purchase order is
    theirs to see (as the leader), not theirs to record (as a supplier, but not its own)."""
    user = factories.UserFactory()
    factories.LeaderFactory(user=user, communities=[hood.community])
    factories.SupplierFactory(users=[user])
    return user


def has_delivery_form(page: str, purchase_order: PurchaseOrder) -> bool:
    inputs = re.findall(r'name="delivered-(\d+)"', page)
    button = "Record the delivery</button>" in page or "登记到货</button>" in page
    assert bool(inputs) == button, "the inputs and the button come together"
    if inputs:
        assert sorted(map(int, inputs)) == sorted(
            purchase_order.lines.values_list("product_id", flat=True)
        )
    return button


def assert_nothing_recorded(purchase_order: PurchaseOrder) -> None:
    purchase_order.refresh_from_db()
    assert purchase_order.delivery_recorded_at is None
    assert list(purchase_order.lines.values_list("delivered", flat=True)) == [None, None]


def test_the_purchase_orders_own_supplier_sees_the_form_and_records(hood, browse, formed):
    supplier = browse(hood.supplier_user)
    page = text(supplier.get(f"/supply/purchase-orders/{formed.pk}/"))
    assert has_delivery_form(page, formed)
    posted = supplier.post(
        f"/supply/purchase-orders/{formed.pk}/",
        {f"delivered-{line.product_id}": str(line.quantity) for line in formed.lines.all()},
    )
    assert posted.status_code == 302 and posted.url == f"/supply/purchase-orders/{formed.pk}/"
    formed.refresh_from_db()
    assert formed.delivery_recorded_at is not None
    assert sorted(formed.lines.values_list("quantity", "delivered")) == [(1, 1), (2, 2)]


@pytest.mark.parametrize("who", ["leader", "leader and another supplier"])
@pytest.mark.parametrize("language", sorted(NOT_SUPPLIER))
def test_whoever_sees_a_purchase_order_but_does_not_supply_it_gets_no_form_and_is_refused(
    hood, browse, formed, leader_and_other_supplier, who, language
):
    user = hood.leader_user if who == "leader" else leader_and_other_supplier
    client = browse(user, language=language)
    shown = client.get(f"/supply/purchase-orders/{formed.pk}/")
    assert shown.status_code == 200
    assert not has_delivery_form(text(shown), formed)
    # What was delivered is shown as text instead: nothing yet, on either line.
    assert text(shown).count("<td>–</td>") == 2

    posted = client.post(
        f"/supply/purchase-orders/{formed.pk}/",
        {f"delivered-{line.product_id}": str(line.quantity) for line in formed.lines.all()},
    )
    assert posted.status_code == 403
    message = NOT_SUPPLIER[language].format(supplier=hood.supplier.name)
    assert f"<p>{message}</p>" in text(posted)
    assert not has_delivery_form(text(posted), formed)
    assert_nothing_recorded(formed)


def test_a_supplier_of_another_purchase_order_does_not_see_this_one(hood, browse, formed):
    response = browse(hood.other_supplier_user).post(
        f"/supply/purchase-orders/{formed.pk}/",
        {f"delivered-{line.product_id}": "1" for line in formed.lines.all()},
    )
    assert response.status_code == 404
    assert_nothing_recorded(formed)


# A member's order page.

NOT_CHANGEABLE = {
    "en": "This order is cancelled and can no longer be changed.",
    "zh-hans": "该订单当前状态：已取消，已不能修改。",
}


@pytest.fixture
def cancelled(hood):
    """The second member's order of 2 斤 of greens, cancelled before the cutoff."""
    group_buy = hood.open(stock=(10, 5))
    greens = group_buy.items.order_by("position").first()
    order = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    services.cancel_order(actor=hood.members[1], order_id=order.pk)
    return Order.objects.get(pk=order.pk)


def controls(page: str, order: Order) -> list[str]:
    """The change and cancel controls an order page holds."""
    found = re.findall(rf'action="/orders/{order.pk}/(change|cancel)"', page)
    for words in ("Save changes", "Cancel the order", "保存修改", "取消订单", 'name="q-'):
        if words in page:
            found.append(words)
    return found


def assert_still_cancelled_as_it_was(order: Order) -> None:
    after = Order.objects.get(pk=order.pk)
    assert (after.status, after.cancelled_at, after.updated_at, after.total_fen) == (
        Order.Status.CANCELLED,
        order.cancelled_at,
        order.updated_at,
        order.total_fen,
    )
    assert [(line.item_id, line.quantity) for line in after.lines.all()] == [
        (line.item_id, line.quantity) for line in order.lines.all()
    ]
    for item in order.group_buy.items.all():
        assert item.stock_left == item.stock_initial


def test_a_placed_order_before_the_cutoff_shows_change_and_cancel(hood, browse):
    group_buy = hood.open(stock=(10, 5))
    greens = group_buy.items.order_by("position").first()
    order = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    page = text(browse(hood.members[1]).get(f"/orders/{order.pk}/"))
    assert controls(page, order) == [
        "change",
        "cancel",
        "Save changes",
        "Cancel the order",
        'name="q-',
    ]


@pytest.mark.parametrize("language", sorted(NOT_CHANGEABLE))
def test_a_cancelled_order_shows_no_change_or_cancel_and_takes_no_change(
    hood, browse, cancelled, language
):
    member = browse(hood.members[1], language=language)
    page = text(member.get(f"/orders/{cancelled.pk}/"))
    assert 'id="order-status">' + ("cancelled" if language == "en" else "已取消") in page
    assert controls(page, cancelled) == []

    greens = cancelled.lines.get().item
    changed = member.post(f"/orders/{cancelled.pk}/change", {f"q-{greens.pk}": "1"})
    assert changed.status_code == 409
    assert f"<p>{NOT_CHANGEABLE[language]}</p>" in text(changed)
    assert controls(text(changed), cancelled) == []
    assert_still_cancelled_as_it_was(cancelled)

    # Cancelling again changes nothing (a repeated tap is not an error) and shows the order.
    again = member.post(f"/orders/{cancelled.pk}/cancel")
    assert again.status_code == 302 and again.url == f"/orders/{cancelled.pk}/"
    assert_still_cancelled_as_it_was(cancelled)
