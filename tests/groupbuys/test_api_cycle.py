"""The whole group-buying cycle through the JSON API, each step by the person who does it."""

from datetime import timedelta

from django.utils import timezone

from linli.core.formatting import LocalTime, mask_phone
from linli.core.models import AuditEvent
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, Order

from ..apiclient import Api
from ..factories import iso


def test_leader_members_supplier_and_gate(hood):
    leader, supplier = Api(hood.leader_user), Api(hood.supplier_user)
    alice, bob = Api(hood.members[0]), Api(hood.members[1])
    greens, eggs = hood.products[:2]
    cutoff = timezone.now() + timedelta(days=1)

    # The leader finds products and opens a group buy.
    products = leader.get("/products", q="鸡蛋").json()["items"]
    assert [p["id"] for p in products] == [eggs.pk]
    opened = leader.post(
        "/group-buys",
        {
            "community_id": hood.community.pk,
            "title": "崇明蔬菜 + 土鸡蛋",
            "min_to_form": 2,
            "threshold": "households",
            "cutoff_at": iso(cutoff),
            "pickup_starts_at": iso(cutoff + timedelta(hours=14)),
            "pickup_ends_at": iso(cutoff + timedelta(hours=20)),
            "items": [
                {"product_id": greens.pk, "price_fen": 450, "stock": 40, "per_household_limit": 5},
                {"product_id": eggs.pk, "price_fen": 2800, "stock": 10},
            ],
        },
        key="open-1",
    )
    assert opened.status_code == 201, opened.json()
    group_buy = opened.json()
    assert group_buy["pickup_place"] == hood.community.default_pickup_place
    item_greens, item_eggs = (item["id"] for item in group_buy["items"])
    path = f"/group-buys/{group_buy['id']}"

    # Members see it and order; Bob changes his mind, then cancels and orders again.
    assert alice.get(path).json()["title"] == "崇明蔬菜 + 土鸡蛋"
    first = alice.post(
        f"{path}/orders",
        {
            "lines": [
                {"item_id": item_greens, "quantity": 2},
                {"item_id": item_eggs, "quantity": 1},
            ],
            "note": "放门口",
        },
    )
    assert first.status_code == 201
    assert first.json()["total_fen"] == 2 * 450 + 2800
    assert first.json()["pickup_code"] is None  # not until it forms
    second = bob.post(f"{path}/orders", {"lines": [{"item_id": item_greens, "quantity": 1}]}).json()
    changed = bob.put(f"/orders/{second['id']}", {"lines": [{"item_id": item_eggs, "quantity": 2}]})
    assert [(line["item_id"], line["quantity"]) for line in changed.json()["lines"]] == [
        (item_eggs, 2)
    ]
    assert bob.post(f"/orders/{second['id']}/cancel").json()["status"] == "cancelled"
    third = bob.post(f"{path}/orders", {"lines": [{"item_id": item_greens, "quantity": 3}]}).json()

    tally = leader.get(f"{path}/tally").json()
    assert (tally["fill"], tally["to_form"], tally["orders"], tally["units"]) == (2, 0, 2, 6)
    assert [(row["ordered"], row["stock_left"]) for row in tally["items"]] == [(5, 35), (1, 9)]
    assert (
        len(bob.get(f"{path}/orders").json()["items"]) == 2
    )  # his own two, incl. the cancelled one
    assert len(leader.get(f"{path}/orders").json()["items"]) == 3

    # The leader closes early: it forms; orders are numbered in the order they were placed.
    closed = leader.post(f"{path}/close", key="close-1")
    assert closed.json()["status"] == "formed"
    assert leader.post(f"{path}/close", key="close-2").json()["status"] == "formed"
    alice_order = alice.get(f"/orders/{first.json()['id']}").json()
    bob_order = bob.get(f"/orders/{third['id']}").json()
    assert (alice_order["seq"], bob_order["seq"]) == (1, 2)
    assert len(alice_order["pickup_code"]) == 12
    qr = alice.client.get(f"/api/orders/{alice_order['id']}/pickup-code.png")
    assert qr.status_code == 200 and qr["Content-Type"] == "image/png"
    assert qr.content.startswith(b"\x89PNG")

    # The supplier sees one purchase order: quantities, no households; delivers one egg short.
    purchase_orders = supplier.get("/purchase-orders").json()["items"]
    assert len(purchase_orders) == 1
    po = purchase_orders[0]
    assert {(line["product_id"], line["quantity"]) for line in po["lines"]} == {
        (greens.pk, 5),
        (eggs.pk, 1),
    }
    assert po["community"] == hood.community.name
    text = str(po)
    assert hood.households[0].contact_name not in text and hood.households[0].phone not in text
    delivered = supplier.post(
        f"/purchase-orders/{po['id']}/delivery",
        {
            "lines": [
                {"product_id": greens.pk, "delivered": 5},
                {"product_id": eggs.pk, "delivered": 0},
            ]
        },
    )
    assert delivered.status_code == 200, delivered.json()

    # At the gate: per building lists, search by 跟团号, by room, by phone, by code.
    buildings = leader.get(f"{path}/distribution").json()
    assert sum(b["orders"] for b in buildings) == 2
    sheets = [
        leader.get(f"{path}/distribution/{building['building_id']}").json()["items"]
        for building in buildings
    ]
    rows = [row for sheet in sheets for row in sheet]
    assert sorted(row["id"] for row in rows) == sorted([alice_order["id"], bob_order["id"]])
    assert all(row["room"] for row in rows)
    # The leader lives with Alice and sees that number in full; Bob's is masked.
    phones = {row["household_id"]: row["phone"] for row in rows}
    alice_home, bob_home = hood.households[0], hood.households[1]
    assert phones == {alice_home.pk: alice_home.phone, bob_home.pk: mask_phone(bob_home.phone)}
    assert [o["id"] for o in leader.get(f"{path}/pickup/search", q="2").json()] == [bob_order["id"]]
    household = hood.households[0]
    by_room = leader.get(
        f"{path}/pickup/search", q=f"{household.building.name}{household.room}"
    ).json()
    assert alice_order["id"] in [o["id"] for o in by_room]
    by_phone = leader.get(f"{path}/pickup/search", phone_last4=household.phone[-4:]).json()
    assert alice_order["id"] in [o["id"] for o in by_phone]

    # Alice's eggs were not delivered: she takes her greens now (部分提货).
    whole = leader.post(f"{path}/pickups", {"code": alice_order["pickup_code"]})
    assert whole.status_code == 409 and whole.json()["code"] == "not_enough_delivered"
    part = leader.post(
        f"{path}/pickups",
        {"code": alice_order["pickup_code"], "lines": [{"item_id": item_greens, "quantity": 2}]},
    )
    assert part.json()["pickup"] == "partial"
    assert leader.post(f"{path}/pickups", {"order_id": bob_order["id"]}).json()["pickup"] == "full"
    used = leader.post(f"{path}/pickups", {"order_id": bob_order["id"]})
    assert used.status_code == 409 and used.json()["code"] == "already_collected"
    foreign = leader.post(f"{path}/pickups", {"code": "000000000000"})
    assert foreign.status_code == 404 and foreign.json()["code"] == "pickup_code_unknown"
    assert bob.get(f"/orders/{third['id']}").json()["pickup"] == "full"

    # The eggs arrive after all; the last hand-out completes the group buy.
    supplier.post(
        f"/purchase-orders/{po['id']}/delivery",
        {"lines": [{"product_id": eggs.pk, "delivered": 1}]},
    )
    done = leader.post(f"{path}/pickups", {"code": alice_order["pickup_code"]})
    assert done.json()["pickup"] == "full"
    assert GroupBuy.objects.get(pk=group_buy["id"]).status == GroupBuy.Status.COMPLETED

    actions = list(AuditEvent.objects.order_by("id").values_list("action", "channel"))
    assert ("group_buy.opened", "api") in actions and ("group_buy.completed", "api") in actions


def test_a_due_group_buy_refuses_orders_and_shows_closing_until_the_clock_forms_it(hood, now):
    group_buy = hood.open(
        cutoff_in=timedelta(minutes=10), now=now - timedelta(hours=1), min_to_form=1
    )
    item = group_buy.items.first()
    alice = Api(hood.members[0], language="en")
    # Ordered before the cutoff (in the past, through the service).
    services.place_order(
        actor=hood.members[0],
        group_buy_id=group_buy.pk,
        lines={item.pk: 1},
        now=now - timedelta(minutes=55),
    )
    late = alice.post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 1}]}
    )
    assert late.status_code == 409
    assert late.json() == {
        "code": "cutoff_passed",
        "message": f"Orders for this group buy closed at {LocalTime(group_buy.cutoff_at)}.",
    }
    # Reads and refusals write nothing: the group buy is as stored, shown closing.
    shown = alice.get(f"/group-buys/{group_buy.pk}").json()
    assert (shown["status"], shown["closing"], shown["accepting_orders"]) == ("open", True, False)
    assert GroupBuy.objects.get(pk=group_buy.pk).status == GroupBuy.Status.OPEN
    # The worker's clock closes it.
    run = services.close_due_group_buys()
    assert run.formed == [group_buy.pk]
    shown = alice.get(f"/group-buys/{group_buy.pk}").json()
    assert (shown["status"], shown["closing"], shown["accepting_orders"]) == (
        "formed",
        False,
        False,
    )
    assert Order.objects.get(group_buy=group_buy).seq == 1


def test_reaching_the_maximum_closes_it_at_once(hood, now):
    group_buy = hood.open(stock=(50,), min_to_form=2, max_to_close=5, now=now)
    item = group_buy.items.first()
    alice, bob = Api(hood.members[0]), Api(hood.members[1])
    assert (
        alice.post(
            f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 3}]}
        ).status_code
        == 201
    )
    over = bob.post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 3}]}
    )
    assert over.status_code == 409 and over.json()["code"] == "group_buy_full"
    assert "2" in over.json()["message"]
    assert (
        bob.post(
            f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 2}]}
        ).status_code
        == 201
    )
    group_buy.refresh_from_db()
    assert (group_buy.status, group_buy.close_reason) == ("formed", "full")
    assert group_buy.purchase_orders.get().lines.get().quantity == 5


def test_a_group_buy_short_of_its_minimum_fails(hood, now):
    group_buy = hood.open(min_to_form=3, threshold="households", now=now)
    item = group_buy.items.first()
    Api(hood.members[0]).post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 9}]}
    )
    closed = Api(hood.leader_user).post(f"/group-buys/{group_buy.pk}/close")
    assert closed.json()["status"] == "failed"
    assert list(Order.objects.filter(group_buy=group_buy).values_list("status", flat=True)) == [
        "failed"
    ]
    assert not group_buy.purchase_orders.exists()
