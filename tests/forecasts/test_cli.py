"""`linli forecast backtest --csv FILE`: any system's history, no database.

None of these tests asks for the database: pytest-django refuses any query, so a command
that read or wrote a table would fail here.
"""

import io
import json
import re
from datetime import date, timedelta

import numpy as np
import pytest
from django.core.management import CommandError, call_command

from linli.forecasts.series_csv import read

MONDAY = date(2026, 1, 5)


def linli(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def write(tmp_path, text: str, name: str = "history.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def history(days: int = 84, seed: int = 1) -> str:
    """Three series with a weekly rhythm (weekends sell most) and two intermittent ones, whose
    zero days are mostly left out of the file, as an export of orders would."""
    rng = np.random.default_rng(seed)
    week = np.array([1, 1, 2, 3, 5, 8, 2])
    lines = ["unique_id,ds,y"]
    for i in range(3):
        for d in range(days):
            lines.append(f"鸡蛋-{i},{MONDAY + timedelta(d)},{rng.poisson(week[d % 7] * (i + 1))}")
    for i in range(2):
        for d in range(days):
            y = rng.poisson(3) if rng.random() < 0.15 else 0
            if y or d in (0, days - 1):
                lines.append(f"榴莲-{i},{MONDAY + timedelta(d)},{y}")
    return "\n".join(lines) + "\n"


def test_the_chosen_models_are_not_worse_than_seasonal_naive(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    said = linli("forecast", "backtest", "--csv", write(tmp_path, history()), "--horizon", "7")
    lines = said.strip().splitlines()
    assert lines[0] == (
        "5 series, daily dates (season 7); the last 7 periods of each held out, a model "
        "chosen per series by WAPE over 8 rolling windows before them."
    )
    assert "missing periods inside series were counted as 0 units." in lines[1]
    result = json.loads(lines[-1])
    assert list(result)[:6] == ["bench", "series", "horizon", "seconds", "wape", "mase"]
    assert (result["bench"], result["series"], result["horizon"]) == ("forecast-backtest", 5, 7)
    models = [
        "chosen",
        "seasonal_naive",
        "zero",
        "window_average",
        "ses",
        "adida",
        "croston_optimized",
        "imapa",
        "tsb",
        "auto_ets",
    ]
    assert list(result["wape"]) == models
    assert list(result["mase"]) == models
    assert result["wape"]["chosen"] <= result["wape"]["seasonal_naive"]
    assert result["mase"]["chosen"] <= result["mase"]["seasonal_naive"]
    assert "WAPE of the chosen models is -" in said
    # The three weekly series order most days, the two others some days.
    assert re.search(r"│ erratic\s+│\s+3 │", said) or re.search(r"│ smooth\s+│\s+3 │", said)
    assert re.search(r"│ (intermittent|lumpy)\s+│\s+[12] │", said)


def test_weekly_dates_are_read_as_weeks_with_a_season_of_52(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "zh-hans")
    rows = ["unique_id,ds,y"]
    rng = np.random.default_rng(2)
    rows += [f"a,{MONDAY + timedelta(weeks=w)},{rng.poisson(20)}" for w in range(70)]
    series = read("\n".join(rows).encode())
    assert (series.frequency, series.filled, len(series.frame)) == ("weekly", 0, 70)
    said = linli(
        "forecast", "backtest", "--csv", write(tmp_path, "\n".join(rows)), "--horizon", "2"
    )
    assert said.startswith(
        "1 个序列，日期按周（季节长度 52）；每个序列留出最后 2 期检验，在此之前用 8 个滚动窗口"
        "按 WAPE 为每个序列选定模型。"
    )
    assert json.loads(said.strip().splitlines()[-1])["horizon"] == 2


def test_gaps_inside_a_series_are_zero_units():
    series = read(b"unique_id,ds,y\na,2026-01-05,2\na,2026-01-08,1\nb,2026-01-06,4\n")
    assert series.frequency == "daily"
    assert series.filled == 2
    assert series.frame.to_dict("list") == {
        "unique_id": ["a", "a", "a", "a", "b"],
        "ds": [0, 1, 2, 3, 1],
        "y": [2.0, 0.0, 0.0, 1.0, 4.0],
    }


def test_files_as_spreadsheets_and_other_systems_write_them():
    """Excel in Chinese saves "CSV" as GB 18030 and "Unicode text" as UTF-16 with tabs; a
    spreadsheet set to a decimal comma splits by semicolons; pandas writes a time of day."""
    expected = {"unique_id": ["鸡蛋", "鸡蛋", "鸡蛋"], "ds": [0, 1, 2], "y": [3.0, 0.0, 5.0]}
    files = [
        "unique_id,ds,y\n鸡蛋,2026-01-05,3\n鸡蛋,2026-01-07,5\n".encode("gbk"),
        "\ufeffunique_id\tds\ty\r\n鸡蛋\t2026/1/5\t3\r\n鸡蛋\t2026/1/7\t5\r\n".encode("utf-16-le"),
        "Unique_ID;DS;Y\n鸡蛋;2026-01-05 00:00:00;3\n鸡蛋;2026-01-07T00:00:00Z;5\n".encode(),
    ]
    for data in files:
        series = read(data)
        assert (series.frequency, series.filled) == ("daily", 1)
        assert series.frame.to_dict("list") == expected


def test_months_and_weeks_ending_on_different_days_are_told_apart(tmp_path, monkeypatch):
    # Monthly (AirPassengers-like: the first of each month): a year of months is the season.
    rows = ["unique_id,ds,y"] + [
        f"air,{1949 + m // 12}-{m % 12 + 1:02d}-01,{100 + m}" for m in range(48)
    ]
    series = read("\n".join(rows).encode())
    assert (series.frequency, series.filled) == ("monthly", 0)
    assert list(series.frame["ds"]) == list(range(48))
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    said = linli(
        "forecast", "backtest", "--csv", write(tmp_path, "\n".join(rows)), "--horizon", "6"
    )
    assert said.startswith("1 series, monthly dates (season 12);")
    # Month ends are monthly too.
    ends = read(b"unique_id,ds,y\na,2026-01-31,1\na,2026-02-28,2\na,2026-03-31,3\n")
    assert (ends.frequency, list(ends.frame["ds"])) == ("monthly", [0, 1, 2])
    # Weekly series, one ending its weeks on Sundays and one on Mondays: the same weeks.
    weekly = read(
        b"unique_id,ds,y\nsun,2026-01-11,1\nsun,2026-01-18,2\nmon,2026-01-12,5\nmon,2026-01-26,6\n"
    )
    assert weekly.frequency == "weekly"
    assert weekly.frame.to_dict("list") == {
        "unique_id": ["mon", "mon", "mon", "sun", "sun"],
        "ds": [1, 2, 3, 0, 1],
        "y": [5.0, 0.0, 6.0, 1.0, 2.0],
    }


GOOD = "unique_id,ds,y\na,2026-01-05,1\n"

BAD = [
    (
        "",
        "The file is empty: it needs the header line unique_id,ds,y and rows below it.",
        "文件是空的：需要表头 unique_id,ds,y 及其下的数据行。",
    ),
    ("unique_id,ds,y\n", "The file has a header but no rows.", "文件只有表头，没有数据行。"),
    (
        "unique_id,date,y\na,2026-01-05,1\n",
        "Line 1: the header has no column ds (it needs unique_id, ds and y).",
        "第 1 行：表头缺少 ds 列（需要 unique_id、ds 和 y）。",
    ),
    (
        GOOD + "a,2026-01-06,1\na,06.01.2026,1\n",
        "Line 4, column ds: '06.01.2026' is not a date like 2026-03-02.",
        "第 4 行，ds 列：'06.01.2026' 不是 2026-03-02 这样的日期。",
    ),
    (
        GOOD + "a,2026-01-06,three\n",
        "Line 3, column y: 'three' is not a number.",
        "第 3 行，y 列：'three' 不是数字。",
    ),
    (
        GOOD + "a,2026-01-06,\n",
        "Line 3, column y: '' is not a number.",
        "第 3 行，y 列：'' 不是数字。",
    ),
    (
        GOOD + "a,2026-01-06,-2\n",
        "Line 3, column y: -2 is negative; demand is never below zero.",
        "第 3 行，y 列：-2 是负数；需求不会小于零。",
    ),
    (
        GOOD + "b,2026-01-05,1\na,2026/01/05,3\n",
        "Line 4: series a already has a value for 2026-01-05 (line 2).",
        "第 4 行：序列 a 在 2026-01-05 已有数值（第 2 行）。",
    ),
    (
        GOOD + ",2026-01-06,1\n",
        "Line 3, column unique_id: the series has no name.",
        "第 3 行，unique_id 列：序列没有名称。",
    ),
    (
        "unique_id,ds,y\n"
        + "".join(f"short,{MONDAY + timedelta(d)},1\n" for d in range(28))
        + "".join(f"shorter,{MONDAY + timedelta(d)},1\n" for d in range(20)),
        "Line 2: series short has 28 periods; with horizon 7 and season 7 it needs at least 29.",
        "第 2 行：序列 short 只有 28 期；预测期数 7、季节长度 7 时至少需要 29 期。",
    ),
]


def test_series_too_short_are_left_out_and_counted(tmp_path, monkeypatch):
    """Real histories hold new products: the rest are still backtested."""
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    rng = np.random.default_rng(3)
    text = (
        "unique_id,ds,y\n"
        + "".join(f"new,{MONDAY + timedelta(d)},1\n" for d in range(10))
        + "".join(f"old,{MONDAY + timedelta(d)},{rng.poisson(5)}\n" for d in range(60))
        + "".join(f"newer,{MONDAY + timedelta(d)},2\n" for d in range(3))
    )
    said = linli("forecast", "backtest", "--csv", write(tmp_path, text), "--horizon", "7")
    assert said.startswith(
        "2 series shorter than 29 periods are left out (the first: new, line 2).\n1 series,"
    )
    result = json.loads(said.strip().splitlines()[-1])
    assert (result["series"], result["left_out"]) == (1, 2)


@pytest.mark.parametrize(("text", "english", "chinese"), BAD)
def test_bad_input_names_the_line_in_both_languages_and_exits_2(
    tmp_path, monkeypatch, text, english, chinese
):
    path = write(tmp_path, text)
    for language, message in (("en", english), ("zh-hans", chinese)):
        monkeypatch.setenv("LINLI_LANGUAGE", language)
        with pytest.raises(CommandError) as refused:
            linli("forecast", "backtest", "--csv", path, "--horizon", "7")
        assert str(refused.value) == message
        assert refused.value.returncode == 2
    assert (tmp_path / "history.csv").read_text(encoding="utf-8") == text


def test_a_file_that_is_not_text_or_not_there(tmp_path, monkeypatch):
    monkeypatch.setenv("LINLI_LANGUAGE", "zh-hans")
    path = tmp_path / "photo.csv"
    path.write_bytes(b"unique_id,ds,y\n\xff\xd8\xff\xe0,2026-01-05,1\n")
    with pytest.raises(CommandError) as refused:
        linli("forecast", "backtest", "--csv", str(path), "--horizon", "7")
    assert (str(refused.value), refused.value.returncode) == (
        "文件不是 UTF-8、UTF-16 或 GB 18030 编码的文本。",
        2,
    )
    monkeypatch.setenv("LINLI_LANGUAGE", "en")
    with pytest.raises(CommandError) as refused:
        linli("forecast", "backtest", "--csv", str(tmp_path / "none.csv"), "--horizon", "7")
    assert str(refused.value) == f"Cannot read {tmp_path / 'none.csv'}: No such file or directory"
    assert refused.value.returncode == 2
