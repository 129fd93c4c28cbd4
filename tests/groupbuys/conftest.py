"""Helpers for the tests that need real commits: a neighbourhood built outside any test
transaction, threads that really collide, and a JSON client with a personal token."""

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import connection

from linli.accounts.models import User
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrderLine

from .. import factories
from ..conftest import Neighbourhood

# Enough to collide for real, few enough that two test runs side by side stay well under
# PostgreSQL's default max_connections (100).
WORKERS = 32


def add_households(hood: Neighbourhood, count: int) -> list[User]:
    """``count`` more households in the community, one member each; returns the members."""
    buildings = list(hood.community.buildings.all())
    return [
        factories.MemberFactory(
            household=factories.HouseholdFactory(building=buildings[index % len(buildings)])
        ).user
        for index in range(count)
    ]


@dataclass
class Outcome:
    value: Any = None
    error: BaseException | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def attempt(call: Callable[[], Any]) -> Outcome:
    try:
        return Outcome(value=call())
    except Exception as error:
        return Outcome(error=error)


def collide(calls: list[Callable[[], Any]], *, timeout: float = 120) -> list[Any]:
    """Run each call in its own thread, all released at once by a barrier; return what each
    returned (an exception raised by a call is returned, not raised). Each thread closes its
    own database connection when done."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=60)
            results[index] = call()
        except BaseException as error:
            results[index] = error
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, call), daemon=True)
        for index, call in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    assert not any(thread.is_alive() for thread in threads), "a worker hung"
    return results


def order_body(lines: dict[int, int], **extra) -> dict:
    return {
        "lines": [{"item_id": item, "quantity": quantity} for item, quantity in lines.items()],
        **extra,
    }


# What the database says, for comparing outcomes.


def sold_by_item(group_buy: GroupBuy, statuses=(Order.Status.PLACED, Order.Status.CONFIRMED)):
    totals = {item.pk: 0 for item in group_buy.items.all()}
    for item_id, quantity in OrderLine.objects.filter(
        order__group_buy=group_buy, order__status__in=statuses
    ).values_list("item_id", "quantity"):
        totals[item_id] += quantity
    return totals


def stock_left(group_buy: GroupBuy) -> dict[int, int]:
    return dict(GroupBuyItem.objects.filter(group_buy=group_buy).values_list("pk", "stock_left"))


def purchased_by_item(group_buy: GroupBuy) -> dict[int, int]:
    return dict(
        PurchaseOrderLine.objects.filter(purchase_order__group_buy=group_buy).values_list(
            "item_id", "quantity"
        )
    )


def assert_stock_balances(group_buy: GroupBuy) -> None:
    """stock_left + what live orders hold == stock_initial, for every item."""
    held = sold_by_item(
        group_buy, (Order.Status.PLACED, Order.Status.CONFIRMED, Order.Status.FAILED)
    )
    for item in GroupBuyItem.objects.filter(group_buy=group_buy):
        assert item.stock_left + held[item.pk] == item.stock_initial, item
