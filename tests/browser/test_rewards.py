"""Rewards in a phone browser: a member collects an order at the gate, finds the energy it
earned the next day and collects it with a tap, gives it to the building's tree, and redeems
a perk with the points; the forest and the energy model; readable at 360 px, in both
languages."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.groupbuys import services as groupbuys
from linli.rewards import defaults, services
from linli.rewards.models import EnergyDrop, Perk, Redemption, Trigger
from tests.conftest import make_neighbourhood
from tests.rewards.conftest import deliver

from .conftest import sign_in
from .test_journey import fits_360

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_from_pickup_to_collected_energy_to_a_redeemed_perk(
    chromium, live_server, screenshots, language
):
    base = live_server.url
    hood = make_neighbourhood()
    operator = hood.operator
    services.create_rule(
        actor=operator,
        name="取货积分",
        trigger=Trigger.PICKED_UP,
        amount=60,
        starts_on=date(2020, 1, 1),
    )
    perk = services.create_perk(
        actor=operator, name="满30减5元券", kind=Perk.Kind.COUPON, cost=50, coupon_fen=500
    )
    services.set_site(
        actor=operator, kind="community", owner_id=hood.community.pk, lat=31.2304, lng=121.4737
    )
    services.set_site(
        actor=operator, kind="supplier", owner_id=hood.supplier.pk, lat=31.2313, lng=121.4737
    )
    services.start_tree(
        actor=hood.members[3], species_id=defaults.species("梭梭").pk, together=True
    )
    # The leader hands the member's order out at the gate; the worker delivers the event.
    group_buy, (order,) = hood.formed(1)
    groupbuys.confirm_pickup(actor=hood.leader_user, group_buy_id=group_buy.pk, order_id=order.pk)
    deliver()
    # The next day: the energy has appeared.
    EnergyDrop.objects.update(appears_at=timezone.now() - timedelta(minutes=5))
    grams = EnergyDrop.objects.get().grams
    assert grams > 0
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=screenshots / f"{language}-{name}.png", full_page=True
    )

    member = sign_in(chromium, base, hood.members[1], language)
    # The order page says what its pickup avoided, with a link to the model.
    member.goto(f"{base}/orders/{order.pk}/")
    avoided = EnergyDrop.objects.get().avoided_g
    expect(member.locator("a[href='/rewards/model/']")).to_contain_text(f" {avoided} ")
    fits_360(member)
    shot(member, "rewards-order")
    member.goto(base + "/")
    member.click("#tile-rewards_tree h2 a, #tile-rewards_tree a >> nth=0")
    expect(member.locator("#collect")).to_be_visible()
    fits_360(member)
    shot(member, "rewards-energy")
    member.click("#collect")
    expect(member.locator("#collected")).to_contain_text(str(grams))
    expect(member.locator("#energy-balance")).to_contain_text(str(grams))
    # The building's tree (planted together): the member gives it the energy.
    member.click("#trees form:has(input[name=together]) button.water")
    expect(member.locator("#energy-balance")).to_contain_text("0 g")
    fits_360(member)
    shot(member, "rewards-tree")

    member.goto(f"{base}/rewards/")
    expect(member.locator("#points")).to_have_text("60")
    fits_360(member)
    shot(member, "rewards-points")
    member.click(f"#perks form:has(input[value='{perk.pk}']) button")
    code = Redemption.objects.get().code
    expect(member.locator("#redeemed")).to_contain_text(code)
    expect(member.locator("#points")).to_have_text("10")

    member.goto(f"{base}/rewards/forest/")
    expect(member.locator("#communities")).to_contain_text(hood.community.name)
    fits_360(member)
    shot(member, "rewards-forest")
    member.goto(f"{base}/rewards/model/")
    expect(member.locator("#formula")).to_contain_text("181")
    fits_360(member)
