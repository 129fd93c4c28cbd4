"""Reads: demand series from the order history. A read never writes."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Count, Max, Q, QuerySet, Sum
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


def _with_units(items: QuerySet[GroupBuyItem], *, before: datetime | None = None):
    """Each item with the units ordered of it (``units``) and its last order's time
    (``last``), counting the orders still wanted (placed before ``before``, when given)."""
    wanted = Q(lines__order__status__in=WANTED)
    if before is not None:
        wanted &= Q(lines__order__placed_at__lt=before)
    return items.annotate(
        units=Sum("lines__quantity", filter=wanted, default=0),
        last=Max("lines__order__placed_at", filter=wanted),
    )


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
    curve = usual_arrival(start_of, ARRIVAL_SAMPLE)
    extra: dict[tuple[str, date], float] = {}
    for row in censored:
        more = (
            rules.wanted_units(
                row["units"],
                curve,
                row["item__group_buy__opens_at"],
                row["last"],
                row["item__group_buy__cutoff_at"],
            )
            - row["units"]
        )
        if more > 0:
            key = (
                series_id(row["item__group_buy__community_id"], row["item__product_id"]),
                timezone.localdate(row["last"]),
            )
            extra[key] = extra.get(key, 0.0) + more
    return extra


# -- Stored forecasts --------------------------------------------------------------------------


def latest_run():
    """The newest finished forecast run, or None."""
    from .models import ForecastRun

    return ForecastRun.objects.filter(finished_at__isnull=False).order_by("-started_at").first()


@dataclass(frozen=True)
class Expected:
    product_id: int
    week: date
    expected: float
    low: float
    high: float
    model: str
    #: True when the community has too little history of this product: the city-wide
    #: forecast scaled to the community's households.
    from_city: bool


def community_share(community_id: int) -> float:
    """The community's households over the city's."""
    from linli.communities.models import Household

    everyone = Household.objects.count()
    if not everyone:
        return 0.0
    return Household.objects.filter(building__community_id=community_id).count() / everyone


def expected_in_community(
    who: Roles, community_id: int, product_ids: list[int], week: date | None = None
) -> dict[int, Expected]:
    """Units expected per product in one week (the first forecast week by default) for the
    community's leaders and operators. A product without the community's own forecast gets the
    city-wide one scaled to the community's households; a product never ordered anywhere
    gets nothing."""
    from .models import Forecast

    if not (who.operator or who.leads(community_id)):
        raise Forbidden()
    run = latest_run()
    if run is None or not product_ids:
        return {}
    week = week or run.first_week
    found: dict[int, Expected] = {}
    rows = Forecast.objects.filter(run=run, week=week, product_id__in=product_ids)
    own = rows.filter(community_id=community_id)
    for row in own:
        found[row.product_id] = Expected(
            row.product_id, week, row.expected, row.low, row.high, row.model, False
        )
    missing = [p for p in product_ids if p not in found]
    if missing:
        share = community_share(community_id)
        for row in rows.filter(community__isnull=True, product_id__in=missing):
            found[row.product_id] = Expected(
                row.product_id,
                week,
                row.expected * share,
                row.low * share,
                row.high * share,
                row.model,
                True,
            )
    return found


@dataclass(frozen=True)
class SupplierWeek:
    product_id: int
    product: str
    unit: str
    week: date
    expected: float
    communities: int


def supplier_next_week(who: Roles, supplier_id: int) -> list[SupplierWeek]:
    """Per product of the supplier, the units expected across the communities that buy it in
    the first forecast week (from the communities' own forecasts), most first. Suppliers see
    their own products only, and never a household."""
    from .models import Forecast

    if not (who.operator or supplier_id in who.supplier_ids):
        raise Forbidden()
    run = latest_run()
    if run is None:
        return []
    rows = (
        Forecast.objects.filter(
            run=run,
            week=run.first_week,
            community__isnull=False,
            product__supplier_id=supplier_id,
        )
        .values("product_id", "product__name", "product__unit")
        .annotate(expected=Sum("expected"), communities=Count("community_id"))
        .order_by("-expected", "product_id")
    )
    return [
        SupplierWeek(
            r["product_id"],
            r["product__name"],
            r["product__unit"],
            run.first_week,
            float(r["expected"]),
            r["communities"],
        )
        for r in rows
    ]


# -- Suggested stock ----------------------------------------------------------------------------

OFFERS, MIN_OFFERS, CITY_OFFERS = rules.OFFERS, rules.MIN_OFFERS, rules.CITY_OFFERS


@dataclass(frozen=True)
class Suggestion:
    product_id: int
    units: int
    low: int
    high: int
    #: The group buys it was read from, and whether they were the city's (scaled).
    offers: int
    from_city: bool
    #: The weekday (0 Monday … 6 Sunday) the community's group buys read mostly opened on.
    weekday: int | None = None


#: How far back a suggestion reads group buys.
LOOK_BACK = timedelta(weeks=16)


def _wanted(row: Mapping[str, Any], curve: list[float]) -> float:
    """The units an item's row (``units``, ``last``, ``stock_left`` and its group buy's close
    reason, opening and cutoff) says people wanted: what was ordered, or for a sell-out what
    would have been."""
    units = float(row["units"])
    if row["last"] is None or not rules.sold_out(row["stock_left"], row["group_buy__close_reason"]):
        return units
    return rules.wanted_units(
        units, curve, row["group_buy__opens_at"], row["last"], row["group_buy__cutoff_at"]
    )


def households_per_community() -> dict[int, int]:
    """How many households each community has (one grouped query)."""
    from linli.communities.models import Household

    return dict(
        Household.objects.values_list("building__community_id").annotate(n=Count("id")).order_by()
    )


def offer_demands(
    community_id: int | None, product_ids: list[int], before: datetime, curve: list[float]
) -> dict[int, list[tuple[float, int, int]]]:
    """Per product, (units wanted, its community, the Shanghai weekday it opened on) of the
    group buys that offered it (in the community, or anywhere when ``community_id`` is None) in
    the ``LOOK_BACK`` before ``before``, newest first, counting orders placed before ``before``
    only; a sold-out one counts what it would have sold (:mod:`.rules`, with the arrival
    ``curve``). One grouped query."""
    items = GroupBuyItem.objects.filter(
        product_id__in=product_ids,
        group_buy__opens_at__lt=before,
        group_buy__opens_at__gte=before - LOOK_BACK,
    )
    if community_id is not None:
        items = items.filter(group_buy__community_id=community_id)
    rows = (
        _with_units(items, before=before)
        .values(
            "product_id",
            "units",
            "last",
            "stock_left",
            "group_buy__close_reason",
            "group_buy__opens_at",
            "group_buy__cutoff_at",
            "group_buy__community_id",
        )
        .order_by("-group_buy__opens_at", "-id")
    )
    found: dict[int, list[tuple[float, int, int]]] = {}
    for row in rows:
        units = _wanted(row, curve)
        found.setdefault(row["product_id"], []).append(
            (
                units,
                row["group_buy__community_id"],
                timezone.localtime(row["group_buy__opens_at"]).weekday(),
            )
        )
    return found


def suggest_stock(
    who: Roles, community_id: int, products: list, cap: int, now: datetime | None = None
) -> dict[int, Suggestion]:
    """Per product (catalog ``Product`` rows), whole units to open a group buy with in the
    community: the newsvendor quantile (:func:`rules.suggested_stock`) of what its last
    ``OFFERS`` group buys here wanted, or, with fewer than ``MIN_OFFERS`` of them, of the city's
    last ``CITY_OFFERS`` scaled to the community's households; with the 10–90 % range. For the
    community's leaders and operators; a product not offered anywhere lately gets none.
    Four queries, whatever the number of products."""

    if not (who.operator or who.leads(community_id)):
        raise Forbidden()
    now = now or timezone.now()
    ids = [product.pk for product in products]
    curve = arrival_this_hour(now)
    own = offer_demands(community_id, ids, now, curve)
    need_city = [pk for pk in ids if len(own.get(pk, [])) < MIN_OFFERS]
    city = offer_demands(None, need_city, now, curve) if need_city else {}
    sizes = households_per_community()
    households = sizes.get(community_id, 0)
    found = {}
    for product in products:
        mine = own.get(product.pk, [])
        demands, from_city = rules.suggestion_demands(
            [units for units, _, _ in mine],
            [(units, sizes.get(where, 0)) for units, where, _ in city.get(product.pk, [])],
            households,
        )
        if not demands:
            continue
        ratio = rules.critical_ratio(
            product.suggested_price_fen, product.cost_fen, product.category
        )
        found[product.pk] = Suggestion(
            product_id=product.pk,
            units=rules.suggested_stock(demands, ratio, cap),
            low=max(0, min(cap, math.floor(rules.quantile(demands, 0.1)))),
            high=max(0, min(cap, math.ceil(rules.quantile(demands, 0.9)))),
            offers=len(demands),
            from_city=from_city,
            weekday=None
            if from_city
            else rules.usual_weekday([day for _, _, day in mine][:OFFERS]),
        )
    return found


def arrival_this_hour(now: datetime) -> list[float]:
    """:func:`usual_arrival` as of the first time it is asked for in ``now``'s hour, kept in
    the cache for that hour: the city's arrival curve of 5,000 order lines moves slowly, and
    reading it takes ~0.4 s on the default city, at every open form and for every group buy
    whose suggestions are kept (a demo's 84 openings: 38 s of its start)."""
    from django.core.cache import cache

    key = f"forecasts:arrival:{now.astimezone(UTC):%Y-%m-%dT%H}"
    curve = cache.get(key)
    if curve is None:
        curve = usual_arrival(now)
        cache.set(key, curve, timeout=2 * 3600)
    return curve


def usual_arrival(before: datetime, sample: int = 5_000) -> list[float]:
    """The arrival curve (:func:`rules.arrival_curve`) of the newest ``sample`` order lines
    before ``before`` in group buys whose item did not sell out."""
    sold_out = Q(item__stock_left=0) | Q(item__group_buy__close_reason=GroupBuy.CloseReason.FULL)
    lines = OrderLine.objects.filter(order__status__in=WANTED, order__placed_at__lt=before)
    return rules.arrival_curve(
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
        )[:sample]
    )


# -- A household's usual items --------------------------------------------------------------------


@dataclass(frozen=True)
class UsualItem:
    product_id: int
    product: str
    unit: str
    every_days: int
    last: date
    due: bool
    #: The usual quantity (the median of its lines).
    quantity: int
    #: An open group buy of the household's community offering it, with stock left.
    item_id: int | None
    group_buy_id: int | None
    group_buy: str
    price_fen: int | None


def usual_items(who: Roles, household_id: int, today: date | None = None) -> list[UsualItem]:
    """The household's usual items and whether each is due, due ones offered now first: only
    for the household itself (not its leader, not an operator), and only if it agreed to
    suggestions from its order history (consent purpose ``suggestions``); otherwise none.
    Three queries: the consent, the household's lines, the open offers."""
    from linli.communities.models import Consent
    from linli.communities.selectors import has_consent

    if who.household_id != household_id:
        raise Forbidden()
    if not has_consent(household_id, Consent.Purpose.SUGGESTIONS):
        return []
    today = today or timezone.localdate()
    since = timezone.make_aware(datetime(today.year, today.month, today.day)) - timedelta(
        days=rules.USUAL_DAYS
    )
    lines = (
        OrderLine.objects.filter(
            order__household_id=household_id,
            order__status__in=(Order.Status.PLACED, Order.Status.CONFIRMED),
            order__placed_at__gte=since,
        )
        .annotate(day=TruncDate("order__placed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("item__product_id", "item__product__name", "item__product__unit", "day")
        .annotate(units=Sum("quantity"))
        .order_by()
    )
    days: dict[int, list[date]] = {}
    units: dict[int, list[int]] = {}
    names: dict[int, tuple[str, str]] = {}
    for product_id, name, unit, day, quantity in lines:
        days.setdefault(product_id, []).append(day)
        units.setdefault(product_id, []).append(quantity)
        names[product_id] = (name, unit)
    usual = {pk: every for pk, seen in days.items() if (every := rules.usual_interval(seen))}
    if not usual or who.community_id is None:
        return []
    offers: dict[int, tuple[int, int, str, int]] = {}
    for item_id, product_id, group_buy_id, title, price in (
        GroupBuyItem.objects.filter(
            product_id__in=list(usual),
            stock_left__gt=0,
            group_buy__status=GroupBuy.Status.OPEN,
            group_buy__community_id=who.community_id,
            group_buy__opens_at__lte=timezone.now(),
            group_buy__cutoff_at__gt=timezone.now(),
        )
        .order_by("group_buy__cutoff_at", "id")
        .values_list("id", "product_id", "group_buy_id", "group_buy__title", "price_fen")
    ):
        offers.setdefault(product_id, (item_id, group_buy_id, title, price))
    found = []
    for pk, every in usual.items():
        last = max(days[pk])
        offer = offers.get(pk)
        found.append(
            UsualItem(
                product_id=pk,
                product=names[pk][0],
                unit=names[pk][1],
                every_days=every,
                last=last,
                due=rules.is_due(last, every, today),
                quantity=max(1, round(rules.quantile([float(u) for u in units[pk]], 0.5))),
                item_id=offer[0] if offer else None,
                group_buy_id=offer[1] if offer else None,
                group_buy=offer[2] if offer else "",
                price_fen=offer[3] if offer else None,
            )
        )
    found.sort(key=lambda u: (not (u.due and u.item_id), not u.due, u.product, u.product_id))
    return found


# -- The leader's and operator's forecast page --------------------------------------------------

#: Weeks of history drawn before the forecast.
PLOT_WEEKS = 12
#: Products on a community's forecast page (the most expected first).
PLOT_PRODUCTS = 20


@dataclass(frozen=True)
class ProductForecast:
    product_id: int
    product: str
    unit: str
    history: list  # plots.Point
    ahead: list  # plots.Ahead
    model: str


def community_forecasts(who: Roles, community_id: int) -> list[ProductForecast]:
    """The community's products with a forecast of their own in the newest run, the most
    expected first (at most ``PLOT_PRODUCTS``), each with its last ``PLOT_WEEKS`` whole weeks
    of units ordered and its forecast weeks. Leaders of the community and operators. Three
    queries."""
    from django.db.models.functions import TruncWeek

    from .models import Forecast
    from .plots import Ahead, Point

    if not (who.operator or who.leads(community_id)):
        raise Forbidden()
    run = latest_run()
    if run is None:
        return []
    rows = list(
        Forecast.objects.filter(run=run, community_id=community_id)
        .select_related("product")
        .order_by("product_id", "week")
    )
    by_product: dict[int, list] = {}
    for row in rows:
        by_product.setdefault(row.product_id, []).append(row)
    ranked = sorted(by_product, key=lambda pk: (-sum(r.expected for r in by_product[pk]), pk))
    chosen = ranked[:PLOT_PRODUCTS]
    first = run.first_week - timedelta(weeks=PLOT_WEEKS)
    start = timezone.make_aware(datetime(first.year, first.month, first.day))
    end = timezone.make_aware(
        datetime(run.first_week.year, run.first_week.month, run.first_week.day)
    )
    ordered: dict[tuple[int, date], float] = {}
    for product_id, week, units in (
        OrderLine.objects.filter(
            order__group_buy__community_id=community_id,
            order__status__in=WANTED,
            order__placed_at__gte=start,
            order__placed_at__lt=end,
            item__product_id__in=chosen,
        )
        .annotate(week=TruncWeek("order__placed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("item__product_id", "week")
        .annotate(units=Sum("quantity"))
        .order_by()
    ):
        day = week.date() if isinstance(week, datetime) else week
        ordered[product_id, day] = float(units)
    weeks = [first + timedelta(weeks=n) for n in range(PLOT_WEEKS)]
    return [
        ProductForecast(
            product_id=pk,
            product=by_product[pk][0].product.name,
            unit=by_product[pk][0].product.unit,
            history=[Point(week, ordered.get((pk, week), 0.0)) for week in weeks],
            ahead=[Ahead(r.week, r.expected, r.low, r.high) for r in by_product[pk]],
            model=by_product[pk][0].model,
        )
        for pk in chosen
    ]


# -- The operator's accuracy page ----------------------------------------------------------------

#: Weeks of group buys the suggested-against-chosen report reads.
REPORT_WEEKS = 8


@dataclass(frozen=True)
class SuggestionWeek:
    week: date
    items: int
    #: Mean |suggested − wanted| and |chosen − wanted|, units per item.
    suggested_error: float
    chosen_error: float
    #: Items whose suggestion was nearer to what was wanted than the leader's stock, and the
    #: other way round (the rest: a tie).
    suggestion_nearer: int
    chosen_nearer: int
    #: Items of group buys opened before suggestions were kept: their suggestion is worked
    #: out again from the group buys before them.
    recomputed: int = 0


def suggestions_against_chosen(
    who: Roles, weeks: int = REPORT_WEEKS, now: datetime | None = None
) -> list[SuggestionWeek]:
    """Per week (Shanghai, newest first), for the group buy items opened in the last ``weeks``
    weeks and past their cutoff: the suggestion kept when each was opened
    (:class:`~.models.Suggested`) beside the stock the leader chose, against what was wanted
    (units ordered, a sell-out corrected), and which of the two was nearer. An item opened
    before suggestions were kept (no row) has its suggestion worked out again from the group
    buys opened before it, as :func:`suggest_stock` reads them (counted as ``recomputed``);
    an item kept without a suggestion (nothing to suggest from) is left out. Operators only.
    Four queries; the rest in memory."""

    from .models import Suggested

    if not who.operator:
        raise Forbidden()
    now = now or timezone.now()
    since = now - timedelta(weeks=weeks)
    curve = usual_arrival(now)
    rows = (
        _with_units(
            GroupBuyItem.objects.filter(
                group_buy__opens_at__gte=since - LOOK_BACK, group_buy__opens_at__lt=now
            )
        )
        .values(
            "id",
            "product_id",
            "product__suggested_price_fen",
            "product__cost_fen",
            "product__category",
            "stock_initial",
            "units",
            "last",
            "stock_left",
            "group_buy__close_reason",
            "group_buy__opens_at",
            "group_buy__cutoff_at",
            "group_buy__community_id",
        )
        .order_by("group_buy__opens_at", "id")
    )
    kept = {
        item: (units, chosen)
        for item, units, chosen in Suggested.objects.filter(
            item__group_buy__opens_at__gte=since,
            item__group_buy__opens_at__lt=now,
            item__group_buy__cutoff_at__lte=now,
        ).values_list("item_id", "units", "chosen")
    }
    sizes = households_per_community()
    cap = int(settings.LINLI_FORECASTS["SUGGESTION_CAP"])
    own: dict[tuple[int, int], list[float]] = {}
    city: dict[int, list[tuple[float, int]]] = {}
    totals: dict[date, list[float]] = {}
    for row in rows:
        wanted = _wanted(row, curve)
        community, product = row["group_buy__community_id"], row["product_id"]
        mine = own.setdefault((community, product), [])
        theirs = city.setdefault(product, [])
        if row["group_buy__opens_at"] >= since and row["group_buy__cutoff_at"] <= now:
            suggested: int | None
            if row["id"] in kept:
                suggested, chosen = kept[row["id"]]
                again = False
            else:
                demands, _ = rules.suggestion_demands(
                    mine[::-1], theirs[::-1], sizes.get(community, 0)
                )
                ratio = rules.critical_ratio(
                    row["product__suggested_price_fen"],
                    row["product__cost_fen"],
                    row["product__category"],
                )
                suggested = rules.suggested_stock(demands, ratio, cap) if demands else None
                chosen, again = row["stock_initial"], True
            if suggested is not None:
                day = timezone.localdate(row["group_buy__opens_at"])
                total = totals.setdefault(day - timedelta(days=day.weekday()), [0] * 6)
                off, chosen_off = abs(suggested - wanted), abs(chosen - wanted)
                total[0] += 1
                total[1] += off
                total[2] += chosen_off
                total[3] += off < chosen_off
                total[4] += chosen_off < off
                total[5] += again
        mine.append(wanted)
        theirs.append((wanted, sizes.get(community, 0)))
    return [
        SuggestionWeek(
            week=week,
            items=int(t[0]),
            suggested_error=t[1] / t[0],
            chosen_error=t[2] / t[0],
            suggestion_nearer=int(t[3]),
            chosen_nearer=int(t[4]),
            recomputed=int(t[5]),
        )
        for week, t in sorted(totals.items(), reverse=True)
    ]


@dataclass(frozen=True)
class RunAccuracy:
    week: date
    series: int
    wape: float | None


def forecast_accuracy(who: Roles, today: date | None = None) -> list[RunAccuracy]:
    """Per week already over that a stored run forecast as its first week (the newest run of
    that week): WAPE of the communities' forecasts against the units then ordered, newest
    first. Operators only. Three queries."""
    from django.db.models.functions import TruncWeek

    from .models import Forecast, ForecastRun

    if not who.operator:
        raise Forbidden()
    today = today or timezone.localdate()
    runs: dict[date, int] = {}
    for run_id, week in (
        ForecastRun.objects.filter(
            finished_at__isnull=False, first_week__lte=today - timedelta(days=7)
        )
        .order_by("first_week", "started_at")
        .values_list("id", "first_week")
    ):
        runs[week] = run_id
    if not runs:
        return []
    forecast: dict[tuple[int, int, date], float] = {}
    for run_id, community, product, week, expected in Forecast.objects.filter(
        run_id__in=list(runs.values()), community__isnull=False, week__in=list(runs)
    ).values_list("run_id", "community_id", "product_id", "week", "expected"):
        if runs[week] == run_id:
            forecast[community, product, week] = expected
    first, last = min(runs), max(runs) + timedelta(days=7)
    actual: dict[tuple[int, int, date], float] = {}
    for community, product, week, units in (
        OrderLine.objects.filter(
            order__status__in=WANTED,
            order__placed_at__gte=timezone.make_aware(datetime(first.year, first.month, first.day)),
            order__placed_at__lt=timezone.make_aware(datetime(last.year, last.month, last.day)),
        )
        .annotate(week=TruncWeek("order__placed_at", tzinfo=timezone.get_current_timezone()))
        .values_list("order__group_buy__community_id", "item__product_id", "week")
        .annotate(units=Sum("quantity"))
        .order_by()
    ):
        day = week.date() if isinstance(week, datetime) else week
        if day in runs:
            actual[community, product, day] = float(units)
    found = []
    for week in sorted(runs, reverse=True):
        keys = {k for k in forecast if k[2] == week} | {k for k in actual if k[2] == week}
        errors = sum(abs(forecast.get(k, 0.0) - actual.get(k, 0.0)) for k in keys)
        wanted = sum(actual.get(k, 0.0) for k in keys)
        found.append(
            RunAccuracy(
                week=week,
                series=sum(1 for k in forecast if k[2] == week),
                wape=errors / wanted if wanted else None,
            )
        )
    return found


# -- The per-offer backtest ------------------------------------------------------------------------

#: Whole weeks (Monday to Sunday, Shanghai) of group buys held out by the per-offer backtest.
HELD_OUT_WEEKS = 4


def held_out_offers(who: Roles, weeks: int = HELD_OUT_WEEKS, now: datetime | None = None) -> list:
    """Every group-buy item opened in the ``weeks`` whole weeks before this one and past its
    cutoff (``scored``), after the items of the ``LOOK_BACK`` before them (history only),
    oldest first, as :class:`~.backtest.Offer` rows for :func:`~.backtest.offer_accuracy`:
    units ordered, units wanted (a sell-out scaled by the arrival curve read from the orders
    before the held-out weeks), the item's critical ratio and its community's households.
    Operators only. Three queries."""

    from .backtest import Offer

    if not who.operator:
        raise Forbidden()
    now = now or timezone.now()
    today = timezone.localdate(now)
    monday = today - timedelta(days=today.weekday())
    start = timezone.make_aware(datetime(monday.year, monday.month, monday.day)) - timedelta(
        weeks=weeks
    )
    end = start + timedelta(weeks=weeks)
    curve = usual_arrival(start)
    sizes = households_per_community()
    rows = (
        _with_units(
            GroupBuyItem.objects.filter(
                group_buy__opens_at__gte=start - LOOK_BACK, group_buy__opens_at__lt=end
            )
        )
        .values_list(
            "product_id",
            "product__suggested_price_fen",
            "product__cost_fen",
            "product__category",
            "units",
            "last",
            "stock_left",
            "group_buy__close_reason",
            "group_buy__opens_at",
            "group_buy__cutoff_at",
            "group_buy__community_id",
        )
        .order_by("group_buy__opens_at", "id")
    )
    offers = []
    for product, price, cost, category, units, last, left, reason, opens, cutoff, where in rows:
        ordered = float(units)
        sold_out = rules.sold_out(left, reason) and last is not None
        wanted = rules.wanted_units(ordered, curve, opens, last, cutoff) if sold_out else ordered
        offers.append(
            Offer(
                community=where,
                product=product,
                ordered=ordered,
                wanted=wanted,
                sold_out=sold_out,
                ratio=rules.critical_ratio(price, cost, category),
                households=sizes.get(where, 0),
                scored=opens >= start and cutoff <= now,
            )
        )
    return offers
