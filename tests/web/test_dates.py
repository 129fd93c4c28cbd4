"""Dates on the pages: ``local_date`` writes what Django's ``date`` filter writes, in Shanghai's
time, for every format the pages use (the common ones written directly)."""

from datetime import UTC, date, datetime

import pytest
from django.utils import dateformat, timezone

from linli.web.jinja import FORMATS, local_date

MOMENT = datetime(2027, 3, 14, 17, 5, tzinfo=UTC)  # 01:05 on 15 March 2027 in Shanghai


@pytest.mark.parametrize("format_string", [*FORMATS, "j M", "N j, Y"])
def test_local_date_writes_what_django_writes(format_string):
    local = MOMENT.astimezone(timezone.get_default_timezone())
    assert local_date(MOMENT, format_string) == dateformat.format(local, format_string)
    if "H" not in format_string:  # a day has no time of day
        day = date(2026, 3, 4)
        assert local_date(day, format_string) == dateformat.format(day, format_string)


def test_a_moment_is_written_in_shanghai_time():
    assert local_date(MOMENT, "Y-m-d") == "2027-03-15"
    assert local_date(MOMENT, "m-d") == "03-15"
    assert local_date(MOMENT, "Y-m") == "2027-03"
    assert local_date(MOMENT) == "2027-03-15 01:05"


def test_a_day_is_at_midnight_when_a_format_wants_the_time():
    assert local_date(date(2026, 3, 4)) == "2026-03-04 00:00"
    assert local_date(date(2026, 3, 4), "m-d H:i") == "03-04 00:00"


def test_nothing_is_written_for_no_date():
    assert local_date(None, "m-d") == ""
