import json
from datetime import date
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from rich.table import Table

from linli.accounts.roles import Roles
from linli.core.management.base import LinliCommand
from linli.forecasts import selectors, series_csv

#: The demand classes of the history before the held-out part (Syntetos–Boylan–Croston).
GROUP_NAMES = {
    "smooth": lambda: _("smooth"),
    "erratic": lambda: _("erratic"),
    "intermittent": lambda: _("intermittent"),
    "lumpy": lambda: _("lumpy"),
    "no_demand": lambda: _("no demand yet"),
}

#: The per-offer forecasts compared (backtest.OFFER_METHODS).
OFFER_NAMES = {
    "suggested": lambda: _("suggested stock"),
    "suggested_as_ordered": lambda: _("suggested, as ordered"),
    "median": lambda: _("median"),
    "median_as_ordered": lambda: _("median, as ordered"),
    "last_offer": lambda: _("as the last group buy"),
    "last_offer_as_ordered": lambda: _("as the last, as ordered"),
}

#: A user's mistake in the input: the exit status scripts can tell from a failure (1).
BAD_INPUT = 2


class Command(LinliCommand):
    help = (
        "Demand forecasts. `linli forecast backtest --csv FILE --horizon H [--season S]` holds "
        "out the last H periods of every series in a long-format CSV (unique_id,ds,y; daily or "
        "weekly), chooses a model per series on the rest, and prints WAPE and MASE per model; "
        "the last line is one JSON object. With --csv it touches no database; without, it "
        "reads the order history per community × product and week. `linli forecast run` "
        "forecasts every series and stores the forecasts (the worker runs it nightly)."
    )
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="command", required=True)
        run = commands.add_parser(
            "run",
            help="Forecast every community × product series and every product city-wide, "
            "and store them (the worker does it nightly).",
        )
        run.add_argument("--weeks", type=_positive, default=4, metavar="N")
        run.add_argument(
            "--until",
            type=_day,
            metavar="YYYY-MM-DD",
            help="Read the history before this day only (default: today).",
        )
        run.add_argument(
            "--dask",
            metavar="SCHEDULER",
            help="Run the fits on this Dask cluster (e.g. tcp://10.0.0.5:8786); the history is "
            "read and the forecasts stored here.",
        )
        run.add_argument(
            "--partitions",
            type=_positive,
            default=8,
            metavar="N",
            help="With --dask: the pieces each chunk of series is cut into (default 8).",
        )
        backtest = commands.add_parser(
            "backtest", help="Accuracy of the chosen models against seasonal naive."
        )
        backtest.add_argument(
            "--csv",
            metavar="FILE",
            help="unique_id,ds,y (UTF-8). Without it: the database's order history, per "
            "community × product and day.",
        )
        backtest.add_argument("--horizon", type=_positive, required=True, metavar="H")
        backtest.add_argument(
            "--season",
            type=_positive,
            metavar="S",
            help="Periods in a season: 7 for daily dates, 52 for weekly when not given (1 for "
            "the order history by week).",
        )
        backtest.add_argument(
            "--by",
            choices=["week", "day"],
            default="week",
            help="Without --csv: the order history per week (Monday to Sunday; the default) "
            "or per day.",
        )

    def handle(self, *args, command, **options):
        if command == "run":
            return self.run(
                options["weeks"], options["until"], options["dask"], options["partitions"]
            )
        return self.backtest(**options)

    def cluster(self, address: str | None):
        """A client of the Dask scheduler at ``address`` while the run lasts (none without)."""
        from contextlib import nullcontext

        if not address:
            return nullcontext()
        from dask.distributed import Client

        try:
            return Client(address, timeout=10)
        except OSError as error:
            raise CommandError(
                _("Could not reach the Dask scheduler at %(address)s: %(error)s")
                % {"address": address, "error": error},
                returncode=BAD_INPUT,
            ) from error

    def run(
        self, weeks: int, until: date | None, dask: str | None = None, partitions: int = 8
    ) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        from linli.forecasts.services import run_forecasts

        with Progress(
            TextColumn(_("Forecasting")),
            BarColumn(),
            MofNCompleteColumn(),
            console=self.console,
            transient=True,
        ) as bar:
            task = bar.add_task("", total=None)

            def progress(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            with self.cluster(dask):
                run = run_forecasts(
                    until=until,
                    weeks=weeks,
                    progress=progress,
                    dask_partitions=partitions if dask else None,
                )
        self.console.print(
            _(
                "%(series)s community × product series forecast for %(weeks)s weeks from "
                "%(first)s (and every product city-wide) in %(seconds).1f s."
            )
            % {
                "series": run.series,
                "weeks": run.weeks,
                "first": run.first_week.isoformat(),
                "seconds": run.seconds,
            },
            markup=False,
            highlight=False,
        )
        self.emit(
            {
                "bench": "forecast-run",
                "run": run.pk,
                "series": run.series,
                "weeks": run.weeks,
                "first_week": run.first_week.isoformat(),
                "seconds": round(run.seconds, 3),
            }
        )

    def backtest(self, *, csv, horizon, season, by, **options):
        if csv is None:
            return self.from_database(horizon, season, by)
        try:
            data = Path(csv).read_bytes()
        except OSError as error:
            raise CommandError(
                _("Cannot read %(file)s: %(reason)s") % {"file": csv, "reason": error.strerror},
                returncode=BAD_INPUT,
            ) from None
        try:
            series = series_csv.read(data)
            season = season or series_csv.DEFAULT_SEASON[series.frequency]
            frame, short = series_csv.long_enough(series, horizon, season)
        except series_csv.BadSeries as error:
            raise CommandError(str(error.message), returncode=BAD_INPUT) from None
        if short:
            from linli.forecasts.backtest import periods_needed

            self.console.print(
                _(
                    "%(count)s series shorter than %(needed)s periods are left out (the first: "
                    "%(series)s, line %(line)s)."
                )
                % {
                    "count": len(short),
                    "needed": periods_needed(horizon, season),
                    "series": short[0],
                    "line": series.first_line[short[0]],
                },
                markup=False,
                highlight=False,
            )
        result = self.report(frame, series.frequency, horizon, season, series.filled)
        self.emit({**result.as_json(), "left_out": len(short)})

    def from_database(self, horizon: int, season: int | None, by: str) -> None:
        from linli.forecasts.backtest import periods_needed, sold_out_effect

        history = selectors.demand_series(Roles(user_id=None, operator=True))
        if by == "week":
            frame, frequency, unit = (
                series_csv.weeks(history),
                series_csv.WEEKLY,
                pgettext("a length", "weeks"),
            )
            season = season or 1
        else:
            frame, frequency, unit = (
                series_csv.numbered(history, series_csv.DAILY),
                series_csv.DAILY,
                pgettext("a length", "days"),
            )
            season = season or series_csv.DEFAULT_SEASON[series_csv.DAILY]
        lengths = frame.groupby("unique_id")["ds"].transform("size")
        needed = periods_needed(horizon, season)
        short = int(frame.loc[lengths < needed, "unique_id"].nunique())
        frame = frame[lengths >= needed].reset_index(drop=True)
        if short:
            self.console.print(
                _(
                    "%(count)s community × product series shorter than %(needed)s %(unit)s "
                    "are left out."
                )
                % {"count": short, "needed": needed, "unit": unit}
            )
        if frame.empty:
            raise CommandError(
                _("No community × product series has %(needed)s %(unit)s of orders yet.")
                % {"needed": needed, "unit": unit},
                returncode=BAD_INPUT,
            )
        result = self.report(frame[["unique_id", "ds", "y"]], frequency, horizon, season, 0)
        sold_out = sold_out_effect(frame, horizon, season)
        self.console.print(
            _(
                "%(periods)s held-out periods of %(series)s series sold out or closed at the "
                "maximum. Forecast from the orders as placed, and from the orders corrected "
                "for sell-outs:"
            )
            % {"periods": sold_out.periods, "series": sold_out.series}
        )
        if sold_out.periods:
            table = Table()
            table.add_column(_("model"))
            table.add_column(_("WAPE as ordered"), justify="right")
            table.add_column(_("WAPE corrected"), justify="right")
            table.add_column(_("short as ordered"), justify="right")
            table.add_column(_("short corrected"), justify="right")
            for name in result.wape:
                raw = "as_ordered" if name == "chosen" else f"{name}:as_ordered"
                fixed = "corrected" if name == "chosen" else f"{name}:corrected"
                table.add_row(
                    _("chosen per series") if name == "chosen" else name,
                    _number(sold_out.wape[raw]),
                    _number(sold_out.wape[fixed]),
                    _number(sold_out.shortfall[raw]),
                    _number(sold_out.shortfall[fixed]),
                )
            self.console.print(table)
        per_offer = self.per_offer(horizon if by == "week" else max(1, -(-horizon // 7)))
        self.emit(
            {**result.as_json(), "sold_out": sold_out.as_json(), "per_offer": per_offer.as_json()}
        )

    def per_offer(self, weeks: int):
        """The per-offer backtest (what the suggested stock is for): print its table."""
        from linli.forecasts.backtest import OFFER_METHODS, offer_accuracy
        from linli.forecasts.suggestions import cap

        found = offer_accuracy(
            selectors.held_out_offers(Roles(user_id=None, operator=True), weeks), cap()
        )
        self.console.print(
            _(
                "Per group buy: %(items)s items of the last %(weeks)s whole weeks (%(sold_out)s "
                "sold out; %(new)s with nothing before them left out), each forecast from the "
                'group buys before it ("as ordered": from the history not corrected for '
                "sell-outs). Pinball loss at the item's critical ratio and WAPE, over the units "
                "wanted; for sold-out items also the units certainly short, over the units "
                "ordered:"
            )
            % {
                "items": found.items,
                "weeks": weeks,
                "sold_out": found.sold_out_items,
                "new": found.no_history,
            }
        )
        for title, columns in (
            (
                _("all items"),
                ((_("pinball"), found.pinball), ("WAPE", found.wape)),
            ),
            (
                _("sold out"),
                (
                    (_("pinball"), found.sold_out_pinball),
                    ("WAPE", found.sold_out_wape),
                    (_("short"), found.sold_out_short),
                ),
            ),
        ):
            table = Table(title=title)
            table.add_column(_("forecast"), no_wrap=True)
            for name, _values in columns:
                table.add_column(name, justify="right")
            for method in OFFER_METHODS:
                table.add_row(
                    OFFER_NAMES[method](), *(_number(values[method]) for _name, values in columns)
                )
            self.console.print(table)
        return found

    def report(self, frame, frequency: str, horizon: int, season: int, filled: int):
        """Print the accuracy tables; return the result (the caller prints the JSON line)."""
        from linli.forecasts.backtest import BASELINE, WINDOWS, backtest

        result = backtest(frame, horizon, season)
        console = self.console
        frequency = {
            series_csv.DAILY: _("daily"),
            series_csv.WEEKLY: _("weekly"),
            series_csv.MONTHLY: _("monthly"),
        }[frequency]
        console.print(
            _(
                "%(series)s series, %(frequency)s dates (season %(season)s); the last "
                "%(horizon)s periods of each held out, a model chosen per series by WAPE over "
                "%(windows)s rolling windows before them."
            )
            % {
                "series": result.series,
                "frequency": frequency,
                "season": season,
                "horizon": horizon,
                "windows": WINDOWS,
            }
        )
        if filled:
            console.print(
                _("%(count)s missing periods inside series were counted as 0 units.")
                % {"count": filled}
            )
        table = Table()
        table.add_column(_("model"))
        table.add_column(_("chosen for"), justify="right")
        table.add_column("WAPE", justify="right")
        table.add_column("MASE", justify="right")
        for name in result.wape:
            table.add_row(
                _("chosen per series") if name == "chosen" else name,
                "" if name == "chosen" else str(result.chosen_count[name]),
                _number(result.wape[name]),
                _number(result.mase[name]),
            )
        console.print(table)
        groups = Table()
        groups.add_column(_("series group"))
        groups.add_column(_("series"), justify="right")
        groups.add_column(_("WAPE chosen"), justify="right")
        groups.add_column(_("WAPE seasonal naive"), justify="right")
        for name, group in result.groups.items():
            groups.add_row(
                GROUP_NAMES[name](),
                str(group["series"]),
                _number(group["chosen"]),
                _number(group[BASELINE]),
            )
        console.print(groups)
        chosen, baseline = result.wape["chosen"], result.wape[BASELINE]
        if chosen is not None and baseline:
            console.print(
                _("WAPE of the chosen models is %(change)+.1f%% against seasonal naive.")
                % {"change": 100 * (chosen - baseline) / baseline}
            )
        if result.coverage is not None:
            console.print(
                _(
                    "%(share).0f%% of held-out periods fell inside the 80%% interval; quantile "
                    "loss %(losses)s."
                )
                % {
                    "share": 100 * result.coverage,
                    "losses": ", ".join(
                        f"{q} {_number(v)}" for q, v in result.quantile_loss.items()
                    ),
                }
            )
        console.print(
            _("%(seconds).1f s") % {"seconds": result.seconds}, markup=False, highlight=False
        )
        return result

    def emit(self, figures: dict) -> None:
        self.console.print(json.dumps(figures), markup=False, highlight=False)


def _positive(value: str) -> int:
    import argparse

    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a whole number of at least 1")
    return int(value)


def _day(value: str) -> date:
    import argparse

    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day (YYYY-MM-DD)") from None


def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"
