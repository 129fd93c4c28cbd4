"""A household with data in every app, planted through the services, and the words that
name it (to search for afterwards); and a neighbour planted the same way, to find nowhere in
the first household's copy."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.accounts.roles import roles
from linli.aftersales import photos as aftersales_photos
from linli.aftersales import services as aftersales
from linli.communities import services as communities
from linli.communities.looks import record_looks
from linli.communities.models import Consent, Household
from linli.core import events
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import Order
from linli.jielong import services as jielong
from linli.ledger import services as ledger

from .. import factories
from ..aftersales.conftest import collected, line_of


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@dataclass
class Planted:
    household: Household
    user: object
    name: str
    phone: str
    room: str
    nickname: str
    note: str
    display_name: str
    group_buy_id: int
    open_order_id: int
    open_order_ids: list[int]

    @property
    def words(self) -> dict[str, str]:
        """What names the household, as a search would look for it."""
        return {
            "name": self.name,
            "phone": self.phone,
            "room": self.room,
            "nickname": self.nickname,
            "note": self.note,
            "display_name": self.display_name,
        }


def deliver_everything() -> None:
    now = timezone.now() + timedelta(seconds=1)
    while events.deliver(now=now):
        pass


def plant(hood, member: int, *, name, phone, room, nickname, note, display_name) -> Planted:
    """Household ``member`` of the neighbourhood, with a name, phone and room of its own, a
    nickname in the book, a chain line that names it, a collected order with an after-sales
    report (a note and a photo), a payment, a consent, a look by the leader, and an open
    order with a note."""
    user = hood.members[member]
    household = Household.objects.get(pk=hood.households[member].pk)
    Household.objects.filter(pk=household.pk).update(contact_name=name, phone=phone, room=room)
    user.display_name = display_name
    user.save(update_fields=["display_name"])
    group_buy, order = collected(hood, member=member)
    aftersales.report_problem(
        actor=user,
        order_line_id=line_of(order, 0).pk,
        quantity=1,
        kind="spoiled",
        note=f"{note} 叶子黄了",
        uploads=[aftersales_photos.Upload("leaf.jpg", "image/jpeg", factories.photo_bytes("JPEG"))],
    )
    ledger.record_payment(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        household_id=household.pk,
        amount_fen=1000,
        method="cash",
    )
    jielong.remember_nickname(
        actor=hood.leader_user,
        community_id=hood.community.pk,
        nickname=nickname,
        household_id=household.pk,
    )
    open_buy = hood.open()
    first = open_buy.items.order_by("position").first()
    jielong.import_chain(
        actor=hood.leader_user,
        group_buy_id=open_buy.pk,
        text=(f"#接龙\n周末蔬菜团\nA. 青菜 4.5元/斤\n\n1. {nickname} 青菜2\n"),
    )
    open_order = groupbuys.place_order(
        actor=user, group_buy_id=open_buy.pk, lines={first.pk: 1}, note=f"{note} 放门口"
    )
    communities.give_consent(
        actor=user, household_id=household.pk, purpose=Consent.Purpose.LEADER_CONTACTS
    )
    record_looks(
        actor=hood.leader_user,
        who=roles(hood.leader_user),
        household_ids=[household.pk],
        what="handout",
    )
    deliver_everything()
    return Planted(
        household=Household.objects.get(pk=household.pk),
        user=user,
        name=name,
        phone=phone,
        room=room,
        nickname=nickname,
        note=note,
        display_name=display_name,
        group_buy_id=group_buy.pk,
        open_order_id=open_order.pk,
        open_order_ids=sorted(
            Order.objects.filter(household=household, group_buy=open_buy).values_list(
                "pk", flat=True
            )
        ),
    )


@pytest.fixture
def two(hood) -> tuple[Planted, Planted]:
    """Household 1 (``mine``) and household 2 (``theirs``), both planted."""
    mine = plant(
        hood,
        1,
        name="欧阳晓岚",
        phone="13912345678",
        room="2703甲",
        nickname="晓岚爱吃菜",
        note="请敲门三下",
        display_name="岚岚妈妈",
    )
    theirs = plant(
        hood,
        2,
        name="司马青衫",
        phone="13787654321",
        room="1508乙",
        nickname="青衫不湿",
        note="门口有狗勿怕",
        display_name="青衫爸爸",
    )
    return mine, theirs
