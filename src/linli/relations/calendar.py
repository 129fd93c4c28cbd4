"""A staff member's reminders as an iCalendar feed (RFC 5545), one all-day event each."""

from datetime import timedelta

from django.utils import timezone, translation
from icalendar import Calendar, Event

from . import texts
from .models import CalendarFeed, Reminder


def feed_text(feed: CalendarFeed, *, language: str = "zh-hans") -> bytes:
    """The feed's calendar: the staff member's reminders not done, from a month ago on."""
    since = timezone.localdate() - timedelta(days=30)
    found = (
        Reminder.objects.filter(staff_id=feed.staff_id, done_at__isnull=True, due_on__gte=since)
        .select_related("person")
        .order_by("due_on", "pk")[:500]
    )
    calendar = Calendar()
    calendar.add("prodid", "-//Linli//relationship book//ZH")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "邻里 Linli")
    stamp = timezone.now()
    with translation.override(language):
        for reminder in found:
            event = Event()
            event.add("uid", f"linli-reminder-{reminder.pk}@linli")
            event.add("dtstamp", stamp)
            event.add("dtstart", reminder.due_on)
            event.add("dtend", reminder.due_on + timedelta(days=1))
            event.add(
                "summary", texts.reminder(reminder.kind, reminder.person.name, reminder.detail)
            )
            calendar.add_component(event)
    return calendar.to_ical()
