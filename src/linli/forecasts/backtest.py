"""Model selection and accuracy on held-out periods, for any demand series (no Django here).

The input is the long format forecasting libraries use: one row per series and period,
``unique_id`` (text), ``ds`` (the period's number: 0, 1, 2 … one step apart, no gaps) and
``y`` (units, ≥ 0). :func:`backtest` holds out the last ``horizon`` periods of every series,
chooses a model per series by rolling-origin cross-validation on the rest only, forecasts the
held-out periods with every model, and scores them.

statsforecast and utilsforecast are imported inside the functions: importing them costs about
two seconds, which neither Django's start-up nor a test that does not forecast should pay
(docs/decisions/0028).
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

#: The models, simplest first: a tie in cross-validation goes to the earlier one. The key is
#: the name in the report and the JSON; the value the column statsforecast gives the model.
MODELS: dict[str, str] = {
    "seasonal_naive": "SeasonalNaive",
    "zero": "ZeroModel",
    "window_average": "WindowAverage",
    "ses": "SESOpt",
    "adida": "ADIDA",
    "croston_optimized": "CrostonOptimized",
    "imapa": "IMAPA",
    "tsb": "TSB",
    "auto_ets": "AutoETS",
}
BASELINE = "seasonal_naive"
#: Rolling-origin windows of cross-validation, each ``horizon`` periods, before the held-out
#: part, their origins ``STEP`` periods apart: many close origins choose less by chance than a
#: few far apart on short, mostly-zero series (docs/decisions/0031).
WINDOWS = 8
STEP = 1
#: Periods averaged by the window-average model (when the season is 1, as for weeks).
WINDOW = 4
#: TSB's smoothing of demand size and of the probability of any demand: slow, as most
#: community × product series are mostly zeros with rare, noisy orders.
TSB_ALPHA_D = 0.2
TSB_ALPHA_P = 0.1
#: Errors closer than this (units, summed over the windows) are a tie.
TIE = 1e-9


#: Syntetos–Boylan–Croston classes of a series, from its training part: the average interval
#: between periods with demand (ADI) and the squared coefficient of variation of the nonzero
#: sizes (CV²), cut at 1.32 and 0.49.
ADI_CUT = 1.32
CV2_CUT = 0.49
GROUPS = ("smooth", "erratic", "intermittent", "lumpy", "no_demand")


def demand_class(values: Any) -> str:
    """The class of one series' history (a sequence of units ≥ 0)."""
    nonzero = [float(v) for v in values if v > 0]
    if not nonzero:
        return "no_demand"
    adi = len(values) / len(nonzero)
    mean = sum(nonzero) / len(nonzero)
    cv2 = (sum((v - mean) ** 2 for v in nonzero) / len(nonzero)) / mean**2
    if adi < ADI_CUT:
        return "smooth" if cv2 < CV2_CUT else "erratic"
    return "intermittent" if cv2 < CV2_CUT else "lumpy"


def periods_needed(horizon: int, season: int) -> int:
    """The shortest series :func:`backtest` takes: the held-out ``horizon``, ``WINDOWS`` windows
    of cross-validation ``STEP`` apart, and before the earliest window one whole season and one
    period more (the seasonal-naive forecast and the MASE scale need a season of history)."""
    return horizon + (WINDOWS - 1) * STEP + horizon + max(season, WINDOW) + 1


@dataclass
class Result:
    series: int
    horizon: int
    season: int
    seconds: float
    #: Pooled over every series and held-out period: Σ|y − ŷ| / Σ|y|; ``None`` if Σ|y| is 0.
    wape: dict[str, float | None]
    #: Mean over the series with a non-zero seasonal-naive scale in the training part.
    mase: dict[str, float | None]
    #: Series → the model chosen for it (a key of :data:`MODELS`).
    chosen: dict[str, str]
    #: How many series each model was chosen for.
    chosen_count: dict[str, int] = field(default_factory=dict)
    #: The held-out periods: unique_id, ds, y and one column per model key and "chosen".
    forecasts: Any = None
    #: Per demand class (:func:`demand_class`): series, and WAPE of "chosen" and the baseline.
    groups: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: The quantile loss of the chosen forecast's conformal quantiles (:func:`pinball`).
    quantile_loss: dict[str, float | None] = field(default_factory=dict)
    #: Share of held-out periods inside the 80 % interval (q10 … q90).
    coverage: float | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "bench": "forecast-backtest",
            "series": self.series,
            "horizon": self.horizon,
            "seconds": round(self.seconds, 3),
            "wape": {name: _round(value) for name, value in self.wape.items()},
            "mase": {name: _round(value) for name, value in self.mase.items()},
            "quantile_loss": {name: _round(v) for name, v in self.quantile_loss.items()},
            "coverage_80": _round(self.coverage),
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def names(season: int) -> list[str]:
    """The models offered for ``season``: AutoETS only with a season (without one it is the
    exponential smoothing already offered, and statsforecast 2.1.1's fails on a window of
    constant values)."""
    return [name for name in MODELS if season > 1 or name != "auto_ets"]


def models(season: int) -> list[Any]:
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        SeasonalNaive,
        SimpleExponentialSmoothingOptimized,
        WindowAverage,
        ZeroModel,
    )

    from .croston import Croston

    made = {
        "seasonal_naive": SeasonalNaive(season_length=season),
        "zero": ZeroModel(),
        "window_average": WindowAverage(window_size=season if season > 1 else WINDOW),
        "ses": SimpleExponentialSmoothingOptimized(),
        "adida": ADIDA(),
        # Without the left-censored first interval: statsforecast's blows up on near-empty
        # windows (one order of 5 → 5 every period ahead; docs/decisions/0031).
        "croston_optimized": Croston(),
        "imapa": IMAPA(),
        "tsb": TSB(alpha_d=TSB_ALPHA_D, alpha_p=TSB_ALPHA_P),
        # No trend: a fitted trend runs away on a few weeks of surge (and costs 3× the time).
        "auto_ets": AutoETS(season_length=season, model="ZNZ"),
    }
    return [made[name] for name in names(season)]


def _engine(season: int) -> Any:
    from statsforecast import StatsForecast

    # freq=1: ``ds`` is a period number, so daily and weekly series are handled alike.
    return StatsForecast(models=models(season), freq=1, n_jobs=1)


def _renamed(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.rename(columns={column: key for key, column in MODELS.items()})


def split(frame: pd.DataFrame, horizon: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(training part, held-out part): the last ``horizon`` periods of every series are held out."""
    frame = frame.sort_values(["unique_id", "ds"], kind="stable").reset_index(drop=True)
    from_end = frame.groupby("unique_id").cumcount(ascending=False)
    return frame[from_end >= horizon].reset_index(drop=True), frame[from_end < horizon].reset_index(
        drop=True
    )


#: The prediction interval's level (%): the leader sees the range most weeks fall in.
LEVEL = 80
#: Quantiles scored by the quantile (pinball) loss: the interval's ends and the median.
QUANTILES = (0.1, 0.5, 0.9)


def cross_validate(train: Any, horizon: int, season: int) -> pd.DataFrame:
    """Every model's forecasts over ``WINDOWS`` rolling origins inside ``train`` (never past
    its end): unique_id, ds, cutoff, y and one column per model key. ``train`` may be a Dask
    DataFrame (:func:`on_dask`): the folds are made on the cluster and gathered here."""
    return _renamed(
        _gathered(
            _engine(season).cross_validation(df=train, h=horizon, n_windows=WINDOWS, step_size=STEP)
        )
    )


def on_dask(frame: pd.DataFrame, partitions: int) -> Any:
    """``frame`` as a Dask DataFrame of ``partitions`` parts, whole series in each: given to
    statsforecast, its fits run on the Dask cluster the caller's ``distributed.Client`` is
    connected to (through fugue), the same models and the same code."""
    import dask.dataframe as dd

    return dd.from_pandas(frame.sort_values(["unique_id", "ds"]), npartitions=partitions)


def _gathered(result: Any) -> pd.DataFrame:
    """A result as pandas with the single-process run's types: a Dask result is computed,
    ordered as the single-process one is, and its float32 and nullable columns cast back."""
    if not hasattr(result, "compute"):
        return result
    frame = result.compute()
    keys = [c for c in ("unique_id", "cutoff", "ds") if c in frame.columns]
    frame = frame.sort_values(keys, kind="stable").reset_index(drop=True)
    frame["unique_id"] = frame["unique_id"].astype(object)
    for column in frame.columns:
        if column in ("ds", "cutoff"):
            frame[column] = frame[column].astype("int64")
        elif column != "unique_id":
            frame[column] = frame[column].astype("float64")
    return frame


def choose(folds: pd.DataFrame, season: int) -> dict[str, str]:
    """Per series, the model with the lowest WAPE over the folds; a tie goes to the simpler.

    Within one series every model's WAPE has the same denominator (Σ|y| over the windows), so
    the total absolute error orders the models alike, and still does when that sum is 0.
    """
    offered = names(season)
    errors = folds[offered].sub(folds["y"], axis=0).abs()
    errors["unique_id"] = folds["unique_id"]
    totals = errors.groupby("unique_id", sort=True)[offered].sum()
    chosen = {}
    for series, row in totals.iterrows():
        best = min(row[name] for name in offered)
        chosen[str(series)] = next(name for name in offered if row[name] <= best + TIE)
    return chosen


def select(train: pd.DataFrame, horizon: int, season: int) -> dict[str, str]:
    """Per series, the model with the lowest WAPE over ``WINDOWS`` rolling origins of
    ``horizon`` periods inside ``train`` (:func:`choose`)."""
    import numpy as np

    with np.errstate(divide="ignore", invalid="ignore"):
        return choose(cross_validate(train, horizon, season), season)


def residual_quantiles(
    folds: pd.DataFrame, chosen: dict[str, str], quantiles: tuple[float, ...] = QUANTILES
) -> pd.DataFrame:
    """Conformal intervals: per series, quantiles of the chosen model's errors (y − ŷ) over the
    cross-validation folds, one column per quantile ("q10", "q50", "q90"). None of the models
    offered gives intervals of its own for intermittent demand, and these cost no fit more:
    the folds are the ones selection already made."""
    import numpy as np
    import pandas as pd

    model_of_row = folds["unique_id"].map(chosen)
    predicted = np.zeros(len(folds))
    for name in set(chosen.values()):
        rows = (model_of_row == name).to_numpy()
        predicted[rows] = folds.loc[rows, name].to_numpy()
    errors = folds[["unique_id"]].assign(error=folds["y"].to_numpy() - predicted)
    grouped = errors.groupby("unique_id", sort=True)["error"]
    return pd.DataFrame({_q(q): grouped.quantile(q, interpolation="linear") for q in quantiles})


def _q(quantile: float) -> str:
    return f"q{round(quantile * 100)}"


def with_intervals(
    forecasts: pd.DataFrame, residuals: pd.DataFrame, column: str = "chosen"
) -> pd.DataFrame:
    """``forecasts`` with one column per quantile: the point forecast plus the series' error
    quantile, never below 0 units, and the median never above the high end."""
    out = forecasts.copy()
    shifted = residuals.reindex(out["unique_id"].to_numpy())
    for name in residuals.columns:
        out[name] = (out[column].to_numpy() + shifted[name].fillna(0.0).to_numpy()).clip(min=0.0)
    return out


def pinball(y: Any, predicted: Any, quantile: float) -> float:
    """The quantile loss Σ max(q·(y − ŷ), (q − 1)·(y − ŷ)), summed over every row, divided by
    Σ y (scaled like WAPE, so series of any size weigh by their units)."""
    import numpy as np

    y, predicted = np.asarray(y, dtype=float), np.asarray(predicted, dtype=float)
    diff = y - predicted
    loss = np.maximum(quantile * diff, (quantile - 1) * diff).sum()
    total = np.abs(y).sum()
    return float(loss / total) if total else math.nan


def backtest(frame: pd.DataFrame, horizon: int, season: int) -> Result:
    """Hold out, select on the rest, forecast the held-out periods with every model, score."""
    import numpy as np
    from utilsforecast.losses import mase, wape

    started = time.perf_counter()
    train, held_out = split(frame, horizon)
    offered = names(season)
    # AutoETS divides by a residual variance of 0 on a series it fits exactly; the fit is
    # still right, and numpy's warning would only be noise in the report.
    with np.errstate(divide="ignore", invalid="ignore"):
        folds = cross_validate(train, horizon, season)
        chosen = choose(folds, season)
        predicted = _renamed(_engine(season).forecast(df=train, h=horizon))
    scored = held_out.merge(predicted, on=["unique_id", "ds"], how="left", validate="one_to_one")
    model_of_row = scored["unique_id"].map(chosen)
    scored["chosen"] = 0.0
    for name in offered:
        scored.loc[model_of_row == name, "chosen"] = scored.loc[model_of_row == name, name]
    scored = with_intervals(scored, residual_quantiles(folds, chosen))
    columns = ["chosen", *offered]
    # Pooled WAPE: every row in one group.
    pooled = wape(scored.assign(pool="all"), models=columns, id_col="pool")
    per_series = mase(scored, models=columns, seasonality=season, train_df=train)
    wapes = {name: _number(pooled[name].iloc[0]) for name in columns}
    mases = {name: _mean_finite(per_series[name]) for name in columns}
    counts = dict.fromkeys(offered, 0)
    for name in chosen.values():
        counts[name] += 1
    classes = {
        str(series): demand_class(part.tolist()) for series, part in train.groupby("unique_id")["y"]
    }
    scored["group"] = scored["unique_id"].map(classes)
    by_group = wape(scored, models=["chosen", BASELINE], id_col="group").set_index("group")
    groups = {
        group: {
            "series": sum(1 for c in classes.values() if c == group),
            "chosen": _number(by_group.loc[group, "chosen"]),
            BASELINE: _number(by_group.loc[group, BASELINE]),
        }
        for group in GROUPS
        if group in by_group.index
    }
    low, high = _q(QUANTILES[0]), _q(QUANTILES[-1])
    inside = (scored["y"] >= scored[low]) & (scored["y"] <= scored[high])
    return Result(
        series=int(frame["unique_id"].nunique()),
        horizon=horizon,
        season=season,
        seconds=time.perf_counter() - started,
        wape=wapes,
        mase=mases,
        chosen=chosen,
        chosen_count=counts,
        forecasts=scored[["unique_id", "ds", "y", *columns, *(_q(q) for q in QUANTILES)]],
        groups=groups,
        quantile_loss={_q(q): _number(pinball(scored["y"], scored[_q(q)], q)) for q in QUANTILES},
        coverage=float(inside.mean()) if len(scored) else None,
    )


def forecast_ahead(
    frame: pd.DataFrame, horizon: int, season: int, dask_partitions: int | None = None
) -> pd.DataFrame:
    """The next ``horizon`` periods of every series (each at least :func:`periods_needed` long,
    less the held-out part it does not need here): the model chosen on the whole history by
    the same rolling origins as :func:`backtest`, its forecast, and the conformal 10 % and
    90 % quantiles. Columns unique_id, ds, model, expected, q10, q90. With
    ``dask_partitions``, the fits run on the Dask cluster of the caller's client."""
    import numpy as np

    data = on_dask(frame, dask_partitions) if dask_partitions else frame
    with np.errstate(divide="ignore", invalid="ignore"):
        folds = cross_validate(data, horizon, season)
        chosen = choose(folds, season)
        predicted = _renamed(_gathered(_engine(season).forecast(df=data, h=horizon)))
        predicted = predicted.sort_values(["unique_id", "ds"]).reset_index(drop=True)
    model_of_row = predicted["unique_id"].map(chosen)
    predicted["model"] = model_of_row
    predicted["chosen"] = 0.0
    for name in names(season):
        rows = model_of_row == name
        predicted.loc[rows, "chosen"] = predicted.loc[rows, name]
    predicted["chosen"] = predicted["chosen"].clip(lower=0.0)
    out = with_intervals(predicted, residual_quantiles(folds, chosen, (0.1, 0.9)))
    out = out.rename(columns={"chosen": "expected"})
    out["q10"] = out[["q10", "expected"]].min(axis=1)
    out["q90"] = out[["q90", "expected"]].max(axis=1)
    return out[["unique_id", "ds", "model", "expected", "q10", "q90"]].reset_index(drop=True)


@dataclass
class SoldOut:
    """Held-out periods with a sell-out, forecast from the history as ordered and from the
    history with the censoring correction (``corrected``)."""

    periods: int
    series: int
    #: WAPE against the corrected units (the best estimate of what people wanted).
    wape: dict[str, float | None]
    #: Units short of what was certainly wanted (the units ordered, a lower bound), over the
    #: units ordered: Σ max(0, y − ŷ) / Σ y. True whatever the correction assumes.
    shortfall: dict[str, float | None]

    def as_json(self) -> dict[str, Any]:
        return {
            "periods": self.periods,
            "series": self.series,
            "wape": {k: _round(v) for k, v in self.wape.items()},
            "shortfall": {k: _round(v) for k, v in self.shortfall.items()},
        }


def sold_out_effect(frame: pd.DataFrame, horizon: int, season: int) -> SoldOut:
    """On the series with a censored held-out period (``frame`` has ``censored`` and
    ``corrected`` beside ``y``): the chosen forecasts from the raw and from the corrected
    history, scored on those periods."""
    _, held_out = split(frame, horizon)
    marked = held_out[held_out["censored"]]
    ids = set(marked["unique_id"])
    empty = {"as_ordered": None, "corrected": None}
    if not ids:
        return SoldOut(periods=0, series=0, wape=dict(empty), shortfall=dict(empty))
    part = frame[frame["unique_id"].isin(ids)]
    keys = ["unique_id", "ds"]
    runs = {
        "as_ordered": backtest(part[[*keys, "y"]], horizon, season),
        "corrected": backtest(part[keys].assign(y=part["corrected"].to_numpy()), horizon, season),
    }
    rows = marked[[*keys, "y", "corrected"]]
    wapes: dict[str, float | None] = {}
    shortfalls: dict[str, float | None] = {}
    for name, result in runs.items():
        columns = ["chosen", *names(season)]
        scored = rows.merge(result.forecasts[[*keys, *columns]], on=keys, validate="one_to_one")
        for model in columns:
            key = name if model == "chosen" else f"{model}:{name}"
            wapes[key] = _ratio(
                (scored["corrected"] - scored[model]).abs().sum(), scored["corrected"].sum()
            )
            shortfalls[key] = _ratio(
                (scored["y"] - scored[model]).clip(lower=0).sum(), scored["y"].sum()
            )
    return SoldOut(periods=len(rows), series=len(ids), wape=wapes, shortfall=shortfalls)


def _ratio(part: float, whole: float) -> float | None:
    return float(part) / float(whole) if whole else None


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _mean_finite(values: Any) -> float | None:
    finite = [float(v) for v in values if math.isfinite(float(v))]
    return sum(finite) / len(finite) if finite else None


# -- Per offer: the suggested stock against what each group buy wanted -----------------------


@dataclass(frozen=True)
class Offer:
    """One group-buy item, as the per-offer backtest reads it: where and when, what was
    ordered, what was wanted (a sell-out corrected), whether it sold out, its critical ratio,
    and the households of its community (to scale the city's offers)."""

    community: int
    product: int
    ordered: float
    wanted: float
    sold_out: bool
    ratio: float
    households: int
    #: True for the held-out items scored; the others are history only.
    scored: bool


#: The forecasts of one offer compared, each read from the offers before it: the suggested
#: stock (the newsvendor quantile at the item's critical ratio, whole units, capped), the
#: median of the same demands, and the naive "same as the last offer". Each from the history
#: corrected for sell-outs and from the history as ordered.
OFFER_METHODS = (
    "suggested",
    "suggested_as_ordered",
    "median",
    "median_as_ordered",
    "last_offer",
    "last_offer_as_ordered",
)


@dataclass
class OfferAccuracy:
    """Scores of :data:`OFFER_METHODS` over the scored offers (and over those that sold out):
    the pinball loss at each item's critical ratio and WAPE, both over Σ wanted; for sold-out
    items also the units certainly short (below what was ordered) over Σ ordered."""

    items: int = 0
    sold_out_items: int = 0
    #: Scored items without any offer before them (nothing to suggest from): left out.
    no_history: int = 0
    pinball: dict[str, float | None] = field(default_factory=dict)
    wape: dict[str, float | None] = field(default_factory=dict)
    sold_out_pinball: dict[str, float | None] = field(default_factory=dict)
    sold_out_wape: dict[str, float | None] = field(default_factory=dict)
    sold_out_short: dict[str, float | None] = field(default_factory=dict)

    def as_json(self) -> dict:
        return {
            "items": self.items,
            "sold_out_items": self.sold_out_items,
            "no_history": self.no_history,
            "pinball": {k: _round(v) for k, v in self.pinball.items()},
            "wape": {k: _round(v) for k, v in self.wape.items()},
            "sold_out": {
                "pinball": {k: _round(v) for k, v in self.sold_out_pinball.items()},
                "wape": {k: _round(v) for k, v in self.sold_out_wape.items()},
                "short": {k: _round(v) for k, v in self.sold_out_short.items()},
            },
        }


def offer_accuracy(offers: list[Offer], cap: int) -> OfferAccuracy:
    """Score every scored offer against what it wanted, with forecasts read only from the
    offers before it in ``offers`` (oldest first), as the open form reads them
    (:func:`~.rules.suggestion_demands`: the community's own last offers, or the city's scaled
    to its households when it has too few)."""
    from . import rules

    own: dict[tuple[int, int], list[tuple[float, float]]] = {}
    city: dict[int, list[tuple[float, float, int]]] = {}
    sums = {
        part: dict.fromkeys(OFFER_METHODS, 0.0)
        for part in ("pinball", "abs", "so_pinball", "so_abs", "so_short")
    }
    wanted_all = wanted_sold_out = ordered_sold_out = 0.0
    result = OfferAccuracy()
    for offer in offers:
        mine = own.setdefault((offer.community, offer.product), [])
        theirs = city.setdefault(offer.product, [])
        if offer.scored:
            forecasts: dict[str, float] = {}
            for corrected, suffix in ((True, ""), (False, "_as_ordered")):
                at = 0 if corrected else 1
                demands, _from_city = rules.suggestion_demands(
                    [pair[at] for pair in reversed(mine)],
                    [(t[at], t[2]) for t in reversed(theirs)],
                    offer.households,
                )
                if not demands:
                    break
                forecasts["suggested" + suffix] = float(
                    rules.suggested_stock(demands, offer.ratio, cap)
                )
                forecasts["median" + suffix] = rules.quantile(demands, 0.5)
                if mine:
                    last = mine[-1][at]
                else:  # the city's last offer, scaled to the community's households
                    before = theirs[-1]
                    last = before[at] / before[2] * offer.households if before[2] else 0.0
                forecasts["last_offer" + suffix] = last
            if len(forecasts) < len(OFFER_METHODS):
                result.no_history += 1
            else:
                result.items += 1
                wanted_all += offer.wanted
                if offer.sold_out:
                    result.sold_out_items += 1
                    wanted_sold_out += offer.wanted
                    ordered_sold_out += offer.ordered
                for method, q in forecasts.items():
                    loss = _pinball_one(offer.wanted, q, offer.ratio)
                    sums["pinball"][method] += loss
                    sums["abs"][method] += abs(offer.wanted - q)
                    if offer.sold_out:
                        sums["so_pinball"][method] += loss
                        sums["so_abs"][method] += abs(offer.wanted - q)
                        sums["so_short"][method] += max(0.0, offer.ordered - q)
        mine.append((offer.wanted, offer.ordered))
        theirs.append((offer.wanted, offer.ordered, offer.households))
    for method in OFFER_METHODS:
        result.pinball[method] = _ratio(sums["pinball"][method], wanted_all)
        result.wape[method] = _ratio(sums["abs"][method], wanted_all)
        result.sold_out_pinball[method] = _ratio(sums["so_pinball"][method], wanted_sold_out)
        result.sold_out_wape[method] = _ratio(sums["so_abs"][method], wanted_sold_out)
        result.sold_out_short[method] = _ratio(sums["so_short"][method], ordered_sold_out)
    return result


def _pinball_one(y: float, q: float, tau: float) -> float:
    """The pinball (quantile) loss of forecasting ``q`` at quantile ``tau`` when ``y`` came:
    a unit short costs ``tau``, a unit over ``1 − tau`` (the newsvendor's trade-off)."""
    return tau * (y - q) if y >= q else (1 - tau) * (q - y)
