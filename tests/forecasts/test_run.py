"""Stored forecasts: `linli forecast run`, the nightly job, a community without history."""

import io
import json
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from linli.accounts.roles import Roles
from linli.core import clock
from linli.core.errors import Forbidden
from linli.forecasts import selectors
from linli.forecasts.models import Forecast, ForecastRun
from linli.forecasts.services import run_forecasts

from .test_demand_series import order

OPERATOR = Roles(user_id=None, operator=True)
START = date(2026, 1, 5)  # a Monday
WEEKS = 18
UNTIL = START + timedelta(weeks=WEEKS)  # a Monday: 18 whole weeks of history before it


def history(hood, weeks: int = WEEKS) -> None:
    """Greens every Monday, 3 then 5 units in turn; eggs every Thursday, 2 units."""
    greens, eggs = hood.products[:2]
    for week in range(weeks):
        monday = START + timedelta(weeks=week)
        order(hood, hood.community, hood.households[0], {greens: 3 + 2 * (week % 2)}, monday)
        order(hood, hood.community, hood.households[1], {eggs: 2}, monday + timedelta(days=3))


def rows(run: ForecastRun) -> list[tuple]:
    return sorted(
        (r.community_id or 0, r.product_id, r.week, round(r.expected, 6), r.model)
        for r in run.rows.all()
    )


def test_every_series_and_every_product_city_wide_is_forecast_for_four_weeks(hood):
    history(hood)
    greens, eggs = hood.products[:2]
    seen = []
    run = run_forecasts(until=UNTIL, progress=lambda done, total: seen.append((done, total)))
    assert (run.series, run.weeks, run.first_week, run.until) == (2, 4, UNTIL, UNTIL)
    assert seen[-1] == (4, 4)  # two community series and two products city-wide
    c = hood.community.pk
    found = {(r.community_id, r.product_id, r.week): r for r in run.rows.all()}
    weeks = [UNTIL + timedelta(weeks=n) for n in range(4)]
    assert set(found) == {
        (scope, product.pk, week)
        for scope in (c, None)
        for product in (greens, eggs)
        for week in weeks
    }
    # Eggs: 2 every week, forecast exactly, by the simplest model that does.
    eggs_rows = [found[c, eggs.pk, week] for week in weeks]
    assert [(r.expected, r.low, r.high, r.model) for r in eggs_rows] == [
        (2.0, 2.0, 2.0, "seasonal_naive")
    ] * 4
    for row in found.values():
        assert 0 <= row.low <= row.expected <= row.high


def test_orders_after_the_day_forecast_from_do_not_leak_in(hood):
    history(hood)
    before = rows(run_forecasts(until=UNTIL))
    greens = hood.products[0]
    # A spike planted on the very day forecast from, and the weeks after.
    for day in range(0, 21, 3):
        order(hood, hood.community, hood.households[2], {greens: 90}, UNTIL + timedelta(day))
    after = run_forecasts(until=UNTIL)
    assert rows(after) == before
    # Told to read up to three weeks later, it sees the spike: the test can fail.
    assert rows(run_forecasts(until=UNTIL + timedelta(weeks=3))) != before


def test_a_community_without_history_gets_the_city_pattern_scaled_to_its_size(hood):
    history(hood)
    run_forecasts(until=UNTIL)
    greens, eggs = hood.products[:2]
    other = hood.other_community.pk
    found = selectors.expected_in_community(OPERATOR, other, [greens.pk, eggs.pk])
    # The city has 5 households: 4 in the neighbourhood, 1 in the other community.
    city = Forecast.objects.get(community=None, product=eggs, week=UNTIL)
    assert found[eggs.pk].from_city
    assert found[eggs.pk].expected == pytest.approx(city.expected / 5) == pytest.approx(0.4)
    assert found[greens.pk].expected > 0
    # The community's own series is read where it has one.
    mine = selectors.expected_in_community(OPERATOR, hood.community.pk, [eggs.pk])
    assert (mine[eggs.pk].expected, mine[eggs.pk].from_city) == (2.0, False)
    # A product nobody ever ordered: nothing, not zero and not an error.
    rice = hood.products[2]
    assert selectors.expected_in_community(OPERATOR, other, [rice.pk]) == {}


def test_only_the_communitys_leaders_and_operators_read_its_forecasts(hood):
    with pytest.raises(Forbidden):
        selectors.expected_in_community(
            Roles(user_id=1, led_community_ids=frozenset({hood.other_community.pk})),
            hood.community.pk,
            [],
        )


def test_a_supplier_sees_its_products_next_week_across_communities(hood):
    history(hood)
    run_forecasts(until=UNTIL)
    greens, eggs = hood.products[:2]
    mine = Roles(user_id=1, supplier_ids=frozenset({hood.supplier.pk}))
    found = selectors.supplier_next_week(mine, hood.supplier.pk)
    assert [(f.product, f.week, f.communities) for f in found] == [
        (greens.name, UNTIL, 1),
        (eggs.name, UNTIL, 1),
    ] or [(f.product, f.week, f.communities) for f in found] == [
        (eggs.name, UNTIL, 1),
        (greens.name, UNTIL, 1),
    ]
    assert {f.product: f.expected for f in found}[eggs.name] == 2.0
    with pytest.raises(Forbidden):
        selectors.supplier_next_week(
            Roles(user_id=2, supplier_ids=frozenset({hood.supplier.pk + 1})), hood.supplier.pk
        )


def test_the_worker_forecasts_nightly():
    job = {j.name: j for j in clock.jobs()}["linli.forecasts.tasks.forecast_every_series"]
    assert job.every == timedelta(days=1)


def test_linli_forecast_run_prints_what_it_did_and_a_json_line(hood, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    out = io.StringIO()
    call_command("forecast", "run", stdout=out)
    lines = out.getvalue().strip().splitlines()
    assert lines[0].startswith("0 community × product series forecast for 4 weeks from ")
    figures = json.loads(lines[-1])
    assert (figures["bench"], figures["series"], figures["weeks"]) == ("forecast-run", 0, 4)
    assert ForecastRun.objects.count() == 1


def test_old_runs_are_deleted_when_a_new_one_finishes(hood):
    history(hood, weeks=2)
    first = run_forecasts(until=UNTIL)
    ForecastRun.objects.filter(pk=first.pk).update(started_at=first.started_at - timedelta(weeks=9))
    second = run_forecasts(until=UNTIL)
    assert list(ForecastRun.objects.values_list("pk", flat=True)) == [second.pk]
    assert selectors.latest_run() == second
