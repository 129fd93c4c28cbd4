"""Early access, the perk: a household holding it orders a group buy up to its hours before the
opening; everyone else is refused with the group buys' own "opens at" error until then."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from linli.groupbuys import services as groupbuys
from linli.groupbuys.errors import NotOpenYet
from linli.groupbuys.models import Order
from linli.rewards import services
from linli.rewards.models import Perk, Redemption
from linli.rewards.services.drops import Candidate
from linli.rewards.services.earning import apply_rule

from .. import factories
from .conftest import rule

pytestmark = pytest.mark.django_db


def scheduled(hood, *, opens_in: timedelta):
    """A group buy that opens ``opens_in`` from now (its cutoff tomorrow evening)."""
    now = timezone.now()
    first = hood.products[0]
    return groupbuys.open_group_buy(
        actor=hood.leader_user,
        community_id=hood.community.pk,
        title="明早开团",
        items=[groupbuys.ItemSpec(product_id=first.pk, price_fen=450, stock=20)],
        min_to_form=1,
        now=now,
        **(factories.times(now) | {"opens_at": now + opens_in}),
    )


def early_perk(hood, *, hours=2, community=None, redeemed_ago=timedelta(minutes=5)):
    """Member 1's household redeems an early-access perk (it earned 100 points first)."""
    now = timezone.now()
    earned = rule(hood, amount=100)
    apply_rule(earned, [Candidate(hood.households[1].pk, "early", 0, None, now)], now=now)
    perk = services.create_perk(
        actor=hood.operator,
        name=f"提前{hours}小时",
        kind=Perk.Kind.EARLY_ACCESS,
        cost=50,
        hours_early=hours,
        community_id=community.pk if community else None,
    )
    return services.redeem(actor=hood.members[1], perk_id=perk.pk, now=now - redeemed_ago)


def order(hood, member, group_buy, *, now=None):
    first = group_buy.items.order_by("position").first()
    return groupbuys.place_order(
        actor=member, group_buy_id=group_buy.pk, lines={first.pk: 1}, now=now
    )


def test_the_perk_opens_the_group_buy_its_hours_early_for_its_household_only(hood):
    early_perk(hood, hours=2)
    group_buy = scheduled(hood, opens_in=timedelta(hours=1))
    placed = order(hood, hood.members[1], group_buy)
    assert placed.household_id == hood.households[1].pk
    # Changed and cancelled before the opening too.
    first = group_buy.items.order_by("position").first()
    groupbuys.change_order(actor=hood.members[1], order_id=placed.pk, lines={first.pk: 2})
    assert Order.objects.get(pk=placed.pk).total_fen == 900
    # Another household: the usual refusal, nothing written.
    with translation.override("en"), pytest.raises(NotOpenYet) as refused:
        order(hood, hood.members[2], group_buy)
    with translation.override("en"):
        assert str(refused.value.message).startswith("This group buy opens at ")
    assert Order.objects.filter(group_buy=group_buy).count() == 1


def test_not_earlier_than_its_hours_nor_elsewhere_nor_long_after_redeeming(hood):
    early_perk(hood, hours=2)
    later = scheduled(hood, opens_in=timedelta(hours=3))
    with pytest.raises(NotOpenYet):
        order(hood, hood.members[1], later)
    # Two hours before, exactly: open for it.
    opens = later.opens_at
    assert order(hood, hood.members[1], later, now=opens - timedelta(hours=2)).pk


def test_a_perk_of_another_community_or_redeemed_too_long_ago_gives_nothing(hood):
    early_perk(hood, hours=2, community=hood.other_community)
    group_buy = scheduled(hood, opens_in=timedelta(hours=1))
    with pytest.raises(NotOpenYet):
        order(hood, hood.members[1], group_buy)
    Redemption.objects.update(
        perk=Perk.objects.create(name="早", kind="early_access", cost=1, hours_early=2)
    )
    Redemption.objects.update(at=timezone.now() - timedelta(days=31))
    with pytest.raises(NotOpenYet):
        order(hood, hood.members[1], group_buy)
    Redemption.objects.update(at=timezone.now() - timedelta(days=29))
    assert order(hood, hood.members[1], group_buy).pk


def test_the_page_shows_the_order_form_to_the_household_with_the_perk_only(hood):
    early_perk(hood, hours=2)
    group_buy = scheduled(hood, opens_in=timedelta(hours=1))
    pages = {}
    for n in (1, 2):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(hood.members[n])
        pages[n] = client.get(f"/group-buys/{group_buy.pk}/").content.decode()
    assert "Place order" in pages[1]
    assert "Place order" not in pages[2]


def test_the_home_page_lists_what_the_perk_opens_early_to_its_household_only(hood):
    early_perk(hood, hours=2)
    soon = scheduled(hood, opens_in=timedelta(hours=1))
    later = scheduled(hood, opens_in=timedelta(hours=5))
    homes = {}
    for n in (1, 2):
        client = Client(HTTP_ACCEPT_LANGUAGE="en")
        client.force_login(hood.members[n])
        homes[n] = client.get("/").content.decode()
    assert 'id="tile-rewards_early"' in homes[1]
    tile = homes[1].split('id="tile-rewards_early"')[1].split("</section>")[0]
    assert f'href="/group-buys/{soon.pk}/"' in tile
    assert re.search(r"<small>opens to everyone in 5\d min; you may order now</small>", tile)
    assert f'href="/group-buys/{later.pk}/"' not in tile  # five hours off: beyond its two
    assert 'id="tile-rewards_early"' not in homes[2]  # no perk: no tile at all
