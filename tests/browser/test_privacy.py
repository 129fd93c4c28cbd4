"""A household's data in a phone browser: a member asks for a copy, finds the notice, and
downloads it once; corrects the phone; agrees to a purpose and withdraws; asks to move, which
the leader confirms; then sees what closing does and closes the account. Screenshots for the
README."""

import zipfile

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from linli.communities.models import Household
from linli.communities.selectors import has_consent
from linli.core import events
from linli.groupbuys import services as groupbuys
from tests.conftest import make_neighbourhood

from .conftest import sign_in
from .test_journey import fits_360

LOCALES = {"en": "en-GB", "zh-hans": "zh-CN"}
CLOSED = {"en": "personal data is erased", "zh-hans": "个人信息已删除"}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_copy_correct_consent_move_and_close(
    chromium, live_server, screenshots, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    base = live_server.url
    hood = make_neighbourhood()
    member, household = hood.members[1], hood.households[1]
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=screenshots / f"{language}-{name}.png", full_page=True
    )

    page = sign_in(chromium, base, member, LOCALES[language])
    page.click("#tile-privacy h2 a")
    page.click("#ask-copy")
    expect(page.locator("#done")).to_be_visible()
    while events.deliver(now=timezone.now()):  # the worker
        pass
    page.goto(f"{base}/inbox/")
    page.click(".notices .notice-open >> nth=0")
    page.click("a.button.primary")  # "Go there": the privacy page
    expect(page.locator("#copy-list button")).to_have_count(1)
    with page.expect_download() as download:
        page.click("#copy-list button")
    with zipfile.ZipFile(download.value.path()) as archive:
        assert household.contact_name in archive.read("data/communities.json").decode()
    page.reload()
    expect(page.locator("#copy-list button")).to_have_count(0)  # once

    page.fill("#phone", "139 0000 1111")
    page.click("#save-profile")
    expect(page.locator("#phone")).to_have_value("13900001111")
    page.click("#give-marketing")
    expect(page.locator("#withdraw-marketing")).to_be_visible()
    assert has_consent(household.pk, "marketing")
    page.click("#withdraw-marketing")
    expect(page.locator("#give-marketing")).to_be_visible()
    assert not has_consent(household.pk, "marketing")
    page.fill("#room", "1901")
    page.click("#ask-move")
    expect(page.locator("#pending-move")).to_contain_text("1901")
    fits_360(page)
    shot(page, "privacy-home")

    leader = sign_in(chromium, base, hood.leader_user, LOCALES[language])
    leader.click("#tile-privacy-leader h2 a")
    leader.click("#room-changes button >> nth=0")
    expect(leader.locator("#room-changes li")).to_have_count(0)
    assert Household.objects.get(pk=household.pk).room == "1901"

    group_buy = hood.open()
    item = group_buy.items.order_by("position").first()
    groupbuys.place_order(actor=member, group_buy_id=group_buy.pk, lines={item.pk: 2})
    page.goto(f"{base}/privacy/")
    page.click("#to-close")
    expect(page.locator("#cancellable li")).to_have_count(1)
    expect(page.locator("#money")).to_be_visible()
    fits_360(page)
    shot(page, "privacy-close")
    page.fill("#word", "注销")
    page.click("#close-account")
    expect(page.locator("#closed")).to_contain_text(CLOSED[language])
    assert Household.objects.get(pk=household.pk).contact_name == "已注销"
