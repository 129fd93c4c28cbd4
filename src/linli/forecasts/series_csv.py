"""Demand series from a CSV file in the long format (``unique_id,ds,y``), checked line by line.

Any system's history can be tested this way (``linli forecast backtest --csv FILE``). A line
that cannot be read stops the whole file with an error naming the line (and the column): a
backtest on a silently trimmed file would report an accuracy nobody had.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Invalid

from .backtest import periods_needed

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("unique_id", "ds", "y")
DAILY = "daily"
WEEKLY = "weekly"
#: The season when none is given: a week of days, a year of weeks.
DEFAULT_SEASON = {DAILY: 7, WEEKLY: 52}


class BadSeries(Invalid):
    """The CSV cannot be backtested as it is; the message names the line and column."""


@dataclass
class Series:
    #: unique_id, ds (period number: days or weeks since the earliest date), y.
    frame: pd.DataFrame
    frequency: str
    #: Periods missing inside a series (between its first and last date), counted as 0 units.
    filled: int
    #: Series → the line of its first row.
    first_line: dict[str, int]


def read(data: bytes) -> Series:
    """Read and check the file; raise :class:`BadSeries` at the first line that cannot be read."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise BadSeries(_("The file is not UTF-8 text.")) from None
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise BadSeries(
            _("The file is empty: it needs the header line unique_id,ds,y and rows below it.")
        )
    names = [cell.strip() for cell in header]
    for column in COLUMNS:
        if column not in names:
            raise BadSeries(
                _("Line 1: the header has no column %(column)s (it needs unique_id, ds and y)."),
                column=column,
            )
    where = {column: names.index(column) for column in COLUMNS}
    seen: dict[tuple[str, date], int] = {}
    first_line: dict[str, int] = {}
    values: list[tuple[str, date, float]] = []
    for number, row in enumerate(rows, start=2):
        if not any(cell.strip() for cell in row):
            continue
        cells = {column: _cell(row, where[column]) for column in COLUMNS}
        series = cells["unique_id"]
        if not series:
            raise BadSeries(
                _("Line %(line)s, column unique_id: the series has no name."), line=number
            )
        day = _date(cells["ds"], number)
        units = _units(cells["y"], number)
        if (series, day) in seen:
            raise BadSeries(
                _(
                    "Line %(line)s: series %(series)s already has a value for %(date)s "
                    "(line %(first)s)."
                ),
                line=number,
                series=series,
                date=day.isoformat(),
                first=seen[series, day],
            )
        seen[series, day] = number
        first_line.setdefault(series, number)
        values.append((series, day, units))
    if not values:
        raise BadSeries(_("The file has a header but no rows."))
    frequency = _frequency(values)
    frame, filled = _frame(values, frequency)
    return Series(frame=frame, frequency=frequency, filled=filled, first_line=first_line)


def check_lengths(series: Series, horizon: int, season: int) -> None:
    """Every series must be long enough to hold out ``horizon`` periods and select on the rest."""
    needed = periods_needed(horizon, season)
    lengths = series.frame.groupby("unique_id", sort=False).size()
    for name, length in lengths.items():
        if length < needed:
            raise BadSeries(
                _(
                    "Line %(line)s: series %(series)s has %(count)s periods; with horizon "
                    "%(horizon)s and season %(season)s it needs at least %(needed)s."
                ),
                line=series.first_line[str(name)],
                series=name,
                count=int(length),
                horizon=horizon,
                season=season,
                needed=needed,
            )


def numbered(frame: pd.DataFrame, frequency: str) -> pd.DataFrame:
    """``ds`` as dates → ``ds`` as period numbers (days or weeks since the earliest date)."""
    if frame.empty:
        return frame.assign(ds=frame["ds"].astype(int))
    step = 7 if frequency == WEEKLY else 1
    start = min(frame["ds"])
    return frame.assign(ds=[(day - start).days // step for day in frame["ds"]])


def weeks(frame: pd.DataFrame, through: date | None = None) -> pd.DataFrame:
    """Daily series with dates (``demand_series``) → weekly ones, Monday to Sunday, ``ds``
    numbered from the earliest week. Columns other than unique_id and ds are summed
    (``censored``: whether any day was). History runs through ``through`` (the last day of
    ``frame`` when not given): every series runs to the last week over by then, weeks without
    orders at 0, and a week not yet over is left out (its missing days would read as a drop).

    Group buys open on two or three fixed weekdays and a product comes back every week or two,
    so a day's units say more about which weekday the leader opened on than about demand; the
    week is the period a leader and a supplier plan by (docs/decisions/0031)."""
    import pandas as pd

    if frame.empty:
        return frame.assign(ds=frame["ds"].astype(int))
    days = pd.to_datetime(frame["ds"])
    monday = days - pd.to_timedelta(days.dt.weekday, unit="D")
    last_day = pd.Timestamp(through) if through is not None else days.max()
    first = monday.min()
    # The last week over by ``last_day``: its Sunday is on or before it.
    last_week = ((last_day - first).days + 1) // 7 - 1
    numbered = frame.assign(ds=((monday - first).dt.days // 7).astype(int))
    numbered = numbered[numbered["ds"] <= last_week]
    summed = [c for c in frame.columns if c not in ("unique_id", "ds")]
    how = {c: ("any" if c == "censored" else "sum") for c in summed}
    weekly = numbered.groupby(["unique_id", "ds"], sort=True).agg(how)
    starts = weekly.reset_index().groupby("unique_id")["ds"].min()
    full = pd.MultiIndex.from_tuples(
        [(series, ds) for series, start in starts.items() for ds in range(start, last_week + 1)],
        names=["unique_id", "ds"],
    )
    weekly = weekly.reindex(full)
    for column in summed:
        if column == "censored":
            weekly[column] = weekly[column].eq(True)  # a week added here: not censored
        else:
            weekly[column] = weekly[column].fillna(0.0)
    return weekly.reset_index()


def _cell(row: list[str], index: int) -> str:
    return row[index].strip() if index < len(row) else ""


def _date(value: str, line: int) -> date:
    try:
        return date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        raise BadSeries(
            _("Line %(line)s, column ds: %(value)s is not a date like 2026-03-02."),
            line=line,
            value=repr(value),
        ) from None


def _units(value: str, line: int) -> float:
    try:
        units = float(value)
    except ValueError:
        units = math.nan
    if not math.isfinite(units):
        raise BadSeries(
            _("Line %(line)s, column y: %(value)s is not a number."), line=line, value=repr(value)
        )
    if units < 0:
        raise BadSeries(
            _("Line %(line)s, column y: %(value)s is negative; demand is never below zero."),
            line=line,
            value=value,
        )
    return units


def _frequency(values: list[tuple[str, date, float]]) -> str:
    """Weekly when every date falls on the same weekday (and there are several), else daily."""
    days = {day for _, day, _ in values}
    return WEEKLY if len(days) > 1 and len({d.weekday() for d in days}) == 1 else DAILY


def _frame(values: list[tuple[str, date, float]], frequency: str) -> tuple[pd.DataFrame, int]:
    """The long frame with ``ds`` as a period number and every gap inside a series filled with 0."""
    import pandas as pd

    step = 7 if frequency == WEEKLY else 1
    start = min(day for _, day, _ in values)
    raw = pd.DataFrame(
        {
            "unique_id": [series for series, _, _ in values],
            "ds": [(day - start).days // step for _, day, _ in values],
            "y": [units for _, _, units in values],
        }
    )
    parts = []
    filled = 0
    for series, part in raw.groupby("unique_id", sort=True):
        full = range(int(part["ds"].min()), int(part["ds"].max()) + 1)
        filled += len(full) - len(part)
        dense = part.set_index("ds")["y"].reindex(full, fill_value=0.0)
        parts.append(
            pd.DataFrame({"unique_id": str(series), "ds": list(full), "y": dense.to_numpy()})
        )
    return pd.concat(parts, ignore_index=True), filled
