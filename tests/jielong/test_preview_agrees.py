"""The preview foresees what the order service does: confirming a chain refuses exactly the
lines the preview warned about (stock, a limit per household, the group buy's maximum in units
or households), and carries out all the others."""

from contextlib import suppress

from django.utils import timezone
from hypothesis import event, given, settings
from hypothesis import strategies as st

from linli.core.errors import LinliError
from linli.groupbuys import rules
from linli.groupbuys import services as groupbuy_services
from linli.groupbuys.models import GroupBuyItem, Order
from linli.jielong.selectors import Action

from .test_import import address, confirm, preview

NAMES = ("青菜", "鸡蛋")  # what members write for 崇明青菜 and 土鸡蛋, the hood's first items
# What each of the hood's households is called in the chain: no digits, as "住户0 1号楼101 取消"
# reads 住户 as the nickname and the line as naming no item.
NICKNAMES = ("王", "李", "张", "赵")

households = st.integers(0, len(NICKNAMES) - 1)
# What a line orders (by position of the item), or ``None`` for 取消 (one line in five).
wants = st.integers(0, 4).flatmap(
    lambda n: (
        st.none()
        if n == 0
        else st.dictionaries(st.integers(0, len(NAMES) - 1), st.integers(1, 6), min_size=1)
    )
)
chains = st.lists(st.tuples(households, wants), min_size=1, max_size=8)


@st.composite
def two_versions(draw) -> tuple[list, list]:
    """A chain, and a later version of it: each of its lines kept, ordering something else
    (or 取消), or naming another household (a corrected address), and new lines after them,
    perhaps all in another order; or, now and then, another chain altogether."""
    first = draw(chains)
    if draw(st.integers(0, 4)) == 0:
        return first, draw(chains)
    second = []
    for who, wanted in first:
        how = draw(st.sampled_from(("kept", "edited", "moved")))
        if how == "edited":
            wanted = draw(wants)
        elif how == "moved":
            who = draw(households)
        second.append((who, wanted))
    second += draw(st.lists(st.tuples(households, wants), max_size=4))
    # Lines in another order, now and then: a line that closes the group buy before another
    # household's change or 取消.
    return first, draw(st.permutations(second)) if draw(st.booleans()) else second


@st.composite
def group_buys(draw) -> dict:
    threshold = draw(st.sampled_from(["units", "households"]))
    return {
        "stock": draw(st.tuples(st.integers(1, 12), st.integers(1, 12))),
        "limits": draw(st.tuples(st.none() | st.integers(1, 5), st.none() | st.integers(1, 5))),
        "threshold": threshold,
        # Often small, so that chains reach it exactly (and the group buy closes) or pass it.
        "max_to_close": draw(st.none() | st.integers(1, 4 if threshold == "households" else 12)),
    }


def written(chain: list[tuple[int, dict[int, int] | None]], households) -> list[str]:
    return [
        f"{number}. {NICKNAMES[who]} {address(households[who])} "
        + (
            "取消"
            if wanted is None
            else " ".join(f"{NAMES[position]}{quantity}" for position, quantity in wanted.items())
        )
        for number, (who, wanted) in enumerate(chain, start=1)
    ]


@settings(max_examples=25, deadline=None)
@given(
    setup=group_buys(),
    in_the_app=st.lists(
        st.tuples(households, st.integers(0, len(NAMES) - 1), st.integers(1, 4)), max_size=3
    ),
    versions=two_versions(),
)
def test_confirming_refuses_exactly_the_lines_the_preview_warned_about(
    hood, setup, in_the_app, versions
):
    """Orders placed in the app, then a chain imported, then another version of it (the same
    numbers naming other households or items, 取消, new lines): each time, the lines the
    preview warned about are the lines the order service refused."""
    group_buy = hood.open(
        stock=setup["stock"],
        threshold=setup["threshold"],
        max_to_close=setup["max_to_close"],
    )
    items = list(group_buy.items.order_by("position"))
    for item, limit in zip(items, setup["limits"], strict=True):
        GroupBuyItem.objects.filter(pk=item.pk).update(per_household_limit=limit)
    for who, position, quantity in in_the_app:
        with suppress(LinliError):  # refused (stock, a limit, the maximum): so be it
            groupbuy_services.place_order(
                actor=hood.leader_user,
                group_buy_id=group_buy.pk,
                lines={items[position].pk: quantity},
                household_id=hood.households[who].pk,
            )
    for chain in versions:
        group_buy.refresh_from_db()
        if not rules.accepting_orders(group_buy, timezone.now()):
            break  # closed at its maximum: the import is refused as a whole
        text = written(chain, hood.households)
        shown = preview(hood, group_buy, *text)
        result = confirm(hood, group_buy, *text)
        assert [outcome.line for outcome in result.outcomes] == shown.lines
        for line in shown.lines:
            event(f"{line.action}, {'warned' if line.warning else 'not warned'}")
            if line.cancels_order_id is not None:
                event("moved to another household")
        warned = [line.number for line in shown.lines if line.warning is not None]
        refused = [o.line.number for o in result.outcomes if o.error is not None]
        assert refused == warned, [(line.text, line.warning) for line in shown.lines]
        for outcome in result.outcomes:
            if outcome.line.action in (Action.PLACE, Action.CHANGE) and outcome.error is None:
                order = Order.objects.get(pk=outcome.order_id)
                assert order.status in (Order.Status.PLACED, Order.Status.CONFIRMED)
                assert order.household_id == outcome.line.household_id
                assert {line.item_id: line.quantity for line in order.lines.all()} == {
                    item.item_id: item.quantity for item in outcome.line.items
                }
            elif outcome.line.action == Action.CANCEL and outcome.error is None:
                assert Order.objects.get(pk=outcome.order_id).status == Order.Status.CANCELLED
            if outcome.line.cancels_order_id is not None:
                moved = Order.objects.get(pk=outcome.line.cancels_order_id)
                assert (moved.status == Order.Status.CANCELLED) is (outcome.error is None)
