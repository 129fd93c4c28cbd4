"""Who may call what: every API endpoint × every role, with real tokens and real CSRF checks.

The table below has one row per endpoint of ``linli.api.api``; an endpoint without a row fails
``test_every_endpoint_has_a_row``. Each row gives, per role, the status the call must get
(``ok`` stands for 200, or 201 where the endpoint creates something) and, for reads, a check
of what the caller may and may not see. A refusal must be ``{code, message}`` JSON and must
change nothing in the database; a read changes nothing either.

Roles: ``anonymous``; ``member`` (a household of the community that owns the orders below);
``neighbour`` (another household of the same community); ``other_member`` (a household of
another community); ``leader`` of the community (who lives there too); ``other_leader``;
``supplier`` (of the group buys' products); ``other_supplier``; ``operator``.
"""

import io
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from linli.accounts.models import ApiToken, User
from linli.accounts.services import issue_token
from linli.aftersales import photos as aftersales_photos
from linli.aftersales import services as aftersales
from linli.api import api
from linli.communities.models import Building
from linli.communities.services import give_consent
from linli.core.formatting import mask_phone
from linli.groupbuys import services
from linli.groupbuys.models import (
    GroupBuy,
    Order,
    PurchaseOrder,
)
from linli.jielong import services as jielong
from linli.jielong.models import NicknameBook
from linli.ledger import services as ledger
from linli.notices.services import notify
from linli.privacy import services as privacy
from linli.privacy import storage as privacy_storage
from linli.privacy.models import DataCopy

from . import factories
from .connect.world import connect_programme
from .factories import iso
from .relations.world import relationship_book
from .rewards.world import rewards_world
from .state import snapshot

ROLES = (
    "anonymous",
    "member",
    "neighbour",
    "other_member",
    "leader",
    "other_leader",
    "supplier",
    "other_supplier",
    "operator",
)
MASKED = re.compile(r"^\d{3}\*{4}\d{4}$")


# ---------------------------------------------------------------------------------------------
# The world every row runs in, built through the services.


@dataclass
class World:
    users: dict[str, User | None]
    ids: dict[str, int | str]
    households: dict[str, Any]  # role -> Household (None for roles without one)
    community_households: list  # every household of the community
    other_households: list  # every household of the other community
    tokens: dict[str, str] = field(default_factory=dict)

    def client(self, role: str) -> Client:
        """A client as a real one is: CSRF enforced, a bearer token unless anonymous."""
        headers = {"HTTP_ACCEPT_LANGUAGE": "en"}
        if self.users[role] is not None:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {self.tokens[role]}"
        return Client(enforce_csrf_checks=True, **headers)

    def call(self, role: str, method: str, path: str, body=None, query=None, multipart=False):
        client = self.client(role)
        url = f"/api{path}"
        if method == "GET":
            return client.get(url, query or {})
        if multipart:
            return client.post(url, body or {})
        data = "" if body is None else json.dumps(body)
        return getattr(client, method.lower())(url, data, content_type="application/json")


def _order(user, group_buy, lines: dict[int, int], household=None) -> Order:
    return services.place_order(
        actor=user,
        group_buy_id=group_buy.pk,
        lines=lines,
        household_id=household.pk if household else None,
    )


def build_world(hood) -> World:
    member, neighbour = hood.members[1], hood.members[2]
    users = {
        "anonymous": None,
        "member": member,
        "neighbour": neighbour,
        "other_member": hood.other_member,
        "leader": hood.leader_user,
        "other_leader": hood.other_leader_user,
        "supplier": hood.supplier_user,
        "other_supplier": hood.other_supplier_user,
        "operator": hood.operator,
    }
    # Open: three households have ordered.
    open_gb = hood.open(stock=(50, 50))
    open_items = list(open_gb.items.order_by("position"))
    open_order = _order(member, open_gb, {open_items[0].pk: 2})
    _order(neighbour, open_gb, {open_items[0].pk: 1})
    _order(hood.leader_user, open_gb, {open_items[1].pk: 1})
    # Formed: closed early by the leader, with a purchase order for the supplier.
    formed_gb = hood.open(stock=(50, 50))
    formed_items = list(formed_gb.items.order_by("position"))
    formed_order = _order(member, formed_gb, {formed_items[0].pk: 2})
    _order(neighbour, formed_gb, {formed_items[1].pk: 1})
    services.close_group_buy(actor=hood.leader_user, group_buy_id=formed_gb.pk, early=True)
    formed_order.refresh_from_db()
    purchase_order = PurchaseOrder.objects.get(group_buy=formed_gb, supplier=hood.supplier)
    # None of the eggs came: the leader may share out the shortage.
    services.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered={hood.products[1].pk: 0},
    )
    # The other community's formed group buy, of a third supplier's rice.
    other_gb = services.open_group_buy(
        actor=hood.other_leader_user,
        community_id=hood.other_community.pk,
        title="远方大米团",
        items=[services.ItemSpec(product_id=hood.products[2].pk, price_fen=6900, stock=20)],
        min_to_form=1,
        **factories.times(),
    )
    _order(hood.other_member, other_gb, {other_gb.items.get().pk: 1})
    services.close_group_buy(actor=hood.other_leader_user, group_buy_id=other_gb.pk, early=True)

    # Money: the member overpaid the formed group buy by ¥5.00 (a refund is due); the other
    # community's group buy is completed, so its supplier is owed.
    overpaid = ledger.record_payment(
        actor=hood.leader_user,
        group_buy_id=formed_gb.pk,
        household_id=formed_order.household_id,
        amount_fen=formed_order.total_fen + 500,
        method="cash",
    )
    services.catch_up(group_buy_id=other_gb.pk, now=other_gb.pickup_ends_at + timedelta(seconds=1))

    # After-sales: the member collected a third group buy's greens and eggs and reported the
    # eggs (with a photo); the greens are left to report.
    collected_gb = hood.open(stock=(50, 50))
    collected_items = list(collected_gb.items.order_by("position"))
    collected = _order(member, collected_gb, {collected_items[0].pk: 1, collected_items[1].pk: 1})
    services.close_group_buy(actor=hood.leader_user, group_buy_id=collected_gb.pk, early=True)
    services.confirm_pickup(
        actor=hood.leader_user, group_buy_id=collected_gb.pk, order_id=collected.pk
    )
    greens_line, eggs_line = collected.lines.order_by("item__position")
    report = aftersales.report_problem(
        actor=member,
        order_line_id=eggs_line.pk,
        quantity=1,
        kind="spoiled",
        uploads=[
            aftersales_photos.Upload(
                name="egg.png", content_type="image/png", data=factories.photo_bytes("PNG")
            )
        ],
    )

    households = dict.fromkeys(ROLES)
    for role, user in users.items():
        membership = getattr(user, "member", None) if user is not None else None
        households[role] = membership.household if membership is not None else None
    spare, _text = issue_token(actor=member, user=member, name="spare")
    nickname = jielong.remember_nickname(
        actor=hood.leader_user,
        community_id=hood.community.pk,
        nickname="阿芳",
        household_id=hood.households[1].pk,
    )
    # The member's goods arrived: a notice in the member's inbox only.
    (notice,) = notify(
        kind="goods_arrived",
        key=f"purchase_order:{purchase_order.pk}",
        to={
            member.pk: {
                "group_buy_id": formed_gb.pk,
                "title": formed_gb.title,
                "place": formed_gb.pickup_place,
                "until": formed_gb.pickup_ends_at.isoformat(),
                "codes": [formed_order.pickup_code],
                "products": [hood.products[0].name],
            }
        },
    )
    # Privacy: a copy ready for the member; the neighbour asked to move, and let the leader
    # keep its contact.
    copy = DataCopy.objects.create(
        household=hood.households[1],
        requested_at=timezone.now(),
        status=DataCopy.Status.READY,
        ready_at=timezone.now(),
        expires_at=timezone.now() + timedelta(days=1),
        stored_as=privacy_storage.save(hood.households[1].pk, b"PK\x05\x06" + bytes(18)),
    )
    room_change = privacy.request_room_change(
        actor=neighbour, building_id=hood.households[2].building_id, room="888"
    )
    give_consent(actor=neighbour, household_id=hood.households[2].pk, purpose="leader_contacts")
    # A presale of the supplier's greens, and an offer of them passed to the leader.
    presale = services.open_presale(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        price_fen=500,
        harvest_on=timezone.localdate() + timedelta(days=10),
        total=100,
        minimum=10,
    )
    offer = services.offer_help_sell(
        actor=hood.supplier_user,
        product_id=hood.products[0].pk,
        supply_price_fen=300,
        suggested_price_fen=450,
        leader_ids=[hood.leader.pk],
    )
    world = World(
        users=users,
        ids={
            "community": hood.community.pk,
            "other_community": hood.other_community.pk,
            "open_gb": open_gb.pk,
            "formed_gb": formed_gb.pk,
            "other_gb": other_gb.pk,
            "open_order": open_order.pk,
            "formed_order": formed_order.pk,
            "formed_code": formed_order.pickup_code,
            "open_item": open_items[0].pk,
            "formed_item": formed_items[0].pk,
            "short_item": formed_items[1].pk,
            "product": hood.products[0].pk,
            "building": hood.households[1].building_id,
            "purchase_order": purchase_order.pk,
            "delivered": purchase_order.lines.get(product=hood.products[0]).quantity,
            "spare_token": spare.pk,
            "nickname": nickname.pk,
            "supplier_id": hood.supplier.pk,
            "other_supplier_id": hood.other_supplier_user.suppliers.get().pk,
            "household": formed_order.household_id,
            "leader_id": hood.leader.pk,
            "payment": overpaid.pk,
            "rice_supplier": hood.products[2].supplier_id,
            "notice": notice.pk,
            "collected_gb": collected_gb.pk,
            "report": report.pk,
            "greens_line": greens_line.pk,
            "copy": copy.pk,
            "room_change": room_change.pk,
            "presale": presale.pk,
            "pass": offer.passes.get().pk,
            "other_leader": hood.other_leader_user.leader.pk,
            **relationship_book(hood.operator),
            **rewards_world(hood, collected_gb_id=collected_gb.pk),
            **connect_programme(hood),
        },
        households=households,
        community_households=list(hood.households),
        other_households=list(hood.other_community.buildings.get().households.all()),
    )
    for role, user in users.items():
        if user is not None:
            world.tokens[role] = issue_token(actor=user, user=user, name="permissions")[1]
    return world


@pytest.fixture
def world(hood, settings, tmp_path) -> World:
    settings.MEDIA_ROOT = tmp_path / "media"  # the after-sales photo
    return build_world(hood)


# ---------------------------------------------------------------------------------------------
# What each role may see.


def items_of(response) -> list[dict]:
    body = response.json()
    return body["items"] if isinstance(body, dict) and "items" in body else body


def strings_in(value) -> list[str]:
    if isinstance(value, dict):
        return [text for item in value.values() for text in strings_in(item)]
    if isinstance(value, list):
        return [text for item in value for text in strings_in(item)]
    return [value] if isinstance(value, str) else []


def assert_phones_shown_right(world: World, role: str, orders: list[dict]) -> None:
    """Leaders see other households' phones as 138****1234; a household sees its own number;
    operators see every number."""
    own = world.households[role]
    for order in orders:
        real = next(
            h.phone
            for h in world.community_households + world.other_households
            if h.pk == order["household_id"]
        )
        if role == "operator" or (own is not None and order["household_id"] == own.pk):
            assert order["phone"] == real, order
        else:
            assert MASKED.match(order["phone"]) and order["phone"] == mask_phone(real), order


def assert_no_full_phone_of_others(world: World, role: str, response) -> None:
    own = world.households[role]
    text = response.content.decode()
    for household in world.community_households + world.other_households:
        if own is None or household.pk != own.pk:
            assert household.phone not in text, f"{role} sees {household.phone}"


def assert_no_household_data(world: World, role: str, response) -> None:
    """Suppliers see quantities, never a household's name, room or phone."""
    body = response.json()
    texts = strings_in(body)
    text = response.content.decode()
    for household in world.community_households + world.other_households:
        assert household.contact_name not in text, f"{role} sees {household.contact_name}"
        assert household.phone not in text and household.phone[-4:] not in texts
        assert household.room not in texts, f"{role} sees room {household.room}"
    keys = set()

    def walk(value):
        if isinstance(value, dict):
            keys.update(value)
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)

    walk(body)
    assert not keys & {"household", "household_id", "room", "contact_name", "phone", "building"}


def community_of_orders(world: World, orders: list[dict]) -> set[int]:
    group_buys = {order["group_buy_id"] for order in orders}
    return set(
        GroupBuy.objects.filter(pk__in=group_buys).values_list("community_id", flat=True).distinct()
    )


def check_me(world, role, response):
    assert response.json()["username"] == world.users[role].username


def check_notices(world, role, response):
    """The member sees the one notice; nobody else sees anyone's."""
    seen = [notice["id"] for notice in items_of(response)]
    assert seen == ([world.ids["notice"]] if role == "member" else [])


def check_unread(world, role, response):
    assert response.json() == {"unread": 1 if role == "member" else 0}


def check_tokens(world, role, response):
    mine = set(ApiToken.objects.filter(user=world.users[role]).values_list("pk", flat=True))
    assert mine and {token["id"] for token in items_of(response)} == mine


def check_new_token(world, role, response):
    token = ApiToken.objects.get(pk=response.json()["id"])
    assert token.user == world.users[role]


def check_communities(world, role, response):
    seen = {community["id"] for community in items_of(response)}
    mine, other = world.ids["community"], world.ids["other_community"]
    expected = {
        "member": {mine},
        "neighbour": {mine},
        "leader": {mine},
        "other_member": {other},
        "other_leader": {other},
        "supplier": set(),
        "other_supplier": set(),
    }
    if role == "operator":
        assert {mine, other} <= seen
    else:
        assert seen == expected[role]


def check_households(world, role, response):
    households = items_of(response)
    assert {h["id"] for h in households} == {h.pk for h in world.community_households}
    for household in households:
        real = next(h for h in world.community_households if h.pk == household["id"])
        if role == "operator":
            assert household["phone"] == real.phone
        else:
            assert household["phone"] == mask_phone(real.phone)
            assert MASKED.match(household["phone"])
    if role != "operator":
        assert_no_full_phone_of_others(world, role, response)


def check_suppliers(world, role, response):
    seen = {supplier["id"] for supplier in items_of(response)}
    if role == "supplier":
        assert seen == {world.ids["supplier_id"]}
    elif role == "other_supplier":
        assert seen == {world.ids["other_supplier_id"]}
    else:
        assert {world.ids["supplier_id"], world.ids["other_supplier_id"]} <= seen


def check_products(world, role, response):
    suppliers = {product["supplier_id"] for product in items_of(response)}
    if role == "supplier":
        assert suppliers == {world.ids["supplier_id"]}
    elif role == "other_supplier":
        assert suppliers == set()
    else:
        assert world.ids["supplier_id"] in suppliers


def check_group_buys(world, role, response):
    seen = {group_buy["id"] for group_buy in items_of(response)}
    ours = {world.ids["open_gb"], world.ids["formed_gb"], world.ids["collected_gb"]}
    expected = {
        "member": ours,
        "neighbour": ours,
        "leader": ours,
        "other_member": {world.ids["other_gb"]},
        "other_leader": {world.ids["other_gb"]},
        "supplier": set(),
        "other_supplier": set(),
        "operator": ours | {world.ids["other_gb"]},
    }
    assert seen == expected[role]


def check_orders_of_group_buy(world, role, response):
    orders = items_of(response)
    everyone = {h.pk for h in world.community_households}
    if role in {"leader", "operator"}:
        assert {order["household_id"] for order in orders} == everyone - {
            world.community_households[3].pk
        }
    else:
        own = world.households[role].pk
        assert [order["household_id"] for order in orders] == [own]
    assert_phones_shown_right(world, role, orders)
    if role != "operator":
        assert_no_full_phone_of_others(world, role, response)


def check_reports(world, role, response):
    """A household its own reports, a leader its community's, an operator all; nobody else."""
    seen = [report["id"] for report in items_of(response)]
    mine = role in {"member", "leader", "operator"}
    assert seen == ([world.ids["report"]] if mine else []), seen


def check_my_orders(world, role, response):
    orders = items_of(response)
    own = world.households[role]
    if role in {"member", "neighbour", "other_member"}:
        assert orders and {order["household_id"] for order in orders} == {own.pk}
        assert_no_full_phone_of_others(world, role, response)
    elif role == "leader":
        assert community_of_orders(world, orders) == {world.ids["community"]}
        assert (
            len(orders)
            == Order.objects.filter(group_buy__community_id=world.ids["community"]).count()
        )
        assert_no_full_phone_of_others(world, role, response)
    elif role == "other_leader":
        assert community_of_orders(world, orders) == {world.ids["other_community"]}
        assert_no_full_phone_of_others(world, role, response)
    elif role == "operator":
        assert len(orders) == Order.objects.count()
    else:
        assert orders == []
    assert_phones_shown_right(world, role, orders)


def check_one_order(world, role, response):
    order = response.json()
    assert order["id"] == world.ids["open_order"]
    assert_phones_shown_right(world, role, [order])
    if role != "operator":
        assert_no_full_phone_of_others(world, role, response)


def check_leader_order_list(world, role, response):
    orders = items_of(response)
    assert orders, "the leader should find the member's order"
    assert community_of_orders(world, orders) == {world.ids["community"]}
    assert_phones_shown_right(world, role, orders)
    if role != "operator":
        assert_no_full_phone_of_others(world, role, response)


def check_building_sheet(world, role, response):
    check_leader_order_list(world, role, response)
    building = Building.objects.get(pk=world.ids["building"])
    assert {order["building"] for order in items_of(response)} == {building.name}


def check_pickup_search(world, role, response):
    check_leader_order_list(world, role, response)
    assert {order["household_id"] for order in items_of(response)} == {
        world.households["member"].pk
    }


def check_png(world, role, response):
    assert response["Content-Type"] == "image/png"
    assert response.content.startswith(b"\x89PNG")


def check_purchase_orders(world, role, response):
    body = response.json()
    purchase_orders = items_of(response) if "items" in body else [body]
    suppliers = {po["supplier_id"] for po in purchase_orders}
    communities = {po["community_id"] for po in purchase_orders}
    if role == "supplier":
        assert suppliers == {world.ids["supplier_id"]}
        assert purchase_orders
    elif role == "leader":
        assert communities == {world.ids["community"]}
    elif role == "other_leader":
        assert communities == {world.ids["other_community"]}
    elif role == "operator":
        assert world.ids["community"] in communities
        if "items" in body:
            assert world.ids["other_community"] in communities
    else:
        assert purchase_orders == []
    assert_no_household_data(world, role, response)


def file_text(response) -> str:
    """The text of a downloaded workbook (every cell) or PDF (every page)."""
    content = io.BytesIO(response.content)
    if response["Content-Type"] == "application/pdf":
        return "\n".join(page.extract_text() for page in PdfReader(content).pages)
    workbook = load_workbook(content)
    return "\n".join(
        str(value)
        for sheet in workbook
        for row in sheet.iter_rows(values_only=True)
        for value in row
        if value is not None
    )


def check_distribution_file(world, role, response):
    """Every confirmed order of the community's formed group buy, phones masked but for the
    operator's eyes."""
    text = file_text(response)
    for order in Order.objects.filter(group_buy_id=world.ids["formed_gb"]).select_related(
        "household"
    ):
        assert order.pickup_code in text
        assert order.household.contact_name in text
        if role == "operator":
            assert order.household.phone in text
        else:
            assert mask_phone(order.household.phone) in text
    own = world.households[role]
    for household in world.community_households + world.other_households:
        if role != "operator" and (own is None or household.pk != own.pk):
            assert household.phone not in text, f"{role} sees {household.phone}"
    for household in world.other_households:
        assert household.contact_name not in text


def check_purchase_order_file(world, role, response):
    """Quantities per product; no household's name, phone or pickup code."""
    text = file_text(response)
    purchase_order = PurchaseOrder.objects.get(pk=world.ids["purchase_order"])
    for line in purchase_order.lines.select_related("product"):
        assert line.product.name in text
    for household in world.community_households + world.other_households:
        assert household.contact_name not in text
        assert household.phone not in text and mask_phone(household.phone) not in text
    for code in Order.objects.values_list("pickup_code", flat=True):
        assert code not in text


# ---------------------------------------------------------------------------------------------
# The table.

OK = "ok"  # 200, or 201 for an endpoint that creates


def check_nicknames(response) -> None:
    assert [e["nickname"] for e in items_of(response)][:1] == ["阿芳"]


def check_nickname_households(world: World, role: str, response) -> None:
    (found,) = response.json()
    household = world.community_households[1]
    assert found["household_id"] == household.pk
    # Phones as the caller may see them: masked for a leader, in full for an operator.
    assert found["phone"] == (
        household.phone if role == "operator" else mask_phone(household.phone)
    )


def check_nickname_forgotten(world: World, role: str, response) -> None:
    assert response.json()["nickname"] == "阿芳"
    assert not NicknameBook.objects.filter(pk=world.ids["nickname"]).exists()
    # Back, for the next caller that may forget it.
    factories.NicknameBookFactory(
        pk=world.ids["nickname"],
        nickname="阿芳",
        household=world.community_households[1],
        matched_by=world.users["leader"],
    )


def check_own_profile(world, role, response):
    assert response.json()["id"] == world.households[role].pk


def check_own_copies(world, role, response):
    copies = response.json()
    assert [c["id"] for c in copies] == ([world.ids["copy"]] if role == "member" else [])


def check_room_changes(world, role, response):
    ids = [change["id"] for change in items_of(response)]
    assert ids == ([] if role == "other_leader" else [world.ids["room_change"]])


def check_contacts_file(world, role, response):
    """Only households that consented: the neighbour did, the member did not."""
    book = load_workbook(io.BytesIO(response.content), read_only=True)
    rows = list(book.active.iter_rows(values_only=True))
    neighbour = world.households["neighbour"]
    assert [row[1] for row in rows[1:]] == [neighbour.room]


def cells(default: int | str, **overrides: int | str) -> dict[str, int | str]:
    """Every role gets ``default`` unless said otherwise; anonymous gets 401."""
    table = dict.fromkeys(ROLES, default)
    table["anonymous"] = 401
    table.update(overrides)
    return table


SIGNED_IN = cells(OK)
IN_COMMUNITY = cells(404, member=OK, neighbour=OK, leader=OK, operator=OK)
RUNS_IT = cells(404, member=403, neighbour=403, leader=OK, operator=OK)
OWNS_ORDER = cells(404, member=OK, leader=OK, operator=OK)
BOOK = cells(404, operator=OK)
HAS_HOUSEHOLD = cells(OK, other_leader=403, supplier=403, other_supplier=403, operator=403)
OPERATORS = cells(403, operator=OK)


def check_forest(world, role, response) -> None:
    """Totals only, and only of the communities the caller sees."""
    body = response.json()
    seen = {row["community_id"] for row in body["communities"]}
    expected = {
        "member": {world.ids["community"]},
        "neighbour": {world.ids["community"]},
        "leader": {world.ids["community"]},
        "other_member": {world.ids["other_community"]},
        "other_leader": {world.ids["other_community"]},
        "supplier": set(),
        "other_supplier": set(),
    }
    if role in expected:
        assert seen == expected[role], seen
    assert_no_full_phone_of_others(world, role, response)


STAFF = cells(403, supplier=OK, operator=OK)
MANAGES = cells(404, leader=OK, other_leader=OK, supplier=OK, other_supplier=OK, operator=OK)
HOUSEHOLDS = cells(OK, other_leader=403, supplier=403, other_supplier=403, operator=403)


def _png():
    return SimpleUploadedFile("farm.png", factories.photo_bytes("PNG"), content_type="image/png")


RUNS_PROGRAMMES = cells(403, operator=OK)


@dataclass(frozen=True)
class Row:
    path: str  # formatted with World.ids
    expect: dict[str, int | str]
    body: Callable[[World, str], Any] | None = None
    query: Callable[[World, str], dict] | None = None
    check: Callable[[World, str, Any], None] | None = None
    created: bool = False  # success is 201
    multipart: bool = False  # the body is sent as a form (files), not JSON


def _open_body(world: World, role: str) -> dict:
    cutoff = timezone.now() + timedelta(days=1)
    return {
        "community_id": world.ids["community"],
        "title": "新的团购",
        "min_to_form": 1,
        "cutoff_at": iso(cutoff),
        "pickup_starts_at": iso(cutoff + timedelta(hours=14)),
        "pickup_ends_at": iso(cutoff + timedelta(hours=20)),
        "items": [{"product_id": world.ids["product"], "price_fen": 500, "stock": 10}],
    }


def _login_body(world: World, role: str) -> dict:
    user = world.users[role]
    if user is None:  # someone without an account guesses
        return {"username": world.users["member"].username, "password": "guess"}
    return {"username": user.username, "password": "pw-for-tests"}


def _chain_body(world: World, role: str) -> dict:
    household = world.households["member"]
    return {"text": f"#接龙\n\n1. 小王 {household.building.name}{household.room} 青菜1"}


def check_chain_export(world, role, response):
    """The leader's chain names every household that ordered, with its own name and room."""
    text = response.json()["text"]
    for household in world.community_households[:3]:
        assert f"{household.contact_name} {household.building.name}{household.room}" in text


TABLE: dict[str, Row] = {
    "GET /me": Row("/me", SIGNED_IN, check=check_me),
    "GET /tokens": Row("/tokens", SIGNED_IN, check=check_tokens),
    "POST /tokens": Row(
        "/tokens",
        SIGNED_IN,
        body=lambda w, r: {"name": "laptop"},
        check=check_new_token,
        created=True,
    ),
    "POST /auth/token": Row("/auth/token", SIGNED_IN, body=_login_body, created=True),
    "DELETE /tokens/{token_id}": Row("/tokens/{spare_token}", cells(404, member=OK, operator=OK)),
    "GET /communities": Row("/communities", SIGNED_IN, check=check_communities),
    "GET /communities/{community_id}": Row("/communities/{community}", IN_COMMUNITY),
    "GET /communities/{community_id}/households": Row(
        "/communities/{community}/households",
        cells(404, leader=OK, operator=OK),
        check=check_households,
    ),
    "GET /communities/{community_id}/nicknames": Row(
        "/communities/{community}/nicknames",
        RUNS_IT,
        check=lambda w, r, resp: check_nicknames(resp),
    ),
    "GET /communities/{community_id}/nicknames/households": Row(
        "/communities/{community}/nicknames/households",
        RUNS_IT,
        query=lambda w, r: {"q": w.community_households[1].contact_name},
        check=check_nickname_households,
    ),
    "POST /communities/{community_id}/nicknames": Row(
        "/communities/{community}/nicknames",
        RUNS_IT,
        body=lambda w, r: {"nickname": "老李", "household_id": w.community_households[2].pk},
    ),
    "DELETE /communities/{community_id}/nicknames/{entry_id}": Row(
        "/communities/{community}/nicknames/{nickname}", RUNS_IT, check=check_nickname_forgotten
    ),
    "GET /suppliers": Row(
        "/suppliers",
        cells(OK, member=403, neighbour=403, other_member=403),
        check=check_suppliers,
    ),
    "GET /products": Row(
        "/products",
        cells(OK, member=403, neighbour=403, other_member=403),
        check=check_products,
    ),
    "GET /group-buys": Row("/group-buys", SIGNED_IN, check=check_group_buys),
    "POST /group-buys": Row(
        "/group-buys",
        # An operator runs communities but does not open group buys: that is a leader's job.
        cells(404, member=403, neighbour=403, leader=OK, operator=403),
        body=_open_body,
        created=True,
    ),
    "GET /group-buys/{group_buy_id}": Row("/group-buys/{open_gb}", IN_COMMUNITY),
    "GET /group-buys/{group_buy_id}/tally": Row("/group-buys/{open_gb}/tally", IN_COMMUNITY),
    "POST /group-buys/{group_buy_id}/close": Row("/group-buys/{open_gb}/close", RUNS_IT),
    "GET /group-buys/{group_buy_id}/orders": Row(
        "/group-buys/{open_gb}/orders", IN_COMMUNITY, check=check_orders_of_group_buy
    ),
    "POST /group-buys/{group_buy_id}/orders": Row(
        "/group-buys/{open_gb}/orders",
        # Everyone orders for the member's household: the member itself, its leader, an
        # operator; a neighbour may not order for someone else's flat.
        cells(404, member=OK, neighbour=403, leader=OK, operator=OK),
        body=lambda w, r: {
            "lines": [{"item_id": w.ids["open_item"], "quantity": 1}],
            "household_id": w.households["member"].pk,
        },
        created=True,
    ),
    "GET /group-buys/{group_buy_id}/distribution": Row(
        "/group-buys/{formed_gb}/distribution", RUNS_IT
    ),
    "GET /group-buys/{group_buy_id}/distribution/{building_id}": Row(
        "/group-buys/{formed_gb}/distribution/{building}",
        RUNS_IT,
        check=check_building_sheet,
    ),
    "GET /group-buys/{group_buy_id}/pickup/search": Row(
        "/group-buys/{formed_gb}/pickup/search",
        RUNS_IT,
        query=lambda w, r: {"phone_last4": w.households["member"].phone[-4:]},
        check=check_pickup_search,
    ),
    "POST /group-buys/{group_buy_id}/pickups": Row(
        "/group-buys/{formed_gb}/pickups",
        RUNS_IT,
        body=lambda w, r: {
            "code": w.ids["formed_code"],
            "lines": [{"item_id": w.ids["formed_item"], "quantity": 1}],
        },
    ),
    "POST /group-buys/{group_buy_id}/jielong/preview": Row(
        "/group-buys/{open_gb}/jielong/preview", RUNS_IT, body=_chain_body
    ),
    "POST /group-buys/{group_buy_id}/jielong/import": Row(
        "/group-buys/{open_gb}/jielong/import", RUNS_IT, body=_chain_body
    ),
    "GET /group-buys/{group_buy_id}/jielong": Row(
        "/group-buys/{open_gb}/jielong", RUNS_IT, check=check_chain_export
    ),
    "GET /group-buys/{group_buy_id}/distribution.xlsx": Row(
        "/group-buys/{formed_gb}/distribution.xlsx", RUNS_IT, check=check_distribution_file
    ),
    "GET /group-buys/{group_buy_id}/distribution.pdf": Row(
        "/group-buys/{formed_gb}/distribution.pdf", RUNS_IT, check=check_distribution_file
    ),
    "GET /group-buys/{group_buy_id}/items/{item_id}/allocation": Row(
        "/group-buys/{formed_gb}/items/{short_item}/allocation",
        RUNS_IT,
        query=lambda w, r: {"policy": "equal"},
    ),
    "POST /group-buys/{group_buy_id}/items/{item_id}/allocation": Row(
        "/group-buys/{formed_gb}/items/{short_item}/allocation",
        RUNS_IT,
        body=lambda w, r: {"policy": "fcfs"},
    ),
    "GET /group-buys/{group_buy_id}/shortfalls": Row("/group-buys/{formed_gb}/shortfalls", RUNS_IT),
    "GET /orders": Row("/orders", SIGNED_IN, check=check_my_orders),
    "GET /orders/{order_id}": Row("/orders/{open_order}", OWNS_ORDER, check=check_one_order),
    "PUT /orders/{order_id}": Row(
        "/orders/{open_order}",
        OWNS_ORDER,
        body=lambda w, r: {"lines": [{"item_id": w.ids["open_item"], "quantity": 3}]},
    ),
    "POST /orders/{order_id}/cancel": Row("/orders/{open_order}/cancel", OWNS_ORDER),
    "GET /orders/{order_id}/pickup-code.png": Row(
        "/orders/{formed_order}/pickup-code.png", OWNS_ORDER, check=check_png
    ),
    "GET /purchase-orders": Row("/purchase-orders", SIGNED_IN, check=check_purchase_orders),
    "GET /purchase-orders/{purchase_order_id}": Row(
        "/purchase-orders/{purchase_order}",
        cells(404, leader=OK, supplier=OK, operator=OK),
        check=check_purchase_orders,
    ),
    "GET /purchase-orders/{purchase_order_id}.xlsx": Row(
        "/purchase-orders/{purchase_order}.xlsx",
        cells(404, leader=OK, supplier=OK, operator=OK),
        check=check_purchase_order_file,
    ),
    "GET /purchase-orders/{purchase_order_id}.pdf": Row(
        "/purchase-orders/{purchase_order}.pdf",
        cells(404, leader=OK, supplier=OK, operator=OK),
        check=check_purchase_order_file,
    ),
    "POST /purchase-orders/{purchase_order_id}/delivery": Row(
        "/purchase-orders/{purchase_order}/delivery",
        cells(404, leader=403, supplier=OK, operator=OK),
        body=lambda w, r: {
            "lines": [{"product_id": w.ids["product"], "delivered": w.ids["delivered"]}]
        },
    ),
    "GET /ledger/methods": Row("/ledger/methods", SIGNED_IN),
    "GET /notices": Row("/notices", SIGNED_IN, check=check_notices),
    "GET /notices/unread": Row("/notices/unread", SIGNED_IN, check=check_unread),
    "POST /notices/{notice_id}/read": Row("/notices/{notice}/read", cells(404, member=OK)),
    "POST /notices/read": Row("/notices/read", SIGNED_IN),
    "GET /notices/preferences": Row("/notices/preferences", SIGNED_IN),
    "PUT /notices/preferences": Row(
        "/notices/preferences",
        SIGNED_IN,
        body=lambda w, r: {
            "choices": [{"kind": "cutoff_soon", "channel": "email", "wanted": True}]
        },
    ),
    "GET /ledger/me": Row(
        "/ledger/me", cells(404, member=OK, neighbour=OK, other_member=OK, leader=OK)
    ),
    "GET /households/{household_id}/ledger": Row(
        "/households/{household}/ledger", cells(404, member=OK, operator=OK)
    ),
    "GET /group-buys/{group_buy_id}/ledger": Row("/group-buys/{formed_gb}/ledger", RUNS_IT),
    "GET /group-buys/{group_buy_id}/ledger.xlsx": Row(
        "/group-buys/{formed_gb}/ledger.xlsx", RUNS_IT
    ),
    "POST /group-buys/{group_buy_id}/payments": Row(
        "/group-buys/{formed_gb}/payments",
        RUNS_IT,
        body=lambda w, r: {"household_id": w.ids["household"], "amount_fen": 100, "method": "cash"},
        created=True,
    ),
    "POST /group-buys/{group_buy_id}/refunds": Row(
        "/group-buys/{formed_gb}/refunds",
        RUNS_IT,
        body=lambda w, r: {"household_id": w.ids["household"], "amount_fen": 100, "method": "cash"},
        created=True,
    ),
    "GET /leaders/me/ledger": Row("/leaders/me/ledger", cells(404, leader=OK, other_leader=OK)),
    "GET /leaders/{leader_id}/ledger": Row(
        "/leaders/{leader_id}/ledger", cells(404, leader=OK, operator=OK)
    ),
    "GET /leaders/{leader_id}/ledger.xlsx": Row(
        "/leaders/{leader_id}/ledger.xlsx", cells(404, leader=OK, operator=OK)
    ),
    "GET /suppliers/{supplier_id}/ledger": Row(
        "/suppliers/{supplier_id}/ledger", cells(404, supplier=OK, operator=OK)
    ),
    "POST /ledger/payouts": Row(
        "/ledger/payouts",
        cells(403, operator=OK),
        body=lambda w, r: {
            "kind": "supplier",
            "owner_id": w.ids["rice_supplier"],
            "amount_fen": 1,
            "method": "cash",
        },
        created=True,
    ),
    "POST /ledger/entries/{entry_id}/reverse": Row(
        "/ledger/entries/{payment}/reverse",
        cells(403, operator=OK),
        body=lambda w, r: {},
        created=True,
    ),
    # After-sales: a household reports its own order's line; its community's leader decides;
    # the supplier reads its goods' reports (no household) and its rate; operators all.
    "POST /after-sales": Row(
        "/after-sales",
        cells(404, member=OK, leader=403, operator=403),
        body=lambda w, r: {"order_line_id": w.ids["greens_line"], "quantity": 1, "kind": "other"},
        created=True,
        multipart=True,
    ),
    "GET /after-sales": Row("/after-sales", SIGNED_IN, check=check_reports),
    "GET /after-sales/{report_id}": Row("/after-sales/{report}", OWNS_ORDER),
    "POST /after-sales/{report_id}/decision": Row(
        "/after-sales/{report}/decision",
        # The leader decides (200, written as a number so that it runs with the refusals, in
        # the order of ROLES); the operator, after, finds it decided (operators deciding:
        # tests/aftersales/test_escalation.py).
        cells(404, member=403, leader=200, operator=409),
        body=lambda w, r: {"decision": "approve"},
    ),
    "GET /after-sales/{report_id}/photos/{position}": Row(
        "/after-sales/{report}/photos/1", cells(404, member=OK, leader=OK, supplier=OK, operator=OK)
    ),
    "GET /suppliers/{supplier_id}/after-sales": Row(
        "/suppliers/{supplier_id}/after-sales",
        cells(404, supplier=OK, operator=OK),
        check=lambda w, r, response: assert_no_household_data(w, r, response),
    ),
    "GET /suppliers/{supplier_id}/complaint-rate": Row(
        "/suppliers/{supplier_id}/complaint-rate", cells(404, supplier=OK, operator=OK)
    ),
    "GET /complaint-rates": Row("/complaint-rates", cells(404, operator=OK)),
    # Forecasts: a community's for its leaders and operators; a supplier's next week (no
    # household); a household's usual items for itself alone; accuracy for operators.
    "GET /communities/{community_id}/forecasts": Row("/communities/{community}/forecasts", RUNS_IT),
    "GET /communities/{community_id}/suggested-stock": Row(
        "/communities/{community}/suggested-stock",
        RUNS_IT,
        query=lambda w, r: {"product": w.ids["product"]},
    ),
    "GET /suppliers/{supplier_id}/forecast": Row(
        "/suppliers/{supplier_id}/forecast",
        cells(404, supplier=OK, operator=OK),
        check=lambda w, r, response: assert_no_household_data(w, r, response),
    ),
    "GET /households/{household_id}/usual-items": Row(
        "/households/{household}/usual-items", cells(404, member=OK)
    ),
    "GET /forecasts/accuracy": Row("/forecasts/accuracy", cells(404, operator=OK)),
    # The relationship book: operators with its permissions only; for everyone else it is
    # not there (404), contact details included.
    "GET /relations/people": Row("/relations/people", BOOK),
    "POST /relations/people": Row(
        "/relations/people", BOOK, body=lambda w, r: {"name": "赵敏"}, created=True
    ),
    "GET /relations/people/{person_id}": Row("/relations/people/{rel_person}", BOOK),
    "DELETE /relations/people/{person_id}": Row("/relations/people/{rel_other}", BOOK),
    "POST /relations/people/{person_id}/posts": Row(
        "/relations/people/{rel_other}/posts",
        BOOK,
        body=lambda w, r: {
            "organisation_id": w.ids["rel_org"],
            "level": "front_line",
            "started_on": "2025-01-01",
        },
        created=True,
    ),
    "POST /relations/people/{person_id}/ties": Row(
        "/relations/people/{rel_other}/ties",
        BOOK,
        body=lambda w, r: {"other_id": w.ids["rel_person"], "kind": "colleague"},
        created=True,
    ),
    "PUT /relations/people/{person_id}/cadence": Row(
        "/relations/people/{rel_other}/cadence", BOOK, body=lambda w, r: {"cadence_days": 14}
    ),
    "GET /relations/people/{person_id}/path": Row("/relations/people/{rel_person}/path", BOOK),
    "GET /relations/organisations": Row("/relations/organisations", BOOK),
    "POST /relations/organisations": Row(
        "/relations/organisations",
        BOOK,
        body=lambda w, r: {"name": "花木街道", "kind": "street_office"},
        created=True,
    ),
    "GET /relations/organisations/{organisation_id}/coverage": Row(
        "/relations/organisations/{rel_org}/coverage", BOOK
    ),
    "POST /relations/interactions": Row(
        "/relations/interactions",
        BOOK,
        body=lambda w, r: {
            "kind": "call",
            "happened_on": timezone.localdate().isoformat(),
            "person_ids": [w.ids["rel_person"]],
        },
        created=True,
    ),
    "GET /relations/interactions/flagged": Row("/relations/interactions/flagged", BOOK),
    "POST /relations/interactions/{interaction_id}/review": Row(
        "/relations/interactions/{rel_flagged}/review", BOOK, body=lambda w, r: {"approve": True}
    ),
    "GET /relations/reminders": Row("/relations/reminders", BOOK),
    "POST /relations/reminders/{reminder_id}/done": Row(
        "/relations/reminders/{rel_reminder}/done", BOOK
    ),
    "POST /relations/calendar": Row("/relations/calendar", BOOK, created=True),
    "DELETE /relations/calendar": Row("/relations/calendar", BOOK),
    # Privacy: a household's own copy, corrections, consents and closing; its leader's room
    # changes to confirm and contacts to export.
    "GET /privacy/profile": Row("/privacy/profile", HAS_HOUSEHOLD, check=check_own_profile),
    "PUT /privacy/profile": Row(
        "/privacy/profile",
        HAS_HOUSEHOLD,
        body=lambda w, r: {"contact_name": "改过的名字", "phone": "13900000000"},
    ),
    "POST /privacy/copies": Row("/privacy/copies", HAS_HOUSEHOLD, created=True),
    "GET /privacy/copies": Row("/privacy/copies", HAS_HOUSEHOLD, check=check_own_copies),
    "POST /privacy/copies/{copy_id}/download": Row(
        "/privacy/copies/{copy}/download", cells(404, member=OK)
    ),
    "POST /privacy/room-changes": Row(
        "/privacy/room-changes",
        cells(403, member=OK, neighbour=OK, leader=OK, other_member=422),
        body=lambda w, r: {"building_id": w.ids["building"], "room": "999"},
        created=True,
    ),
    "GET /privacy/room-changes": Row(
        "/privacy/room-changes",
        cells(404, leader=OK, other_leader=OK, operator=OK),
        check=check_room_changes,
    ),
    "POST /privacy/room-changes/{change_id}/decision": Row(
        "/privacy/room-changes/{room_change}/decision",
        cells(404, leader=200, operator=409),
        body=lambda w, r: {"confirm": True},
    ),
    "GET /privacy/consents": Row("/privacy/consents", HAS_HOUSEHOLD),
    "PUT /privacy/consents/{purpose}": Row(
        "/privacy/consents/marketing", HAS_HOUSEHOLD, body=lambda w, r: {"granted": True}
    ),
    "GET /privacy/closing": Row("/privacy/closing", HAS_HOUSEHOLD),
    # The member and the neighbour have orders waiting for pickup, the leader leads: only the
    # other community's member, whose group buy is completed, may close.
    "POST /privacy/closing": Row(
        "/privacy/closing",
        cells(403, member=409, neighbour=409, leader=409, other_member=OK),
        body=lambda w, r: {"word": "注销"},
    ),
    "POST /privacy/communities/{community_id}/contacts.xlsx": Row(
        "/privacy/communities/{community}/contacts.xlsx",
        cells(404, leader=OK, operator=OK),
        check=check_contacts_file,
    ),
    # Rewards: a member their own household's points, energy and trees; leaders record at
    # the gate of their communities; operators manage rules, perks, species, sites, plantings.
    "GET /rewards/me": Row("/rewards/me", HAS_HOUSEHOLD),
    "GET /households/{household_id}/rewards": Row(
        "/households/{household}/rewards", cells(404, member=OK, operator=OK)
    ),
    "GET /rewards/perks": Row("/rewards/perks", SIGNED_IN),
    "POST /rewards/perks/{perk_id}/redeem": Row(
        "/rewards/perks/{rw_perk}/redeem",
        cells(409, member=OK, other_leader=403, supplier=403, other_supplier=403, operator=403),
        created=True,
    ),
    "GET /rewards/energy": Row("/rewards/energy", HAS_HOUSEHOLD),
    "POST /rewards/energy/collect": Row(
        "/rewards/energy/collect",
        cells(409, member=OK, other_leader=403, supplier=403, other_supplier=403, operator=403),
    ),
    "POST /rewards/trees": Row(
        "/rewards/trees",
        # The member's tree is growing already; every other household may start one.
        cells(OK, member=409, other_leader=403, supplier=403, other_supplier=403, operator=403),
        body=lambda w, r: {"species_id": w.ids["rw_species"]},
        created=True,
    ),
    "POST /rewards/trees/water": Row(
        "/rewards/trees/water",
        cells(409, member=OK, other_leader=403, supplier=403, other_supplier=403, operator=403),
        body=lambda w, r: {},
    ),
    "GET /rewards/trees/{code}/certificate.pdf": Row(
        "/rewards/trees/{rw_code}/certificate.pdf", cells(404, member=OK, operator=OK)
    ),
    "GET /rewards/species": Row("/rewards/species", SIGNED_IN),
    "GET /rewards/forest": Row("/rewards/forest", SIGNED_IN, check=check_forest),
    "GET /rewards/model": Row("/rewards/model", SIGNED_IN),
    "POST /rewards/green-actions": Row(
        "/rewards/green-actions",
        cells(404, leader=OK, operator=OK),
        body=lambda w, r: {"order_id": w.ids["rw_order"], "kind": "own_bag"},
        created=True,
    ),
    "POST /rewards/imperfect-items": Row(
        "/rewards/imperfect-items",
        cells(404, leader=OK, operator=OK),
        body=lambda w, r: {"item_id": w.ids["formed_item"]},
    ),
    "POST /rewards/referrals": Row(
        "/rewards/referrals",
        cells(404, leader=OK, operator=OK),
        body=lambda w, r: {
            "household_id": w.ids["rw_neighbour_household"],
            "invited_by_id": w.ids["household"],
        },
        created=True,
    ),
    "GET /rewards/rules": Row("/rewards/rules", OPERATORS),
    "POST /rewards/rules": Row(
        "/rewards/rules",
        OPERATORS,
        body=lambda w, r: {"name": "准时取货", "trigger": "on_time", "amount": 5},
        created=True,
    ),
    "POST /rewards/rules/{rule_id}/active": Row(
        "/rewards/rules/{rw_rule}/active", OPERATORS, body=lambda w, r: {"active": False}
    ),
    "POST /rewards/perks": Row(
        "/rewards/perks",
        OPERATORS,
        body=lambda w, r: {
            "name": "提前2小时",
            "kind": "early_access",
            "cost": 50,
            "hours_early": 2,
        },
        created=True,
    ),
    "POST /rewards/species": Row(
        "/rewards/species",
        OPERATORS,
        body=lambda w, r: {"name": "沙棘", "name_en": "Sea buckthorn", "energy_g": 18_000},
        created=True,
    ),
    "PUT /rewards/sites": Row(
        "/rewards/sites",
        OPERATORS,
        body=lambda w, r: {
            "kind": "community",
            "owner_id": w.ids["community"],
            "lat": 31.23,
            "lng": 121.47,
        },
    ),
    "GET /rewards/goals/mine": Row("/rewards/goals/mine", HAS_HOUSEHOLD),
    "GET /rewards/goals": Row("/rewards/goals", OPERATORS),
    "POST /rewards/goals": Row(
        "/rewards/goals",
        OPERATORS,
        body=lambda w, r: {
            "name": "八成准时",
            "community_id": w.ids["community"],
            "threshold_pct": 80,
            "month": "2026-03-01",
            "unlock": "points",
            "points": 20,
        },
        created=True,
    ),
    "GET /rewards/batches": Row("/rewards/batches", OPERATORS),
    "POST /rewards/batches": Row(
        "/rewards/batches",
        OPERATORS,
        body=lambda w, r: {
            "partner": "阿拉善SEE",
            "place": "内蒙古阿拉善左旗",
            "lat": 38.85,
            "lng": 105.7,
            "planted_on": "2026-10-01",
            "species_id": w.ids["rw_species"],
            "count": 1,
        },
        created=True,
    ),
    # Storefronts: every signed-in caller reads a farm's page (counts, never a household);
    # its staff and operators write it; members with a household follow and rate, and only
    # what their household collected (the member picked up the greens).
    "GET /storefronts": Row(
        "/storefronts", SIGNED_IN, check=lambda w, r, resp: assert_no_household_data(w, r, resp)
    ),
    "GET /storefronts/{supplier_id}": Row(
        "/storefronts/{supplier_id}",
        SIGNED_IN,
        check=lambda w, r, resp: assert_no_household_data(w, r, resp),
    ),
    "PUT /storefronts/{supplier_id}": Row(
        "/storefronts/{supplier_id}", STAFF, body=lambda w, r: {"story": "三代人种菜"}
    ),
    "PUT /products/{product_id}/story": Row(
        "/products/{product}/story", STAFF, body=lambda w, r: {"season": "冬天"}
    ),
    "POST /storefronts/{supplier_id}/photos": Row(
        "/storefronts/{supplier_id}/photos",
        STAFF,
        body=lambda w, r: {"photos": [_png()], "caption": "菜地"},
        created=True,
        multipart=True,
    ),
    "POST /storefronts/{supplier_id}/updates": Row(
        "/storefronts/{supplier_id}/updates",
        STAFF,
        body=lambda w, r: {"text": "快熟了", "photos": [_png()]},
        created=True,
        multipart=True,
    ),
    "POST /storefronts/{supplier_id}/follow": Row("/storefronts/{supplier_id}/follow", HOUSEHOLDS),
    "DELETE /storefronts/{supplier_id}/follow": Row(
        "/storefronts/{supplier_id}/follow", HOUSEHOLDS
    ),
    # Presales and help-sell: a supplier sees its own, with quantities per community and per
    # leader; leaders see presales and the offers they hold; members see neither.
    "GET /presales": Row(
        "/presales",
        MANAGES,
        check=lambda w, r, resp: assert_no_household_data(w, r, resp),
    ),
    "POST /presales": Row(
        "/presales",
        cells(404, supplier=OK, operator=OK),
        body=lambda w, r: {
            "product_id": w.ids["product"],
            "price_fen": 500,
            "harvest_on": (timezone.localdate() + timedelta(days=5)).isoformat(),
            "total": 50,
            "minimum": 5,
        },
        created=True,
    ),
    "GET /presales/{presale_id}": Row(
        "/presales/{presale}",
        cells(404, leader=OK, other_leader=OK, supplier=OK, operator=OK),
        check=lambda w, r, resp: assert_no_household_data(w, r, resp),
    ),
    "POST /presales/{presale_id}/harvest": Row(
        "/presales/{presale}/harvest", cells(404, supplier=OK), body=lambda w, r: {"harvested": 0}
    ),
    "POST /help-sell/offers": Row(
        "/help-sell/offers",
        cells(404, supplier=OK, operator=OK),
        body=lambda w, r: {
            "product_id": w.ids["product"],
            "supply_price_fen": 300,
            "suggested_price_fen": 450,
            "leader_ids": [w.ids["leader_id"]],
        },
        created=True,
    ),
    "GET /help-sell/offers": Row(
        "/help-sell/offers", cells(404, supplier=OK, other_supplier=OK, operator=OK)
    ),
    "GET /help-sell/passes": Row(
        "/help-sell/passes", cells(404, leader=OK, other_leader=OK, operator=OK)
    ),
    "POST /help-sell/passes/{pass_id}/pass-on": Row(
        "/help-sell/passes/{pass}/pass-on",
        cells(404, leader=OK),
        body=lambda w, r: {"to_leader_id": w.ids["other_leader"], "share_ppm": 300_000},
        created=True,
    ),
    "POST /help-sell/passes/{pass_id}/stop": Row(
        "/help-sell/passes/{pass}/stop", cells(404, leader=OK)
    ),
    "PUT /products/{product_id}/rating": Row(
        "/products/{product}/rating",
        cells(409, member=OK, other_leader=403, supplier=403, other_supplier=403, operator=403),
        body=lambda w, r: {"stars": 5, "comment": "好吃"},
    ),
    # Consumer connect: operators who run programmes (403 for everyone else); the leader is a
    # participant with three stays at the neighbour's household, which hosts. A stay's step is
    # taken by the first allowed caller (written as 200: refusals run first, in ROLES order);
    # the next allowed one finds it taken (409).
    "GET /connect/programmes": Row("/connect/programmes", RUNS_PROGRAMMES),
    "POST /connect/programmes": Row(
        "/connect/programmes",
        RUNS_PROGRAMMES,
        body=lambda w, r: {"name": "新项目", "starts_on": "2027-05-03"},
        created=True,
    ),
    "POST /connect/programmes/{programme_id}/import/{what}": Row(
        "/connect/programmes/{cx_programme}/import/participants",
        RUNS_PROGRAMMES,
        body=lambda w, r: {"sheet": _participants_sheet()},
        multipart=True,
    ),
    "POST /connect/programmes/{programme_id}/match": Row(
        "/connect/programmes/{cx_programme}/match", RUNS_PROGRAMMES, created=True
    ),
    "POST /connect/pairings": Row(
        "/connect/pairings",
        RUNS_PROGRAMMES,
        body=lambda w, r: {
            "participant_id": w.ids["cx_participant"],
            "host_id": w.ids["cx_host"],
            "rule": "forbid",
        },
        created=True,
    ),
    "GET /connect/programmes/{programme_id}/behind": Row(
        "/connect/programmes/{cx_programme}/behind", RUNS_PROGRAMMES
    ),
    "GET /connect/stays": Row(
        "/connect/stays",
        SIGNED_IN,
        check=lambda w, r, resp: _count(resp, 3 if r == "leader" else 0),
    ),
    "GET /connect/visits": Row(
        "/connect/visits",
        SIGNED_IN,
        check=lambda w, r, resp: _count(resp, 3 if r == "neighbour" else 0),
    ),
    "POST /connect/stays/{stay_id}/confirm": Row(
        "/connect/stays/{cx_scheduled}/confirm", cells(404, neighbour=200, operator=409)
    ),
    "POST /connect/stays/{stay_id}/check-in": Row(
        "/connect/stays/{cx_confirmed}/check-in",
        cells(404, neighbour=200, leader=409, operator=409),
        body=lambda w, r: {"token": w.ids["cx_token"]},
    ),
    "POST /connect/stays/{stay_id}/check-out": Row(
        "/connect/stays/{cx_checked_in}/check-out",
        cells(404, neighbour=200, leader=409, operator=409),
        body=lambda w, r: {},
    ),
    "POST /connect/stays/{stay_id}/cancel": Row(
        "/connect/stays/{cx_scheduled}/cancel",
        cells(404, neighbour=200, leader=409, operator=409),
        body=lambda w, r: {"reason": "家里有事"},
    ),
    "PUT /connect/stays/{stay_id}/report": Row(
        "/connect/stays/{cx_checked_in}/report",
        cells(404, leader=OK, operator=OK),
        body=lambda w, r: {
            "title": "一周",
            "notes": [{"part": "listen", "voice": "emic", "text": "菜很新鲜。"}],
        },
    ),
    "POST /connect/tags": Row(
        "/connect/tags", RUNS_PROGRAMMES, body=lambda w, r: {"name": "冷链"}, created=True
    ),
    "POST /connect/highlights": Row(
        "/connect/highlights",
        RUNS_PROGRAMMES,
        body=lambda w, r: {"note_id": w.ids["cx_note"], "start": 0, "end": 2},
        created=True,
    ),
    "POST /connect/insights": Row(
        "/connect/insights",
        RUNS_PROGRAMMES,
        body=lambda w, r: {
            "programme_id": w.ids["cx_programme"],
            "title": "取货",
            "highlight_ids": [w.ids["cx_highlight"]],
        },
        created=True,
    ),
    "POST /connect/insights/{insight_id}/actions": Row(
        "/connect/insights/{cx_insight}/actions",
        RUNS_PROGRAMMES,
        body=lambda w, r: {
            "kind": "other",
            "title": "试试看",
            "owner_id": w.users["operator"].pk,
        },
        created=True,
    ),
    "PUT /connect/actions/{action_id}": Row(
        "/connect/actions/{cx_action}", RUNS_PROGRAMMES, body=lambda w, r: {"status": "doing"}
    ),
    "GET /connect/search": Row(
        "/connect/search",
        RUNS_PROGRAMMES,
        query=lambda w, r: {"q": "取货"},
        check=lambda w, r, resp: _count(resp, 3),  # the note, its highlight, the insight
    ),
}


def _participants_sheet():
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = "工号,姓名,部门,纬度,经度\nN1,新人,运营部,31.2,121.4\n".encode()
    return SimpleUploadedFile("participants.csv", data, content_type="text/csv")


def _count(response, expected: int) -> None:
    assert len(items_of(response)) == expected, items_of(response)


def api_endpoints() -> set[str]:
    """``METHOD /path`` of every operation the API serves."""
    schema = api.get_openapi_schema(path_prefix="")
    return {
        f"{method.upper()} {path}"
        for path, operations in schema["paths"].items()
        for method in operations
    }


def test_every_endpoint_has_a_row():
    endpoints = api_endpoints()
    # Operations left out of the OpenAPI document still have a URL pattern each.
    patterns = [
        p for p in api.urls[0] if p.name not in {"openapi-json", "openapi-view", "api-root"}
    ]
    assert len(patterns) == len(endpoints), "an operation is hidden from the OpenAPI document"
    assert not endpoints - TABLE.keys(), f"add rows for {sorted(endpoints - TABLE.keys())}"
    assert not TABLE.keys() - endpoints, f"rows for gone endpoints: {TABLE.keys() - endpoints}"
    for endpoint, row in TABLE.items():
        assert set(row.expect) == set(ROLES), endpoint


def _status(row: Row, expected: int | str) -> int:
    if expected == OK:
        return 201 if row.created else 200
    return int(expected)


def _call(world: World, endpoint: str, role: str):
    row = TABLE[endpoint]
    method = endpoint.split(" ", 1)[0]
    return world.call(
        role,
        method,
        row.path.format(**world.ids),
        body=row.body(world, role) if row.body else None,
        query=row.query(world, role) if row.query else None,
        multipart=row.multipart,
    )


def _is_error_body(response) -> bool:
    try:
        body = response.json()
    except ValueError:
        return False
    return isinstance(body.get("code"), str) and isinstance(body.get("message"), str)


@pytest.mark.parametrize("endpoint", sorted(api_endpoints() | TABLE.keys()))
def test_who_may_call_what(world, endpoint):
    assert endpoint in TABLE, f"no row for {endpoint}: add one to TABLE"
    row = TABLE[endpoint]
    reads = endpoint.startswith("GET ")
    failures = []
    # Refusals first, so that they meet the state the row was built for.
    for role in sorted(ROLES, key=lambda role: row.expect[role] == OK):
        expected = _status(row, row.expect[role])
        before = snapshot()
        response = _call(world, endpoint, role)
        got = response.status_code
        after = snapshot()
        if got != expected:
            failures.append(f"{role}: expected {expected}, got {got}: {response.content[:300]!r}")
            continue
        if got >= 400:
            if not _is_error_body(response):
                failures.append(f"{role}: {got} without {{code, message}}: {response.content!r}")
            if after != before:
                failures.append(f"{role}: refused with {got}, but the database changed")
            continue
        if reads and after != before:
            failures.append(f"{role}: a read changed the database")
        if row.check is not None:
            try:
                row.check(world, role, response)
            except AssertionError as error:
                failures.append(f"{role}: {error}")
    assert not failures, f"{endpoint}:\n" + "\n".join(failures)


# ---------------------------------------------------------------------------------------------
# The browser session: reads work, writes need the CSRF token.


def _session(user: User, language: str = "en") -> Client:
    client = Client(enforce_csrf_checks=True, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def _order_body(world: World) -> str:
    return json.dumps({"lines": [{"item_id": world.ids["open_item"], "quantity": 1}]})


def test_a_browser_session_reads_but_cannot_post_without_the_csrf_token(world):
    member = world.users["member"]
    client = _session(member)
    assert client.get("/api/me").json()["username"] == member.username
    path = f"/api/group-buys/{world.ids['open_gb']}/orders"
    before = snapshot()
    refused = client.post(path, _order_body(world), content_type="application/json")
    assert refused.status_code == 403
    assert _is_error_body(refused)
    assert snapshot() == before
    refused = client.put(
        f"/api/orders/{world.ids['open_order']}",
        _order_body(world),
        content_type="application/json",
    )
    assert refused.status_code == 403
    assert snapshot() == before

    # With the token from the cookie, as a page's htmx call sends it, the same call works.
    client.get("/login/")
    csrf = client.cookies["csrftoken"].value
    placed = client.post(
        path, _order_body(world), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert placed.status_code == 201, placed.content


def test_the_csrf_refusal_speaks_the_callers_language(world):
    client = _session(world.users["member"], language="zh-hans")
    path = f"/api/group-buys/{world.ids['open_gb']}/orders"
    refused = client.post(path, _order_body(world), content_type="application/json")
    assert refused.status_code == 403
    assert refused.json()["code"] == "csrf_failed"
    assert re.search(r"[\u4e00-\u9fff]", refused.json()["message"]), refused.json()


def test_a_revoked_token_reads_nothing(world):
    member = world.users["member"]
    token = ApiToken.objects.filter(user=member, name="permissions").get()
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    response = world.call("member", "GET", f"/orders/{world.ids['open_order']}")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"
