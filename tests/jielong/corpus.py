"""The reader's corpora, loaded: ``corpus.txt`` (chain lines, each with its expected reading)
and ``chains.txt`` (whole chains as pasted). Shared by the tests and ``bench/jielong.py``."""

import re
from dataclasses import dataclass
from pathlib import Path

from linli.jielong.parser import CatalogueItem, Reading

HERE = Path(__file__).parent
CONTINUES = "↑"


@dataclass
class Case:
    chain: str
    line: str  # the line as written (for chains.txt: the text of its reading, when known)
    expected: str


@dataclass
class Chain:
    """A whole chain of ``chains.txt``: its text as pasted, its description, and the readings
    a person would give its entries, in order."""

    name: str
    items: list[CatalogueItem]
    text: str
    description: list[str]  # the lines above the entries, blank ones left out
    cases: list[Case]


def _item(raw: str, items: list[CatalogueItem]) -> CatalogueItem:
    product, unit = raw.rsplit(" ", 1)
    return CatalogueItem(key=len(items) + 1, name=product, unit=unit)


def load_lines() -> tuple[dict[str, tuple[list[CatalogueItem], str]], list[Case]]:
    """corpus.txt: {chain: (items, text)} and one case per chain line."""
    chains: dict[str, tuple[list[CatalogueItem], str]] = {}
    cases: list[Case] = []
    name, section = "", ""
    items: list[CatalogueItem] = []
    header: list[str] = []
    lines: list[str] = []

    def finish():
        if name:
            chains[name] = (items, "\n".join([*header, "", *lines]))

    for raw in (HERE / "corpus.txt").read_text(encoding="utf-8").splitlines():
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
            items.append(_item(raw, items))
        elif section == "header":
            header.append(raw)
        else:
            line, expected = raw.split(" => ")
            lines.append(line)
            cases.append(Case(name, line, expected))
    finish()
    return chains, cases


def load_chains(name: str = "chains.txt") -> list[Chain]:
    """chains.txt (or ``chains-unseen.txt``), chain by chain."""
    chains: list[Chain] = []
    section = ""
    text: list[str] = []
    for raw in (HERE / name).read_text(encoding="utf-8").splitlines():
        if raw.startswith("[chain "):
            chains.append(Chain(raw[7:-1], [], "", [], []))
            continue
        if raw in ("[catalogue]", "[text]"):
            section = raw[1:-1]
            text = []
            continue
        if not chains or (section == "catalogue" and not raw.strip()):
            continue
        chain = chains[-1]
        if section == "catalogue":
            chain.items.append(_item(raw, chain.items))
            continue
        line, arrow, expected = raw.partition(" => ")
        text.append(line)
        chain.text = "\n".join(text)
        if not arrow:
            if not chain.cases and line.strip():
                chain.description.append(line)
        elif expected == CONTINUES:
            chain.cases[-1].line += "\n" + line
        else:
            readings = expected.split(" || ")
            known = line if len(readings) == 1 else ""
            if not known:
                # A chain on one line: what stands before its first entry (the last "1.") is
                # description.
                starts = [m.start() for m in re.finditer(r"(?:^|\s)1\s*[.、)]", line)]
                head = line[: starts[-1]].strip() if starts else ""
                if head and not chain.cases:
                    chain.description.append(head)
            chain.cases += [Case(chain.name, known, want) for want in readings]
    return chains


def describe(reading: Reading, items: list[CatalogueItem]) -> str:
    """A reading written the way the corpora write what they expect."""
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


def orders_read(chains: list[Chain], read) -> tuple[int, int, int]:
    """(entries, orders expected, orders read as expected) over ``chains``; ``read(text,
    items)`` gives a chain's readings."""
    entries = expected = right = 0
    for chain in chains:
        readings = read(chain.text, chain.items)
        for case, reading in zip(chain.cases, readings, strict=False):
            entries += 1
            if not case.expected.startswith("!"):
                expected += 1
                right += describe(reading, chain.items) == case.expected
        entries += max(0, len(chain.cases) - len(readings))
        expected += sum(not case.expected.startswith("!") for case in chain.cases[len(readings) :])
    return entries, expected, right
