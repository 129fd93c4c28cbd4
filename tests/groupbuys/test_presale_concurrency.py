"""A presale's total is never oversold: 64 households in 8 communities, each community with its
own group buy of the presale, race for it at once, each on its own database connection (run
on PostgreSQL with ``DATABASE_URL``; on SQLite the writes take turns)."""

import pytest
from django.db.models import Sum

from linli.groupbuys import errors, services
from linli.groupbuys.models import GroupBuyItem, OrderLine, Presale

from .conftest import attempt, collide
from .presales import presale_world

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]

COMMUNITIES = 8
BUYERS = 64


def test_64_buyers_in_8_communities_never_oversell_the_farmers_total(transactional_db):
    world = presale_world(communities=COMMUNITIES, households=BUYERS // COMMUNITIES, total=100)

    def buy(member, group_buy, item, sizes):
        return [
            attempt(
                lambda size=size: services.place_order(
                    actor=member, group_buy_id=group_buy.pk, lines={item.pk: size}
                )
            )
            for size in sizes
        ]

    calls = []
    for index, (members, group_buy, item) in enumerate(
        zip(world.members, world.group_buys, world.items, strict=True)
    ):
        for number, member in enumerate(members):
            sizes = [1 + (index + number + turn) % 3 for turn in range(2)]
            calls.append(lambda m=member, g=group_buy, i=item, s=sizes: buy(m, g, i, s))
    assert len(calls) == BUYERS
    outcomes = [outcome for tries in collide(calls) for outcome in tries]

    for outcome in outcomes:
        if not outcome.ok:
            assert isinstance(outcome.error, errors.InsufficientStock), repr(outcome.error)
    placed = [outcome.value for outcome in outcomes if outcome.ok]
    presale = Presale.objects.get()
    sold = OrderLine.objects.filter(item__presale=presale).aggregate(n=Sum("quantity"))["n"]
    # 64 × 2 asks of 1–3 units ask for ~256: the 100 run out, and exactly what was sold left.
    assert sold == presale.total - presale.left
    assert presale.left < 3
    assert sold == sum(order.total_fen for order in placed) // 3900
    # Every community sold some, and each item's own stock moved with its own orders.
    for item in GroupBuyItem.objects.filter(presale=presale):
        mine = OrderLine.objects.filter(item=item).aggregate(n=Sum("quantity"))["n"] or 0
        assert item.stock_initial - item.stock_left == mine
    assert (
        GroupBuyItem.objects.filter(presale=presale, stock_left__lt=100).count() >= COMMUNITIES // 2
    )
