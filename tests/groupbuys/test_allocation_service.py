"""A short delivery shared out through the services and the API: preview, apply once, hand out
no more than the share, and read the shortfall to refund."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command

from linli.accounts.roles import roles
from linli.core.models import AuditEvent
from linli.groupbuys import errors, selectors, services
from linli.groupbuys.models import GroupBuy, Order, OrderLine, PurchaseOrder
from linli.ledger import selectors as ledger

from ..apiclient import Api


@pytest.fixture
def short(hood, now):
    """Four households order 4, 3, 2 and 1 斤 of greens (the third is vulnerable) and the
    first also a box of eggs; the group buy forms and the farm delivers 6 斤 of the 10."""
    household = hood.households[2]
    household.vulnerable = True
    household.vulnerability = household.Vulnerability.ELDERLY_ALONE
    household.save()
    group_buy = hood.open(stock=(50, 20), now=now)
    greens, eggs = group_buy.items.order_by("position")
    orders = []
    for step, (member, quantity) in enumerate(zip(hood.members, (4, 3, 2, 1), strict=True)):
        lines = {greens.pk: quantity}
        if step == 0:
            lines[eggs.pk] = 1
        orders.append(
            services.place_order(
                actor=member,
                group_buy_id=group_buy.pk,
                lines=lines,
                now=now + timedelta(minutes=step),
            )
        )
    later = group_buy.cutoff_at + timedelta(seconds=1)
    services.close_due_group_buys(now=later)
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={greens.product_id: 6, eggs.product_id: 1},
        now=later,
    )
    return group_buy, greens, orders, later


def assert_credited_back(hood, group_buy, owed: dict[int, int]) -> None:
    """Each household is owed ``owed`` (fen) for what it was not given, and the ledger has
    credited exactly that back; the ledger stays sound."""
    assert selectors.shortfall_by_household(group_buy) == owed
    credited = ledger.group_buy_ledger(roles(hood.leader_user), group_buy.pk)
    assert {
        line.household_id: line.credited for line in credited.households if line.credited
    } == owed
    assert ledger.check().ok


def shares(plan) -> list[int]:
    return [line.allocated for line in plan.lines]


def stored(greens) -> list[int | None]:
    return list(
        OrderLine.objects.filter(item=greens)
        .order_by("order__seq")
        .values_list("allocated", flat=True)
    )


def test_each_policy_previewed_without_changing_anything(hood, short):
    group_buy, greens, _orders, _later = short
    preview = {
        policy: services.plan_allocation(
            actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy=policy
        )
        for policy in ("proportional", "equal", "fcfs")
    }
    # The vulnerable household (third) gets its 2 first; the other 4 go by the policy.
    assert shares(preview["proportional"]) == [2, 2, 2, 0]  # 2, 1.5, 0.5 → tie to the earlier
    assert shares(preview["equal"]) == [2, 1, 2, 1]  # 1 each, the odd unit to the earliest
    assert shares(preview["fcfs"]) == [4, 0, 2, 0]
    plan = preview["fcfs"]
    assert (plan.ordered, plan.delivered, plan.allocated, plan.shortfall) == (10, 6, 6, 4)
    assert plan.shortfall_fen == 4 * 450
    assert [line.vulnerable for line in plan.lines] == [False, False, True, False]
    assert not plan.applied
    assert "先下单者优先" in str(plan.rules[-1])  # the tie rule, in the default language
    assert stored(greens) == [None, None, None, None]
    assert not AuditEvent.objects.filter(action="purchase_order_line.allocated").exists()


def test_applying_stores_the_shares_caps_the_hand_out_and_leaves_the_refund(hood, short):
    group_buy, greens, orders, later = short
    plan = services.apply_allocation(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        item_id=greens.pk,
        policy="proportional",
        now=later,
    )
    assert plan.applied
    assert stored(greens) == [2, 2, 2, 0]
    event = AuditEvent.objects.get(action="purchase_order_line.allocated")
    assert event.data["policy"] == "proportional"
    assert (event.data["shortfall"], event.data["shortfall_fen"]) == (4, 1800)

    refunds = selectors.shortfalls(group_buy)
    assert [(s.seq, s.ordered, s.allocated, s.refund_fen) for s in refunds] == [
        (1, 4, 2, 900),
        (2, 3, 2, 450),
        (4, 1, 0, 450),
    ]
    # What each household is owed, over the whole group buy: credited back on the ledger.
    owed = {orders[0].household_id: 900, orders[1].household_id: 450, orders[3].household_id: 450}
    assert_credited_back(hood, group_buy, owed)

    # The fourth household gets nothing: there is nothing left to collect.
    orders[3].refresh_from_db()
    assert orders[3].pickup == Order.Pickup.FULL

    # The first household's share is 2 斤: asking for 3 is refused, "everything" gives 2.
    with pytest.raises(errors.PickupTooMuch):
        services.confirm_pickup(
            actor=hood.leader_user,
            group_buy_id=group_buy.pk,
            order_id=orders[0].pk,
            lines={greens.pk: 3},
            now=later,
        )
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=orders[0].pk, now=later
    )
    orders[0].refresh_from_db()
    assert orders[0].pickup == Order.Pickup.FULL
    line = OrderLine.objects.get(order=orders[0], item=greens)
    assert (line.quantity, line.allocated, line.picked_up) == (4, 2, 2)

    # Applying the same policy again changes nothing; another policy is refused.
    again = services.apply_allocation(
        actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="proportional"
    )
    assert shares(again) == [2, 2, 2, 0] and again.applied_at == plan.applied_at
    with pytest.raises(errors.AlreadyAllocated):
        services.apply_allocation(
            actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs"
        )
    assert AuditEvent.objects.filter(action="purchase_order_line.allocated").count() == 1
    # Nor can the supplier now change what it delivered of the item.
    with pytest.raises(errors.AlreadyAllocated):
        services.record_delivery(
            actor=hood.supplier_user,
            purchase_order_id=PurchaseOrder.objects.get(group_buy=group_buy).pk,
            delivered={greens.product_id: 7},
        )


def test_what_was_handed_out_before_the_sharing_stays_handed_out(hood, short):
    group_buy, greens, orders, later = short
    # The last household collected its 1 斤 before the leader noticed the shortage.
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=orders[3].pk, now=later
    )
    plan = services.apply_allocation(
        actor=hood.operator, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs"
    )
    # 5 left to share over 4, 3, 2 still wanted: the vulnerable 2, then the first order 3.
    assert shares(plan) == [3, 0, 2, 1]
    assert sum(shares(plan)) == 6


def test_the_group_buy_completes_when_the_sharing_leaves_nothing_to_collect(hood, short):
    group_buy, greens, orders, later = short
    for order in orders[:3]:
        services.confirm_pickup(
            actor=hood.leader_user,
            group_buy_id=group_buy.pk,
            order_id=order.pk,
            lines={line.item_id: 1 for line in order.lines.all()},
            now=later,
        )
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=orders[2].pk, now=later
    )
    # Handed out so far: 1, 1, 2 of greens (and the box of eggs); 2 left for 3, 2 and 1 wanted.
    services.apply_allocation(
        actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs"
    )
    assert stored(greens) == [3, 1, 2, 0]
    # The second and the fourth have all their share already: collected.
    assert [
        order.pickup for order in Order.objects.filter(group_buy=group_buy).order_by("seq")
    ] == ["partial", "full", "full", "full"]
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=orders[0].pk, now=later
    )
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.COMPLETED


def test_who_may_share_out_and_when(hood, short, now):
    group_buy, greens, _orders, _later = short

    def plan(actor, policy="equal", group_buy_id=group_buy.pk, item_id=greens.pk):
        return services.plan_allocation(
            actor=actor, group_buy_id=group_buy_id, item_id=item_id, policy=policy
        )

    with pytest.raises(errors.NotLeader):
        plan(hood.members[1])
    for outsider in (hood.other_leader_user, hood.supplier_user, hood.other_member):
        with pytest.raises(errors.GroupBuyNotFound):
            plan(outsider)
    with pytest.raises(errors.UnknownPolicy):
        plan(hood.leader_user, policy="lottery")
    with pytest.raises(errors.UnknownItems):
        plan(hood.leader_user, item_id=greens.pk + 1000)
    assert shares(plan(hood.operator)) == [2, 1, 2, 1]

    open_one = hood.open(now=now)
    with pytest.raises(errors.PickupNotReady):
        plan(hood.leader_user, group_buy_id=open_one.pk, item_id=open_one.items.first().pk)
    assert stored(greens) == [None, None, None, None]


def test_not_before_the_delivery_is_recorded(hood, now):
    group_buy = hood.open(now=now)
    greens = group_buy.items.order_by("position").first()
    services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={greens.pk: 2}, now=now
    )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    with pytest.raises(errors.DeliveryNotRecorded):
        services.apply_allocation(
            actor=hood.leader_user, group_buy_id=group_buy.pk, item_id=greens.pk, policy="fcfs"
        )


def test_through_the_api(hood, short):
    group_buy, greens, _orders, _later = short
    path = f"/group-buys/{group_buy.pk}/items/{greens.pk}/allocation"
    leader = Api(hood.leader_user)

    preview = leader.get(path, policy="equal")
    assert preview.status_code == 200, preview.json()
    body = preview.json()
    assert [line["allocated"] for line in body["lines"]] == [2, 1, 2, 1]
    assert (body["shortfall"], body["shortfall_fen"], body["applied"]) == (4, 1800, False)
    assert body["policy_label"] == "equal shares up to each order"
    assert len(body["rules"]) == 3

    zh = Api(hood.leader_user, language="zh-hans").get(path, policy="fcfs").json()
    assert zh["policy_label"] == "先下单先得"
    assert "跟团号" in zh["rules"][-1]

    refused = Api(hood.members[1], language="zh-hans").post(path, {"policy": "fcfs"}, key="m")
    assert refused.status_code == 403
    assert "团长" in refused.json()["message"]
    bad = leader.post(path, {"policy": "lottery"})
    assert bad.status_code == 422
    assert bad.json()["details"][0]["field"] == "policy"

    applied = leader.post(path, {"policy": "equal"}, key="share-1")
    assert applied.status_code == 200, applied.json()
    assert applied.json()["applied"] is True
    replay = leader.post(path, {"policy": "equal"}, key="share-1")
    assert replay.headers["Idempotent-Replayed"] == "true"
    conflict = leader.post(path, {"policy": "fcfs"})
    assert conflict.status_code == 409
    assert conflict.json()["code"] == "already_allocated"
    assert stored(greens) == [2, 1, 2, 1]

    # The per-building summary counts what is handed out now: 10 ordered, 6 shared out.
    summary = leader.get(f"/group-buys/{group_buy.pk}/distribution").json()
    assert sum(row["units"] for row in summary) == 6 + 1  # the greens and the box of eggs
    owed = leader.get(f"/group-buys/{group_buy.pk}/shortfalls").json()
    assert [(row["seq"], row["shortfall"], row["refund_fen"]) for row in owed] == [
        (1, 2, 900),
        (2, 2, 900),
    ]
    order = leader.get(f"/orders/{_orders[0].pk}").json()
    assert {line["item_id"]: line["allocated"] for line in order["lines"]}[greens.pk] == 2
    assert Api(hood.members[1]).get(f"/group-buys/{group_buy.pk}/shortfalls").status_code == 403


def test_from_the_command_line(hood, short, monkeypatch):
    group_buy, greens, _orders, _later = short
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    args = ["allocate", "--as", hood.leader_user.username, str(group_buy.pk), str(greens.pk)]
    out = io.StringIO()
    call_command(*args, "--policy", "fcfs", stdout=out)
    assert "preview" in out.getvalue()
    assert "allocated 6, short 4, to refund ¥18.00" in out.getvalue()
    assert stored(greens) == [None, None, None, None]
    out = io.StringIO()
    call_command(*args, "--policy", "fcfs", "--apply", stdout=out)
    assert "preview" not in out.getvalue()
    assert stored(greens) == [4, 0, 2, 0]
    with pytest.raises(CommandError, match="already shared out"):
        call_command(*args, "--policy", "equal", "--apply", stdout=io.StringIO())


def test_a_short_delivery_nobody_shared_out_is_shared_and_refunded_when_pickup_ends(hood, short):
    """The leader never shares out the greens: the first comers take what there is at the
    gate, and when the pickup window ends each household is still refunded exactly what it
    paid for and was never delivered."""
    group_buy, greens, orders, later = short
    gate = {"actor": hood.leader_user, "group_buy_id": group_buy.pk, "now": later}
    services.confirm_pickup(order_id=orders[0].pk, **gate)  # 4 斤 of greens and the eggs
    with pytest.raises(errors.NotEnoughDelivered):
        services.confirm_pickup(order_id=orders[1].pk, lines={greens.pk: 3}, **gate)
    services.confirm_pickup(order_id=orders[1].pk, lines={greens.pk: 2}, **gate)

    ended = group_buy.pickup_ends_at + timedelta(seconds=1)
    services.close_due_group_buys(now=ended)

    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.COMPLETED
    # Nothing was left to share: each keeps what it took, and the 4 斤 never delivered are
    # refunded to those who did not get them, the vulnerable household included.
    assert stored(greens) == [4, 2, 0, 0]
    owed = {orders[1].household_id: 450, orders[2].household_id: 900, orders[3].household_id: 450}
    assert_credited_back(hood, group_buy, owed)
    event = AuditEvent.objects.get(action="purchase_order_line.allocated")
    assert event.actor is None and event.data["reason"] == "completed"
    assert event.data["policy"] == "proportional" and event.data["shortfall"] == 4
    # Those who took nothing have nothing left to collect either.
    assert [
        order.pickup for order in Order.objects.filter(group_buy=group_buy).order_by("seq")
    ] == [
        "full",
        "full",
        "full",
        "full",
    ]


def test_what_was_delivered_and_not_collected_is_not_refunded(hood, short):
    """Nobody came and nobody shared out: the delivered 6 斤 are shared on paper (as the
    leader's proportional preview showed) and only the 4 never delivered are refunded."""
    group_buy, greens, orders, _later = short
    services.close_due_group_buys(now=group_buy.pickup_ends_at)
    assert stored(greens) == [2, 2, 2, 0]
    assert sum(selectors.shortfall_by_household(group_buy).values()) == 4 * 450
    assert ledger.check().ok
    # The eggs came in full: nothing about them changes.
    eggs_line = OrderLine.objects.get(order=orders[0], item__position=1)
    assert eggs_line.allocated is None
    assert [
        order.pickup for order in Order.objects.filter(group_buy=group_buy).order_by("seq")
    ] == [
        "none",
        "none",
        "none",
        "full",
    ]


def test_a_group_buy_delivered_in_full_completes_without_sharing_anything(hood):
    group_buy, _orders = hood.formed()
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={line.product_id: line.quantity for line in purchase_order.lines.all()},
    )
    services.close_due_group_buys(now=group_buy.pickup_ends_at)
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.COMPLETED
    assert not AuditEvent.objects.filter(action="purchase_order_line.allocated").exists()
    assert selectors.shortfall_by_household(group_buy) == {}
