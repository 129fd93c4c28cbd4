"""A leader's and a supplier's pages: opening a group buy in one form, the tally (htmx),
closing, finding and handing out at the gate, and recording a delivery."""

import re

import pytest

from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, Order

from ..conftest import text


def open_form(hood, **overrides) -> dict:
    greens, eggs = hood.products[0], hood.products[1]
    data = {
        "title": "周末蔬菜团",
        "description": "",
        "cutoff_at": "2099-06-01T20:00",
        "pickup_starts_at": "2099-06-02T09:00",
        "pickup_ends_at": "2099-06-02T12:00",
        "pickup_place": "南门",
        "threshold": "units",
        "min_to_form": "5",
        "max_to_close": "",
        f"stock-{greens.pk}": "30",
        f"limit-{greens.pk}": "3",
        f"price-{greens.pk}": "",
        f"stock-{eggs.pk}": "12",
        f"price-{eggs.pk}": "25.5",
    }
    data.update(overrides)
    return data


def test_a_leader_opens_a_group_buy_in_one_form(hood, browse):
    response = browse(hood.leader_user).post(
        f"/lead/communities/{hood.community.pk}/new", open_form(hood)
    )
    group_buy = GroupBuy.objects.get()
    assert response.status_code == 302 and response.url == f"/lead/group-buys/{group_buy.pk}/"
    rows = {
        item.product_id: (item.price_fen, item.stock_initial, item.per_household_limit)
        for item in group_buy.items.all()
    }
    assert rows == {hood.products[0].pk: (450, 30, 3), hood.products[1].pk: (2550, 12, None)}
    # Typed in Shanghai time, stored in UTC.
    assert group_buy.cutoff_at.isoformat() == "2099-06-01T12:00:00+00:00"


def test_the_open_form_shows_errors_next_to_the_fields_in_chinese_and_keeps_the_input(hood, browse):
    eggs = hood.products[1]
    data = open_form(
        hood, cutoff_at="2001-01-01T10:00", **{f"price-{eggs.pk}": "abc", "title": "鸡蛋团"}
    )
    response = browse(hood.leader_user, language="zh-hans").post(
        f"/lead/communities/{hood.community.pk}/new", data
    )
    assert response.status_code == 422
    page = text(response)
    assert 'value="abc"' in page and 'value="鸡蛋团"' in page
    assert "价格以元填写" in page
    assert not GroupBuy.objects.exists()
    # With the price fixed, the service's own check speaks next to the cutoff field.
    data[f"price-{eggs.pk}"] = "25.50"
    response = browse(hood.leader_user, language="zh-hans").post(
        f"/lead/communities/{hood.community.pk}/new", data
    )
    assert response.status_code == 422
    field = re.search(r'<p class="field has-error">.*?</p>', text(response), re.S)
    assert field and "id_cutoff_at" in field.group(0) and "截单时间必须" in field.group(0)
    assert not GroupBuy.objects.exists()


def test_the_tally_follows_orders_and_htmx_gets_only_the_tally(hood, browse):
    group_buy = hood.open(min_to_form=5)
    greens = group_buy.items.order_by("position").first()
    leader = browse(hood.leader_user)
    page = text(leader.get(f"/lead/group-buys/{group_buy.pk}/"))
    assert 'hx-get="/lead/group-buys/' in page and "5 more to form" in page
    services.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2})
    partial = leader.get(f"/lead/group-buys/{group_buy.pk}/tally", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = text(partial)
    assert body.lstrip().startswith('<section class="tally"') and "<html" not in body
    assert "3 more to form" in body and "¥9.00" in body
    # Without htmx the tally address gives the whole page.
    assert leader.get(f"/lead/group-buys/{group_buy.pk}/tally").status_code == 302


def test_closing_early_forms_and_shows_buildings_and_purchase_orders(hood, browse):
    group_buy = hood.open()
    greens = group_buy.items.order_by("position").first()
    services.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2})
    leader = browse(hood.leader_user)
    assert leader.post(f"/lead/group-buys/{group_buy.pk}/close").status_code == 302
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.FORMED
    page = text(leader.get(f"/lead/group-buys/{group_buy.pk}/"))
    assert hood.households[1].building.name in page
    assert f"/supply/purchase-orders/{group_buy.purchase_orders.get().pk}/" in page


@pytest.fixture
def formed(hood):
    group_buy = hood.open()
    greens, eggs = group_buy.items.order_by("position")
    orders = [
        services.place_order(
            actor=hood.members[index],
            group_buy_id=group_buy.pk,
            lines={greens.pk: 2, eggs.pk: 1},
        )
        for index in (1, 2)
    ]
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    return group_buy, [Order.objects.get(pk=order.pk) for order in orders], greens, eggs


def test_the_hand_out_screen_finds_by_seq_room_and_phone(hood, browse, formed):
    group_buy, orders, _greens, _eggs = formed
    leader = browse(hood.leader_user)
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    household = orders[1].household
    number = re.match(r"\d+", household.building.name).group(0)
    for query in (str(orders[1].seq), f"{number}-{household.room}", household.phone[-4:]):
        page = text(leader.get(url, {"q": query}))
        assert f'name="order" value="{orders[1].pk}"' in page, query
        assert f'name="order" value="{orders[0].pk}"' not in page, query
    assert "No order matches." in text(leader.get(url, {"q": "99-9999"}))


def test_handing_out_in_part_then_by_code_and_a_used_or_foreign_code_is_refused(
    hood, browse, formed
):
    group_buy, orders, greens, eggs = formed
    leader = browse(hood.leader_user)
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    first = orders[0]
    partial = leader.post(url, {"order": first.pk, f"take-{greens.pk}": "1", f"take-{eggs.pk}": ""})
    assert partial.status_code == 200 and "partly collected" in text(partial)
    first.refresh_from_db()
    assert first.pickup == Order.Pickup.PARTIAL
    assert "partly collected" in text(browse(hood.members[1]).get(f"/orders/{first.pk}/"))

    done = leader.post(url, {"code": first.pickup_code})
    assert done.status_code == 200 and 'id="handed-out"' in text(done)
    first.refresh_from_db()
    assert first.pickup == Order.Pickup.FULL
    assert all(line.picked_up == line.quantity for line in first.lines.all())

    used = leader.post(url, {"code": first.pickup_code})
    assert used.status_code == 409 and "This code was already used" in text(used)
    foreign = browse(hood.leader_user, language="zh-hans").post(url, {"code": "123456789012"})
    assert foreign.status_code == 404 and "本团没有这个提货码的订单" in text(foreign)
    member_page = text(browse(hood.members[1]).get(f"/orders/{first.pk}/"))
    assert 'id="pickup-status" class="status status-full">collected<' in member_page


ALL_COLLECTED = "Everything has been collected; this group buy is complete."
WINDOW_ENDED = (
    "The pickup window has ended with some orders never collected; this group buy is complete."
)


def test_the_hand_out_screen_says_why_the_group_buy_completed(hood, browse, formed):
    group_buy, orders, _greens, _eggs = formed
    leader = browse(hood.leader_user)
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    page = text(leader.get(url))
    assert ALL_COLLECTED not in page and WINDOW_ENDED not in page  # formed: still handing out

    # One order collected, the other never: the window ends (the worker's clock).
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, code=orders[0].pickup_code
    )
    services.close_due_group_buys(now=group_buy.pickup_ends_at)
    group_buy.refresh_from_db()
    assert group_buy.completion_reason == GroupBuy.CompletionReason.PICKUP_WINDOW_ENDED
    page = text(leader.get(url))
    assert f'<p class="notice" id="completed">{WINDOW_ENDED}</p>' in page
    assert ALL_COLLECTED not in page
    chinese = text(browse(hood.leader_user, language="zh-hans").get(url))
    assert "提货时间已过，仍有订单未提货；本团已结束。" in chinese


def test_the_hand_out_screen_says_everything_was_collected_when_it_was(hood, browse, formed):
    group_buy, orders, _greens, _eggs = formed
    leader = browse(hood.leader_user)
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    leader.post(url, {"code": orders[0].pickup_code})
    last = leader.post(url, {"code": orders[1].pickup_code})
    group_buy.refresh_from_db()
    assert group_buy.completion_reason == GroupBuy.CompletionReason.ALL_COLLECTED
    assert f'<p class="success" id="completed">{ALL_COLLECTED}</p>' in text(last)
    assert WINDOW_ENDED not in text(leader.get(url))


def test_a_supplier_records_a_short_delivery_and_a_bad_one_is_refused_by_the_field(
    hood, browse, formed
):
    group_buy, orders, greens, eggs = formed
    purchase_order = group_buy.purchase_orders.get()
    supplier = browse(hood.supplier_user)
    url = f"/supply/purchase-orders/{purchase_order.pk}/"
    assert f"/supply/purchase-orders/{purchase_order.pk}/" in text(supplier.get("/supply/"))
    bad = supplier.post(
        url, {f"delivered-{greens.product_id}": "9", f"delivered-{eggs.product_id}": "2"}
    )
    assert bad.status_code == 422
    page = text(bad)
    assert re.search(rf'id="delivered-{greens.product_id}"[^>]*value="9"', page)
    assert "from 0 to 4" in page
    purchase_order.refresh_from_db()
    assert purchase_order.delivery_recorded_at is None
    good = supplier.post(
        url, {f"delivered-{greens.product_id}": "3", f"delivered-{eggs.product_id}": "2"}
    )
    assert good.status_code == 302
    delivered = dict(purchase_order.lines.values_list("product_id", "delivered"))
    assert delivered == {greens.product_id: 3, eggs.product_id: 2}
    # The members see what came short on their orders.
    page = text(browse(hood.members[1]).get(f"/orders/{orders[0].pk}/"))
    assert "Short delivery: the supplier brought 3 of 4 斤" in page
    # Another supplier cannot even find it.
    assert browse(hood.other_supplier_user).post(url, {}).status_code == 404


def test_a_hand_out_with_nothing_typed_hands_out_nothing(hood, browse, formed):
    group_buy, orders, greens, eggs = formed
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    leader = browse(hood.leader_user)
    blank = leader.post(
        url, {"order": orders[0].pk, f"take-{greens.pk}": "", f"take-{eggs.pk}": "0"}
    )
    assert blank.status_code == 422 and "at least one item" in text(blank)
    wrong = leader.post(url, {"order": orders[0].pk, f"take-{greens.pk}": "two"})
    assert wrong.status_code == 422 and "whole number" in text(wrong)
    orders[0].refresh_from_db()
    assert orders[0].pickup == Order.Pickup.NONE
    assert all(line.picked_up == 0 for line in orders[0].lines.all())


def test_the_supplier_sees_its_stock_in_open_group_buys(hood, browse):
    group_buy = hood.open(stock=(30, 12))
    greens, _eggs = group_buy.items.order_by("position")
    services.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 4})
    hood.open(stock=(10, 5))  # a second open group buy adds to what is on offer
    page = text(browse(hood.supplier_user).get("/supply/"))
    row = page[page.index(hood.products[0].name) :].split("</tr>")[0]
    assert re.findall(r"<td>(\d+)</td>", row) == ["40", "36"]
