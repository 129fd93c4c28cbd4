"""The reader against a corpus of real-looking chain lines (``corpus.txt``), each with the
reading a person would give it: household address, items and quantities, nickname, remark,
or why it is not an order."""

from dataclasses import dataclass
from pathlib import Path

import pytest

from linli.jielong.parser import CatalogueItem, Reading, read_chain

CORPUS = Path(__file__).with_name("corpus.txt")


@dataclass
class Case:
    chain: str
    line: str
    expected: str


def load() -> tuple[dict[str, tuple[list[CatalogueItem], str]], list[Case]]:
    chains: dict[str, tuple[list[CatalogueItem], str]] = {}
    cases: list[Case] = []
    name, section = "", ""
    items: list[CatalogueItem] = []
    header: list[str] = []
    lines: list[str] = []

    def finish():
        if name:
            chains[name] = (items, "\n".join([*header, "", *lines]))

    for raw in CORPUS.read_text(encoding="utf-8").splitlines():
        if (raw.startswith("#") and section != "header") or (
            not raw.strip() and section != "header"
        ):
            continue
        if raw.startswith("[chain "):
            finish()
            name, items, header, lines = raw[7:-1], [], [], []
            continue
        if raw in ("[catalogue]", "[header]", "[lines]"):
            section = raw[1:-1]
            continue
        if section == "catalogue":
            product, unit = raw.rsplit(" ", 1)
            items.append(CatalogueItem(key=len(items) + 1, name=product, unit=unit))
        elif section == "header":
            header.append(raw)
        else:
            line, expected = raw.split(" => ")
            lines.append(line)
            cases.append(Case(name, line, expected))
    finish()
    return chains, cases


CHAINS, CASES = load()


def describe(reading: Reading, items: list[CatalogueItem]) -> str:
    """A reading written the way the corpus writes what it expects."""
    if reading.problem is not None:
        return f"!{reading.problem.value}" + (f":{reading.detail}" if reading.detail else "")
    names = {item.key: item.name for item in items}
    # No address: the household is found from the nickname (the community's nickname book).
    place = (
        "-".join(
            part
            for part in (reading.address.building, reading.address.unit, reading.address.room)
            if part
        )
        if reading.address is not None
        else "?"
    )
    text = f"{reading.nickname} @ {place}:" if reading.nickname else f"{place}:"
    if reading.cancel:
        text += " cancel"
    text += "".join(f" {names[key]}×{quantity}" for key, quantity in reading.items.items())
    return text + (f" | {reading.remark}" if reading.remark else "")


@pytest.fixture(scope="module")
def readings() -> dict[str, list[Reading]]:
    return {name: read_chain(text, items).lines for name, (items, text) in CHAINS.items()}


def test_the_corpus_is_large_and_varied():
    assert len(CASES) >= 150
    problems = {case.expected.split(":")[0] for case in CASES if case.expected.startswith("!")}
    assert problems >= {"!notice", "!form", "!remark", "!no_address", "!no_items", "!empty"}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.chain}:{c.line[:24]}" for c in CASES])
def test_each_line_reads_as_a_person_would(case, readings):
    items, _text = CHAINS[case.chain]
    found = next(r for r in readings[case.chain] if r.text == case.line)
    assert describe(found, items) == case.expected


def test_every_corpus_line_is_a_chain_line(readings):
    """The description is not read as chain lines, and no chain line is lost."""
    for name in CHAINS:
        assert [r.text for r in readings[name]] == [c.line for c in CASES if c.chain == name]
