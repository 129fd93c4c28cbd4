"""Suggested stock on the leader's open form: the newsvendor, whole units, the cap, the why."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden
from linli.forecasts import rules, selectors
from linli.groupbuys import suggestions
from linli.groupbuys.models import GroupBuyItem

from .test_demand_series import order

OPERATOR = Roles(user_id=None, operator=True)


def test_the_critical_ratio_weighs_a_sale_lost_against_a_unit_thrown_away():
    # Eggs at ¥28 costing ¥20, worth 10 % of cost left over: 8 / (8 + 18).
    assert rules.critical_ratio(2800, 2000, "eggs_dairy") == pytest.approx(8 / 26)
    # Rice keeps: 17 / (17 + 10.4).
    assert rules.critical_ratio(6900, 5200, "grain") == pytest.approx(17 / 27.4)
    # Sold at cost: the low bound, not 0.
    assert rules.critical_ratio(300, 300, "vegetable") == 0.1


def test_suggested_stock_is_the_quantile_in_whole_units_capped():
    demands = [10, 12, 14, 16, 30]
    assert rules.quantile(demands, 0.5) == 14
    assert rules.quantile(demands, 0.875) == pytest.approx(16 + 0.5 * 14)
    assert rules.suggested_stock(demands, 0.5, cap=500) == 14
    assert rules.suggested_stock(demands, 0.6, cap=500) == 15  # 14.8 rounded up
    assert rules.suggested_stock(demands, 0.9, cap=20) == 20
    assert rules.suggested_stock([0, 0, 0.2], 0.1, cap=20) == 1  # someone did order it
    assert rules.suggested_stock([0, 0], 0.9, cap=20) == 0


@given(
    st.lists(st.floats(min_value=0, max_value=10_000), min_size=1, max_size=30),
    st.floats(min_value=0.1, max_value=0.9),
    st.integers(min_value=0, max_value=1_000),
)
def test_a_suggestion_is_whole_never_negative_and_never_above_the_cap(demands, ratio, cap):
    units = rules.suggested_stock(demands, ratio, cap)
    assert isinstance(units, int)
    assert 0 <= units <= cap


def offers(hood, community, household, product, units: list[int], start: date) -> None:
    for n, quantity in enumerate(units):
        order(hood, community, household, {product: quantity}, start + timedelta(days=n))


def test_the_communitys_last_group_buys_make_its_suggestion(hood):
    eggs = hood.products[1]
    start = timezone.localdate() - timedelta(days=10)
    offers(hood, hood.community, hood.households[0], eggs, [10, 14, 12, 20], start)
    found = selectors.suggest_stock(OPERATOR, hood.community.pk, [eggs], cap=500)
    ratio = rules.critical_ratio(2800, 2000, "eggs_dairy")
    assert found[eggs.pk] == selectors.Suggestion(
        product_id=eggs.pk,
        units=rules.suggested_stock([10, 14, 12, 20], ratio, 500),
        low=10,  # floor of the 10 % quantile, 10.6
        high=19,  # ceiling of the 90 % quantile, 18.2
        offers=4,
        from_city=False,
    )
    assert found[eggs.pk].units == 12  # the 31 % quantile of 10, 12, 14, 20: 11.7, rounded up


def test_a_sell_out_counts_what_it_would_have_sold(hood):
    eggs = hood.products[1]
    start = timezone.localdate() - timedelta(days=10)
    offers(hood, hood.community, hood.households[0], eggs, [10, 10, 10], start)
    before = selectors.suggest_stock(OPERATOR, hood.community.pk, [eggs], cap=500)[eggs.pk]
    # The last one sold out at 10:00 of its 0:00–23:00 window.
    GroupBuyItem.objects.filter(group_buy__title=str(start + timedelta(days=2))).update(
        stock_left=0
    )
    after = selectors.suggest_stock(OPERATOR, hood.community.pk, [eggs], cap=500)[eggs.pk]
    assert after.high > before.high == 10


def test_a_community_without_group_buys_of_its_own_reads_the_citys_scaled(hood):
    eggs = hood.products[1]
    start = timezone.localdate() - timedelta(days=10)
    # The neighbourhood (4 households) ordered 8 each time; the other community has 1.
    offers(hood, hood.community, hood.households[0], eggs, [8, 8, 8], start)
    found = selectors.suggest_stock(OPERATOR, hood.other_community.pk, [eggs], cap=500)
    assert (found[eggs.pk].low, found[eggs.pk].high, found[eggs.pk].from_city) == (2, 2, True)
    assert found[eggs.pk].units == 2  # 8 / 4 households × 1, never 0
    # A product offered nowhere: no suggestion, no error.
    assert selectors.suggest_stock(OPERATOR, hood.other_community.pk, [hood.products[2]], 9) == {}


def test_only_the_communitys_leaders_and_operators_get_suggestions(hood):
    with pytest.raises(Forbidden):
        selectors.suggest_stock(Roles(user_id=1), hood.community.pk, [], cap=5)


def test_the_open_form_shows_the_suggestion_and_why_and_fills_it_in_when_asked(hood, settings):
    eggs = hood.products[1]
    start = timezone.localdate() - timedelta(days=10)
    offers(hood, hood.community, hood.households[0], eggs, [10, 14, 12, 20], start)
    client = Client()
    client.force_login(hood.leader_user)
    url = f"/lead/communities/{hood.community.pk}/new"
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert f'value="" placeholder="12" aria-describedby="why-{eggs.pk}"' in page
    assert "这个小区最近 4 次团购通常 10–19 盒。" in page
    filled = client.get(url + "?fill=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f'name="stock-{eggs.pk}" inputmode="numeric" size="5" value="12"' in filled
    assert "Usually 10–19 盒 in this community&#39;s last 4 group buys." in filled
    # Capped by the setting.
    settings.LINLI_FORECASTS = {"SUGGESTION_CAP": 11}
    capped = client.get(url + "?fill=1").content.decode()
    assert f'name="stock-{eggs.pk}" inputmode="numeric" size="5" value="11"' in capped


def test_without_a_provider_the_form_suggests_nothing(hood):
    from linli.forecasts.suggestions import suggested_stock

    eggs = hood.products[1]
    offers(hood, hood.community, hood.households[0], eggs, [10, 14, 12], timezone.localdate())
    suggestions.unregister("forecasts")
    try:
        client = Client()
        client.force_login(hood.leader_user)
        page = client.get(f"/lead/communities/{hood.community.pk}/new?fill=1").content.decode()
        assert "placeholder=" not in page.split('id="stock-')[1].split(">")[0]
    finally:
        suggestions.register("forecasts", suggested_stock)


def test_a_weekday_is_usual_when_most_of_the_group_buys_read_opened_on_it():
    assert rules.usual_weekday([3, 3, 1]) == 3  # two Thursdays of three
    assert rules.usual_weekday([3, 3, 3, 1, 1]) == 3
    assert rules.usual_weekday([3, 1, 3, 1]) is None  # half is not most
    assert rules.usual_weekday([0, 1, 2, 3, 4, 5, 6]) is None
    assert rules.usual_weekday([3, 3]) is None  # too few to say
    assert rules.usual_weekday([]) is None


def test_the_why_says_the_weekday_only_when_the_group_buys_mostly_open_on_one(hood):
    from django.utils import translation

    from linli.forecasts.suggestions import why

    eggs = hood.products[1]
    today = timezone.localdate()
    thursday = today - timedelta(days=(today.weekday() - 3) % 7 or 7)
    for weeks_ago, quantity in ((3, 30), (2, 36), (1, 42)):
        order(
            hood,
            hood.community,
            hood.households[0],
            {eggs: quantity},
            thursday - timedelta(weeks=weeks_ago - 1),
        )
    found = selectors.suggest_stock(OPERATOR, hood.community.pk, [eggs], cap=500)[eggs.pk]
    # The 31 % quantile of 30, 36, 42: 33.7, so 34; range 31.2–40.8 → 31–41.
    assert (found.units, found.low, found.high, found.weekday) == (34, 31, 41, 3)
    with translation.override("en"):
        assert (
            why(found, "盒")
            == "Usually 31–41 盒 on Thursdays, in this community's last 3 group buys."
        )
    with translation.override("zh-hans"):
        assert why(found, "盒") == "这个小区最近 3 次团购，周四通常 31–41 盒。"
    # Three more on Mondays between them: three of six on Thursdays is not most.
    for weeks_ago in range(3):
        monday = thursday - timedelta(days=3 + 7 * weeks_ago)
        order(hood, hood.community, hood.households[0], {eggs: 36}, monday)
    found = selectors.suggest_stock(OPERATOR, hood.community.pk, [eggs], cap=500)[eggs.pk]
    assert (found.offers, found.weekday) == (6, None)
    with translation.override("en"):
        assert why(found, "盒") == "Usually 33–39 盒 in this community's last 6 group buys."
    with translation.override("zh-hans"):
        assert why(found, "盒") == "这个小区最近 6 次团购通常 33–39 盒。"


def test_the_arrival_curve_is_read_once_an_hour(monkeypatch):
    """Every open form and every kept group buy reads the city's arrival curve: once an hour
    (the cache), not at each; the next hour reads it again."""
    from datetime import UTC, datetime

    from linli.forecasts import selectors

    reads = []
    monkeypatch.setattr(
        selectors, "usual_arrival", lambda before: reads.append(before) or [0.0, 0.5, 1.0]
    )
    first = datetime(2026, 12, 7, 9, 5, tzinfo=UTC)
    assert selectors.arrival_this_hour(first) == [0.0, 0.5, 1.0]
    selectors.arrival_this_hour(first.replace(minute=55))
    assert reads == [first]
    selectors.arrival_this_hour(first.replace(hour=10, minute=1))
    assert reads == [first, first.replace(hour=10, minute=1)]
