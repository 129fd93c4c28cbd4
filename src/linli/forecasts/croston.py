"""Croston's method (optimised smoothing, as statsforecast's ``CrostonOptimized``) with the
first interval left out: no Django here, and statsforecast is imported with this module, which
only the forecasting functions import (docs/decisions/0028).

Our series begin at their first order, so the time before the first demand is unknown (the
interval is left-censored); statsforecast counts it as 1 period. On a series with few demands
that one short interval dominates the smoothed interval, and with a single demand the forecast
is that whole demand every period ahead (5 units a week, forever, for one order of 5): the
cause of Croston's WAPE of 48 on the large city (docs/decisions/0031). Here the intervals are
those between demands only, and a window with fewer than two demands (no interval seen) gets
its units per period instead.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from statsforecast.models import CrostonOptimized
from statsforecast.models import _optimized_ses_forecast as _ses  # 2.1.1: pinned

#: Demands a window needs before an interval between them is known.
MIN_DEMANDS = 2


def rate(y: Any) -> float:
    """Units per period ahead: the smoothed demand size over the smoothed interval between
    demands (smoothing optimised in 0.1–0.3, as ``CrostonOptimized``), or, with fewer than
    ``MIN_DEMANDS`` demands in ``y``, its units per period."""
    y = np.asarray(y, dtype=float)
    at = np.flatnonzero(y)
    if at.size < MIN_DEMANDS:
        return float(y.sum() / y.size) if y.size else 0.0
    size = float(_ses(y[at])[0])
    interval = float(_ses(np.diff(at).astype(float))[0])
    return size / interval if interval > 0 else size


class Croston(CrostonOptimized):
    """``CrostonOptimized`` with the left-censored first interval left out (:func:`rate`);
    point forecasts only (the intervals are conformal, from the folds)."""

    def fit(self, y: np.ndarray, X: np.ndarray | None = None) -> Croston:
        super().fit(y, X)
        self.model_ = {"mean": np.array([rate(y)], dtype=np.asarray(y).dtype)}
        return self

    def forecast(
        self,
        y: np.ndarray,
        h: int,
        X: np.ndarray | None = None,
        X_future: np.ndarray | None = None,
        level: list | None = None,
        fitted: bool = False,
    ) -> dict:
        if fitted or level:
            raise NotImplementedError("point forecasts only")
        return {"mean": np.full(h, rate(y), dtype=np.asarray(y).dtype)}
