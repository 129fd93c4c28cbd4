"""Censored demand: the arrival curve, the correction, weekly series and the sold-out backtest."""

from datetime import date

import numpy as np
import pandas as pd
import pytest

from linli.forecasts import backtest as bt
from linli.forecasts import rules, series_csv


def test_the_arrival_curve_is_the_share_ordered_by_each_point_of_the_window():
    # Half the units in the first tenth of the window, half in the last tenth.
    curve = rules.arrival_curve([(0.01, 5), (0.99, 3), (0.95, 2)])
    assert len(curve) == rules.BINS + 1
    assert curve[0] == 0.0 and curve[-1] == 1.0
    assert rules.share_by(curve, 0.05) == 0.5
    assert rules.share_by(curve, 0.5) == 0.5
    assert rules.share_by(curve, 0.975) == pytest.approx(0.75)
    # Nothing to learn from: even arrival.
    assert rules.share_by(rules.arrival_curve([]), 0.25) == 0.25


def test_a_sell_out_is_scaled_by_the_share_usually_ordered_by_then_at_most_three_times():
    curve = rules.arrival_curve([(0.1, 1), (0.3, 1), (0.6, 1), (0.9, 1)])
    # Sold out half way, when half the units usually are in: twice what was ordered.
    assert rules.corrected_units(10, rules.share_by(curve, 0.5)) == 20
    # Sold out in the first minutes: three times, not thirty.
    assert rules.corrected_units(10, rules.share_by(curve, 0.01)) == pytest.approx(30)
    # At the cutoff: what was ordered.
    assert rules.corrected_units(10, rules.share_by(curve, 1.0)) == 10
    assert rules.window_fraction(100, 150, 200) == 0.5
    assert rules.window_fraction(100, 250, 200) == 1.0


def test_days_become_monday_to_sunday_weeks_and_a_week_not_over_is_left_out():
    days = [date(2026, 3, 2 + n) for n in range(17)]  # Monday 2 March … Wednesday 18 March
    frame = pd.DataFrame(
        {
            "unique_id": "a",
            "ds": days,
            "y": [1.0] * 17,
            "censored": [n == 9 for n in range(17)],
            "corrected": [1.0] * 9 + [4.0] + [1.0] * 7,
        }
    )
    weekly = series_csv.weeks(frame)
    assert weekly.to_dict("list") == {
        "unique_id": ["a", "a"],
        "ds": [0, 1],
        "y": [7.0, 7.0],
        "censored": [False, True],
        "corrected": [7.0, 10.0],
    }


def sold_out_history() -> pd.DataFrame:
    """Two series with about 10 a week; the second sells out at 6 in its last held-out week and
    twice in the weeks before (ordered 6, corrected to 12)."""
    rng = np.random.default_rng(5)
    rows = []
    for name in ("calm", "sells_out"):
        y = rng.poisson(10, 24).astype(float)
        corrected = y.copy()
        censored = np.zeros(24, dtype=bool)
        if name == "sells_out":
            for week in (17, 19, 23):
                y[week], corrected[week], censored[week] = 6.0, 12.0, True
        rows.append(
            pd.DataFrame(
                {
                    "unique_id": name,
                    "ds": np.arange(24),
                    "y": y,
                    "censored": censored,
                    "corrected": corrected,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def test_sold_out_weeks_are_scored_with_and_without_the_correction():
    effect = bt.sold_out_effect(sold_out_history(), 4, 1)
    assert (effect.periods, effect.series) == (1, 1)
    # The week sold out at 6: a forecast from the corrected history is nearer to 12.
    assert effect.wape["window_average:corrected"] < effect.wape["window_average:as_ordered"]
    # Both forecasts are above the 6 ordered: nothing certainly short either way.
    assert effect.shortfall["window_average:corrected"] == 0.0
    assert effect.as_json()["periods"] == 1


def test_no_sold_out_week_held_out_says_so():
    calm = sold_out_history().assign(censored=False)
    assert bt.sold_out_effect(calm, 4, 1).as_json() == {
        "periods": 0,
        "series": 0,
        "wape": {"as_ordered": None, "corrected": None},
        "shortfall": {"as_ordered": None, "corrected": None},
    }


def test_the_interval_comes_from_the_selection_errors_and_the_quantile_loss_is_scored():
    result = bt.backtest(sold_out_history()[["unique_id", "ds", "y"]], 4, 1)
    f = result.forecasts
    assert (f["q10"] <= f["q50"]).all() and (f["q50"] <= f["q90"]).all()
    assert (f["q10"] >= 0).all()
    for q, name in ((0.1, "q10"), (0.5, "q50"), (0.9, "q90")):
        diff = f["y"] - f[name]
        expected = np.maximum(q * diff, (q - 1) * diff).sum() / f["y"].sum()
        assert result.quantile_loss[name] == pytest.approx(expected)
    inside = ((f["y"] >= f["q10"]) & (f["y"] <= f["q90"])).mean()
    assert result.coverage == pytest.approx(inside)


def test_the_quantile_loss_of_one_row():
    # Under by 4 at q 0.9 costs 3.6; over by 4 costs 0.4; scaled by Σy = 10.
    assert bt.pinball([10], [6], 0.9) == pytest.approx(0.36)
    assert bt.pinball([10], [14], 0.9) == pytest.approx(0.04)
