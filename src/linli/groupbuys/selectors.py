"""Reads shared by the API, the pages and the command line. Each takes the caller's roles
and returns only what that caller may see; the number of queries never grows with the number
of orders."""

import re
from contextlib import suppress
from dataclasses import dataclass
from functools import cache

from django.db import connection
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.catalog.models import Product
from linli.communities.models import Community
from linli.core.rows import Picked, storable_id

from . import rules
from .errors import (
    GroupBuyNotFound,
    NotLeader,
    OrderNotFound,
    PickupCodeUnknown,
    PickupCodeUnreadable,
    PurchaseOrderNotFound,
)
from .models import (
    GroupBuy,
    GroupBuyItem,
    HelpSellPass,
    Order,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from .pickup_codes import read_pickup_code

ACTIVE = (Order.Status.PLACED, Order.Status.CONFIRMED)
# The tables of the written-out reads below, as they are named in them.
_GROUP_BUY, _COMMUNITY = Picked(GroupBuy, "g"), Picked(Community, "c")
_ITEM, _PRODUCT = Picked(GroupBuyItem, "i"), Picked(Product, "p")
_ITEM_AT = len(_GROUP_BUY.fields) + len(_COMMUNITY.fields)


def visible_group_buys(who: Roles) -> QuerySet[GroupBuy]:
    """Operators see all; leaders their communities'; members their own community's."""
    group_buys = GroupBuy.objects.select_related("community")
    if who.operator:
        return group_buys
    scope = Q(community_id__in=who.led_community_ids)
    if who.community_id is not None:
        scope |= Q(community_id=who.community_id)
    return group_buys.filter(scope)


def open_now(who: Roles, limit: int = 8) -> list[GroupBuy]:
    """The group buys of the caller's own community taking orders now, soonest cutoff first
    (the member's home page; written out, as every member's visit asks it)."""
    if who.community_id is None:
        return []
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_open_now_sql(), [who.community_id, GroupBuy.Status.OPEN, now, now, limit])
        return [_GROUP_BUY.build(row)[0] for row in cursor.fetchall()]  # type: ignore[misc]


@cache
def _open_now_sql() -> str:
    g = _GROUP_BUY
    return (
        f"SELECT {g.columns} FROM {g.table} WHERE {g.column('community')} = %s"
        f" AND {g.column('status')} = %s AND {g.column('opens_at')} <= %s"
        f" AND {g.column('cutoff_at')} > %s ORDER BY {g.column('cutoff_at')}, g.id LIMIT %s"
    )


def group_buy_for(who: Roles, group_buy_id: int) -> GroupBuy:
    """The group buy with its community and its items (each with its product, in their order;
    ``group_buy.items.all()`` asks nothing more), if the caller may see it (404 otherwise).

    One written-out query: every group-buy page and call asks it, and the ORM's two took
    several times longer to compose than to run (``docs/decisions/0015-page-speed.md``)."""
    if not storable_id(group_buy_id):
        raise GroupBuyNotFound()
    with connection.cursor() as cursor:
        cursor.execute(_group_buy_sql(), [group_buy_id])
        rows = cursor.fetchall()
    if not rows:
        raise GroupBuyNotFound()
    group_buy, rest = _GROUP_BUY.build(rows[0])
    community, _rest = _COMMUNITY.build(rest)
    assert group_buy is not None and community is not None
    if not who.sees(group_buy.community_id):
        raise GroupBuyNotFound()
    group_buy.community = community
    items = []
    for row in rows:
        item, rest = _ITEM.build(row[_ITEM_AT:])
        if item is not None:
            item.product = _PRODUCT.build(rest)[0]
            item.group_buy = group_buy
            items.append(item)
    prefetched = group_buy.items.get_queryset()  # as prefetch_related leaves it
    prefetched._result_cache, prefetched._prefetch_done = items, True
    group_buy._prefetched_objects_cache = {"items": prefetched}
    return group_buy


@cache
def _group_buy_sql() -> str:
    return (
        f"SELECT {_GROUP_BUY.columns}, {_COMMUNITY.columns}, {_ITEM.columns}, {_PRODUCT.columns}"
        f" FROM {_GROUP_BUY.table}"
        f" JOIN {_COMMUNITY.table} ON c.id = {_GROUP_BUY.column('community')}"
        f" LEFT JOIN {_ITEM.table} ON {_ITEM.column('group_buy')} = g.id"
        f" LEFT JOIN {_PRODUCT.table} ON p.id = {_ITEM.column('product')}"
        f" WHERE g.id = %s"
        f" ORDER BY {_ITEM.column('position')}, {_ITEM.column('id')}"
    )


def managed_group_buy(who: Roles, group_buy_id: int) -> GroupBuy:
    """A group buy the caller runs (leader of its community, or operator)."""
    group_buy = group_buy_for(who, group_buy_id)
    check_manages(who, group_buy)
    return group_buy


def check_manages(who: Roles, group_buy: GroupBuy) -> None:
    """Refuse (403) a caller who sees the group buy but does not run it."""
    if not who.manages(group_buy.community_id):
        raise NotLeader(community=group_buy.community.name)


@dataclass(frozen=True)
class ItemTally:
    item_id: int
    product_id: int
    name: str
    unit: str
    price_fen: int
    stock_initial: int
    stock_left: int
    ordered: int
    households: int


@dataclass(frozen=True)
class Tally:
    group_buy_id: int
    status: str
    threshold: str
    min_to_form: int
    max_to_close: int | None
    fill: int
    to_form: int
    orders: int
    households: int
    units: int
    sales_fen: int
    items: list[ItemTally]


def tally(group_buy: GroupBuy) -> Tally:
    """Orders per item and how far the group buy is from forming: its items (as read with it
    by :func:`group_buy_for`) and one written-out query for the sums, which leaders' pages
    poll every few seconds."""
    with connection.cursor() as cursor:
        cursor.execute(_tally_sql(), [group_buy.pk, *ACTIVE] * 2)
        sums = {item_id: (int(units), buyers, sales) for item_id, units, buyers, sales in cursor}
    orders, households, sales = sums.pop(None, (0, 0, 0))
    rows = []
    for item in group_buy.items.all():
        ordered, buyers, _sales = sums.get(item.pk, (0, 0, None))
        rows.append(
            ItemTally(
                item_id=item.pk,
                product_id=item.product_id,
                name=item.product.name,
                unit=item.product.unit,
                price_fen=item.price_fen,
                stock_initial=item.stock_initial,
                stock_left=item.stock_left,
                ordered=ordered,
                households=buyers,
            )
        )
    units = sum(row.ordered for row in rows)
    fill = rules.fill(group_buy, units=units, households=households)
    return Tally(
        group_buy_id=group_buy.pk,
        status=group_buy.status,
        threshold=group_buy.threshold,
        min_to_form=group_buy.min_to_form,
        max_to_close=group_buy.max_to_close,
        fill=fill,
        to_form=rules.to_form(group_buy, fill),
        orders=orders,
        households=households,
        units=units,
        sales_fen=int(sales),
        items=rows,
    )


@cache
def _tally_sql() -> str:
    """Per item (units ordered, households), then the whole (NULL: orders, households, sales)."""
    line, order = Picked(OrderLine, "l"), Picked(Order, "o")
    active = f"{order.column('group_buy')} = %s AND {order.column('status')} IN (%s, %s)"
    households = f"COUNT(DISTINCT {order.column('household')})"
    return (
        f"SELECT {line.column('item')}, SUM({line.column('quantity')}), {households}, NULL"
        f" FROM {line.table} JOIN {order.table} ON o.id = {line.column('order')}"
        f" WHERE {active} GROUP BY {line.column('item')}"
        f" UNION ALL SELECT NULL, COUNT(*), {households},"
        f" COALESCE(SUM({order.column('total_fen')}), 0) FROM {order.table} WHERE {active}"
    )


def _with_lines(orders: QuerySet[Order]) -> QuerySet[Order]:
    lines = OrderLine.objects.select_related("item__product").order_by("item__position", "item_id")
    return orders.select_related(
        "household__building", "group_buy__community", "placed_by"
    ).prefetch_related(Prefetch("lines", queryset=lines))


def visible_orders(who: Roles) -> QuerySet[Order]:
    """Members see their household's orders; leaders their communities'; operators all."""
    if who.operator:
        return _with_lines(Order.objects.all())
    scope = Q(group_buy__community_id__in=who.led_community_ids)
    if who.household_id is not None:
        scope |= Q(household_id=who.household_id)
    if who.user_id is not None:
        scope |= Q(placed_by_id=who.user_id)  # orders placed for a neighbour
    return _with_lines(Order.objects.filter(scope))


def own_orders(who: Roles) -> QuerySet[Order]:
    """A member's "my orders": their household's, and those they placed for a neighbour
    (leaders' view of the whole community is ``visible_orders``)."""
    scope = Q(pk__in=[])
    if who.household_id is not None:
        scope |= Q(household_id=who.household_id)
    if who.user_id is not None:
        scope |= Q(placed_by_id=who.user_id)
    return _with_lines(Order.objects.filter(scope)).order_by("-placed_at", "-id")


def short_deliveries(order: Order) -> dict[int, tuple[int, int]]:
    """For each item of the order whose supplier delivered less than was ordered for the
    community: ``{item_id: (delivered, ordered)}``. One query."""
    item_ids = [line.item_id for line in order.lines.all()]
    rows = PurchaseOrderLine.objects.filter(
        item_id__in=item_ids, delivered__isnull=False, delivered__lt=F("quantity")
    ).values_list("item_id", "delivered", "quantity")
    return {item_id: (delivered, quantity) for item_id, delivered, quantity in rows}


def order_for(who: Roles, order_id: int) -> Order:
    order = visible_orders(who).filter(pk=order_id).first()
    if order is None:
        raise OrderNotFound()
    return order


def orders_of_group_buy(who: Roles, group_buy: GroupBuy) -> QuerySet[Order]:
    """All orders for the group buy's leaders; the caller's household's orders otherwise."""
    orders = visible_orders(who).filter(group_buy=group_buy)
    if not who.manages(group_buy.community_id):
        orders = orders.filter(household_id=who.household_id)
    return orders.order_by("seq", "placed_at", "id")


def stock_on_offer(who: Roles) -> dict[int, dict]:
    """Per product of the caller's suppliers, the stock in open group buys: ``stock`` offered
    and ``left``. One query."""
    items = GroupBuyItem.objects.filter(
        product__supplier_id__in=who.supplier_ids, group_buy__status=GroupBuy.Status.OPEN
    )
    return {
        row["product_id"]: row
        for row in items.values("product_id").annotate(
            stock=Sum("stock_initial"), left=Sum("stock_left")
        )
    }


@dataclass(frozen=True)
class Ordered:
    id: int
    total_fen: int


def household_orders(who: Roles, group_buy: GroupBuy) -> list[Ordered]:
    """The caller's household's live orders in the group buy, for the line "your household
    already ordered" on its page. Written out: every member's view of the page asks it."""
    if who.household_id is None:
        return []
    with connection.cursor() as cursor:
        cursor.execute(_household_orders_sql(), [group_buy.pk, who.household_id, *ACTIVE])
        return [Ordered(*row) for row in cursor]


@cache
def _household_orders_sql() -> str:
    order = Picked(Order, "o")
    return (
        f"SELECT o.id, {order.column('total_fen')} FROM {order.table}"
        f" WHERE {order.column('group_buy')} = %s AND {order.column('household')} = %s"
        f" AND {order.column('status')} IN (%s, %s)"
        f" ORDER BY {order.column('seq')}, {order.column('placed_at')}, o.id"
    )


@dataclass(frozen=True)
class BuildingSummary:
    building_id: int
    name: str
    orders: int
    units: int


def distribution_summary(group_buy: GroupBuy) -> list[BuildingSummary]:
    """Per building: how many orders and units to hand out. One query."""
    confirmed = Order.objects.filter(group_buy=group_buy, status=Order.Status.CONFIRMED)
    rows = (
        OrderLine.objects.filter(order__in=confirmed)
        .values("order__household__building_id", "order__household__building__name")
        # Units to hand out: each line's share once a short delivery is shared out.
        .annotate(
            orders=Count("order", distinct=True),
            units=Sum(Coalesce("allocated", "quantity")),
        )
        .order_by("order__household__building__position", "order__household__building__name")
    )
    return [
        BuildingSummary(
            building_id=row["order__household__building_id"],
            name=row["order__household__building__name"],
            orders=row["orders"],
            units=row["units"],
        )
        for row in rows
    ]


def distribution_for_building(group_buy: GroupBuy, building_id: int) -> QuerySet[Order]:
    """Who gets what in one building, by room."""
    return _with_lines(
        Order.objects.filter(
            group_buy=group_buy,
            status=Order.Status.CONFIRMED,
            household__building_id=building_id,
        )
    ).order_by("household__room", "seq")


def distribution_orders(group_buy: GroupBuy) -> QuerySet[Order]:
    """Who gets what in every building: by building, then room, then 跟团号."""
    return _with_lines(
        Order.objects.filter(group_buy=group_buy, status=Order.Status.CONFIRMED)
    ).order_by(
        "household__building__position", "household__building__name", "household__room", "seq"
    )


_BUILDING_ROOM = re.compile(
    r"^\s*([0-9A-Za-z]+)\s*(?:号楼|号|栋|幢|座|#|-|—|/|\s)\s*(?:[0-9]+\s*单元\s*)?([0-9A-Za-z]+)\s*室?\s*$"
)


def find_orders_for_pickup(
    group_buy: GroupBuy,
    *,
    query: str = "",
    code: str | None = None,
    seq: int | None = None,
    building: str | None = None,
    room: str | None = None,
    phone_last4: str | None = None,
) -> QuerySet[Order]:
    """Orders of a formed group buy matching what the leader typed or scanned at the gate.

    ``query`` is read the way a leader types it: twelve digits are a pickup code; a short
    number is a 跟团号 or the last four digits of a phone; ``3-1201``, ``3号楼1201``,
    ``3栋1单元1201`` are building and room; the address a pickup QR holds is its code.
    """
    orders = Order.objects.filter(group_buy=group_buy, status=Order.Status.CONFIRMED)
    match = Q(pk__in=[])
    text = "".join(query.split()) if query else ""
    if "/" in text:  # the hand-out address a pickup QR holds, pasted or typed by a scanner
        # Another group buy's address, or not one at all, matches nothing.
        with suppress(PickupCodeUnreadable, PickupCodeUnknown):
            match |= Q(pickup_code=read_pickup_code(text, group_buy_id=group_buy.pk))
        text = ""
    if code:
        match |= Q(pickup_code="".join(code.split()))
    if seq is not None:
        match |= Q(seq=seq)
    if room:
        place = Q(household__room__iexact=room.strip())
        if building:
            name = building.strip()
            place &= Q(household__building__name__iexact=name) | Q(
                household__building__name__regex=rf"^{re.escape(name)}(号楼|号|栋|幢|座)?$"
            )
        match |= place
    if phone_last4:
        match |= Q(household__phone__endswith=phone_last4.strip())
    if text:
        if text.isdigit() and len(text) == 12:
            match |= Q(pickup_code=text)
        elif text.isdigit():
            match |= Q(seq=int(text))
            if len(text) == 4:
                match |= Q(household__phone__endswith=text)
        elif found := _BUILDING_ROOM.match(query):
            number, flat = found.groups()
            match |= Q(household__room__iexact=flat) & Q(
                household__building__name__regex=rf"^{re.escape(number)}(号楼|号|栋|幢|座)?$"
            )
        else:
            match |= Q(household__contact_name__icontains=text)
    return _with_lines(orders.filter(match)).order_by("seq")[:50]


def visible_purchase_orders(who: Roles) -> QuerySet[PurchaseOrder]:
    """Suppliers see theirs; leaders those of their communities; operators all."""
    lines = PurchaseOrderLine.objects.select_related("product").order_by("item__position", "id")
    purchase_orders = PurchaseOrder.objects.select_related(
        "group_buy__community", "supplier"
    ).prefetch_related(Prefetch("lines", queryset=lines))
    if who.operator:
        return purchase_orders
    return purchase_orders.filter(
        Q(supplier_id__in=who.supplier_ids) | Q(group_buy__community_id__in=who.led_community_ids)
    )


def purchase_order_for(who: Roles, purchase_order_id: int) -> PurchaseOrder:
    purchase_order = visible_purchase_orders(who).filter(pk=purchase_order_id).first()
    if purchase_order is None:
        raise PurchaseOrderNotFound()
    return purchase_order


@dataclass(slots=True)
class Shortfall:
    """What one order line did not get of a short delivery, and what that is worth."""

    order_id: int
    seq: int | None
    household_id: int
    item_id: int
    product: str
    unit: str
    ordered: int
    allocated: int
    shortfall: int
    unit_price_fen: int
    refund_fen: int


def shortfalls(group_buy: GroupBuy, *, item_id: int | None = None) -> list[Shortfall]:
    """Order lines left short by a shared-out delivery (allocated < ordered), by 跟团号. One
    query."""
    lines = OrderLine.objects.filter(
        order__group_buy=group_buy,
        order__status=Order.Status.CONFIRMED,
        allocated__isnull=False,
        allocated__lt=F("quantity"),
    )
    if item_id is not None:
        lines = lines.filter(item_id=item_id)
    rows = lines.order_by("order__seq", "order_id", "item_id").values_list(
        "order_id",
        "order__seq",
        "order__household_id",
        "item_id",
        "item__product__name",
        "item__product__unit",
        "quantity",
        "allocated",
        "unit_price_fen",
    )
    return [
        Shortfall(
            order_id=order_id,
            seq=seq,
            household_id=household_id,
            item_id=line_item_id,
            product=product,
            unit=unit,
            ordered=quantity,
            allocated=allocated,
            shortfall=quantity - allocated,
            unit_price_fen=price,
            refund_fen=(quantity - allocated) * price,
        )
        for (
            order_id,
            seq,
            household_id,
            line_item_id,
            product,
            unit,
            quantity,
            allocated,
            price,
        ) in rows
    ]


def shortfall_by_household(group_buy: GroupBuy) -> dict[int, int]:
    """``{household_id: fen}``: the value of what each household ordered and was not given
    of short deliveries shared out so far, over every item of the group buy. One GROUP BY."""
    rows = (
        OrderLine.objects.filter(
            order__group_buy=group_buy,
            order__status=Order.Status.CONFIRMED,
            allocated__isnull=False,
            allocated__lt=F("quantity"),
        )
        .values_list("order__household_id")
        .annotate(fen=Sum((F("quantity") - F("allocated")) * F("unit_price_fen")))
        .order_by()
    )
    return dict(rows)


def chain_above(held: HelpSellPass) -> list[HelpSellPass]:
    """The passes from the first leader down to ``held`` (one query: all the offer's passes)."""
    by_id = {
        p.pk: p
        for p in HelpSellPass.objects.select_related("leader__user").filter(offer_id=held.offer_id)
    }
    chain = [by_id[held.pk]]
    while chain[-1].parent_id is not None:
        chain.append(by_id[chain[-1].parent_id])
    return chain[::-1]


@dataclass(frozen=True)
class HelpSellSale:
    """What one help-sell item of a group buy sold (charges less refunds) and cost at the
    supply price for what was delivered, with its chain from the first leader down to the
    group buy's leader: ``(leader_id, share_ppm)`` per level."""

    item_id: int
    sales_fen: int
    cost_fen: int
    operator_ppm: int
    chain: list[tuple[int, int]]


def help_sell_sales(group_buy: GroupBuy) -> list[HelpSellSale]:
    """The group buy's help-sell items, each with its sales, cost and chain (one GROUP BY,
    one read of the purchase-order lines, one read of the passes per offer)."""
    items = list(
        GroupBuyItem.objects.filter(group_buy=group_buy, help_sell__isnull=False)
        .select_related("help_sell__offer")
        .order_by("pk")
    )
    if not items:
        return []
    sold = dict(
        OrderLine.objects.filter(item__in=items, order__status=Order.Status.CONFIRMED)
        .values_list("item_id")
        .annotate(fen=Sum(Coalesce(F("allocated"), F("quantity")) * F("unit_price_fen")))
        .order_by()
    )
    costs = {
        item_id: rules.line_cost_fen(ordered=ordered, delivered=delivered, unit_cost_fen=cost)
        for item_id, ordered, delivered, cost in PurchaseOrderLine.objects.filter(
            item__in=items
        ).values_list("item_id", "quantity", "delivered", "unit_cost_fen")
    }
    sales = []
    for item in items:
        held = item.help_sell
        assert held is not None
        chain = chain_above(held)
        sales.append(
            HelpSellSale(
                item_id=item.pk,
                sales_fen=sold.get(item.pk, 0) or 0,
                cost_fen=costs.get(item.pk, 0),
                operator_ppm=held.offer.operator_ppm,
                chain=[(p.leader_id, p.share_ppm) for p in chain],
            )
        )
    return sales
