"""The demo city's farmers direct: stories for the first suppliers and their products,
updates from the fields, follows, ratings from households that collected; a presale of the
showcase farm shared by three communities' group buys; and a help-sell chain from the
showcase farm through the printed leader to a second leader who sells it. Through the services
where a person would act, in bulk for follows and ratings. Deterministic for a seed and a day.
"""

import random
from datetime import datetime, timedelta

from django.db.models import Min
from django.utils import timezone

from linli.accounts.models import User
from linli.catalog.models import Product, Supplier
from linli.communities.models import Leader, Member
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import OrderLine
from linli.storefronts import services
from linli.storefronts.models import Follow, Rating

from .city import LEADER, MEMBER, City

MOST_SUPPLIERS = 6
STORIES = {
    "farm": (
        "我们是{region}的一个家庭农场,三代人种地。{name}的地不打除草剂,靠人工除草和轮作。",
        "早上五点摘,当天冷链送到小区,路上不超过八小时。",
    ),
    "coop": (
        "{name}由{region}的四十多户农户组成,统一品种、统一标准,分户种植。",
        "社员轮流值班质检,不合格的不装箱。",
    ),
    "merchant": (
        "{name}在{region}做了十几年批发,只挑自己家也吃的货。",
        "每批货都有产地证明,冷库常年保持四度。",
    ),
}
KEEPING = {
    "vegetable": ("用报纸包好放冰箱冷藏,三天内吃完。", "清炒、白灼,少放调料吃本味。"),
    "fruit": ("常温放一两天更甜,吃前再洗。", "直接吃,或者做果酱。"),
    "meat": ("冷冻保存,吃前一晚放冷藏解冻。", "红烧、炖汤都好。"),
    "seafood": ("买回当天吃最好,冷藏不超过一天。", "清蒸,淋一点蒸鱼豉油。"),
    "eggs_dairy": ("冷藏保存,大头朝上。", "蒸蛋羹、煮茶叶蛋。"),
    "grain": ("密封放阴凉干燥处。", "淘一遍就好,别搓。"),
    "pantry": ("开封后放冰箱。", "做菜时少量加入。"),
    "household": ("放干燥处。", "按说明使用。"),
}
UPDATES = (
    "今年雨水足,长势比去年好。",
    "下周开始采收,先到的先发。",
    "欢迎大家周末来地里看看。",
)


def _season(months: frozenset[int]) -> str:
    ordered = sorted(months)
    return f"{ordered[0]}月到{ordered[-1]}月" if ordered else "全年"


def build(city: City, *, seed: int, now: datetime) -> dict[str, int]:
    rng = random.Random(f"storefronts-{seed}")
    showcase = city.showcase_supplier
    suppliers = list(Supplier.objects.filter(active=True).order_by("pk")[: MOST_SUPPLIERS - 1])
    if showcase and showcase not in {s.pk for s in suppliers}:
        suppliers.insert(0, Supplier.objects.get(pk=showcase))
    staff = User.objects.in_bulk([city.supplier_users[s.pk] for s in suppliers])
    months = {ware.id: ware.good.months for ware in city.wares}
    for supplier in suppliers:
        actor = staff[city.supplier_users[supplier.pk]]
        story, growing = STORIES.get(supplier.kind, STORIES["farm"])
        region = supplier.region or "上海郊区"
        services.edit_storefront(
            actor=actor,
            supplier_id=supplier.pk,
            place=region,
            map_url=f"https://uri.amap.com/search?keyword={supplier.name}",
            story=story.format(name=supplier.name, region=region),
            growing=growing,
            certifications="绿色食品认证" if supplier.kind != "merchant" else "",
            story_en=f"{supplier.name} sells to Linli's communities directly.",
            now=now,
        )
        for product in Product.objects.filter(supplier=supplier, active=True)[:8]:
            keeping, preparing = KEEPING.get(product.category, KEEPING["pantry"])
            services.edit_product_story(
                actor=actor,
                product_id=product.pk,
                growing="露天种植,人工采摘。" if product.category in ("vegetable", "fruit") else "",
                season=_season(months.get(product.pk, frozenset())),
                keeping=keeping,
                preparing=preparing,
                now=now,
            )
        for hours, text in zip((30, 6), rng.sample(UPDATES, 2), strict=True):
            services.post_update(
                actor=actor, supplier_id=supplier.pk, text=text, now=now - timedelta(hours=hours)
            )

    # Follows: the printed member follows the showcase farm; about one household in five of
    # the first communities follows one of the storefronts.
    member = User.objects.get(pk=city.logins[MEMBER])
    follows = [Follow(household_id=member.member.household_id, supplier_id=showcase, since=now)]
    seen = {(member.member.household_id, showcase)}
    for place in city.places[:10]:
        for household in place.households:
            if rng.random() < 0.2:
                supplier = rng.choice(suppliers).pk
                if (household, supplier) not in seen:
                    seen.add((household, supplier))
                    follows.append(Follow(household_id=household, supplier_id=supplier, since=now))
    Follow.objects.bulk_create(follows)

    # Ratings: households that collected the storefronts' goods in the history, one rating per
    # household and product, 4 or 5 stars mostly.
    collected = (
        OrderLine.objects.filter(picked_up__gt=0, item__product__supplier__in=suppliers)
        .values("order__household_id", "item__product_id", "item__product__supplier_id")
        .annotate(at=Min("order__collected_at"))
        .order_by("order__household_id", "item__product_id")[:3000]
    )
    rated_by = dict(Member.objects.values_list("household_id", "user_id").order_by("-pk"))
    ratings = [
        Rating(
            household_id=row["order__household_id"],
            product_id=row["item__product_id"],
            supplier_id=row["item__product__supplier_id"],
            stars=rng.choices((5, 4, 3, 2), weights=(60, 28, 9, 3))[0],
            comment=rng.choice(("", "", "新鲜", "很好吃", "下次还买", "个头有点小")),
            rated_by_id=rated_by[row["order__household_id"]],
            rated_at=row["at"] or now,
        )
        for row in collected
        if row["order__household_id"] in rated_by and rng.random() < 0.15
    ]
    Rating.objects.bulk_create(ratings)
    return {
        "storefronts": len(suppliers),
        "follows": len(follows),
        "ratings": len(ratings),
        **_presale_and_chain(city, showcase, now),
    }


def _presale_and_chain(city: City, showcase: int, now: datetime) -> dict[str, int]:
    """The showcase farm's presale sold in three communities, and its help-sell chain."""
    farmer = User.objects.get(pk=city.supplier_users[showcase])
    products = list(Product.objects.filter(supplier_id=showcase, active=True).order_by("pk")[:2])
    if len(products) < 2:
        return {}
    printed = Leader.objects.get(user_id=city.logins[LEADER])
    others = Leader.objects.exclude(pk=printed.pk).filter(active=True).order_by("pk")[:2]
    leaders = [printed, *others]
    presale = groupbuys.open_presale(
        actor=farmer,
        product_id=products[0].pk,
        price_fen=products[0].suggested_price_fen,
        harvest_on=timezone.localdate(now) + timedelta(days=10),
        total=300,
        minimum=100,
        now=now,
    )
    cutoff = now + timedelta(days=3)
    opened = []
    for leader in leaders:
        community = leader.communities.order_by("pk").first()
        if community is None:
            continue
        opened.append(
            services.sell_in_community(
                actor=leader.user,
                community_id=community.pk,
                stock=120,
                cutoff_at=cutoff,
                presale_id=presale.pk,
                now=now,
            )
        )
    placed = 0
    for group_buy in opened:
        item = group_buy.items.get()
        buyers = Member.objects.filter(
            household__building__community_id=group_buy.community_id
        ).order_by("pk")[:12]
        for number, buyer in enumerate(buyers):
            groupbuys.place_order(
                actor=buyer.user,
                group_buy_id=group_buy.pk,
                lines={item.pk: 1 + number % 3},
                now=now,
            )
            placed += 1

    offer = groupbuys.offer_help_sell(
        actor=farmer,
        product_id=products[1].pk,
        supply_price_fen=products[1].cost_fen,
        suggested_price_fen=max(products[1].suggested_price_fen, products[1].cost_fen),
        leader_ids=[printed.pk],
        now=now,
    )
    if len(leaders) > 1:
        helper = leaders[1]
        passed = groupbuys.pass_on(
            actor=printed.user,
            pass_id=offer.passes.get().pk,
            to_leader_id=helper.pk,
            share_ppm=300_000,
            now=now,
        )
        community = helper.communities.order_by("pk").first()
        if community is not None:
            group_buy = services.sell_in_community(
                actor=helper.user,
                community_id=community.pk,
                stock=80,
                cutoff_at=cutoff,
                help_sell_id=passed.pk,
                now=now,
            )
            item = group_buy.items.get()
            for buyer in Member.objects.filter(
                household__building__community_id=community.pk
            ).order_by("-pk")[:8]:
                groupbuys.place_order(
                    actor=buyer.user, group_buy_id=group_buy.pk, lines={item.pk: 1}, now=now
                )
                placed += 1
    return {"presale group buys": len(opened), "presale and help-sell orders": placed}
