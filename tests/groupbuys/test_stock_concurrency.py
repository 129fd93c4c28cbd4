"""Stock is never oversold: many households buy the last units of a hot item at the same
moment, each on its own database connection, and the database decides who gets them."""

import pytest
from django.utils import translation

from linli.groupbuys import errors, services
from linli.groupbuys.models import GroupBuyItem, Order, OrderLine

from ..apiclient import Api
from .conftest import (
    WORKERS,
    add_households,
    assert_stock_balances,
    attempt,
    collide,
    order_body,
)

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_a_hot_item_with_stock_50_sells_exactly_50_to_32_racing_households(live_hood):
    """32 households, each trying three times for one unit of the hot item plus one of a
    plentiful one: 50 orders go through, every other attempt is refused for lack of stock of
    the hot item, and a refused order takes nothing of the plentiful item either."""
    group_buy = live_hood.open(stock=(50, 1000))
    hot, plenty = group_buy.items.order_by("position")
    buyers = add_households(live_hood, WORKERS)

    def buy_three_times(member):
        return [
            attempt(
                lambda: services.place_order(
                    actor=member, group_buy_id=group_buy.pk, lines={hot.pk: 1, plenty.pk: 1}
                )
            )
            for _ in range(3)
        ]

    results = collide([lambda member=member: buy_three_times(member) for member in buyers])
    outcomes = [outcome for tries in results for outcome in tries]

    placed = [outcome.value for outcome in outcomes if outcome.ok]
    refused = [outcome.error for outcome in outcomes if not outcome.ok]
    assert len(placed) == 50
    assert len(refused) == 3 * WORKERS - 50
    for error in refused:
        assert isinstance(error, errors.InsufficientStock), repr(error)
        assert [(d["item_id"], d["left"], d["asked"]) for d in error.details] == [(hot.pk, 0, 1)]
        with translation.override("en"):
            assert "nothing was ordered" in str(error.message)

    hot.refresh_from_db()
    plenty.refresh_from_db()
    assert (hot.stock_left, plenty.stock_left) == (0, 1000 - 50)
    assert set(Order.objects.filter(group_buy=group_buy).values_list("pk", flat=True)) == {
        order.pk for order in placed
    }
    assert OrderLine.objects.filter(item=hot).count() == 50
    assert sum(OrderLine.objects.filter(item=hot).values_list("quantity", flat=True)) == 50
    # Every household got at most what it asked for, and the pickup codes are all different.
    assert len({order.pickup_code for order in placed}) == 50
    assert_stock_balances(group_buy)


def test_racing_orders_of_mixed_sizes_never_take_more_than_there_is(live_hood):
    """Orders of 1 to 4 units race for 50: what was sold is exactly what stock went down by,
    and each refusal says truthfully that fewer were left than asked for."""
    group_buy = live_hood.open(stock=(50, 1000))
    hot = group_buy.items.order_by("position").first()
    buyers = add_households(live_hood, WORKERS)

    def buy(member, sizes):
        return [
            attempt(
                lambda size=size: services.place_order(
                    actor=member, group_buy_id=group_buy.pk, lines={hot.pk: size}
                )
            )
            for size in sizes
        ]

    plans = [[1 + (index + turn) % 4 for turn in range(3)] for index in range(WORKERS)]
    results = collide(
        [lambda member=m, sizes=s: buy(member, sizes) for m, s in zip(buyers, plans, strict=True)]
    )
    outcomes = [outcome for tries in results for outcome in tries]
    sold = sum(outcome.value.total_fen // hot.price_fen for outcome in outcomes if outcome.ok)
    for outcome in outcomes:
        if not outcome.ok:
            assert isinstance(outcome.error, errors.InsufficientStock), repr(outcome.error)
            [detail] = outcome.error.details
            assert detail["left"] < detail["asked"]

    hot.refresh_from_db()
    assert sold == 50 - hot.stock_left
    # 3 × 32 asks of 1–4 units ask far more than 50: only crumbs smaller than 4 can be left.
    assert hot.stock_left < 4
    assert sum(OrderLine.objects.filter(item=hot).values_list("quantity", flat=True)) == sold
    assert_stock_balances(group_buy)


def test_through_the_api_50_orders_go_through_and_the_rest_hear_409_insufficient_stock(
    live_hood,
):
    group_buy = live_hood.open(stock=(50, 1000))
    hot = group_buy.items.order_by("position").first()
    clients = [Api(member) for member in add_households(live_hood, WORKERS)]
    path = f"/group-buys/{group_buy.pk}/orders"

    def buy_twice(api):
        return [api.post(path, order_body({hot.pk: 1})) for _ in range(2)]

    results = collide([lambda api=api: buy_twice(api) for api in clients])
    responses = [response for pair in results for response in pair]

    assert not [r for r in responses if isinstance(r, BaseException)]
    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * 50 + [409] * (2 * WORKERS - 50)
    refusals = [response.json() for response in responses if response.status_code == 409]
    for body in refusals:
        assert body["code"] == "insufficient_stock"
        assert body["message"] == "Not enough stock for some items; nothing was ordered."
        assert body["details"][0]["left"] == 0
        assert (
            body["details"][0]["message"]
            == f"{hot.product.name} is sold out: no more can be ordered."
        )
    created = {response.json()["id"] for response in responses if response.status_code == 201}
    assert len(created) == 50
    assert set(Order.objects.filter(group_buy=group_buy).values_list("pk", flat=True)) == created
    assert GroupBuyItem.objects.get(pk=hot.pk).stock_left == 0
