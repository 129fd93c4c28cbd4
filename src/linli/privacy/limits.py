"""Limits of what a member may write here: one constant each, read by the model, the schema
and the form."""

from datetime import timedelta

#: As ``communities.Household.room``.
MAX_ROOM = 20
#: As ``communities.Household.contact_name`` and ``phone``.
MAX_NAME = 60
MAX_PHONE = 20
#: How long a prepared copy waits to be downloaded.
COPY_KEEPS = timedelta(days=7)
#: A household asks for at most this many copies a day.
COPIES_PER_DAY = 3
