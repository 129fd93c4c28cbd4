"""The demo city's rewards: coordinates for every gate and depot (for the energy model), the
earning rules and perks, 180 days of points and energy earned set-based from the history's
pickups, most energy collected within its window (the rest lapsed), trees grown from it and
some planted in two batches. Deterministic for a seed and a day; a few seconds on the default
city."""

import math
import random
from collections import defaultdict
from datetime import date, datetime, timedelta

from django.db.models import F, Sum

from linli.accounts.models import User
from linli.catalog.models import Supplier
from linli.communities.models import Building, Community, Household, Member
from linli.groupbuys.models import GroupBuy
from linli.ledger.models import Posting
from linli.ledger.services import post
from linli.rewards import defaults, services
from linli.rewards.models import (
    EarningRule,
    EnergyDrop,
    Goal,
    Perk,
    RewardUnit,
    Site,
    Tier,
    Tree,
    Trigger,
    Watering,
)
from linli.rewards.services import book
from linli.rewards.services.earning import earn_for_group_buys

from .city import MEMBER, OPERATOR, City

CENTRE = (31.2304, 121.4737)  # People's Square
DAYS = 180
#: Hours after it appeared that a drop was collected (the window is 72).
DELAYS = (7, 9, 12, 20, 31, 47, 60)

RULES = [
    ("取货积分", Trigger.PICKED_UP, RewardUnit.POINTS, EarningRule.Effect.FIXED, 10),
    ("每消费1元得1分", Trigger.PICKED_UP, RewardUnit.POINTS, EarningRule.Effect.PER_YUAN, 1),
    ("准时取货", Trigger.ON_TIME, RewardUnit.POINTS, EarningRule.Effect.FIXED, 5),
    ("首单奖励", Trigger.FIRST_ORDER, RewardUnit.POINTS, EarningRule.Effect.FIXED, 50),
    (
        "帮没有手机的邻居下单",
        Trigger.FOR_NEIGHBOUR,
        RewardUnit.POINTS,
        EarningRule.Effect.FIXED,
        20,
    ),
    ("邀请新邻居", Trigger.INVITED, RewardUnit.POINTS, EarningRule.Effect.FIXED, 100),
    ("商品反馈", Trigger.FEEDBACK, RewardUnit.POINTS, EarningRule.Effect.FIXED, 5),
    ("自带购物袋", Trigger.OWN_BAG, RewardUnit.ENERGY, EarningRule.Effect.FIXED, 30),
    ("归还周转箱", Trigger.CRATES, RewardUnit.ENERGY, EarningRule.Effect.FIXED, 60),
    ("选购丑果", Trigger.IMPERFECT, RewardUnit.ENERGY, EarningRule.Effect.PER_YUAN, 5),
]

PERKS = [
    ("满30减5元券（团长出资）", Perk.Kind.COUPON, 300, None, {"coupon_fen": 500}),
    ("新鲜草莓预留一份", Perk.Kind.RESERVED_UNIT, 500, 20, {}),
    ("下次提货送一把小葱", Perk.Kind.FREE_ITEM, 150, None, {}),
    ("周末团提前2小时参团", Perk.Kind.EARLY_ACCESS, 400, None, {"hours_early": 2}),
]


def _point(rng: random.Random, centre: tuple[float, float], low_km: float, high_km: float):
    distance = rng.uniform(low_km, high_km)
    bearing = rng.uniform(0, 2 * math.pi)
    lat = centre[0] + distance * math.cos(bearing) / 111.195
    lng = centre[1] + distance * math.sin(bearing) / (111.195 * math.cos(math.radians(centre[0])))
    return lat, lng


def build(city: City, *, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(seed * 31 + 14)
    defaults.ensure()  # after a flush (`linli demo --reset`) the seeded rows are gone
    operator = User.objects.get(pk=city.logins[OPERATOR])
    today = now.date()
    sites = [
        Site(kind=Site.Kind.COMMUNITY, owner_id=pk, lat=lat, lng=lng)
        for pk in Community.objects.order_by("pk").values_list("pk", flat=True)
        for lat, lng in [_point(rng, CENTRE, 0.5, 12)]
    ] + [
        Site(kind=Site.Kind.SUPPLIER, owner_id=pk, lat=lat, lng=lng)
        for pk in Supplier.objects.order_by("pk").values_list("pk", flat=True)
        for lat, lng in [_point(rng, CENTRE, 3, 16)]
    ]
    Site.objects.bulk_create(sites)
    for name, trigger, unit, effect, amount in RULES:
        services.create_rule(
            actor=operator,
            name=name,
            trigger=trigger,
            unit=unit,
            effect=effect,
            amount=amount,
            starts_on=today - timedelta(days=DAYS + 30),
        )
    first_tier = Tier.objects.order_by("min_points").values_list("pk", flat=True)[1:2]
    for index, (name, kind, cost, stock, extra) in enumerate(PERKS):
        product = (
            city.wares[index].id if kind in (Perk.Kind.RESERVED_UNIT, Perk.Kind.FREE_ITEM) else None
        )
        services.create_perk(
            actor=operator,
            name=name,
            kind=kind,
            cost=cost,
            stock=stock,
            product_id=product,
            min_tier_id=first_tier[0] if kind == Perk.Kind.EARLY_ACCESS and first_tier else None,
            **extra,
        )

    since = now - timedelta(days=DAYS)
    group_buys = list(
        GroupBuy.objects.filter(
            status=GroupBuy.Status.COMPLETED, pickup_starts_at__gte=since
        ).values_list("pk", flat=True)
    )
    written = {"lots": 0, "drops": 0}
    for start in range(0, len(group_buys), 400):
        part = earn_for_group_buys(group_buys[start : start + 400], now=now)
        written["lots"] += part["lots"]
        written["drops"] += part["drops"]
    collected = _collect(rng, now)
    trees = _grow(rng, now, operator, city)
    goals = _goals(operator, today, now)
    services.expire_due(now=now)
    services.lapse_due(now=now)
    services.review_tiers(now=now)
    return {**written, "energy_collected_g": collected, **trees, "goals": goals}


def _goals(operator: User, today: date, now: datetime) -> int:
    """Each community's goal of this month (80 % on time: 50 points each) and, for its first
    building, last month's (settled: a free bunch of spring onions)."""
    this_month = today.replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    onions = Perk.objects.filter(kind=Perk.Kind.FREE_ITEM).values_list("pk", flat=True).first()
    first_building = {
        community: building
        for building, community in Building.objects.order_by("-pk").values_list(
            "pk", "community_id"
        )
    }
    made = 0
    for community in Community.objects.order_by("pk").values_list("pk", flat=True):
        services.create_goal(
            actor=operator,
            name="本月准时取货",
            community_id=community,
            threshold_pct=80,
            month=this_month,
            unlock=Goal.Unlock.POINTS,
            points=50,
        )
        made += 1
        if onions is not None and community in first_building:
            services.create_goal(
                actor=operator,
                name="楼栋准时取货",
                community_id=community,
                building_id=first_building[community],
                threshold_pct=60,
                month=last_month,
                unlock=Goal.Unlock.PERK,
                perk_id=onions,
            )
            made += 1
    services.settle_goals(now=now)
    return made


def _collect(rng: random.Random, now: datetime) -> int:
    """Three drops in four were collected, some hours after they appeared (one of a few
    delays, so that the updates are a few set-based statements); the rest lapse."""
    due = EnergyDrop.objects.filter(grams__gt=0, appears_at__lte=now, collected_at__isnull=True)
    by_household: dict[int, int] = defaultdict(int)
    taken: dict[int, list[int]] = defaultdict(list)
    for pk, household, grams, appears in due.values_list(
        "id", "household_id", "grams", "appears_at"
    ).order_by("id"):
        if rng.random() < 0.75:
            hours = rng.choice(DELAYS)
            if appears + timedelta(hours=hours) <= now:
                by_household[household] += grams
                taken[hours].append(pk)
    if not by_household:
        return 0
    entry = post(
        book.COLLECTED,
        [(book.energy_account(h), -g) for h, g in by_household.items()]
        + [(book.ENERGY_OPERATOR, sum(by_household.values()))],
        at=now,
        memo="green energy collected (demo history)",
    )
    for hours, ids in taken.items():
        for start in range(0, len(ids), 5000):
            EnergyDrop.objects.filter(pk__in=ids[start : start + 5000]).update(
                collected_at=F("appears_at") + timedelta(hours=hours), entry=entry
            )
    return sum(by_household.values())


def _grow(rng: random.Random, now: datetime, operator: User, city: City) -> dict[str, int]:
    """A pickup avoids some tens of grams; a saxaul needs 17.9 kg: households plant together
    (合种) with their building. Each gives what it collected to its building's trees, one
    after another; grown ones wait for planting, the last grows on. The printed member's
    household keeps a third of its energy for a tree of its own. Two batches of the grown
    trees were planted."""
    saxaul = defaults.species("梭梭")
    need = saxaul.energy_g
    held = {h: -n for h, n in _household_energy().items() if -n > 0}
    member_household = (
        Member.objects.filter(user_id=city.logins[MEMBER]).values_list("household_id", flat=True)
    ).first()
    places = {
        pk: (building, community)
        for pk, building, community in Household.objects.filter(pk__in=list(held)).values_list(
            "id", "building_id", "building__community_id"
        )
    }
    by_building: dict[int, list[int]] = defaultdict(list)
    for household in sorted(held):
        by_building[places[household][0]].append(household)
    given: dict[int, int] = defaultdict(int)
    plan: list[tuple[Tree, list[tuple[int, int]]]] = []  # a tree and who gave it what
    for building, households in sorted(by_building.items()):
        community = places[households[0]][1]
        tree = Tree(species=saxaul, building_id=building, community_id=community, energy_g=0)
        gifts: list[tuple[int, int]] = []
        for household in households:
            left = held[household] if household != member_household else held[household] // 3
            while left > 0:
                part = min(left, need - tree.energy_g)
                tree.energy_g += part
                gifts.append((household, part))
                given[household] += part
                left -= part
                if tree.energy_g == need:
                    tree.grown_at = now - timedelta(days=rng.randint(3, 90))
                    tree.started_at = tree.grown_at - timedelta(days=rng.randint(20, 60))
                    plan.append((tree, gifts))
                    tree = Tree(
                        species=saxaul, building_id=building, community_id=community, energy_g=0
                    )
                    gifts = []
        if tree.energy_g:
            tree.started_at = now - timedelta(days=rng.randint(5, 40))
            plan.append((tree, gifts))
    if member_household is not None and held.get(member_household, 0) > 3:
        building, community = places[member_household]
        part = held[member_household] // 3
        own = Tree(
            species=saxaul,
            household_id=member_household,
            community_id=community,
            energy_g=part,
            started_at=now - timedelta(days=10),
        )
        plan.append((own, [(member_household, part)]))
        given[member_household] += part
    if not plan:
        return {"trees_grown": 0, "trees_planted": 0}
    entry = post(
        book.WATERED,
        [(book.energy_account(h), g) for h, g in given.items() if g]
        + [(book.ENERGY_OPERATOR, -sum(given.values()))],
        at=now,
        memo="energy given to trees (demo history)",
    )
    trees = Tree.objects.bulk_create([tree for tree, _ in plan], batch_size=2000)
    Watering.objects.bulk_create(
        [
            Watering(tree_id=tree.pk, household_id=h, grams=g, at=tree.started_at, entry=entry)
            for tree, (_, gifts) in zip(trees, plan, strict=True)
            for h, g in gifts
            if g
        ],
        batch_size=2000,
    )
    grown = Tree.objects.filter(grown_at__isnull=False).count()
    planted = 0
    for partner, place, lat, lng, day, share in (
        ("阿拉善SEE基金会", "内蒙古阿拉善左旗 腾格里沙漠东缘", 38.85, 105.69, 45, 0.4),
        ("中国绿化基金会", "甘肃武威民勤县 治沙站", 38.62, 103.09, 12, 0.3),
    ):
        count = int(grown * share)
        if count:
            services.plant(
                actor=operator,
                partner=partner,
                place=place,
                lat=lat,
                lng=lng,
                planted_on=date.fromordinal(now.date().toordinal() - day),
                species_id=saxaul.pk,
                count=count,
            )
            planted += count
    return {"trees_grown": grown, "trees_planted": planted}


def _household_energy() -> dict[int, int]:
    return dict(
        Posting.objects.filter(account__kind="household", account__unit=book.GREEN)
        .values_list("account__owner_id")
        .annotate(n=Sum("amount"))
        .order_by()
    )
