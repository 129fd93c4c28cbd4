"""The front door: one page of tiles that the apps declare, and a sign-in page under the same
password throttle as the API's token sign-in."""

import json

import pytest
from django.test import Client
from django.utils.translation import gettext_lazy as _

from linli.pages import registry

from ..conftest import text


def test_each_person_sees_the_tiles_for_their_roles(hood, browse):
    group_buy = hood.open()
    member_home = text(browse(hood.members[1]).get("/"))
    assert 'id="tile-today"' in member_home and f"/group-buys/{group_buy.pk}/" in member_home
    assert 'id="tile-orders"' in member_home and 'id="tile-lead"' not in member_home
    leader_home = text(browse(hood.leader_user).get("/"))
    assert 'id="tile-lead"' in leader_home
    supplier_home = text(browse(hood.supplier_user).get("/"))
    assert 'id="tile-supply"' in supplier_home and 'id="tile-today"' not in supplier_home
    # Another community's member does not see this community's group buy.
    assert f"/group-buys/{group_buy.pk}/" not in text(browse(hood.other_member).get("/"))


@pytest.fixture
def a_later_app():
    """What a later app's ``tiles.py`` does: declare a tile and a group-buy link."""
    registry.register(
        registry.Tile(
            key="rewards",
            title=_("My points"),
            url_name="orders",
            order=25,
            shown_to=lambda who: who.household_id is not None,
            entries=lambda request, who: [registry.Entry(label="120 分", url="/orders/")],
        )
    )
    registry.register_group_buy_link(
        registry.GroupBuyLink(
            key="sheets", title="Excel", url_name="lead-handout", statuses=frozenset({"formed"})
        )
    )
    yield
    registry.unregister("rewards")
    registry.unregister_group_buy_link("sheets")


def test_a_later_app_adds_a_tile_by_declaring_it(hood, browse, a_later_app):
    page = text(browse(hood.members[1]).get("/"))
    assert 'id="tile-rewards"' in page and "120 分" in page
    # In order: today (10), orders (20), the new one (25).
    assert page.index("tile-today") < page.index("tile-orders") < page.index("tile-rewards")
    assert 'id="tile-rewards"' not in text(browse(hood.supplier_user).get("/"))


def test_a_later_app_adds_a_link_to_the_leaders_group_buy_page(hood, browse, a_later_app):
    from linli.groupbuys import services

    group_buy = hood.open()
    leader = browse(hood.leader_user)
    handout = f"/lead/group-buys/{group_buy.pk}/handout"
    assert handout not in text(leader.get(f"/lead/group-buys/{group_buy.pk}/"))
    greens = group_buy.items.first()
    services.place_order(actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 1})
    services.close_group_buy(actor=hood.leader_user, group_buy_id=group_buy.pk, early=True)
    page = text(leader.get(f"/lead/group-buys/{group_buy.pk}/"))
    assert f'<a href="{handout}">Excel</a>' in page


def test_signing_in_on_the_page(hood):
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    wrong = client.post("/login/", {"username": hood.members[1].username, "password": "not-it"})
    assert wrong.status_code == 200 and "正确的" in text(wrong)  # Django's own message
    assert "_auth_user_id" not in client.session
    assert f'value="{hood.members[1].username}"' in text(wrong)
    right = client.post(
        "/login/", {"username": hood.members[1].username, "password": "pw-for-tests"}
    )
    assert right.status_code == 302
    assert 'id="tile-orders"' in text(client.get("/"))


def test_the_sign_in_page_and_the_token_sign_in_share_one_throttle(hood):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    attempt = {"username": hood.members[1].username, "password": "wrong"}
    for _attempt in range(6):
        assert client.post("/login/", attempt).status_code == 200
    for _attempt in range(4):
        response = client.post(
            "/api/auth/token", json.dumps(attempt), content_type="application/json"
        )
        assert response.status_code == 401
    # Ten attempts from this address: both doors are shut, even with the right password.
    right = {"username": hood.members[1].username, "password": "pw-for-tests"}
    page = client.post("/login/", right)
    assert page.status_code == 429 and "Too many attempts" in text(page)
    assert f'value="{hood.members[1].username}"' in text(page)
    api = client.post("/api/auth/token", json.dumps(right), content_type="application/json")
    assert api.status_code == 429
    assert "_auth_user_id" not in client.session


def test_signing_in_on_a_new_device_speaks_the_language_chosen_on_another(hood):
    member = hood.members[1]
    member.language = "en"
    member.save(update_fields=["language"])
    fresh = Client()
    fresh.post("/login/", {"username": member.username, "password": "pw-for-tests"})
    assert fresh.cookies["django_language"].value == "en"
    assert "Sign out" in text(fresh.get("/"))
    # A browser that chose a language itself keeps it.
    chose = Client()
    chose.cookies["django_language"] = "zh-hans"
    chose.post("/login/", {"username": member.username, "password": "pw-for-tests"})
    assert chose.cookies["django_language"].value == "zh-hans"
    # Never chosen (the default): the browser's own Accept-Language still decides.
    other = hood.members[0]
    newcomer = Client()
    newcomer.post("/login/", {"username": other.username, "password": "pw-for-tests"})
    assert "django_language" not in newcomer.cookies
