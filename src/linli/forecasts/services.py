"""Writes: a forecast of every series, stored (``linli forecast run`` and the nightly job)."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from linli.accounts.roles import Roles

from . import selectors, series_csv
from .models import Forecast, ForecastRun, Suggested

if TYPE_CHECKING:
    import pandas as pd

#: Weeks forecast from the week after the last whole week of history.
WEEKS = 4
#: Series forecast at a time (a step of the progress bar).
CHUNK = 250
#: Runs kept for the accuracy over time; older ones are deleted when a run finishes.
KEEP = timedelta(weeks=8)
#: Weeks of the city-wide pattern a series too short for model selection is read from.
PATTERN_WEEKS = 8

OPERATOR = Roles(user_id=None, operator=True)


def run_forecasts(
    *,
    until: date | None = None,
    weeks: int = WEEKS,
    progress: Callable[[int, int], None] | None = None,
    dask_partitions: int | None = None,
) -> ForecastRun:
    """Forecast every community × product series with enough history (its model chosen per
    series by rolling-origin cross-validation, sell-outs corrected) and every product
    city-wide, the ``weeks`` after the last whole week before ``until`` (today); store them as
    one run. Only history before ``until`` is read: orders after it cannot leak in.
    ``progress(done, total)`` is told as the series go. With ``dask_partitions``, the fits run
    on the Dask cluster of the caller's client (the history is read and the forecasts stored
    here, in this process)."""
    import pandas as pd

    from .backtest import forecast_ahead, periods_needed

    started_at, started = timezone.now(), time.perf_counter()
    until = until or timezone.localdate()
    history = selectors.demand_series(OPERATOR, until=until)
    if history.empty:
        return _store(started_at, started, until, _next_monday(until), weeks, [], 0)
    first_monday = min(history["ds"]) - timedelta(days=min(history["ds"]).weekday())
    weekly = series_csv.weeks(history, through=until - timedelta(days=1))
    if weekly.empty:
        return _store(started_at, started, until, _next_monday(until), weeks, [], 0)
    weekly = weekly.assign(y=weekly["corrected"])[["unique_id", "ds", "y"]]
    first_week = first_monday + timedelta(weeks=int(weekly["ds"].max()) + 1)
    needed = periods_needed(weeks, 1) - weeks  # no held-out part here
    lengths = weekly.groupby("unique_id")["ds"].transform("size")
    long = weekly[lengths >= needed]
    ids = sorted(long["unique_id"].unique())

    city = weekly.assign(unique_id="city:" + weekly["unique_id"].str.split(":").str[1])
    city = city.groupby(["unique_id", "ds"], as_index=False)["y"].sum()
    city_lengths = city.groupby("unique_id")["ds"].transform("size")
    city_long = city[city_lengths >= needed]

    total = len(ids) + int(city_long["unique_id"].nunique())
    done = 0
    parts: list[pd.DataFrame] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        parts.append(forecast_ahead(long[long["unique_id"].isin(chunk)], weeks, 1, dask_partitions))
        done += len(chunk)
        if progress:
            progress(done, total)
    if not city_long.empty:
        parts.append(forecast_ahead(city_long, weeks, 1, dask_partitions))
    parts.append(_pattern(city[city_lengths < needed], weeks))
    if all(part.empty for part in parts):
        return _store(started_at, started, until, first_week, weeks, [], 0)
    done = total
    if progress:
        progress(done, total)
    ahead = pd.concat([part for part in parts if not part.empty], ignore_index=True)
    rows = [
        Forecast(
            community_id=None if scope == "city" else int(scope),
            product_id=int(product),
            week=first_week + timedelta(weeks=int(step)),
            expected=float(expected),
            low=float(low),
            high=float(high),
            model=model,
        )
        for (scope, product), step, model, expected, low, high in zip(
            ahead["unique_id"].str.split(":", n=1).map(tuple),
            ahead["ds"] - ahead.groupby("unique_id")["ds"].transform("min"),
            ahead["model"],
            ahead["expected"],
            ahead["q10"],
            ahead["q90"],
            strict=True,
        )
    ]
    return _store(started_at, started, until, first_week, weeks, rows, len(ids))


def _pattern(city: pd.DataFrame, weeks: int) -> pd.DataFrame:
    """A product with too few weeks city-wide for model selection: the mean of its last
    ``PATTERN_WEEKS`` weeks, between the lowest and highest of them."""
    import pandas as pd

    if city.empty:
        return pd.DataFrame(columns=["unique_id", "ds", "model", "expected", "q10", "q90"])
    recent = city[city["ds"] > city.groupby("unique_id")["ds"].transform("max") - PATTERN_WEEKS]
    summary = recent.groupby("unique_id")["y"].agg(["mean", "min", "max"])
    last = city.groupby("unique_id")["ds"].max()
    return pd.DataFrame(
        [
            {
                "unique_id": series,
                "ds": int(last[series]) + 1 + step,
                "model": "recent_mean",
                "expected": float(row["mean"]),
                "q10": float(row["min"]),
                "q90": float(row["max"]),
            }
            for series, row in summary.iterrows()
            for step in range(weeks)
        ]
    )


def _next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _store(
    started_at, started: float, until: date, first_week: date, weeks: int, rows, series: int
) -> ForecastRun:
    with transaction.atomic():
        run = ForecastRun.objects.create(
            started_at=started_at, until=until, first_week=first_week, weeks=weeks
        )
        for row in rows:
            row.run = run
        Forecast.objects.bulk_create(rows, batch_size=2000)
        run.series = series
        run.finished_at = timezone.now()
        run.seconds = time.perf_counter() - started
        run.save(update_fields=["series", "finished_at", "seconds"])
        ForecastRun.objects.filter(started_at__lt=started_at - KEEP).delete()
    return run


def keep_suggestions(*, group_buy_id: int, at: datetime) -> int:
    """Keep what the open form suggested for each item of a group buy just opened (as of
    ``at``, the moment it was opened: from the group buys before it only) beside the stock the
    leader chose; an item with nothing to suggest from gets a row without units. Idempotent:
    an item already kept is left as it is. Returns how many items it worked out."""
    from linli.catalog.models import Product
    from linli.groupbuys.models import GroupBuy, GroupBuyItem

    from .suggestions import cap

    group_buy = GroupBuy.objects.filter(pk=group_buy_id).first()
    if group_buy is None:  # deleted before the worker came to it
        return 0
    # Before the group buy itself: a group buy scheduled ahead was suggested for when the
    # leader opened it, one opening now must not read itself (0 units so far) as history.
    at = min(at, group_buy.opens_at)
    items = list(
        GroupBuyItem.objects.filter(group_buy=group_buy)
        .exclude(pk__in=Suggested.objects.filter(item__group_buy=group_buy).values("item_id"))
        .order_by("pk")
    )
    if not items:
        return 0
    products = list(Product.objects.filter(pk__in={item.product_id for item in items}))
    found = selectors.suggest_stock(OPERATOR, group_buy.community_id, products, cap(), now=at)
    rows = []
    for item in items:
        s = found.get(item.product_id)
        rows.append(
            Suggested(
                item=item,
                suggested_at=at,
                chosen=item.stock_initial,
                units=s.units if s else None,
                low=s.low if s else None,
                high=s.high if s else None,
                offers=s.offers if s else 0,
                from_city=s.from_city if s else False,
                weekday=s.weekday if s else None,
            )
        )
    with transaction.atomic():
        Suggested.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
