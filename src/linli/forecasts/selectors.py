"""Reads: demand series from the order history. A read never writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Max, Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine

from . import rules

if TYPE_CHECKING:
    import pandas as pd

#: Orders that say what people wanted: placed, confirmed at the close, or in a group buy that
#: failed to form (the wish was there). A cancelled order is a wish withdrawn.
WANTED = (Order.Status.PLACED, Order.Status.CONFIRMED, Order.Status.FAILED)


def series_id(community_id: int, product_id: int) -> str:
    return f"{community_id}:{product_id}"


def demand_series(
    who: Roles, community_ids: list[int] | None = None, until: date | None = None
) -> pd.DataFrame:
    """Units ordered per community × product and day (Asia/Shanghai), in the long format:
    ``unique_id`` ("community:product"), ``ds`` (a date), ``y`` (units).

    ``censored`` marks the days whose orders understate demand (:func:`censored_days`), and
    ``corrected`` is ``y`` plus what a sold-out item would have sold on the day it sold out
    (:func:`sell_out_extra`).

    Only whole days: those before ``until`` (today by default), since today's orders are still
    coming in and a half day would read as a drop in demand. Every series runs from its first
    day with an order to the last day of the whole history, days without orders at 0 units.
    Operators only: it spans every community. One query, grouped in the database; the rows
    grow with days × series, not with orders.
    """
    import pandas as pd

    if not who.operator:
        raise Forbidden()
    until = until or timezone.localdate()
    start_of = timezone.make_aware(datetime(until.year, until.month, until.day))
    lines = OrderLine.objects.filter(order__status__in=WANTED, order__placed_at__lt=start_of)
    if community_ids is not None:
        lines = lines.filter(order__group_buy__community_id__in=community_ids)
    rows = list(
        lines.annotate(day=TruncDate("order__placed_at", tzinfo=timezone.get_current_timezone()))
        .values("order__group_buy__community_id", "item__product_id", "day")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    if not rows:
        return pd.DataFrame({"unique_id": [], "ds": [], "y": [], "censored": [], "corrected": []})
    censored = censored_days(who, community_ids, until)
    extra = sell_out_extra(who, community_ids, until)
    last = max(row["day"] for row in rows)
    units: dict[str, dict[date, int]] = {}
    for row in rows:
        key = series_id(row["order__group_buy__community_id"], row["item__product_id"])
        units.setdefault(key, {})[row["day"]] = row["units"]
    parts = []
    for key in sorted(units):
        days = units[key]
        first = min(days)
        span = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        parts.append(
            pd.DataFrame(
                {
                    "unique_id": key,
                    "ds": span,
                    "y": [float(days.get(d, 0)) for d in span],
                    "censored": [(key, d) in censored for d in span],
                    "corrected": [float(days.get(d, 0)) + extra.get((key, d), 0.0) for d in span],
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def censored_days(
    who: Roles, community_ids: list[int] | None = None, until: date | None = None
) -> set[tuple[str, date]]:
    """(series, day) whose orders understate what people wanted: a group buy offering the
    product in the community was open that day and the item sold out (no stock left) or the
    group buy closed early at its maximum. From its opening day to its closing day (the cutoff
    if it has not closed), days before ``until`` (today by default).

    The correction is :func:`sell_out_extra`.
    """
    if not who.operator:
        raise Forbidden()
    until = until or timezone.localdate()
    items = GroupBuyItem.objects.filter(
        Q(stock_left=0) | Q(group_buy__close_reason=GroupBuy.CloseReason.FULL)
    )
    if community_ids is not None:
        items = items.filter(group_buy__community_id__in=community_ids)
    marked = set()
    for community_id, product_id, opens_at, closed_at, cutoff_at in items.values_list(
        "group_buy__community_id",
        "product_id",
        "group_buy__opens_at",
        "group_buy__closed_at",
        "group_buy__cutoff_at",
    ):
        day = timezone.localdate(opens_at)
        last = min(timezone.localdate(closed_at or cutoff_at), until - timedelta(days=1))
        while day <= last:
            marked.add((series_id(community_id, product_id), day))
            day += timedelta(days=1)
    return marked


#: Orders of group buys that did not sell out read for the arrival curve: the newest ones.
ARRIVAL_SAMPLE = 20_000


def sell_out_extra(
    who: Roles, community_ids: list[int] | None = None, until: date | None = None
) -> dict[tuple[str, date], float]:
    """(series, Shanghai day of the last order) → the units a sold-out item (or one in a group
    buy closed at its maximum) would have sold more had it stayed on offer to the cutoff:
    its units scaled by the share usually ordered by that moment (:mod:`.rules`), less the
    units ordered. Two grouped queries and one bounded sample of orders."""
    if not who.operator:
        raise Forbidden()
    until = until or timezone.localdate()
    start_of = timezone.make_aware(datetime(until.year, until.month, until.day))
    sold_out = Q(item__stock_left=0) | Q(item__group_buy__close_reason=GroupBuy.CloseReason.FULL)
    lines = OrderLine.objects.filter(order__status__in=WANTED, order__placed_at__lt=start_of)
    if community_ids is not None:
        lines = lines.filter(order__group_buy__community_id__in=community_ids)
    censored = list(
        lines.filter(sold_out)
        .values(
            "item_id",
            "item__group_buy__community_id",
            "item__product_id",
            "item__group_buy__opens_at",
            "item__group_buy__cutoff_at",
        )
        .annotate(units=Sum("quantity"), last=Max("order__placed_at"))
        .order_by()
    )
    if not censored:
        return {}
    curve = rules.arrival_curve(
        (
            rules.window_fraction(opens.timestamp(), placed.timestamp(), cutoff.timestamp()),
            quantity,
        )
        for placed, opens, cutoff, quantity in lines.exclude(sold_out)
        .order_by("-order__placed_at")
        .values_list(
            "order__placed_at",
            "item__group_buy__opens_at",
            "item__group_buy__cutoff_at",
            "quantity",
        )[:ARRIVAL_SAMPLE]
    )
    extra: dict[tuple[str, date], float] = {}
    for row in censored:
        fraction = rules.window_fraction(
            row["item__group_buy__opens_at"].timestamp(),
            row["last"].timestamp(),
            row["item__group_buy__cutoff_at"].timestamp(),
        )
        more = rules.corrected_units(row["units"], rules.share_by(curve, fraction)) - row["units"]
        if more > 0:
            key = (
                series_id(row["item__group_buy__community_id"], row["item__product_id"]),
                timezone.localdate(row["last"]),
            )
            extra[key] = extra.get(key, 0.0) + more
    return extra
