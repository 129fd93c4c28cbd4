"""Read the text of a WeChat 接龙 chain: pure Python, no Django, no database.

A chain as WeChat writes it::

    #接龙
    崇明蔬菜团 周六到货
    A. 青菜 4.5元/斤  B. 土鸡蛋 28元/盒
    1.6 晚8点截单

    1. 小王 3-1201 A2 B1
    2、Lily🌸 12#301 青菜x2 不要太老
    3，张阿姨 3栋1单元1201 两盒鸡蛋

The description (everything above the first numbered entry, blank lines or none, a numbered
menu included) names the items, sometimes with a code (``A.``, ``1、``, an emoji); every line
from the first entry on is a chain line, a closing notice (今晚八点截单) too. A chain pasted
onto one line is split into its entries first. Each numbered line is read as: the member's
nickname, an address (building and room) or none (8、阿芳 草莓两盒: the caller finds the
household from the nickname), items with quantities, and whatever is left over (a remark such
as ``不要香菜``); goods written on the unnumbered line under a name are that entry's. A line
that cannot be read carries a :class:`Problem` code and its parameters; the caller turns
those into a message in the reader's language.

Every line is read in time linear in its length (one pass of a few compiled regular
expressions, no backtracking that can blow up), and lines longer than :data:`MAX_LINE` are
refused, not read.
"""

import difflib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

MAX_LINE = 300
MAX_QUANTITY = 999
MAX_LINES = 20_000


class Problem(StrEnum):
    """Why a chain line gave no order."""

    NOTICE = "notice"  # @所有人 … : a message to the group, not an order
    FORM = "form"  # leftover form text: 楼号-房号 姓名 数量
    REMARK = "remark"  # a line without a number: the leader's own remark
    TOO_LONG = "too_long"
    NO_ADDRESS = "no_address"
    NO_ITEMS = "no_items"
    UNKNOWN_ITEM = "unknown_item"
    BAD_QUANTITY = "bad_quantity"
    EMPTY = "empty"


@dataclass(frozen=True)
class CatalogueItem:
    """One item on offer, as the caller knows it (``key`` is the caller's id)."""

    key: int
    name: str
    unit: str = ""


@dataclass(frozen=True)
class Address:
    building: str  # "3", "B": what names the building, upper-case
    unit: str  # "1" for 1单元, or ""
    room: str  # "1201"

    def __str__(self) -> str:
        """As chains write it most: 3-1201, or 3-1-1201 with a unit."""
        return "-".join(part for part in (self.building, self.unit, self.room) if part)


@dataclass
class Reading:
    """One chain line as read."""

    index: int  # 1-based position among the chain lines
    text: str  # the line as written
    number: int | None = None
    nickname: str = ""
    address: Address | None = None
    items: dict[int, int] = field(default_factory=dict)  # item key → quantity
    remark: str = ""
    cancel: bool = False  # the line takes the household's order back: 3-1201 取消
    problem: Problem | None = None
    detail: str = ""  # what the problem is about: the unknown item, the quantity
    # Nothing on the line named the item or a quantity: one of the one item on offer.
    assumed: bool = False

    @property
    def is_order(self) -> bool:
        """An order, or the cancelling of one: a line that names a household and what it
        wants."""
        return self.problem is None


@dataclass
class Chain:
    header: list[str]
    lines: list[Reading]
    codes: dict[str, int]  # alias from the description → item key


# ---------------------------------------------------------------------------------------------
# Text clean-up

_ODD = re.compile("[\ufe0f\ufe0e\u200b\u200c\u200e\u200f\u2060\ufeff‐‑‒–—―−﹣－ー_~～]")


def _odd(match: re.Match) -> str:
    return "" if match.group() in "\ufe0f\ufe0e\u200b\u200c\u200e\u200f\u2060\ufeff" else "-"


# ① … ⑳ number chain lines ("③ 张 3-1203"): NFKC would make them bare digits.
_CIRCLED = {0x2460 + n: f"{n + 1}." for n in range(20)}
_CIRCLED_ANY = re.compile("[\u2460-\u2473]")


# One way of writing a character where members write two: 砂糖桔 and 砂糖橘 are one fruit,
# and relatives in Hong Kong or Taiwan write traditional characters (雞蛋兩盒, 3號樓1201).
# Only characters of goods, units, numbers and addresses, each one character for one.
_ONE_WAY = str.maketrans(
    "桔蕃菓雞鴨鵝魚蝦蘋蘿蔔檸麵飯醬豬筍葉薑蔥個隻條顆塊兩號樓棟單團購訂數",
    "橘番果鸡鸭鹅鱼虾苹萝卜柠面饭酱猪笋叶姜葱个只条颗块两号楼栋单团购订数",
)


def clean(text: str) -> str:
    """Full-width to half-width (NFKC), variation selectors and zero-width marks gone, every
    dash one ``-``, circled numbers ``③`` as ``3.``, a variant or traditional character of
    goods and addresses as the common simplified one (桔 → 橘, 號樓 → 号楼). Latin letters keep
    their case: every pattern here ignores it."""
    if _CIRCLED_ANY.search(text):
        text = text.translate(_CIRCLED)
    text = unicodedata.normalize("NFKC", text).translate(_ONE_WAY)
    return _ODD.sub(_odd, text) if _ODD.search(text) else text


# ---------------------------------------------------------------------------------------------
# Numbers

_DIGIT = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "四": 4, "五": 5}
_DIGIT |= {"六": 6, "七": 7, "八": 8, "九": 9}
CN_NUMBER = "[零〇一二两俩三四五六七八九十百]{1,4}"


def chinese_number(text: str) -> int | None:
    """一 … 九十九, 两, 一百: the numbers people type for quantities; None for anything else."""
    if text == "百" or text == "一百":
        return 100
    if "十" in text:
        tens, _, ones = text.partition("十")
        if "十" in ones or (tens and tens not in _DIGIT) or (ones and ones not in _DIGIT):
            return None
        return _DIGIT.get(tens, 1) * 10 + _DIGIT.get(ones, 0) if tens or ones else 10
    if len(text) == 1 and text in _DIGIT:
        return _DIGIT[text]
    return None


# ---------------------------------------------------------------------------------------------
# Chain lines and numbers

HEADER = re.compile(r"^\s*#\s*(接龙|群接龙|group\s*note|jielong)", re.IGNORECASE)
# "1. ", "2、", "3,", "4:", "5)", "(6)", "【7】" — but not "1.6" (a date) or "10:30" (a time).
NUMBERED = re.compile(
    r"^\s*(?:[(\[【]\s*(?P<b>\d{1,5})\s*[)\]】]|(?P<n>\d{1,5})\s*(?:[.、,:)]|\s)(?!\d))\s*"
)
# "1.12-301 3份": the number run into the address after it (checked by entry_number).
_NUMBERED_TIGHT = re.compile(r"^\s*(\d{1,5})\s*[.、](?=\d)")
FORM_WORDS = re.compile(r"楼号|房号|门牌号|室号|例[:：]|例如|格式|模板|姓名\s*[+-]|数量\s*$")

CANCEL = re.compile(r"取消|不要了|退团|退出|cancel", re.IGNORECASE)
UNITS = "份个斤盒袋箱只瓶包颗棵把块条桶提组套件罐支串杯听扎板根粒张双对打斤两kg公斤g克"
_UNIT_WORD = "(?:公斤|[" + UNITS.replace("kg", "").replace("公斤", "").replace("g", "") + "])"
# kg and g only right after the number, and not as the start of a word: 5kg, not 2 G×3.
# 两 after a space is a number (住户0 两盒), not the unit (3两).
_UNIT = "(?:" + _UNIT_WORD + "|\\s+" + _UNIT_WORD.replace("两", "") + "|(?:kg|g)(?![a-z\\d]))"

# Pack sizes, not quantities: 330ml*24罐, 500g×2袋, 12*250ml, 5斤装, 24罐装, 6瓶/箱, 500ml.
# Letters stand right after the number (330ml, 5l, 500g): "2 G×3" is a number and a code.
_MEASURE = r"(?:ml|l|kg|g|\s*(?:毫升|升|公斤|克))"
_PACK = (
    r"(?P<pack>" + _MEASURE + r"\s*[*x×]\s*\d{1,4}\s*[" + UNITS + r"]?(?:\s*装)?"
    r"|\s*[*x×]\s*\d{1,5}(?:\.\d+)?\s*(?:ml|毫升|升|l|kg|g|克)(?![a-z])"
    r"|\s*[*x×]\s*\d{1,4}\s*[罐瓶包袋听支个盒枚片](?:\s*装)?"
    r"|(?:ml|l|\s*毫升|\s*升)(?![a-z])"
    r"|(?:kg|g|\s*(?:克|公斤|斤|[个枚只粒瓶罐包袋盒片支]))\s*装"
    r"|(?:" + _MEASURE + r"|\s*[个枚只粒瓶罐包袋盒片支斤])\s*/\s*[箱盒袋包提桶])"
)  # after a number (matched with it, so that it costs nothing elsewhere)

# Buildings and rooms: 3号楼1201, 3-1201, 3-1-1201, 3栋1单元1201, 12#301, 3幢502室, b座1203.
_ROOM = r"(?P<room>\d{3,5})(?!\d)\s*(?:室|房|号(?!楼))?"
_BUILDING_WORD = r"(?:号楼|号栋|栋|幢|座|楼|#|号(?=\s*\d{3,5}(?!\d)))"
ADDRESS = re.compile(
    r"(?<![\da-z])(?P<building>\d{1,3}|[a-z]|[一二三四五六七八九十]{1,3}(?=号|栋|幢))\s*"
    + _BUILDING_WORD
    + r"\s*"
    r"(?:(?P<unit>\d{1,2})\s*单元\s*-?\s*)?" + _ROOM + r"|"
    r"(?<![\d.])(?P<building2>\d{1,3}|[a-z])\s*-\s*(?:(?P<unit2>\d{1,2})\s*-\s*)?"
    r"(?P<room2>\d{3,5})(?![\d.])",
    re.IGNORECASE,
)


def entry_number(line: str) -> tuple[int, int] | None:
    """The number of a chain line (cleaned) and where the rest of it starts, or None."""
    match = NUMBERED.match(line)
    if match is not None:
        return int(match["b"] or match["n"]), match.end()
    match = _NUMBERED_TIGHT.match(line)
    if match is not None and ADDRESS.match(line[match.end() :]) is not None:
        return int(match[1]), match.end()
    return None


def read_address(text: str) -> tuple[Address, int, int] | None:
    """The first address in ``text`` (cleaned) and its span."""
    match = ADDRESS.search(text)
    if match is None:
        return None
    building = match["building"] or match["building2"]
    unit = match["unit"] or match["unit2"] or ""
    room = match["room"] or match["room2"]
    if not building.isascii():
        building = str(chinese_number(building) or building)
    address = Address(building.upper().lstrip("0") or "0", unit.lstrip("0"), room.lstrip("0"))
    return address, match.start(), match.end()


def building_key(name: str) -> str:
    """What names a building in our records: "3号楼" → "3", "B座" → "B"."""
    match = re.match(r"\s*(\d{1,3}|[a-z])(?![a-z])", clean(name), re.IGNORECASE)
    return (match[1].upper().lstrip("0") or "0") if match else clean(name).strip().upper()


def room_key(room: str) -> tuple[str, str]:
    """A household's room as (unit, number): "1201" → ("", "1201"), "1单元1201" → ("1",
    "1201"), "1-1201" → ("1", "1201")."""
    text = clean(room)
    numbers = re.findall(r"\d+", text)
    if not numbers:
        return "", text.strip()
    if len(numbers) >= 2:
        return numbers[-2].lstrip("0"), numbers[-1].lstrip("0") or "0"
    return "", numbers[0].lstrip("0") or "0"


# ---------------------------------------------------------------------------------------------
# Items: the names a chain uses for them

# Keycap digits (1️⃣, as menus number items: the digit and U+20E3 once U+FE0F is cleaned away)
# are emoji too.
EMOJI = "(?:[0-9#*]\u20e3|[\U0001f300-\U0001faff\u2600-\u27bf\u2b50\u2b55\u2705\u274c])"
# Sizes said in a word: whichever item's name has a word of a group is named by all of them.
_VARIANTS = (
    ("成人", "大人", "大号", "大份", "成人款", "大"),
    ("儿童", "小孩", "小号", "小份", "儿童款", "童", "小"),
)
_MENU_LINE = re.compile(
    r"^\s*[\[【(]?\s*(?:(?P<letter>[a-z])(?![a-z])|(?P<num>\d{1,2})(?!\d)|(?P<emoji>"
    + EMOJI
    + r"))\s*(?P<tail>套餐|号)?\s*[\]】)]?\s*[.、,:)\s-]?\s*(?P<rest>.*)$",
    re.IGNORECASE,
)
_PRICE = re.compile(r"[¥$]?\s*\d+(?:\.\d+)?\s*(?:元|块|¥)?\s*(?:/\s*\S+)?")


_BRACKETED = re.compile(r"[(\[【][^)\]】]*[)\]】]")
# Characters that are units on their own (公 only in 公斤).
_UNIT_CHARS = set(UNITS.replace("公斤", ""))


def _bare(name: str) -> str:
    return re.sub(r"[\s()\[\]【】]", "", clean(name).lower())


def _best_item(text: str, items: Sequence[CatalogueItem]) -> CatalogueItem | None:
    """The item whose name shares the most characters, in order, with ``text`` (at least two,
    or the whole name), if one item stands out."""
    text = _bare(_PRICE.sub(" ", text))
    scored = []
    for item in items:
        name = _bare(item.name)
        matcher = difflib.SequenceMatcher(None, text, name, autojunk=False)
        size = sum(block.size for block in matcher.get_matching_blocks())
        if size >= 2 or (size and size == len(name)):
            scored.append((size, item))
    scored.sort(key=lambda pair: -pair[0])
    if not scored or (len(scored) > 1 and scored[0][0] == scored[1][0]):
        return None
    return scored[0][1]


# Where a line of the description holds several items: two spaces, ; or |, and a space before
# a code (a letter, 2、) or an emoji (#接龙 蔬菜团 A青菜 B鸡蛋 🍊砂糖桔, pasted onto one line).
_MENU_SPLIT = re.compile(
    r"\s{2,}|[;|]|\s(?=[a-z](?![a-z])|\d{1,2}\s*[、.:)](?!\d)|" + EMOJI + ")", re.IGNORECASE
)
_CODE_ONLY = re.compile(r"\s*[\[【(]?\s*(?:[a-z]|\d{1,2})\s*[\]】)]?\s*[.、,:)-]?\s*", re.I)


def _menu_parts(line: str) -> list[str]:
    parts: list[str] = []
    for part in _MENU_SPLIT.split(line):
        if parts and _CODE_ONLY.fullmatch(parts[-1]):
            parts[-1] += " " + part  # C. 🍚五常大米: the code stays with its item
        else:
            parts.append(part)
    return parts


def menu_codes(description: Iterable[str], items: Sequence[CatalogueItem]) -> dict[str, int]:
    """Codes the description gives items: ``A. 青菜``, ``1、鸡蛋``, ``🍊 砂糖桔``, ``B套餐：…``,
    and any emoji on an item's line. Several may stand on one line (``A青菜  B鸡蛋``)."""
    codes: dict[str, int] = {}
    for raw in description:
        for part in _menu_parts(clean(raw[:MAX_LINE])):
            match = _MENU_LINE.match(part)
            if match is None or not match["rest"]:
                continue
            item = _best_item(match["rest"].lower(), items)
            if item is None:
                continue
            if match["letter"]:
                codes[match["letter"].lower()] = item.key
                codes[match["letter"].lower() + "套餐"] = item.key
            elif match["num"]:
                codes[match["num"] + "号"] = item.key
                codes["第" + match["num"]] = item.key
                if match["tail"] == "套餐":
                    codes[match["num"] + "套餐"] = item.key
            for emoji in re.findall(EMOJI, part):
                codes[emoji] = item.key
    return codes


def _aliases(items: Sequence[CatalogueItem], codes: dict[str, int]) -> tuple[dict, dict]:
    """(names of two characters or more, single characters) → item key.

    Names come in levels, each overriding the one before: single characters of a product's
    name, then the pieces it starts with, then the pieces it ends with (大米 for 五常大米; the
    end of a Chinese name is what it is: 土鸡 is 散养土鸡, not 土鸡蛋), the name without what
    it says in brackets (苹果 for 阿克苏苹果(10斤装)) among them, then variant words (大 for
    成人, 小 for 儿童, 原味 beside 低糖), then whole names, then the codes the description
    gives. A name two items share at one level is nobody's at that level.
    """
    levels: list[list[tuple[str, int]]] = [[], [], [], [], []]
    for item in items:
        name = _bare(item.name)
        levels[0] += [(char, item.key) for char in set(name)]
        base = _bare(_BRACKETED.sub("", clean(item.name)))
        for whole in {name, base}:
            levels[1] += [(whole[:end], item.key) for end in range(2, len(whole))]
            levels[2] += [(whole[start:], item.key) for start in range(1, len(whole) - 1)]
        if base != name and len(base) > 1:
            levels[2].append((base, item.key))
        for group in _VARIANTS:
            if any(word in name for word in group if len(word) > 1):
                levels[3] += [(word, item.key) for word in group]
        levels[3] += [(word, item.key) for word in _variant_words(name, items)]
        levels[4] += [(name, item.key), (clean(item.name).lower().strip(), item.key)]
    levels.append(list(codes.items()))
    names: dict[str, int] = {}
    for level in levels:
        keys: dict[str, set[int]] = {}
        for alias, key in level:
            keys.setdefault(alias, set()).add(key)
        for alias, found in keys.items():
            if len(found) == 1:
                names[alias] = found.pop()
            else:
                names.pop(alias, None)
    names = {a: k for a, k in names.items() if a.strip() and not a.isdigit()}
    longer = {a: k for a, k in names.items() if len(a) > 1}
    single = {
        a: k
        for a, k in names.items()
        if len(a) == 1 and a not in _UNIT_CHARS and not ("a" <= a <= "z") and a not in "x*+×"
    }
    # Single letters given as codes are names of their own (``A2``).
    single |= {a: k for a, k in codes.items() if len(a) == 1 and "a" <= a <= "z"}
    return longer, single


def _variant_words(name: str, items: Sequence[CatalogueItem]) -> set[str]:
    """What sets this item apart from another that shares the rest of its name: 原味 in
    蒙牛原味酸奶 beside 蒙牛低糖酸奶 (a short word, not a number)."""
    words = set()
    for other in items:
        other_name = _bare(other.name)
        if other_name == name:
            continue
        head = 0
        while head < min(len(name), len(other_name)) and name[head] == other_name[head]:
            head += 1
        tail = 0
        while (
            tail < min(len(name), len(other_name)) - head
            and name[-1 - tail] == other_name[-1 - tail]
        ):
            tail += 1
        word = name[head : len(name) - tail]
        if head + tail >= 2 and 2 <= len(word) <= 4 and not re.search(r"\d", word):
            words.add(word)
    return words


def _trie_pattern(words: Iterable[str]) -> str:
    """One regular expression for many literal words, as a trie, so that matching does not
    try each word in turn; longest words first at every branch."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict) -> str:
        ends = "" in node
        branches = [re.escape(char) + build(child) for char, child in node.items() if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)


@dataclass
class Reader:
    """Reads chain lines against one catalogue (and the codes its description gave)."""

    items: Sequence[CatalogueItem]
    codes: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        longer, single = _aliases(self.items, self.codes)
        self._longer, self._single = longer, single
        letters = sorted(a for a in single if "a" <= a <= "z")
        others = sorted(a for a in single if not ("a" <= a <= "z"))
        item_parts = []
        if longer:
            item_parts.append(r"(?P<item>" + _trie_pattern(longer) + r")")
        if others:
            item_parts.append(r"(?P<one>" + "|".join(map(re.escape, others)) + r")")
        if letters:
            # A code letter stands alone (A2, a 1), or before x2: Ax2.
            item_parts.append(
                r"(?<![a-z])(?P<letter>["
                + "".join(letters)
                + r"])(?![a-z](?<!x)|x(?!\s*(?:\d|"
                + CN_NUMBER
                + ")))"
            )
        # Chinese numbers only before a unit or at the end of a phrase: 两盒, 大米一, not 一起.
        number = (
            r"(?P<num>\d{1,6}(?:\.\d+)?"
            + _PACK
            + "?|"
            + CN_NUMBER
            + r"(?="
            + _UNIT
            + r"|\s|$|[,、;.!)\]】]))"
        )
        parts = [
            *item_parts,
            r"(?P<code>(?<![a-z])[a-z]\s*套餐|(?<!\d)\d{1,2}\s*号(?!楼))",
            r"(?P<mark>[x×*+])\s*(?P<mnum>\d{1,6}|" + CN_NUMBER + r")" + _UNIT + "?",
            number + r"(?P<unit>" + _UNIT + r")?",
        ]
        # Matched against lower-cased text (faster than a case-blind pattern this size).
        self._token = re.compile("|".join(parts))
        self._token_any_case = re.compile("|".join(parts), re.IGNORECASE)
        self._only = self.items[0].key if len(self.items) == 1 else None
        self._names = {item.key: _bare(item.name) for item in self.items}

    # -- one line ------------------------------------------------------------------------------

    def read(self, text: str, index: int = 1) -> Reading:
        phones: list[str] = []
        reading = self._read(text, index, phones)
        for n, phone in enumerate(phones):
            # A phone number is a note for the leader, wherever it stood: never a quantity,
            # never part of the name.
            mark = chr(_PHONE_MARK + n)
            if mark in reading.nickname:
                reading.nickname = _nickname(reading.nickname.replace(mark, " "))
                reading.remark = f"{reading.remark} {phone}".strip()
            reading.remark = reading.remark.replace(mark, phone)
        return reading

    def _read(self, text: str, index: int, phones: list[str]) -> Reading:
        reading = Reading(index=index, text=text)
        if len(text) > MAX_LINE:
            reading.problem = Problem.TOO_LONG
            return reading
        line = clean(text).strip()
        if "\n" in line:
            # An entry with its goods on the next line (8、阿芳 / 草莓两盒): one line.
            line = line.replace("\n", " ")
        numbered = entry_number(line)
        if numbered is None:
            reading.problem = Problem.NOTICE if line.startswith("@") else Problem.REMARK
            return reading
        reading.number, start = numbered
        body = _PHONE.sub(lambda found: _hide(found, phones), line[start:])
        if not body.strip():
            reading.problem = Problem.EMPTY
            return reading
        if "@" in body:
            reading.problem = Problem.NOTICE
            return reading
        if FORM_WORDS.search(body):
            reading.problem = Problem.FORM
            return reading
        found = read_address(body)
        if found is None:
            # No building and room: the items may still be read (8、阿芳 草莓两盒); the caller
            # finds the household from the nickname, through the community's nickname book.
            tokens = self._tokens(body)
            first = self._goods_start(tokens, ("text", "one"), body)
            if first is None:
                cancel = CANCEL.search(body)
                if cancel is not None and _nickname(body[: cancel.start()]):
                    # 8. 阿芳 取消: the caller finds whose order it takes back from the nickname.
                    reading.nickname = _nickname(body[: cancel.start()])
                    reading.cancel = True
                    reading.remark = _plain(CANCEL.sub(" ", body[cancel.end() :]))
                    return reading
                reading.nickname = _nickname(body)
                reading.problem = Problem.NO_ADDRESS
                return reading
            reading.nickname = _nickname("".join(t[3] for t in tokens[:first]))
            self._read_items(reading, tokens[first:], "各" in body)
            if reading.problem is not None or not reading.nickname:
                reading.problem = reading.problem or Problem.NO_ADDRESS
                reading.items = {}
            return reading
        reading.address, start, end = found
        before, after = body[:start], body[end:]
        after_tokens = self._tokens(after)
        if any(kind != "text" for kind, *_ in after_tokens):
            reading.nickname = _nickname(before)
            tokens = after_tokens
            named = None if reading.nickname else self._named_after(after)
            if named is not None:
                # 8-1101 小王 砂糖橘10斤: the name follows the address.
                reading.nickname, tokens = named
        else:
            tokens = self._tokens(before)
            # Single characters before the address are a name (小 明 3-1201), unless they
            # touch a number (桔3 3-1201).
            first = self._goods_start(tokens, ("text", "one"), body)
            first = len(tokens) if first is None else first
            reading.nickname = _nickname("".join(t[3] for t in tokens[:first]))
            tokens = tokens[first:] + after_tokens
        self._read_items(reading, tokens, "各" in body)
        return reading

    def _named_after(self, after: str) -> tuple[str, list[tuple]] | None:
        """The name and the tokens of the goods when the first word after the address is a
        name: a short word naming no item, with no figure, a space, then the goods (小王
        砂糖橘10斤, 张三 鸡蛋2), not a word right against them (要两盒) nor one that cancels."""
        found = _WORD_THEN_MORE.match(after)
        if found is None:
            return None
        word = found[1].strip(_TRIM)
        if (
            not word
            or any(ch.isdigit() for ch in word)
            or CANCEL.search(word)
            or "各" in word
            or any(
                t[0] in ("item", "one", "code", "pack") or (t[0] == "num" and t[2] is not None)
                for t in self._tokens(found[1])
            )
        ):
            return None
        goods = self._tokens(after[found.end() :])
        first = next((t for t in goods if t[0] != "text" or _unmarked(t[3]).strip()), None)
        if first is None or first[0] not in ("item", "num", "one"):
            return None
        return _nickname(word), goods

    def _goods_start(self, tokens: list[tuple], names: tuple[str, ...], said: str) -> int | None:
        """Where the goods start among the tokens before them: the first token not of the
        kinds in ``names`` (a single character next to a number is goods: 大1). A number
        stuck to the name before it (住户0, Lily2) and not to an item after it is part of the
        name, unless it can be the one item's quantity (one item on offer, none named, and
        the line does not cancel)."""
        named = any(t[0] == "item" for t in tokens)
        glue = named or self._only is None or CANCEL.search(said) is not None
        for n, t in enumerate(tokens):
            if t[0] in names and not (t[0] == "one" and _touches(tokens, n, "num")):
                continue
            following = tokens[n + 1] if n + 1 < len(tokens) else None
            if (
                t[0] == "item"
                and len(t[3]) == 1
                and t[3].isascii()
                and following is not None
                and following[0] == "text"
                and following[4] == t[5]
                and following[3][:1].strip(_TRIM)
            ):
                continue  # A宝妈: a letter that starts a name is not a code
            if (
                glue
                and t[0] == "num"
                and t[2] is None
                and t[3][:1].isdigit()
                and n
                and tokens[n - 1][0] == "text"
                and tokens[n - 1][5] == t[4]
                and tokens[n - 1][3][-1:].strip(_TRIM)
                and not (
                    n + 1 < len(tokens)
                    and tokens[n + 1][0] in ("item", "one")
                    and tokens[n + 1][4] == t[5]
                )
            ):
                continue
            return n
        return None

    def _counted(self, tokens: list[tuple], n: int) -> bool:
        """Whether the single character at ``n`` has a number next to it: right against it,
        across a space (橙 10), or across the rest of its item's name (母蟹x4, 柚子2个)."""
        if _touches(tokens, n, "num"):
            return True
        name = self._names[tokens[n][1]]
        for step in (1, -1):
            gap, beyond = n + step, n + 2 * step
            if not (0 <= beyond < len(tokens)) or tokens[gap][0] != "text":
                continue
            if tokens[beyond][0] != "num":
                continue
            said = tokens[gap][3]
            if said.isspace() and len(said) <= 2:
                return True
            if (
                step == 1
                and said == said.strip()
                and len(said) <= 3
                and (said in name or said == "子")
            ):
                return True
        return False

    def goods(self, text: str) -> bool:
        """Whether a line without a number says only what someone wants (草莓两盒, 🍓x2; 2盒
        when one item is on offer): the goods of the entry above it, on a line of their own."""
        if len(text) > MAX_LINE:
            return False
        line = clean(text).strip()
        if not line or "@" in line or entry_number(line) is not None or FORM_WORDS.search(line):
            return False
        tokens = self._tokens(line)
        if any(
            t[0] == "item" or (t[0] == "one" and _touches(tokens, n, "num"))
            for n, t in enumerate(tokens)
        ):
            return True
        said = "".join(t[3] for t in tokens if t[0] == "text")
        return (
            self._only is not None
            and any(t[0] == "num" for t in tokens)
            and not said.strip(_TRIM + "各共要")
        )

    def _tokens(self, text: str) -> list[tuple]:
        """(kind, value, extra, raw, start, end) for items, codes, numbers and text between."""
        tokens: list[tuple] = []
        append = tokens.append
        position = 0
        lower = text.lower()
        scan = self._token.finditer(lower) if len(lower) == len(text) else None
        for match in scan or self._token_any_case.finditer(text):
            start, end = match.span()
            if start > position:
                chunk = text[position:start]
                append(("text", chunk, None, chunk, position, start))
            raw, group = text[start:end], match.lastgroup
            if group == "item":
                append(("item", self._longer[raw.lower()], None, raw, start, end))
            elif group == "one":
                # An emoji the description gave an item names it anywhere.
                kind = "item" if raw in self.codes else "one"
                append((kind, self._single[raw.lower()], None, raw, start, end))
            elif group == "letter":
                append(("item", self._single[raw.lower()], None, raw, start, end))
            elif group == "code":
                append(("code", re.sub(r"\s", "", raw), None, raw, start, end))
            elif group == "mnum":
                append(("num", _number(match["mnum"]), "mark", raw, start, end))
            elif match["pack"] is not None:
                append(("pack", raw, None, raw, start, end))
            else:
                append(("num", _number(match["num"]), match["unit"], raw, start, end))
            position = end
        if position < len(text):
            tokens.append(("text", text[position:], None, text[position:], position, len(text)))
        return tokens

    def _read_items(self, reading: Reading, tokens: list[tuple], each: bool = True) -> None:
        """Items and quantities from the tokens after the name and address; ``each``: the
        line says 各 (苹果、香梨各一箱)."""
        # 取消 without a quantity takes the household's order back (草莓取消 too).
        if not any(t[0] == "num" or t[0] == "code" for t in tokens):
            said = "".join(t[3] for t in tokens)
            if CANCEL.search(said):
                reading.cancel = True
                reading.remark = _plain(CANCEL.sub(" ", said))
                return
        tokens = _merge_singles(tokens)

        # Single characters name an item only next to a number (3桔, 原1, (2桔), 橙 10,
        # 柚子2个, 母蟹x4), or when item names are all the line says (桔, 橙 柚).
        if any(t[0] == "one" for t in tokens):
            alone = [t for t in tokens if t[0] != "text" or t[3].strip(_TRIM)]
            if all(t[0] in ("one", "item", "num") for t in alone):
                tokens = [("item", *t[1:]) if t[0] == "one" else t for t in tokens]
            counted = _before_each(tokens) if each else set()
            tokens = [
                ("item", *token[1:])
                if token[0] == "one" and (n in counted or self._counted(tokens, n))
                else token
                for n, token in enumerate(tokens)
            ]
            tokens = [
                ("text", token[3], None, *token[3:]) if token[0] == "one" else token
                for token in tokens
            ]
        # One pass: a Chinese number without a unit counts only right against an item (大米一;
        # in 张三 鸡蛋2 the 三 is part of a name); spaces go; a code no item has stops here.
        kept: list[tuple] = []
        packed = False  # a pack size just left out: the text either side of it is one
        for n, t in enumerate(tokens):
            kind = t[0]
            if kind == "pack":
                packed = True
                continue
            if kind == "text":
                if t[3].isspace():
                    continue
                if packed and kept and kept[-1][0] == "text":
                    last = kept.pop()
                    t = ("text", last[3] + t[3], None, last[3] + t[3], last[4], t[5])
            elif kind == "num":
                after_each = (
                    each
                    and bool(kept)
                    and kept[-1][0] == "text"
                    and kept[-1][3].rstrip()[-1:] == "各"
                )
                if (
                    t[2] is None
                    and not t[3][:1].isdigit()
                    and not _touches(tokens, n, "item")
                    and not after_each
                ):
                    t = ("text", t[3], None, *t[3:])
            elif kind == "code":
                reading.problem, reading.detail = Problem.UNKNOWN_ITEM, t[1]
                return
            packed = False
            kept.append(t)
        tokens = _each(kept) if each else kept
        spoken = [(n, t) for n, t in enumerate(tokens) if t[0] == "item"]
        used: set[int] = set()
        absorbed: set[int] = set()
        wanted: dict[int, int] = {}
        quantities: list[tuple[int, object]] = []
        if spoken:
            # Numbers go before the names (3桔2贡, 2份青菜) when the line starts that way;
            # otherwise after them (青菜2 鸡蛋1, A套餐1份).
            first = next(n for n, t in enumerate(tokens) if t[0] in ("item", "num"))
            prefix = tokens[first][0] == "num"
            for n, token in spoken:
                near = _quantity_for(tokens, n, used, prefix, absorbed)
                if near >= 0:
                    used.add(near)
                    quantities.append((token[1], tokens[near][1]))
                else:
                    quantities.append((token[1], 1))
        elif self._only is not None:
            near = next((n for n, t in enumerate(tokens) if t[0] == "num"), -1)
            if near >= 0:
                used.add(near)
            reading.assumed = near < 0
            quantities.append((self._only, tokens[near][1] if near >= 0 else 1))
        else:
            reading.problem = Problem.NO_ITEMS
            reading.remark = _plain("".join(t[3] for t in tokens))
            return
        for key, quantity in quantities:
            if not isinstance(quantity, int) or not 0 < quantity <= MAX_QUANTITY:
                reading.problem, reading.detail = Problem.BAD_QUANTITY, str(quantity)
                return
            wanted[key] = wanted.get(key, 0) + quantity
            if wanted[key] > MAX_QUANTITY:
                reading.problem, reading.detail = Problem.BAD_QUANTITY, str(wanted[key])
                return
        reading.items = wanted
        # Text right against an item that is part of its name (口罩 in 成人口罩2) is not a remark.
        for n, token in spoken:
            for k in (n - 1, n + 1):
                if 0 <= k < len(tokens) and tokens[k][0] == "text":
                    touching = tokens[k][5] == token[4] or tokens[k][4] == token[5]
                    if touching and _plain(tokens[k][3]) in self._names[token[1]]:
                        absorbed.add(k)
        left = [
            t
            for n, t in enumerate(tokens)
            if (t[0] == "text" and n not in absorbed) or (t[0] == "num" and n not in used)
        ]
        # Pieces that stood side by side stay together: 18:00后送, not 18 : 00 后送.
        reading.remark = _plain(
            "".join(
                ("" if n and left[n - 1][5] == t[4] else " ") + t[3] for n, t in enumerate(left)
            )
        )


_EACH_SEPARATORS = " ,、/&和及"


def _before_each(tokens: list[tuple]) -> set[int]:
    """The names that a 各 and a number after them count (虾 带鱼 各1斤): the tokens before it,
    back to anything but names and separators."""
    found: set[int] = set()
    for n, token in enumerate(tokens):
        if not (token[0] == "text" and token[3].rstrip().endswith("各")):
            continue
        after = next((t for t in tokens[n + 1 : n + 3] if not t[3].isspace()), None)
        if after is None or after[0] != "num":
            continue
        k = n - 1
        while k >= 0 and (
            tokens[k][0] in ("item", "one")
            or (tokens[k][0] == "text" and not tokens[k][3].strip(_EACH_SEPARATORS))
        ):
            found.add(k)
            k -= 1
    return found


def _each(tokens: list[tuple]) -> list[tuple]:
    """苹果、香梨各一箱: the number after 各 is each item's before it that has none of its own
    (the number is copied after each; 各 goes)."""
    if not any(t[0] == "text" and t[3].rstrip().endswith("各") for t in tokens):
        return tokens
    result: list[tuple] = []
    for n, token in enumerate(tokens):
        following = tokens[n + 1] if n + 1 < len(tokens) else None
        if (
            token[0] == "text"
            and token[3].rstrip().endswith("各")
            and following is not None
            and following[0] == "num"
        ):
            run, k = [], len(result) - 1
            while k >= 0 and (
                result[k][0] == "item"
                or (result[k][0] == "text" and not result[k][3].strip(_EACH_SEPARATORS))
            ):
                if result[k][0] == "item" and k < len(result) - 1 and result[k + 1][0] != "num":
                    run.append(k)
                k -= 1
            for k in run:  # from the end, so that the places before stay put
                result.insert(k + 1, following)
            before = token[3].rstrip()[:-1]
            if before.strip(_EACH_SEPARATORS):
                result.append(("text", before, None, before, token[4], token[5] - 1))
            continue
        result.append(token)
    return result


def _touches(tokens: list[tuple], n: int, kind: str) -> bool:
    """Whether the token at ``n`` stands right against a token of ``kind``, with nothing
    between them."""
    before = tokens[n - 1] if n else None
    after = tokens[n + 1] if n + 1 < len(tokens) else None
    return (before is not None and before[0] == kind and before[5] == tokens[n][4]) or (
        after is not None and after[0] == kind and tokens[n][5] == after[4]
    )


def _merge_singles(tokens: list[tuple]) -> list[tuple]:
    """Pieces of one item's name side by side are one mention: 鲜奶 → 鲜牛奶, and 口罩 (成人)
    → 口罩(成人) once, not twice. The same name twice is twice: 🍚🍚."""
    kinds = [t[0] for t in tokens]
    if kinds.count("item") + kinds.count("one") < 2:
        return tokens
    merged: list[tuple] = []
    last_at = -1  # where in ``merged`` the last token that is not spaces or brackets stands
    for token in tokens:
        if token[0] == "text" and not token[3].strip(" ()[]【】"):
            # Spaces and brackets between two pieces of the same name join them.
            merged.append(token)
            continue
        last = merged[last_at] if last_at >= 0 else None
        joins = last is not None and token[0] == last[0] and token[1] == last[1]
        if joins and token[0] == "one" and last is not None and last[5] == token[4]:
            merged[-1] = ("one", last[1], None, last[3] + token[3], last[4], token[5])
        elif joins and token[0] == "item" and last is not None and last[3] != token[3]:
            del merged[last_at + 1 :]
            merged[-1] = ("item", last[1], None, last[3], last[4], token[5])
        else:
            merged.append(token)
            last_at = len(merged) - 1
    return merged


def _quantity_for(
    tokens: list[tuple], n: int, used: set[int], prefix: bool, absorbed: set[int]
) -> int:
    """Which number token (or -1) gives the quantity of the item at ``n``."""

    def free(k: int) -> bool:
        return 0 <= k < len(tokens) and k not in used and tokens[k][0] == "num"

    def item(k: int) -> bool:
        return 0 <= k < len(tokens) and tokens[k][0] == "item"

    if prefix:
        if free(n - 1):
            return n - 1
        # 2份青菜 鸡蛋1: this one has its number after it, unless that number is the next
        # item's own.
        if free(n + 1) and not item(n + 2):
            return n + 1
        return -1
    if free(n + 1):
        return n + 1
    # 成人口罩2包: a few characters of the name that were not part of it, then the number.
    gap = tokens[n + 1][3] if n + 1 < len(tokens) and tokens[n + 1][0] == "text" else " "
    if len(gap) <= 6 and len(gap.split()) == 1 and gap.split()[0] == gap and free(n + 2):
        absorbed.add(n + 1)
        return n + 2
    return -1


def _number(text: str) -> int | str:
    """An integer quantity, or the text when it is not one (1.5, 一百零一)."""
    if text.isdigit():
        return int(text)
    value = chinese_number(text)
    return value if value is not None else text


_TRIM = " ,.;:、，。；：-()[]【】"

#: A mainland mobile number (139 1688 1234, 139-1688-1234), not inside a longer number.
_PHONE = re.compile(r"(?<![\d.])1[3-9]\d(?:[ -]?\d{4}){2}(?![\d.])")
#: The first word of a text, then a space and more.
_WORD_THEN_MORE = re.compile(r"\s*(\S{1,8})\s+(?=\S)")
#: Where a phone number stood while the line is read: a private-use character per number.
_PHONE_MARK = 0xE000


def _unmarked(text: str) -> str:
    """The text without the marks where phone numbers stood."""
    return re.sub("[\ue000-\ue0ff]", "", text)


def _hide(found: re.Match, phones: list[str]) -> str:
    phones.append(found.group())
    return chr(_PHONE_MARK + len(phones) - 1)


def _nickname(text: str) -> str:
    """What stood between the number and the address: spaces squeezed, separators trimmed."""
    return " ".join(text.split()).strip(",.;:、，。；：-").rstrip(" ([【")


def _plain(text: str) -> str:
    """Leftover text as a remark: spaces squeezed, stray punctuation trimmed."""
    return " ".join(text.split()).strip(_TRIM)


def split_chain(text: str, items: Sequence[CatalogueItem] = ()) -> tuple[list[str], list[str]]:
    """(description lines, chain lines). The description ends where the numbered entries
    begin, wherever the blank lines fall: above the first numbered line, unless the numbered
    lines before a fresh ``1.`` are a menu (``1、青菜 4.5元/斤``, no building or room), which
    belongs to the description. A chain pasted onto one line is split into its entries
    first; blank lines go."""
    lines: list[str] = []
    for line in text.splitlines()[:MAX_LINES]:
        lines.extend(_split_line(line))
    lines = lines[:MAX_LINES]
    numbered = []  # (line, number) of the numbered lines
    for n, line in enumerate(lines):
        found = entry_number(clean(line[:24]).lstrip())
        if found is not None:
            numbered.append((n, found[0]))
    if not numbered:
        start = len(lines) if lines and HEADER.match(clean(lines[0])) else 0
        return lines[:start], [line for line in lines[start:] if line.strip()]
    # Runs of numbered lines, each starting where the numbering goes back.
    runs: list[list[tuple[int, int]]] = [[numbered[0]]]
    for n, number in numbered[1:]:
        if number < runs[-1][-1][1]:
            runs.append([])
        runs[-1].append((n, number))
    first = 0
    while (
        first + 1 < len(runs)
        and runs[first + 1][0][1] == 1
        and len(runs[first]) <= 30
        and all(_menu_line(lines[n], items) for n, _number in runs[first])
    ):
        first += 1
    start = runs[first][0][0]
    return lines[:start], [line for line in lines[start:] if line.strip()]


_PRICE_SAID = re.compile(r"\d\s*(?:元|块|rmb)|[¥$]\s*\d|/\s*(?:[" + UNITS + r"]|kg)", re.IGNORECASE)


def _menu_line(line: str, items: Sequence[CatalogueItem]) -> bool:
    """A numbered line of a menu: no building and room, and a price, or an item's name and
    no number (``2、土鸡蛋 28元/盒``, ``3、五常大米``)."""
    text = clean(line[:MAX_LINE])
    found = entry_number(text.lstrip())
    body = text.lstrip()[found[1] :] if found is not None else text
    if read_address(body) is not None:
        return False
    if _PRICE_SAID.search(body):
        return True
    return not re.search(r"[\d+]", body) and (not items or _best_item(body, items) is not None)


# A chain pasted onto one line: "#接龙 草莓 1. 小王 3-1201 +1 2. 李 5-601 +2 3. …" — numbers
# that start the line or follow a space, each one more than the last.
_INLINE_ENTRY = re.compile(
    r"(?:^|\s)(?P<m>[(（\[【]\s*(?P<b>[0-9０-９]{1,5})\s*[)）\]】]"
    r"|(?P<n>[0-9０-９]{1,5})\s*[.、)．）](?![0-9０-９])|(?P<c>[①-⑳]))"
)


def _split_line(line: str) -> list[str]:
    """The entries of a line that holds a chain, in order (what stood before the first one
    too, as a line of its own); any other line as it is."""
    if len(line) < 12:
        return [line]
    marks = []  # (start, number)
    for match in _INLINE_ENTRY.finditer(line):
        number = match["b"] or match["n"]
        marks.append((match.start("m"), int(number) if number else ord(match["c"]) - ord("①") + 1))
    if len(marks) < 2:
        return [line]
    # The sequence starts at the last place the numbering goes back (a menu "1、… 2、…"
    # may stand before the entries), then takes each next number in turn.
    # A line that starts with its own number goes on from it: in "1. 王 3-1201 鸡蛋2 (1)不要
    # 破的 (2)放门口" the (1) (2) are a remark.
    at_start = not line[: marks[0][0]].strip()
    begin = 0
    if not at_start:
        begin = max((k for k in range(1, len(marks)) if marks[k][1] <= marks[k - 1][1]), default=0)
    sequence = [marks[begin]]
    for mark in marks[begin + 1 :]:
        if mark[1] == sequence[-1][1] + 1:
            sequence.append(mark)
    if len(sequence) < (3 if at_start else 2):
        return [line]
    cuts = [0, *(position for position, _number in sequence), len(line)]
    pieces = [line[cuts[k] : cuts[k + 1]].strip() for k in range(len(cuts) - 1)]
    return [piece for piece in pieces if piece]


@dataclass(frozen=True)
class Row:
    """One household's line in a chain to write."""

    name: str
    building: str
    room: str
    items: dict[int, int]


def write_chain(header: Sequence[str], items: Sequence[CatalogueItem], rows: Iterable[Row]) -> str:
    """A chain as WeChat shows one: the header lines, a blank line, then ``1. name place
    item×quantity unit …`` for each row. :func:`read_chain` reads it back to the same rows."""
    by_key = {item.key: item for item in items}
    position = {item.key: n for n, item in enumerate(items)}
    lines = []
    for number, row in enumerate(rows, start=1):
        unit, room = room_key(row.room)
        place = f"{row.building}{unit + '单元' if unit else ''}{room}"
        wanted = " ".join(
            f"{by_key[key].name}×{quantity}{by_key[key].unit}"
            for key, quantity in sorted(row.items.items(), key=lambda pair: position[pair[0]])
        )
        # A name is the member's to choose; only what would change how the line reads goes.
        name = " ".join(re.sub(r"[@#]", "", row.name).split())
        lines.append(f"{number}. {name} {place} {wanted}".replace("  ", " "))
    return "\n".join([*header, "", *lines]) + "\n"


def read_chain(text: str, items: Sequence[CatalogueItem]) -> Chain:
    """Read a whole chain against the items on offer."""
    header, lines = split_chain(text, items)
    codes = menu_codes(header, items)
    reader = Reader(items, codes)
    readings: list[Reading] = []
    at = 0
    while at < len(lines):
        reading = reader.read(lines[at], len(readings) + 1)
        at += 1
        if reading.problem in (Problem.NO_ITEMS, Problem.NO_ADDRESS) or reading.assumed:
            # A name on the numbered line, the goods on the next, unnumbered one(s): they
            # are the entry's, not remarks of their own.
            text = reading.text
            while at < len(lines) and reader.goods(lines[at]):
                joined = reader.read(text + "\n" + lines[at], reading.index)
                if joined.problem is not None or joined.assumed:
                    break
                text, reading = joined.text, joined
                at += 1
        readings.append(reading)
    return Chain(header=header, lines=readings, codes=codes)
