"""Members place, change and cancel orders until the cutoff.

Locks, always in this order so that two calls can never deadlock:

1. the group buy, shared (an advisory lock, see :func:`.holding.hold_group_buy`; with its row ``FOR
   UPDATE`` as well when it has a maximum, because then orders must be counted one at a
   time). Closing takes it exclusively, so no order can slip in while a close is
   aggregating, and none that comes later can overtake a close that is waiting;
2. the household row, exclusively: per-household limits are read and written under it;
3. item rows, in primary-key order, by the conditional ``UPDATE … SET stock_left = stock_left
   - q WHERE stock_left >= q`` itself. No Python read decides whether stock is there;
4. presale rows, in primary-key order, by the same conditional ``UPDATE`` on the farmer's
   total (``left``), which many group buys in many communities share (decision 0038). Always
   after every item: an order holds no presale while it waits for an item.

On SQLite every write transaction starts ``IMMEDIATE`` and so runs alone; the same code is
correct there without row locks.
"""

import secrets
from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cache

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.accounts.models import User
from linli.accounts.roles import Roles, roles
from linli.communities.models import Consent, Household
from linli.communities.selectors import has_consent
from linli.core import audit
from linli.core.errors import Invalid, Message

from .. import early_access, events, rules
from ..errors import (
    BadQuantity,
    EmptyOrder,
    GroupBuyNotFound,
    HouseholdOutsideCommunity,
    InsufficientStock,
    LimitExceeded,
    NoHousehold,
    NotYourHousehold,
    OrderNotChangeable,
    OrderNotFound,
    TooManyLines,
    UnknownItems,
)
from ..limits import MAX_LINE_QUANTITY, MAX_LINES, MAX_NOTE
from ..models import GroupBuy, GroupBuyItem, Order, OrderLine, Presale
from .closing import close_locked
from .holding import fill_of, lock_group_buy_for_ordering

Lines = Mapping[int, int] | Iterable[tuple[int, int]]


def normalise_lines(lines: Lines, *, allow_empty: bool = False) -> dict[int, int]:
    """``{item_id: quantity}`` from a mapping or pairs; repeated items are added up."""
    pairs: Iterable[tuple[int, int]] = lines.items() if isinstance(lines, Mapping) else lines
    maximum = MAX_LINE_QUANTITY
    wanted: dict[int, int] = {}
    for item_id, quantity in pairs:
        if type(quantity) is not int or not 0 < quantity <= maximum:
            raise BadQuantity(max=maximum)
        wanted[item_id] = wanted.get(item_id, 0) + quantity
        if wanted[item_id] > maximum:
            raise BadQuantity(max=maximum)
    if not wanted and not allow_empty:
        raise EmptyOrder()
    if len(wanted) > MAX_LINES:
        raise TooManyLines(max=MAX_LINES)
    return wanted


def _check_note(note: str) -> str:
    note = note.strip()
    if len(note) > MAX_NOTE:
        raise Invalid(
            details=[
                {
                    "field": "note",
                    "message": Message(_("At most %(max)s characters."), max=MAX_NOTE),
                }
            ]
        )
    return note


def check_accepting_orders(
    group_buy: GroupBuy, now: datetime, *, household_id: int | None = None
) -> None:
    """Refuse an order, change or cancellation the group buy does not take at ``now``
    (:func:`rules.refusal_to_order`); before the opening, for ``household_id``, with the
    head start an app above gives it (:mod:`..early_access`)."""
    if (refusal := rules.refusal_to_order(group_buy, now)) is None:
        return
    if household_id is not None and now < group_buy.opens_at:
        head_start = early_access.head_start(
            household_id=household_id,
            community_id=group_buy.community_id,
            opens_at=group_buy.opens_at,
            now=now,
        )
        refusal = rules.refusal_to_order(group_buy, now, head_start)
    if refusal is not None:
        raise refusal


def _household_for(who: Roles, group_buy: GroupBuy, household_id: int | None) -> Household:
    """The household an order is for: the caller's own; for a leader or an operator any of
    the community; for a member, also a household of their own community that neighbours may
    order for (it agreed, and a leader marked it)."""
    if household_id is None:
        if who.household_id is None:
            raise NoHousehold()
        household_id = who.household_id
    elif (
        household_id != who.household_id
        and not who.manages(group_buy.community_id)
        and not (who.community_id == group_buy.community_id and _neighbours_may_order(household_id))
    ):
        raise NotYourHousehold()
    # Read under the household's lock, which the limits need (see the module text).
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("building")
        .filter(pk=household_id)
        .order_by()
        .first()
    )
    if household is None:
        raise NotYourHousehold()
    if household.building.community_id != group_buy.community_id:
        raise HouseholdOutsideCommunity(community=group_buy.community.name)
    return household


def _neighbours_may_order(household_id: int) -> bool:
    """Marked by a leader, and consented to by the household (its newest answer: a
    withdrawal stops ordering for it at once)."""
    return Household.objects.filter(
        pk=household_id, neighbours_may_order=True
    ).exists() and has_consent(household_id, Consent.Purpose.NEIGHBOURS_ORDER)


def _lock_household(household_id: int) -> None:
    list(Household.objects.select_for_update().filter(pk=household_id).order_by().values_list("pk"))


def _items(group_buy: GroupBuy, item_ids: Iterable[int]) -> dict[int, GroupBuyItem]:
    ids = sorted(set(item_ids))
    items = {
        item.pk: item
        for item in GroupBuyItem.objects.select_related("product").filter(
            group_buy=group_buy, pk__in=ids
        )
    }
    unknown = [item_id for item_id in ids if item_id not in items]
    if unknown:
        raise UnknownItems(items=", ".join(map(str, unknown)))
    return items


def _check_limits(
    *,
    group_buy: GroupBuy,
    household_id: int,
    wanted: Mapping[int, int],
    items: Mapping[int, GroupBuyItem],
    excluding: Order | None = None,
) -> None:
    """Limits hold across all of a household's placed orders (:func:`rules.over_limit`;
    caller holds the household lock)."""
    limited = [item_id for item_id in wanted if items[item_id].per_household_limit]
    if not limited:
        return
    others = OrderLine.objects.filter(
        order__group_buy=group_buy,
        order__household_id=household_id,
        order__status=Order.Status.PLACED,
        item_id__in=limited,
    )
    if excluding is not None:
        others = others.exclude(order=excluding)
    had = dict(
        others.values("item_id").annotate(total=Sum("quantity")).values_list("item_id", "total")
    )
    problems = []
    for item_id in sorted(limited):
        item, asked = items[item_id], wanted[item_id]
        already = had.get(item_id, 0)
        if rules.over_limit(item.per_household_limit, had=already, asked=asked):
            problems.append(
                {
                    "item_id": item_id,
                    "limit": item.per_household_limit,
                    "had": already,
                    "asked": asked,
                    "message": Message(
                        LimitExceeded.line_template,
                        product=item.product.name,
                        limit=item.per_household_limit,
                        unit=item.product.unit,
                        had=already,
                        asked=asked,
                    ),
                }
            )
    if problems:
        raise LimitExceeded(details=problems)


@cache
def _move_stock_sql() -> str:
    """The guarded stock update, written out: it runs for every line of every order, and the
    ORM took longer to compose it than the database took to run it."""
    table = connection.ops.quote_name(GroupBuyItem._meta.db_table)
    return f"UPDATE {table} SET stock_left = stock_left - %s WHERE id = %s AND stock_left >= %s"


@cache
def _move_presale_sql() -> str:
    table = connection.ops.quote_name(Presale._meta.db_table)
    return (
        f"UPDATE {table} SET {_q('left')} = {_q('left')} - %s WHERE id = %s AND {_q('left')} >= %s"
    )


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def move_stock(changes: Mapping[int, int], items: Mapping[int, GroupBuyItem]) -> None:
    """Take (positive) or give back (negative) stock, item by item in id order, then from the
    presales the items sell, presale by presale in id order.

    Every shortfall is collected before raising, so the caller hears about all of them.
    """
    short = []
    presales: dict[int, int] = {}
    with connection.cursor() as cursor:
        for item_id in sorted(changes):
            delta = changes[item_id]
            if delta:
                # A negative delta always passes the guard: giving back never fails.
                cursor.execute(_move_stock_sql(), [delta, item_id, delta])
                if cursor.rowcount != 1:
                    short.append(item_id)
                presale_id = items[item_id].presale_id
                if presale_id is not None:
                    presales[presale_id] = presales.get(presale_id, 0) + delta
        if not short:
            for presale_id in sorted(presales):
                delta = presales[presale_id]
                if delta:
                    cursor.execute(_move_presale_sql(), [delta, presale_id, delta])
                    if cursor.rowcount != 1:
                        raise _presale_short(presale_id, delta, items)
    if short:
        left = dict(GroupBuyItem.objects.filter(pk__in=short).values_list("pk", "stock_left"))
        raise InsufficientStock(
            details=[
                {
                    "item_id": item_id,
                    "left": left[item_id],
                    "asked": changes[item_id],
                    "message": Message(
                        InsufficientStock.sold_out_template
                        if rules.sold_out(left[item_id])
                        else InsufficientStock.line_template,
                        left=left[item_id],
                        unit=items[item_id].product.unit,
                        product=items[item_id].product.name,
                        asked=changes[item_id],
                    ),
                }
                for item_id in short
            ]
        )


def _presale_short(
    presale_id: int, asked: int, items: Mapping[int, GroupBuyItem]
) -> InsufficientStock:
    """The farmer's total is spent, by the orders of every community that carries it."""
    left = Presale.objects.filter(pk=presale_id).values_list("left", flat=True).get()
    item = next(item for item in items.values() if item.presale_id == presale_id)
    return InsufficientStock(
        details=[
            {
                "item_id": item.pk,
                "left": left,
                "asked": asked,
                "message": Message(
                    InsufficientStock.sold_out_template
                    if rules.sold_out(left)
                    else InsufficientStock.line_template,
                    left=left,
                    unit=item.product.unit,
                    product=item.product.name,
                    asked=asked,
                ),
            }
        ]
    )


def _new_pickup_code() -> str:
    return f"{secrets.randbelow(10**12):012d}"


def place_order(
    *,
    actor: User,
    group_buy_id: int,
    lines: Lines,
    household_id: int | None = None,
    note: str = "",
    now: datetime | None = None,
) -> Order:
    """Place an order for the actor's household (or, for a leader, any household of the
    community). Takes stock at once; refuses the whole order if any line cannot be filled."""
    wanted = normalise_lines(lines)
    note = _check_note(note)
    for attempt in range(3):
        try:
            with transaction.atomic():
                return _place(actor, group_buy_id, wanted, household_id, note, now)
        except IntegrityError as error:
            # A clash of two random 12-digit pickup codes in one group buy: draw again.
            if "pickup_code" not in str(error) or attempt == 2:
                raise
    raise AssertionError("unreachable")


def _place(
    actor: User,
    group_buy_id: int,
    wanted: dict[int, int],
    household_id: int | None,
    note: str,
    now: datetime | None,
) -> Order:
    now = now or timezone.now()
    who = roles(actor)
    group_buy = lock_group_buy_for_ordering(group_buy_id)
    if not who.sees(group_buy.community_id):
        raise GroupBuyNotFound()
    household = _household_for(who, group_buy, household_id)
    check_accepting_orders(group_buy, now, household_id=household.pk)
    items = _items(group_buy, wanted)
    _check_limits(group_buy=group_buy, household_id=household.pk, wanted=wanted, items=items)
    before = fill_of(group_buy) if group_buy.max_to_close is not None else 0
    move_stock(wanted, items)
    order = Order.objects.create(
        group_buy=group_buy,
        household=household,
        placed_by=actor,
        pickup_code=_new_pickup_code(),
        note=note,
        total_fen=sum(items[item_id].price_fen * quantity for item_id, quantity in wanted.items()),
        placed_at=now,
        updated_at=now,
    )
    lines = OrderLine.objects.bulk_create(
        OrderLine(
            order=order, item=items[item_id], quantity=quantity, unit_price_fen=item.price_fen
        )
        for item_id, quantity in sorted(wanted.items())
        for item in [items[item_id]]
    )
    _remember_lines(order, sorted(lines, key=lambda line: (line.item.position, line.item_id)))
    audit.record(
        actor=actor,
        action="order.placed",
        target=order,
        data={
            "group_buy": group_buy.pk,
            "household": household.pk,
            "lines": sorted(wanted.items()),
        },
    )
    events.order_event("order.placed", order, group_buy, actor_id=actor.pk)
    if group_buy.max_to_close is not None and rules.reaches_maximum(
        group_buy, before=before, after=fill_of(group_buy)
    ):
        close_locked(group_buy, now=now, reason=GroupBuy.CloseReason.FULL, actor=None)
    return order


def _remember_lines(order: Order, lines: list[OrderLine]) -> None:
    """Let ``order.lines.all()`` answer from the lines just written (items and products
    loaded), as a ``prefetch_related`` would, so the caller can show the order without reading
    it back."""
    cached = OrderLine.objects.filter(order=order)
    cached._result_cache = lines
    cached._prefetch_done = True  # type: ignore[attr-defined]
    order._prefetched_objects_cache = {"lines": cached}  # type: ignore[attr-defined]


def _order_for_change(actor: User, order_id: int) -> tuple[Roles, Order]:
    who = roles(actor)
    order = Order.objects.select_related("group_buy").filter(pk=order_id).first()
    if order is None or not (
        order.household_id == who.household_id
        or order.placed_by_id == who.user_id
        or who.manages(order.group_buy.community_id)
    ):
        raise OrderNotFound()
    return who, order


def change_order(
    *,
    actor: User,
    order_id: int,
    lines: Lines,
    note: str | None = None,
    now: datetime | None = None,
) -> Order:
    """Replace an order's lines before the cutoff. Items left out are removed; stock moves by
    the difference only."""
    wanted = normalise_lines(lines)
    note = _check_note(note) if note is not None else None
    now = now or timezone.now()
    with transaction.atomic():
        _who, order = _order_for_change(actor, order_id)
        group_buy = lock_group_buy_for_ordering(order.group_buy_id)
        check_accepting_orders(group_buy, now, household_id=order.household_id)
        _lock_household(order.household_id)
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status != Order.Status.PLACED:
            raise OrderNotChangeable(status=order.get_status_display())
        current = {line.item_id: line for line in order.lines.all()}
        items = _items(group_buy, set(wanted) | set(current))
        _check_limits(
            group_buy=group_buy,
            household_id=order.household_id,
            wanted=wanted,
            items=items,
            excluding=order,
        )
        changes = {
            item_id: wanted.get(item_id, 0)
            - (current[item_id].quantity if item_id in current else 0)
            for item_id in set(wanted) | set(current)
        }
        before = fill_of(group_buy) if group_buy.max_to_close is not None else 0
        move_stock(changes, items)
        gone = [line.pk for item_id, line in current.items() if item_id not in wanted]
        OrderLine.objects.filter(pk__in=gone).delete()
        for item_id, quantity in wanted.items():
            if item_id in current:
                if current[item_id].quantity != quantity:
                    OrderLine.objects.filter(pk=current[item_id].pk).update(quantity=quantity)
            else:
                OrderLine.objects.create(
                    order=order,
                    item_id=item_id,
                    quantity=quantity,
                    unit_price_fen=items[item_id].price_fen,
                )
        order.total_fen = sum(items[i].price_fen * q for i, q in wanted.items())
        order.updated_at = now
        fields = ["total_fen", "updated_at"]
        if note is not None:
            order.note = note
            fields.append("note")
        order.save(update_fields=fields)
        audit.record(
            actor=actor,
            action="order.changed",
            target=order,
            data={"changes": sorted((i, d) for i, d in changes.items() if d)},
        )
        events.order_event("order.changed", order, group_buy, actor_id=actor.pk)
        if group_buy.max_to_close is not None and rules.reaches_maximum(
            group_buy, before=before, after=fill_of(group_buy)
        ):
            close_locked(group_buy, now=now, reason=GroupBuy.CloseReason.FULL, actor=None)
    return order


def cancel_order(*, actor: User, order_id: int, now: datetime | None = None) -> Order:
    """Cancel an order before the cutoff and give its stock back. Cancelling a cancelled order
    changes nothing."""
    now = now or timezone.now()
    with transaction.atomic():
        _who, order = _order_for_change(actor, order_id)
        if order.status == Order.Status.CANCELLED:
            return order
        group_buy = lock_group_buy_for_ordering(order.group_buy_id)
        check_accepting_orders(group_buy, now, household_id=order.household_id)
        _lock_household(order.household_id)
        order = Order.objects.select_for_update().get(pk=order.pk)
        if order.status == Order.Status.CANCELLED:
            return order
        if order.status != Order.Status.PLACED:
            raise OrderNotChangeable(status=order.get_status_display())
        lines = list(order.lines.select_related("item__product"))
        move_stock(
            {line.item_id: -line.quantity for line in lines},
            {line.item_id: line.item for line in lines},
        )
        order.status = Order.Status.CANCELLED
        order.cancelled_at = order.updated_at = now
        order.save(update_fields=["status", "cancelled_at", "updated_at"])
        audit.record(actor=actor, action="order.cancelled", target=order)
        events.order_event("order.cancelled", order, group_buy, actor_id=actor.pk)
    return order
