"""Expiry (closest to expiry first, a scheduled job), tiers by points earned in twelve months
with a yearly review, perks that never overdraw."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.core import clock
from linli.ledger import selectors as ledger
from linli.ledger.models import Entry, Posting
from linli.rewards import defaults, errors, services, tasks
from linli.rewards.models import Lot, Perk, Redemption, TierStanding, Trigger
from linli.rewards.services import book
from linli.rewards.services.spending import tier_of

from .conftest import picked_up, points, rule

pytestmark = pytest.mark.django_db


def _age(lot_ids, *, days):
    """Make lots as if earned ``days`` ago (they expire a year after)."""
    Lot.objects.filter(pk__in=lot_ids).update(
        earned_at=timezone.now() - timedelta(days=days),
        expires_at=timezone.now() - timedelta(days=days) + timedelta(days=365),
    )


def test_spending_uses_the_points_closest_to_expiry_first_and_expiry_takes_the_rest(hood):
    rule(hood, Trigger.PICKED_UP, 100)
    picked_up(hood, 1)
    older = Lot.objects.get()
    picked_up(hood, 1)
    newer = Lot.objects.exclude(pk=older.pk).get()
    _age([older.pk], days=300)
    perk = services.create_perk(
        actor=hood.operator, name="券", kind=Perk.Kind.COUPON, cost=60, coupon_fen=300
    )
    services.redeem(actor=hood.members[1], perk_id=perk.pk)
    older.refresh_from_db()
    newer.refresh_from_db()
    assert (older.remaining, older.spent, newer.remaining) == (40, 60, 100)

    # 70 days on the older lot's last 40 points expire; the newer stay.
    result = services.expire_due(now=timezone.now() + timedelta(days=70))
    assert result == {"households": 1, "points": 40}
    assert points(hood.households[1]) == 100
    assert services.expire_due(now=timezone.now() + timedelta(days=70))["points"] == 0
    earned = _sum(book.EARNED)
    assert earned - _sum(book.SPENT) - _sum(book.EXPIRED) == points(hood.households[1])
    assert ledger.check().ok


def _sum(kind):
    return abs(
        sum(
            Posting.objects.filter(
                entry__kind=kind, account__kind="household", account__unit="PTS"
            ).values_list("amount", flat=True)
        )
    )


def test_expiry_is_a_job_on_the_worker_clock():
    names = {job.name for job in clock.jobs()}
    assert tasks.expire_points.module_path in names
    assert tasks.lapse_energy.module_path in names
    assert tasks.review_tiers.module_path in names


def test_tiers_rise_at_once_and_fall_only_at_the_yearly_review(hood):
    defaults.ensure()
    rule(hood, Trigger.PICKED_UP, 600)
    household = hood.households[1]
    now = timezone.now()
    assert tier_of(household.pk, now=now).name_en == "Sprout"
    picked_up(hood, 1)
    assert tier_of(household.pk, now=now).name_en == "Leaf"
    services.review_tiers(now=now)
    assert TierStanding.objects.get(household=household).tier.name_en == "Leaf"
    # A year on, nothing earned since: still Leaf until the review moves it down.
    later = now + timedelta(days=400)
    assert tier_of(household.pk, now=later).name_en == "Leaf"
    services.review_tiers(now=later)
    assert tier_of(household.pk, now=later).name_en == "Sprout"


def test_a_perk_above_the_tier_is_refused_and_changes_nothing(hood):
    rule(hood, Trigger.PICKED_UP, 100)
    picked_up(hood, 1)
    great = defaults.tier("Great tree")
    perk = services.create_perk(
        actor=hood.operator,
        name="早鸟",
        kind=Perk.Kind.EARLY_ACCESS,
        cost=10,
        hours_early=12,
        min_tier_id=great.pk,
    )
    with pytest.raises(errors.TierTooLow):
        services.redeem(actor=hood.members[1], perk_id=perk.pk)
    assert points(hood.households[1]) == 100
    assert not Redemption.objects.exists()


def test_too_few_points_and_a_perk_that_ran_out(hood):
    rule(hood, Trigger.PICKED_UP, 100)
    picked_up(hood, 2)
    perk = services.create_perk(
        actor=hood.operator,
        name="一盒鸡蛋",
        kind=Perk.Kind.FREE_ITEM,
        cost=80,
        stock=1,
        product_id=hood.products[1].pk,
    )
    services.redeem(actor=hood.members[1], perk_id=perk.pk)
    with pytest.raises(errors.PerkSoldOut):
        services.redeem(actor=hood.members[2], perk_id=perk.pk)
    dear = services.create_perk(
        actor=hood.operator, name="大礼", kind=Perk.Kind.COUPON, cost=500, coupon_fen=100
    )
    with pytest.raises(errors.NotEnoughPoints):
        services.redeem(actor=hood.members[2], perk_id=dear.pk)
    assert points(hood.households[2]) == 100
    assert Entry.objects.filter(kind=book.SPENT).count() == 1
    perk.refresh_from_db()
    assert perk.left == 0


def test_someone_without_a_household_has_no_points_to_redeem(hood):
    perk = services.create_perk(
        actor=hood.operator, name="券", kind=Perk.Kind.COUPON, cost=1, coupon_fen=100
    )
    with pytest.raises(errors.NoHousehold):
        services.redeem(actor=hood.supplier_user, perk_id=perk.pk)
