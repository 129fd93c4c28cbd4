"""Bad input, table-driven over the API: zero, negative, huge or mistyped quantities, unknown or
foreign items and products, orders after the cutoff, someone else's group buy or order,
malformed JSON, over-long text, wrong types, unknown fields.

Each case is sent twice, asking for Chinese (``Accept-Language: zh-Hans``) and for English. It
must get the expected 4xx with a ``{code, message}`` body whose message (and every detail's)
is in the language asked for, and must change nothing: group buys, items and their stock,
orders and lines, purchase orders, tokens, idempotency keys and audit events are compared
before and after.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from linli.accounts.models import ApiToken
from linli.accounts.services import issue_token
from linli.catalog.models import Product
from linli.communities.models import Community
from linli.groupbuys import services
from linli.groupbuys.models import (
    GroupBuy,
    PurchaseOrder,
)

from . import factories
from .factories import iso
from .state import snapshot

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LANGUAGES = ("zh-Hans", "en")
HUGE = 10**30


# ---------------------------------------------------------------------------------------------
# The world every case runs in, built through the services.


@dataclass
class World:
    ids: dict[str, Any]
    tokens: dict[str, str]
    names: list[str]  # names from the data (communities, products …) that any language shows

    def client(self, role: str, language: str) -> Client:
        headers = {"HTTP_ACCEPT_LANGUAGE": language}
        if role != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[role]}"
        return Client(**headers)


def build_world(hood) -> World:
    now = timezone.now()
    greens, eggs, rice = hood.products
    retired = factories.ProductFactory(supplier=hood.supplier, name="停售青菜", active=False)

    def open_group_buy(actor, community, products, *, at=now, cutoff_in=timedelta(hours=20)):
        return services.open_group_buy(
            actor=actor,
            community_id=community.pk,
            title="周末蔬菜团",
            items=[
                services.ItemSpec(product.pk, product.suggested_price_fen, stock, limit)
                for product, stock, limit in products
            ],
            min_to_form=1,
            now=at,
            **factories.times(at, cutoff_in=cutoff_in),
        )

    # Open, in our community: greens plenty, eggs scarce, rice limited to 3 per household.
    group_buy = open_group_buy(
        hood.leader_user, hood.community, [(greens, 50, None), (eggs, 5, None), (rice, 100, 3)]
    )
    items = {item.product_id: item.pk for item in group_buy.items.all()}
    order = services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={items[greens.pk]: 2}
    )
    second = open_group_buy(hood.leader_user, hood.community, [(greens, 10, None)])

    # Past its cutoff: opened and ordered two hours ago, formed, delivered not yet.
    earlier = now - timedelta(hours=2)
    past = open_group_buy(
        hood.leader_user,
        hood.community,
        [(greens, 50, None), (eggs, 20, None)],
        at=earlier,
        cutoff_in=timedelta(hours=1),
    )
    past_items = {item.product_id: item.pk for item in past.items.all()}
    past_order = services.place_order(
        actor=hood.members[1],
        group_buy_id=past.pk,
        lines={past_items[greens.pk]: 2, past_items[eggs.pk]: 1},
        now=earlier + timedelta(minutes=5),
    )
    services.catch_up(group_buy_id=past.pk)
    past_order.refresh_from_db()
    assert GroupBuy.objects.get(pk=past.pk).status == GroupBuy.Status.FORMED
    purchase_order = PurchaseOrder.objects.get(group_buy=past, supplier=hood.supplier)

    # Another community's group buy and order.
    theirs = open_group_buy(hood.other_leader_user, hood.other_community, [(greens, 10, None)])
    their_order = services.place_order(
        actor=hood.other_member,
        group_buy_id=theirs.pk,
        lines={theirs.items.get().pk: 1},
    )

    users = {
        "member": hood.members[0],
        "neighbour": hood.members[1],
        "other_member": hood.other_member,
        "leader": hood.leader_user,
        "other_leader": hood.other_leader_user,
        "supplier": hood.supplier_user,
        "other_supplier": hood.other_supplier_user,
        "operator": hood.operator,
    }
    tokens = {
        role: issue_token(actor=user, user=user, name="tests")[1] for role, user in users.items()
    }
    other_token = ApiToken.objects.filter(user=hood.members[1]).first()
    cutoff = now + timedelta(hours=20)
    ids = {
        "community": hood.community.pk,
        "other_community": hood.other_community.pk,
        "gb": group_buy.pk,
        "second_gb": second.pk,
        "past_gb": past.pk,
        "their_gb": theirs.pk,
        "greens_product": greens.pk,
        "eggs_product": eggs.pk,
        "rice_product": rice.pk,
        "retired_product": retired.pk,
        "greens": items[greens.pk],
        "eggs": items[eggs.pk],
        "rice": items[rice.pk],
        "second_item": second.items.get().pk,
        "past_greens": past_items[greens.pk],
        "past_eggs": past_items[eggs.pk],
        "their_item": theirs.items.get().pk,
        "order": order.pk,
        "past_order": past_order.pk,
        "past_code": past_order.pickup_code,
        "their_order": their_order.pk,
        "purchase_order": purchase_order.pk,
        "neighbours_token": other_token.pk,
        "neighbour_household": hood.households[1].pk,
        "their_household": hood.other_member.member.household_id,
        "cutoff": iso(cutoff),
        "cutoff_timestamp": int(cutoff.timestamp()),
        "pickup_starts": iso(cutoff + timedelta(hours=14)),
        "pickup_ends": iso(cutoff + timedelta(hours=20)),
        "past_time": iso(now - timedelta(hours=1)),
    }
    names = [
        *Community.objects.values_list("name", flat=True),
        *Product.objects.values_list("name", flat=True),
        *Product.objects.values_list("unit", flat=True),
        *hood.supplier.__class__.objects.values_list("name", flat=True),
        "周末蔬菜团",
    ]
    return World(ids=ids, tokens=tokens, names=sorted(set(names), key=len, reverse=True))


# ---------------------------------------------------------------------------------------------
# The cases.

RAW = object()  # marks a body sent as raw bytes


@dataclass(frozen=True)
class Case:
    id: str
    role: str
    method: str
    path: str  # formatted with the world's ids
    body: Any = None  # JSON-able, or a callable of the ids giving one; or bytes (sent raw)
    status: int = 422
    code: str = "invalid"
    headers: dict = field(default_factory=dict)


def line(item: str, quantity: Any) -> Callable[[dict], dict]:
    return lambda ids: {"item_id": ids[item], "quantity": quantity}


def order(*lines: Callable[[dict], dict] | dict, **extra) -> Callable[[dict], dict]:
    return lambda ids: {
        "lines": [entry(ids) if callable(entry) else entry for entry in lines],
        **extra,
    }


def group_buy(**changes) -> Callable[[dict], dict]:
    """A valid group buy to open, with ``changes`` (``None`` removes a field; an ``items``
    change replaces the items)."""

    def body(ids: dict) -> dict:
        data = {
            "community_id": ids["community"],
            "title": "周末水果团",
            "min_to_form": 2,
            "cutoff_at": ids["cutoff"],
            "pickup_starts_at": ids["pickup_starts"],
            "pickup_ends_at": ids["pickup_ends"],
            "items": [{"product_id": ids["greens_product"], "price_fen": 450, "stock": 30}],
        }
        for key, value in changes.items():
            value = value(ids) if callable(value) else value
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        return data

    return body


def item(product: str = "greens_product", **changes) -> Callable[[dict], dict]:
    def body(ids: dict) -> dict:
        data = {"product_id": ids[product], "price_fen": 450, "stock": 30}
        data.update(changes)
        return data

    return body


def items(*entries) -> Callable[[dict], list]:
    return lambda ids: [entry(ids) if callable(entry) else entry for entry in entries]


def delivery(*pairs) -> Callable[[dict], dict]:
    return lambda ids: {
        "lines": [
            {"product_id": ids[product] if isinstance(product, str) else product, "delivered": n}
            for product, n in pairs
        ]
    }


def pickup(**fields) -> Callable[[dict], dict]:
    return lambda ids: {
        key: (value(ids) if callable(value) else value) for key, value in fields.items()
    }


PLACE = "/group-buys/{gb}/orders"
CHANGE = "/orders/{order}"
OPEN = "/group-buys"
DELIVERY = "/purchase-orders/{purchase_order}/delivery"
ALLOCATION = "/group-buys/{past_gb}/items/{past_eggs}/allocation"
PICKUP = "/group-buys/{past_gb}/pickups"

CASES = [
    # Placing an order: quantities.
    Case("place: quantity 0", "member", "POST", PLACE, order(line("greens", 0))),
    Case("place: quantity -1", "member", "POST", PLACE, order(line("greens", -1))),
    Case("place: quantity 10**6", "member", "POST", PLACE, order(line("greens", 10**6))),
    Case("place: quantity 10**30", "member", "POST", PLACE, order(line("greens", HUGE))),
    Case("place: quantity -10**30", "member", "POST", PLACE, order(line("greens", -HUGE))),
    Case("place: quantity '3'", "member", "POST", PLACE, order(line("greens", "3"))),
    Case("place: quantity 1.5", "member", "POST", PLACE, order(line("greens", 1.5))),
    Case("place: quantity 2.0", "member", "POST", PLACE, order(line("greens", 2.0))),
    Case("place: quantity null", "member", "POST", PLACE, order(line("greens", None))),
    Case("place: quantity true", "member", "POST", PLACE, order(line("greens", True))),
    Case("place: quantity [1]", "member", "POST", PLACE, order(line("greens", [1]))),
    Case(
        "place: quantity missing",
        "member",
        "POST",
        PLACE,
        order(lambda ids: {"item_id": ids["greens"]}),
    ),
    Case(
        "place: 1e400 (not a finite number)",
        "member",
        "POST",
        PLACE,
        b'{"lines": [{"item_id": 1, "quantity": 1e400}]}',
    ),
    Case(
        "place: NaN",
        "member",
        "POST",
        PLACE,
        b'{"lines": [{"item_id": 1, "quantity": NaN}]}',
    ),
    # Items: unknown, another group buy's, another community's, malformed ids.
    Case(
        "place: unknown item",
        "member",
        "POST",
        PLACE,
        order({"item_id": 10**9, "quantity": 1}),
        code="unknown_items",
    ),
    Case(
        "place: item of another group buy",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1), line("second_item", 1)),
        code="unknown_items",
    ),
    Case(
        "place: item of another community's group buy",
        "member",
        "POST",
        PLACE,
        order(line("their_item", 1)),
        code="unknown_items",
    ),
    Case("place: item id 0", "member", "POST", PLACE, order({"item_id": 0, "quantity": 1})),
    Case("place: item id -1", "member", "POST", PLACE, order({"item_id": -1, "quantity": 1})),
    Case("place: item id 2**64", "member", "POST", PLACE, order({"item_id": 2**64, "quantity": 1})),
    Case("place: item id '1'", "member", "POST", PLACE, order({"item_id": "1", "quantity": 1})),
    Case("place: item id null", "member", "POST", PLACE, order({"item_id": None, "quantity": 1})),
    # Lines: none, too many, wrong shapes, repeated.
    Case("place: no lines", "member", "POST", PLACE, {"lines": []}),
    Case("place: lines missing", "member", "POST", PLACE, {"note": "hi"}),
    Case("place: lines a string", "member", "POST", PLACE, {"lines": "greens=2"}),
    Case("place: lines an object", "member", "POST", PLACE, {"lines": {"1": 2}}),
    Case("place: a line a number", "member", "POST", PLACE, {"lines": [3]}),
    Case(
        "place: 51 lines",
        "member",
        "POST",
        PLACE,
        lambda ids: {"lines": [{"item_id": ids["greens"], "quantity": 1}] * 51},
    ),
    Case(
        "place: repeated item adding up past 999",
        "member",
        "POST",
        PLACE,
        order(line("greens", 500), line("greens", 500)),
        code="bad_quantity",
    ),
    Case(
        "place: repeated item adding up past the limit",
        "member",
        "POST",
        PLACE,
        order(line("rice", 2), line("rice", 2)),
        status=409,
        code="limit_exceeded",
    ),
    Case(
        "place: more than the stock",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1), line("eggs", 6)),
        status=409,
        code="insufficient_stock",
    ),
    # Note and unknown fields.
    Case(
        "place: note of 201 characters",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1), note="菜" * 201),
    ),
    Case(
        "place: note of 10,000 characters",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1), note="x" * 10_000),
    ),
    Case("place: note a number", "member", "POST", PLACE, order(line("greens", 1), note=123)),
    Case("place: unknown field", "member", "POST", PLACE, order(line("greens", 1), coupon="FREE")),
    Case(
        "place: unknown field in a line",
        "member",
        "POST",
        PLACE,
        order(lambda ids: {"item_id": ids["greens"], "quantity": 1, "price_fen": 1}),
    ),
    # Whose household, whose group buy, when.
    Case(
        "place: for the neighbours' household",
        "member",
        "POST",
        PLACE,
        lambda ids: {
            "lines": [{"item_id": ids["greens"], "quantity": 1}],
            "household_id": ids["neighbour_household"],
        },
        status=403,
        code="not_your_household",
    ),
    Case(
        "place: leader for a household of another community",
        "leader",
        "POST",
        PLACE,
        lambda ids: {
            "lines": [{"item_id": ids["greens"], "quantity": 1}],
            "household_id": ids["their_household"],
        },
        code="household_outside_community",
    ),
    Case(
        "place: in another community's group buy",
        "member",
        "POST",
        "/group-buys/{their_gb}/orders",
        order(line("their_item", 1)),
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "place: in a group buy that does not exist",
        "member",
        "POST",
        "/group-buys/999999999/orders",
        order(line("greens", 1)),
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "place: group buy id not a number",
        "member",
        "POST",
        "/group-buys/abc/orders",
        order(line("greens", 1)),
    ),
    Case(
        "place: after the cutoff",
        "member",
        "POST",
        "/group-buys/{past_gb}/orders",
        order(line("past_greens", 1)),
        status=409,
        code="cutoff_passed",
    ),
    Case(
        "place: not signed in",
        "anonymous",
        "POST",
        PLACE,
        order(line("greens", 1)),
        status=401,
        code="unauthenticated",
    ),
    # Bodies that are not JSON objects.
    Case(
        "place: malformed JSON",
        "member",
        "POST",
        PLACE,
        b'{"lines": [',
        status=400,
        code="malformed",
    ),
    Case("place: empty body", "member", "POST", PLACE, b""),
    Case(
        "place: not UTF-8",
        "member",
        "POST",
        PLACE,
        b'{"note": "\xff\xfe"}',
        status=400,
        code="malformed",
    ),
    Case("place: a JSON list", "member", "POST", PLACE, [1, 2]),
    Case("place: a JSON string", "member", "POST", PLACE, "lines"),
    Case("place: JSON null", "member", "POST", PLACE, b"null"),
    Case(
        "place: a body of 3 MB",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1), note="x" * 3_000_000),
        status=413,
        code="too_large",
    ),
    Case(
        "place: Idempotency-Key of 201 characters",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1)),
        headers={"HTTP_IDEMPOTENCY_KEY": "k" * 201},
    ),
    # Changing an order.
    Case("change: quantity 0", "member", "PUT", CHANGE, order(line("greens", 0))),
    Case("change: quantity -1", "member", "PUT", CHANGE, order(line("greens", -1))),
    Case("change: quantity 10**30", "member", "PUT", CHANGE, order(line("greens", HUGE))),
    Case("change: quantity '3'", "member", "PUT", CHANGE, order(line("greens", "3"))),
    Case("change: quantity 1.5", "member", "PUT", CHANGE, order(line("greens", 1.5))),
    Case("change: quantity null", "member", "PUT", CHANGE, order(line("greens", None))),
    Case("change: no lines", "member", "PUT", CHANGE, {"lines": []}),
    Case(
        "change: unknown item",
        "member",
        "PUT",
        CHANGE,
        order({"item_id": 10**9, "quantity": 1}),
        code="unknown_items",
    ),
    Case(
        "change: item of another group buy",
        "member",
        "PUT",
        CHANGE,
        order(line("second_item", 1)),
        code="unknown_items",
    ),
    Case(
        "change: more than the stock",
        "member",
        "PUT",
        CHANGE,
        order(line("eggs", 6)),
        status=409,
        code="insufficient_stock",
    ),
    Case(
        "change: over the limit",
        "member",
        "PUT",
        CHANGE,
        order(line("rice", 4)),
        status=409,
        code="limit_exceeded",
    ),
    Case(
        "change: note of 10,000 characters",
        "member",
        "PUT",
        CHANGE,
        order(line("greens", 1), note="x" * 10_000),
    ),
    Case("change: note a list", "member", "PUT", CHANGE, order(line("greens", 1), note=["x"])),
    Case(
        "change: unknown field",
        "member",
        "PUT",
        CHANGE,
        order(line("greens", 1), status="confirmed"),
    ),
    Case(
        "change: the neighbours' order",
        "neighbour",
        "PUT",
        CHANGE,
        order(line("greens", 1)),
        status=404,
        code="order_not_found",
    ),
    Case(
        "change: another community's order",
        "member",
        "PUT",
        "/orders/{their_order}",
        order(line("their_item", 1)),
        status=404,
        code="order_not_found",
    ),
    Case(
        "change: after the cutoff",
        "neighbour",
        "PUT",
        "/orders/{past_order}",
        order(line("past_greens", 1)),
        status=409,
        code="cutoff_passed",
    ),
    Case(
        "change: malformed JSON",
        "member",
        "PUT",
        CHANGE,
        b"{lines: 1}",
        status=400,
        code="malformed",
    ),
    # Cancelling an order.
    Case(
        "cancel: the neighbours' order",
        "neighbour",
        "POST",
        "/orders/{order}/cancel",
        status=404,
        code="order_not_found",
    ),
    Case(
        "cancel: another community's order",
        "leader",
        "POST",
        "/orders/{their_order}/cancel",
        status=404,
        code="order_not_found",
    ),
    Case(
        "cancel: after the cutoff",
        "neighbour",
        "POST",
        "/orders/{past_order}/cancel",
        status=409,
        code="cutoff_passed",
    ),
    Case(
        "cancel: an order that does not exist",
        "member",
        "POST",
        "/orders/999999999/cancel",
        status=404,
        code="order_not_found",
    ),
    # Opening a group buy: text.
    Case(
        "open: title of 10,000 characters", "leader", "POST", OPEN, group_buy(title="团" * 10_000)
    ),
    Case("open: title of 101 characters", "leader", "POST", OPEN, group_buy(title="x" * 101)),
    Case("open: empty title", "leader", "POST", OPEN, group_buy(title="")),
    Case("open: title of spaces", "leader", "POST", OPEN, group_buy(title="   ")),
    Case("open: title a number", "leader", "POST", OPEN, group_buy(title=123)),
    Case("open: no title", "leader", "POST", OPEN, group_buy(title=None)),
    Case(
        "open: description of 2,001 characters",
        "leader",
        "POST",
        OPEN,
        group_buy(description="x" * 2001),
    ),
    Case(
        "open: pickup place of 10,000 characters",
        "leader",
        "POST",
        OPEN,
        group_buy(pickup_place="门" * 10_000),
    ),
    # Opening: products.
    Case(
        "open: a product that does not exist",
        "leader",
        "POST",
        OPEN,
        group_buy(items=items({"product_id": 10**9, "price_fen": 450, "stock": 30})),
    ),
    Case(
        "open: a product no longer for sale",
        "leader",
        "POST",
        OPEN,
        group_buy(items=items(item("retired_product"))),
    ),
    Case(
        "open: a product listed twice",
        "leader",
        "POST",
        OPEN,
        group_buy(items=items(item(), item(stock=5))),
    ),
    Case("open: no items", "leader", "POST", OPEN, group_buy(items=[])),
    Case(
        "open: 101 items", "leader", "POST", OPEN, group_buy(items=lambda ids: [item()(ids)] * 101)
    ),
    Case("open: price 0", "leader", "POST", OPEN, group_buy(items=items(item(price_fen=0)))),
    Case("open: price -450", "leader", "POST", OPEN, group_buy(items=items(item(price_fen=-450)))),
    Case(
        "open: price 10**30", "leader", "POST", OPEN, group_buy(items=items(item(price_fen=HUGE)))
    ),
    Case(
        "open: price '450'", "leader", "POST", OPEN, group_buy(items=items(item(price_fen="450")))
    ),
    Case("open: price 4.5", "leader", "POST", OPEN, group_buy(items=items(item(price_fen=4.5)))),
    Case("open: stock 0", "leader", "POST", OPEN, group_buy(items=items(item(stock=0)))),
    Case("open: stock -1", "leader", "POST", OPEN, group_buy(items=items(item(stock=-1)))),
    Case("open: stock 10**7", "leader", "POST", OPEN, group_buy(items=items(item(stock=10**7)))),
    Case("open: stock null", "leader", "POST", OPEN, group_buy(items=items(item(stock=None)))),
    Case(
        "open: limit 0",
        "leader",
        "POST",
        OPEN,
        group_buy(items=items(item(per_household_limit=0))),
    ),
    Case(
        "open: unknown field in an item",
        "leader",
        "POST",
        OPEN,
        group_buy(items=items(item(cost_fen=1))),
    ),
    # Opening: thresholds and times.
    Case("open: minimum 0", "leader", "POST", OPEN, group_buy(min_to_form=0)),
    Case("open: minimum 10**30", "leader", "POST", OPEN, group_buy(min_to_form=HUGE)),
    Case("open: maximum below the minimum", "leader", "POST", OPEN, group_buy(max_to_close=1)),
    Case("open: threshold 'people'", "leader", "POST", OPEN, group_buy(threshold="people")),
    Case(
        "open: cutoff in the past",
        "leader",
        "POST",
        OPEN,
        group_buy(cutoff_at=lambda ids: ids["past_time"]),
    ),
    Case(
        "open: cutoff without a time zone",
        "leader",
        "POST",
        OPEN,
        group_buy(cutoff_at="2030-01-01T20:00:00"),
    ),
    Case("open: cutoff 'tomorrow'", "leader", "POST", OPEN, group_buy(cutoff_at="tomorrow")),
    Case(
        "open: cutoff a number (a Unix time is not a date and time)",
        "leader",
        "POST",
        OPEN,
        group_buy(cutoff_at=lambda ids: ids["cutoff_timestamp"]),
    ),
    Case("open: cutoff true", "leader", "POST", OPEN, group_buy(cutoff_at=True)),
    Case(
        "open: cutoff a date without a time",
        "leader",
        "POST",
        OPEN,
        group_buy(cutoff_at="2030-01-01"),
    ),
    Case(
        "open: pickup before the cutoff",
        "leader",
        "POST",
        OPEN,
        group_buy(pickup_starts_at=lambda ids: ids["past_time"]),
    ),
    Case(
        "open: pickup ends before it starts",
        "leader",
        "POST",
        OPEN,
        group_buy(pickup_ends_at=lambda ids: ids["cutoff"]),
    ),
    Case("open: unknown field", "leader", "POST", OPEN, group_buy(status="formed")),
    # Opening: where and who.
    Case(
        "open: for another community",
        "leader",
        "POST",
        OPEN,
        group_buy(community_id=lambda ids: ids["other_community"]),
        status=404,
        code="not_found",
    ),
    Case(
        "open: for a community that does not exist",
        "leader",
        "POST",
        OPEN,
        group_buy(community_id=999999999),
        status=404,
        code="not_found",
    ),
    Case("open: by a member", "member", "POST", OPEN, group_buy(), status=403, code="not_leader"),
    Case(
        "open: malformed JSON",
        "leader",
        "POST",
        OPEN,
        b'{"title": "x",}',
        status=400,
        code="malformed",
    ),
    # Closing.
    Case(
        "close: by a member",
        "member",
        "POST",
        "/group-buys/{gb}/close",
        status=403,
        code="not_leader",
    ),
    Case(
        "close: another community's group buy",
        "leader",
        "POST",
        "/group-buys/{their_gb}/close",
        status=404,
        code="group_buy_not_found",
    ),
    # Recording a delivery.
    Case("delivery: -1", "supplier", "POST", DELIVERY, delivery(("greens_product", -1))),
    Case("delivery: 10**30", "supplier", "POST", DELIVERY, delivery(("greens_product", HUGE))),
    Case("delivery: '2'", "supplier", "POST", DELIVERY, delivery(("greens_product", "2"))),
    Case("delivery: 1.5", "supplier", "POST", DELIVERY, delivery(("greens_product", 1.5))),
    Case(
        "delivery: more than ordered",
        "supplier",
        "POST",
        DELIVERY,
        delivery(("greens_product", 3)),
        code="delivery_out_of_range",
    ),
    Case(
        "delivery: a product not on the purchase order",
        "supplier",
        "POST",
        DELIVERY,
        delivery(("greens_product", 1), ("rice_product", 1)),
    ),
    Case(
        "delivery: a product twice",
        "supplier",
        "POST",
        DELIVERY,
        delivery(("greens_product", 1), ("greens_product", 2)),
    ),
    Case("delivery: no lines", "supplier", "POST", DELIVERY, {"lines": []}),
    Case(
        "delivery: unknown field",
        "supplier",
        "POST",
        DELIVERY,
        lambda ids: {**delivery(("greens_product", 1))(ids), "signed": True},
    ),
    Case(
        "delivery: another supplier's purchase order",
        "other_supplier",
        "POST",
        DELIVERY,
        delivery(("greens_product", 1)),
        status=404,
        code="purchase_order_not_found",
    ),
    Case(
        "delivery: by the leader",
        "leader",
        "POST",
        DELIVERY,
        delivery(("greens_product", 1)),
        status=403,
        code="not_supplier",
    ),
    Case(
        "delivery: a purchase order that does not exist",
        "supplier",
        "POST",
        "/purchase-orders/999999999/delivery",
        delivery(("greens_product", 1)),
        status=404,
        code="purchase_order_not_found",
    ),
    # Handing out at the gate.
    Case("pickup: neither code nor order", "leader", "POST", PICKUP, {}),
    Case(
        "pickup: a code no order has",
        "leader",
        "POST",
        PICKUP,
        {"code": "000000000000"},
        status=404,
        code="pickup_code_unknown",
    ),
    Case("pickup: a code of 10,000 characters", "leader", "POST", PICKUP, {"code": "1" * 10_000}),
    Case("pickup: a code that is a number", "leader", "POST", PICKUP, {"code": 123456789012}),
    Case(
        "pickup: more than was ordered",
        "leader",
        "POST",
        PICKUP,
        pickup(
            code=lambda ids: ids["past_code"],
            lines=lambda ids: [{"item_id": ids["past_greens"], "quantity": 3}],
        ),
        code="pickup_too_much",
    ),
    Case(
        "pickup: quantity 0",
        "leader",
        "POST",
        PICKUP,
        pickup(
            code=lambda ids: ids["past_code"],
            lines=lambda ids: [{"item_id": ids["past_greens"], "quantity": 0}],
        ),
    ),
    Case(
        "pickup: an item not on the order",
        "leader",
        "POST",
        PICKUP,
        pickup(
            code=lambda ids: ids["past_code"],
            lines=lambda ids: [{"item_id": ids["greens"], "quantity": 1}],
        ),
        code="unknown_items",
    ),
    Case(
        "pickup: another group buy's order",
        "leader",
        "POST",
        PICKUP,
        pickup(order_id=lambda ids: ids["order"]),
        status=404,
        code="order_not_found",
    ),
    Case(
        "pickup: in a group buy that has not formed",
        "leader",
        "POST",
        "/group-buys/{gb}/pickups",
        pickup(order_id=lambda ids: ids["order"]),
        status=409,
        code="pickup_not_ready",
    ),
    Case(
        "pickup: by a member",
        "neighbour",
        "POST",
        PICKUP,
        pickup(code=lambda ids: ids["past_code"]),
        status=403,
        code="not_leader",
    ),
    Case(
        "pickup: by another community's leader",
        "other_leader",
        "POST",
        PICKUP,
        pickup(code=lambda ids: ids["past_code"]),
        status=404,
        code="group_buy_not_found",
    ),
    Case("pickup: unknown field", "leader", "POST", PICKUP, {"code": "1", "force": True}),
    # Tokens.
    Case("token: empty name", "member", "POST", "/tokens", {"name": ""}),
    Case("token: name of 10,000 characters", "member", "POST", "/tokens", {"name": "n" * 10_000}),
    Case("token: name a number", "member", "POST", "/tokens", {"name": 7}),
    Case("token: unknown field", "member", "POST", "/tokens", {"name": "x", "scopes": ["all"]}),
    Case("token: malformed JSON", "member", "POST", "/tokens", b"{", status=400, code="malformed"),
    Case(
        "token: revoke the neighbours' token",
        "member",
        "DELETE",
        "/tokens/{neighbours_token}",
        status=404,
        code="not_found",
    ),
    Case(
        "token: wrong password",
        "anonymous",
        "POST",
        "/auth/token",
        {"username": "nobody", "password": "wrong"},
        status=401,
        code="bad_credentials",
    ),
    Case("token: no password", "anonymous", "POST", "/auth/token", {"username": "nobody"}),
    Case(
        "token: password of 10,000 characters",
        "anonymous",
        "POST",
        "/auth/token",
        {"username": "nobody", "password": "p" * 10_000},
    ),
    # Ids in the path that no row could have: too big for the database, or negative.
    Case(
        "place: group buy id 10**30",
        "member",
        "POST",
        f"/group-buys/{HUGE}/orders",
        order(line("greens", 1)),
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "change: order id 10**30",
        "member",
        "PUT",
        f"/orders/{HUGE}",
        order(line("greens", 1)),
        status=404,
        code="order_not_found",
    ),
    Case(
        "cancel: order id -1",
        "member",
        "POST",
        "/orders/-1/cancel",
        status=404,
        code="order_not_found",
    ),
    Case(
        "cancel: order id 2**63",
        "member",
        "POST",
        f"/orders/{2**63}/cancel",
        status=404,
        code="order_not_found",
    ),
    Case(
        "close: group buy id 10**30",
        "leader",
        "POST",
        f"/group-buys/{HUGE}/close",
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "pickup: group buy id 10**30",
        "leader",
        "POST",
        f"/group-buys/{HUGE}/pickups",
        {"code": "1"},
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "pickup: order id 10**30",
        "leader",
        "POST",
        PICKUP,
        {"order_id": HUGE},
    ),
    Case(
        "delivery: purchase order id 10**30",
        "supplier",
        "POST",
        f"/purchase-orders/{HUGE}/delivery",
        delivery(("greens_product", 1)),
        status=404,
        code="purchase_order_not_found",
    ),
    Case(
        "token: revoke token id 10**30",
        "member",
        "DELETE",
        f"/tokens/{HUGE}",
        status=404,
        code="not_found",
    ),
    Case(
        "place: for household 10**30",
        "leader",
        "POST",
        PLACE,
        order(line("greens", 1), household_id=HUGE),
    ),
    Case(
        "get: group buy id 10**30",
        "member",
        "GET",
        f"/group-buys/{HUGE}",
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "get: order id 10**30",
        "member",
        "GET",
        f"/orders/{HUGE}",
        status=404,
        code="order_not_found",
    ),
    # NUL characters, which PostgreSQL can neither store nor compare.
    Case(
        "place: NUL in the note", "member", "POST", PLACE, order(line("greens", 1), note="a\x00b")
    ),
    Case("open: NUL in the title", "leader", "POST", OPEN, group_buy(title="周末\x00团")),
    Case("pickup: NUL in the code", "leader", "POST", PICKUP, {"code": "12\x00"}),
    Case("token: NUL in the name", "member", "POST", "/tokens", {"name": "x\x00"}),
    Case(
        "token: NUL in the username",
        "anonymous",
        "POST",
        "/auth/token",
        {"username": "a\x00", "password": "x"},
    ),
    Case("list: NUL in an order status", "member", "GET", "/orders?status=%00"),
    Case("list: NUL in a group buy status", "member", "GET", "/group-buys?status=%00"),
    Case(
        "pickup search: NUL in the query",
        "leader",
        "GET",
        "/group-buys/{past_gb}/pickup/search?q=%00",
    ),
    Case(
        "pickup search: NUL in the room",
        "leader",
        "GET",
        "/group-buys/{past_gb}/pickup/search?building=1&room=%00",
    ),
    Case(
        "place: Idempotency-Key with a control character",
        "member",
        "POST",
        PLACE,
        order(line("greens", 1)),
        headers={"HTTP_IDEMPOTENCY_KEY": "key\x01"},
    ),
    Case("products: NUL in the search", "leader", "GET", "/products?q=%00"),
    Case(
        "households: NUL in the search",
        "leader",
        "GET",
        "/communities/{community}/households?q=%00",
    ),
    # Sharing out a short delivery.
    Case(
        "allocation: no such policy",
        "leader",
        "POST",
        ALLOCATION,
        {"policy": "lottery"},
    ),
    Case("allocation: policy a number", "leader", "POST", ALLOCATION, {"policy": 1}),
    Case("allocation: no policy", "leader", "POST", ALLOCATION, {}),
    Case(
        "allocation: unknown field",
        "leader",
        "POST",
        ALLOCATION,
        {"policy": "fcfs", "refund": False},
    ),
    Case("allocation preview: no such policy", "leader", "GET", ALLOCATION + "?policy=lottery"),
    Case("allocation preview: no policy", "leader", "GET", ALLOCATION),
    Case(
        "allocation: before the delivery is recorded",
        "leader",
        "POST",
        ALLOCATION,
        {"policy": "fcfs"},
        status=409,
        code="delivery_not_recorded",
    ),
    Case(
        "allocation: a group buy that has not formed",
        "leader",
        "POST",
        "/group-buys/{gb}/items/{greens}/allocation",
        {"policy": "fcfs"},
        status=409,
        code="pickup_not_ready",
    ),
    Case(
        "allocation: an item of another group buy",
        "leader",
        "POST",
        "/group-buys/{past_gb}/items/{greens}/allocation",
        {"policy": "fcfs"},
        code="unknown_items",
    ),
    Case(
        "allocation: by a member",
        "neighbour",
        "POST",
        ALLOCATION,
        {"policy": "fcfs"},
        status=403,
        code="not_leader",
    ),
    Case(
        "allocation: by another community's leader",
        "other_leader",
        "POST",
        ALLOCATION,
        {"policy": "fcfs"},
        status=404,
        code="group_buy_not_found",
    ),
    Case(
        "allocation: item id 10**30",
        "leader",
        "POST",
        f"/group-buys/{{past_gb}}/items/{HUGE}/allocation",
        {"policy": "fcfs"},
        code="unknown_items",
    ),
    Case(
        "distribution sheet: a group buy that has not formed",
        "leader",
        "GET",
        "/group-buys/{gb}/distribution.pdf",
        status=409,
        code="pickup_not_ready",
    ),
    Case(
        "distribution sheet: by a member",
        "member",
        "GET",
        "/group-buys/{past_gb}/distribution.xlsx",
        status=403,
        code="not_leader",
    ),
    Case(
        "purchase order sheet: another supplier's",
        "other_supplier",
        "GET",
        "/purchase-orders/{purchase_order}.pdf",
        status=404,
        code="purchase_order_not_found",
    ),
    Case(
        "purchase order sheet: id 10**30",
        "supplier",
        "GET",
        f"/purchase-orders/{HUGE}.xlsx",
        status=404,
        code="purchase_order_not_found",
    ),
    # Query parameters of the wrong type.
    Case("list: community id not a number", "member", "GET", "/group-buys?community_id=abc"),
    Case("list: group buy id 1.5", "member", "GET", "/orders?group_buy_id=1.5"),
]


# Cases that fail today, each a bug reported to whoever owns the code; strict, so that the
# fix makes the mark go.
KNOWN_BUGS: dict[str, str] = {}


def test_the_case_ids_are_unique():
    ids = [case.id for case in CASES]
    assert len(ids) == len(set(ids))
    assert set(KNOWN_BUGS) <= set(ids)


def send(world: World, case: Case, language: str):
    client = world.client(case.role, language)
    path = "/api" + case.path.format(**world.ids)
    body = case.body(world.ids) if callable(case.body) else case.body
    if case.method == "GET":
        return client.get(path, **case.headers)
    data = body if isinstance(body, bytes) else "" if body is None else json.dumps(body)
    send_as = getattr(client, case.method.lower())
    return send_as(path, data, content_type="application/json", **case.headers)


def assert_in_language(world: World, text: str, language: str, where: str) -> None:
    assert isinstance(text, str) and text.strip(), f"{where}: no message"
    own = text
    for name in world.names:  # names in the data are the same in every language
        own = own.replace(name, "")
    if language == "en":
        assert not CJK.search(own), f"{where}: not English: {text!r}"
    else:
        assert CJK.search(own), f"{where}: not Chinese: {text!r}"


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            case,
            id=case.id,
            marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[case.id])]
            if case.id in KNOWN_BUGS
            else [],
        )
        for case in CASES
    ],
)
def test_bad_input_gets_a_4xx_in_the_callers_language_and_changes_nothing(hood, case):
    world = build_world(hood)
    before = snapshot()
    for language in LANGUAGES:
        response = send(world, case, language)
        assert response["Content-Type"].startswith("application/json"), (
            language,
            response.status_code,
            response.content[:300],
        )
        body = response.json()
        assert (response.status_code, body.get("code")) == (case.status, case.code), (
            language,
            body,
        )
        assert set(body) <= {"code", "message", "details"}, body
        assert_in_language(world, body["message"], language, "message")
        for detail in body.get("details") or []:
            if "message" in detail:
                assert_in_language(world, detail["message"], language, f"detail {detail}")
        assert snapshot() == before, f"{case.id} ({language}) changed something"
