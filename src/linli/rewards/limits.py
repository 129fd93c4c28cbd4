"""Lengths and bounds, read by the models, the schemas and the forms."""

MAX_NAME = 60
MAX_NOTE = 120
#: The most points or grams one rule may give, or a perk may cost.
MAX_AMOUNT = 1_000_000
#: The most rows of a history an API answer shows (a page shows fewer, and links to more).
HISTORY = 50
