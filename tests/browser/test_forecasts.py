"""Forecasts in a phone browser: the leader's forecast with its plots and the open form's
suggested stock, the member's usual items one tap from an order, the supplier's next week and
the operator's accuracy page, each readable at 360 px, in both languages."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.communities.models import Consent
from linli.communities.services import give_consent
from linli.forecasts.services import run_forecasts
from linli.groupbuys.models import Order
from tests.conftest import make_neighbourhood
from tests.forecasts.test_demand_series import order
from tests.forecasts.test_run import UNTIL, history

from .conftest import sign_in
from .test_journey import fits_360

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_forecasts_in_a_phone_browser(chromium, live_server, screenshots, language):
    base = live_server.url
    hood = make_neighbourhood()
    greens, eggs = hood.products[:2]
    history(hood)  # 18 weeks of greens and eggs, ending at UNTIL
    run_forecasts(until=UNTIL)
    # The member's household buys eggs about every 9 days and agreed to suggestions.
    today = timezone.localdate()
    for n in range(4, 0, -1):
        order(hood, hood.community, hood.households[1], {eggs: 2}, today - timedelta(9 * n))
    give_consent(
        actor=hood.members[1],
        household_id=hood.households[1].pk,
        purpose=Consent.Purpose.SUGGESTIONS,
    )
    offer = hood.open(stock=(50, 50))
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=screenshots / f"{language}-{name}.png", full_page=True
    )

    # The leader finds the forecast on the front door: a plot per product.
    leader = sign_in(chromium, base, hood.leader_user, language)
    leader.click(
        f"#tile-community-forecast a[href='/lead/communities/{hood.community.pk}/forecast/']"
    )
    expect(leader.locator("svg.plot")).to_have_count(2)
    fits_360(leader)
    shot(leader, "forecasts-leader")
    # The open form suggests a stock with why, and fills it in when asked.
    leader.goto(f"{base}/lead/communities/{hood.community.pk}/new")
    expect(leader.locator(f"#why-{eggs.pk}")).to_be_visible()
    leader.click("a[href*='fill=1']")
    expect(leader.locator(f"#stock-{eggs.pk}")).not_to_have_value("")
    fits_360(leader)
    shot(leader, "forecasts-open-form")

    # The member sees the eggs due on the home page and orders them with one tap.
    member = sign_in(chromium, base, hood.members[1], language)
    expect(member.locator("#tile-usual")).to_contain_text(eggs.name)
    member.click("#tile-usual h2 a")
    fits_360(member)
    shot(member, "forecasts-usual")
    member.click(f"#usual-{eggs.pk} button")
    placed = Order.objects.get(group_buy=offer, household=hood.households[1])
    member.wait_for_url(f"{base}/orders/{placed.pk}/")

    # The supplier sees next week's quantities; the operator the accuracy page.
    supplier = sign_in(chromium, base, hood.supplier_user, language)
    supplier.goto(f"{base}/supply/forecast/")
    expect(supplier.locator("table.lines")).to_contain_text(eggs.name)
    fits_360(supplier)
    shot(supplier, "forecasts-supplier")
    operator = sign_in(chromium, base, hood.operator, language)
    operator.goto(f"{base}/forecasts/accuracy/")
    expect(operator.locator("#suggestions")).to_be_visible()
    fits_360(operator)
    shot(operator, "forecasts-accuracy")
    assert greens.pk  # both products were drawn
