"""What a pickup code's QR holds (the leader's hand-out address with the code) and the code read
back from what a scanner or a leader types at the gate: digits with spaces, or that address."""

import io

import pytest
import segno
from django.test import RequestFactory
from django.urls import clear_script_prefix, set_script_prefix
from django.utils import translation

from linli.core.models import AuditEvent
from linli.groupbuys.errors import PickupCodeUnknown, PickupCodeUnreadable
from linli.groupbuys.models import Order
from linli.groupbuys.pickup_codes import pickup_qr_text, read_pickup_code, site_url

from ..apiclient import Api

CODE = "123456789012"


def test_the_qr_holds_the_hand_out_address_with_the_code_or_the_bare_code():
    assert (
        pickup_qr_text(group_buy_id=12, code=CODE, base="https://linli.example/")
        == "https://linli.example/lead/group-buys/12/handout?q=123456789012"
    )
    assert pickup_qr_text(group_buy_id=12, code=CODE, base=None) == CODE


def test_the_address_comes_from_the_setting_else_the_request(settings):
    settings.ALLOWED_HOSTS = ["gate.example"]  # a host the site does not serve is refused
    request = RequestFactory().get("/orders/1/", HTTP_HOST="gate.example:8000", secure=True)
    assert site_url(request) == "https://gate.example:8000"
    assert site_url() is None
    settings.LINLI_SITE_URL = "https://linli.example"
    assert site_url(request) == site_url() == "https://linli.example"


@pytest.mark.parametrize(
    "typed",
    [
        CODE,
        " 1234 5678 9012 ",
        "１２３４ ５６７８ ９０１２",  # full-width, as a Chinese keyboard types them
        "https://linli.example/lead/group-buys/12/handout?q=123456789012",
        "http://127.0.0.1:8000/lead/group-buys/12/handout?q=1234+5678+9012",
        "https://linli.example/linli/lead/group-buys/12/handout/?q=123456789012&from=qr",
        "/lead/group-buys/12/handout?q=123456789012",
    ],
)
def test_a_code_is_read_from_digits_with_spaces_or_from_the_address(typed):
    assert read_pickup_code(typed, group_buy_id=12) == CODE


def test_what_the_qr_holds_reads_back():
    for base in ("https://linli.example", "http://localhost:8000/", None):
        text = pickup_qr_text(group_buy_id=7, code=CODE, base=base)
        assert read_pickup_code(text, group_buy_id=7) == CODE


def test_the_address_of_another_group_buy_is_refused_as_a_code_this_one_does_not_have():
    text = pickup_qr_text(group_buy_id=13, code=CODE, base="https://linli.example")
    with pytest.raises(PickupCodeUnknown):
        read_pickup_code(text, group_buy_id=12)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "hello",
        "12345",
        "1234567890123",
        "12345678901a",
        "https://linli.example/",
        "https://linli.example/lead/group-buys/12/handout",
        "https://linli.example/lead/group-buys/12/handout?q=abc",
        "https://linli.example/lead/group-buys/12/handout?q=123",
        "https://linli.example/lead/group-buys/12/handout?q=123456789012&q=123456789013",
        "https://linli.example/lead/group-buys/12/handout/more?q=123456789012",
        "https://linli.example/orders/12/?q=123456789012",
        "WIFI:S:linli;T:WPA;P:123456789012;;",
    ],
)
def test_anything_else_is_unreadable(typed):
    with pytest.raises(PickupCodeUnreadable):
        read_pickup_code(typed, group_buy_id=12)


def test_the_unreadable_message_is_in_the_callers_language():
    with pytest.raises(PickupCodeUnreadable) as refused:
        read_pickup_code("hello", group_buy_id=12)
    for language, words in (
        ("en", "A pickup code is 12 digits"),
        ("zh-hans", "提货码是 12 位数字"),
    ):
        with translation.override(language):
            assert words in str(refused.value.message)  # rendered in the language of the moment


@pytest.fixture
def formed(hood):
    return hood.formed()


def test_the_api_hands_out_by_the_address_a_scanner_typed(hood, formed):
    group_buy, (first, second) = formed
    leader = Api(hood.leader_user, language="zh-hans")
    pickups = f"/group-buys/{group_buy.pk}/pickups"
    scanned = pickup_qr_text(group_buy_id=group_buy.pk, code=first.pickup_code, base="http://x")
    done = leader.post(pickups, {"code": scanned})
    assert done.status_code == 200 and done.json()["pickup"] == "full"
    assert AuditEvent.objects.filter(action="order.collected", target_id=str(first.pk)).exists()

    # The right code, but in the address of another group buy: refused, nothing handed out.
    elsewhere = pickup_qr_text(
        group_buy_id=group_buy.pk + 1, code=second.pickup_code, base="http://x"
    )
    foreign = leader.post(pickups, {"code": elsewhere})
    assert foreign.status_code == 404 and foreign.json()["code"] == "pickup_code_unknown"
    assert "本团没有这个提货码的订单" in foreign.json()["message"]
    unreadable = leader.post(pickups, {"code": "第二个"})
    assert unreadable.status_code == 422 and unreadable.json()["code"] == "pickup_code_unreadable"
    assert "12 位数字" in unreadable.json()["message"]
    second.refresh_from_db()
    assert second.pickup == Order.Pickup.NONE
    assert all(line.picked_up == 0 for line in second.lines.all())


def test_the_api_qr_image_holds_the_hand_out_address(hood, formed, settings):
    group_buy, (first, _second) = formed
    member = Api(hood.members[1])

    def png(text: str) -> bytes:
        buffer = io.BytesIO()
        segno.make(text, error="m").save(buffer, kind="png", scale=8, border=2)
        return buffer.getvalue()

    address = f"/lead/group-buys/{group_buy.pk}/handout?q={first.pickup_code}"
    image = member.get(f"/orders/{first.pk}/pickup-code.png")
    assert image.status_code == 200 and image.content == png(f"http://testserver{address}")
    settings.LINLI_SITE_URL = "https://linli.example"
    image = member.get(f"/orders/{first.pk}/pickup-code.png")
    assert image.content == png(f"https://linli.example{address}")


@pytest.fixture
def served_under_a_prefix():
    """The site as served under ``/linli/`` (``SCRIPT_NAME``), as a request there sets it."""
    set_script_prefix("/linli/")
    yield
    clear_script_prefix()


def test_on_a_site_served_under_a_prefix_the_address_holds_it_and_reads_back(
    served_under_a_prefix,
):
    text = pickup_qr_text(group_buy_id=12, code=CODE, base="https://linli.example")
    assert text == "https://linli.example/linli/lead/group-buys/12/handout?q=123456789012"
    assert read_pickup_code(text, group_buy_id=12) == CODE
    # What a site without the prefix printed reads back all the same, and another group buy's
    # hand-out is still another group buy's.
    printed = "https://linli.example/lead/group-buys/12/handout?q=123456789012"
    assert read_pickup_code(printed, group_buy_id=12) == CODE
    with pytest.raises(PickupCodeUnknown):
        read_pickup_code(text, group_buy_id=13)


@pytest.mark.parametrize(
    "typed",
    [
        # Other pages of the same group buy, the code in their search.
        "https://linli.example/lead/group-buys/12/?q=123456789012",
        "https://linli.example/lead/group-buys/12/tally?q=123456789012",
        "https://linli.example/group-buys/12/?q=123456789012",
        "https://linli.example/lead/group-buys/12/handout/12?q=123456789012",
        "https://linli.example/lead/group-buys/twelve/handout?q=123456789012",
        "https://linli.example/lead/group-buys/12/hand-out?q=123456789012",
        "https://linli.example/lead/12/handout?q=123456789012",
    ],
)
def test_the_address_of_another_page_is_unreadable(typed):
    with pytest.raises(PickupCodeUnreadable):
        read_pickup_code(typed, group_buy_id=12)
