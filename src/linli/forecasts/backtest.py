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
    "adida": "ADIDA",
    "croston_optimized": "CrostonOptimized",
    "imapa": "IMAPA",
    "tsb": "TSB",
    "auto_ets": "AutoETS",
}
BASELINE = "seasonal_naive"
#: Rolling-origin windows of cross-validation, each ``horizon`` periods, before the held-out part.
WINDOWS = 3
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
    of cross-validation, and before the earliest window one whole season and one period more
    (the seasonal-naive forecast and the MASE scale need a season of history)."""
    return horizon * (WINDOWS + 1) + season + 1


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

    def as_json(self) -> dict[str, Any]:
        return {
            "bench": "forecast-backtest",
            "series": self.series,
            "horizon": self.horizon,
            "seconds": round(self.seconds, 3),
            "wape": {name: _round(value) for name, value in self.wape.items()},
            "mase": {name: _round(value) for name, value in self.mase.items()},
        }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def models(season: int) -> list[Any]:
    from statsforecast.models import (
        ADIDA,
        IMAPA,
        TSB,
        AutoETS,
        CrostonOptimized,
        SeasonalNaive,
    )

    made = {
        "seasonal_naive": SeasonalNaive(season_length=season),
        "adida": ADIDA(),
        "croston_optimized": CrostonOptimized(),
        "imapa": IMAPA(),
        "tsb": TSB(alpha_d=TSB_ALPHA_D, alpha_p=TSB_ALPHA_P),
        "auto_ets": AutoETS(season_length=season),
    }
    return [made[name] for name in MODELS]


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


def select(train: pd.DataFrame, horizon: int, season: int) -> dict[str, str]:
    """Per series, the model with the lowest WAPE over ``WINDOWS`` rolling origins of
    ``horizon`` periods inside ``train``; a tie goes to the simpler model.

    Within one series every model's WAPE has the same denominator (Σ|y| over the windows), so
    the total absolute error orders the models alike, and still does when that sum is 0.
    """
    folds = _renamed(
        _engine(season).cross_validation(df=train, h=horizon, n_windows=WINDOWS, step_size=horizon)
    )
    names = list(MODELS)
    errors = folds[names].sub(folds["y"], axis=0).abs()
    errors["unique_id"] = folds["unique_id"]
    totals = errors.groupby("unique_id", sort=True)[names].sum()
    chosen = {}
    for series, row in totals.iterrows():
        best = min(row[name] for name in names)
        chosen[str(series)] = next(name for name in names if row[name] <= best + TIE)
    return chosen


def backtest(frame: pd.DataFrame, horizon: int, season: int) -> Result:
    """Hold out, select on the rest, forecast the held-out periods with every model, score."""
    import numpy as np
    from utilsforecast.losses import mase, wape

    started = time.perf_counter()
    train, held_out = split(frame, horizon)
    # AutoETS divides by a residual variance of 0 on a series it fits exactly; the fit is
    # still right, and numpy's warning would only be noise in the report.
    with np.errstate(divide="ignore", invalid="ignore"):
        chosen = select(train, horizon, season)
        predicted = _renamed(_engine(season).forecast(df=train, h=horizon))
    names = list(MODELS)
    scored = held_out.merge(predicted, on=["unique_id", "ds"], how="left", validate="one_to_one")
    model_of_row = scored["unique_id"].map(chosen)
    scored["chosen"] = 0.0
    for name in names:
        scored.loc[model_of_row == name, "chosen"] = scored.loc[model_of_row == name, name]
    columns = ["chosen", *names]
    # Pooled WAPE: every row in one group.
    pooled = wape(scored.assign(pool="all"), models=columns, id_col="pool")
    per_series = mase(scored, models=columns, seasonality=season, train_df=train)
    wapes = {name: _number(pooled[name].iloc[0]) for name in columns}
    mases = {name: _mean_finite(per_series[name]) for name in columns}
    counts = dict.fromkeys(names, 0)
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
    return Result(
        series=int(frame["unique_id"].nunique()),
        horizon=horizon,
        season=season,
        seconds=time.perf_counter() - started,
        wape=wapes,
        mase=mases,
        chosen=chosen,
        chosen_count=counts,
        forecasts=scored[["unique_id", "ds", "y", *columns]],
        groups=groups,
    )


def _number(value: Any) -> float | None:
    value = float(value)
    return value if math.isfinite(value) else None


def _mean_finite(values: Any) -> float | None:
    finite = [float(v) for v in values if math.isfinite(float(v))]
    return sum(finite) / len(finite) if finite else None
