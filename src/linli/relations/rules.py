"""Pure decisions of the relationship book: the strength of a tie, what is fading or overdue,
which festivals fall when, who counts as a public official, and what a gift to one needs.

**Strength** (docs/decisions/0033). For one relationship (a staff member and a person) and a
day ``today``, over the interactions both took part in on or before ``today``::

    decay(i)  = 0.5 ** ((today - i.day) / half_life)
    base      = Σ weight(i.kind) · decay(i)
    given     = Σ weight(i.kind) · decay(i)   over gifts and favours we gave
    received  = Σ weight(i.kind) · decay(i)   over gifts and favours they gave
    strength  = base + RECIPROCITY · min(given, received)

Each interaction adds weight by its kind (a meal at home counts ten times a message); services
given both ways (人情 returned) add a bonus on the smaller side, so a one-sided stream of gifts
is worth only its base; and everything halves every ``half_life`` days without contact. So:
adding an interaction of any kind never lowers the strength (both sums and their minimum only
grow), and time with no interaction never raises it (every term shrinks by the same factor).
"""

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from lunardate import LunarDate

from .limits import KNOWN_STRENGTH, LEAVING_DAYS
from .models import Interaction, Organisation, Post

K = Interaction.Kind

#: What one interaction of each kind adds (Granovetter's time, intensity, intimacy).
WEIGHTS: dict[str, float] = {
    K.MESSAGE: 0.5,
    K.CALL: 1.0,
    K.VISIT: 2.0,
    K.EVENT: 1.5,
    K.MEAL: 3.0,
    K.MEAL_AT_HOME: 5.0,
    K.GIFT_GIVEN: 2.0,
    K.GIFT_RECEIVED: 2.0,
    K.FAVOUR_GIVEN: 3.0,
    K.FAVOUR_RECEIVED: 3.0,
}
GIVEN = frozenset({K.GIFT_GIVEN, K.FAVOUR_GIVEN})
RECEIVED = frozenset({K.GIFT_RECEIVED, K.FAVOUR_RECEIVED})
#: How much the smaller side of services given and received adds again.
RECIPROCITY = 1.0

#: Organisations whose people are public officials, and the levels that are government ranks.
GOVERNMENT = frozenset(
    {
        Organisation.Kind.RESIDENTS_COMMITTEE,
        Organisation.Kind.STREET_OFFICE,
        Organisation.Kind.DISTRICT_BUREAU,
    }
)
RANKS = frozenset({Post.Level.CLERK, Post.Level.SECTION, Post.Level.DIVISION, Post.Level.BUREAU})
#: Interactions that may buy favour from an official: checked against the limit.
GUARDED = frozenset({K.MEAL, K.MEAL_AT_HOME, K.GIFT_GIVEN, K.FAVOUR_GIVEN})


def rate(half_life: int) -> float:
    """The exponent per day: ``decay(days) = exp(rate · days)``."""
    return -math.log(2) / half_life


def decay(days: int, half_life: int) -> float:
    """What is left of a contact after ``days``: one half after ``half_life`` days."""
    return math.exp(rate(half_life) * days)


def strength(contacts: Iterable[tuple[str, date]], today: date, half_life: int) -> float:
    """The strength of one relationship on ``today`` from its interactions ``(kind, day)``
    (those after ``today`` do not count yet)."""
    base = given = received = 0.0
    for kind, day in contacts:
        if day > today:
            continue
        amount = WEIGHTS[kind] * decay((today - day).days, half_life)
        base += amount
        if kind in GIVEN:
            given += amount
        elif kind in RECEIVED:
            received += amount
    return base + RECIPROCITY * min(given, received)


def strength_now(stored: float, stored_on: date | None, today: date, half_life: int) -> float:
    """A stored strength brought forward to ``today`` (no interaction in between)."""
    if stored_on is None or stored_on >= today:
        return stored
    return stored * decay((today - stored_on).days, half_life)


def trend(
    contacts: list[tuple[str, date]], today: date, half_life: int, *, weeks: int = 52
) -> list[tuple[date, float]]:
    """The strength at the end of each of the last ``weeks`` weeks, oldest first."""
    days = [today - timedelta(weeks=back) for back in range(weeks, -1, -1)]
    return [(day, strength(contacts, day, half_life)) for day in days]


def fading(current: float, keep_above: float | None) -> bool:
    return keep_above is not None and current < keep_above


def cadence_due(last_contact: date | None, cadence_days: int | None) -> date | None:
    """When the next contact is due (``None``: no cadence, or never in contact)."""
    if cadence_days is None or last_contact is None:
        return None
    return last_contact + timedelta(days=cadence_days)


def next_birthday(birthday: date, today: date) -> date:
    """The next birthday on or after ``today`` (29 February on 28 February in other years)."""
    for year in (today.year, today.year + 1):
        try:
            day = birthday.replace(year=year)
        except ValueError:
            day = date(year, 2, 28)
        if day >= today:
            return day
    raise AssertionError("unreachable")


#: The festivals that matter, as lunar (month, day).
FESTIVALS = {"spring_festival": (1, 1), "mid_autumn": (8, 15)}


def festivals(start: date, end: date) -> list[tuple[str, date]]:
    """The festivals from ``start`` to ``end`` (inclusive), by the lunar calendar."""
    found = []
    for year in range(start.year - 1, end.year + 1):
        for key, (month, day) in FESTIVALS.items():
            when = LunarDate(year, month, day).to_solar_date()
            if start <= when <= end:
                found.append((key, when))
    return sorted(found, key=lambda pair: pair[1])


def is_official(kind: str, level: str) -> bool:
    """Someone in a government office, or with a government rank, is a public official."""
    return kind in GOVERNMENT or level in RANKS


def needs_review(kind: str, value_fen: int, official: bool, limit_fen: int) -> bool:
    """A meal, gift or favour to a public official worth more than the limit is reviewed."""
    return official and kind in GUARDED and value_fen > limit_fen


@dataclass(frozen=True)
class Seat:
    """One person at one level of an organisation, with our best tie to them."""

    person_id: int
    name: str
    level: str
    strength: float
    known_by: int  # how many of our staff are at or above KNOWN_STRENGTH with them
    ends_on: date | None


@dataclass(frozen=True)
class Gap:
    code: str  # nobody, unknown, leaving, single
    level: str
    person: str = ""


def gaps(levels: Iterable[str], seats: list[Seat], today: date) -> list[Gap]:
    """What the coverage grid marks: a level with nobody in our book, a level whose people
    none of us knows, a post whose holder is the only one we know there and leaves soon, and
    an organisation only one of us knows."""
    found = []
    known = [seat for seat in seats if seat.strength >= KNOWN_STRENGTH]
    for level in levels:
        here = [seat for seat in seats if seat.level == level]
        if not here:
            found.append(Gap("nobody", level))
        elif not any(seat.strength >= KNOWN_STRENGTH for seat in here):
            found.append(Gap("unknown", level))
    soon = today + timedelta(days=LEAVING_DAYS)
    if len(known) == 1 and known[0].ends_on is not None and known[0].ends_on <= soon:
        found.append(Gap("leaving", known[0].level, known[0].name))
    elif len(known) == 1 and known[0].known_by == 1:
        found.append(Gap("single", known[0].level, known[0].name))
    return found
