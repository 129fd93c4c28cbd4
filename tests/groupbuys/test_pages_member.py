"""A member's pages: ordering (for the household, or for a neighbour who agreed), errors next to
the field in the member's language with what was typed kept, change and cancel before the
cutoff, and the order page after the close."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from linli.communities import services as community_services
from linli.communities.selectors import CommunityNotFound
from linli.groupbuys import services
from linli.groupbuys.errors import GroupBuyNotFound
from linli.groupbuys.models import GroupBuyItem, Order

from ..conftest import text
from ..state import snapshot


def items(group_buy) -> list[GroupBuyItem]:
    return list(group_buy.items.order_by("position"))


def test_an_order_placed_from_the_page_takes_stock_and_shows_the_order(hood, browse):
    group_buy = hood.open(stock=(10, 5))
    greens, eggs = items(group_buy)
    member = browse(hood.members[1])
    response = member.post(
        f"/group-buys/{group_buy.pk}/",
        {f"q-{greens.pk}": "3", f"q-{eggs.pk}": "", "note": "放门卫"},
    )
    order = Order.objects.get(household=hood.households[1])
    assert response.status_code == 302 and response.url == f"/orders/{order.pk}/"
    assert {line.item_id: line.quantity for line in order.lines.all()} == {greens.pk: 3}
    assert order.note == "放门卫" and order.placed_by == hood.members[1]
    greens.refresh_from_db()
    assert greens.stock_left == 7
    page = text(member.get(response.url))
    assert "placed" in page and "¥13.50" in page  # 3 × ¥4.50, money as ¥12.50


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "is limited to 2 斤 per household; your household already has 0 and asked for 3"),
        ("zh-hans", "每户限购 2 斤，您家已买 0，本次又要 3"),
    ],
)
def test_over_the_limit_the_error_is_next_to_the_field_and_what_was_typed_stays(
    hood, browse, language, expected
):
    group_buy = hood.open(limit=2)
    greens, eggs = items(group_buy)
    response = browse(hood.members[1], language=language).post(
        f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "3", f"q-{eggs.pk}": "1", "note": "晚到"}
    )
    assert response.status_code == 409
    page = text(response)
    field_error = re.search(rf'<ul class="errorlist" id="e-{greens.pk}">(.*?)</ul>', page, re.S)
    assert field_error and expected in field_error.group(1)
    assert re.search(rf'id="q-{greens.pk}"[^>]*value="3"', page)
    assert re.search(rf'id="q-{eggs.pk}"[^>]*value="1"', page)
    assert 'value="晚到"' in page
    assert not Order.objects.exists()


def test_a_quantity_that_is_not_a_number_is_refused_next_to_the_field(hood, browse):
    group_buy = hood.open()
    greens, _eggs = items(group_buy)
    response = browse(hood.members[1], language="zh-hans").post(
        f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "两斤"}
    )
    assert response.status_code == 422
    page = text(response)
    assert "请输入整数" in page and 'value="两斤"' in page
    assert not Order.objects.exists()


def test_an_empty_order_is_refused(hood, browse):
    group_buy = hood.open()
    response = browse(hood.members[1]).post(f"/group-buys/{group_buy.pk}/", {})
    assert response.status_code == 422
    assert "An order needs at least one item." in text(response)


def test_a_member_orders_for_a_neighbour_only_once_a_leader_marked_the_household(hood, browse):
    group_buy = hood.open()
    greens, _eggs = items(group_buy)
    no_phone = hood.households[3]
    member = browse(hood.members[1])
    # Not marked: not offered, and refused if sent anyway.
    assert f'value="{no_phone.pk}"' not in text(member.get(f"/group-buys/{group_buy.pk}/"))
    refused = member.post(
        f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "1", "household": no_phone.pk}
    )
    assert refused.status_code == 403 and not Order.objects.exists()

    # The leader marks it from the households page.
    leader = browse(hood.leader_user)
    leader.post(
        f"/lead/communities/{hood.community.pk}/households",
        {"household": no_phone.pk, "allowed": "1"},
    )
    no_phone.refresh_from_db()
    assert no_phone.neighbours_may_order
    assert f'value="{no_phone.pk}"' in text(member.get(f"/group-buys/{group_buy.pk}/"))
    placed = member.post(
        f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "1", "household": no_phone.pk}
    )
    assert placed.status_code == 302
    order = Order.objects.get()
    assert order.household == no_phone and order.placed_by == hood.members[1]
    # The one who placed it sees it, marked as a neighbour's, and who placed it.
    page = text(member.get(placed.url))
    assert "(a neighbour's household)" in page and hood.members[1].display_name in page
    assert f"/orders/{order.pk}/" in text(member.get("/orders/"))
    # A third household of the community does not see it.
    assert browse(hood.members[2]).get(placed.url).status_code == 404


def test_neighbours_of_another_community_cannot_order_for_a_marked_household(hood):
    group_buy = hood.open()
    greens, _eggs = items(group_buy)
    no_phone = hood.households[3]
    community_services.set_neighbours_may_order(
        actor=hood.leader_user, household_id=no_phone.pk, allowed=True
    )
    with pytest.raises(GroupBuyNotFound):  # they do not even see the group buy
        services.place_order(
            actor=hood.other_member,
            group_buy_id=group_buy.pk,
            lines={greens.pk: 1},
            household_id=no_phone.pk,
        )
    assert not Order.objects.exists()


def test_only_a_leader_of_the_community_marks_a_household(hood, browse):
    no_phone = hood.households[3]
    for user in (hood.members[1], hood.other_leader_user):
        with pytest.raises(CommunityNotFound):
            community_services.set_neighbours_may_order(
                actor=user, household_id=no_phone.pk, allowed=True
            )
    response = browse(hood.members[1]).post(
        f"/lead/communities/{hood.community.pk}/households",
        {"household": no_phone.pk, "allowed": "1"},
    )
    assert response.status_code == 404
    no_phone.refresh_from_db()
    assert not no_phone.neighbours_may_order


def test_change_and_cancel_before_the_cutoff(hood, browse):
    group_buy = hood.open(stock=(10, 5))
    greens, eggs = items(group_buy)
    order = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    member = browse(hood.members[1])
    page = text(member.get(f"/orders/{order.pk}/"))
    assert re.search(rf'id="q-{greens.pk}"[^>]*value="2"', page)
    changed = member.post(
        f"/orders/{order.pk}/change", {f"q-{greens.pk}": "1", f"q-{eggs.pk}": "2"}
    )
    assert changed.status_code == 302
    order.refresh_from_db()
    assert {line.item_id: line.quantity for line in order.lines.all()} == {
        greens.pk: 1,
        eggs.pk: 2,
    }
    too_many = member.post(f"/orders/{order.pk}/change", {f"q-{eggs.pk}": "9"})
    assert too_many.status_code == 409
    assert "Only 3 盒 of 土鸡蛋 left" in text(too_many)
    # Emptying every quantity is not a silent cancel: cancelling is its own button.
    emptied = member.post(f"/orders/{order.pk}/change", {f"q-{greens.pk}": "", f"q-{eggs.pk}": ""})
    assert emptied.status_code == 422 and "at least one item" in text(emptied)
    order.refresh_from_db()
    assert order.status == Order.Status.PLACED
    assert member.post(f"/orders/{order.pk}/cancel").status_code == 302
    order.refresh_from_db()
    assert order.status == Order.Status.CANCELLED
    for item in (greens, eggs):
        item.refresh_from_db()
        assert item.stock_left == item.stock_initial


def test_after_the_cutoff_the_page_shows_it_closing_and_takes_no_more(hood, browse, now):
    group_buy = hood.open(cutoff_in=timedelta(minutes=5), now=now - timedelta(minutes=10))
    greens, _eggs = items(group_buy)
    member = browse(hood.members[1])
    before = snapshot()
    page = text(member.get(f"/group-buys/{group_buy.pk}/"))
    assert snapshot() == before  # the page closes nothing: the worker's clock does
    assert "This group buy takes no orders now." in page and "Place order" not in page
    assert 'id="group-buy-status">closing: orders are being counted</dd>' in page
    response = member.post(f"/group-buys/{group_buy.pk}/", {f"q-{greens.pk}": "1"})
    local = timezone.localtime(group_buy.cutoff_at).strftime("%Y-%m-%d %H:%M")
    assert response.status_code == 409
    assert f"Orders for this group buy closed at {local}." in text(response)
    assert snapshot() == before
    services.close_due_group_buys()
    page = text(member.get(f"/group-buys/{group_buy.pk}/"))
    assert 'id="group-buy-status">failed</dd>' in page  # nobody ordered: it did not form


def test_times_are_shown_in_shanghai_and_money_in_yuan(hood, browse):
    group_buy = hood.open()
    local = timezone.localtime(group_buy.cutoff_at)
    assert local.utcoffset() == timedelta(hours=8)
    page = text(browse(hood.members[1]).get(f"/group-buys/{group_buy.pk}/"))
    assert local.strftime("%Y-%m-%d %H:%M") in page
    assert "¥4.50" in page and "¥28.00" in page


def test_the_language_follows_the_browser_and_can_be_switched(hood, browse):
    group_buy = hood.open()
    url = f"/group-buys/{group_buy.pk}/"
    assert "Place order" in text(browse(hood.members[1], language="en").get(url))
    member = browse(hood.members[1], language="zh-hans")
    assert "下单" in text(member.get(url))
    member.post("/i18n/setlang/", {"language": "en", "next": url})
    assert "Place order" in text(member.get(url))


def test_the_group_buy_page_shows_the_households_live_orders(hood, browse):
    group_buy = hood.open(stock=(10, 5))
    greens, _eggs = items(group_buy)
    order = services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={greens.pk: 2}
    )
    url = f"/group-buys/{group_buy.pk}/"
    page = text(browse(hood.members[1]).get(url))
    assert "Your household already ordered:" in page and f"/orders/{order.pk}/" in page
    assert "already ordered" not in text(browse(hood.members[2]).get(url))  # another household
    services.cancel_order(actor=hood.members[1], order_id=order.pk)
    assert "already ordered" not in text(browse(hood.members[1]).get(url))


def test_what_people_typed_is_shown_as_text_and_our_own_words_as_written(hood, browse):
    """Pages escape every name and title (also inside a translated sentence), and do not
    escape their own translated text twice."""
    from linli.groupbuys.models import GroupBuy

    group_buy = hood.open()
    GroupBuy.objects.filter(pk=group_buy.pk).update(title='<script>alert("x")</script> & co')
    member_user = hood.members[1]
    member_user.display_name = "<b>王阿姨</b>"
    member_user.save(update_fields=["display_name"])
    member = browse(member_user)

    page = text(member.get(f"/group-buys/{group_buy.pk}/"))
    assert "<script>alert" not in page and "&lt;script&gt;alert(" in page and "&amp; co" in page
    home = text(member.get("/"))
    assert "<b>王阿姨</b>" not in home and "Hello, &lt;b&gt;王阿姨&lt;/b&gt;" in home
    leader_page = text(browse(hood.leader_user).get(f"/lead/group-buys/{group_buy.pk}/"))
    assert "The members' page of this group buy" in leader_page
    assert "<script>alert" not in leader_page
