"""How much and how long, once (docs/decisions/0035, 0036)."""

MAX_NAME = 60
MAX_TEXT = 500
#: One note of a report: a few paragraphs.
MAX_NOTE = 4000
#: Rows of one participants' or hosts' sheet.
MAX_ROWS = 100_000
#: Photos: JPEG, PNG or WebP, each at most this big, at most this many per report.
MAX_PHOTO_BYTES = 8 * 1024 * 1024
MAX_PHOTOS = 12
#: Matching: each participant's candidate hosts are the nearest this many within the
#: programme's maximum travel distance (docs/decisions/0035).
CANDIDATES = 24
#: A tag is nested at most this deep.
MAX_TAG_DEPTH = 4
