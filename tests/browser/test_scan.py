"""Scanning pickup codes with the phone's camera at the hand-out screen, in a real browser.

Chromium's fake camera plays a video of a real order's QR code (the hand-out address with the
code, as the member's page shows it). Headless Chromium on Linux has no BarcodeDetector, so
these run the jsQR fallback (static/web/vendor/jsQR.js) through static/web/scan.js.
"""

import pytest
from playwright.sync_api import expect

from linli.core.models import AuditEvent
from linli.groupbuys.models import Order
from linli.groupbuys.pickup_codes import pickup_qr_text
from tests.conftest import make_neighbourhood

from .conftest import sign_in

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


def at_the_gate(camera_chromium, live_server, hood, group_buy, scanned, language):
    """The leader's hand-out page of ``group_buy`` in a browser whose camera shows the QR of
    the order ``scanned`` (its group buy's address), and the POSTs the page sends from now on."""
    qr = pickup_qr_text(
        group_buy_id=scanned.group_buy_id, code=scanned.pickup_code, base=live_server.url
    )
    leader = sign_in(camera_chromium(qr), live_server.url, hood.leader_user, language)
    handout = f"/lead/group-buys/{group_buy.pk}/handout"
    leader.goto(live_server.url + handout)
    sent: list = []
    leader.on(
        "request", lambda r: sent.append(r) if r.method == "POST" and handout in r.url else None
    )
    return leader, sent


def test_a_leader_hands_out_by_pointing_the_phone_camera_at_the_members_code(
    camera_chromium, live_server, screenshots
):
    hood = make_neighbourhood()
    group_buy, (order, _other) = hood.formed()
    leader, sent = at_the_gate(camera_chromium, live_server, hood, group_buy, order, "en-GB")

    leader.click("#scan-start")
    expect(leader.locator("#handed-out")).to_contain_text("collected")
    order.refresh_from_db()
    assert order.pickup == Order.Pickup.FULL and order.collected_at is not None
    event = AuditEvent.objects.get(action="order.collected", target_id=str(order.pk))
    assert event.actor == hood.leader_user and event.data["by"] == "code"
    assert leader.locator("#scanner").get_attribute("data-decoder") == "jsqr"

    # The camera starts again by itself for the next in the queue; the code just handed out,
    # still in front of it, is not sent again.
    expect(leader.locator("#scanner")).to_have_attribute("data-state", "scanning")
    expect(leader.locator("#scan-video")).to_be_visible()
    expect(leader.locator("#code")).to_have_value("")
    leader.screenshot(path=screenshots / "en-leader-scan.png", full_page=True)
    leader.wait_for_timeout(1000)
    assert len(sent) == 1
    expect(leader.locator(".alert")).to_have_count(0)

    # Stop lets go of the camera.
    leader.click("#scan-stop")
    expect(leader.locator("#scanner")).to_have_attribute("data-state", "idle")
    assert leader.evaluate("document.getElementById('scan-video').srcObject") is None
    expect(leader.locator("#scan-start")).to_be_visible()


def test_a_code_of_another_group_buy_is_refused_and_scanning_goes_on(camera_chromium, live_server):
    hood = make_neighbourhood()
    group_buy, orders = hood.formed()
    _elsewhere, (stranger,) = hood.formed(1)
    leader, sent = at_the_gate(camera_chromium, live_server, hood, group_buy, stranger, "zh-CN")

    leader.click("#scan-start")
    expect(leader.locator(".alert")).to_contain_text("本团没有这个提货码的订单")
    expect(leader.locator("#scanner")).to_have_attribute("data-state", "scanning")
    leader.wait_for_timeout(1000)
    assert len(sent) == 1  # refused once, not again and again
    assert not Order.objects.exclude(pickup=Order.Pickup.NONE).exists()

    # Stopped, the camera stays off; a typed code still hands out.
    leader.click("#scan-stop")
    leader.fill("#code", orders[0].pickup_code)
    leader.click("form.gate button[type=submit]")
    expect(leader.locator("#handed-out")).to_contain_text("已提货")
    expect(leader.locator("#scanner")).to_have_attribute("data-state", "idle")
    assert Order.objects.get(pk=orders[0].pk).pickup == Order.Pickup.FULL


def test_without_a_camera_the_leader_is_told_and_types(chromium, live_server):
    hood = make_neighbourhood()
    group_buy, (order, _other) = hood.formed()
    leader = sign_in(chromium, live_server.url, hood.leader_user, "en-GB")
    leader.goto(f"{live_server.url}/lead/group-buys/{group_buy.pk}/handout")
    leader.click("#scan-start")
    expect(leader.locator("#scan-message")).to_contain_text("type the code instead")
    leader.fill("#code", order.pickup_code)
    leader.click("form.gate button[type=submit]")
    expect(leader.locator("#handed-out")).to_contain_text("collected")


def test_without_javascript_there_is_no_camera_button(chromium, live_server):
    hood = make_neighbourhood()
    group_buy, _orders = hood.formed()
    leader = sign_in(chromium, live_server.url, hood.leader_user, "en-GB", javascript=False)
    leader.goto(f"{live_server.url}/lead/group-buys/{group_buy.pk}/handout")
    expect(leader.locator("#code")).to_be_visible()
    expect(leader.locator("#scan-start")).to_be_hidden()
