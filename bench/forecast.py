"""Demand forecasts on the demo city: model selection per community × product, its speed and
its accuracy on held-out weeks (issue 15's benchmark; docs/decisions/0028, 0031).

On a throwaway database (see ``_common``) this builds the demo city (``--size``, ``default`` by
default: 180 days, 40 communities; ``small`` is 56 days), reads the demand series per
community × product (:func:`linli.forecasts.selectors.demand_series`) by week (``--by day``
for days), leaves out those too short for selection, and runs
:func:`linli.forecasts.backtest.backtest` with the last ``--horizon`` periods held out (4
weeks; season 1 for weeks, 7 for days). Then the held-out periods that sold out, forecast from
the history as ordered and corrected for sell-outs (``sold_out_effect``). It prints the tables,
and last one JSON line: series, seconds, series per second, WAPE and MASE per model and for the
chosen ones, the quantile loss and coverage of the 80 % interval, the sold-out figures, and
the per-offer backtest (each group-buy item of the held-out weeks: the suggested stock,
the median and "same as the last group buy", from the group buys before it, with and without
the sell-out correction; pinball loss at the item's critical ratio, WAPE, and the sold-out items
apart), and the time of ``linli forecast run`` (every series forecast and stored).
"""

import argparse
import time

from _common import emit, out, rounded, say, setup_django, table, throwaway_database


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default="default", choices=["small", "default", "large"])
    parser.add_argument("--by", default="week", choices=["week", "day"])
    parser.add_argument("--horizon", type=int, default=4)
    parser.add_argument("--season", type=int, help="1 for weeks, 7 for days when not given")
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    with throwaway_database("forecast") as db:
        setup_django()
        from linli.accounts.roles import Roles
        from linli.demo.build import build
        from linli.demo.scale import SIZES
        from linli.forecasts import selectors, series_csv
        from linli.forecasts.backtest import backtest, periods_needed, sold_out_effect, split

        started = time.perf_counter()
        build(scale=SIZES[args.size])
        say(f"demo city ({args.size}) built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        history = selectors.demand_series(Roles(user_id=None, operator=True))
        read_seconds = time.perf_counter() - started
        if args.by == "week":
            frame, season = series_csv.weeks(history), args.season or 1
        else:
            frame, season = series_csv.numbered(history, series_csv.DAILY), args.season or 7
        censored_days = int(frame["censored"].sum())
        lengths = frame.groupby("unique_id")["ds"].transform("size")
        needed = periods_needed(args.horizon, season)
        all_series = int(frame["unique_id"].nunique())
        frame = frame[lengths >= needed].reset_index(drop=True)
        say(
            f"{all_series} series read in {read_seconds:.1f} s; {needed}+ {args.by}s: "
            f"{frame['unique_id'].nunique()}"
        )

        censored_held_out = int(split(frame, args.horizon)[1]["censored"].sum())
        result = backtest(frame[["unique_id", "ds", "y"]], args.horizon, season)
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
                f"{args.horizon} {args.by}s held out, {result.seconds:.1f} s",
                ["model", "chosen for", "WAPE", "MASE"],
                rows,
            )
        )
        sold_out = sold_out_effect(frame, args.horizon, season)
        out.print(
            table(
                f"{sold_out.periods} held-out {args.by}s sold out ({sold_out.series} series): "
                "forecast from the orders as placed / corrected for sell-outs",
                ["model", "WAPE as ordered", "WAPE corrected", "short as ordered", "short corr."],
                [
                    (
                        name,
                        *(
                            rounded(part.get(key) or float("nan"), 3)
                            for part in (sold_out.wape, sold_out.shortfall)
                            for key in (
                                ("as_ordered", "corrected")
                                if name == "chosen"
                                else (f"{name}:as_ordered", f"{name}:corrected")
                            )
                        ),
                    )
                    for name in result.wape
                ],
            )
        )
        from linli.forecasts.backtest import OFFER_METHODS, offer_accuracy
        from linli.forecasts.suggestions import cap

        started = time.perf_counter()
        offers = selectors.held_out_offers(Roles(user_id=None, operator=True), args.horizon)
        per_offer = offer_accuracy(offers, cap())
        per_offer_seconds = time.perf_counter() - started
        out.print(
            table(
                f"per group buy: {per_offer.items} items of the last {args.horizon} whole weeks "
                f"({per_offer.sold_out_items} sold out, {per_offer.no_history} without history "
                f"left out), each forecast from the group buys before it, {per_offer_seconds:.1f} s",
                ["forecast", "pinball", "WAPE", "sold out: pinball", "WAPE", "short"],
                [
                    (
                        method,
                        *(
                            rounded(part[method] or float("nan"), 3)
                            for part in (
                                per_offer.pinball,
                                per_offer.wape,
                                per_offer.sold_out_pinball,
                                per_offer.sold_out_wape,
                                per_offer.sold_out_short,
                            )
                        ),
                    )
                    for method in OFFER_METHODS
                ],
            )
        )
        from linli.forecasts.services import run_forecasts

        started = time.perf_counter()
        run = run_forecasts()
        run_seconds = time.perf_counter() - started
        say(
            f"linli forecast run: {run.series} community × product series (and every product "
            f"city-wide) stored in {run_seconds:.1f} s"
        )
        figures = result.as_json()
        emit(
            {
                "bench": "forecast",
                "database": db.vendor,
                "size": args.size,
                "series_read": all_series,
                "series": result.series,
                "by": args.by,
                "horizon": args.horizon,
                "censored_periods": censored_days,
                "censored_held_out": censored_held_out,
                "read_seconds": round(read_seconds, 3),
                "seconds": figures["seconds"],
                "series_per_second": round(result.series / result.seconds, 1),
                "wape": figures["wape"],
                "mase": figures["mase"],
                "quantile_loss": figures["quantile_loss"],
                "coverage_80": figures["coverage_80"],
                "sold_out": sold_out.as_json(),
                "per_offer": {**per_offer.as_json(), "seconds": round(per_offer_seconds, 3)},
                "run_series": run.series,
                "run_seconds": round(run_seconds, 1),
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
