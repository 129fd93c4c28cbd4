"""Sold out (已售罄): an item with nothing left shows as sold out on the member's group-buy page
and takes no quantity; a household whose order holds it keeps its box on that order, to lower
or cancel it, never to raise it; a form that asks for it anyway is refused, nothing changed."""

import re

import pytest

from linli.groupbuys import services
from linli.groupbuys.models import GroupBuyItem, Order

from ..apiclient import Api
from ..conftest import text
from ..state import snapshot

SOLD_OUT = {"en": "Sold out", "zh-hans": "已售罄"}
EVERYTHING = {
    "en": "Everything in this group buy is sold out.",
    "zh-hans": "本团商品已全部售罄。",
}
REFUSED = {
    "en": "Not enough stock for some items; nothing was ordered.",
    "zh-hans": "部分商品库存不足，本次未下单。",
}
EGGS_SOLD_OUT = {
    "en": "土鸡蛋 is sold out: no more can be ordered.",
    "zh-hans": "土鸡蛋已售罄，不能再订。",
}


@pytest.fixture
def sold_out(hood):
    """Greens plenty, eggs 2, both eggs bought by the first household (with 1 斤 of greens)."""
    group_buy = hood.open(stock=(10, 2))
    greens, eggs = group_buy.items.order_by("position")
    order = services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 1, eggs.pk: 2}
    )
    return group_buy, greens, eggs, order


def box(page: str, item: GroupBuyItem) -> str | None:
    """The quantity box of ``item`` (its ``<input>`` tag), if the page has one."""
    found = re.search(rf'<input id="q-{item.pk}"[^>]*>', page)
    return found.group(0) if found else None


def badge(page: str, item: GroupBuyItem) -> str | None:
    found = re.search(rf'<strong class="sold-out" id="sold-out-{item.pk}">(.*?)</strong>', page)
    return found.group(1) if found else None


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_sold_out_item_shows_as_sold_out_and_has_no_quantity_box(
    hood, browse, sold_out, language
):
    group_buy, greens, eggs, _order = sold_out
    page = text(browse(hood.members[1], language=language).get(f"/group-buys/{group_buy.pk}/"))
    assert badge(page, eggs) == SOLD_OUT[language]
    assert box(page, eggs) is None and f'name="q-{eggs.pk}"' not in page
    assert badge(page, greens) is None
    assert box(page, greens) is not None and 'max="9"' in box(page, greens)
    assert EVERYTHING[language] not in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_when_everything_is_sold_out_there_is_nothing_to_order(hood, browse, sold_out, language):
    group_buy, greens, _eggs, _order = sold_out
    services.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 9})
    page = text(browse(hood.members[2], language=language).get(f"/group-buys/{group_buy.pk}/"))
    assert EVERYTHING[language] in page
    assert '<input id="q-' not in page and 'class="primary"' not in page


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_form_asking_for_a_sold_out_item_is_refused_and_changes_nothing(
    hood, browse, sold_out, language
):
    group_buy, greens, eggs, _order = sold_out
    before = snapshot()
    response = browse(hood.members[1], language=language).post(
        f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "2", f"q-{eggs.pk}": "1"}
    )
    assert response.status_code == 409
    page = text(response)
    assert REFUSED[language] in page
    field_error = re.search(rf'<ul class="errorlist" id="e-{eggs.pk}">(.*?)</ul>', page, re.S)
    assert field_error and EGGS_SOLD_OUT[language] in field_error.group(1)
    assert box(page, eggs) is None and badge(page, eggs) == SOLD_OUT[language]
    assert re.search(rf'id="q-{greens.pk}"[^>]*value="2"', box(page, greens))
    assert snapshot() == before


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_api_says_sold_out_too(hood, sold_out, language):
    group_buy, _greens, eggs, _order = sold_out
    response = Api(hood.members[1], language=language).post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": eggs.pk, "quantity": 1}]}
    )
    assert (response.status_code, response.json()) == (
        409,
        {
            "code": "insufficient_stock",
            "message": REFUSED[language],
            "details": [
                {"item_id": eggs.pk, "left": 0, "asked": 1, "message": EGGS_SOLD_OUT[language]}
            ],
        },
    )


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_an_order_holding_a_sold_out_item_keeps_its_box_up_to_what_it_holds(
    hood, browse, sold_out, language
):
    _group_buy, greens, eggs, order = sold_out
    page = text(browse(hood.members[0], language=language).get(f"/orders/{order.pk}/"))
    assert badge(page, eggs) == SOLD_OUT[language]
    assert 'max="2"' in box(page, eggs) and 'value="2"' in box(page, eggs)
    assert 'max="10"' in box(page, greens)  # 1 held + 9 left


def test_another_order_has_no_box_for_a_sold_out_item(hood, browse, sold_out):
    group_buy, greens, eggs, _order = sold_out
    theirs = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 1}
    )
    page = text(browse(hood.members[1]).get(f"/orders/{theirs.pk}/"))
    assert badge(page, eggs) == "Sold out" and box(page, eggs) is None
    assert box(page, greens) is not None


def test_the_holder_may_lower_it_and_the_item_is_back_on_offer(hood, browse, sold_out):
    group_buy, greens, eggs, order = sold_out
    member = browse(hood.members[0])
    response = member.post(
        f"/orders/{order.pk}/change", {f"q-{greens.pk}": "1", f"q-{eggs.pk}": "1"}
    )
    assert response.status_code == 302
    assert {line.item_id: line.quantity for line in Order.objects.get(pk=order.pk).lines.all()} == {
        greens.pk: 1,
        eggs.pk: 1,
    }
    eggs.refresh_from_db()
    assert eggs.stock_left == 1
    page = text(browse(hood.members[1]).get(f"/group-buys/{group_buy.pk}/"))
    assert badge(page, eggs) is None and 'max="1"' in box(page, eggs)


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_holder_may_not_raise_it(hood, browse, sold_out, language):
    _group_buy, greens, eggs, order = sold_out
    before = snapshot()
    response = browse(hood.members[0], language=language).post(
        f"/orders/{order.pk}/change", {f"q-{greens.pk}": "1", f"q-{eggs.pk}": "3"}
    )
    assert response.status_code == 409
    page = text(response)
    assert REFUSED[language] in page and EGGS_SOLD_OUT[language] in page
    assert 'max="2"' in box(page, eggs)
    assert snapshot() == before


def test_a_change_adding_a_sold_out_item_is_refused(hood, browse, sold_out):
    group_buy, greens, eggs, _order = sold_out
    theirs = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 1}
    )
    before = snapshot()
    response = browse(hood.members[1]).post(
        f"/orders/{theirs.pk}/change", {f"q-{greens.pk}": "1", f"q-{eggs.pk}": "1"}
    )
    assert response.status_code == 409
    assert EGGS_SOLD_OUT["en"] in text(response)
    assert snapshot() == before


def test_the_holder_may_cancel_it(hood, browse, sold_out):
    _group_buy, _greens, eggs, order = sold_out
    response = browse(hood.members[0]).post(f"/orders/{order.pk}/cancel")
    assert response.status_code == 302
    eggs.refresh_from_db()
    assert eggs.stock_left == 2
