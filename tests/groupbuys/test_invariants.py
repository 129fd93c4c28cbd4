"""A state machine drives the real services (open, place, change, cancel, close early or at
the cutoff, the cutoff job, the clock catching up with one) with several households and items, some with
limits per household and small stock, thresholds that sometimes fail to form, and a clock
that jumps across cutoffs and pickup windows.

After every step the database is checked twice over: against itself (stock left + what live
orders hold = the stock there was; no household above a limit; a formed group buy's purchase
orders are exactly the sum of its confirmed orders, numbered 1…N with unique pickup codes; a
failed one has no purchase order and its orders failed) and against a small model of what
the rules say should have happened, so that a refused call that changed something, or an
accepted call that should have been refused, is caught at the step that did it.

Each example runs inside a savepoint that is rolled back at its end, so the examples never see
one another's group buys.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linli.core.errors import LinliError
from linli.core.models import AuditEvent
from linli.groupbuys import errors, services
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine, PurchaseOrderLine

from .. import factories
from .conftest import add_households

OPEN, FORMED, FAILED, COMPLETED = "open", "formed", "failed", "completed"
PLACED, CANCELLED, CONFIRMED = "placed", "cancelled", "confirmed"
ORDER_FAILED = "failed"
HOLDING = (PLACED, CONFIRMED, ORDER_FAILED)  # order statuses whose lines hold stock


@dataclass
class ItemModel:
    pk: int
    product_id: int
    supplier_id: int
    cost_fen: int
    price_fen: int
    initial: int
    left: int
    limit: int | None


@dataclass
class OrderModel:
    pk: int
    group_buy: int
    household: int
    lines: dict[int, int]
    status: str
    pickup_code: str


@dataclass
class GroupBuyModel:
    pk: int
    items: dict[int, ItemModel]
    threshold: str
    min_to_form: int
    max_to_close: int | None
    cutoff_at: datetime
    pickup_ends_at: datetime
    status: str = OPEN
    close_reason: str = ""
    closed_at: datetime | None = None
    # What the close decided (seq and pickup code per order, purchase order lines): a later
    # close, settle or cutoff run must never change it.
    outcome: dict | None = None


@dataclass
class Refusal:
    """The errors a refused call may raise. Gate errors (cutoff passed, closed, not
    changeable) are checked before anything about the lines: when one applies, the caller is
    told that, not that stock is short."""

    gate: set[type] = field(default_factory=set)
    content: set[type] = field(default_factory=set)

    @property
    def expected(self) -> set[type]:
        return self.gate or self.content


class GroupBuyMachine(RuleBasedStateMachine):
    def __init__(self, hood, members):
        super().__init__()
        self.hood = hood
        self.members = members  # one per household; the leader lives in the first
        self.household_of = {member.pk: member.member.household_id for member in members}
        self.gbs: dict[int, GroupBuyModel] = {}
        self.orders_by_pk: dict[int, OrderModel] = {}
        # Audit events: the successful calls must have written exactly these, and no more.
        self.events = AuditEvent.objects.count()
        self.now = timezone.now().replace(microsecond=0)
        self._example = transaction.atomic()
        self._example.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    # The model's view of the rules.

    def fill(
        self,
        gb: GroupBuyModel,
        *,
        household: int | None = None,
        lines: dict[int, int] | None = None,
        replacing: OrderModel | None = None,
    ) -> int:
        """How far ``gb`` is towards its threshold, counting placed orders; with ``lines`` for
        ``household`` added (a new order), or put in place of ``replacing``'s (a change)."""
        placed = [o for o in self.orders_of(gb) if o.status == PLACED and o is not replacing]
        if lines is not None:
            placed.append(
                OrderModel(
                    0,
                    gb.pk,
                    household if replacing is None else replacing.household,
                    lines,
                    PLACED,
                    "",
                )
            )
        elif replacing is not None:
            placed.append(replacing)
        if gb.threshold == "households":
            return len({o.household for o in placed})
        return sum(sum(o.lines.values()) for o in placed)

    def orders_of(self, gb: GroupBuyModel) -> list[OrderModel]:
        return [o for o in self.orders_by_pk.values() if o.group_buy == gb.pk]

    def had(self, gb: GroupBuyModel, household: int, item_id: int, excluding=None) -> int:
        return sum(
            o.lines.get(item_id, 0)
            for o in self.orders_of(gb)
            if o.household == household and o.status == PLACED and o is not excluding
        )

    def gate(self, gb: GroupBuyModel) -> set[type]:
        found = set()
        if self.now >= gb.cutoff_at:
            found.add(errors.CutoffPassed)
        if gb.status != OPEN:
            found.add(errors.GroupBuyClosed)
        return found

    def content_problems(
        self, gb: GroupBuyModel, household: int, lines: dict[int, int], order=None
    ) -> set[type]:
        if any(item_id not in gb.items for item_id in lines):
            return {errors.UnknownItems}
        found = set()
        for item_id, quantity in lines.items():
            item = gb.items[item_id]
            if item.limit and self.had(gb, household, item_id, order) + quantity > item.limit:
                found.add(errors.LimitExceeded)
        current = order.lines if order is not None else {}
        for item_id in set(lines) | set(current):
            delta = lines.get(item_id, 0) - current.get(item_id, 0)
            if delta > gb.items[item_id].left:
                found.add(errors.InsufficientStock)
        if (
            gb.max_to_close is not None
            and self.fill(gb, household=household, lines=lines, replacing=order) > gb.max_to_close
        ):
            found.add(errors.GroupBuyFull)
        return found

    def close_model(self, gb: GroupBuyModel, reason: str) -> None:
        placed = [o for o in self.orders_of(gb) if o.status == PLACED]
        formed = self.fill(gb) >= gb.min_to_form
        for order in placed:
            order.status = CONFIRMED if formed else ORDER_FAILED
        gb.status = FORMED if formed else FAILED
        gb.close_reason = reason
        gb.closed_at = self.now
        self.events += 1

    def complete_model(self, gb: GroupBuyModel) -> None:
        if gb.status == FORMED and self.now >= gb.pickup_ends_at:
            gb.status = COMPLETED
            self.events += 1

    def call(self, what: str, refusal: Refusal, service):
        """Run ``service``; it must succeed when nothing is expected to stop it, and raise one
        of the expected errors otherwise. Returns its result, or None when refused."""
        expected = refusal.expected
        refused: LinliError | None = None
        try:
            result = service()
        except LinliError as error:
            refused, result = error, None
        if refused is None:
            assert not expected, f"{what}: accepted where the rules refuse with one of {expected}"
        else:
            assert expected, f"{what}: refused with {refused!r} where the rules allow it"
            assert type(refused) in expected, f"{what}: {refused!r} is not one of {expected}"
            assert str(refused.message)  # the message renders
        return result

    # Strategies that depend on the state.

    def draw_lines(self, data, gb: GroupBuyModel) -> dict[int, int]:
        item_ids = data.draw(
            st.lists(st.sampled_from(sorted(gb.items)), min_size=1, max_size=3, unique=True)
        )
        lines = {
            item_id: data.draw(st.one_of(st.integers(1, 2), st.integers(1, 3), st.integers(1, 12)))
            for item_id in item_ids
        }
        foreign = [i for other in self.gbs.values() if other is not gb for i in other.items]
        if foreign and data.draw(st.integers(0, 9)) == 0:
            lines[data.draw(st.sampled_from(foreign))] = 1
        return lines

    def actor_for(self, data, household: int):
        """The household's own member, or the leader acting for it."""
        if data.draw(st.booleans()):
            return self.hood.leader_user, household
        member = next(m for m in self.members if self.household_of[m.pk] == household)
        return member, None

    # Rules.

    @initialize(data=st.data())
    def first_group_buy_and_its_first_orders(self, data):
        gb = self.open_one(data)
        for _ in range(data.draw(st.integers(0, 8))):
            self.place_one(gb, data)

    @rule(data=st.data())
    def open_group_buy(self, data):
        self.open_one(data)

    def open_one(self, data) -> GroupBuyModel:
        products = data.draw(
            st.lists(
                st.sampled_from(self.hood.products),
                min_size=1,
                max_size=3,
                unique_by=lambda product: product.pk,
            )
        )
        specs = [
            services.ItemSpec(
                product_id=product.pk,
                price_fen=product.suggested_price_fen,
                stock=data.draw(st.one_of(st.integers(1, 6), st.integers(1, 40))),
                per_household_limit=data.draw(st.one_of(st.none(), st.none(), st.integers(1, 4))),
            )
            for product in products
        ]
        threshold = data.draw(st.sampled_from(["units", "households"]))
        most = 6 if threshold == "households" else 15
        min_to_form = data.draw(
            st.one_of(st.integers(1, 2), st.integers(2, 8), st.integers(1, most))
        )
        max_to_close = data.draw(st.one_of(st.none(), st.integers(min_to_form, min_to_form + 5)))
        cutoff_in = timedelta(hours=data.draw(st.integers(2, 30)))
        gb = services.open_group_buy(
            actor=self.hood.leader_user,
            community_id=self.hood.community.pk,
            title="周末团",
            items=specs,
            min_to_form=min_to_form,
            threshold=threshold,
            max_to_close=max_to_close,
            now=self.now,
            **factories.times(self.now, cutoff_in=cutoff_in),
        )
        self.events += 1
        items = {
            item.pk: ItemModel(
                pk=item.pk,
                product_id=item.product_id,
                supplier_id=item.product.supplier_id,
                cost_fen=item.product.cost_fen,
                price_fen=item.price_fen,
                initial=item.stock_initial,
                left=item.stock_left,
                limit=item.per_household_limit,
            )
            for item in gb.items.select_related("product")
        }
        model = self.gbs[gb.pk] = GroupBuyModel(
            pk=gb.pk,
            items=items,
            threshold=threshold,
            min_to_form=min_to_form,
            max_to_close=max_to_close,
            cutoff_at=gb.cutoff_at,
            pickup_ends_at=gb.pickup_ends_at,
        )
        return model

    def a_group_buy(self, data, *, mostly_open: bool | str = True) -> GroupBuyModel:
        """Any group buy, but most often one still open (and taking orders, when asked to
        place) so that examples get to form, fail and fill up rather than bounce off."""
        pool = sorted(self.gbs)
        if mostly_open:
            open_ones = [
                pk
                for pk, gb in self.gbs.items()
                if gb.status == OPEN and (mostly_open != "taking" or self.now < gb.cutoff_at)
            ]
            if open_ones and data.draw(st.integers(0, 3)):
                pool = sorted(open_ones)
        return self.gbs[data.draw(st.sampled_from(pool))]

    def an_order(self, data) -> OrderModel:
        """Any order, but most often one that may still change."""
        pool = sorted(self.orders_by_pk)
        placed = [pk for pk, order in self.orders_by_pk.items() if order.status == PLACED]
        if placed and data.draw(st.integers(0, 3)):
            pool = sorted(placed)
        return self.orders_by_pk[data.draw(st.sampled_from(pool))]

    @rule(count=st.integers(1, 6), data=st.data())
    def place_orders(self, count, data):
        """A few households order, one after the other."""
        gb = self.a_group_buy(data, mostly_open="taking")
        for _ in range(count):
            self.place_one(gb, data)

    def place_one(self, gb: GroupBuyModel, data) -> int | None:
        household = data.draw(st.sampled_from(sorted(set(self.household_of.values()))))
        actor, for_household = self.actor_for(data, household)
        lines = self.draw_lines(data, gb)
        refusal = Refusal(gate=self.gate(gb), content=self.content_problems(gb, household, lines))
        order = self.call(
            "place",
            refusal,
            lambda: services.place_order(
                actor=actor,
                group_buy_id=gb.pk,
                lines=lines,
                household_id=for_household,
                now=self.now,
            ),
        )
        if order is None:
            return None
        for item_id, quantity in lines.items():
            gb.items[item_id].left -= quantity
        self.orders_by_pk[order.pk] = OrderModel(
            pk=order.pk,
            group_buy=gb.pk,
            household=household,
            lines=dict(lines),
            status=PLACED,
            pickup_code=order.pickup_code,
        )
        self.events += 1
        if gb.max_to_close is not None and self.fill(gb) == gb.max_to_close:
            self.close_model(gb, GroupBuy.CloseReason.FULL)
        return order.pk

    @precondition(lambda self: self.orders_by_pk)
    @rule(data=st.data())
    def change_order(self, data):
        order = self.an_order(data)
        gb = self.gbs[order.group_buy]
        actor, _ = self.actor_for(data, order.household)
        if data.draw(st.booleans()):  # a little more or less of what it has
            tweaked = {i: q + data.draw(st.integers(-1, 1)) for i, q in order.lines.items()}
            lines = {i: q for i, q in tweaked.items() if q > 0} or {min(order.lines): 1}
        else:
            lines = self.draw_lines(data, gb)
        gate = self.gate(gb)
        if not gate and order.status != PLACED:
            gate.add(errors.OrderNotChangeable)
        refusal = Refusal(
            gate=gate, content=self.content_problems(gb, order.household, lines, order)
        )
        changed = self.call(
            "change",
            refusal,
            lambda: services.change_order(
                actor=actor, order_id=order.pk, lines=lines, now=self.now
            ),
        )
        if changed is None:
            return
        for item_id in set(lines) | set(order.lines):
            gb.items[item_id].left -= lines.get(item_id, 0) - order.lines.get(item_id, 0)
        order.lines = dict(lines)
        self.events += 1
        if gb.max_to_close is not None and self.fill(gb) == gb.max_to_close:
            self.close_model(gb, GroupBuy.CloseReason.FULL)

    @precondition(lambda self: self.orders_by_pk)
    @rule(data=st.data())
    def cancel_order(self, data):
        self.cancel_one(self.an_order(data), data)

    def cancel_one(self, order: OrderModel, data) -> None:
        gb = self.gbs[order.group_buy]
        actor, _ = self.actor_for(data, order.household)
        # Cancelling a cancelled order is a no-op, whenever it is asked.
        refusal = Refusal() if order.status == CANCELLED else Refusal(gate=self.gate(gb))
        cancelled = self.call(
            "cancel",
            refusal,
            lambda: services.cancel_order(actor=actor, order_id=order.pk, now=self.now),
        )
        if cancelled is None or order.status == CANCELLED:
            return
        for item_id, quantity in order.lines.items():
            gb.items[item_id].left += quantity
        order.status = CANCELLED
        self.events += 1

    @precondition(
        lambda self: any(
            order.status == PLACED and self.now < self.gbs[order.group_buy].cutoff_at
            for order in self.orders_by_pk.values()
        )
    )
    @rule(then=st.sampled_from(["close", "place"]), data=st.data())
    def cancel_then(self, then, data):
        """A household cancels, and at once the leader closes or others order: cancelled
        orders must count for nothing, neither towards the minimum nor towards the maximum."""
        order = self.orders_by_pk[
            data.draw(
                st.sampled_from(
                    sorted(
                        pk
                        for pk, order in self.orders_by_pk.items()
                        if order.status == PLACED and self.now < self.gbs[order.group_buy].cutoff_at
                    )
                )
            )
        ]
        gb = self.gbs[order.group_buy]
        self.cancel_one(order, data)
        if then == "close":
            self.close_one(gb, "leader")
        else:
            for _ in range(data.draw(st.integers(1, 4))):
                self.place_one(gb, data)

    @rule(how=st.sampled_from(["leader", "operator", "clock", "catch_up", "job"]), data=st.data())
    def close(self, how, data):
        self.close_one(self.a_group_buy(data), how)

    def close_one(self, gb: GroupBuyModel, how: str) -> None:
        """Every way a group buy gets closed: early by its leader or an operator, by the clock
        with nobody asking (refused before the cutoff), by the clock catching up with one (catch_up),
        or by ``linli cutoff`` for all that are due."""
        due = self.now >= gb.cutoff_at
        if how in ("leader", "operator"):
            actor = self.hood.leader_user if how == "leader" else self.hood.operator
            closed = self.call(
                "close",
                Refusal(),
                lambda: services.close_group_buy(
                    actor=actor, group_buy_id=gb.pk, early=True, now=self.now
                ),
            )
            if gb.status == OPEN:
                self.close_model(gb, "cutoff" if due else "early")
            assert closed.status == gb.status
        elif how == "clock":
            refusal = Refusal()
            if gb.status == OPEN and not due:
                refusal.gate.add(errors.NotDue)
            closed = self.call(
                "close",
                refusal,
                lambda: services.close_group_buy(actor=None, group_buy_id=gb.pk, now=self.now),
            )
            if closed is not None:
                if gb.status == OPEN:
                    self.close_model(gb, "cutoff")
                assert closed.status == gb.status
        elif how == "catch_up":
            services.catch_up(group_buy_id=gb.pk, now=self.now)
            if gb.status == OPEN and due:
                self.close_model(gb, "cutoff")
            self.complete_model(gb)
        else:
            self.run_cutoff_job()

    def run_cutoff_job(self):
        run = services.close_due_group_buys(now=self.now)
        expected: dict[str, list[int]] = {"formed": [], "failed": [], "completed": []}
        for gb in sorted(self.gbs.values(), key=lambda gb: (gb.cutoff_at, gb.pk)):
            if gb.status == OPEN and self.now >= gb.cutoff_at:
                self.close_model(gb, "cutoff")
                expected[gb.status].append(gb.pk)
        for gb in sorted(self.gbs.values(), key=lambda gb: (gb.pickup_ends_at, gb.pk)):
            if gb.status == FORMED and self.now >= gb.pickup_ends_at:
                self.complete_model(gb)
                expected["completed"].append(gb.pk)
        assert {"formed": run.formed, "failed": run.failed, "completed": run.completed} == expected

    @rule(how=st.sampled_from(["seconds", "hours", "cutoff"]), data=st.data())
    def time_passes(self, how, data):
        """A little, a lot, or to a second before, at or after a cutoff: the boundary is where
        bugs live."""
        if how == "seconds":
            self.now += timedelta(seconds=data.draw(st.integers(1, 120)))
        elif how == "hours":
            self.now += timedelta(hours=data.draw(st.integers(1, 6)))
        else:
            offset = timedelta(seconds=data.draw(st.sampled_from([-1, 0, 1])))
            self.now = max(self.now, self.a_group_buy(data, mostly_open=False).cutoff_at + offset)

    # What must hold after every step.

    @invariant()
    def the_database_agrees(self):
        """Six queries: the whole state of this example's group buys."""
        gb_ids = list(self.gbs)
        group_buys = {
            row[0]: row
            for row in GroupBuy.objects.filter(pk__in=gb_ids).values_list(
                "pk", "status", "close_reason", "closed_at", "threshold", "min_to_form"
            )
        }
        items = {
            row[0]: row
            for row in GroupBuyItem.objects.filter(group_buy_id__in=gb_ids).values_list(
                "pk", "group_buy_id", "stock_initial", "stock_left", "per_household_limit"
            )
        }
        orders = list(
            Order.objects.filter(group_buy_id__in=gb_ids)
            .order_by("placed_at", "pk")
            .values_list("pk", "group_buy_id", "household_id", "status", "seq", "pickup_code")
        )
        order_rows = {row[0]: row for row in orders}
        lines: dict[int, dict[int, int]] = defaultdict(dict)
        line_prices: Counter = Counter()
        for order_id, item_id, quantity, price in OrderLine.objects.filter(
            order__group_buy_id__in=gb_ids
        ).values_list("order_id", "item_id", "quantity", "unit_price_fen"):
            lines[order_id][item_id] = quantity
            line_prices[order_id] += quantity * price
        purchased: dict[int, list[tuple]] = defaultdict(list)
        for gb_id, *row in PurchaseOrderLine.objects.filter(
            purchase_order__group_buy_id__in=gb_ids
        ).values_list(
            "purchase_order__group_buy_id",
            "purchase_order__supplier_id",
            "item_id",
            "product_id",
            "quantity",
            "unit_cost_fen",
        ):
            purchased[gb_id].append(tuple(row))
        events = list(AuditEvent.objects.values_list("action", "target_type", "target_id"))

        # The database against itself: stock, limits, totals.
        held: Counter = Counter()
        per_household: Counter = Counter()
        for pk, _gb, household, status, _seq, _code in orders:
            if status in HOLDING:
                for item_id, quantity in lines[pk].items():
                    held[item_id] += quantity
                    per_household[household, item_id] += quantity
        for pk, _gb, initial, left, _limit in items.values():
            assert left + held[pk] == initial, f"item {pk}: {left} left + {held[pk]} held"
        for (household, item_id), quantity in per_household.items():
            limit = items[item_id][4]
            assert limit is None or quantity <= limit, (household, item_id, quantity, limit)
        for pk, _gb, _household, _status, _seq, _code in orders:
            model = self.orders_by_pk.get(pk)
            assert model is not None, f"order {pk} is in the database but was never accepted"
            gb = self.gbs[model.group_buy]
            price = sum(gb.items[i].price_fen * q for i, q in lines[pk].items())
            assert line_prices[pk] == price
        closes = Counter(
            (int(target), action.removeprefix("group_buy."))
            for action, kind, target in events
            if kind == "groupbuys.groupbuy" and action in ("group_buy.formed", "group_buy.failed")
        )
        for gb_pk in group_buys:
            self.check_closed(
                group_buys[gb_pk],
                [row for row in orders if row[1] == gb_pk],
                lines,
                purchased[gb_pk],
                closes,
            )

        # The database against the model.
        assert set(order_rows) == set(self.orders_by_pk)
        for pk, model in self.orders_by_pk.items():
            _pk, gb_pk, household, status, _seq, code = order_rows[pk]
            assert (gb_pk, household, status, code) == (
                model.group_buy,
                model.household,
                model.status,
                model.pickup_code,
            ), model
            assert lines[pk] == model.lines, (pk, lines[pk], model.lines)
        for gb in self.gbs.values():
            _pk, status, close_reason, closed_at, _threshold, _min = group_buys[gb.pk]
            assert (status, close_reason, closed_at) == (gb.status, gb.close_reason, gb.closed_at)
            for item in gb.items.values():
                assert items[item.pk][3] == item.left, (item, items[item.pk])
            if gb.status != OPEN:
                outcome = {
                    "orders": [row for row in orders if row[1] == gb.pk],
                    "purchased": sorted(purchased[gb.pk]),
                }
                if gb.outcome is None:
                    gb.outcome = outcome
                assert outcome == gb.outcome, "a second close changed what the first decided"
            for supplier, item_id, product_id, _quantity, unit_cost in purchased[gb.pk]:
                item = gb.items[item_id]
                assert (supplier, product_id, unit_cost) == (
                    item.supplier_id,
                    item.product_id,
                    item.cost_fen,
                )
        assert len(events) == self.events, "a refused call left an audit event, or one is lost"

    @staticmethod
    def check_closed(group_buy, orders, lines, purchased, closes) -> None:
        """What a close must have left behind, read from the database alone."""
        pk, status, _reason, _closed_at, threshold, min_to_form = group_buy
        statuses = {row[3] for row in orders}
        if status == OPEN:
            assert statuses <= {PLACED, CANCELLED}
            assert all(row[4] is None for row in orders), "an open group buy numbered orders"
            assert not purchased, "an open group buy has a purchase order"
            assert not closes[pk, FORMED] and not closes[pk, FAILED]
            return
        assert closes[pk, FAILED if status == FAILED else FORMED] == 1, "closed more than once"
        assert closes[pk, FORMED if status == FAILED else FAILED] == 0
        if status == FAILED:
            assert statuses <= {ORDER_FAILED, CANCELLED}
            assert all(row[4] is None for row in orders)
            assert not purchased, "a failed group buy has a purchase order"
            return
        # Formed, or completed after the pickup window.
        assert statuses <= {CONFIRMED, CANCELLED}
        confirmed = [row for row in orders if row[3] == CONFIRMED]  # by placed_at, pk
        assert [row[4] for row in confirmed] == list(range(1, len(confirmed) + 1))
        assert all(row[4] is None for row in orders if row[3] == CANCELLED)
        codes = [row[5] for row in confirmed]
        assert len(set(codes)) == len(codes), "two orders share a pickup code"
        assert all(len(code) == 12 and code.isdigit() for code in codes)
        sold: Counter = Counter()
        for row in confirmed:
            sold.update(lines[row[0]])
        bought = Counter()
        for _supplier, item_id, _product, quantity, _cost in purchased:
            assert item_id not in bought, "an item on two purchase order lines"
            bought[item_id] = quantity
        assert bought == sold, "purchase orders differ from the sum of confirmed orders"
        if threshold == "households":
            fill = len({row[2] for row in confirmed})
        else:
            fill = sum(sold.values())
        assert fill >= min_to_form, "formed below its minimum"


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_stock_orders_and_purchase_orders_stay_consistent_whatever_happens(hood):
    members = [*hood.members, *add_households(hood, 2)]  # six households
    run_state_machine_as_test(
        lambda: GroupBuyMachine(hood, members),
        settings=settings(max_examples=40, stateful_step_count=20),
    )
