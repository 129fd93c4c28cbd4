"""The forecasts' periodic job, run by ``linli worker`` (see :mod:`linli.core.clock`)."""

from datetime import timedelta

from django.tasks import task

from linli.core.clock import every

from .services import run_forecasts


@task()
def forecast_every_series() -> dict:
    """Forecast every community × product series and every product city-wide (nightly: the
    clock's daily slot starts at 00:00 UTC, 08:00 in Shanghai, before most group buys open)."""
    run = run_forecasts()
    return {"run": run.pk, "series": run.series, "seconds": round(run.seconds, 1)}


every(timedelta(days=1), forecast_every_series)
