"""Leaders (or one leader's retries without an Idempotency-Key) import the same chain at the
same moment, each on its own database connection: every household still gets one order."""

import pytest

from linli.groupbuys.models import Order
from linli.jielong import services
from linli.jielong.models import ImportedLine

from ..groupbuys.conftest import add_households, collide
from .conftest import number_rooms
from .test_import import address, chain_for

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def test_the_same_chain_imported_eight_times_at_once_places_each_order_once(live_hood):
    group_buy = live_hood.open(stock=(500, 500))
    add_households(live_hood, 12)
    number_rooms(live_hood.community)
    households = list(
        live_hood.community.buildings.first().households.all().select_related("building")
    ) + list(live_hood.community.buildings.last().households.all().select_related("building"))
    text = chain_for(
        *(f"{n}. 邻居{n} {address(h)} 青菜{n % 3 + 1} 鸡蛋1" for n, h in enumerate(households, 1)),
    )

    results = collide(
        [
            lambda: services.import_chain(
                actor=live_hood.leader_user, group_buy_id=group_buy.pk, text=text
            )
            for _ in range(8)
        ]
    )

    assert not [r for r in results if isinstance(r, BaseException)], results
    assert sum(r.placed for r in results) == len(households)
    orders = Order.objects.filter(group_buy=group_buy)
    assert orders.count() == len(households)
    assert set(orders.values_list("household_id", flat=True)) == {h.pk for h in households}
    assert ImportedLine.objects.filter(group_buy=group_buy).count() == len(households)
