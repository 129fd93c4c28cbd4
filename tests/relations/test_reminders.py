"""The daily list: fading ties, cadences overdue (reset by logging), birthdays, festivals by
the lunar calendar; the job through the worker's clock; the iCalendar feed."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.test import Client
from icalendar import Calendar

from linli.core.clock import jobs
from linli.relations import reminders, rules, services
from linli.relations.models import Reminder

from .conftest import staff_member


def test_festivals_fall_on_their_lunar_dates():
    assert rules.festivals(date(2026, 9, 1), date(2027, 12, 31)) == [
        ("mid_autumn", date(2026, 9, 25)),
        ("spring_festival", date(2027, 2, 6)),
        ("mid_autumn", date(2027, 9, 15)),
    ]
    assert (
        rules.festivals(date(2028, 1, 1), date(2028, 1, 25))
        == [("spring_festival", date(2028, 1, 26))][:0]
    )


def test_a_birthday_on_29_february_falls_on_28_february_in_other_years():
    assert rules.next_birthday(date(1980, 2, 29), date(2027, 2, 1)) == date(2027, 2, 28)
    assert rules.next_birthday(date(1980, 2, 29), date(2028, 2, 1)) == date(2028, 2, 29)


def _log(book, kind, on, person):
    return services.log_interaction(
        actor=book.staff,
        kind=kind,
        happened_on=on,
        person_ids=[person.pk],
        now=datetime.combine(max(on, book.today), time(12), tzinfo=UTC),
    )


def test_an_overdue_cadence_is_on_the_list_until_a_contact_is_logged(book):
    _log(book, "visit", book.today - timedelta(days=40), book.li)
    services.keep_in_touch(actor=book.staff, person_id=book.li.pk, cadence_days=30)
    counts = reminders.make(book.today)
    assert counts["cadence"] == 1
    (reminder,) = Reminder.objects.filter(kind="cadence")
    assert (reminder.staff, reminder.person, reminder.due_on) == (
        book.staff,
        book.li,
        book.today - timedelta(days=10),
    )
    assert reminders.make(book.today)["total"] == 0  # twice the same day: nothing new
    _log(book, "call", book.today, book.li)
    reminder.refresh_from_db()
    assert reminder.done_at is not None
    assert reminders.make(book.today)["cadence"] == 0  # next due in 30 days
    assert reminders.make(book.today + timedelta(days=30))["cadence"] == 1


def test_a_tie_fading_below_its_level_is_on_the_list(book):
    meal = book.today - timedelta(days=200)
    _log(book, "meal", meal, book.zhang)
    services.keep_in_touch(
        actor=book.staff, person_id=book.zhang.pk, cadence_days=None, keep_above=2.0
    )
    counts = reminders.make(book.today)
    assert counts["fading"] == 1
    reminder = Reminder.objects.get(kind="fading")
    # 3 × 0.5^(d/180) < 2 from d = 106 days after the meal.
    assert reminder.due_on == meal + timedelta(days=106)
    assert reminder.detail == {"strength": round(3 * 0.5 ** (200 / 180), 2), "keep_above": 2.0}


def test_birthdays_and_festivals_come_ahead_of_time(book):
    _log(book, "visit", date(2027, 1, 20), book.wang)
    services.keep_in_touch(actor=book.staff, person_id=book.wang.pk, cadence_days=365)
    counts = reminders.make(date(2027, 1, 25))
    assert (counts["festival"], counts["birthday"]) == (1, 0)
    assert Reminder.objects.get(kind="festival").due_on == date(2027, 2, 6)
    # 王建国 was born on 8 March: on the list from a week before.
    assert reminders.make(date(2027, 2, 28))["birthday"] == 0
    assert reminders.make(date(2027, 3, 1))["birthday"] == 1
    assert Reminder.objects.get(kind="birthday").due_on == date(2027, 3, 8)


def test_the_daily_job_runs_on_the_workers_clock():
    assert [job.every for job in jobs() if job.name.endswith("remind_staff")] == [timedelta(days=1)]


def test_the_calendar_feed_lists_reminders_until_revoked(book):
    _log(book, "visit", book.today - timedelta(days=40), book.li)
    services.keep_in_touch(actor=book.staff, person_id=book.li.pk, cadence_days=30)
    reminders.make(book.today)
    feed = services.open_calendar(actor=book.staff)
    response = Client().get(f"/relations/calendar/{feed.token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["SUMMARY"]) == "该联系李芳了（每 30 天）。"
    assert event.decoded("DTSTART") == book.today - timedelta(days=10)
    second = services.open_calendar(actor=book.staff)
    assert Client().get(f"/relations/calendar/{feed.token}.ics").status_code == 404
    services.revoke_calendar(actor=book.staff)
    assert Client().get(f"/relations/calendar/{second.token}.ics").status_code == 404


def test_a_feed_stops_when_its_owner_loses_access(book):
    other = staff_member(username="leaving")
    feed = services.open_calendar(actor=other)
    other.is_staff = False
    other.save()
    assert Client().get(f"/relations/calendar/{feed.token}.ics").status_code == 404


@pytest.mark.parametrize("token", ["x", "a" * 43])
def test_a_made_up_token_finds_nothing(db, token):
    assert Client().get(f"/relations/calendar/{token}.ics").status_code == 404
