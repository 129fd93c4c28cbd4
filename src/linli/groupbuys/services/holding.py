"""The group buy's lock that keeps orders and a close apart, and its fill read under it: what
placing, changing and cancelling orders and closing a group buy share (see the locking order
in :mod:`.ordering`)."""

from django.db import connection
from django.db.models import Sum

from .. import rules
from ..errors import GroupBuyNotFound
from ..models import GroupBuy, Order, OrderLine

# The first key of the PostgreSQL advisory locks that keep orders and a close apart.
GROUP_BUY_LOCK = 0x4C4C


def hold_group_buy(group_buy_id: int, *, exclusive: bool) -> None:
    """Orders hold their group buy shared, a close exclusively, until their transaction ends.

    An advisory lock rather than ``FOR SHARE`` on the row: PostgreSQL queues advisory lock
    requests fairly, so an order that comes after a close started waiting waits behind it and
    is refused, and a stream of orders cannot keep a close waiting. Row share locks do not
    queue: each new ``FOR SHARE`` joins the holders at once. SQLite runs write transactions
    one at a time and needs nothing here.
    """
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock" if exclusive else "pg_advisory_xact_lock_shared"
    # The two-key form takes two int4s; ids are bigints, and the caller's id may be anything
    # a client sent. Fold it into int4 range: ids below 2**31 keep their own key, and two
    # group buys that would share one only wait for each other now and then, never wrongly.
    key = (group_buy_id + 2**31) % 2**32 - 2**31
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s, %s)", [GROUP_BUY_LOCK, key])


def lock_group_buy_for_ordering(group_buy_id: int) -> GroupBuy:
    """Read the group buy under a lock that a close must wait for (see the module text).

    Read after the lock is granted, so that an order that waited for a close sees it closed.
    A group buy with a maximum is read ``FOR UPDATE`` as well: its orders are counted one at a
    time.
    """
    hold_group_buy(group_buy_id, exclusive=False)
    group_buy = GroupBuy.objects.filter(pk=group_buy_id).order_by().first()
    if group_buy is None:
        raise GroupBuyNotFound()
    if group_buy.max_to_close is not None and connection.vendor == "postgresql":
        group_buy = GroupBuy.objects.select_for_update().order_by().get(pk=group_buy_id)
    return group_buy


def fill_of(group_buy: GroupBuy) -> int:
    """How far the group buy is towards its threshold (:func:`rules.fill`), counting placed
    orders: only the count its threshold needs is taken."""
    placed = Order.objects.filter(group_buy=group_buy, status=Order.Status.PLACED)
    if group_buy.threshold == GroupBuy.Threshold.HOUSEHOLDS:
        households = placed.values("household_id").distinct().count()
        return rules.fill(group_buy, units=0, households=households)
    units = OrderLine.objects.filter(order__in=placed).aggregate(total=Sum("quantity"))["total"]
    return rules.fill(group_buy, units=units or 0, households=0)
