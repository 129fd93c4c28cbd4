"""How much and how long, once: read by the model, the services, the API's schemas and the
forms (docs/decisions/0025)."""

from datetime import timedelta

from django.conf import settings

MAX_NOTE = 500
MAX_REASON = 300
MAX_PHOTOS = 3
#: The largest photo taken, as sent (5 MB).
MAX_PHOTO_BYTES = 5 * 1024 * 1024
#: The most pixels a photo may decode to (a small file may decode to a huge image).
MAX_PHOTO_PIXELS = 40_000_000
#: Photos are kept at most this many pixels on their longer side.
KEEP_PHOTO_SIDE = 2048
#: The complaint rate looks back this far.
RATE_DAYS = 90


def report_window() -> timedelta:
    """How long after collecting goods a member may report a problem with them."""
    return timedelta(hours=settings.LINLI_AFTER_SALES["REPORT_HOURS"])


def decide_window() -> timedelta:
    """How long the leader has to decide a report before an operator takes it."""
    return timedelta(hours=settings.LINLI_AFTER_SALES["DECIDE_HOURS"])
