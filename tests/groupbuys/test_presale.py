"""Presale (预售): one farmer total shared by group buys in many communities, never oversold;
a short harvest shared out across communities by the fair policies and refunded."""

from datetime import timedelta

import pytest
from django.db.models import Sum
from django.utils import timezone

from linli.groupbuys import errors, services
from linli.groupbuys.models import OrderLine, Presale, PurchaseOrderLine
from linli.ledger.models import Entry, Posting

from .. import factories
from ..state import snapshot
from .presales import presale_world


def test_orders_in_every_community_count_against_the_one_total(db):
    world = presale_world(communities=3, households=4, total=10)
    assert [item.price_fen for item in world.items] == [3900] * 3  # the presale's price
    placed = 0
    refused = None
    for members, group_buy, item in zip(world.members, world.group_buys, world.items, strict=True):
        for member in members:
            try:
                services.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: 1})
                placed += 1
            except errors.InsufficientStock as error:
                refused = error
    assert placed == 10
    world.presale.refresh_from_db()
    assert world.presale.left == 0
    assert refused is not None and refused.details[0]["left"] == 0
    # Each community's own stock only went down by its own orders.
    assert sum(item.stock_initial - item.stock_left for item in _fresh(world.items)) == 10


def test_a_cancelled_order_gives_back_to_the_farmers_total(db):
    world = presale_world(communities=2, households=2, total=3)
    first = services.place_order(
        actor=world.members[0][0], group_buy_id=world.group_buys[0].pk, lines={world.items[0].pk: 3}
    )
    with pytest.raises(errors.InsufficientStock):
        services.place_order(
            actor=world.members[1][0],
            group_buy_id=world.group_buys[1].pk,
            lines={world.items[1].pk: 1},
        )
    services.cancel_order(actor=world.members[0][0], order_id=first.pk)
    services.place_order(
        actor=world.members[1][0], group_buy_id=world.group_buys[1].pk, lines={world.items[1].pk: 2}
    )
    world.presale.refresh_from_db()
    assert world.presale.left == 1


def test_a_failed_group_buy_gives_its_units_back_to_the_farmers_total(db):
    world = presale_world(communities=2, households=2, total=5)
    services.place_order(
        actor=world.members[0][0], group_buy_id=world.group_buys[0].pk, lines={world.items[0].pk: 4}
    )
    # The first community's group buy needs more orders than it got: it fails.
    type(world.group_buys[0]).objects.filter(pk=world.group_buys[0].pk).update(min_to_form=10)
    services.close_group_buy(
        actor=world.leaders[0], group_buy_id=world.group_buys[0].pk, early=True
    )
    world.presale.refresh_from_db()
    assert world.presale.left == 5
    # The second community can now order the whole total.
    services.place_order(
        actor=world.members[1][0], group_buy_id=world.group_buys[1].pk, lines={world.items[1].pk: 5}
    )
    world.presale.refresh_from_db()
    assert world.presale.left == 0


def _fresh(items):
    for item in items:
        item.refresh_from_db()
    return items


def _sell_and_close(world, quantities):
    """Community i's households order ``quantities[i]`` (one number per household)."""
    for members, group_buy, item, wanted in zip(
        world.members, world.group_buys, world.items, quantities, strict=True
    ):
        for member, quantity in zip(members, wanted, strict=False):
            services.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: quantity})
    for leader, group_buy in zip(world.leaders, world.group_buys, strict=True):
        services.close_group_buy(actor=leader, group_buy_id=group_buy.pk, early=True)


def _refunded(group_buy_id: int) -> int:
    return -(
        Posting.objects.filter(
            entry__group_buy_id=group_buy_id,
            entry__kind=Entry.Kind.SHORTFALL,
            account__kind="household",
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("proportional", [6, 3, 1]),  # 12, 6, 2 ordered; 10 harvested
        ("fcfs", [10, 0, 0]),
        ("equal", [4, 4, 2]),
    ],
)
def test_a_short_harvest_is_shared_across_communities_and_refunded(db, policy, expected):
    world = presale_world(communities=3, households=3, total=40)
    _sell_and_close(world, [[4, 4, 4], [2, 2, 2], [2]])
    harvest = services.record_harvest(
        actor=world.farmer, presale_id=world.presale.pk, harvested=10, policy=policy
    )
    assert [share.delivered for share in harvest.shares] == expected
    assert harvest.sold == 20
    for group_buy, got in zip(world.group_buys, expected, strict=True):
        line = PurchaseOrderLine.objects.get(purchase_order__group_buy=group_buy)
        assert line.delivered == got
        allocated = OrderLine.objects.filter(order__group_buy=group_buy).aggregate(
            a=Sum("allocated"), q=Sum("quantity")
        )
        if got < line.quantity:
            assert allocated["a"] == got
        # Every unit not harvested is refunded at the price paid.
        assert _refunded(group_buy.pk) == (line.quantity - got) * 3900
    presale = Presale.objects.get()
    assert (presale.status, presale.harvested, presale.policy) == ("harvested", 10, policy)


def test_harvest_refusals_change_nothing(db):
    world = presale_world(communities=2, households=2, total=10)
    services.place_order(
        actor=world.members[0][0], group_buy_id=world.group_buys[0].pk, lines={world.items[0].pk: 2}
    )
    before = snapshot()
    with pytest.raises(errors.PresaleStillSelling):
        services.record_harvest(actor=world.farmer, presale_id=world.presale.pk, harvested=1)
    with pytest.raises(errors.PresaleNotFound):
        services.record_harvest(actor=world.leaders[0], presale_id=world.presale.pk, harvested=1)
    for leader, group_buy in zip(world.leaders, world.group_buys, strict=True):
        services.close_group_buy(actor=leader, group_buy_id=group_buy.pk, early=True)
    before = snapshot()
    with pytest.raises(errors.HarvestOutOfRange):
        services.record_harvest(actor=world.farmer, presale_id=world.presale.pk, harvested=11)
    with pytest.raises(errors.UnknownPolicy):
        services.record_harvest(
            actor=world.farmer, presale_id=world.presale.pk, harvested=1, policy="lottery"
        )
    assert snapshot() == before
    services.record_harvest(actor=world.farmer, presale_id=world.presale.pk, harvested=0)
    assert _refunded(world.group_buys[0].pk) == 2 * 3900
    with pytest.raises(errors.PresaleHarvested):
        services.record_harvest(actor=world.farmer, presale_id=world.presale.pk, harvested=0)


def test_a_group_buy_cannot_take_a_presale_that_is_not_open_or_more_than_its_total(db):
    world = presale_world(communities=1, households=1, total=10)
    leader = world.leaders[0]
    community_id = world.group_buys[0].community_id
    product_id = world.presale.product_id
    other = factories.ProductFactory()
    before = snapshot()
    for spec in (
        services.ItemSpec(
            product_id=product_id, price_fen=None, stock=11, presale_id=world.presale.pk
        ),
        services.ItemSpec(
            product_id=other.pk, price_fen=None, stock=1, presale_id=world.presale.pk
        ),
        services.ItemSpec(product_id=product_id, price_fen=None, stock=1, presale_id=10**9),
    ):
        with pytest.raises(errors.Invalid):
            services.open_group_buy(
                actor=leader,
                community_id=community_id,
                title="再来一团",
                items=[spec],
                min_to_form=1,
                **factories.times(),
            )
    assert snapshot() == before


def test_opening_a_presale_checks_its_numbers(db):
    farmer = factories.UserFactory()
    product = factories.ProductFactory(supplier=factories.SupplierFactory(users=[farmer]))
    before = snapshot()
    with pytest.raises(errors.Invalid) as refused:
        services.open_presale(
            actor=farmer,
            product_id=product.pk,
            price_fen=0,
            harvest_on=timezone.localdate() - timedelta(days=1),
            total=10,
            minimum=11,
        )
    assert {d["field"] for d in refused.value.details} == {"price_fen", "minimum", "harvest_on"}
    with pytest.raises(errors.PresaleNotFound):
        services.open_presale(
            actor=factories.UserFactory(),
            product_id=product.pk,
            price_fen=100,
            harvest_on=timezone.localdate(),
            total=10,
            minimum=1,
        )
    assert snapshot() == before
