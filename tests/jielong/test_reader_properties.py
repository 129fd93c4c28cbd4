"""Whatever is pasted, the reader answers: no crash, no hang, and every answer is either an
order it can stand behind or a reason."""

import time

from hypothesis import given
from hypothesis import strategies as st

from linli.jielong.parser import (
    MAX_LINE,
    MAX_QUANTITY,
    CatalogueItem,
    Reader,
    read_chain,
)

ITEMS = [
    CatalogueItem(1, "崇明青菜", "斤"),
    CatalogueItem(2, "土鸡蛋", "盒"),
    CatalogueItem(3, "口罩(成人)", "包"),
    CatalogueItem(4, "口罩(儿童)", "包"),
    CatalogueItem(5, "砂糖桔", "斤"),
]
HEADER = "#接龙\nA. 青菜\nB. 鸡蛋\n🍊 砂糖桔\n1.6 截单\n\n"
READER = Reader(ITEMS, {"a": 1, "b": 2, "🍊": 5})

# Characters chains are made of, so that the generated text often looks like a chain line.
CHAIN_CHARS = list(
    "0123456789０１２-－—_#＃号楼栋幢座单元室 　.．、，,：:)）(（【】xX×*＊+＋"
    "份个斤盒两一二三十百@AaBbZz套餐青菜鸡蛋口罩成人儿童大小桔🍊🌸\u200b\ufe0f"
)
chain_text = st.text(alphabet=st.sampled_from(CHAIN_CHARS), max_size=MAX_LINE + 20)
any_text = st.text(max_size=MAX_LINE + 20)

# Per line, far more than the reader ever needs (microseconds), far less than a hang.
BOUND = 0.25


def check(reading) -> None:
    if reading.problem is None:
        assert reading.number is not None
        # Without an address, the nickname is what names the household.
        assert reading.address is not None or reading.nickname, reading
        assert reading.items or reading.cancel, reading
        assert all(0 < q <= MAX_QUANTITY for q in reading.items.values())
        assert set(reading.items) <= {item.key for item in ITEMS}
    else:
        assert not reading.items


@given(st.one_of(chain_text, any_text))
def test_any_line_reads_quickly_without_crashing(text):
    started = time.perf_counter()
    reading = READER.read(text)
    assert time.perf_counter() - started < BOUND
    assert reading.text == text
    check(reading)


@given(st.lists(st.one_of(chain_text, any_text), max_size=30))
def test_any_chain_reads_without_crashing(lines):
    text = HEADER + "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))
    started = time.perf_counter()
    chain = read_chain(text, ITEMS)
    assert time.perf_counter() - started < BOUND * (len(lines) + 1)
    for reading in chain.lines:
        check(reading)


@given(st.text(max_size=2000))
def test_any_paste_reads_without_crashing(text):
    for reading in read_chain(text, ITEMS).lines:
        check(reading)


def test_hostile_lines_stay_fast():
    """Long runs that make careless patterns backtrack: digits, dashes, spaces, names."""
    for line in [
        "1. " + "1-" * 140,
        "1. " + "9" * 290,
        "1. " + " " * 290 + "3-1201",
        "1. 3-1201 " + "青菜" * 140,
        "1. 3-1201 " + "x" * 280 + "2",
        "1. 3-1201 " + "1号" * 140,
        "1. " + "3号楼" * 90,
        "1. 3-1201 " + "口罩" * 140,
    ]:
        started = time.perf_counter()
        check(READER.read(line[:MAX_LINE]))
        assert time.perf_counter() - started < BOUND, line[:20]


def test_a_line_too_long_is_refused_not_read():
    reading = READER.read("1. 3-1201 鸡蛋1 " + "好" * MAX_LINE)
    assert reading.problem is not None and reading.problem.value == "too_long"
