"""A refusal tells the member exactly what is left: the words, in English and in 简体中文, and
the number, through the service, the API and the member's page; and nothing is written."""

import re

import pytest
from django.utils import translation

from linli.groupbuys import services
from linli.groupbuys.errors import GroupBuyFull
from linli.groupbuys.models import GroupBuy, Order

from ..apiclient import Api

FULL = {
    "en": "This group buy is almost full: only 2 more units can join.",
    "zh-hans": "本团快满了：只剩 2 份名额。",
}


def three_of_five(hood, now):
    """A group buy that closes at 5 units, 3 of them already ordered by the first member."""
    group_buy = hood.open(stock=(50,), min_to_form=2, max_to_close=5, now=now)
    item = group_buy.items.get()
    first = services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={item.pk: 3}, now=now
    )
    return group_buy, item, first


def assert_nothing_more_was_ordered(group_buy, item, first):
    item.refresh_from_db()
    assert item.stock_left == 47
    assert list(Order.objects.filter(group_buy=group_buy).values_list("pk", flat=True)) == [
        first.pk
    ]
    assert {line.item_id: line.quantity for line in first.lines.all()} == {item.pk: 3}
    group_buy.refresh_from_db()
    assert group_buy.status == GroupBuy.Status.OPEN


@pytest.mark.parametrize("language", sorted(FULL))
def test_an_order_past_the_maximum_is_told_exactly_how_many_more_can_join(hood, now, language):
    group_buy, item, first = three_of_five(hood, now)
    # In the caller's language, as a request or `linli order place` sets it.
    with translation.override(language), pytest.raises(GroupBuyFull) as refused:
        services.place_order(
            actor=hood.members[1], group_buy_id=group_buy.pk, lines={item.pk: 3}, now=now
        )
    with translation.override(language):
        assert str(refused.value.message) == FULL[language]
    assert refused.value.message.params["left"] == 2
    assert_nothing_more_was_ordered(group_buy, item, first)


@pytest.mark.parametrize("language", sorted(FULL))
def test_the_api_answers_the_same_refusal_in_the_callers_language(hood, now, language):
    group_buy, item, first = three_of_five(hood, now)
    response = Api(hood.members[1], language=language).post(
        f"/group-buys/{group_buy.pk}/orders", {"lines": [{"item_id": item.pk, "quantity": 3}]}
    )
    assert response.status_code == 409
    assert response.json() == {"code": "group_buy_full", "message": FULL[language]}
    assert_nothing_more_was_ordered(group_buy, item, first)


@pytest.mark.parametrize("language", sorted(FULL))
def test_the_member_page_shows_the_refusal_and_keeps_what_was_typed(hood, now, browse, language):
    group_buy, item, first = three_of_five(hood, now)
    response = browse(hood.members[1], language=language).post(
        f"/group-buys/{group_buy.pk}/", {f"q-{item.pk}": "3"}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert f"<p>{FULL[language]}</p>" in page
    assert re.search(rf'id="q-{item.pk}"[^>]*value="3"', page)
    assert_nothing_more_was_ordered(group_buy, item, first)


def test_a_change_past_the_maximum_is_told_the_same_number(hood, now):
    """Growing one's own order counts against the maximum as a new order does: 3 of 5 are
    ordered, so the 3 can grow by 2, not by 3."""
    group_buy, item, first = three_of_five(hood, now)
    for language, expected in FULL.items():
        with translation.override(language):
            with pytest.raises(GroupBuyFull) as refused:
                services.change_order(
                    actor=hood.members[0], order_id=first.pk, lines={item.pk: 6}, now=now
                )
            assert str(refused.value.message) == expected
    assert_nothing_more_was_ordered(group_buy, item, first)
    # Up to the maximum exactly is taken, and closes it.
    services.change_order(actor=hood.members[0], order_id=first.pk, lines={item.pk: 5}, now=now)
    group_buy.refresh_from_db()
    assert (group_buy.status, group_buy.close_reason) == ("formed", "full")


def test_one_unit_short_of_the_maximum_only_one_more_can_join(hood, now):
    group_buy = hood.open(stock=(50,), min_to_form=1, max_to_close=7, now=now)
    item = group_buy.items.get()
    services.place_order(
        actor=hood.members[0], group_buy_id=group_buy.pk, lines={item.pk: 6}, now=now
    )
    expected = {
        "en": "This group buy is almost full: only 1 more units can join.",
        "zh-hans": "本团快满了：只剩 1 份名额。",
    }
    for language in expected:
        with translation.override(language):
            with pytest.raises(GroupBuyFull) as refused:
                services.place_order(
                    actor=hood.members[1], group_buy_id=group_buy.pk, lines={item.pk: 2}, now=now
                )
            assert str(refused.value.message) == expected[language]
