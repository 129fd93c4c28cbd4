"""Demand forecasts on the demo city: model selection per community × product, its speed and
its accuracy on held-out days (a skeleton of issue 15's benchmark; docs/decisions/0028).

On a throwaway database (see ``_common``) this builds the demo city (``--size``, ``small`` by
default: 56 days; ``default`` is 180 days, 40 communities), reads the demand series per
community × product and day (:func:`linli.forecasts.selectors.demand_series`), leaves out those
too short for selection, and runs :func:`linli.forecasts.backtest.backtest` with
``--horizon`` days held out (season 7). It prints the accuracy table, and last one JSON line:
series, seconds, series per second, WAPE and MASE per model and for the chosen ones.

It counts the censored series-days (sold out, or closed at the maximum) in the history and in
the held-out days. Not yet: their correction and the accuracy on sold-out weeks, the per-group
table, and the issue's targets (default city under 60 s; 15 % lower WAPE than seasonal naive).
"""

import argparse
import time

from _common import emit, out, rounded, say, setup_django, table, throwaway_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="small", choices=["small", "default", "large"])
    parser.add_argument("--horizon", type=int, default=7)
    parser.add_argument("--season", type=int, default=7)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_database("forecast") as db:
        setup_django()
        from linli.accounts.roles import Roles
        from linli.demo.build import build
        from linli.demo.scale import SIZES
        from linli.forecasts import selectors, series_csv
        from linli.forecasts.backtest import backtest, periods_needed, split

        started = time.perf_counter()
        build(scale=SIZES[args.size])
        say(f"demo city ({args.size}) built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        history = selectors.demand_series(Roles(user_id=None, operator=True))
        read_seconds = time.perf_counter() - started
        frame = series_csv.numbered(history, series_csv.DAILY)
        censored_days = int(frame["censored"].sum())
        lengths = frame.groupby("unique_id")["ds"].transform("size")
        needed = periods_needed(args.horizon, args.season)
        all_series = int(frame["unique_id"].nunique())
        frame = frame[lengths >= needed].reset_index(drop=True)
        say(
            f"{all_series} series read in {read_seconds:.1f} s; {needed}+ days: "
            f"{frame['unique_id'].nunique()}"
        )

        censored_held_out = int(split(frame, args.horizon)[1]["censored"].sum())
        result = backtest(frame[["unique_id", "ds", "y"]], args.horizon, args.season)
        rows = [
            (
                name,
                "" if name == "chosen" else result.chosen_count[name],
                rounded(result.wape[name] or float("nan"), 3),
                rounded(result.mase[name] or float("nan"), 3),
            )
            for name in result.wape
        ]
        out.print(
            table(
                f"{args.size} city on {db.label}: {result.series} series, last "
                f"{args.horizon} days held out, {result.seconds:.1f} s",
                ["model", "chosen for", "WAPE", "MASE"],
                rows,
            )
        )
        figures = result.as_json()
        emit(
            {
                "bench": "forecast",
                "database": db.vendor,
                "size": args.size,
                "series_read": all_series,
                "series": result.series,
                "horizon": args.horizon,
                "censored_days": censored_days,
                "censored_held_out": censored_held_out,
                "read_seconds": round(read_seconds, 3),
                "seconds": figures["seconds"],
                "series_per_second": round(result.series / result.seconds, 1),
                "wape": figures["wape"],
                "mase": figures["mase"],
                "groups": {
                    name: {
                        k: v if k == "series" else rounded(v or float("nan"), 4)
                        for k, v in g.items()
                    }
                    for name, g in result.groups.items()
                },
            }
        )


if __name__ == "__main__":
    main()
