"""Today in the demo city, made through the group-buy services where a person would act.

In every community a leader opens, through ``open_group_buy``:

- one group buy that closed last night and is waiting to be handed out: closed by
  ``close_group_buy``, deliveries recorded by the suppliers with ``record_delivery``, and, once
  the pickup has started, the first orders handed out with ``confirm_pickup``;
- two that are open now, with orders coming in, so the tally is alive.

Most of their orders are the same simulation as the history's, loaded in bulk (placed orders,
stock taken, cancelled ones given back); on top of those, members place orders through
``place_order``, the printed member among them. In the showcase community one delivery is left
for the printed supplier to record.
"""

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.aftersales import services as aftersales
from linli.aftersales.models import Report
from linli.communities.models import Member
from linli.groupbuys import services
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrder

from . import money
from .city import FRESH, MEMBER, SHANGHAI, City, Place, Ware, local
from .history import BASE_RATE, Draw, Item, PlacedOrder, nice, plan_items, simulate_orders
from .loader import Table, next_id, reset_sequences

Advance = Callable[[int], None]

FORMED, EVERYDAY, SPECIAL = "formed", "everyday", "special"


@dataclass
class _Live:
    """A group buy opened today and the orders simulated for it."""

    place: Place
    group_buy: GroupBuy
    items: list[Item]
    item_ids: list[int]
    orders: list[PlacedOrder]
    kind: str  # FORMED, EVERYDAY or SPECIAL

    @property
    def formed(self) -> bool:
        return self.kind == FORMED


class Present:
    """Opens, fills and closes today's group buys."""

    def __init__(self, city: City, *, seed: int, now: datetime | None = None) -> None:
        self.city = city
        self.rng = random.Random(f"{seed}:present")
        self.now = (now or timezone.now()).replace(microsecond=0)
        self.today = timezone.localtime(self.now, SHANGHAI).date()
        self.users: dict[int, User] = {}
        self.live: list[_Live] = []
        self.tally = {"group_buys": 0, "bulk_orders": 0, "service_orders": 0, "after_sales": 0}

    def _user(self, user_id: int) -> User:
        # One object per user, so that each keeps its roles cached across service calls.
        if user_id not in self.users:
            self.users[user_id] = User.objects.get(pk=user_id)
        return self.users[user_id]

    def run(self, advance: Advance) -> dict[str, int]:
        """Open, load, then act; advances twice per community."""
        for place in self.city.places:
            self._open(place)
            advance(1)
        with transaction.atomic():
            self._load()
            # Every order so far was loaded in bulk: put them on the ledger before the
            # services act (and post their own entries).
            money.post_history()
        for place in self.city.places:
            self._act(place)
            advance(1)
        return self.tally

    def _wares(self, place: Place, categories: frozenset[str]) -> list[Ware]:
        month = self.today.month
        return [
            ware
            for sid in place.suppliers
            for ware in self.city.wares_by_supplier[sid]
            if ware.category in categories and ware.good.in_season(month)
        ]

    # -- open --------------------------------------------------------------------------------

    def _open(self, place: Place) -> None:
        rng = self.rng
        showcase = place.index == 0
        fresh = self._wares(place, FRESH) or self._wares(place, frozenset({"grain", "pantry"}))
        everyday = BASE_RATE * place.activity * len(place.households)

        # Formed last night, collected from this afternoon.
        chosen = rng.sample(fresh, min(len(fresh), rng.randint(3, 6)))
        if showcase:
            theirs = [w for w in fresh if w.supplier_id == self.city.showcase_supplier]
            if theirs and not any(w in theirs for w in chosen):
                chosen[0] = theirs[0]
        cutoff = local(self.today - timedelta(days=1), 20)
        self._group_buy(
            place,
            chosen,
            everyday * 1.2,
            title=f"{cutoff.astimezone(SHANGHAI).day}日生鲜团",
            opens=local(self.today - timedelta(days=2), 10),
            cutoff=cutoff,
            pickup=(local(self.today, 15), local(self.today + timedelta(days=1), 20)),
            minimum=0.3,
            kind=FORMED,
        )

        # Open now: the everyday group buy closing tomorrow evening, and a special one.
        cutoff = local(self.today + timedelta(days=1), 20)
        self._group_buy(
            place,
            rng.sample(fresh, min(len(fresh), rng.randint(4, 8))),
            everyday,
            title=f"明日{cutoff.astimezone(SHANGHAI).day}日生鲜团",
            opens=self.now - timedelta(minutes=rng.randint(120, 1200)),
            cutoff=cutoff,
            pickup=(cutoff + timedelta(hours=19), cutoff + timedelta(hours=48)),
            minimum=0.6,
            kind=EVERYDAY,
        )
        special = self._wares(place, frozenset({"fruit", "seafood", "meat"})) or fresh
        picks = rng.sample(special, min(len(special), rng.randint(1, 3)))
        cutoff = local(self.today + timedelta(days=rng.randint(2, 3)), 20)
        self._group_buy(
            place,
            picks,
            everyday * 0.6,
            title=f"{picks[0].name}产地直发",
            opens=self.now - timedelta(minutes=rng.randint(30, 300)),
            cutoff=cutoff,
            pickup=(cutoff + timedelta(hours=19), cutoff + timedelta(hours=25)),
            minimum=1.0,
            kind=SPECIAL,
        )

    def _group_buy(
        self,
        place: Place,
        wares: list[Ware],
        expected: float,
        *,
        title: str,
        opens: datetime,
        cutoff: datetime,
        pickup: tuple[datetime, datetime],
        minimum: float,
        kind: str,
    ) -> None:
        """Plan and simulate a group buy, then open it through the service."""
        rng = self.rng
        items, units = plan_items(rng, wares, expected)
        formed = kind == FORMED
        orders = simulate_orders(
            rng,
            place=place,
            households=Draw(place.households, place.propensity),
            items=items,
            expected=expected,
            opens=int(opens.timestamp()),
            cutoff=int(cutoff.timestamp()),
            until=int(min(cutoff, self.now).timestamp()),
        )
        # The leader set the minimum from what they expected over the whole window.
        min_to_form = nice(max(1, units * minimum * rng.uniform(0.6, 1.0)))
        if formed:
            placed = sum(sum(o.lines.values()) for o in orders if o.cancelled_at is None)
            min_to_form = max(1, min(min_to_form, placed))
        leader = self._user(place.leaders[0][1])
        group_buy = services.open_group_buy(
            actor=leader,
            community_id=place.id,
            title=title,
            items=[
                services.ItemSpec(item.ware.id, item.price_fen, item.stock, item.limit)
                for item in items
            ],
            min_to_form=min_to_form,
            opens_at=opens,
            cutoff_at=cutoff,
            pickup_starts_at=pickup[0],
            pickup_ends_at=pickup[1],
            now=opens if formed else self.now,
        )
        item_ids = list(group_buy.items.order_by("position").values_list("id", flat=True))
        self.live.append(_Live(place, group_buy, items, item_ids, orders, kind))
        self.tally["group_buys"] += 1

    # -- load --------------------------------------------------------------------------------

    def _load(self) -> None:
        """The simulated orders, placed (or cancelled) and their stock taken, in bulk."""
        rng = self.rng
        order_id = next_id(Order)
        orders, lines, stock = [], [], []
        for live in self.live:
            codes: set[int] = set()
            for order in live.orders:
                code = rng.randrange(10**12)
                while code in codes:
                    code = rng.randrange(10**12)
                codes.add(code)
                cancelled = order.cancelled_at is not None
                total = sum(live.items[i].price_fen * q for i, q in order.lines.items())
                orders.append(
                    (order_id, live.group_buy.pk, order.household, order.placer,
                     Order.Status.CANCELLED if cancelled else Order.Status.PLACED, f"{code:012d}",
                     Order.Pickup.NONE, order.note, total, order.at,
                     order.cancelled_at or order.at, order.cancelled_at)
                )  # fmt: skip
                for index, quantity in sorted(order.lines.items()):
                    lines.append(
                        (order_id, live.item_ids[index], quantity, live.items[index].price_fen, 0)
                    )
                order_id += 1
            for item, item_id in zip(live.items, live.item_ids, strict=True):
                stock.append(GroupBuyItem(pk=item_id, stock_left=item.left))
        Table(
            Order,
            ["id", "group_buy", "household", "placed_by", "status", "pickup_code", "pickup", "note",
             "total_fen", "placed_at", "updated_at", "cancelled_at"],
        ).insert(orders)  # fmt: skip
        Table(OrderLine, ["order", "item", "quantity", "unit_price_fen", "picked_up"]).insert(lines)
        GroupBuyItem.objects.bulk_update(stock, ["stock_left"], batch_size=500)
        reset_sequences([Order])
        self.tally["bulk_orders"] = len(orders)

    # -- act ---------------------------------------------------------------------------------

    def _act(self, place: Place) -> None:
        """Members order, the cutoff closes, suppliers deliver, the leader hands out."""
        rng = self.rng
        showcase = place.index == 0
        printed = self.city.logins[MEMBER]
        leader = self._user(place.leaders[0][1])
        for live in (live for live in self.live if live.place is place):
            group_buy = live.group_buy
            if live.formed:
                moment = group_buy.cutoff_at - timedelta(minutes=rng.randint(5, 180))
            else:
                moment = self.now - timedelta(seconds=rng.randint(10, 600))
            others = [h for h in place.households if place.placer.get(h) != printed]
            must = None
            if showcase and live.formed:
                # The printed supplier gets a purchase order: someone buys their goods.
                must = next(
                    (
                        item_id
                        for item, item_id in zip(live.items, live.item_ids, strict=True)
                        if item.ware.supplier_id == self.city.showcase_supplier
                    ),
                    None,
                )
            self._order(place, group_buy, rng.choice(others), moment, leader, must=must)
            # The printed member orders in today's everyday group buy, and in the one that
            # closed last night (so the inbox has "your goods are here" once it is delivered).
            if showcase and live.kind in (EVERYDAY, FORMED):
                mine = next(h for h, user in place.placer.items() if user == printed)
                # In the closed one, something another supplier delivers (the printed
                # supplier's delivery is left for the demo).
                delivered = next(
                    (
                        item_id
                        for item, item_id in zip(live.items, live.item_ids, strict=True)
                        if item.ware.supplier_id != self.city.showcase_supplier
                    ),
                    None,
                )
                self._order(
                    place,
                    group_buy,
                    mine,
                    moment + timedelta(seconds=5),
                    leader,
                    must=delivered if live.formed else None,
                )
            if not live.formed:
                continue
            services.close_group_buy(
                actor=None,
                group_buy_id=group_buy.pk,
                now=group_buy.cutoff_at + timedelta(minutes=2),
            )
            delivered_at = min(self.now, local(self.today, 13))
            for purchase_order in PurchaseOrder.objects.filter(group_buy=group_buy).order_by("id"):
                if showcase and purchase_order.supplier_id == self.city.showcase_supplier:
                    continue  # for the printed supplier to record
                services.record_delivery(
                    actor=self._user(self.city.supplier_users[purchase_order.supplier_id]),
                    purchase_order_id=purchase_order.pk,
                    delivered={
                        line.product_id: line.quantity for line in purchase_order.lines.all()
                    },
                    now=delivered_at,
                )
            if self.now >= group_buy.pickup_starts_at:
                first = group_buy.orders.filter(status=Order.Status.CONFIRMED).order_by("seq")
                for order in first[: rng.randint(1, 2)]:
                    services.confirm_pickup(
                        actor=leader, group_buy_id=group_buy.pk, order_id=order.pk, now=self.now
                    )
                self._after_sales(place, leader, group_buy)

    #: What the first collected orders of households that sign in report (after-sales), one in
    #: each of the first communities that have one, and what their leader does: the first (the
    #: showcase's, usually) waits for the leader; then approved, rejected.
    _PROBLEMS = (
        (Report.Kind.SPOILED, "有一份打开就坏了", None),
        (Report.Kind.MISSING, "少了一份", "approve"),
        (Report.Kind.WRONG, "发成了别的", "reject"),
    )

    def _after_sales(self, place: Place, leader: User, group_buy: GroupBuy) -> None:
        """A household that signs in collects its order and reports a problem with it, through
        the services."""
        made = self.tally["after_sales"]
        if made >= len(self._PROBLEMS):
            return
        kind, note, decision = self._PROBLEMS[made]
        order = (
            Order.objects.filter(
                group_buy=group_buy,
                status=Order.Status.CONFIRMED,
                household__members__isnull=False,
            )
            .order_by("seq")
            .first()
        )
        if order is None:
            return
        if order.pickup != Order.Pickup.FULL:
            services.confirm_pickup(
                actor=leader, group_buy_id=group_buy.pk, order_id=order.pk, now=self.now
            )
        member = Member.objects.filter(household_id=order.household_id).order_by("id").first()
        line = order.lines.filter(picked_up__gt=0).order_by("id").first()
        if member is None or line is None:
            return
        self.tally["after_sales"] += 1
        report = aftersales.report_problem(
            actor=self._user(member.user_id),
            order_line_id=line.pk,
            quantity=1,
            kind=kind,
            note=note,
            now=self.now,
        )
        if decision is not None:
            aftersales.decide_report(
                actor=leader,
                report_id=report.pk,
                choice=decision,
                reason="" if decision == "approve" else "照片里看是对的",
                now=self.now,
            )

    def _order(
        self,
        place: Place,
        group_buy: GroupBuy,
        household: int,
        moment: datetime,
        leader: User,
        *,
        must: int | None = None,
    ) -> None:
        """One order through ``place_order``: by the household's member, or by the leader for
        a household without one; within stock and limits; with item ``must`` if it has stock."""
        rng = self.rng
        items = [i for i in group_buy.items.order_by("position") if i.stock_left > 0]
        taken: dict[int, int] = {}
        for item_id, quantity in OrderLine.objects.filter(
            order__group_buy=group_buy,
            order__household_id=household,
            order__status=Order.Status.PLACED,
        ).values_list("item_id", "quantity"):
            taken[item_id] = taken.get(item_id, 0) + quantity
        wanted = rng.sample(items, min(len(items), rng.randint(1, 3)))
        wanted = [i for i in items if i.pk == must and i not in wanted] + wanted
        lines = {}
        for item in wanted:
            room = (item.per_household_limit or 99) - taken.get(item.pk, 0)
            quantity = min(rng.choice((1, 1, 2)), item.stock_left, room)
            if quantity > 0:
                lines[item.pk] = quantity
        if not lines:
            return
        placer = place.placer.get(household)
        services.place_order(
            actor=self._user(placer) if placer else leader,
            group_buy_id=group_buy.pk,
            lines=lines,
            household_id=None if placer else household,
            now=moment,
        )
        self.tally["service_orders"] += 1
