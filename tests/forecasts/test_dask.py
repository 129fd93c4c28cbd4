"""Past one machine: the same forecasting on a Dask cluster started by the test (two worker
processes on this machine) gives what the single-process run gives."""

import io

import numpy as np
import pandas as pd
import pytest
from django.core.management import call_command

from linli.forecasts import backtest as bt
from linli.forecasts.models import ForecastRun

from .test_run import UNTIL, history

pytestmark = pytest.mark.slow


def series() -> pd.DataFrame:
    rng = np.random.default_rng(11)
    parts = []
    for n in range(12):
        weeks = 24 + n % 3
        y = rng.poisson(2 + n, weeks) * (rng.random(weeks) < 0.3 + 0.05 * n)
        parts.append(pd.DataFrame({"unique_id": f"c{n}", "ds": np.arange(weeks), "y": y * 1.0}))
    return pd.concat(parts, ignore_index=True)


def stored(run: ForecastRun) -> list[tuple]:
    return sorted(
        (r.community_id or 0, r.product_id, r.week, r.model, round(r.expected, 4))
        for r in run.rows.all()
    )


def test_a_local_dask_cluster_forecasts_as_one_process_does(hood):
    """The same fits, and `linli forecast run --dask SCHEDULER` storing what a run alone
    stores."""
    from dask.distributed import Client, LocalCluster, get_task_stream

    frame = series()
    alone = bt.forecast_ahead(frame, 4, 1)
    history(hood)
    call_command("forecast", "run", "--until", str(UNTIL), stdout=io.StringIO())
    here = stored(ForecastRun.objects.get())
    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        with Client(cluster):
            spread = bt.forecast_ahead(frame, 4, 1, dask_partitions=3)
        # `linli forecast run --dask SCHEDULER`: read and stored here, fitted there.
        with Client(cluster) as watcher, get_task_stream(watcher) as tasks:
            call_command(
                "forecast",
                "run",
                "--until",
                str(UNTIL),
                "--dask",
                cluster.scheduler_address,
                stdout=io.StringIO(),
            )
        assert len(tasks.data) > 0  # the fits did run on the cluster
    there = ForecastRun.objects.order_by("-started_at", "-id").first()
    assert stored(there) == here != []
    assert spread["model"].tolist() == alone["model"].tolist()
    assert spread[["unique_id", "ds"]].equals(alone[["unique_id", "ds"]])
    # The Dask path computes in float32: equal to 6 significant digits.
    for column in ("expected", "q10", "q90"):
        np.testing.assert_allclose(spread[column], alone[column], rtol=1e-5, atol=1e-5)
    assert set(alone["model"]) != {"zero"}  # not a trivial agreement


def test_an_unreachable_scheduler_is_a_clear_error(hood):
    from django.core.management.base import CommandError

    with pytest.raises(
        CommandError, match=r"Could not reach the Dask scheduler at tcp://127\.0\.0\.1:9"
    ):
        call_command("forecast", "run", "--dask", "tcp://127.0.0.1:9", stdout=io.StringIO())
    assert not ForecastRun.objects.exists()
