"""Reads of the storefronts, shared by pages, API and CLI. A read never writes. Suppliers
and members alike see follower counts and ratings, never which household follows or rated."""

from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Count, F, QuerySet, Sum

from linli.accounts.roles import Roles
from linli.aftersales.selectors import Rate, complaint_rates
from linli.catalog.models import Product, Supplier
from linli.groupbuys.errors import OfferNotFound, PresaleNotFound
from linli.groupbuys.models import (
    GroupBuy,
    GroupBuyItem,
    HelpSellOffer,
    HelpSellPass,
    Order,
    OrderLine,
    Presale,
)
from linli.groupbuys.selectors import chain_above

from . import rules
from .errors import PhotoNotFound, StorefrontNotFound
from .models import Follow, Photo, ProductStory, Rating, Storefront, Update


@dataclass
class ProductShown:
    product: Product
    story: ProductStory | None
    photo_ids: list[int]
    ratings: int
    average_tenths: int | None


@dataclass
class StorefrontShown:
    supplier: Supplier
    storefront: Storefront | None
    products: list[ProductShown]
    photo_ids: list[int]
    updates: list[Update]
    followers: int
    following: bool
    may_edit: bool
    may_follow: bool
    rate: Rate | None
    ratings: list[Rating] = field(default_factory=list)

    @property
    def average_tenths(self) -> int | None:
        return rules.average_tenths(rating.stars for rating in self.ratings)


def supplier_shown(supplier_id: int) -> Supplier:
    supplier = Supplier.objects.filter(pk=supplier_id, active=True).first()
    if supplier is None:
        raise StorefrontNotFound()
    return supplier


def storefront(who: Roles, supplier_id: int, *, updates: int = 10) -> StorefrontShown:
    """Everything the public page shows of one farm. Open to anyone: it holds no household."""
    supplier = supplier_shown(supplier_id)
    front = Storefront.objects.filter(supplier=supplier).first()
    products = list(Product.objects.filter(supplier=supplier, active=True).order_by("name"))
    stories = {s.product_id: s for s in ProductStory.objects.filter(product__in=products)}
    pictures = list(
        Photo.objects.filter(supplier=supplier, update__isnull=True).values_list("pk", "product_id")
    )
    by_product: dict[int, list[int]] = {}
    for pk, product_id in pictures:
        by_product.setdefault(product_id or 0, []).append(pk)
    given: dict[int, list[int]] = {}
    for product_id, stars in Rating.objects.filter(supplier=supplier).values_list(
        "product_id", "stars"
    ):
        given.setdefault(product_id, []).append(stars)
    ratings = list(
        Rating.objects.filter(supplier=supplier).select_related(
            "product", "household__building__community"
        )[:20]
    )
    return StorefrontShown(
        supplier=supplier,
        storefront=front,
        products=[
            ProductShown(
                product=product,
                story=stories.get(product.pk),
                photo_ids=by_product.get(product.pk, []),
                ratings=len(given.get(product.pk, [])),
                average_tenths=rules.average_tenths(given.get(product.pk, [])),
            )
            for product in products
        ],
        photo_ids=by_product.get(0, []),
        updates=list(Update.objects.filter(supplier=supplier).prefetch_related("photos")[:updates]),
        followers=Follow.objects.filter(supplier=supplier).count(),
        following=who.household_id is not None
        and Follow.objects.filter(supplier=supplier, household_id=who.household_id).exists(),
        may_edit=rules.may_edit(who, supplier.pk),
        may_follow=rules.may_follow(who),
        rate=next(iter(complaint_rates(supplier_ids=[supplier.pk])), None),
        ratings=ratings,
    )


def storefronts() -> QuerySet[Supplier]:
    """Every active supplier, with how many follow it."""
    return (
        Supplier.objects.filter(active=True)
        .annotate(follower_count=Count("followers"))
        .order_by("name", "id")
    )


def photo_for(photo_id: int) -> Photo:
    """A storefront's photo: public, as the storefront is (an inactive supplier's are not)."""
    photo = Photo.objects.filter(pk=photo_id, supplier__active=True).first()
    if photo is None:
        raise PhotoNotFound()
    return photo


def followed(who: Roles) -> QuerySet[Supplier]:
    if who.household_id is None:
        return Supplier.objects.none()
    return Supplier.objects.filter(followers__household_id=who.household_id, active=True).order_by(
        "name", "id"
    )


@dataclass(frozen=True)
class NewsLine:
    """A line on the front door from a farm the household follows: an update or an offer."""

    supplier_id: int
    supplier: str
    text: str
    at: datetime
    group_buy_id: int | None = None


def news(who: Roles, *, limit: int = 5) -> list[NewsLine]:
    """The latest updates of the farms the household follows, and their products on offer in
    open group buys of its community, newest first."""
    if who.household_id is None:
        return []
    suppliers = list(
        Follow.objects.filter(household_id=who.household_id).values_list("supplier_id", flat=True)
    )
    if not suppliers:
        return []
    lines = [
        NewsLine(u.supplier_id, u.supplier.name, u.text, u.posted_at)
        for u in Update.objects.filter(supplier_id__in=suppliers).select_related("supplier")[:limit]
    ]
    if who.community_id is not None:
        offers = (
            GroupBuyItem.objects.filter(
                product__supplier_id__in=suppliers,
                group_buy__community_id=who.community_id,
                group_buy__status=GroupBuy.Status.OPEN,
            )
            .select_related("product__supplier", "group_buy")
            .order_by("-group_buy__opens_at", "-id")[:limit]
        )
        lines += [
            NewsLine(
                item.product.supplier_id,
                item.product.supplier.name,
                item.product.name,
                item.group_buy.opens_at,
                item.group_buy_id,
            )
            for item in offers
        ]
    return sorted(lines, key=lambda line: line.at, reverse=True)[:limit]


def order_suppliers(who: Roles, order_id: int) -> list[Supplier]:
    """The farms whose goods are in one of the household's orders (for the story links)."""
    order = Order.objects.filter(pk=order_id).first()
    if order is None or not (
        order.household_id == who.household_id or order.placed_by_id == who.user_id
    ):
        raise StorefrontNotFound()
    return list(
        Supplier.objects.filter(
            pk__in=GroupBuyItem.objects.filter(lines__order=order).values("product__supplier_id")
        ).order_by("name")
    )


def personal_data(household_id: int) -> dict[str, list[dict]]:
    """The household's own follows and ratings, as plain rows."""
    return {
        "storefronts_follow": [
            {"supplier_id": f.supplier_id, "since": f.since.isoformat()}
            for f in Follow.objects.filter(household_id=household_id).order_by("id")
        ],
        "storefronts_rating": [
            {
                "product_id": r.product_id,
                "stars": r.stars,
                "comment": r.comment,
                "rated_at": r.rated_at.isoformat(),
            }
            for r in Rating.objects.filter(household_id=household_id).order_by("id")
        ],
    }


# ---------------------------------------------------------------------------------------------
# Presales and help-sell, as each party may see them (decision 0038): a supplier its own, with
# quantities per community and per leader; a leader the open presales, the offers it holds with
# the chain above it, and its own communities' figures; members never see supply prices or
# shares, and nobody outside a community sees its households.


@dataclass(frozen=True)
class PresaleCommunity:
    group_buy_id: int
    community: str
    status: str
    status_label: str
    ordered: int
    delivered: int | None


@dataclass
class PresaleShown:
    presale: Presale
    communities: list[PresaleCommunity]

    @property
    def worth_harvesting(self) -> bool:
        return self.presale.sold >= self.presale.minimum


def _presale_communities(
    presale: Presale, community_ids: set[int] | None
) -> list[PresaleCommunity]:
    items = (
        GroupBuyItem.objects.filter(presale=presale)
        .select_related("group_buy__community", "po_line")
        .order_by("group_buy__cutoff_at", "pk")
    )
    if community_ids is not None:
        items = items.filter(group_buy__community_id__in=community_ids)
    shown = []
    for item in items:
        po_line = getattr(item, "po_line", None)
        shown.append(
            PresaleCommunity(
                group_buy_id=item.group_buy_id,
                community=item.group_buy.community.name,
                status=item.group_buy.status,
                status_label=str(item.group_buy.get_status_display()),
                ordered=item.stock_initial - item.stock_left,
                delivered=po_line.delivered if po_line is not None else None,
            )
        )
    return shown


def presales(who: Roles) -> QuerySet[Presale]:
    """A supplier's own presales; for leaders and operators every presale (open first)."""
    found = Presale.objects.select_related("product", "supplier").order_by(
        "-status", "harvest_on", "pk"
    )
    if who.operator or who.leader_id is not None:
        return found
    if who.supplier_ids:
        return found.filter(supplier_id__in=who.supplier_ids)
    raise PresaleNotFound()


def presale(who: Roles, presale_id: int) -> PresaleShown:
    """One presale: its supplier and operators see every community's quantities, a leader its
    own communities' (no household anywhere)."""
    found = presales(who).filter(pk=presale_id).first()
    if found is None:
        raise PresaleNotFound()
    everyone = who.operator or found.supplier_id in who.supplier_ids
    return PresaleShown(
        presale=found,
        communities=_presale_communities(found, None if everyone else set(who.led_community_ids)),
    )


@dataclass(frozen=True)
class LeaderSold:
    leader_id: int
    leader: str
    depth: int
    share_ppm: int
    units: int
    sales_fen: int


@dataclass
class OfferShown:
    offer: HelpSellOffer
    passes: list[HelpSellPass]  # every level, for the supplier; for a leader, its chain above
    sold: list[LeaderSold]


def _leader_name(leader) -> str:
    return leader.user.get_full_name() or leader.user.username


def _sold_by(pass_ids: list[int]) -> dict[int, tuple[int, int]]:
    """Units and sales of confirmed orders per help-sell pass (one GROUP BY)."""
    rows = (
        OrderLine.objects.filter(
            item__help_sell_id__in=pass_ids,
            order__status__in=[Order.Status.CONFIRMED, Order.Status.PLACED],
        )
        .values_list("item__help_sell_id")
        .annotate(units=Sum("quantity"), fen=Sum(F("quantity") * F("unit_price_fen")))
        .order_by()
    )
    return {pass_id: (units, fen) for pass_id, units, fen in rows}


def supplier_offers(who: Roles) -> list[OfferShown]:
    """The supplier's help-sell offers, each with every leader of its chains and what each
    sold (units and sales, never a household)."""
    if not (who.operator or who.supplier_ids):
        raise OfferNotFound()
    found = HelpSellOffer.objects.select_related("product").order_by("-created_at", "-pk")
    if not who.operator:
        found = found.filter(supplier_id__in=who.supplier_ids)
    offers = list(found[:100])
    passes = list(
        HelpSellPass.objects.filter(offer__in=offers)
        .select_related("leader__user")
        .order_by("offer_id", "depth", "pk")
    )
    sold = _sold_by([p.pk for p in passes])
    by_offer: dict[int, list[HelpSellPass]] = {}
    for held in passes:
        by_offer.setdefault(held.offer_id, []).append(held)
    return [
        OfferShown(
            offer=offer,
            passes=by_offer.get(offer.pk, []),
            sold=[
                LeaderSold(
                    held.leader_id,
                    _leader_name(held.leader),
                    held.depth,
                    held.share_ppm,
                    *sold.get(held.pk, (0, 0)),
                )
                for held in by_offer.get(offer.pk, [])
            ],
        )
        for offer in offers
    ]


@dataclass
class PassShown:
    held: HelpSellPass
    chain: list[HelpSellPass]  # from the first leader down to this one
    passed_to: list[HelpSellPass]
    units: int
    sales_fen: int
    may_pass_on: bool


def passes_held(who: Roles) -> list[PassShown]:
    """The offers the leader holds, each with the chain above it and the leaders it passed
    it to; what the leader's own group buys sold of it. Operators see every pass."""
    found = HelpSellPass.objects.select_related("offer__product", "offer__supplier", "leader__user")
    if not who.operator:
        if who.leader_id is None:
            raise OfferNotFound()
        found = found.filter(leader_id=who.leader_id)
    held = list(found.order_by("-passed_at", "-pk")[:100])
    return [_pass_shown(p) for p in held]


def pass_for(who: Roles, pass_id: int) -> PassShown:
    held = (
        HelpSellPass.objects.filter(pk=pass_id)
        .select_related("offer__product", "offer__supplier", "leader__user")
        .first()
    )
    if held is None or not (who.operator or held.leader_id == who.leader_id):
        raise OfferNotFound()
    return _pass_shown(held)


def _pass_shown(held: HelpSellPass) -> PassShown:
    units, fen = _sold_by([held.pk]).get(held.pk, (0, 0))
    return PassShown(
        held=held,
        chain=chain_above(held),
        passed_to=list(held.children.select_related("leader__user").order_by("pk")),
        units=units,
        sales_fen=fen,
        may_pass_on=held.stopped_at is None and held.depth < held.offer.max_depth,
    )
