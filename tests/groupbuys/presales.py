"""A presale world: one farm, its presale, and ``n`` communities each with a leader and
households, each leader with a group buy carrying the presale."""

from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone

from linli.accounts.models import User
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Presale

from .. import factories


@dataclass
class PresaleWorld:
    farmer: User
    presale: Presale
    leaders: list[User]
    group_buys: list[GroupBuy]
    items: list[GroupBuyItem]
    members: list[list[User]]  # per community


def presale_world(
    communities: int = 3, households: int = 4, *, total: int = 20, stock: int | None = None
) -> PresaleWorld:
    farmer = factories.UserFactory()
    supplier = factories.SupplierFactory(users=[farmer], name="陈家草莓园")
    product = factories.ProductFactory(
        supplier=supplier, name="奶油草莓", unit="盒", cost_fen=2000, suggested_price_fen=3500
    )
    presale = services.open_presale(
        actor=farmer,
        product_id=product.pk,
        price_fen=3900,
        harvest_on=timezone.localdate() + timedelta(days=14),
        total=total,
        minimum=min(5, total),
    )
    leaders, group_buys, items, members = [], [], [], []
    for index in range(communities):
        community = factories.CommunityFactory(name=f"第{index + 1}小区")
        building = factories.BuildingFactory(community=community)
        homes = [factories.HouseholdFactory(building=building) for _ in range(households)]
        people = [factories.MemberFactory(household=home).user for home in homes]
        leader = factories.LeaderFactory(communities=[community])
        group_buy = services.open_group_buy(
            actor=leader.user,
            community_id=community.pk,
            title="奶油草莓预售",
            items=[
                services.ItemSpec(
                    product_id=product.pk,
                    price_fen=None,
                    stock=stock or total,
                    presale_id=presale.pk,
                )
            ],
            min_to_form=1,
            **factories.times(),
        )
        leaders.append(leader.user)
        group_buys.append(group_buy)
        items.append(group_buy.items.get())
        members.append(people)
    return PresaleWorld(farmer, presale, leaders, group_buys, items, members)
