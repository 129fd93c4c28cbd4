"""Scanning at the hand-out screen, without a browser: the member's QR opens the leader's
hand-out page with the order found; the code field takes what a scanner types (digits with
spaces, or that address); the page tells the camera scanner to start again."""

import re
from html import escape

import pytest
import segno

from linli.core.models import AuditEvent
from linli.groupbuys.models import Order

from ..conftest import text


@pytest.fixture
def formed(hood):
    return hood.formed()


def address(group_buy, order, base: str = "http://testserver") -> str:
    return f"{base}/lead/group-buys/{group_buy.pk}/handout?q={order.pickup_code}"


def nothing_handed_out(*orders) -> bool:
    return not AuditEvent.objects.filter(action__contains="collected").exists() and all(
        Order.objects.get(pk=order.pk).pickup == Order.Pickup.NONE for order in orders
    )


def test_the_members_qr_holds_the_address_of_the_leaders_hand_out_page(hood, browse, formed):
    group_buy, (first, _second) = formed
    page = text(browse(hood.members[1]).get(f"/orders/{first.pk}/"))
    expected = segno.make(address(group_buy, first), error="m").svg_data_uri(scale=6, border=2)
    assert f'src="{escape(expected)}"' in page
    assert f'id="pickup-code">{first.pickup_code}<' in page  # and the digits, to type


def test_the_scanned_address_opens_the_hand_out_page_with_the_order_found(hood, browse, formed):
    group_buy, (first, second) = formed
    url = address(group_buy, first).removeprefix("http://testserver")
    response = browse(hood.leader_user).get(url)
    assert response.status_code == 200
    page = text(response)
    assert f'name="order" value="{first.pk}"' in page
    assert f'name="order" value="{second.pk}"' not in page
    assert nothing_handed_out(first, second)  # a GET never hands out


def test_the_scanned_address_is_refused_to_anyone_but_the_leader(hood, browse, formed):
    group_buy, (first, second) = formed
    url = address(group_buy, first).removeprefix("http://testserver")
    member = browse(hood.members[1], language="zh-hans").get(url)
    assert member.status_code == 403 and "团长" in text(member)
    for outsider in (hood.other_leader_user, hood.other_member, hood.supplier_user):
        assert browse(outsider).get(url).status_code == 404
    for refused in (member, browse(hood.other_leader_user).get(url)):
        page = text(refused)
        assert 'name="order"' not in page and first.household.contact_name not in page
    # Signed out: to the sign-in page, and back to the same address after.
    anonymous = browse().get(url)
    assert anonymous.status_code == 302
    assert anonymous.url.startswith("/login/?next=") and first.pickup_code in anonymous.url
    assert nothing_handed_out(first, second)


@pytest.mark.parametrize(
    "typed",
    [
        lambda group_buy, order: " ".join(re.findall("....", order.pickup_code)),
        lambda group_buy, order: address(group_buy, order),
        lambda group_buy, order: address(group_buy, order, base="https://linli.example"),
    ],
    ids=["digits with spaces", "the address", "the address on another host"],
)
def test_the_code_field_takes_what_a_scanner_types(hood, browse, formed, typed):
    group_buy, (first, second) = formed
    response = browse(hood.leader_user).post(
        f"/lead/group-buys/{group_buy.pk}/handout", {"code": typed(group_buy, first)}
    )
    assert response.status_code == 200 and 'id="handed-out"' in text(response)
    first.refresh_from_db()
    assert first.pickup == Order.Pickup.FULL
    assert Order.objects.get(pk=second.pk).pickup == Order.Pickup.NONE


def test_the_address_of_another_group_buy_is_refused_like_a_foreign_code(hood, browse, formed):
    group_buy, (first, second) = formed
    other = hood.open()
    scanned = address(other, first)  # this group buy's code, another group buy's address
    response = browse(hood.leader_user).post(
        f"/lead/group-buys/{group_buy.pk}/handout", {"code": scanned}
    )
    assert response.status_code == 404
    page = text(response)
    assert "No order in this group buy has this pickup code" in page
    assert f'value="{escape(scanned)}"' in page  # kept in the field, to be checked
    assert nothing_handed_out(first, second)


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "A pickup code is 12 digits"), ("zh-hans", "提货码是 12 位数字")],
)
def test_garbage_is_refused_in_the_leaders_language_and_changes_nothing(
    hood, browse, formed, language, words
):
    group_buy, orders = formed
    for garbage in ("hello", "12345", "https://linli.example/orders/3/", "WIFI:S:x;;"):
        response = browse(hood.leader_user, language=language).post(
            f"/lead/group-buys/{group_buy.pk}/handout", {"code": garbage}
        )
        assert response.status_code == 422, garbage
        assert words in text(response)
    assert nothing_handed_out(*orders)


def test_the_page_tells_the_camera_to_start_again_after_a_code_it_read(hood, browse, formed):
    group_buy, (first, second) = formed
    url = f"/lead/group-buys/{group_buy.pk}/handout"
    leader = browse(hood.leader_user)
    page = text(leader.get(url))
    assert 'data-resume=""' in page and "web/vendor/jsQR.js" in page and "web/scan.js" in page
    # Read by the camera: handed out, and the camera goes on, after a refusal too.
    done = text(leader.post(url, {"code": address(group_buy, first), "scan": "1"}))
    assert 'id="handed-out"' in done and 'data-resume="1"' in done
    used = leader.post(url, {"code": address(group_buy, first), "scan": "1"})
    assert used.status_code == 409 and 'data-resume="1"' in text(used)
    # Typed: the camera stays off.
    typed = text(leader.post(url, {"code": second.pickup_code}))
    assert 'id="handed-out"' in typed and 'data-resume=""' in typed


def test_jsqr_is_loaded_only_on_the_hand_out_page(hood, browse, formed):
    group_buy, (first, _second) = formed
    for user, url in (
        (hood.leader_user, "/"),
        (hood.leader_user, f"/lead/group-buys/{group_buy.pk}/"),
        (hood.members[1], f"/orders/{first.pk}/"),
    ):
        page = browse(user).get(url)
        assert page.status_code == 200 and "jsQR" not in text(page), url


def test_the_find_box_reads_a_pasted_address_of_this_group_buy_only(hood, browse, formed):
    """A leader who pastes the address from a member's QR (sent over WeChat, say) into Find
    gets that order; another group buy's address finds nothing."""
    group_buy, (first, second) = formed
    leader = browse(hood.leader_user)
    find = f"/lead/group-buys/{group_buy.pk}/handout"
    page = text(leader.get(find, {"q": address(group_buy, first, "https://linli.example")}))
    assert f'name="order" value="{first.pk}"' in page
    assert f'name="order" value="{second.pk}"' not in page
    other = hood.open()
    page = text(leader.get(find, {"q": address(other, first)}))
    assert f'name="order" value="{first.pk}"' not in page and "No order matches." in page
    assert nothing_handed_out(first, second)
