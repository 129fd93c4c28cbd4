"""Farmers direct in a phone browser: a farmer writes the story and adds a photo from the
editor and opens a presale; a leader sells the presale in the community and passes a
help-sell offer on; a member follows the farm and sees its update on the front door.
Screenshots for the README."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import GroupBuy, HelpSellPass, Presale
from linli.storefronts.models import Follow, Photo, Storefront
from tests import factories

from .conftest import sign_in
from .test_journey import fits_360

LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_farm_tells_its_story_sells_before_harvest_and_leaders_pass_it_on(
    chromium, live_server, screenshots, language, hood, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    locale = LOCALES[language]
    base = live_server.url
    supplier = hood.supplier
    picture = tmp_path / "field.png"
    picture.write_bytes(factories.photo_bytes("PNG", (320, 200)))

    # The farmer: the story and a photo, from the phone.
    farmer = sign_in(chromium, base, hood.supplier_user, locale)
    expect(farmer.locator("#tile-farm_trade")).to_be_visible()
    farmer.goto(f"{base}/farms/{supplier.pk}/edit/")
    farmer.fill("#place", "崇明岛 陈家镇")
    farmer.fill("#story", "我们一家三代在崇明种菜,不用化肥,轮作养地。")
    farmer.fill("#growing", "露天种植,早上五点采摘,当天送到小区。")
    farmer.click("#story-form button[type=submit]")
    expect(farmer.locator("#saved")).to_be_visible()
    farmer.set_input_files("#photos", str(picture))
    farmer.click("#photos-form button[type=submit]")
    expect(farmer.locator("#saved")).to_be_visible()
    farmer.fill("#text", "青菜还有一周就可以采了。")
    farmer.click("#update-form button[type=submit]")
    expect(farmer.locator("#saved")).to_be_visible()
    fits_360(farmer)
    farmer.screenshot(path=screenshots / f"{language}-storefront-editor.png", full_page=True)
    assert Storefront.objects.get().place == "崇明岛 陈家镇"
    assert Photo.objects.count() == 1

    # A presale of the greens.
    farmer.goto(f"{base}/farms/presales/")
    farmer.fill("#price", "6.80")
    farmer.fill("#total", "200")
    farmer.fill("#minimum", "50")
    farmer.click("#open-presale button[type=submit]")
    expect(farmer.locator("#done")).to_be_visible()
    presale = Presale.objects.get()

    # The leader sells it in the community; the supplier offers eggs to help-sell.
    groupbuys.offer_help_sell(
        actor=hood.supplier_user,
        product_id=hood.products[1].pk,
        supply_price_fen=2200,
        suggested_price_fen=2990,
        leader_ids=[hood.leader.pk],
    )
    leader = sign_in(chromium, base, hood.leader_user, locale)
    leader.goto(f"{base}/farms/presales/")
    leader.fill(f"#stock-{presale.pk}", "80")
    fits_360(leader)
    leader.screenshot(path=screenshots / f"{language}-presales-leader.png", full_page=True)
    leader.click(f"#sell-{presale.pk} button[type=submit]")
    leader.wait_for_url(f"{base}/lead/group-buys/*/")
    assert GroupBuy.objects.get().items.get().presale_id == presale.pk
    held = HelpSellPass.objects.get()
    leader.goto(f"{base}/farms/help-sell/")
    leader.select_option(f"#leader-{held.pk}", str(hood.other_leader_user.leader.pk))
    leader.fill(f"#share-{held.pk}", "30")
    leader.click(f"#pass-on-{held.pk} button[type=submit]")
    expect(leader.locator("#done")).to_be_visible()
    expect(leader.locator(f"#pass-{held.pk}")).to_contain_text("30%")
    fits_360(leader)
    leader.screenshot(path=screenshots / f"{language}-help-sell-leader.png", full_page=True)
    assert HelpSellPass.objects.get(depth=2).share_ppm == 300_000

    # The farmer's presale page: quantities per community.
    farmer.goto(f"{base}/farms/presales/")
    expect(farmer.locator(f"#presale-{presale.pk}")).to_contain_text(hood.community.name)
    fits_360(farmer)
    farmer.screenshot(path=screenshots / f"{language}-presales-farmer.png", full_page=True)

    # A member follows the farm and sees its update on the front door.
    member = sign_in(chromium, base, hood.members[1], locale)
    member.goto(f"{base}/farms/{supplier.pk}/")
    member.click("#follow")
    expect(member.locator("#unfollow")).to_be_visible()
    fits_360(member)
    member.screenshot(path=screenshots / f"{language}-storefront.png", full_page=True)
    assert Follow.objects.filter(supplier=supplier).count() == 1
    member.goto(f"{base}/")
    expect(member.locator("#tile-storefronts")).to_contain_text("青菜还有一周就可以采了。")
    member.screenshot(path=screenshots / f"{language}-storefront-home.png", full_page=True)
    for page in (farmer, leader, member):
        page.context.close()
    assert timezone.localdate() <= presale.harvest_on
