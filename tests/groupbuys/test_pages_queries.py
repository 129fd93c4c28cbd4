"""No page's number of queries grows with the number of orders: each page is read with the
same queries for 2 orders as for 12 (a correctness test; the timings are bench/pages.py's)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from linli.groupbuys import services
from tests.conftest import make_neighbourhood


def build(orders: int):
    hood = make_neighbourhood(members=orders + 1)
    open_one = hood.open(stock=(500, 500))
    formed = hood.open(stock=(500, 500))
    for group_buy in (open_one, formed):
        greens, eggs = group_buy.items.order_by("position")
        for member in hood.members[1 : orders + 1]:
            services.place_order(
                actor=member, group_buy_id=group_buy.pk, lines={greens.pk: 2, eggs.pk: 1}
            )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=formed.pk, early=True)
    mine = formed.orders.get(household=hood.households[1])
    building = hood.households[1].building_id
    return hood, {
        "member home": (hood.members[1], "/"),
        "group buy": (hood.members[1], f"/group-buys/{open_one.pk}/"),
        "my orders": (hood.members[1], "/orders/"),
        "order": (hood.members[1], f"/orders/{mine.pk}/"),
        "leader communities": (hood.leader_user, "/lead/"),
        "leader tally page": (hood.leader_user, f"/lead/group-buys/{open_one.pk}/"),
        "leader formed page": (hood.leader_user, f"/lead/group-buys/{formed.pk}/"),
        "building": (hood.leader_user, f"/lead/group-buys/{formed.pk}/buildings/{building}/"),
        "hand-out search": (hood.leader_user, f"/lead/group-buys/{formed.pk}/handout?q=1"),
        "supplier": (hood.supplier_user, "/supply/"),
        "purchase order": (
            hood.supplier_user,
            f"/supply/purchase-orders/{formed.purchase_orders.get().pk}/",
        ),
    }


def count(user, url: str, **headers) -> int:
    client = Client(HTTP_ACCEPT_LANGUAGE="en", **headers)
    client.force_login(user)
    client.get(url)  # the first request may settle or warm a cache; count the second
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@pytest.mark.django_db
def test_no_page_reads_more_for_more_orders():
    _hood, few = build(2)
    small = {name: count(user, url) for name, (user, url) in few.items()}
    _hood, many = build(12)
    large = {name: count(user, url) for name, (user, url) in many.items()}
    assert large == small
    # And none is careless: a handful each.
    assert max(small.values()) <= 15, small


@pytest.mark.django_db
def test_the_htmx_tally_reads_the_same_for_more_orders():
    counts = []
    for orders in (2, 12):
        _hood, pages = build(orders)
        user, url = pages["leader tally page"]
        counts.append(count(user, f"{url}tally", HTTP_HX_REQUEST="true"))
    assert counts[0] == counts[1]
