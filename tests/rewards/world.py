"""Rewards for the shared tables (permissions, paging): a rule, a perk, points, energy ready
to collect and collected, a growing tree, a planted one and a grown one waiting."""

from datetime import date, timedelta

from django.utils import timezone

from linli.groupbuys.models import Order
from linli.rewards import defaults, services
from linli.rewards.models import EnergyDrop, Perk, Trigger
from linli.rewards.services.drops import Candidate
from linli.rewards.services.earning import apply_rule

from .conftest import plant


def _drop(household, grams, *, appears):
    return EnergyDrop.objects.create(
        household=household,
        source=f"world:{grams}:{appears.timestamp()}",
        community=household.building.community,
        building=household.building,
        avoided_g=grams,
        grams=grams,
        earned_at=appears,
        appears_at=appears,
        lapses_at=appears + timedelta(hours=72),
    )


def rewards_world(hood, *, collected_gb_id: int | None = None) -> dict:
    now = timezone.now()
    operator, member = hood.operator, hood.members[1]
    household = hood.households[1]
    rule = services.create_rule(
        actor=operator,
        name="取货积分",
        trigger=Trigger.PICKED_UP,
        amount=100,
        starts_on=date(2020, 1, 1),
    )
    apply_rule(rule, [Candidate(household.pk, "world", 0, None, now)], now=now)
    perk = services.create_perk(
        actor=operator, name="五元券", kind=Perk.Kind.COUPON, cost=10, coupon_fen=500
    )
    saxaul = defaults.species("梭梭")
    # Two of the member's trees grown (energy collected and given), one planted.
    for n in range(2):
        _drop(household, saxaul.energy_g, appears=now - timedelta(hours=2 + n))
        services.collect(actor=member, now=now - timedelta(hours=1 - n / 10))
        services.start_tree(actor=member, species_id=saxaul.pk)
        services.water(actor=member)
    batch = plant(operator, saxaul, place="内蒙古阿拉善左旗")
    # A third tree growing, some energy collected for it and some ready to collect.
    services.start_tree(actor=member, species_id=saxaul.pk)
    _drop(household, 300, appears=now - timedelta(minutes=30))
    services.collect(actor=member, now=now - timedelta(minutes=20))
    _drop(household, 200, appears=now - timedelta(minutes=10))
    services.create_goal(
        actor=operator,
        name="八成准时",
        community_id=hood.community.pk,
        threshold_pct=80,
        month=timezone.localdate(),
        unlock="perk",
        perk_id=perk.pk,
    )
    collected = Order.objects.filter(group_buy_id=collected_gb_id).first()
    return {
        "rw_rule": rule.pk,
        "rw_perk": perk.pk,
        "rw_species": saxaul.pk,
        "rw_code": batch.trees.get().code,
        "rw_order": collected.pk if collected else 0,
        "rw_neighbour_household": hood.households[2].pk,
    }
