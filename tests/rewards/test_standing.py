"""A household's standing (the points page and ``GET /api/rewards/me``): its points, the year's
earnings and tier, what expires soon, its history newest first, and the perks on offer to it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from linli.rewards import defaults, rules, selectors, services, views
from linli.rewards.models import Lot, Perk, TierStanding

from ..conftest import text
from .conftest import picked_up, rule

pytestmark = pytest.mark.django_db


def test_the_standing_of_a_household(hood):
    now = timezone.now()
    defaults.ensure()  # tiers at 0, 500 and 2000 points
    rule(hood, amount=250, name="取货")
    for _ in range(3):
        picked_up(hood, 1)
    household = hood.households[1]
    lots = list(Lot.objects.filter(household=household).order_by("id"))
    for lot, (earned_days, expires_days) in zip(
        lots, [(-400, 10), (-100, 20), (-5, 300)], strict=True
    ):
        lot.earned_at = now + timedelta(days=earned_days)
        lot.expires_at = now + timedelta(days=expires_days)
        lot.save(update_fields=["earned_at", "expires_at"])

    def perk(name, cost, community=None):
        return services.create_perk(
            actor=hood.operator,
            name=name,
            kind=Perk.Kind.COUPON,
            cost=cost,
            coupon_fen=100,
            community_id=community.pk if community else None,
        )

    coupon, onions = perk("五元券", 200), perk("小葱", 50)
    ours, theirs = perk("本小区", 120, hood.community), perk("别的小区", 10, hood.other_community)
    assert theirs.community_id != hood.community.pk
    services.redeem(actor=hood.members[1], perk_id=coupon.pk)
    services.redeem(actor=hood.members[1], perk_id=onions.pk)

    s = selectors.standing(household.pk, now=now)
    assert s.points == 750 - 250
    assert s.earned_12m == 500  # the lot earned 400 days ago is not counted
    assert (s.tier.name_en, s.next_tier.name_en) == ("Leaf", "Great tree")
    # The first lot expires soonest, so it was spent first: nothing left of it to announce.
    assert s.expiring == [(lots[1].expires_at, 250)]
    assert [(e.pk, e.rule_name, e.amount, e.remaining) for e in s.lots] == [
        (lots[2].pk, "取货", 250, 250),
        (lots[1].pk, "取货", 250, 250),
        (lots[0].pk, "取货", 250, 0),
    ]
    assert s.lots[0].earned_at == lots[2].earned_at
    assert [(r.perk_name, r.points) for r in s.redemptions] == [("小葱", 50), ("五元券", 200)]
    assert [(v.perk.name, v.may_redeem, v.why_not) for v in s.perks] == [
        ("小葱", True, None),
        ("本小区", True, None),
        ("五元券", True, None),
    ]
    # Read with the community known (the page), the same perks.
    known = selectors.standing(household.pk, community_id=hood.community.pk, now=now)
    assert [v.perk.pk for v in known.perks] == [onions.pk, ours.pk, coupon.pk]

    # The yearly review gave a higher tier: it holds until the next review.
    TierStanding.objects.create(
        household=household, tier=defaults.tier("Great tree"), earned=2000, reviewed_at=now
    )
    assert selectors.standing(household.pk, now=now).tier.name_en == "Great tree"


def test_the_points_page_shows_the_history_a_page_at_a_time(hood, browse, monkeypatch):
    rule(hood, amount=10, name="取货")
    for _ in range(3):
        picked_up(hood, 1)
    monkeypatch.setattr(views, "PAGE_LINES", 2)
    page = browse(hood.members[1], "zh-hans")

    def history(address):
        shown = page.get(address)
        assert shown.status_code == 200
        return text(shown)

    first = history("/rewards/")
    assert first.count('<td class="num">10</td>') == 4  # two lines: earned and left
    assert 'href="?from=2" id="earlier">更早的积分</a>' in first
    assert 'id="newest"' not in first
    second = history("/rewards/?from=2")
    assert second.count('<td class="num">10</td>') == 2
    assert 'id="earlier"' not in second
    assert '<a href="?" id="newest">最新</a>' in second
    # Anything but a whole number from 0 to a million is the first page, never an error.
    for bad in ("-1", "abc", "２", "1e3", "9" * 40, "1000001", " "):
        assert history(f"/rewards/?from={bad}").count('<td class="num">10</td>') == 4


def test_history_skip():
    assert [rules.history_skip(t) for t in ("", "0", "20", " 40 ", "1000000")] == [
        0,
        0,
        20,
        40,
        1_000_000,
    ]
    assert [rules.history_skip(t) for t in ("-1", "x", "٣", "1000001", "9" * 30)] == [0] * 5
