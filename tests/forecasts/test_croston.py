"""Croston without the left-censored first interval: a near-empty window no longer forecasts its
one order every period ahead."""

import pandas as pd
import pytest

from linli.forecasts.backtest import _engine, _renamed
from linli.forecasts.croston import rate

ONE_ORDER = [5.0] + [0.0] * 19  # a series begins at its first order


def test_one_order_is_its_units_per_period_not_the_order_every_period():
    from statsforecast.models import CrostonOptimized

    # statsforecast's counts the time before the first order as 1 period: 5 a week, forever.
    assert CrostonOptimized().forecast(pd.Series(ONE_ORDER).to_numpy(), h=2)["mean"].tolist() == [
        5.0,
        5.0,
    ]
    assert rate(ONE_ORDER) == 0.25
    assert rate([0.0] * 10 + [5.0] + [0.0] * 9) == 0.25
    assert rate([0.0, 0.0]) == 0.0
    assert rate([2.0, 2.0, 2.0]) == 2.0


def test_the_interval_is_read_between_orders_only():
    # Orders of 5 and 3, 11 periods apart: about 4.6 units every 11 periods (statsforecast's:
    # 1.53 a period, from a first interval of 1 that nobody saw).
    two = [5.0] + [0.0] * 10 + [3.0] + [0.0] * 8
    assert 3 / 11 < rate(two) < 5 / 11
    assert rate(two) == pytest.approx(0.4182, abs=1e-4)


def test_selection_and_forecasts_use_it():
    frame = pd.DataFrame({"unique_id": "one", "ds": range(20), "y": ONE_ORDER})
    ahead = _renamed(_engine(1).forecast(df=frame, h=2))
    assert ahead["croston_optimized"].tolist() == [0.25, 0.25]
