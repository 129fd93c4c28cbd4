"""Paging of every list in the API (``linli.core.paging``): limit 1…200, offset 0…10⁹.

Huge, negative and non-numeric ``limit`` and ``offset`` get a 422 naming the bounds in the
language asked for (they used to reach the database, which answered a 500); numbers within
the bounds page as before; the OpenAPI document states the bounds on every list.
"""

import pytest
from django.utils import timezone

from linli.aftersales import services as aftersales
from linli.catalog.models import Supplier
from linli.connect.models import Participant
from linli.core.paging import LIMIT_MAX, OFFSET_MAX
from linli.groupbuys import services as groupbuys
from linli.jielong import services as jielong
from linli.notices.services import notify
from linli.privacy import services as privacy
from tests import factories
from tests.aftersales.conftest import collected, line_of
from tests.apiclient import Api
from tests.connect.world import connect_programme
from tests.relations.world import relationship_book
from tests.rewards.world import rewards_world

HUGE = 10**30

# Every list of the API, as the OpenAPI document names it. A new list joins this set, and so
# every test below: test_every_list_is_bounded fails until it does.
LISTS = {
    "/api/presales",
    "/api/help-sell/offers",
    "/api/help-sell/passes",
    "/api/storefronts",
    "/api/communities",
    "/api/communities/{community_id}/households",
    "/api/suppliers",
    "/api/products",
    "/api/group-buys",
    "/api/group-buys/{group_buy_id}/orders",
    "/api/group-buys/{group_buy_id}/distribution/{building_id}",
    "/api/orders",
    "/api/purchase-orders",
    "/api/after-sales",
    "/api/suppliers/{supplier_id}/after-sales",
    "/api/communities/{community_id}/nicknames",
    "/api/notices",
    "/api/relations/people",
    "/api/relations/organisations",
    "/api/relations/interactions/flagged",
    "/api/relations/reminders",
    "/api/privacy/room-changes",
    "/api/rewards/perks",
    "/api/rewards/rules",
    "/api/rewards/batches",
    "/api/rewards/goals",
    "/api/connect/programmes",
    "/api/connect/programmes/{programme_id}/behind",
    "/api/connect/stays",
    "/api/connect/visits",
}

MESSAGES = {
    "en": {
        "top": "Some of what was sent is not valid.",
        "limit": "Must be a whole number from 1 to 200.",
        "offset": "Must be a whole number from 0 to 1000000000.",
    },
    "zh-Hans": {
        "top": "提交的内容有误。",
        "limit": "必须是 1 到 200 之间的整数。",
        "offset": "必须是 0 到 1000000000 之间的整数。",
    },
}

BAD = {
    "limit": [HUGE, 2**63, 2**63 - 1, LIMIT_MAX + 1, 0, -1, -HUGE, "ten", "1.5", "", "1e3"],
    "offset": [HUGE, 2**63 - 1, OFFSET_MAX + 1, -1, -HUGE, "zero", "0.5", "", "1e3"],
}


@pytest.fixture
def world(hood):
    """The leader's community with a formed group buy of two orders, so each list has rows."""
    group_buy, orders = hood.formed(count=2)
    building = orders[0].household.building_id
    # An after-sales report, a nickname and a notice of the operator's own.
    _collected, order = collected(hood)
    aftersales.report_problem(
        actor=hood.members[1],
        order_line_id=line_of(order, 1).pk,
        quantity=1,
        kind="spoiled",
        note="",
    )
    jielong.remember_nickname(
        actor=hood.leader_user,
        community_id=hood.community.pk,
        nickname="阿芳",
        household_id=hood.households[1].pk,
    )
    notify(
        kind="goods_arrived",
        key=f"purchase_order:{group_buy.pk}",
        to={
            hood.operator.pk: {
                "group_buy_id": group_buy.pk,
                "title": group_buy.title,
                "place": group_buy.pickup_place,
                "until": group_buy.pickup_ends_at.isoformat(),
                "codes": [orders[0].pickup_code],
                "products": [hood.products[0].name],
            }
        },
    )
    relationship_book(hood.operator)  # a person, an organisation, a flagged meal, a reminder
    privacy.request_room_change(actor=hood.members[1], building_id=building, room="999")
    rewards_world(hood)  # an earning rule, a perk, a planting batch
    # A presale and a help-sell offer held by the leader.
    groupbuys.open_presale(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        price_fen=500,
        harvest_on=timezone.localdate(),
        total=10,
        minimum=1,
    )
    groupbuys.offer_help_sell(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        supply_price_fen=300,
        suggested_price_fen=450,
        leader_ids=[hood.leader.pk],
    )
    connect = connect_programme(hood)  # a programme with participants behind on their days
    # The operator is a participant too, and lives in the hosting household: stays and visits.
    Participant.objects.filter(pk=connect["cx_participant"]).update(user=hood.operator)
    factories.MemberFactory(user=hood.operator, household=hood.households[2])
    paths = {
        path: path.replace("{community_id}", str(hood.community.pk))
        .replace("{group_buy_id}", str(group_buy.pk))
        .replace("{building_id}", str(building))
        .replace("{supplier_id}", str(hood.supplier.pk))
        .replace("{programme_id}", str(connect["cx_programme"]))
        for path in LISTS
    }
    return hood, paths


def test_every_list_is_bounded(hood):
    """Every operation with a ``limit`` is in LISTS, and states the bounds of both."""
    document = Api(hood.operator).get("/openapi.json").json()
    bounded = {}
    for path, operations in document["paths"].items():
        for operation in operations.values():
            parameters = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
            if "limit" in parameters or "offset" in parameters:
                bounded[path] = (
                    {
                        key: parameters["limit"].get(key)
                        for key in ("minimum", "maximum", "default")
                    },
                    {
                        key: parameters["offset"].get(key)
                        for key in ("minimum", "maximum", "default")
                    },
                )
    assert set(bounded) == LISTS
    for limit, offset in bounded.values():
        assert limit == {"minimum": 1, "maximum": 200, "default": 50}
        assert offset == {"minimum": 0, "maximum": 1_000_000_000, "default": 0}


@pytest.mark.parametrize("language", ["zh-Hans", "en"])
@pytest.mark.parametrize("name", ["limit", "offset"])
def test_out_of_range_or_not_a_number_is_refused(world, name, language):
    hood, paths = world
    api = Api(hood.operator, language=language)
    messages = MESSAGES[language]
    for path in sorted(LISTS):
        for value in BAD[name]:
            response = api.get(paths[path].removeprefix("/api"), **{name: value})
            assert (response.status_code, response.json()) == (
                422,
                {
                    "code": "invalid",
                    "message": messages["top"],
                    "details": [{"field": name, "message": messages[name]}],
                },
            ), (path, value)


def test_both_wrong_names_both(hood):
    response = Api(hood.operator).get("/orders", limit=-5, offset=HUGE)
    assert response.status_code == 422
    assert response.json()["details"] == [
        {"field": "limit", "message": MESSAGES["en"]["limit"]},
        {"field": "offset", "message": MESSAGES["en"]["offset"]},
    ]


def test_within_the_bounds_pages_as_before(world):
    hood, paths = world
    api = Api(hood.operator)
    for path in sorted(LISTS):
        path = paths[path].removeprefix("/api")
        everything = api.get(path, limit=LIMIT_MAX).json()
        assert everything["count"] >= 1, path
        ids = [row["id"] for row in everything["items"]]
        assert len(ids) == everything["count"], path
        assert api.get(path).json() == everything, path  # 50 by default: these are fewer
        first = api.get(path, limit=1).json()
        assert ([row["id"] for row in first["items"]], first["count"]) == (ids[:1], len(ids)), path
        rest = api.get(path, limit=1, offset=1).json()
        assert [row["id"] for row in rest["items"]] == ids[1:2], path
        far = api.get(path, limit=LIMIT_MAX, offset=OFFSET_MAX).json()
        assert far == {"items": [], "count": len(ids)}, path


def test_the_largest_limit_is_a_limit(hood):
    """201 rows in a list are 200 on the first page and 1 on the next."""
    factories.SupplierFactory.create_batch(LIMIT_MAX + 1 - Supplier.objects.count())
    api = Api(hood.operator)
    page = api.get("/suppliers", limit=LIMIT_MAX).json()
    assert (len(page["items"]), page["count"]) == (LIMIT_MAX, LIMIT_MAX + 1)
    assert len(api.get("/suppliers", limit=LIMIT_MAX, offset=LIMIT_MAX).json()["items"]) == 1
