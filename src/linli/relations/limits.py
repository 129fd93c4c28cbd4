"""How much and how long, once: read by the models, the rules, the services, the schemas and
the forms (docs/decisions/0033)."""

from django.conf import settings

MAX_NAME = 60
MAX_TEXT = 500
MAX_TAGS = 10
MAX_TAG = 20
#: A keep-in-touch cadence is 1 day to 2 years.
MAX_CADENCE_DAYS = 730
#: The most a single interaction may be worth (¥1,000,000): a typo, not a gift.
MAX_VALUE_FEN = 100_000_000
#: Birthdays and festivals are put on the list this many days ahead.
LOOK_AHEAD_DAYS = 7
FESTIVAL_AHEAD_DAYS = 14
#: A tie at or above this strength counts as "known" on the coverage grid.
KNOWN_STRENGTH = 1.0
#: A post ending within this many days is "leaving soon" on the coverage grid.
LEAVING_DAYS = 45


def half_life_days() -> int:
    return settings.LINLI_RELATIONS["HALF_LIFE_DAYS"]


def official_limit_fen() -> int:
    return settings.LINLI_RELATIONS["OFFICIAL_LIMIT_FEN"]
