"""Pure decisions about group buys, in one place: how far one is towards forming, whether it
takes orders now, whether an order may still change, passes a limit per household or finds
too little stock, who may record a delivery, what a purchase order costs, why a group buy
completed.

Nothing here reads the database or the clock: callers pass what was read and ``now``. The
services enforce these decisions (and raise the errors), the selectors and the API report
them, and the pages hand templates their answers as booleans, so that no template compares
a status string.
"""

from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from linli.accounts.roles import Roles
from linli.core.errors import LinliError
from linli.core.formatting import LocalTime

from .errors import CutoffPassed, GroupBuyClosed, GroupBuyFull, NotOpenYet, NotSupplier
from .models import GroupBuy, Order, PurchaseOrder

Status = GroupBuy.Status


# Forming ---------------------------------------------------------------------------------


def fill(group_buy: GroupBuy, *, units: int, households: int) -> int:
    """How far the group buy is towards its minimum: units ordered, or households that
    ordered, by its threshold."""
    return households if group_buy.threshold == GroupBuy.Threshold.HOUSEHOLDS else units


def to_form(group_buy: GroupBuy, fill: int) -> int:
    """How many more (units or households) it needs to form; 0 once it would."""
    return max(group_buy.min_to_form - fill, 0)


def forms(group_buy: GroupBuy, fill: int) -> bool:
    """Whether a close with this fill forms the group buy (else it fails)."""
    return fill >= group_buy.min_to_form


def left_before_maximum(group_buy: GroupBuy, fill: int) -> int | None:
    """How many more (units or households, as its threshold counts) may join at ``fill``
    before the group buy's maximum; ``None`` if it has none."""
    cap = group_buy.max_to_close
    return None if cap is None else max(cap - fill, 0)


def passes_maximum(group_buy: GroupBuy, fill: int) -> bool:
    """Whether ``fill`` is past the group buy's maximum: a change that brings it there is
    refused (:func:`reaches_maximum`)."""
    cap = group_buy.max_to_close
    return cap is not None and fill > cap


def reaches_maximum(group_buy: GroupBuy, *, before: int, after: int) -> bool:
    """Whether a change from ``before`` to ``after`` (the fill) reaches the group buy's
    maximum exactly, so that it closes at once; a change that would pass it
    (:func:`passes_maximum`) is refused with how much was left before it
    (:func:`left_before_maximum`). Asked by the order service when an order is placed or
    changed (not cancelled), and by the 接龙 import's preview."""
    if passes_maximum(group_buy, after):
        raise GroupBuyFull(
            left=left_before_maximum(group_buy, before), unit=group_buy.get_threshold_display()
        )
    return group_buy.max_to_close is not None and after == group_buy.max_to_close


# Ordering --------------------------------------------------------------------------------


def refusal_to_order(
    group_buy: GroupBuy, now: datetime, head_start: timedelta = timedelta(0)
) -> LinliError | None:
    """Why the group buy takes no order, change or cancellation at ``now``; ``None`` if it
    does. Past its cutoff it takes none, even before the clock has closed it. A household
    with a ``head_start`` (early access, :mod:`..early_access`) may order that long before
    the opening."""
    if now >= group_buy.cutoff_at:
        return CutoffPassed(cutoff_at=LocalTime(group_buy.cutoff_at))
    if group_buy.status != Status.OPEN:
        return GroupBuyClosed(status=group_buy.get_status_display())
    if now < group_buy.opens_at - head_start:
        return NotOpenYet(opens_at=LocalTime(group_buy.opens_at))
    return None


def accepting_orders(
    group_buy: GroupBuy, now: datetime, head_start: timedelta = timedelta(0)
) -> bool:
    return refusal_to_order(group_buy, now, head_start) is None


def closing(group_buy: GroupBuy, now: datetime) -> bool:
    """Past its cutoff but not closed yet: the worker's clock closes it within the minute.
    Shown as "closing"; it takes no more orders."""
    return group_buy.status == Status.OPEN and now >= group_buy.cutoff_at


def status_label(group_buy: GroupBuy, now: datetime) -> str:
    """The status as people read it: "closing" past the cutoff until the clock closes it."""
    if closing(group_buy, now):
        return str(_("closing: orders are being counted"))
    return str(group_buy.get_status_display())


def counting_down(group_buy: GroupBuy, now: datetime) -> bool:
    """Open and before its cutoff: a countdown to show, a tally to keep fresh."""
    return group_buy.status == Status.OPEN and now < group_buy.cutoff_at


def may_change_order(order: Order, group_buy: GroupBuy, now: datetime) -> bool:
    """A placed order may be changed or cancelled while its group buy takes orders; a
    cancelled, confirmed or failed one never."""
    return order.status == Order.Status.PLACED and accepting_orders(group_buy, now)


def confirmed(order: Order) -> bool:
    """The group buy formed with this order in it: it has a number and is collected at the
    gate."""
    return order.status == Order.Status.CONFIRMED


def over_limit(limit: int | None, *, had: int, asked: int) -> bool:
    """Whether a household that has ``had`` of an item on its other placed orders may not
    have ``asked`` of it on this one: together they pass the item's limit per household
    (``None``: no limit)."""
    return limit is not None and had + asked > limit


def short_of_stock(left: int, change: int) -> bool:
    """Whether taking ``change`` of an item (negative: giving it back) finds too little of
    it: more than the ``left`` there is. Giving back is never short.

    The order service does not ask this in Python: its conditional ``UPDATE … SET
    stock_left = stock_left - change WHERE stock_left >= change`` says the same in SQL, and
    the database, not a read in Python, guards the stock. The 接龙 import's preview asks it
    to foresee which lines that update will refuse."""
    return change > left


def sold_out(left: int) -> bool:
    """Nothing of an item is left: the order form takes no quantity for it (已售罄)."""
    return left <= 0


def most_on_order(left: int, *, on_order: int) -> int:
    """The most of an item an order holding ``on_order`` of it may ask for when ``left`` is
    what is left: what it holds and what is left (the limit per household aside). An order
    holding a sold-out item keeps it, and may lower or cancel it, not raise it."""
    return on_order + max(left, 0)


def may_ask_for(left: int, *, on_order: int) -> bool:
    """Whether an order (new: ``on_order`` 0) shows a quantity box for the item: it is not
    sold out, or the order already holds some of it."""
    return on_order > 0 or not sold_out(left)


# After the cutoff ------------------------------------------------------------------------


def may_close(group_buy: GroupBuy) -> bool:
    """A leader may close an open group buy now (early, or at once when its cutoff passed)."""
    return group_buy.status == Status.OPEN


def handed_out_by_building(group_buy: GroupBuy) -> bool:
    """Formed or completed: it has purchase orders and a distribution per building."""
    return group_buy.status in (Status.FORMED, Status.COMPLETED)


def formed(group_buy: GroupBuy) -> bool:
    """Formed and not yet completed: delivery, sharing out and hand-out happen now."""
    return group_buy.status == Status.FORMED


def refusal_to_record_delivery(
    who: Roles, purchase_order: PurchaseOrder, group_buy: GroupBuy
) -> LinliError | None:
    """Why ``who`` may not record what was delivered on the purchase order; ``None`` if they
    may: its own supplier (or an operator), while the group buy is formed."""
    if not _supplies(who, purchase_order):
        return NotSupplier(supplier=purchase_order.supplier.name)
    if not formed(group_buy):
        return GroupBuyClosed(status=group_buy.get_status_display())
    return None


def may_record_delivery(who: Roles, purchase_order: PurchaseOrder, group_buy: GroupBuy) -> bool:
    return _supplies(who, purchase_order) and formed(group_buy)


def _supplies(who: Roles, purchase_order: PurchaseOrder) -> bool:
    return who.operator or purchase_order.supplier_id in who.supplier_ids


def line_cost_fen(*, ordered: int, delivered: int | None, unit_cost_fen: int) -> int:
    """What a purchase-order line costs: what was delivered at the unit cost, or what was
    ordered while no delivery is recorded."""
    return (ordered if delivered is None else delivered) * unit_cost_fen


def all_collected(group_buy: GroupBuy) -> bool:
    """Completed because every order was collected (not because the window ended)."""
    return (
        group_buy.status == Status.COMPLETED
        and group_buy.completion_reason == GroupBuy.CompletionReason.ALL_COLLECTED
    )


def window_ended_uncollected(group_buy: GroupBuy) -> bool:
    """Completed at the end of its pickup window, with orders never collected."""
    return (
        group_buy.status == Status.COMPLETED
        and group_buy.completion_reason == GroupBuy.CompletionReason.PICKUP_WINDOW_ENDED
    )
