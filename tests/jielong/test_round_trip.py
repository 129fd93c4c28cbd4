"""A group buy's orders written out as a 接龙 and read back are the same orders."""

from hypothesis import given
from hypothesis import strategies as st

from linli.accounts.roles import roles
from linli.groupbuys import services as groupbuy_services
from linli.jielong import selectors, services
from linli.jielong.parser import CatalogueItem, Row, building_key, read_chain, room_key, write_chain

from .. import factories
from .test_import import orders_by_household

PRODUCTS = [
    ("崇明青菜", "斤"),
    ("土鸡蛋", "盒"),
    ("五常大米", "袋"),
    ("鸡蛋30枚", "箱"),
    ("原味瓜子", "袋"),
    ("五香瓜子", "袋"),
    ("口罩(成人)", "包"),
    ("口罩(儿童)", "包"),
    ("Jersey鲜奶", "瓶"),
    ("大闸蟹 4两", "只"),
]
NAMES = ["王建国", "Lily 🌸", "住户3", "小 明", "🐱咪咪", "Tom Lee", "陈阿姨(3楼)", "", "A"]
BUILDINGS = ["3号楼", "12栋", "B座", "5幢", "7号楼", "c座"]
ROOMS = ["1201", "301", "1-1201", "2单元502", "0602", "1103室", "10101"]


@st.composite
def chains(draw):
    count = draw(st.integers(1, len(PRODUCTS)))
    items = [CatalogueItem(n + 1, *PRODUCTS[n]) for n in range(count)]
    places = draw(
        st.lists(
            st.tuples(st.sampled_from(BUILDINGS), st.sampled_from(ROOMS)),
            unique_by=lambda p: (building_key(p[0]), room_key(p[1])),
            max_size=12,
        )
    )
    rows = [
        Row(
            name=draw(st.sampled_from(NAMES)),
            building=building,
            room=room,
            items=draw(
                st.dictionaries(
                    st.sampled_from([item.key for item in items]),
                    st.integers(1, 999),
                    min_size=1,
                )
            ),
        )
        for building, room in places
    ]
    return items, rows


@given(chains())
def test_written_chains_read_back_to_the_same_rows(chain):
    items, rows = chain
    text = write_chain(["#接龙", "周末团", "1.6 截单"], items, rows)
    readings = read_chain(text, items).lines
    assert [r.problem for r in readings] == [None] * len(rows), text
    for reading, row in zip(readings, rows, strict=True):
        assert reading.items == row.items
        assert reading.address is not None
        assert reading.address.building == building_key(row.building)
        assert (reading.address.unit, reading.address.room) == room_key(row.room)
        assert reading.nickname == " ".join(row.name.split())


def test_a_group_buys_orders_exported_and_imported_are_the_same_orders(hood):
    source = hood.open(stock=(100, 100, 100))
    households = [*hood.households]
    b_block = factories.BuildingFactory(community=hood.community, name="B座")
    households.append(
        factories.HouseholdFactory(building=b_block, room="1-1203", contact_name="Lily 🌸")
    )
    items = list(source.items.order_by("position"))
    wanted = [
        {items[0].pk: 2, items[1].pk: 1},
        {items[1].pk: 3},
        {items[0].pk: 1, items[1].pk: 1, items[2].pk: 1},
        {items[0].pk: 5},
        {items[1].pk: 2},
    ]
    for household, lines in zip(households, wanted, strict=True):
        groupbuy_services.place_order(
            actor=hood.leader_user, group_buy_id=source.pk, lines=lines, household_id=household.pk
        )
    # A household with two orders is one line, its orders added up.
    groupbuy_services.place_order(
        actor=hood.leader_user,
        group_buy_id=source.pk,
        lines={items[0].pk: 4},
        household_id=households[1].pk,
    )
    text = selectors.chain_text(who=roles(hood.leader_user), group_buy_id=source.pk)
    assert text.startswith("#接龙\n")
    assert "B座1单元1203" in text

    target = hood.open(stock=(100, 100, 100))
    result = services.import_chain(actor=hood.leader_user, group_buy_id=target.pk, text=text)
    assert result.refused == 0 and result.placed == len(households)
    assert orders_by_household(target) == orders_by_household(source)
