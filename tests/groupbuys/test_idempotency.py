"""A retried request with the same Idempotency-Key never makes a second order: retried one
after the other, retried all at once, or retried after a refusal."""

import pytest

from linli.core.models import IdempotencyKey
from linli.groupbuys.models import GroupBuyItem, Order, OrderLine

from ..apiclient import Api
from .conftest import WORKERS, collide, order_body, stock_left

pytestmark = pytest.mark.timeout(300)


def orders_of(group_buy):
    return list(Order.objects.filter(group_buy=group_buy).order_by("pk"))


def test_ten_sequential_retries_make_one_order_and_answer_alike(hood):
    group_buy = hood.open(stock=(50, 20))
    greens, eggs = group_buy.items.order_by("position")
    api = Api(hood.members[0])
    path = f"/group-buys/{group_buy.pk}/orders"
    body = order_body({greens.pk: 2, eggs.pk: 1}, note="放门口")

    responses = [api.post(path, body, key="order-7f3a") for _ in range(10)]

    assert [response.status_code for response in responses] == [201] * 10
    # The same data; not always the same bytes: PostgreSQL's jsonb keeps keys in its own order.
    assert all(r.json() == responses[0].json() for r in responses)
    assert responses[0].get("Idempotent-Replayed") is None
    assert all(response["Idempotent-Replayed"] == "true" for response in responses[1:])
    [order] = orders_of(group_buy)
    assert responses[0].json()["id"] == order.pk
    assert dict(order.lines.values_list("item_id", "quantity")) == {greens.pk: 2, eggs.pk: 1}
    assert stock_left(group_buy) == {greens.pk: 48, eggs.pk: 19}


def test_a_new_key_is_a_new_order_and_keys_belong_to_their_user(hood):
    group_buy = hood.open(stock=(50, 20))
    greens = group_buy.items.order_by("position").first()
    alice, bob = Api(hood.members[0]), Api(hood.members[1])
    path = f"/group-buys/{group_buy.pk}/orders"
    body = order_body({greens.pk: 1})

    first = alice.post(path, body, key="k1")
    again = alice.post(path, body, key="k1")
    second = alice.post(path, body, key="k2")
    bobs = bob.post(path, body, key="k1")  # the same text, another user: his own key

    assert [r.status_code for r in (first, again, second, bobs)] == [201] * 4
    assert first.json()["id"] == again.json()["id"]
    assert len({first.json()["id"], second.json()["id"], bobs.json()["id"]}) == 3
    assert bobs.json()["household_id"] == hood.households[1].pk
    assert len(orders_of(group_buy)) == 3
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 47


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(hood):
    group_buy = hood.open(stock=(50, 20))
    greens = group_buy.items.order_by("position").first()
    api = Api(hood.members[0])
    path = f"/group-buys/{group_buy.pk}/orders"
    assert api.post(path, order_body({greens.pk: 1}), key="k").status_code == 201

    reused = api.post(path, order_body({greens.pk: 5}), key="k")
    elsewhere = api.post(f"/orders/{orders_of(group_buy)[0].pk}/cancel", key="k")

    for response in (reused, elsewhere):
        assert response.status_code == 422
        assert response.json()["code"] == "idempotency_key_reused"
    [order] = orders_of(group_buy)
    assert order.status == Order.Status.PLACED
    assert order.lines.get().quantity == 1
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 49


def test_a_refused_first_attempt_stores_nothing_so_a_retry_can_succeed(hood):
    group_buy = hood.open(stock=(2, 20))
    greens = group_buy.items.order_by("position").first()
    alice, bob = Api(hood.members[0]), Api(hood.members[1])
    path = f"/group-buys/{group_buy.pk}/orders"
    bobs = bob.post(path, order_body({greens.pk: 2})).json()

    refused = alice.post(path, order_body({greens.pk: 1}), key="alice-1")
    assert refused.status_code == 409
    assert refused.json()["code"] == "insufficient_stock"
    assert not IdempotencyKey.objects.filter(key="alice-1").exists()

    assert bob.post(f"/orders/{bobs['id']}/cancel").status_code == 200
    retried = alice.post(path, order_body({greens.pk: 1}), key="alice-1")
    assert retried.status_code == 201
    assert retried.get("Idempotent-Replayed") is None
    assert alice.post(path, order_body({greens.pk: 1}), key="alice-1").json() == retried.json()
    placed = Order.objects.filter(group_buy=group_buy, status=Order.Status.PLACED)
    assert [order.household_id for order in placed] == [hood.households[0].pk]
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 1


def test_retried_change_and_cancel_apply_once(hood):
    group_buy = hood.open(stock=(50, 20))
    greens, eggs = group_buy.items.order_by("position")
    api = Api(hood.members[0])
    order = api.post(f"/group-buys/{group_buy.pk}/orders", order_body({greens.pk: 2})).json()

    changes = [
        api.put(f"/orders/{order['id']}", order_body({eggs.pk: 3}), key="change-1")
        for _ in range(10)
    ]
    assert [r.status_code for r in changes] == [200] * 10
    assert all(r.json() == changes[0].json() for r in changes)
    assert dict(OrderLine.objects.filter(order_id=order["id"]).values_list("item", "quantity")) == {
        eggs.pk: 3
    }
    cancels = [api.post(f"/orders/{order['id']}/cancel", key="cancel-1") for _ in range(10)]
    assert [r.status_code for r in cancels] == [200] * 10
    assert {r.json()["status"] for r in cancels} == {"cancelled"}
    assert stock_left(group_buy) == {greens.pk: 50, eggs.pk: 20}


@pytest.mark.slow
def test_ten_concurrent_retries_make_exactly_one_order(live_hood):
    group_buy = live_hood.open(stock=(50, 20))
    greens = group_buy.items.order_by("position").first()
    api = Api(live_hood.members[0])
    path = f"/group-buys/{group_buy.pk}/orders"
    body = order_body({greens.pk: 3})

    responses = collide([lambda: api.post(path, body, key="flaky-network")] * 10)

    assert not [r for r in responses if isinstance(r, BaseException)], responses
    assert [r.status_code for r in responses] == [201] * 10, [r.content for r in responses]
    assert len({r.json()["id"] for r in responses}) == 1
    assert all(r.json() == responses[0].json() for r in responses)
    assert sum(r.get("Idempotent-Replayed") is None for r in responses) == 1
    [order] = orders_of(group_buy)
    assert order.pk == responses[0].json()["id"]
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 47
    assert IdempotencyKey.objects.filter(key="flaky-network").count() == 1


@pytest.mark.slow
def test_many_households_each_retrying_concurrently_get_one_order_each(live_hood):
    """32 threads: 4 households × 8 concurrent retries of their own key. One order each."""
    group_buy = live_hood.open(stock=(50, 20))
    greens = group_buy.items.order_by("position").first()
    apis = [Api(member) for member in live_hood.members]
    path = f"/group-buys/{group_buy.pk}/orders"
    calls = [
        lambda api=api, n=n: api.post(path, order_body({greens.pk: n + 1}), key=f"key-{n}")
        for n, api in enumerate(apis)
        for _ in range(WORKERS // len(apis))
    ]

    responses = collide(calls)

    assert [r.status_code for r in responses] == [201] * len(calls), [r.content for r in responses]
    by_household = {}
    for response in responses:
        body = response.json()
        by_household.setdefault(body["household_id"], set()).add(body["id"])
    assert sorted(len(ids) for ids in by_household.values()) == [1] * len(apis)
    orders = orders_of(group_buy)
    assert sorted(o.pk for o in orders) == sorted(i for ids in by_household.values() for i in ids)
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 50 - (1 + 2 + 3 + 4)


@pytest.mark.slow
def test_concurrent_retries_of_a_refused_order_all_hear_the_refusal(live_hood):
    group_buy = live_hood.open(stock=(2, 20))
    greens = group_buy.items.order_by("position").first()
    api = Api(live_hood.members[0])
    path = f"/group-buys/{group_buy.pk}/orders"

    responses = collide([lambda: api.post(path, order_body({greens.pk: 3}), key="too-many")] * 10)

    assert [r.status_code for r in responses] == [409] * 10
    assert {r.json()["code"] for r in responses} == {"insufficient_stock"}
    assert not orders_of(group_buy)
    assert not IdempotencyKey.objects.filter(key="too-many").exists()
    assert GroupBuyItem.objects.get(pk=greens.pk).stock_left == 2
