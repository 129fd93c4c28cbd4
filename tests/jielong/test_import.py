"""Importing a chain into a group buy: preview, confirm through the order service, and
importing again (the same chain, or a longer one) adds only what is new."""

import pytest
from django.utils import translation

from linli.accounts.roles import roles
from linli.groupbuys import errors
from linli.groupbuys import services as groupbuy_services
from linli.groupbuys.models import Order
from linli.jielong import selectors, services
from linli.jielong.models import ImportedLine


def chain_for(*lines: str) -> str:
    return "#接龙\n周末蔬菜团\nA. 青菜 4.5元/斤\nB. 鸡蛋 28元/盒\n1.6 晚8点截单\n\n" + "\n".join(
        lines
    )


def preview(hood, group_buy, *lines: str) -> selectors.Preview:
    """What the leader sees on previewing a chain of ``lines`` (stores nothing)."""
    return selectors.preview_import(
        who=roles(hood.leader_user), group_buy_id=group_buy.pk, text=chain_for(*lines)
    )


def confirm(hood, group_buy, *lines: str) -> services.ImportResult:
    """The leader confirms importing a chain of ``lines``."""
    return services.import_chain(
        actor=hood.leader_user, group_buy_id=group_buy.pk, text=chain_for(*lines)
    )


def address(household) -> str:
    return f"{household.building.name}{household.room}"


def orders_by_household(group_buy) -> dict[int, dict[str, int]]:
    result: dict[int, dict[str, int]] = {}
    for order in Order.objects.filter(group_buy=group_buy, status=Order.Status.PLACED):
        lines = result.setdefault(order.household_id, {})
        for line in order.lines.select_related("item__product"):
            lines[line.item.product.name] = lines.get(line.item.product.name, 0) + line.quantity
    return result


def test_preview_reads_matches_and_stores_nothing(hood):
    group_buy = hood.open()
    one, two = hood.households[:2]
    first, second, third, fourth = preview(
        hood,
        group_buy,
        f"1. 小王 {address(one)} A2 B1",
        f"2. Lily🌸 {address(two)} 青菜x3 放门口",
        "3. 老李 9-909 鸡蛋1",
        "4. 赵 没写地址 鸡蛋1",
    ).lines
    assert (first.household_id, first.action) == (one.pk, "place")
    assert [(i.name, i.quantity) for i in first.items] == [("崇明青菜", 2), ("土鸡蛋", 1)]
    assert (second.household_id, second.remark, second.nickname) == (two.pk, "放门口", "Lily🌸")
    assert (third.action, third.household_id) == ("unmatched", None)
    assert third.reason == "本小区没有“9”号楼（读自 9-909）。"
    # No address: the items are read, and the leader is asked whose it is.
    assert (fourth.action, fourth.nickname, fourth.household_id) == (
        "unmatched",
        "赵 没写地址",
        None,
    )
    assert [(i.name, i.quantity) for i in fourth.items] == [("土鸡蛋", 1)]
    assert fourth.reason == "这是谁的？没有楼号房号，这里也不认识“赵 没写地址”。"
    assert not Order.objects.filter(group_buy=group_buy).exists()


def test_confirm_places_orders_and_reimport_adds_only_new_lines(hood):
    group_buy = hood.open()
    one, two, three = hood.households[:3]
    first_lines = [f"1. 小王 {address(one)} A2 B1", f"2. Lily {address(two)} 青菜3"]
    result = confirm(hood, group_buy, *first_lines)
    assert (result.placed, result.changed, result.refused) == (2, 0, 0)
    assert orders_by_household(group_buy) == {
        one.pk: {"崇明青菜": 2, "土鸡蛋": 1},
        two.pk: {"崇明青菜": 3},
    }
    placed_by = set(Order.objects.filter(group_buy=group_buy).values_list("placed_by", flat=True))
    assert placed_by == {hood.leader_user.pk}

    again = confirm(hood, group_buy, *first_lines)
    assert (again.placed, again.changed) == (0, 0)
    assert Order.objects.filter(group_buy=group_buy).count() == 2

    longer = [*first_lines, f"3. 张 {address(three)} 鸡蛋2", f"4. 小王 {address(one)} A5"]
    shown = preview(hood, group_buy, *longer)
    assert [line.action for line in shown.lines] == ["replaced", "same", "place", "change"]
    assert "4" in shown.lines[0].reason
    confirm(hood, group_buy, *longer)
    assert orders_by_household(group_buy) == {
        one.pk: {"崇明青菜": 5},
        two.pk: {"崇明青菜": 3},
        three.pk: {"土鸡蛋": 2},
    }
    assert Order.objects.filter(group_buy=group_buy).count() == 3
    assert ImportedLine.objects.filter(group_buy=group_buy).count() == 4


def test_a_line_the_order_service_refuses_is_reported_and_tried_again_later(hood):
    group_buy = hood.open(stock=(3, 50))
    one, two = hood.households[:2]
    lines = [f"1. 王 {address(one)} 青菜2", f"2. 李 {address(two)} 青菜2"]
    with translation.override("en"):
        foreseen = preview(hood, group_buy, *lines)
    assert [line.warning for line in foreseen.lines] == [
        None,
        "Will be refused: only 1 斤 of 崇明青菜 left.",
    ]
    with translation.override("en"):
        result = confirm(hood, group_buy, *lines)
    assert result.refused == 1
    refused = next(o for o in result.outcomes if o.error)
    assert refused.line.number == 2 and "1 斤 of 崇明青菜 left" in refused.error
    assert orders_by_household(group_buy) == {one.pk: {"崇明青菜": 2}}
    assert [line.action for line in preview(hood, group_buy, *lines).lines] == ["same", "place"]


def test_the_preview_foresees_the_group_buy_closing_at_its_maximum(hood):
    """At most 6 斤 in all: the second line reaches it and the group buy closes, so the third
    is refused, as confirming then finds."""
    group_buy = hood.open(max_to_close=6)
    one, two, three = hood.households[:3]
    lines = [
        f"1. 王 {address(one)} 青菜2",
        f"2. 李 {address(two)} 青菜4",
        f"3. 张 {address(three)} 鸡蛋1",
    ]
    with translation.override("en"):
        foreseen = preview(hood, group_buy, *lines)
        result = confirm(hood, group_buy, *lines)
    assert [line.warning for line in foreseen.lines] == [
        None,
        None,
        "Will be refused: the group buy reaches its maximum with line 2 and closes.",
    ]
    assert [outcome.error is not None for outcome in result.outcomes] == [False, False, True]
    group_buy.refresh_from_db()
    assert group_buy.status != group_buy.Status.OPEN


def test_the_preview_foresees_a_line_passing_the_maximum_in_households(hood):
    group_buy = hood.open(threshold="households", max_to_close=2)
    groupbuy_services.place_order(
        actor=hood.members[3], group_buy_id=group_buy.pk, lines={group_buy.items.first().pk: 1}
    )
    one, two = hood.households[:2]
    lines = [f"1. 王 {address(one)} 青菜1", f"2. 李 {address(two)} 青菜1"]
    with translation.override("en"):
        foreseen = preview(hood, group_buy, *lines)
    assert foreseen.lines[0].warning is None
    assert foreseen.lines[1].warning == (
        "Will be refused: the group buy reaches its maximum with line 1 and closes."
    )
    # Counted in units: a line that would pass the maximum is refused, and only that one.
    over = hood.open(max_to_close=3)
    with translation.override("en"):
        too_many = preview(hood, over, f"1. 王 {address(one)} 青菜2", f"2. 李 {address(two)} 青菜2")
    assert too_many.lines[1].warning == (
        "Will be refused: only 1 more units can join before the maximum."
    )
    result = confirm(hood, over, f"1. 王 {address(one)} 青菜2", f"2. 李 {address(two)} 青菜2")
    assert [outcome.error is not None for outcome in result.outcomes] == [False, True]


def test_only_a_leader_of_the_community_may_import(hood):
    group_buy = hood.open()
    text = chain_for(f"1. 王 {address(hood.households[0])} 青菜2")
    for outsider, refusal in (
        (hood.members[1], errors.NotLeader),
        (hood.other_leader_user, errors.GroupBuyNotFound),
    ):
        with pytest.raises(refusal):
            services.import_chain(actor=outsider, group_buy_id=group_buy.pk, text=text)
    assert not Order.objects.filter(group_buy=group_buy).exists()


def test_a_later_line_saying_cancel_takes_the_imported_order_back(hood):
    group_buy = hood.open()
    one, two = hood.households[:2]
    first = [f"1. 王 {address(one)} 青菜2", f"2. 李 {address(two)} 鸡蛋1"]
    confirm(hood, group_buy, *first)
    longer = [*first, f"3. 王 {address(one)} 取消", f"4. 赵 {address(hood.households[2])} 不要了"]
    shown = preview(hood, group_buy, *longer)
    assert [line.action for line in shown.lines] == ["replaced", "same", "cancel", "skip"]
    result = confirm(hood, group_buy, *longer)
    assert result.cancelled == 1
    assert orders_by_household(group_buy) == {two.pk: {"土鸡蛋": 1}}
    stock = dict(group_buy.items.values_list("product__name", "stock_left"))
    assert stock["崇明青菜"] == 50  # given back
    again = confirm(hood, group_buy, *longer)
    assert (again.placed, again.changed, again.cancelled) == (0, 0, 0)


def test_the_preview_warns_when_a_household_also_ordered_in_the_app(hood):
    group_buy = hood.open()
    item = group_buy.items.order_by("position").first()
    own = groupbuy_services.place_order(
        actor=hood.members[1], group_buy_id=group_buy.pk, lines={item.pk: 1}
    )
    with translation.override("en"):
        shown = preview(hood, group_buy, f"1. 李 {address(hood.households[1])} 鸡蛋1")
    assert shown.lines[0].action == "place"
    assert shown.lines[0].reason == (
        f"This household also has order {own.pk}, not from the chain; this adds another."
    )


def test_a_corrected_address_moves_the_order_to_the_right_household(hood):
    group_buy = hood.open()
    wrong, right = hood.households[:2]
    confirm(hood, group_buy, f"1. 王 {address(wrong)} 青菜2")
    first = Order.objects.get(group_buy=group_buy)
    corrected = f"1. 王 {address(right)} 青菜2"
    with translation.override("en"):
        line = preview(hood, group_buy, corrected).lines[0]
    assert (line.action, line.household_id, line.cancels_order_id) == ("place", right.pk, first.pk)
    assert f"its order {first.pk} is cancelled" in line.reason
    confirm(hood, group_buy, corrected)
    assert orders_by_household(group_buy) == {right.pk: {"崇明青菜": 2}}
    first.refresh_from_db()
    assert first.status == Order.Status.CANCELLED
    assert dict(group_buy.items.values_list("product__name", "stock_left"))["崇明青菜"] == 48


def test_the_preview_foresees_a_limit_per_household(hood):
    group_buy = hood.open(limit=3)
    one = hood.households[0]
    item = group_buy.items.order_by("position").first()
    groupbuy_services.place_order(
        actor=hood.leader_user, group_buy_id=group_buy.pk, lines={item.pk: 2}, household_id=one.pk
    )
    line = f"1. 王 {address(one)} 青菜2"
    with translation.override("en"):
        assert preview(hood, group_buy, line).lines[0].warning == (
            "Will be refused: 崇明青菜 is limited to 3 斤 per household, and this household "
            "has 2 already."
        )
        result = confirm(hood, group_buy, line)
    assert result.refused == 1 and "limited to 3" in result.outcomes[0].error


def test_a_corrected_address_frees_the_moved_orders_stock_and_place_first(hood):
    """The order moves: cancelled before the corrected line is placed, in one savepoint, so its
    stock and its place before the maximum are free for it. Placed first, the corrected line
    found no stock (refused, whatever was imported again), or reached the maximum and closed
    the group buy, so that cancelling the moved order failed the whole import."""
    group_buy = hood.open(stock=(5, 50), max_to_close=8)
    one, two, three = hood.households[:3]
    confirm(hood, group_buy, f"1. 王 {address(one)} 青菜5")
    corrected = [f"1. 王 {address(two)} 青菜5", f"2. 张 {address(three)} 鸡蛋3"]
    shown = preview(hood, group_buy, *corrected)
    assert [line.warning for line in shown.lines] == [None, None]
    result = confirm(hood, group_buy, *corrected)
    assert (result.placed, result.refused) == (2, 0)
    group_buy.refresh_from_db()
    assert group_buy.status == group_buy.Status.FORMED  # 8 units: its maximum, reached
    assert set(Order.objects.filter(group_buy=group_buy).values_list("household", "status")) == {
        (one.pk, Order.Status.CANCELLED),
        (two.pk, Order.Status.CONFIRMED),
        (three.pk, Order.Status.CONFIRMED),
    }
    assert dict(group_buy.items.values_list("product__name", "stock_left")) == {
        "崇明青菜": 0,
        "土鸡蛋": 47,
    }


def test_an_order_cannot_move_once_the_group_buy_closed_at_its_maximum(hood):
    """Line 1 reaches the maximum and closes the group buy; line 2 (replaced by line 3) now
    names another household, and the order it placed cannot be cancelled any more: both are
    refused, as the preview says, and the rest of the import stands."""
    group_buy = hood.open(max_to_close=6)
    one, two, three = hood.households[:3]
    confirm(hood, group_buy, f"2. 王 {address(one)} 青菜2")
    moved = Order.objects.get(group_buy=group_buy)
    lines = [
        f"1. 张 {address(three)} 青菜4",
        f"2. 李 {address(two)} 青菜1",
        f"3. 李 {address(two)} 鸡蛋1",
    ]
    closed = "Will be refused: the group buy reaches its maximum with line 1 and closes."
    with translation.override("en"):
        shown = preview(hood, group_buy, *lines)
        result = confirm(hood, group_buy, *lines)
    assert [(line.action, line.cancels_order_id) for line in shown.lines] == [
        ("place", None),
        ("replaced", moved.pk),
        ("place", None),
    ]
    assert [line.warning for line in shown.lines] == [None, closed, closed]
    assert [outcome.error is not None for outcome in result.outcomes] == [False, True, True]
    assert orders_by_household(group_buy) == {}  # formed: its orders are confirmed now
    assert set(Order.objects.filter(group_buy=group_buy).values_list("household", "status")) == {
        (one.pk, Order.Status.CONFIRMED),
        (three.pk, Order.Status.CONFIRMED),
    }
