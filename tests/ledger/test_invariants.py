"""A state machine drives random sequences of orders, changes, cancellations, payments,
refunds, closes that form or fail, short deliveries and completions through the real
services. After every step the ledger must be sound (every entry balances per unit, every
unit sums to zero: ``linli ledger check``'s proof), and each household's balance must equal
what it ordered and got, less what it paid, plus what was paid back to it — worked out from a
small model of the step's rules, not from the ledger.

Each example runs in a savepoint rolled back at its end.
"""

import contextlib
from collections import defaultdict
from datetime import timedelta

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from linli.core.errors import LinliError
from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, Order, OrderLine, PurchaseOrder
from linli.ledger import selectors, services
from linli.ledger.models import Posting
from linli.ledger.services import Acct, Kind, balance

from ..groupbuys.conftest import add_households


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self, hood, members):
        super().__init__()
        self.hood = hood
        self.members = members
        self.households = [member.member.household_id for member in members]
        self.now = timezone.now().replace(microsecond=0)
        self.group_buys: list[GroupBuy] = []
        self.paid: dict[int, int] = defaultdict(int)  # what each household paid, net
        self.refunded: dict[int, int] = defaultdict(int)  # what was paid back to it
        self.short: dict[int, int] = defaultdict(int)  # value of what it ordered and did not get
        self._example = transaction.atomic()
        self._example.__enter__()

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    def open_ones(self, *statuses):
        for group_buy in self.group_buys:
            group_buy.refresh_from_db()
        return [g for g in self.group_buys if g.status in statuses]

    @rule(min_to_form=st.integers(1, 6))
    def open(self, min_to_form):
        self.group_buys.append(self.hood.open(stock=(8, 4), min_to_form=min_to_form, now=self.now))

    @precondition(lambda self: self.group_buys)
    @rule(data=st.data())
    def place(self, data):
        group_buy = data.draw(st.sampled_from(self.group_buys))
        items = list(group_buy.items.order_by("position"))
        lines = {item.pk: data.draw(st.integers(0, 3)) for item in items}
        member = data.draw(st.sampled_from(self.members))
        # Refused (closed, empty, out of stock): must have changed nothing.
        with contextlib.suppress(LinliError):
            groupbuys.place_order(
                actor=member, group_buy_id=group_buy.pk, lines=lines, now=self.now
            )

    @precondition(lambda self: self.group_buys)
    @rule(data=st.data())
    def change_or_cancel(self, data):
        orders = list(Order.objects.filter(group_buy__in=self.group_buys).order_by("pk"))
        if not orders:
            return
        order = data.draw(st.sampled_from(orders))
        actor = self.hood.leader_user
        try:
            if data.draw(st.booleans()):
                groupbuys.cancel_order(actor=actor, order_id=order.pk, now=self.now)
            else:
                lines = {line.item_id: data.draw(st.integers(1, 3)) for line in order.lines.all()}
                groupbuys.change_order(actor=actor, order_id=order.pk, lines=lines, now=self.now)
        except LinliError:
            pass

    @precondition(lambda self: self.group_buys)
    @rule(
        data=st.data(),
        amount=st.integers(1, 6000),
        method=st.sampled_from(["cash", "wechat_transfer"]),
    )
    def pay(self, data, amount, method):
        group_buy = data.draw(st.sampled_from(self.group_buys))
        household = data.draw(st.sampled_from(self.households))
        services.record_payment(
            actor=self.hood.leader_user,
            group_buy_id=group_buy.pk,
            household_id=household,
            amount_fen=amount,
            method=method,
        )
        self.paid[household] += amount

    @precondition(lambda self: self.group_buys)
    @rule(data=st.data(), amount=st.integers(1, 6000))
    def refund(self, data, amount):
        group_buy = data.draw(st.sampled_from(self.group_buys))
        household = data.draw(st.sampled_from(self.households))
        due = -services.household_balance_in(group_buy.pk, household)
        try:
            services.record_refund(
                actor=self.hood.leader_user,
                group_buy_id=group_buy.pk,
                household_id=household,
                amount_fen=amount,
                method="cash",
            )
        except LinliError:
            assert amount > due
            return
        assert amount <= due
        self.refunded[household] += amount

    @rule(data=st.data())
    def close(self, data):
        ready = self.open_ones(GroupBuy.Status.OPEN)
        if ready:
            group_buy = data.draw(st.sampled_from(ready))
            groupbuys.close_group_buy(
                actor=self.hood.leader_user, group_buy_id=group_buy.pk, early=True, now=self.now
            )

    @rule(data=st.data())
    def short_delivery(self, data):
        """The supplier delivers less; the leader shares each short item out by a policy, and
        the ledger credits each household what it paid for and will not get."""
        formed = [
            g
            for g in self.open_ones(GroupBuy.Status.FORMED)
            if not PurchaseOrder.objects.filter(group_buy=g, delivery_recorded_at__isnull=False)
        ]
        if not formed:
            return
        group_buy = data.draw(st.sampled_from(formed))
        purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
        lines = list(purchase_order.lines.all())
        delivered = {line.product_id: data.draw(st.integers(0, line.quantity)) for line in lines}
        groupbuys.record_delivery(
            actor=self.hood.supplier_user, purchase_order_id=purchase_order.pk, delivered=delivered
        )
        for line in lines:
            if delivered[line.product_id] < line.quantity:
                groupbuys.apply_allocation(
                    actor=self.hood.leader_user,
                    group_buy_id=group_buy.pk,
                    item_id=line.item_id,
                    policy=data.draw(st.sampled_from(["proportional", "equal", "fcfs"])),
                )
        # What the model expects: each short line's value, ordered − shared out, at its price.
        for order_line in OrderLine.objects.filter(
            order__group_buy=group_buy, allocated__isnull=False
        ).select_related("order"):
            lost = (order_line.quantity - order_line.allocated) * order_line.unit_price_fen
            self.short[order_line.order.household_id] += lost

    @rule(data=st.data())
    def complete(self, data):
        formed = self.open_ones(GroupBuy.Status.FORMED)
        if formed:
            group_buy = data.draw(st.sampled_from(formed))
            groupbuys.catch_up(
                group_buy_id=group_buy.pk, now=group_buy.pickup_ends_at + timedelta(seconds=1)
            )
            group_buy.refresh_from_db()
            assert group_buy.status == GroupBuy.Status.COMPLETED
            assert balance(Acct(Kind.SALES, group_buy.pk)) == 0

    @invariant()
    def ledger_is_sound(self):
        result = selectors.check()
        assert result.ok, result

    @invariant()
    def each_household_owes_what_it_got_less_what_it_paid(self):
        for household in self.households:
            ordered = sum(
                Order.objects.filter(
                    household_id=household,
                    group_buy__in=self.group_buys,
                    status__in=[Order.Status.PLACED, Order.Status.CONFIRMED],
                ).values_list("total_fen", flat=True)
            )
            got = ordered - self.short[household]
            expected = got - self.paid[household] + self.refunded[household]
            actual = (
                Posting.objects.filter(
                    account__kind=Kind.HOUSEHOLD,
                    account__owner_id=household,
                    entry__group_buy__in=self.group_buys,
                ).aggregate(total=Sum("amount"))["total"]
                or 0
            )
            assert actual == expected, (household, actual, expected)


def test_the_ledger_balances_whatever_happens(hood):
    members = [*hood.members, *add_households(hood, 2)]
    run_state_machine_as_test(
        lambda: LedgerMachine(hood, members),
        settings=settings(max_examples=30, stateful_step_count=25),
    )
