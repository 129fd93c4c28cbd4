"""Past one machine: the same forecasting on a Dask cluster started by the test (two worker
processes on this machine) gives what the single-process run gives."""

import numpy as np
import pandas as pd
import pytest

from linli.forecasts import backtest as bt

pytestmark = pytest.mark.slow


def series() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    parts = []
    for n in range(12):
        weeks = 24 + n % 3
        y = rng.poisson(2 + n, weeks) * (rng.random(weeks) < 0.3 + 0.05 * n)
        parts.append(pd.DataFrame({"unique_id": f"c{n}", "ds": np.arange(weeks), "y": y * 1.0}))
    return pd.concat(parts, ignore_index=True)


def test_a_local_dask_cluster_forecasts_as_one_process_does():
    from dask.distributed import Client, LocalCluster

    frame = series()
    alone = bt.forecast_ahead(frame, 4, 1)
    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        Client(cluster),
    ):
        spread = bt.forecast_ahead(frame, 4, 1, dask_partitions=3)
    assert spread["model"].tolist() == alone["model"].tolist()
    assert spread[["unique_id", "ds"]].equals(alone[["unique_id", "ds"]])
    # The Dask path computes in float32: equal to 6 significant digits.
    for column in ("expected", "q10", "q90"):
        np.testing.assert_allclose(spread[column], alone[column], rtol=1e-5, atol=1e-5)
    assert set(alone["model"]) != {"zero"}  # not a trivial agreement
