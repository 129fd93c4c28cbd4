"""Every page checks who is asking, like the API: what is not yours is "not found" (404, in
your language), whatever URL you type; anonymous visitors are sent to sign in."""

import pytest

from linli.core.formatting import mask_phone
from linli.groupbuys import services
from linli.groupbuys.models import Order

from ..conftest import text


@pytest.fixture
def world(hood):
    group_buy = hood.open()
    greens = group_buy.items.first()
    mine = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    return {
        "hood": hood,
        "group_buy": group_buy,
        "order": mine,
        "purchase_order": group_buy.purchase_orders.get(),
        "building": hood.households[1].building_id,
    }


PAGES = {
    "order": lambda w: f"/orders/{w['order'].pk}/",
    "group buy": lambda w: f"/group-buys/{w['group_buy'].pk}/",
    "leader's group buy": lambda w: f"/lead/group-buys/{w['group_buy'].pk}/",
    "building": lambda w: f"/lead/group-buys/{w['group_buy'].pk}/buildings/{w['building']}/",
    "hand-out": lambda w: f"/lead/group-buys/{w['group_buy'].pk}/handout?q=1",
    "open form": lambda w: f"/lead/communities/{w['hood'].community.pk}/new",
    "households": lambda w: f"/lead/communities/{w['hood'].community.pk}/households",
    "purchase order": lambda w: f"/supply/purchase-orders/{w['purchase_order'].pk}/",
}
# Who may open which page (everyone else gets 404).
ALLOWED = {
    "order": {"member", "leader", "operator"},
    "group buy": {"member", "neighbour", "leader", "operator"},
    "leader's group buy": {"leader", "operator"},
    "building": {"leader", "operator"},
    "hand-out": {"leader", "operator"},
    "open form": {"leader"},
    "households": {"leader", "operator"},
    "purchase order": {"supplier", "leader", "operator"},
}
# Who sees the thing but may not run it: told so (403), as the API does.
LEADERS_ONLY = {"leader's group buy", "building", "hand-out"}
SEES = {name: {"member", "neighbour"} for name in LEADERS_ONLY} | {"open form": {"operator"}}
USERS = {
    "member": lambda h: h.members[1],
    "neighbour": lambda h: h.members[2],
    "other_member": lambda h: h.other_member,
    "leader": lambda h: h.leader_user,
    "other_leader": lambda h: h.other_leader_user,
    "supplier": lambda h: h.supplier_user,
    "other_supplier": lambda h: h.other_supplier_user,
    "operator": lambda h: h.operator,
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_each_page_opens_only_for_those_it_belongs_to(world, browse, name):
    url = PAGES[name](world)
    for role, user in USERS.items():
        response = browse(user(world["hood"]), language="en").get(url)
        expected = 200 if role in ALLOWED[name] else 404
        if expected == 404 and role in SEES.get(name, ()):
            expected = 403  # they may see it, but only its leaders may act on it (as the API)
        assert response.status_code == expected, (name, role, response.status_code)
        if expected == 404:
            assert "not yours to see" in text(response)
        if expected == 403:
            assert "Only a group leader" in text(response)


def test_anonymous_visitors_are_sent_to_sign_in(world, browse):
    for name, url in PAGES.items():
        response = browse().get(url(world))
        assert response.status_code == 302, name
        assert response.url.startswith("/login/?next=")


def test_refusals_speak_the_visitors_language(world, browse):
    response = browse(world["hood"].members[2], language="zh-hans").get(
        f"/orders/{world['order'].pk}/"
    )
    assert response.status_code == 404
    assert "没有这个订单" in text(response) or "无权查看" in text(response)


def test_a_member_cannot_change_or_cancel_another_households_order(hood, browse):
    group_buy = hood.open()
    greens = group_buy.items.first()
    order = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    stranger = browse(hood.members[2])
    assert stranger.post(f"/orders/{order.pk}/cancel").status_code == 404
    assert stranger.post(f"/orders/{order.pk}/change", {f"q-{greens.pk}": "9"}).status_code == 404
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED and order.lines.get().quantity == 2


def test_the_supplier_sees_quantities_never_a_household(world, browse):
    page = text(browse(world["hood"].supplier_user).get(PAGES["purchase order"](world)))
    household = world["order"].household
    assert "2 斤" in page
    # Rooms and last digits alone are numbers any page has (ids, dates); shown, they come with
    # their building, or masked, as every page shows them.
    address = f"{household.building.name} {household.room}"
    for secret in (household.phone, mask_phone(household.phone), household.contact_name, address):
        assert secret not in page, secret


def test_leaders_see_phones_masked(world, browse):
    page = text(browse(world["hood"].leader_user).get(PAGES["building"](world)))
    phone = world["order"].household.phone
    assert f"{phone[:3]}****{phone[-4:]}" in page
    assert phone not in page


def test_an_id_too_large_for_the_database_is_not_found(hood, browse):
    huge = 10**30  # SQLite refuses such a number in a query outright
    assert browse(hood.members[1]).get(f"/group-buys/{huge}/").status_code == 404
    assert browse(hood.leader_user).get(f"/lead/group-buys/{huge}/").status_code == 404
