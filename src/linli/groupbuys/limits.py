"""How long, how many and how much: each limit once, read by the model's fields, the
services' checks, the API's schemas and the pages' forms alike."""

MAX_TITLE = 100
MAX_DESCRIPTION = 2000
MAX_PLACE = 120
MAX_ITEMS = 100
MAX_PRICE_FEN = 10_000_000  # ¥100,000 for one unit is a mistake, not a price
MAX_STOCK = 1_000_000
MAX_THRESHOLD = 1_000_000
#: Lines in one order.
MAX_LINES = 50
#: The most of one item in one order line: a household buys 斤 and 箱, not tonnes.
MAX_LINE_QUANTITY = 999
MAX_NOTE = 200
#: Shares of a help-sell chain are in parts per million of what is shared (decision 0038).
PPM = 1_000_000
