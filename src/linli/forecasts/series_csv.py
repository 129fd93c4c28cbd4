"""Demand series from a CSV file in the long format (``unique_id,ds,y``), checked line by line.

Any system's history can be tested this way (``linli forecast backtest --csv FILE``). A line
that cannot be read stops the whole file with an error naming the line (and the column): a
backtest on a silently trimmed file would report an accuracy nobody had.
"""

from __future__ import annotations

import csv
import io
import math
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from linli.core.errors import Invalid

from .backtest import periods_needed

if TYPE_CHECKING:
    import pandas as pd

COLUMNS = ("unique_id", "ds", "y")
DAILY = "daily"
WEEKLY = "weekly"
MONTHLY = "monthly"
#: The season when none is given: a week of days, a year of weeks, a year of months.
DEFAULT_SEASON = {DAILY: 7, WEEKLY: 52, MONTHLY: 12}


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
    """Read and check the file; raise :class:`BadSeries` at the first line that cannot be read.

    Files come as other systems and spreadsheets write them: UTF-8 (with or without a byte
    order mark) or GB 18030 (what Excel in Chinese saves as "CSV"); commas, semicolons or tabs;
    header names in any case; dates as 2026-03-02, 2026/3/2 or with a time of day after them.
    Daily, weekly (each series on one weekday) and monthly (one date a month) are told apart
    by the dates themselves."""
    text = _text(data)
    rows = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    header = next(rows, None)
    if header is None or not any(cell.strip() for cell in header):
        raise BadSeries(
            _("The file is empty: it needs the header line unique_id,ds,y and rows below it.")
        )
    names = [cell.strip().strip('"').lower() for cell in header]
    for column in COLUMNS:
        if column not in names:
            raise BadSeries(
                _("Line 1: the header has no column %(column)s (it needs unique_id, ds and y)."),
                column=column,
            )
    at_id, at_ds, at_y = (names.index(column) for column in COLUMNS)
    width = max(at_id, at_ds, at_y) + 1
    dates: dict[str, date] = {}  # a file repeats each date once per series: parse it once
    seen: dict[tuple[str, date], int] = {}
    first_line: dict[str, int] = {}
    values: list[tuple[str, date, float]] = []
    for number, row in enumerate(rows, start=2):
        if len(row) < width:
            row = row + [""] * (width - len(row))
        series = row[at_id].strip()
        if not series:
            if not any(cell.strip() for cell in row):
                continue
            raise BadSeries(
                _("Line %(line)s, column unique_id: the series has no name."), line=number
            )
        written = row[at_ds].strip()
        day = dates.get(written)
        if day is None:
            day = dates[written] = _date(written, number)
        units = _units(row[at_y].strip(), number)
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


def long_enough(series: Series, horizon: int, season: int) -> tuple[pd.DataFrame, list[str]]:
    """The series long enough to hold out ``horizon`` periods and select on the rest, and the
    names of those left out (new products, a shop opened last month: real histories have
    them); refused only when no series is long enough, naming the first one's line."""
    needed = periods_needed(horizon, season)
    lengths = series.frame.groupby("unique_id", sort=False)["ds"].transform("size")
    short = series.frame.loc[lengths < needed, "unique_id"].unique().tolist()
    if len(short) == series.frame["unique_id"].nunique():
        name = min(short, key=lambda name: series.first_line[name])
        raise BadSeries(
            _(
                "Line %(line)s: series %(series)s has %(count)s periods; with horizon "
                "%(horizon)s and season %(season)s it needs at least %(needed)s."
            ),
            line=series.first_line[name],
            series=name,
            count=int((series.frame["unique_id"] == name).sum()),
            horizon=horizon,
            season=season,
            needed=needed,
        )
    return series.frame[lengths >= needed].reset_index(drop=True), sorted(
        short, key=lambda name: series.first_line[name]
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


def _text(data: bytes) -> str:
    """UTF-16 when it starts with its byte order mark (Excel's "Unicode text"), else UTF-8,
    else GB 18030 (which GBK and GB 2312 are part of)."""
    encodings = ("utf-16",) if data[:2] in (b"\xff\xfe", b"\xfe\xff") else ()
    for encoding in (*encodings, "utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise BadSeries(_("The file is not text in UTF-8, UTF-16 or GB 18030."))


def _delimiter(text: str) -> str:
    """A comma, or the semicolon or tab the header line is split by when it has no comma
    (spreadsheets set to a decimal comma write semicolons)."""
    header = text.split("\n", 1)[0]
    if "," in header:
        return ","
    return max((";", "\t"), key=header.count) if (";" in header or "\t" in header) else ","


#: A year first, then month and day by -, / or . (one or two digits), then maybe a time.
_DAY = re.compile(
    r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})"
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?"
)


def _date(value: str, line: int) -> date:
    try:
        if found := _DAY.fullmatch(value):
            return date(*(int(part) for part in found.groups()))
        return date.fromisoformat(value)
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
    """Monthly when every date is the same day of its month (or the last) and there are
    several; weekly when each series keeps to one weekday and some series has several dates;
    else daily."""
    days = {day for _, day, _ in values}
    if len(days) < 2:
        return DAILY
    if len({day.day for day in days}) == 1 or all((day + _ONE_DAY).day == 1 for day in days):
        return MONTHLY
    weekdays: dict[str, int] = {}
    for series, day, _units in values:
        if weekdays.setdefault(series, day.weekday()) != day.weekday():
            return DAILY
    return WEEKLY


_ONE_DAY = timedelta(days=1)


def _period(day: date, start: date, frequency: str) -> int:
    """The period number of a day: days, weeks (Monday to Sunday) or months since ``start``."""
    if frequency == MONTHLY:
        return (day.year - start.year) * 12 + day.month - start.month
    if frequency == WEEKLY:
        monday = start - timedelta(days=start.weekday())
        return (day - monday).days // 7
    return (day - start).days


def _frame(values: list[tuple[str, date, float]], frequency: str) -> tuple[pd.DataFrame, int]:
    """The long frame with ``ds`` as a period number and every gap inside a series filled with 0."""
    import numpy as np
    import pandas as pd

    start = min(day for _, day, _ in values)
    periods: dict[date, int] = {}
    for _series, day, _units in values:
        if day not in periods:
            periods[day] = _period(day, start, frequency)
    raw = pd.DataFrame(
        {
            "unique_id": [series for series, _, _ in values],
            "ds": [periods[day] for _, day, _ in values],
            "y": [units for _, _, units in values],
        }
    )
    bounds = raw.groupby("unique_id", sort=True)["ds"].agg(["min", "max"])
    lengths = (bounds["max"] - bounds["min"] + 1).to_numpy()
    offsets = np.repeat(np.cumsum(lengths) - lengths, lengths)
    ds = np.arange(int(lengths.sum())) - offsets + np.repeat(bounds["min"].to_numpy(), lengths)
    full = pd.DataFrame(
        {"unique_id": np.repeat(bounds.index.astype(str).to_numpy(), lengths), "ds": ds}
    )
    frame = full.merge(raw, on=["unique_id", "ds"], how="left", sort=False)
    frame["y"] = frame["y"].fillna(0.0)
    return frame, int(lengths.sum()) - len(raw)
