"""Reads: demand series from the order history. A read never writes."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db.models import Q, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from linli.accounts.roles import Roles
from linli.core.errors import Forbidden
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine

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

    ``censored`` marks the days whose orders understate demand (:func:`censored_days`).

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
        return pd.DataFrame({"unique_id": [], "ds": [], "y": [], "censored": []})
    censored = censored_days(who, community_ids, until)
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

    Only marked for now: the correction (and its effect on accuracy) is issue 15's next step.
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
