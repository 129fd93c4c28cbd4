"""The whole cycle in a real browser on a phone-sized screen, in English and in 简体中文.

A leader opens a group buy from supplier products in one form and marks a household without a
phone as "ordered for by neighbours"; a member orders in three taps from the home page, then
tries to go over the per-household limit and sees the error next to the field with what they
typed kept; a second member, with JavaScript off, orders for that neighbour; the leader's tally
follows by itself (htmx) and the leader closes; the supplier sees the purchase order
(quantities only) and records a short delivery; the member finds "your goods are here" in the
inbox from the home page's tile; the leader hands out at the gate with the
member's pickup code, and a used or foreign code is refused; the member sees "collected" and
the short delivery.
"""

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from linli.aftersales.models import Report
from linli.communities.models import Household
from linli.core import events
from linli.groupbuys.models import GroupBuy, Order
from tests.conftest import make_neighbourhood
from tests.factories import photo_bytes

from .conftest import PHONE, sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@dataclass(frozen=True)
class Words:
    """What each language shows, so the test reads the page as a person would."""

    locale: str
    open: str
    today: str
    placed: str
    limit: str
    formed: str
    collected: str
    used: str
    foreign: str
    placed_by: str
    short: str
    recorded: str
    whose: str
    by_nickname: str
    unread: str
    arrived: str
    note: str
    waiting: str


WORDS = {
    "en": Words(
        locale="en-GB",
        open="open",
        today="Today's group buys",
        placed="placed",
        limit="is limited to 5 斤 per household; your household already has 2 and asked for 4 more",
        formed="formed",
        collected="collected",
        used="This code was already used",
        foreign="No order in this group buy has this pickup code",
        placed_by="Placed by",
        short="Short delivery: the supplier brought 4 of 5 斤",
        recorded="recorded at",
        whose="Whose is this?",
        by_nickname="found by the nickname “阿芳”",
        unread="1 unread",
        arrived="Your goods are here",
        note="Two heads of greens were rotten",
        waiting="waiting for the leader",
    ),
    "zh-hans": Words(
        locale="zh-CN",
        open="进行中",
        today="今日团购",
        placed="已下单",
        limit="每户限购 5 斤，您家已买 2，本次又要 4",
        formed="已成团",
        collected="已提货",
        used="该提货码已用过",
        foreign="本团没有这个提货码的订单",
        placed_by="下单人",
        short="缺货：供应商为本小区送来 4 斤（订了 5 斤）",
        recorded="登记于",
        whose="这是谁的？",
        by_nickname="按昵称“阿芳”找到",
        unread="1 条未读",
        arrived="您的货到了",
        note="有两棵菜叶子烂了",
        waiting="等待团长处理",
    ),
}


UNLABELLED = """() => [...document.querySelectorAll("input, select, textarea")]
    .filter((el) => el.type !== "hidden")
    .filter((el) => !(el.id && document.querySelector(`label[for="${el.id}"]`))
                    && !el.getAttribute("aria-label") && !el.closest("label"))
    .map((el) => el.name || el.outerHTML)"""


def fits_360(page: Page) -> None:
    """Readable on a 360-pixel-wide screen: nothing sticks out sideways; and every input has a
    label."""
    assert page.evaluate(UNLABELLED) == [], page.url
    page.set_viewport_size({"width": 360, "height": 740})
    width = page.evaluate("document.documentElement.scrollWidth")
    page.set_viewport_size(PHONE)
    assert width <= 360, f"{page.url} is {width} px wide at 360"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_whole_cycle_in_a_phone_browser(
    chromium, live_server, screenshots, language, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"  # the after-sales photo
    words = WORDS[language]
    base = live_server.url
    hood = make_neighbourhood()
    greens, eggs = hood.products[0], hood.products[1]
    member, neighbour_member = hood.members[1], hood.members[2]
    no_phone = hood.households[3]
    shot = lambda page, name: page.screenshot(  # noqa: E731
        path=screenshots / f"{language}-{name}.png", full_page=True
    )

    # The leader opens a group buy in one form.
    leader = sign_in(chromium, base, hood.leader_user, words.locale)
    leader.click("#tile-lead h2 a")
    leader.click(f"a[href='/lead/communities/{hood.community.pk}/new']")
    leader.fill("#id_title", "周末蔬菜团")
    leader.fill("#id_min_to_form", "3")
    leader.fill(f"#stock-{greens.pk}", "20")
    leader.fill(f"#limit-{greens.pk}", "5")
    leader.fill(f"#stock-{eggs.pk}", "10")
    leader.fill(f"#price-{eggs.pk}", "26.50")
    shot(leader, "leader-open")
    fits_360(leader)
    leader.click("form.form button[type=submit].primary")
    expect(leader.locator("#group-buy-status")).to_have_text(words.open)
    group_buy = GroupBuy.objects.get(community=hood.community)
    item = {i.product_id: i for i in group_buy.items.all()}
    assert item[eggs.pk].price_fen == 2650 and item[greens.pk].per_household_limit == 5

    # ... and marks the household without a phone as "ordered for by neighbours".
    leader.goto(f"{base}/lead/communities/{hood.community.pk}/households?q={no_phone.room}")
    leader.click(f"#mark-{no_phone.pk}")
    no_phone.refresh_from_db()
    assert no_phone.neighbours_may_order

    # A member: home → the group buy → a quantity → place: three taps.
    alice = sign_in(chromium, base, member, words.locale)
    expect(alice.locator("#tile-today")).to_contain_text(words.today)
    shot(alice, "member-home")
    alice.click("#tile-today .entries a")
    alice.fill(f"#q-{item[greens.pk].pk}", "2")
    shot(alice, "member-group-buy")
    fits_360(alice)
    alice.click("form.order-form button[type=submit]")
    expect(alice.locator("#order-status")).to_have_text(words.placed)
    alice_order_url = alice.url

    # Over the limit: refused next to the field, in the user's language, typed value kept.
    alice.goto(f"{base}/group-buys/{group_buy.pk}/")
    alice.fill(f"#q-{item[greens.pk].pk}", "4")
    alice.click("form.order-form button[type=submit]")
    expect(alice.locator(f"#e-{item[greens.pk].pk}")).to_contain_text(words.limit)
    expect(alice.locator(f"#q-{item[greens.pk].pk}")).to_have_value("4")
    shot(alice, "member-limit-error")
    assert Order.objects.filter(household=member.member.household).count() == 1

    # The leader watches the tally; it follows the orders without a reload.
    leader.goto(f"{base}/lead/group-buys/{group_buy.pk}/")
    expect(leader.locator("#tally-totals")).to_contain_text("1")

    # A second member, JavaScript off, orders for the neighbour without a phone.
    bob = sign_in(chromium, base, neighbour_member, words.locale, javascript=False)
    bob.goto(f"{base}/group-buys/{group_buy.pk}/")
    bob.select_option("#household", str(no_phone.pk))
    bob.fill(f"#q-{item[greens.pk].pk}", "3")
    bob.fill(f"#q-{item[eggs.pk].pk}", "1")
    bob.click("form.order-form button[type=submit]")
    expect(bob.locator("#order-status")).to_have_text(words.placed)
    expect(bob.locator("#placed-by")).to_contain_text(neighbour_member.display_name)
    for_neighbour = Order.objects.get(household=no_phone)
    assert for_neighbour.placed_by == neighbour_member

    expect(leader.locator("#tally-totals")).to_contain_text("2", timeout=12_000)
    shot(leader, "leader-tally")
    fits_360(leader)

    # A 接龙 line without an address: the leader says whose "阿芳" is, once (the search
    # answers in place, through htmx), and the line resolves; nothing is placed yet.
    fang = hood.households[2]  # Bob's household, which has no order of its own yet
    leader.goto(f"{base}/group-buys/{group_buy.pk}/jielong/")
    leader.fill("#text", "#接龙\n周末蔬菜团\n\n1、阿芳 鸡蛋1\n2. 阿芳 青菜2")
    leader.click("form.form button[type=submit]")
    expect(leader.locator("#whose-2")).to_contain_text(words.whose)
    leader.fill("#q-2", fang.contact_name)
    leader.click("#whose-2 button[value=search]")
    choice = leader.locator(f"#whose-2 button[name=match][value='2:{fang.pk}']")
    expect(choice).to_contain_text(fang.contact_name)
    shot(leader, "leader-whose")
    choice.click()
    expect(leader.locator("#matched")).to_contain_text(fang.contact_name)
    expect(leader.locator("#whose-2 .by-nickname")).to_have_text(words.by_nickname)
    expect(leader.locator("tr.place")).to_have_count(1)  # line 2 replaces line 1
    shot(leader, "leader-nickname")
    fits_360(leader)
    assert not Order.objects.filter(household=fang).exists()
    leader.goto(f"{base}/lead/group-buys/{group_buy.pk}/")

    # The leader closes early: 5 斤 + 1 盒 reach the minimum of 3 units.
    leader.click("form.close-form button")
    expect(leader.locator("#group-buy-status")).to_have_text(words.formed)
    shot(leader, "leader-formed")

    # The supplier sees the purchase order, quantities only, and records a short delivery.
    supplier = sign_in(chromium, base, hood.supplier_user, words.locale)
    supplier.click("#tile-supply h2 a")
    supplier.click(".cards a")
    expect(supplier.locator("table.lines")).to_contain_text("5 斤")
    page_text = supplier.inner_text("main")
    assert no_phone.phone[-4:] not in page_text and no_phone.contact_name not in page_text
    supplier.fill(f"#delivered-{greens.pk}", "4")
    supplier.fill(f"#delivered-{eggs.pk}", "1")
    supplier.click("form.form button[type=submit]")
    expect(supplier.locator("#delivery-status")).to_contain_text(words.recorded)
    shot(supplier, "supplier-purchase-order")
    fits_360(supplier)

    # The worker hears of the delivery: the member's inbox tile counts one unread notice, and
    # the notice says where, until when, and the pickup code.
    while events.deliver():
        pass
    alice.goto(f"{base}/")
    expect(alice.locator("#tile-inbox")).to_contain_text(words.unread)
    alice.click("#tile-inbox h2 a")
    expect(alice.locator(".notices li.unread")).to_contain_text(words.arrived)
    shot(alice, "member-inbox")
    fits_360(alice)
    alice.click(".notices li.unread button")
    expect(alice.locator("main h1")).to_contain_text(words.arrived)
    expect(alice.locator("#notice-body")).to_contain_text(group_buy.pickup_place)

    # The member shows the pickup code; the leader types it at the gate.
    alice.goto(alice_order_url)
    code = alice.inner_text("#pickup-code").strip()
    assert re.fullmatch(r"\d{12}", code)
    shot(alice, "member-pickup-code")
    leader.goto(f"{base}/lead/group-buys/{group_buy.pk}/handout")
    leader.fill("#code", code)
    leader.click("form.gate button")
    expect(leader.locator("#handed-out")).to_contain_text(words.collected)
    expect(leader.locator("#code")).to_have_value("")  # ready for the next in the queue
    shot(leader, "leader-handout")
    fits_360(leader)
    leader.fill("#code", code)
    leader.click("form.gate button")
    expect(leader.locator(".alert")).to_contain_text(words.used)
    expect(leader.locator("#code")).to_have_value(code)
    leader.fill("#code", "000000000000")
    leader.click("form.gate button")
    expect(leader.locator(".alert")).to_contain_text(words.foreign)

    # The member sees "collected", and what the supplier delivered short.
    alice.goto(alice_order_url)
    expect(alice.locator("#pickup-status")).to_have_text(words.collected)
    expect(alice.locator("main")).to_contain_text(words.short)
    shot(alice, "member-collected")
    fits_360(alice)
    assert Order.objects.get(pk=alice_order_url.rstrip("/").split("/")[-1]).pickup == "full"
    assert Household.objects.get(pk=no_phone.pk).orders.get().seq is not None

    # Something was wrong with it: from the order page, a report with a photo (after-sales).
    alice.click("#order-links a")
    alice.check("input[name=kind][value=spoiled]")
    alice.fill("#note", words.note)
    photo = tmp_path / "spoiled.jpg"
    photo.write_bytes(photo_bytes("JPEG", (640, 480)))
    alice.set_input_files("#photos", str(photo))
    shot(alice, "member-after-sales")
    fits_360(alice)
    alice.click("#report-form button[type=submit]")
    expect(alice.locator("#report-status")).to_have_text(words.waiting)
    report = Report.objects.get()
    assert (report.kind, report.note, report.photos.count()) == ("spoiled", words.note, 1)
