"""A state machine drives random sequences of pickups, cancellations, refunds, redemptions,
expiry, energy collections, lapses and watering through the real services. After every step:
the ledger is sound across all three units; every household's points balance equals earned −
taken back − spent − expired and the sum of what is left on its lots; what it earned is what
a small model of the rules says; its energy equals what it collected less what it gave its
trees; no perk is over-redeemed and no redemption overdrew.

Each example runs in a savepoint rolled back at its end.
"""

import contextlib
from collections import defaultdict
from datetime import timedelta

import pytest
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
from linli.groupbuys.models import Order
from linli.ledger import selectors as ledger
from linli.ledger.models import Posting
from linli.rewards import defaults, services
from linli.rewards import rules as reward_rules
from linli.rewards.models import EarningRule, EnergyDrop, Lot, Perk, Redemption, Watering
from linli.rewards.services import book

from ..groupbuys.conftest import add_households
from .conftest import deliver
from .conftest import rule as make_rule


def _by_kind(household_id: int, unit: str, kind: str) -> int:
    total = Posting.objects.filter(
        entry__kind=kind,
        account__kind="household",
        account__owner_id=household_id,
        account__unit=unit,
    ).aggregate(n=Sum("amount"))["n"]
    return abs(total or 0)


class RewardsMachine(RuleBasedStateMachine):
    def __init__(self, hood, members):
        super().__init__()
        self.hood = hood
        self.members = members
        self.households = [m.member.household_id for m in members]
        self.clock = timezone.now().replace(microsecond=0)
        self.picked: list[Order] = []
        self.earned: dict[int, int] = defaultdict(int)  # by the model
        self.taken: dict[int, int] = defaultdict(int)  # by the model
        self.refunds = 0
        self.expired_at = self.clock - timedelta(days=1)
        self._example = transaction.atomic()
        self._example.__enter__()
        make_rule(hood, amount=5, name="5 per pickup")
        make_rule(hood, amount=1, effect=EarningRule.Effect.PER_YUAN, name="1 per yuan")
        self.dear = services.create_perk(
            actor=hood.operator,
            name="dear",
            kind=Perk.Kind.COUPON,
            cost=17,
            stock=3,
            coupon_fen=100,
        )
        self.cheap = services.create_perk(
            actor=hood.operator, name="cheap", kind=Perk.Kind.COUPON, cost=4, coupon_fen=100
        )
        self.species = defaults.species("梭梭")

    def teardown(self):
        transaction.set_rollback(True)
        self._example.__exit__(None, None, None)

    @rule(who=st.integers(0, 3), units=st.integers(1, 4))
    def pickup(self, who, units):
        member = self.members[who]
        group_buy = self.hood.open(stock=(20, 20), now=self.clock - timedelta(hours=1))
        first = group_buy.items.order_by("position").first()
        order = groupbuys.place_order(
            actor=member,
            group_buy_id=group_buy.pk,
            lines={first.pk: units},
            now=self.clock - timedelta(minutes=30),
        )
        groupbuys.close_group_buy(
            actor=self.hood.leader_user,
            group_buy_id=group_buy.pk,
            early=True,
            now=self.clock - timedelta(minutes=20),
        )
        groupbuys.confirm_pickup(
            actor=self.hood.leader_user,
            group_buy_id=group_buy.pk,
            order_id=order.pk,
            now=self.clock,
        )
        deliver()
        order.refresh_from_db()
        self.picked.append(order)
        self.earned[order.household_id] += 5 + order.total_fen // 100

    @precondition(lambda self: self.picked)
    @rule(data=st.data(), share=st.sampled_from([None, 100, 450, 10_000]))
    def refund(self, data, share):
        order = data.draw(st.sampled_from(self.picked))
        self.refunds += 1
        lots = list(Lot.objects.filter(order=order))
        expected = sum(
            reward_rules.take_back_share(
                amount=lot.amount,
                taken_back=lot.taken_back,
                basis_fen=lot.basis_fen,
                refund_fen=share,
            )
            for lot in lots
        )
        got = services.take_back(
            order_id=order.pk, reason=f"report:{self.refunds}", refund_fen=share
        )
        assert got == expected
        self.taken[order.household_id] += got
        # The same refund delivered again takes nothing more.
        assert (
            services.take_back(order_id=order.pk, reason=f"report:{self.refunds}", refund_fen=share)
            == 0
        )

    @rule(who=st.integers(0, 3), dear=st.booleans())
    def redeem(self, who, dear):
        perk = self.dear if dear else self.cheap
        household = self.households[who]
        before = book.points_of(household)
        try:
            services.redeem(actor=self.members[who], perk_id=perk.pk, now=self.clock)
        except LinliError:
            assert book.points_of(household) == before
            return
        assert before >= perk.cost
        assert book.points_of(household) == before - perk.cost >= 0

    @rule(days=st.integers(1, 400))
    def time_passes(self, days):
        self.clock += timedelta(days=days)
        services.expire_due(now=self.clock)
        self.expired_at = self.clock
        services.lapse_due(now=self.clock)

    @rule(hours=st.integers(1, 80))
    def hours_pass(self, hours):
        self.clock += timedelta(hours=hours)

    @rule(who=st.integers(0, 3))
    def collect(self, who):
        with contextlib.suppress(LinliError):
            services.collect(actor=self.members[who], now=self.clock)

    @rule(who=st.integers(0, 3), together=st.booleans())
    def water(self, who, together):
        member = self.members[who]
        with contextlib.suppress(LinliError):
            services.start_tree(actor=member, species_id=self.species.pk, together=together)
        with contextlib.suppress(LinliError):
            services.water(actor=member, together=together, now=self.clock)

    @invariant()
    def sound(self):
        assert ledger.check().ok
        for household in self.households:
            points = book.points_of(household)
            earned = _by_kind(household, book.PTS, book.EARNED)
            back = _by_kind(household, book.PTS, book.TAKEN_BACK)
            spent = _by_kind(household, book.PTS, book.SPENT)
            expired = _by_kind(household, book.PTS, book.EXPIRED)
            assert points == earned - back - spent - expired
            assert earned == self.earned[household]
            assert back == self.taken[household]
            left = Lot.objects.filter(household_id=household).aggregate(n=Sum("remaining"))["n"]
            assert points == (left or 0)
            spent_by_redemptions = Redemption.objects.filter(household_id=household).aggregate(
                n=Sum("points")
            )["n"]
            assert spent == (spent_by_redemptions or 0)
            collected = (
                EnergyDrop.objects.filter(
                    household_id=household, collected_at__isnull=False
                ).aggregate(n=Sum("grams"))["n"]
                or 0
            )
            given = (
                Watering.objects.filter(household_id=household).aggregate(n=Sum("grams"))["n"] or 0
            )
            assert book.energy_of(household) == collected - given >= 0
        # Nothing past its expiry is left once the expiry job has run.
        assert not Lot.objects.filter(remaining__gt=0, expires_at__lte=self.expired_at).exists()
        self.dear.refresh_from_db()
        assert self.dear.left == 3 - Redemption.objects.filter(perk=self.dear).count() >= 0


@pytest.mark.slow
def test_the_books_of_points_and_energy_hold_whatever_happens(hood):
    members = [*hood.members[1:], *add_households(hood, 1)]
    run_state_machine_as_test(
        lambda: RewardsMachine(hood, members),
        settings=settings(max_examples=10, stateful_step_count=18),
    )
