"""A member's pages: a group buy and its order form, my orders, change and cancel."""

from datetime import timedelta

from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.communities.selectors import households_to_order_for
from linli.core.errors import LinliError
from linli.groupbuys import early_access, rules, selectors, services
from linli.groupbuys.limits import MAX_LINE_QUANTITY
from linli.groupbuys.models import Order
from linli.pages.helpers import (
    Roles,
    field_errors,
    page,
    whole_numbers,
)
from linli.pages.registry import order_links, order_notes


def _quantities(post, items) -> tuple[dict[int, int], dict[str, str], dict[str, list[str]]]:
    """Quantities typed per item (``q-<item id>``): the lines (0 is none), what was typed,
    and errors."""
    numbers, typed, errors = whole_numbers(
        post, {item.pk: f"q-{item.pk}" for item in items}, "item"
    )
    return {item_id: quantity for item_id, quantity in numbers.items() if quantity}, typed, errors


def _boxes(items, on_order: dict[int, int]) -> dict[int, int]:
    """The items that get a quantity box on an order holding ``on_order`` (item id →
    quantity), each with the most it may ask for."""
    return {
        item.pk: min(
            rules.most_on_order(item.stock_left, on_order=on_order.get(item.pk, 0)),
            MAX_LINE_QUANTITY,
        )
        for item in items
        if rules.may_ask_for(item.stock_left, on_order=on_order.get(item.pk, 0))
    }


@page
def group_buy(request, who: Roles, group_buy_id: int):
    """Items with price, unit, what is left and the limit; the cutoff, the pickup; and the
    order form (a POST here places the order)."""
    group_buy = selectors.group_buy_for(who, group_buy_id)
    items = list(group_buy.items.all())
    neighbours = list(households_to_order_for(who, group_buy.community_id))
    now = timezone.now()
    # A new order holds nothing yet: a sold-out item gets no quantity box. One posted anyway
    # goes to the service, which refuses the whole order (and says it is sold out).
    boxes = _boxes(items, {})
    head_start = (
        early_access.head_start(
            household_id=who.household_id,
            community_id=group_buy.community_id,
            opens_at=group_buy.opens_at,
            now=now,
        )
        if who.household_id is not None
        else timedelta(0)
    )
    accepting = rules.accepting_orders(group_buy, now, head_start)
    context = {
        "group_buy": group_buy,
        "items": items,
        "boxes": boxes,
        "sold_out": {item.pk for item in items if rules.sold_out(item.stock_left)},
        "accepting": accepting,
        "orderable": accepting and bool(boxes),
        "status_label": rules.status_label(group_buy, now),
        "neighbours": neighbours,
        "typed": {},
        "errors": {},
        "general": [],
        "mine": selectors.household_orders(who, group_buy),
    }
    if request.method != "POST":
        return render(request, "groupbuys/member/group_buy.html", context)

    lines, typed, errors = _quantities(request.POST, items)
    household = request.POST.get("household", "")
    note = request.POST.get("note", "")
    context.update(typed=typed, chosen_household=household, note=note)
    if errors:
        context.update(errors=errors, general=[_("Check the quantities marked below.")])
        return render(request, "groupbuys/member/group_buy.html", context, status=422)
    try:
        order = services.place_order(
            actor=request.user,
            group_buy_id=group_buy.pk,
            lines=lines,
            household_id=int(household) if household.isdigit() else None,
            note=note,
        )
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "groupbuys/member/group_buy.html", context, status=error.status)
    return redirect("order", order.pk)


@page
def my_orders(request, who: Roles):
    orders = [(order, rules.confirmed(order)) for order in selectors.own_orders(who)[:30]]
    return render(request, "groupbuys/member/orders.html", {"orders": orders, "roles": who})


def _order_context(who: Roles, order: Order, items=None) -> dict:
    """What the order page shows; with the group buy's ``items`` (while it may change), the
    change form: a quantity box for each item not sold out or already on the order."""
    group_buy = order.group_buy
    confirmed = rules.confirmed(order)
    on_order = {line.item_id: line.quantity for line in order.lines.all()} if items else {}
    return {
        "items": items or [],
        "boxes": _boxes(items or [], on_order),
        "sold_out": {item.pk for item in items or [] if rules.sold_out(item.stock_left)},
        "order": order,
        "group_buy": group_buy,
        "changeable": rules.may_change_order(order, group_buy, timezone.now()),
        "confirmed": confirmed,
        "short": selectors.short_deliveries(order) if confirmed else {},
        "for_neighbour": order.household_id != who.household_id,
        "links": order_links(order),
        "notes": order_notes(order),
        "typed": {},
        "errors": {},
        "general": [],
    }


@page
def order(request, who: Roles, order_id: int):
    """Status, lines, change or cancel before the cutoff, the pickup code (QR and digits), and
    what the supplier delivered short."""
    order = selectors.order_for(who, order_id)
    changeable = rules.may_change_order(order, order.group_buy, timezone.now())
    items = _items(who, order) if changeable else None
    context = _order_context(who, order, items)
    if changeable:
        context["typed"] = {
            f"item-{line.item_id}": str(line.quantity) for line in order.lines.all()
        }
    return render(request, "groupbuys/member/order.html", context)


def _items(who: Roles, order: Order) -> list:
    return list(selectors.group_buy_for(who, order.group_buy_id).items.all())


@require_POST
@page
def change_order(request, who: Roles, order_id: int):
    order = selectors.order_for(who, order_id)
    items = _items(who, order)
    lines, typed, errors = _quantities(request.POST, items)
    context = _order_context(who, order, items)
    context.update(typed=typed)
    if errors:
        context.update(errors=errors, general=[_("Check the quantities marked below.")])
        return render(request, "groupbuys/member/order.html", context, status=422)
    try:
        services.change_order(actor=request.user, order_id=order.pk, lines=lines)
    except LinliError as error:
        fields, general = field_errors(error)
        context.update(errors=fields, general=general)
        return render(request, "groupbuys/member/order.html", context, status=error.status)
    return redirect("order", order.pk)


@require_POST
@page
def cancel_order(request, who: Roles, order_id: int):
    order = selectors.order_for(who, order_id)
    try:
        services.cancel_order(actor=request.user, order_id=order.pk)
    except LinliError as error:
        context = _order_context(who, order)
        context["general"] = field_errors(error)[1]
        return render(request, "groupbuys/member/order.html", context, status=error.status)
    return redirect("order", order.pk)
