"""Months of past group buys per community, in the state the services would have left them.

The rhythm: each community opens group buys on two or three fixed weekdays (Monday and
Thursday, say), orders close the next evening at 20:00 Shanghai time and goods are collected
the day after. Households order with a Poisson-like count that follows the community's size
and keenness, the weekday, the season and holidays; items come from products in season. A
lockdown-like surge some months back adds a daily 保供 (supply) group buy of staples with
per-household limits, more households ordering, sell-outs and short deliveries.

Every past group buy ends as the services end one:

- formed and then completed: orders confirmed with 跟团号 1… in placement order, one purchase
  order per supplier whose lines are the sums of the confirmed lines per item, deliveries
  recorded, goods handed out (short deliveries shared with vulnerable households first), and
  most orders fully collected;
- or failed: the minimum was not reached and every order failed.

Stock is taken as orders are placed and given back when one is cancelled, so for every item
``stock_left + sum(lines of orders not cancelled) == stock_initial``. The rows are computed
here and loaded in bulk (see ``linli.demo.loader``); no audit events are written for them.
"""

import heapq
import math
import random
from bisect import bisect
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import accumulate
from itertools import count as count_from

from linli.groupbuys.models import (
    GroupBuy,
    GroupBuyItem,
    Order,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)

from . import names
from .city import SHANGHAI, City, Place, Ware
from .loader import Table, next_id
from .scale import Scale

Advance = Callable[[int], None]

WEEKDAYS = "一二三四五六日"

# Orders placed per hour of the Shanghai day, relative to each other.
HOURLY = (
    0.25, 0.1, 0.05, 0.03, 0.03, 0.1, 0.6, 1.5, 1.8, 1.4, 1.0, 1.1,
    1.5, 1.1, 0.8, 0.8, 0.9, 1.1, 1.4, 2.0, 2.3, 2.0, 1.3, 0.6,
)  # fmt: skip

# 春节 (first day of the lunar year): people leave the city the week around it.
SPRING_FESTIVAL = {
    2024: date(2024, 2, 10), 2025: date(2025, 1, 29), 2026: date(2026, 2, 17),
    2027: date(2027, 2, 6), 2028: date(2028, 1, 26), 2029: date(2029, 2, 13),
    2030: date(2030, 2, 3), 2031: date(2031, 1, 23), 2032: date(2032, 2, 11),
}  # fmt: skip


@dataclass(frozen=True)
class Theme:
    label: str
    categories: frozenset[str]
    items: tuple[int, int]
    appeal: float  # share of households ordering, relative to a vegetable group buy
    risky: bool = False  # set a high minimum, so it sometimes fails to form


THEMES = {
    "蔬菜": Theme("蔬菜团", frozenset({"vegetable", "eggs_dairy"}), (4, 9), 1.0),
    "水果": Theme("鲜果团", frozenset({"fruit"}), (1, 4), 0.75, risky=True),
    "肉禽蛋": Theme("肉禽蛋团", frozenset({"meat", "eggs_dairy"}), (3, 6), 0.7),
    "水产": Theme("海鲜水产团", frozenset({"seafood"}), (2, 4), 0.45, risky=True),
    "粮油": Theme("粮油团", frozenset({"grain", "pantry"}), (3, 6), 0.45),
    "日用": Theme("日用百货团", frozenset({"household", "pantry"}), (2, 5), 0.3, risky=True),
    "综合": Theme(
        "生鲜综合团",
        frozenset({"vegetable", "fruit", "meat", "eggs_dairy", "seafood", "grain"}),
        (5, 10),
        1.15,
    ),
}
SUPPLY = Theme("保供团", frozenset(), (4, 8), 1.0)

# Which theme a community runs on the first, second and third group-buy day of its week.
SLOTS = (
    {"综合": 3, "蔬菜": 3, "肉禽蛋": 1},
    {"水果": 3, "蔬菜": 2, "肉禽蛋": 2, "水产": 1},
    {"粮油": 2, "日用": 1, "水果": 2, "水产": 1},
)

WEEKDAY_FACTOR = (1.05, 1.0, 1.0, 1.2, 1.2, 0.9, 1.0)  # opening day: Thursday and Friday's
# group buys are collected at the weekend, when families cook more

BASE_RATE = 0.055  # share of households in an ordinary vegetable group buy
SUPPLY_RATE = 0.2  # share of households in a 保供 group buy at the height of the surge

BULKY = frozenset("箱袋瓶")


def surge_intensity(days_ago: int, surge: tuple[int, int]) -> float:
    """0 outside the surge, rising to 1 within five days and falling off over its last week."""
    start, end = surge
    if not end <= days_ago <= start:
        return 0.0
    return min(1.0, (start - days_ago + 1) / 5, (days_ago - end + 1) / 7)


def holiday_factor(day: date) -> float:
    """Fewer orders over the National Day week and 春节, more in the fortnight before 春节."""
    if day.month == 10 and day.day <= 7:
        return 0.7
    festival = SPRING_FESTIVAL.get(day.year) or SPRING_FESTIVAL.get(day.year + 1)
    if festival:
        offset = (day - festival).days
        if -14 <= offset < -7:
            return 1.3
        if -7 <= offset <= 7:
            return 0.5
    return 1.0


def season_factor(ware: Ware, month: int) -> float:
    if ware.category == "fruit":
        return 1.3 if 6 <= month <= 9 else 1.0
    if ware.good.months:
        return 1.25  # in season now, and people know it will not last
    return 1.0


def poisson(rng: random.Random, mean: float) -> int:
    if mean <= 0:
        return 0
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def nice(number: float) -> int:
    """Round up the way a leader writes numbers down: 5, 10, 20, 30, 50, 80, 100, 150, …"""
    for step in (1, 5, 10, 20, 50, 100, 500):
        if number <= step * 10:
            return max(1, math.ceil(number / step) * step)
    return math.ceil(number / 1000) * 1000


def _ts(moment: datetime) -> int:
    return int(moment.timestamp())


def _local_ts(day: date, hour: int, minute: int = 0) -> int:
    return _ts(datetime.combine(day, time(hour, minute), SHANGHAI))


class Draw:
    """Weighted draws from a fixed list, with the cumulative weights summed once."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, values: Sequence, weights: Sequence[float]) -> None:
        self.values = list(values)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1] if self.cumulative else 0.0

    def one(self, rng: random.Random):
        return self.values[bisect(self.cumulative, rng.random() * self.total)]

    def distinct(self, rng: random.Random, count: int) -> list:
        """Up to ``count`` different values; heavy ones are likelier to be among them."""
        if count >= len(self.values):
            count = len(self.values)
        chosen: list = []
        tries = 0
        while len(chosen) < count and tries < 8 * count:
            tries += 1
            value = self.values[bisect(self.cumulative, rng.random() * self.total)]
            if value not in chosen:
                chosen.append(value)
        return chosen


LOOSE = Draw((1, 2, 3, 4, 5), (4, 4, 2, 1, 0.5))  # 斤
PACKED = Draw((1, 2, 3), (7, 2.5, 0.5))  # 盒, 个, 把 …
BULKY_QUANTITY = Draw((1, 2), (9, 1))  # 箱, 袋, 瓶
LINES = Draw((1, 2, 3, 4), (45, 30, 15, 10))
NOTHING: dict[int, int] = {}


@dataclass
class Item:
    """An item of a group buy while orders come in."""

    ware: Ware
    price_fen: int
    stock: int
    left: int
    limit: int | None
    appeal: float


@dataclass
class PlacedOrder:
    at: int
    household: int
    placer: int
    lines: dict[int, int]  # item position → quantity
    note: str = ""
    cancelled_at: int | None = None


def simulate_orders(
    rng: random.Random,
    *,
    place: Place,
    households: Draw,
    items: list[Item],
    expected: float,
    opens: int,
    cutoff: int,
    until: int | None = None,
    surge: float = 0.0,
) -> list[PlacedOrder]:
    """The orders households place between ``opens`` and ``until`` (the cutoff if not given),
    some cancelled and some placed again, in placement order. Stock and per-household limits
    hold at every step: an order takes what is left, or is not placed."""
    until = cutoff if until is None else until
    rnd = rng.random
    count = min(len(place.households), poisson(rng, expected))
    uniform = surge * 0.6
    pool = place.households
    chosen: list[int] = []
    seen: set[int] = set()
    tries = 0
    while len(chosen) < count and tries < count * 4:
        tries += 1
        household = pool[int(rnd() * len(pool))] if rnd() < uniform else households.one(rng)
        if household not in seen:
            seen.add(household)
            chosen.append(household)

    # The hours orders come in: busiest in the evening and just before the cutoff.
    slots, weights = [], []
    start = opens
    while start < until:
        end = min(until, (start // 3600 + 1) * 3600)
        hour = (start // 3600 + 8) % 24  # Shanghai is UTC+8 all year
        rush = 2.5 if cutoff - start <= 2 * 3600 else 1.0
        slots.append((start, end))
        weights.append(HOURLY[hour] * rush * (end - start) / 3600)
        start = end
    if not slots:
        return []
    hours = Draw(slots, weights)

    tie = count_from()
    events: list[tuple[int, int, bool, int]] = []  # (when, tie, cancel?, household or order)
    for household in chosen:
        low, high = hours.one(rng)
        heapq.heappush(events, (low + int(rnd() * (high - low)), next(tie), False, household))

    shop = _Shop(items, surge)
    orders: list[PlacedOrder] = []
    leaders = place.leaders
    placers = place.placer
    while events:
        moment, _, cancel, ref = heapq.heappop(events)
        if moment >= until:
            break
        if cancel:
            order = orders[ref]
            order.cancelled_at = moment
            shop.give_back(order)
            if rnd() < 0.4 and moment < cutoff - 120:
                again = moment + 60 + int(rnd() * (cutoff - moment - 61))
                heapq.heappush(events, (again, next(tie), False, order.household))
            continue
        lines = shop.take(rng, ref)
        if not lines:
            continue
        placer = placers.get(ref) or leaders[int(rnd() * len(leaders))][1]
        note = rng.choice(names.ORDER_NOTES) if rnd() < 0.04 else ""
        orders.append(PlacedOrder(moment, ref, placer, lines, note))
        roll = rnd()
        if roll < 0.03 and moment < cutoff - 300:
            later = moment + 120 + int(rnd() * (cutoff - moment - 180))
            heapq.heappush(events, (later, next(tie), True, len(orders) - 1))
        elif roll < 0.05 and moment < cutoff - 900:  # forgot something: a second order
            later = moment + 600 + int(rnd() * (cutoff - moment - 601))
            heapq.heappush(events, (later, next(tie), False, ref))
    return orders


class _Shop:
    """The items' stock while orders come in, and what each household has on order of the
    items with a per-household limit."""

    def __init__(self, items: list[Item], surge: float) -> None:
        self.items = items
        self.appeal = Draw(range(len(items)), [item.appeal for item in items])
        self.amounts = [
            LOOSE if i.ware.unit == "斤" else BULKY_QUANTITY if i.ware.unit in BULKY else PACKED
            for i in items
        ]
        self.more = [bool(surge) and item.ware.good.staple for item in items]
        self.extra_line = 1 if surge else 0
        self.taken: dict[tuple[int, int], int] = defaultdict(int)  # (household, item) → units

    def take(self, rng: random.Random, household: int) -> dict[int, int]:
        """The lines of one household's order, taken from stock; item position → quantity."""
        items, taken = self.items, self.taken
        lines: dict[int, int] = {}
        for index in self.appeal.distinct(rng, LINES.one(rng) + self.extra_line):
            item = items[index]
            quantity = self.amounts[index].one(rng)
            if self.more[index] and rng.random() < 0.5:
                quantity += 1
            if item.limit is not None:
                quantity = min(quantity, item.limit - taken[household, index])
            if quantity > item.left:
                quantity = item.left
            if quantity > 0:
                lines[index] = quantity
                item.left -= quantity
                if item.limit is not None:
                    taken[household, index] += quantity
        return dict(sorted(lines.items())) if len(lines) > 1 else lines

    def give_back(self, order: PlacedOrder) -> None:
        for index, quantity in order.lines.items():
            item = self.items[index]
            item.left += quantity
            if item.limit is not None:
                self.taken[order.household, index] -= quantity


class _Rows:
    """Rows waiting to be loaded, flushed in batches."""

    def __init__(self) -> None:
        self.tables = {
            "group_buys": Table(
                GroupBuy,
                ["id", "community", "leader", "title", "description", "status", "threshold",
                 "min_to_form", "max_to_close", "opens_at", "cutoff_at", "pickup_starts_at",
                 "pickup_ends_at", "pickup_place", "created_at", "closed_at", "close_reason",
                 "completed_at", "completion_reason"],
            ),
            "items": Table(
                GroupBuyItem,
                ["id", "group_buy", "product", "price_fen", "stock_initial", "stock_left",
                 "per_household_limit", "position"],
            ),
            "orders": Table(
                Order,
                ["id", "group_buy", "household", "placed_by", "status", "seq", "pickup_code",
                 "pickup", "note", "total_fen", "placed_at", "updated_at", "cancelled_at",
                 "collected_at"],
            ),
            "lines": Table(OrderLine, ["order", "item", "quantity", "unit_price_fen", "picked_up"]),
            "purchase_orders": Table(
                PurchaseOrder, ["id", "group_buy", "supplier", "created_at", "delivery_recorded_at"]
            ),
            "purchase_lines": Table(
                PurchaseOrderLine,
                ["purchase_order", "item", "product", "quantity", "unit_cost_fen", "delivered",
                 "handed_out"],
            ),
        }  # fmt: skip
        self.rows: dict[str, list[tuple]] = {name: [] for name in self.tables}
        self.counts: dict[str, int] = defaultdict(int)

    def add(self, table: str, row: tuple) -> None:
        self.rows[table].append(row)

    def flush(self, *, over: int = 0) -> None:
        if len(self.rows["lines"]) < over:
            return
        for name, table in self.tables.items():
            rows = self.rows[name]
            table.insert(rows)
            self.counts[name] += len(rows)
            self.rows[name] = []


class History:
    """Generates and loads the past group buys of every community."""

    def __init__(self, city: City, *, seed: int, scale: Scale, today: date) -> None:
        self.city = city
        self.seed = seed
        self.scale = scale
        self.today = today
        self.rows = _Rows()
        self.ids = {
            "group_buy": next_id(GroupBuy),
            "item": next_id(GroupBuyItem),
            "order": next_id(Order),
            "purchase_order": next_id(PurchaseOrder),
        }
        self.staples = [w for w in city.wares if w.good.staple]
        self.tally: dict[str, int] = defaultdict(int)

    def _id(self, kind: str) -> int:
        value = self.ids[kind]
        self.ids[kind] = value + 1
        return value

    def run(self, advance: Advance) -> dict[str, int]:
        """Generate and load everything; returns counts of what was made."""
        for place in self.city.places:
            self._community(place)
            self.rows.flush(over=100_000)
            advance(1)
        self.rows.flush()
        return dict(self.tally)

    def _community(self, place: Place) -> None:
        rng = random.Random(f"{self.seed}:history:{place.index}")
        households = Draw(place.households, place.propensity)
        wares = [w for sid in place.suppliers for w in self.city.wares_by_supplier[sid]]
        themes = [Draw(list(slot), list(slot.values())) for slot in SLOTS]
        first = self.today - timedelta(days=self.scale.days)
        last = self.today - timedelta(days=4)  # so that every pickup has ended before today
        issue = 0
        day = first
        while day <= last:
            surge = surge_intensity((self.today - day).days, self.scale.surge)
            if day.weekday() in place.rhythm:
                theme = THEMES[themes[place.rhythm.index(day.weekday())].one(rng)]
                self._group_buy(rng, place, households, day, theme, surge, wares)
            if surge > 0 and rng.random() < 0.4 + 0.6 * surge:
                issue += 1
                self._group_buy(rng, place, households, day, SUPPLY, surge, self.staples, issue)
            day += timedelta(days=1)

    def _choose_wares(
        self, rng: random.Random, day: date, theme: Theme, wares: list[Ware]
    ) -> list[Ware]:
        """Products in season for ``theme``, from one to three of the community's suppliers."""
        month = day.month
        by_supplier: dict[int, list[Ware]] = defaultdict(list)
        for ware in wares:
            if (theme is SUPPLY or ware.category in theme.categories) and ware.good.in_season(
                month
            ):
                by_supplier[ware.supplier_id].append(ware)
        if not by_supplier:
            return []
        suppliers = sorted(by_supplier)
        how_many = rng.choices((1, 2, 3), weights=(6, 3, 1))[0] + (2 if theme is SUPPLY else 0)
        chosen = Draw(suppliers, [sum(w.appeal for w in by_supplier[s]) for s in suppliers])
        pool = [w for s in sorted(chosen.distinct(rng, how_many)) for w in by_supplier[s]]
        picks = Draw(pool, [w.appeal * season_factor(w, month) for w in pool])
        return picks.distinct(rng, rng.randint(*theme.items))

    def _group_buy(
        self,
        rng: random.Random,
        place: Place,
        households: Draw,
        day: date,
        theme: Theme,
        surge: float,
        wares: list[Ware],
        issue: int = 0,
    ) -> None:
        chosen = self._choose_wares(rng, day, theme, wares)
        if not chosen:
            return
        supply = theme is SUPPLY
        # When and where.
        pickup_day = day + timedelta(days=2)
        if supply:
            opens = _local_ts(day, rng.randint(7, 8), rng.randint(0, 59))
            cutoff = _local_ts(day, 22)
            pickup = (_local_ts(pickup_day, 9), _local_ts(pickup_day, 21))
            pickup_place = names.LOCKDOWN_PICKUP
        else:
            opens = _local_ts(day, rng.randint(8, 10), rng.randint(0, 59))
            cutoff = _local_ts(day + timedelta(days=1), 20)
            pickup = (_local_ts(pickup_day, 15), _local_ts(pickup_day + timedelta(days=1), 20))
            pickup_place = names.LOCKDOWN_PICKUP if surge > 0.5 else place.pickup_place

        # How many households will order: the leader has a feel for it, and so do we.
        rate = SUPPLY_RATE * surge if supply else BASE_RATE * theme.appeal * (1 + 1.2 * surge)
        rate *= WEEKDAY_FACTOR[day.weekday()] * place.activity * holiday_factor(day)
        expected = min(0.7, rate) * len(place.households)

        items, expected_units = plan_items(rng, chosen, expected, surge=surge, supply=supply)
        by_households = rng.random() < 0.2
        threshold = GroupBuy.Threshold.HOUSEHOLDS if by_households else GroupBuy.Threshold.UNITS
        fill = expected if by_households else expected_units
        if theme.risky:
            minimum = nice(max(1, fill * rng.uniform(0.4, 1.1)))
        elif supply:
            minimum = nice(max(1, fill * rng.uniform(0.3, 0.7)))
        else:
            minimum = nice(max(1, fill * rng.uniform(0.1, 0.4)))

        orders = simulate_orders(
            rng, place=place, households=households, items=items, expected=expected,
            opens=opens, cutoff=cutoff, surge=surge,
        )  # fmt: skip
        leader_id = place.leaders[0][0] if rng.random() < 0.75 else rng.choice(place.leaders)[0]
        description = ""
        if rng.random() < 0.6:
            cut = datetime.fromtimestamp(cutoff, SHANGHAI)
            start = datetime.fromtimestamp(pickup[0], SHANGHAI)
            description = (
                f"{cut.month}月{cut.day}日{cut.hour}点截单，{start.month}月{start.day}日"
                f"{start.hour}点后{pickup_place}自提。"
            )
        group_buy = (
            place.id, leader_id, title(rng, day, theme, items, issue), description, threshold,
            minimum, opens, cutoff, pickup, pickup_place,
        )  # fmt: skip
        self._close_deliver_and_hand_out(rng, place, group_buy, items, orders, surge)

    # -- close, deliver, hand out ----------------------------------------------------------------

    def _close_deliver_and_hand_out(
        self,
        rng: random.Random,
        place: Place,
        group_buy: tuple,
        items: list[Item],
        orders: list[PlacedOrder],
        surge: float,
    ) -> None:
        """Close the group buy as the cutoff would, then deliver and hand out; add the rows."""
        community, leader, title_, description, threshold, minimum, opens, cutoff, pickup, where = (
            group_buy
        )
        rnd = rng.random
        tally = self.tally
        active = [order for order in orders if order.cancelled_at is None]
        if threshold == GroupBuy.Threshold.HOUSEHOLDS:
            fill = len({order.household for order in active})
        else:
            fill = sum(sum(order.lines.values()) for order in active)
        formed = fill >= minimum
        closed = cutoff + 5 + int(rnd() * 235)
        group_buy_id = self._id("group_buy")
        first_item = self.ids["item"]
        self.ids["item"] += len(items)

        # Hand-out: who collects what, and when. A short delivery goes to vulnerable households
        # first, then in 跟团号 order; a few people never come, or take only part.
        picked: dict[int, dict[int, int]] = {}  # id(order) → item position → quantity
        collected: dict[int, int] = {}  # id(order) → when
        ordered: dict[int, int] = defaultdict(int)
        delivered: dict[int, int] = {}
        everyone = True
        if formed:
            for order in active:
                for index, quantity in order.lines.items():
                    ordered[index] += quantity
            short = 0.12 * surge if surge else 0.025
            for index, quantity in ordered.items():
                delivered[index] = quantity
                if quantity >= 2 and rnd() < short:
                    delivered[index] = quantity - max(1, round(quantity * rng.uniform(0.05, 0.3)))
            left = dict(delivered)
            stay_away = 0.01 if surge else 0.03
            vulnerable = place.vulnerable
            window = pickup[1] - pickup[0] - 60
            queue = sorted(active, key=lambda order: order.household not in vulnerable)
            for order in queue:
                roll = rnd()
                got: dict[int, int] = {}
                full = True
                first = True
                for index, quantity in order.lines.items():
                    if roll < stay_away or (roll < stay_away + 0.01 and not first):
                        give = 0
                    else:
                        give = quantity if left[index] >= quantity else left[index]
                        left[index] -= give
                    got[index] = give
                    first = False
                    if give < quantity:
                        full = False
                picked[id(order)] = got
                if not full:
                    everyone = False
                if any(got.values()):
                    collected[id(order)] = pickup[0] + min(window, int(rng.expovariate(1 / 10_800)))

        # The group buy and its items.
        why = ""
        if formed:
            status = GroupBuy.Status.COMPLETED
            completed = max(collected.values()) if everyone else pickup[1] + 60 + int(rnd() * 840)
            why = (
                GroupBuy.CompletionReason.ALL_COLLECTED
                if everyone
                else GroupBuy.CompletionReason.PICKUP_WINDOW_ENDED
            )
        else:
            status = GroupBuy.Status.FAILED
            completed = None
        tally[f"group_buys_{status}"] += 1
        self.rows.add(
            "group_buys",
            (group_buy_id, community, leader, title_, description, status, threshold, minimum,
             None, opens, cutoff, pickup[0], pickup[1], where, opens, closed,
             GroupBuy.CloseReason.CUTOFF, completed, why),
        )  # fmt: skip
        add_item = self.rows.rows["items"].append
        for position, item in enumerate(items):
            add_item((first_item + position, group_buy_id, item.ware.id, item.price_fen,
                      item.stock, item.left, item.limit, position))  # fmt: skip

        # Orders, in placement order; the 跟团号 goes to confirmed ones, from 1.
        seq = 0
        codes: set[int] = set()
        add_order = self.rows.rows["orders"].append
        add_line = self.rows.rows["lines"].append
        prices = [item.price_fen for item in items]
        order_id = self.ids["order"]
        self.ids["order"] += len(orders)
        counts = dict.fromkeys(Order.Status.values, 0)
        for order in orders:
            code = int(rnd() * 10**12)
            while code in codes:
                code = int(rnd() * 10**12)
            codes.add(code)
            total = 0
            for index, quantity in order.lines.items():
                total += prices[index] * quantity
            got = NOTHING
            done = number = None
            state = Order.Pickup.NONE
            if order.cancelled_at is not None:
                status, updated = Order.Status.CANCELLED, order.cancelled_at
            elif not formed:
                status, updated = Order.Status.FAILED, closed
            else:
                seq += 1
                status, number = Order.Status.CONFIRMED, seq
                got = picked[id(order)]
                updated = collected.get(id(order), closed)
                if got == order.lines:
                    state = Order.Pickup.FULL
                    done = updated
                elif any(got.values()):
                    state = Order.Pickup.PARTIAL
                tally[f"orders_{state}"] += 1
            counts[status] += 1
            add_order((order_id, group_buy_id, order.household, order.placer, status, number,
                       f"{code:012d}", state, order.note, total, order.at, updated,
                       order.cancelled_at, done))  # fmt: skip
            for index, quantity in order.lines.items():
                add_line((order_id, first_item + index, quantity, prices[index],
                          got.get(index, 0)))  # fmt: skip
            order_id += 1
        for status, count in counts.items():
            tally[f"orders_{status}"] += count

        # One purchase order per supplier, for the items that had confirmed orders.
        if formed:
            handed: dict[int, int] = defaultdict(int)
            for got in picked.values():
                for index, quantity in got.items():
                    handed[index] += quantity
            arrival = max(closed + 60, pickup[0] - 1_800 - int(rnd() * 16_200))
            purchase_ids = {}
            for supplier in sorted({items[i].ware.supplier_id for i in ordered}):
                purchase_ids[supplier] = self._id("purchase_order")
                self.rows.add(
                    "purchase_orders",
                    (purchase_ids[supplier], group_buy_id, supplier, closed, arrival),
                )
            for index in sorted(ordered):
                ware = items[index].ware
                self.rows.add(
                    "purchase_lines",
                    (purchase_ids[ware.supplier_id], first_item + index, ware.id, ordered[index],
                     ware.cost_fen, delivered[index], handed[index]),
                )  # fmt: skip


def plan_items(
    rng: random.Random, wares: list[Ware], expected: float, *, surge: float = 0.0,
    supply: bool = False,
) -> tuple[list[Item], float]:  # fmt: skip
    """Price, stock and limits for ``wares`` as a leader who expects ``expected`` households
    would set them; returns the items and the units the leader expects to sell."""
    boosts = [2.5 if surge and ware.good.staple else 1.0 for ware in wares]
    appeal_total = sum(w.appeal * b for w, b in zip(wares, boosts, strict=True))
    lines_each = min(1.9 + (1.0 if surge else 0.0), len(wares))
    items = []
    expected_units = 0.0
    for ware, boost in zip(wares, boosts, strict=True):
        appeal = ware.appeal * boost
        each = 2.0 if ware.unit == "斤" else 1.1 if ware.unit in BULKY else 1.35
        wanted = expected * lines_each * appeal / appeal_total * each
        expected_units += wanted
        if supply:
            stock = nice(max(5, wanted * rng.uniform(0.55, 0.95)))
        elif surge:
            stock = nice(max(5, wanted * rng.uniform(0.8, 1.3)))
        else:
            stock = nice(max(10, wanted * rng.uniform(1.3, 2.0)))
        limit = None
        if supply or (surge and ware.good.staple and rng.random() < 0.5):
            limit = 1 if ware.unit in BULKY else 2
        elif rng.random() < 0.04:
            limit = 2  # 特价，每户限购
        markup = rng.uniform(1.05, 1.25) if surge else rng.uniform(0.92, 1.05)
        price = int(max(10, round(ware.price_fen * markup, -1)))
        items.append(Item(ware, price, stock, stock, limit, appeal))
    return items, expected_units


def title(rng: random.Random, day: date, theme: Theme, items: list[Item], issue: int = 0) -> str:
    """What a leader calls a group buy: 周一蔬菜团, 南汇8424西瓜产地直发, 社区保供套餐 第3期."""
    lead = max(items, key=lambda item: item.appeal).ware.name
    weekday = f"周{WEEKDAYS[day.weekday()]}"
    if theme is SUPPLY:
        return rng.choice(
            (
                f"社区保供套餐 第{issue}期",
                f"{day.month}月{day.day}日保供团（限购）",
                f"保供{lead}等{len(items)}样",
            )
        )
    return rng.choice(
        (
            f"{weekday}{theme.label}",
            f"{weekday}{theme.label} · {lead}",
            f"{lead}{rng.choice(('产地直发', '今日开团', '新鲜到货', '限时团购'))}",
        )
    )
