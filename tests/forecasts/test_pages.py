"""The forecast pages: a household's usual items (only with its consent, only for it), the
leader's forecast with plots, the supplier's next week, and who may open them."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from linli.communities import services as communities
from linli.communities.models import Consent
from linli.forecasts.services import run_forecasts
from linli.groupbuys.models import Order

from .test_demand_series import order
from .test_run import UNTIL, history


def client_for(user, language="en") -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def usual_eggs(hood, every: int = 9) -> None:
    """The first household ordered eggs every 9 days, the last time 9 days ago."""
    eggs = hood.products[1]
    today = timezone.localdate()
    for n in range(4, 0, -1):
        order(hood, hood.community, hood.households[1], {eggs: 2}, today - timedelta(every * n))


def test_usual_items_need_the_households_consent_and_one_tap_orders_them(hood):
    usual_eggs(hood)
    offer = hood.open(stock=(50, 50))  # greens and eggs, open now
    member = client_for(hood.members[1])
    page = member.get("/usual/").content.decode()
    assert "Switch on suggestions from our orders" in page
    assert 'id="usual-' not in page
    assert "due now" not in member.get("/").content.decode()

    member.post("/usual/", {"action": "on"})
    assert Consent.objects.filter(household=hood.households[1], granted=True).count() == 1
    page = member.get("/usual/").content.decode()
    assert "about every 9 days" in page
    assert "Due now." in page
    assert "Order 2 盒 in 周末蔬菜团" in page
    home = member.get("/").content.decode()
    assert "about every 9 days; due now" in home

    eggs_item = offer.items.get(product=hood.products[1])
    done = member.post("/usual/", {"action": "add", "item": str(eggs_item.pk)})
    placed = Order.objects.get(group_buy=offer, household=hood.households[1])
    assert done.status_code == 302 and done["Location"] == f"/orders/{placed.pk}/"
    assert [(line.item_id, line.quantity) for line in placed.lines.all()] == [(eggs_item.pk, 2)]

    # Switched off: the suggestions stop at once.
    member.post("/usual/", {"action": "off"})
    assert 'id="usual-' not in member.get("/usual/").content.decode()
    assert "due now" not in member.get("/").content.decode()


def test_an_item_not_on_offer_is_refused_in_both_languages(hood):
    usual_eggs(hood)
    communities.give_consent(
        actor=hood.members[1],
        household_id=hood.households[1].pk,
        purpose=Consent.Purpose.SUGGESTIONS,
    )
    refused = client_for(hood.members[1]).post("/usual/", {"action": "add", "item": "99999"})
    assert refused.status_code == 422
    assert "That item is not on offer in your community now." in refused.content.decode()
    refused = client_for(hood.members[1], "zh-hans").post("/usual/", {"action": "add", "item": "x"})
    assert "你们小区现在没有团购这件商品。" in refused.content.decode()


def test_only_the_household_sees_its_usual_items(hood):
    usual_eggs(hood)
    communities.give_consent(
        actor=hood.members[1],
        household_id=hood.households[1].pk,
        purpose=Consent.Purpose.SUGGESTIONS,
    )
    assert "about every 9 days" in client_for(hood.members[1]).get("/usual/").content.decode()
    # Its neighbour, its leader (who lives in another flat) and an operator see their own, none.
    for user in (hood.members[2], hood.leader_user):
        assert 'id="usual-' not in client_for(user).get("/usual/").content.decode()
    assert client_for(hood.operator).get("/usual/").status_code == 403
    assert Client().get("/usual/").status_code == 302


@pytest.fixture
def forecast(hood):
    history(hood)
    return run_forecasts(until=UNTIL)


def test_the_leader_sees_each_products_forecast_with_a_plot(hood, forecast):
    page = client_for(hood.leader_user, "zh-hans").get(
        f"/lead/communities/{hood.community.pk}/forecast/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    eggs = hood.products[1]
    assert f'id="forecast-{eggs.pk}"' in html
    assert html.count('<svg class="plot" viewBox="0 0 320 150"') == 2
    assert "05-11: 2 (2–2)" in html  # eggs: 2 a week, the first week forecast
    assert "可能范围（十周里有八周）" in html


@pytest.mark.parametrize(
    ("who", "status"),
    [("leader", 200), ("operator", 200), ("member", 403), ("other_leader", 404)],
)
def test_who_may_open_a_communitys_forecast(hood, forecast, who, status):
    users = {
        "leader": hood.leader_user,
        "operator": hood.operator,
        "member": hood.members[1],
        "other_leader": hood.other_leader_user,
    }
    url = f"/lead/communities/{hood.community.pk}/forecast/"
    assert client_for(users[who]).get(url).status_code == status


def test_the_supplier_sees_next_weeks_quantities(hood, forecast):
    page = client_for(hood.supplier_user).get("/supply/forecast/").content.decode()
    assert "2 盒" in page
    assert (
        client_for(hood.other_supplier_user).get("/supply/forecast/").content.decode().count("盒")
        == 0
    )
    assert client_for(hood.members[1]).get("/supply/forecast/").status_code == 403


def test_the_operator_sees_whether_suggestions_or_leaders_were_nearer(hood):
    from linli.forecasts import selectors

    eggs = hood.products[1]
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday() + 7)
    # Four group buys Monday to Thursday last week, each opened with 999 eggs: 10 wanted three
    # times, then 12.
    for n, quantity in enumerate([10, 10, 10, 12]):
        order(hood, hood.community, hood.households[0], {eggs: quantity}, monday + timedelta(n))
    operator = selectors.Roles(user_id=None, operator=True)
    [week] = selectors.suggestions_against_chosen(operator)
    # The first had nothing before it; the next two read the city's (this community's own
    # 10, scaled to its size), the last its own three 10s: suggested 10, 10, 10.
    assert (week.week, week.items) == (monday, 3)
    assert week.suggested_error == pytest.approx((0 + 0 + 2) / 3)
    assert week.chosen_error == pytest.approx((989 + 989 + 987) / 3)
    assert (week.suggestion_nearer, week.chosen_nearer) == (3, 0)
    page = client_for(hood.operator).get("/forecasts/accuracy/").content.decode()
    assert '<td class="num">0.7</td><td class="num">988.3</td>' in page
    assert "3 / 3" in page
    assert '<svg class="plot"' in page
    for user in (hood.leader_user, hood.members[1], hood.supplier_user):
        assert client_for(user).get("/forecasts/accuracy/").status_code == 403


def test_stored_forecasts_are_scored_once_their_week_is_over(hood):
    from linli.forecasts import selectors
    from linli.forecasts.models import Forecast

    history(hood)
    run = run_forecasts(until=UNTIL)
    greens, eggs = hood.products[:2]
    order(hood, hood.community, hood.households[0], {greens: 4}, UNTIL)
    order(hood, hood.community, hood.households[1], {eggs: 2}, UNTIL + timedelta(days=3))
    operator = selectors.Roles(user_id=None, operator=True)
    [scored] = selectors.forecast_accuracy(operator)
    greens_forecast = Forecast.objects.get(
        run=run, community=hood.community, product=greens, week=UNTIL
    ).expected
    assert (scored.week, scored.series) == (UNTIL, 2)
    assert scored.wape == pytest.approx(abs(greens_forecast - 4) / 6)
