"""How much and how long, once: read by the services and the API's schemas."""

#: The most one payment, refund or payout may be: ¥1,000,000.
MAX_AMOUNT_FEN = 100_000_000
MAX_REFERENCE = 100
MAX_MEMO = 200
