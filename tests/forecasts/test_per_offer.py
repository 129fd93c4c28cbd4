"""The per-offer backtest: each held-out group-buy item's suggested stock, median and "same as
the last offer", read from the offers before it, against what it wanted."""

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden
from linli.forecasts import rules, selectors
from linli.forecasts.backtest import Offer, offer_accuracy
from linli.groupbuys.models import GroupBuyItem

from .test_demand_series import order

OPERATOR = Roles(user_id=None, operator=True)


def offer(ordered, wanted=None, *, sold_out=False, scored=False, community=1, product=7, size=10):
    return Offer(
        community=community,
        product=product,
        ordered=ordered,
        wanted=ordered if wanted is None else wanted,
        sold_out=sold_out,
        ratio=0.8,
        households=size,
        scored=scored,
    )


def test_each_offer_is_forecast_from_the_offers_before_it_with_and_without_the_correction():
    found = offer_accuracy(
        [
            offer(10),
            offer(12),
            offer(15, 20, sold_out=True),
            offer(14, scored=True),
            offer(18, 24, sold_out=True, scored=True),
            offer(3, scored=True, product=8),  # nothing before it anywhere
        ],
        cap=500,
    )
    assert (found.items, found.sold_out_items, found.no_history) == (2, 1, 1)
    # The first scored (14 wanted) reads 10, 12, 20 (corrected) or 10, 12, 15 (as ordered):
    # suggested (80 % quantile, whole units) 17 or 14, median 12, last offer 20 or 15. The
    # second (24 wanted, 18 ordered before it sold out) reads 10, 12, 20, 14 or 10, 12, 15, 14:
    # suggested 17 or 15, median 13, last offer 14. A unit short costs 0.8, one over 0.2.
    assert found.pinball == pytest.approx(
        {
            "suggested": (0.2 * 3 + 0.8 * 7) / 38,
            "suggested_as_ordered": (0 + 0.8 * 9) / 38,
            "median": (0.8 * 2 + 0.8 * 11) / 38,
            "median_as_ordered": (0.8 * 2 + 0.8 * 11) / 38,
            "last_offer": (0.2 * 6 + 0.8 * 10) / 38,
            "last_offer_as_ordered": (0.2 * 1 + 0.8 * 10) / 38,
        }
    )
    assert found.wape == pytest.approx(
        {
            "suggested": 10 / 38,
            "suggested_as_ordered": 9 / 38,
            "median": 13 / 38,
            "median_as_ordered": 13 / 38,
            "last_offer": 16 / 38,
            "last_offer_as_ordered": 11 / 38,
        }
    )
    # The sold-out one alone: against 24 wanted, and units certainly short of the 18 ordered.
    assert found.sold_out_pinball == pytest.approx(
        {
            "suggested": 5.6 / 24,
            "suggested_as_ordered": 7.2 / 24,
            "median": 8.8 / 24,
            "median_as_ordered": 8.8 / 24,
            "last_offer": 8 / 24,
            "last_offer_as_ordered": 8 / 24,
        }
    )
    assert found.sold_out_short == pytest.approx(
        {
            "suggested": 1 / 18,
            "suggested_as_ordered": 3 / 18,
            "median": 5 / 18,
            "median_as_ordered": 5 / 18,
            "last_offer": 4 / 18,
            "last_offer_as_ordered": 4 / 18,
        }
    )
    assert found.sold_out_wape["suggested"] == pytest.approx(7 / 24)


def test_a_community_new_to_the_product_reads_the_citys_last_offer_scaled():
    found = offer_accuracy(
        [offer(10), offer(4, scored=True, community=2, size=5)],
        cap=500,
    )
    # 10 in a community of 10 households → 5 here: suggested, median and last offer all 5.
    assert found.items == 1
    assert found.pinball["suggested"] == pytest.approx(0.2 * 1 / 4)
    assert found.wape["last_offer"] == pytest.approx(1 / 4)
    assert found.sold_out_items == 0 and found.sold_out_wape["suggested"] is None


def test_the_held_out_offers_are_the_last_whole_weeks_items_after_their_history(hood):
    eggs = hood.products[1]
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    # Eight weeks of eggs on Tuesdays: 10, 12 …; the last four whole weeks held out; this
    # week's group buy is not read at all.
    for n in range(8):
        order(
            hood,
            hood.community,
            hood.households[0],
            {eggs: 10 + 2 * n},
            this_monday - timedelta(weeks=8 - n) + timedelta(days=1),
        )
    order(hood, hood.community, hood.households[0], {eggs: 99}, this_monday)
    # The week-before-last's group buy sold out at 10:00 of its 0:00–23:00 window.
    sold = this_monday - timedelta(weeks=2) + timedelta(days=1)
    GroupBuyItem.objects.filter(group_buy__title=str(sold)).update(stock_left=0)
    now = timezone.make_aware(datetime(today.year, today.month, today.day, 12))
    offers = selectors.held_out_offers(OPERATOR, now=now)
    assert [(o.ordered, o.scored, o.sold_out) for o in offers] == [
        (10.0, False, False),
        (12.0, False, False),
        (14.0, False, False),
        (16.0, False, False),
        (18.0, True, False),
        (20.0, True, False),
        (22.0, True, True),
        (24.0, True, False),
    ]
    assert offers[6].wanted > 22.0  # what it would have sold
    assert offers[0].ratio == rules.critical_ratio(2800, 2000, "eggs_dairy")
    assert {o.households for o in offers} == {4}
    with pytest.raises(Forbidden):
        selectors.held_out_offers(Roles(user_id=1))


def test_the_cli_backtest_adds_the_per_offer_table_and_json(hood, monkeypatch):
    import io
    import json

    from django.core.management import call_command

    from linli.forecasts.suggestions import cap

    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    eggs = hood.products[1]
    today = timezone.localdate()
    this_monday = today - timedelta(days=today.weekday())
    for n in range(22):
        tuesday = this_monday - timedelta(weeks=22 - n) + timedelta(days=1)
        order(hood, hood.community, hood.households[0], {eggs: 10 + 4 * (n % 2)}, tuesday)
    out = io.StringIO()
    call_command("forecast", "backtest", "--horizon", "4", stdout=out)
    said = out.getvalue()
    assert (
        "Per group buy: 4 items of the last 4 whole weeks (0 sold out; 0 with nothing before "
        "them left out)" in said
    )
    assert "│ as the last, as ordered │" in said
    per_offer = json.loads(said.strip().splitlines()[-1])["per_offer"]
    assert per_offer == offer_accuracy(selectors.held_out_offers(OPERATOR, 4), cap()).as_json()
    # 10 and 14 in turn: the median (12) is 2 off each time, the last group buy 4.
    assert per_offer["wape"]["median"] == pytest.approx(8 / 48, abs=1e-4)
    assert per_offer["wape"]["last_offer"] == pytest.approx(16 / 48, abs=1e-4)
