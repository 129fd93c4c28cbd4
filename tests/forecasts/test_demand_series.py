"""Demand series from the order history (forecasts.selectors.demand_series) and the backtest on it."""

import io
import json
from datetime import date, datetime, timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden
from linli.forecasts.selectors import demand_series
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine

OPERATOR = Roles(user_id=None, operator=True)


def at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def order(hood, community, household, items: dict, day: date, hour=10, status="placed"):
    """One group buy a day per community (opened on demand), one order with ``items``."""
    group_buy, _ = GroupBuy.objects.get_or_create(
        community=community,
        title=f"{day}",
        defaults={
            "leader": hood.leader,
            "min_to_form": 1,
            "opens_at": at(day, 0),
            "cutoff_at": at(day, 23),
            "pickup_starts_at": at(day + timedelta(days=1), 9),
            "pickup_ends_at": at(day + timedelta(days=1), 18),
            "pickup_place": "门口",
        },
    )
    placed = Order.objects.create(
        group_buy=group_buy,
        household=household,
        placed_by=hood.members[0],
        status=status,
        pickup_code=f"{Order.objects.count():012d}",
        placed_at=at(day, hour),
        updated_at=at(day, hour),
    )
    for product, quantity in items.items():
        item, _ = GroupBuyItem.objects.get_or_create(
            group_buy=group_buy,
            product=product,
            defaults={"price_fen": 100, "stock_initial": 999, "stock_left": 999},
        )
        OrderLine.objects.create(order=placed, item=item, quantity=quantity, unit_price_fen=100)


def test_units_per_community_product_and_shanghai_day(hood):
    greens, eggs = hood.products[:2]
    first, household = hood.households[0], hood.households[1]
    day = date(2026, 3, 2)
    order(hood, hood.community, first, {greens: 2, eggs: 1}, day)
    order(hood, hood.community, household, {greens: 3}, day, hour=23)  # 23:00 in Shanghai
    order(hood, hood.community, household, {eggs: 4}, day + timedelta(days=2))
    order(hood, hood.community, first, {eggs: 9}, day + timedelta(days=2), status="cancelled")
    order(hood, hood.community, first, {greens: 1}, day + timedelta(days=3), status="failed")
    # Today is not over: its orders wait for tomorrow's series.
    order(hood, hood.community, first, {greens: 7}, timezone.localdate(), hour=0)
    c = hood.community.pk
    found = demand_series(OPERATOR)
    by_series = {
        key: (part["ds"].tolist(), part["y"].tolist()) for key, part in found.groupby("unique_id")
    }
    days = [day + timedelta(days=n) for n in range(4)]
    assert by_series == {
        # 23:00 in Shanghai is still that day; a failed group buy's order is demand (the wish
        # was there), a cancelled one is not.
        f"{c}:{greens.pk}": (days, [5.0, 0.0, 0.0, 1.0]),
        f"{c}:{eggs.pk}": (days, [1.0, 0.0, 4.0, 0.0]),
    }
    assert list(found.columns) == ["unique_id", "ds", "y", "censored", "corrected"]
    assert not found["censored"].any()


def test_sold_out_and_full_days_are_marked_censored(hood):
    greens, eggs = hood.products[:2]
    day = date(2026, 3, 2)
    for n in range(3):
        order(hood, hood.community, hood.households[0], {greens: 1, eggs: 1}, day + timedelta(n))
    second, third = day + timedelta(days=1), day + timedelta(days=2)
    GroupBuyItem.objects.filter(group_buy__title=str(second), product=greens).update(stock_left=0)
    GroupBuy.objects.filter(title=str(third)).update(close_reason="full", closed_at=at(third, 15))
    found = demand_series(OPERATOR)
    c = hood.community.pk
    marked = found[found["censored"]]
    assert set(zip(marked["unique_id"], marked["ds"], strict=True)) == {
        (f"{c}:{greens.pk}", second),
        (f"{c}:{greens.pk}", third),
        (f"{c}:{eggs.pk}", third),
    }


def test_only_operators_read_every_communitys_demand(hood):
    with pytest.raises(Forbidden):
        demand_series(Roles(user_id=1, led_community_ids=frozenset({hood.community.pk})))


def test_the_backtest_runs_on_the_database_history(hood, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    greens, eggs = hood.products[:2]
    start = date(2026, 1, 5)  # a Monday
    for n in range(21):
        day = start + timedelta(days=n)
        order(hood, hood.community, hood.households[0], {greens: 1 + (n % 7 == 5) * 4}, day)
        if n % 7 in (0, 3):
            order(hood, hood.community, hood.households[1], {eggs: 2}, day)
    order(hood, hood.other_community, hood.households[2], {eggs: 1}, start + timedelta(days=20))
    out = io.StringIO()
    call_command(
        "forecast", "backtest", "--by", "day", "--horizon", "2", "--season", "7", stdout=out
    )
    lines = out.getvalue().strip().splitlines()
    assert lines[0] == "1 community × product series shorter than 19 days are left out."
    assert lines[1].startswith("2 series, daily dates (season 7); the last 2 periods")
    assert "0 held-out periods of 0 series sold out or closed at the maximum." in out.getvalue()
    result = json.loads(lines[-1])
    assert (result["series"], result["horizon"]) == (2, 2)
    # An exact week of greens and an eggs every Monday and Thursday: seasonal naive is perfect.
    assert result["wape"]["chosen"] == 0.0


def test_no_history_long_enough_is_said(db, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    with pytest.raises(CommandError) as refused:
        call_command("forecast", "backtest", "--horizon", "7", stdout=io.StringIO())
    assert str(refused.value) == "No community × product series has 26 weeks of orders yet."
    assert refused.value.returncode == 2
    monkeypatch.setenv("LINLI_LANGUAGE", "zh-hans")
    with pytest.raises(CommandError) as refused:
        call_command("forecast", "backtest", "--horizon", "7", stdout=io.StringIO())
    assert str(refused.value) == "还没有哪个小区 × 商品序列有 26 周的订单。"


def test_a_sold_out_item_is_corrected_on_the_day_it_sold_out(hood):
    greens, eggs = hood.products[:2]
    day = date(2026, 3, 2)
    # Eggs did not sell out: orders at 1:00, 12:00 and 22:00 of a window 0:00–23:00 teach
    # the arrival curve; greens sold out with 2 units at 12:00, about half way.
    for hour in (1, 12, 22):
        order(hood, hood.community, hood.households[0], {eggs: 1}, day, hour=hour)
    order(hood, hood.community, hood.households[1], {greens: 2}, day, hour=12)
    GroupBuyItem.objects.filter(product=greens).update(stock_left=0)
    found = demand_series(OPERATOR, until=day + timedelta(days=1))
    rows = found.set_index("unique_id")
    c = hood.community.pk
    assert rows.loc[f"{c}:{eggs.pk}", "corrected"] == 3.0
    # 12:00 of 0:00–23:00 is 12/23 of the window, in the bin (10/20 to 11/20) where the egg
    # ordered at 12:00 came in: one in three egg units by its start, two by its end.
    share = 1 / 3 + (12 / 23 * 20 - 10) / 3
    assert rows.loc[f"{c}:{greens.pk}", "y"] == 2.0
    assert rows.loc[f"{c}:{greens.pk}", "corrected"] == pytest.approx(2 / share)
    assert 4.1 < 2 / share < 4.2
