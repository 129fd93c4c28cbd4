"""Once a week, each participant behind on their days in a programme of this year gets one
reminder (stored; shown on their page). The week is the Monday of ``today``'s week, so the
job run twice in a week writes nothing the second time."""

from datetime import date, timedelta

from django.db import transaction

from . import selectors
from .models import Programme, Reminder


def send(today: date) -> dict:
    monday = today - timedelta(days=today.weekday())
    with transaction.atomic():
        before = Reminder.objects.filter(week_of=monday).count()
        for programme in Programme.objects.filter(year=today.year):
            late = [
                Reminder(participant_id=s.participant_id, week_of=monday, days_behind=s.behind)
                for s in selectors.behind(programme)
            ]
            Reminder.objects.bulk_create(late, batch_size=2000, ignore_conflicts=True)
        written = Reminder.objects.filter(week_of=monday).count() - before
    return {"week_of": monday.isoformat(), "reminders": written}
