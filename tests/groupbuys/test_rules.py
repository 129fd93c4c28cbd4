"""The group buys' pure decisions (linli.groupbuys.rules), on unsaved rows: every page, API
call and service asks these, so each boundary is pinned here with exact values. One test
reads the database: the order service's stock guard, which says in SQL what
``rules.short_of_stock`` says."""

from datetime import UTC, datetime, timedelta

import pytest
from django.db import transaction
from django.utils import translation

from linli.accounts.roles import Roles
from linli.groupbuys import rules
from linli.groupbuys.errors import (
    CutoffPassed,
    GroupBuyClosed,
    GroupBuyFull,
    InsufficientStock,
    NotOpenYet,
)
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, PurchaseOrder
from linli.groupbuys.services.ordering import move_stock

CUTOFF = datetime(2026, 12, 7, 12, 0, tzinfo=UTC)  # 20:00 in Shanghai


def group_buy(**fields) -> GroupBuy:
    values = {
        "pk": 7,
        "status": GroupBuy.Status.OPEN,
        "threshold": GroupBuy.Threshold.UNITS,
        "min_to_form": 10,
        "max_to_close": None,
        "opens_at": CUTOFF - timedelta(days=1),
        "cutoff_at": CUTOFF,
    }
    return GroupBuy(**(values | fields))


@pytest.fixture(autouse=True)
def _in_english():
    """The refusals name a status and a unit as the reader's language says them."""
    with translation.override("en"):
        yield


def message(error) -> str:
    return str(error.message)


def test_the_fill_counts_what_the_threshold_counts():
    assert rules.fill(group_buy(), units=12, households=3) == 12
    assert rules.fill(group_buy(threshold="households"), units=12, households=3) == 3


def test_how_far_from_forming_and_whether_it_forms():
    gb = group_buy(min_to_form=10)
    assert [rules.to_form(gb, fill) for fill in (0, 9, 10, 11)] == [10, 1, 0, 0]
    assert [rules.forms(gb, fill) for fill in (9, 10, 11)] == [False, True, True]


def test_the_maximum_is_reached_exactly_or_refused_with_what_was_left():
    gb = group_buy(max_to_close=20)
    assert rules.reaches_maximum(gb, before=15, after=19) is False
    assert rules.reaches_maximum(gb, before=15, after=20) is True
    with pytest.raises(GroupBuyFull) as refused:
        rules.reaches_maximum(gb, before=15, after=21)
    assert message(refused.value) == "This group buy is almost full: only 5 more units can join."
    assert rules.reaches_maximum(group_buy(), before=0, after=10**6) is False


def test_past_the_maximum_only_above_it():
    gb = group_buy(max_to_close=20)
    assert [rules.passes_maximum(gb, fill) for fill in (0, 19, 20, 21)] == [
        False,
        False,
        False,
        True,
    ]
    assert rules.passes_maximum(group_buy(), 10**6) is False


def test_how_much_may_join_before_the_maximum():
    gb = group_buy(max_to_close=20)
    assert [rules.left_before_maximum(gb, fill) for fill in (0, 15, 19, 20, 21)] == [
        20,
        5,
        1,
        0,
        0,
    ]
    assert rules.left_before_maximum(group_buy(), 15) is None
    in_households = group_buy(threshold="households", max_to_close=4)
    with pytest.raises(GroupBuyFull) as refused:
        rules.reaches_maximum(in_households, before=3, after=5)
    assert message(refused.value) == (
        "This group buy is almost full: only 1 more households can join."
    )


def test_over_the_limit_per_household_counts_the_other_orders_too():
    assert rules.over_limit(3, had=0, asked=3) is False
    assert rules.over_limit(3, had=1, asked=2) is False
    assert rules.over_limit(3, had=1, asked=3) is True
    assert rules.over_limit(3, had=3, asked=1) is True
    assert rules.over_limit(3, had=0, asked=4) is True
    assert rules.over_limit(None, had=500, asked=999) is False


def test_short_of_stock_only_when_taking_more_than_is_left():
    assert [rules.short_of_stock(2, change) for change in (-3, 0, 1, 2, 3)] == [
        False,
        False,
        False,
        False,
        True,
    ]
    assert rules.short_of_stock(0, 1) is True
    assert rules.short_of_stock(0, 0) is False


def test_the_stock_guard_in_the_database_refuses_what_short_of_stock_says(hood):
    """The order service moves stock with a conditional UPDATE, not by asking the rule: the
    two say the same, boundary by boundary."""
    gb = hood.open(stock=(5,))
    item = gb.items.select_related("product").get()
    for left in (0, 1, 2):
        for change in (-1, 0, 1, 2, 3):
            GroupBuyItem.objects.filter(pk=item.pk).update(stock_left=left)
            try:
                with transaction.atomic():
                    move_stock({item.pk: change}, {item.pk: item})
            except InsufficientStock:
                refused = True
            else:
                refused = False
            assert refused is rules.short_of_stock(left, change), (left, change)
            expected = left if refused else left - change
            assert GroupBuyItem.objects.get(pk=item.pk).stock_left == expected


def test_orders_are_taken_from_the_opening_until_the_cutoff_while_open():
    gb = group_buy()
    assert rules.refusal_to_order(gb, CUTOFF - timedelta(seconds=1)) is None
    assert rules.accepting_orders(gb, CUTOFF - timedelta(seconds=1)) is True
    at_cutoff = rules.refusal_to_order(gb, CUTOFF)
    assert isinstance(at_cutoff, CutoffPassed)
    assert message(at_cutoff) == "Orders for this group buy closed at 2026-12-07 20:00."
    assert rules.refusal_to_order(gb, gb.opens_at) is None  # from the opening itself
    early = rules.refusal_to_order(gb, gb.opens_at - timedelta(seconds=1))
    assert isinstance(early, NotOpenYet)
    assert message(early) == "This group buy opens at 2026-12-06 20:00."
    closed = rules.refusal_to_order(group_buy(status="formed"), CUTOFF - timedelta(hours=1))
    assert isinstance(closed, GroupBuyClosed)
    assert message(closed) == "This group buy is formed and takes no more changes."


def test_past_its_cutoff_an_open_group_buy_is_closing_until_the_clock_closes_it():
    gb = group_buy()
    assert rules.closing(gb, CUTOFF - timedelta(seconds=1)) is False
    assert rules.closing(gb, CUTOFF) is True
    assert rules.counting_down(gb, CUTOFF - timedelta(seconds=1)) is True
    assert rules.counting_down(gb, CUTOFF) is False
    assert rules.closing(group_buy(status="formed"), CUTOFF) is False
    assert rules.status_label(gb, CUTOFF - timedelta(seconds=1)) == "open"
    assert rules.status_label(gb, CUTOFF) == "closing: orders are being counted"
    assert rules.status_label(group_buy(status="formed"), CUTOFF) == "formed"
    assert rules.may_close(gb) is True
    assert rules.may_close(group_buy(status="failed")) is False


@pytest.mark.parametrize(
    ("status", "changeable"),
    [("placed", True), ("cancelled", False), ("confirmed", False), ("failed", False)],
)
def test_only_a_placed_order_may_change_and_only_before_the_cutoff(status, changeable):
    order = Order(status=status)
    before = CUTOFF - timedelta(minutes=1)
    assert rules.may_change_order(order, group_buy(), before) is changeable
    assert rules.may_change_order(order, group_buy(), CUTOFF) is False
    assert rules.confirmed(order) is (status == "confirmed")


def test_only_the_purchase_orders_own_supplier_or_an_operator_records_while_formed():
    po = PurchaseOrder(supplier_id=3)
    formed = group_buy(status="formed")
    own, other = (
        Roles(user_id=1, supplier_ids=frozenset({3})),
        Roles(user_id=2, supplier_ids=frozenset({4})),
    )
    operator = Roles(user_id=5, operator=True)
    assert rules.may_record_delivery(own, po, formed) is True
    assert rules.may_record_delivery(operator, po, formed) is True
    assert rules.may_record_delivery(other, po, formed) is False
    assert rules.may_record_delivery(own, po, group_buy(status="completed")) is False
    assert rules.refusal_to_record_delivery(own, po, formed) is None
    late = rules.refusal_to_record_delivery(own, po, group_buy(status="completed"))
    assert message(late) == "This group buy is completed and takes no more changes."


def test_a_purchase_order_line_costs_what_was_delivered_once_recorded():
    assert rules.line_cost_fen(ordered=10, delivered=None, unit_cost_fen=250) == 2500
    assert rules.line_cost_fen(ordered=10, delivered=6, unit_cost_fen=250) == 1500
    assert rules.line_cost_fen(ordered=10, delivered=0, unit_cost_fen=250) == 0


def test_why_a_group_buy_completed_is_told_apart():
    collected = group_buy(status="completed", completion_reason="all_collected")
    ended = group_buy(status="completed", completion_reason="pickup_window_ended")
    assert (rules.all_collected(collected), rules.window_ended_uncollected(collected)) == (
        True,
        False,
    )
    assert (rules.all_collected(ended), rules.window_ended_uncollected(ended)) == (False, True)
    formed = group_buy(status="formed")
    assert (rules.all_collected(formed), rules.window_ended_uncollected(formed)) == (False, False)
    assert rules.handed_out_by_building(formed) and rules.handed_out_by_building(collected)
    assert not rules.handed_out_by_building(group_buy())


@pytest.mark.parametrize(
    ("left", "on_order", "sold_out", "box", "most"),
    [
        (0, 0, True, False, 0),  # sold out, a new order: no box
        (0, 2, True, True, 2),  # sold out, held: lower or cancel, not raise
        (1, 0, False, True, 1),
        (3, 2, False, True, 5),
    ],
)
def test_sold_out_and_the_quantity_box(left, on_order, sold_out, box, most):
    assert rules.sold_out(left) is sold_out
    assert rules.may_ask_for(left, on_order=on_order) is box
    assert rules.most_on_order(left, on_order=on_order) == most
