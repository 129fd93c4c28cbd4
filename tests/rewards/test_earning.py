"""Earning rules are data; they react to the group buys' published events, each source
earning once; take-backs are exact and once."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation

from linli.core import events
from linli.ledger import selectors as ledger
from linli.ledger.models import Entry
from linli.rewards import services
from linli.rewards.errors import BadInput
from linli.rewards.models import EarningRule, Lot, Referral, Trigger
from linli.rewards.services import book
from linli.rewards.services.earning import earn_for_group_buys

from .conftest import deliver, picked_up, points, rule

pytestmark = pytest.mark.django_db


def test_a_pickup_earns_fixed_and_per_yuan_points_once(hood):
    rule(hood, Trigger.PICKED_UP, 10)
    rule(hood, Trigger.PICKED_UP, 2, effect=EarningRule.Effect.PER_YUAN, name="2 per yuan")
    group_buy, _orders = picked_up(hood, 2)
    # Each order: 2 × ¥4.50 = ¥9.00 → 10 + 2 × 9.
    assert points(hood.households[1]) == 28
    assert points(hood.households[2]) == 28
    assert points(hood.households[3]) == 0
    assert Lot.objects.count() == 4
    # The same events delivered again, and the completion's set-based pass: nothing more.
    for event in events.OutboxEvent.objects.all():
        events.Delivery.objects.filter(event=event).update(status="pending")
    deliver()
    services.earn_for_pickups(group_buy_id=group_buy.pk)
    assert points(hood.households[1]) == 28
    assert Lot.objects.count() == 4
    assert ledger.check().ok


def test_conditions_community_category_minimum_dates(hood):
    rule(hood, Trigger.PICKED_UP, 5, community_id=hood.other_community.pk, name="elsewhere")
    rule(hood, Trigger.PICKED_UP, 7, category="grain", name="rice only")
    rule(hood, Trigger.PICKED_UP, 11, min_amount_fen=901, name="over 9 yuan")
    rule(hood, Trigger.PICKED_UP, 13, starts_on=date(2020, 1, 1), ends_on=date(2020, 2, 1))
    rule(hood, Trigger.PICKED_UP, 3, min_amount_fen=900, name="from 9 yuan")
    picked_up(hood, 1)
    assert points(hood.households[1]) == 3


def test_an_on_time_pickup_and_the_first_order(hood):
    rule(hood, Trigger.ON_TIME, 4)
    rule(hood, Trigger.FIRST_ORDER, 50)
    picked_up(hood, 1)
    # The pickup was confirmed before the window opened: first order yes, on time no.
    assert points(hood.households[1]) == 50
    picked_up(hood, 1)
    assert points(hood.households[1]) == 50  # the first order earns once


def test_daily_cap(hood):
    rule(hood, Trigger.PICKED_UP, 30, per_day_cap=50)
    picked_up(hood, 1)
    picked_up(hood, 1)
    assert points(hood.households[1]) == 50


def test_an_invitation_rewards_the_inviter_once(hood):
    rule(hood, Trigger.INVITED, 100)
    services.record_referral(
        actor=hood.leader_user,
        household_id=hood.households[1].pk,
        invited_by_id=hood.households[3].pk,
    )
    picked_up(hood, 1)
    picked_up(hood, 1)
    assert points(hood.households[3]) == 100
    assert points(hood.households[1]) == 0
    assert Referral.objects.count() == 1


def test_bad_rules_are_refused_and_change_nothing(hood):
    with pytest.raises(BadInput) as refused:
        services.create_rule(actor=hood.operator, name="", trigger="", amount=-5)
    fields = {d["field"] for d in refused.value.details}
    assert {"name", "trigger", "amount"} <= fields
    assert EarningRule.objects.count() == 0


def test_members_and_leaders_cannot_make_rules(hood):
    from linli.rewards.errors import NotOperator

    for user in (hood.members[1], hood.leader_user):
        with pytest.raises(NotOperator):
            services.create_rule(actor=user, name="x", trigger=Trigger.PICKED_UP, amount=1)


def test_a_refund_takes_back_its_share_once(hood):
    rule(hood, Trigger.PICKED_UP, 10, effect=EarningRule.Effect.PER_YUAN)
    _group_buy, orders = picked_up(hood, 1)
    household = hood.households[1]
    assert points(household) == 90
    # A refund of ¥4.50 of the ¥9.00: half the points back, once however often it comes.
    for _ in range(3):
        assert services.take_back(order_id=orders[0].pk, reason="report:1", refund_fen=450) in (
            45,
            0,
        )
    assert points(household) == 45
    # A second report for the rest: the other half; a third finds nothing left.
    services.take_back(order_id=orders[0].pk, reason="report:2", refund_fen=450)
    services.take_back(order_id=orders[0].pk, reason="report:3", refund_fen=900)
    assert points(household) == 0
    assert Lot.objects.get().taken_back == 90
    assert Entry.objects.filter(kind=book.TAKEN_BACK).count() == 2


def test_a_take_back_after_spending_leaves_a_debt_the_next_points_pay(hood):
    rule(hood, Trigger.PICKED_UP, 100)
    perk = services.create_perk(
        actor=hood.operator, name="coupon", kind="coupon", cost=80, coupon_fen=500
    )
    _group_buy, orders = picked_up(hood, 1)
    services.redeem(actor=hood.members[1], perk_id=perk.pk)
    services.take_back(order_id=orders[0].pk, reason="cancelled")
    household = hood.households[1]
    assert points(household) == -80
    assert sum(Lot.objects.filter(household=household).values_list("remaining", flat=True)) == -80
    picked_up(hood, 1)
    assert points(household) == 20
    remaining = sorted(Lot.objects.filter(household=household).values_list("remaining", flat=True))
    assert remaining == [0, 20]


def test_earning_ignores_a_group_buy_that_is_gone(hood):
    assert services.earn_for_pickups(group_buy_id=987654) == {"lots": 0, "drops": 0}


def test_an_expired_rule_after_today(hood):
    today = timezone.localdate()
    rule(hood, Trigger.PICKED_UP, 9, starts_on=today + timedelta(days=1))
    picked_up(hood, 1)
    assert points(hood.households[1]) == 0


def test_many_group_buys_at_once_earn_as_of_each_pickup(hood):
    rule(hood, Trigger.PICKED_UP, 10)
    first, _ = picked_up(hood, 1, deliver_events=False)
    second, _ = picked_up(hood, 2, deliver_events=False)
    written = earn_for_group_buys([first.pk, second.pk])
    assert written == {"lots": 3, "drops": 3}
    assert earn_for_group_buys([first.pk, second.pk]) == {"lots": 0, "drops": 0}
    lot = Lot.objects.filter(order__group_buy=first).get()
    assert lot.earned_at == lot.order.collected_at
    assert lot.expires_at - lot.earned_at == timedelta(days=365)
    assert points(hood.households[1]) == 20


def test_the_ledger_knows_rewards_entry_kinds_by_name(hood):
    rule(hood, Trigger.PICKED_UP, 10)
    picked_up(hood, 1)
    earned = Entry.objects.get(kind=Entry.Kind.POINTS_EARNED)
    with translation.override("en"):
        assert earned.get_kind_display() == "points earned"
    with translation.override("zh-hans"):
        assert earned.get_kind_display() == "获得的积分"
    assert {
        book.EARNED,
        book.TAKEN_BACK,
        book.SPENT,
        book.EXPIRED,
        book.COLLECTED,
        book.WATERED,
    } <= set(Entry.Kind.values)
