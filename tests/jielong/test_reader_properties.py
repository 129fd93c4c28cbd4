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
    "①③⑳各子装罐ml/取消\n"
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


@given(st.one_of(st.text(max_size=2000), st.text(alphabet=st.sampled_from(CHAIN_CHARS))))
def test_any_paste_reads_without_crashing(text):
    for reading in read_chain(text, ITEMS).lines:
        check(reading)
        # Nothing a leader cannot see: every line of a reading is a line of what was pasted
        # (or a piece of one, for a chain pasted onto one line), short enough to be stored.
        assert len(reading.text) <= MAX_LINE or reading.problem is not None
        for part in reading.text.split("\n"):
            assert part in text


# Entries as members write them, with the reading a person gives them.
NAMES = ["小王", "Lily🌸", "张阿姨", "住户0", "老李", "阿芳"]
PLACES = [("3-1201", ("3", "", "1201")), ("12#301", ("12", "", "301")), ("", None)]
WANTS = [
    ("青菜2", {1: 2}),
    ("A2 B1", {1: 2, 2: 1}),
    ("两盒鸡蛋", {2: 2}),
    ("3桔", {5: 3}),
    ("青菜、鸡蛋各2", {1: 2, 2: 2}),
    ("大1 小2", {3: 1, 4: 2}),
    ("🍊x2", {5: 2}),
]
entry = st.tuples(st.sampled_from(NAMES), st.sampled_from(PLACES), st.sampled_from(WANTS))
MARKS = ["{}. ", "{}、", "({})", "（{}）", "{})", "{} "]


def written(entries, marks) -> list[str]:
    return [
        f"{marks[n % len(marks)].format(n + 1)}{name} {place} {want}".replace("  ", " ")
        for n, (name, (place, _), (want, _)) in enumerate(entries)
    ]


def expect(reading, entry) -> None:
    name, (_place, address), (_want, items) = entry
    assert reading.problem is None, reading
    assert reading.items == items, reading
    if address is None:
        assert reading.address is None and reading.nickname == name
    else:
        assert reading.address is not None
        assert (reading.address.building, reading.address.unit, reading.address.room) == address


@given(
    st.lists(entry, min_size=1, max_size=12),
    st.lists(st.sampled_from(MARKS), min_size=1, max_size=3),
    st.sampled_from(["\n", "\n\n"]),
    st.sampled_from(["", "\n今晚八点截单", "\n\n大家快接龙\n@所有人 明天到"]),
)
def test_the_entries_are_read_wherever_the_blank_lines_fall(entries, marks, gap, closing):
    """A menu right above the entries or a blank line between, a closing notice after them or
    none, numbered 1. 2、 (3) （4） 5) …: the same entries, each read, none lost."""
    menu = "#接龙\n周末蔬菜团\nA：青菜🥬\nB：土鸡蛋\n🍊 砂糖桔 12元/斤\n请大家自行添加"
    text = menu + gap + "\n".join(written(entries, marks)) + closing
    chain = read_chain(text, ITEMS)
    assert chain.header[-1] == "请大家自行添加" or not chain.header[-1].strip()
    orders = [r for r in chain.lines if r.number is not None]
    assert len(orders) == len(entries)
    for number, (reading, want) in enumerate(zip(orders, entries, strict=True), start=1):
        assert reading.number == number
        expect(reading, want)


@given(st.lists(entry, min_size=3, max_size=12))
def test_a_chain_pasted_onto_one_line_reads_as_its_lines(entries):
    lines = written(entries, ["{}. "])
    apart = read_chain("#接龙 周末蔬菜团 A青菜 B鸡蛋 🍊砂糖桔\n" + "\n".join(lines), ITEMS).lines
    together = read_chain("#接龙 周末蔬菜团 A青菜 B鸡蛋 🍊砂糖桔 " + " ".join(lines), ITEMS).lines
    assert [(r.text, r.number, r.items, r.nickname) for r in together] == [
        (r.text, r.number, r.items, r.nickname) for r in apart
    ]
    for reading, want in zip(together, entries, strict=True):
        expect(reading, want)


@given(st.lists(entry, min_size=1, max_size=8), st.data())
def test_goods_on_the_next_line_belong_to_the_entry(entries, data):
    """8、阿芳 / 草莓两盒: the goods on the unnumbered line after the name are the entry's,
    read as if on its line, and are not a remark of their own."""
    lines = []
    for n, (name, (place, _), (want, _)) in enumerate(entries, start=1):
        if data.draw(st.booleans()):
            lines += [f"{n}. {name} {place}".rstrip(), want]
        else:
            lines.append(f"{n}. {name} {place} {want}".replace("  ", " "))
    chain = read_chain("#接龙\nA. 青菜\nB. 鸡蛋\n🍊 砂糖桔\n\n" + "\n".join(lines), ITEMS)
    assert len(chain.lines) == len(entries)
    for reading, want in zip(chain.lines, entries, strict=True):
        expect(reading, want)


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
        "1. 3-1201 " + "桔各" * 140,
        "1. 3-1201 " + "桔 " * 140 + "各1",
        "1. 3-1201 " + "330ml*24罐" * 28,
        "1." + "12-301 " * 40,
        "(1)" + "（2）" * 140,
        "①" + "③ " * 140,
        "1. " + "1. 2. 3. " * 30,
    ]:
        started = time.perf_counter()
        check(READER.read(line[:MAX_LINE]))
        assert time.perf_counter() - started < BOUND, line[:20]


def test_a_line_too_long_is_refused_not_read():
    reading = READER.read("1. 3-1201 鸡蛋1 " + "好" * MAX_LINE)
    assert reading.problem is not None and reading.problem.value == "too_long"


def test_a_long_chain_on_one_line_is_split_quickly():
    """A whole chain pasted onto one line, thousands of entries long: split in linear time."""
    for entries in (1_000, 4_000):
        text = "#接龙 " + " ".join(
            f"{n}. 住户{n} 3-{n % 900 + 101} 青菜2" for n in range(1, entries)
        )
        started = time.perf_counter()
        chain = read_chain(text, ITEMS)
        assert time.perf_counter() - started < BOUND * entries / 100
        assert len(chain.lines) == entries - 1
        assert all(r.items == {1: 2} for r in chain.lines)
