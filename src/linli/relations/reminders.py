"""The daily list of each staff member, written by the daily job (``tasks.py``) in a few
set-based steps: relationships fading below their level, cadences overdue, birthdays in the
week ahead, and Spring Festival and Mid-Autumn in the two weeks ahead for every relationship a
staff member keeps up (one with a cadence or a level).

Each reminder is keyed by (staff, person, kind, due day), so running the job twice writes
nothing new, and a reminder answered by an interaction (``services.log_interaction``) is not
written again: its cadence now falls due later, and a fading tie's key is the day it fell
below its level.
"""

import math
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Count, Q

from . import rules, strength
from .limits import FESTIVAL_AHEAD_DAYS, LOOK_AHEAD_DAYS, half_life_days
from .models import Person, Relationship, Reminder


def _fell_below(value: float, on: date, keep_above: float, half_life: int) -> date:
    """The first day a tie whose strength was ``value`` on ``on`` is below ``keep_above``,
    with no contact in between (a day before ``on`` when it was below already: the same day
    whichever day it is computed from, so the reminder's key does not move)."""
    if value <= 0 or keep_above <= 0:
        return on
    days = round(math.log(value / keep_above) * half_life / math.log(2), 6)
    return on + timedelta(days=math.floor(days) + 1)


def _counts(today: date) -> dict[str, int]:
    return dict(
        Reminder.objects.filter(made_on=today)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )


def make(today: date) -> dict[str, int]:
    """Bring every strength to ``today`` and write the reminders due; returns how many of each
    kind were new."""
    half_life = half_life_days()
    new: list[Reminder] = []
    with transaction.atomic():
        strength.recompute(today=today)
        kept = Relationship.objects.filter(
            Q(cadence_days__isnull=False) | Q(keep_above__isnull=False)
        ).values_list(
            "staff_id",
            "person_id",
            "strength",
            "strength_on",
            "last_contact_on",
            "cadence_days",
            "keep_above",
        )
        coming = rules.festivals(today, today + timedelta(days=FESTIVAL_AHEAD_DAYS))
        for staff, person, value, on, last, cadence, keep_above in kept.iterator(chunk_size=5000):
            if keep_above is not None:
                fell = _fell_below(value, on or today, keep_above, half_life)
                if fell <= today:
                    current = rules.strength_now(value, on, today, half_life)
                    new.append(
                        Reminder(
                            staff_id=staff,
                            person_id=person,
                            kind=Reminder.Kind.FADING,
                            due_on=fell,
                            made_on=today,
                            detail={"strength": round(current, 2), "keep_above": keep_above},
                        )
                    )
            due = rules.cadence_due(last, cadence)
            if due is not None and due <= today:
                new.append(
                    Reminder(
                        staff_id=staff,
                        person_id=person,
                        kind=Reminder.Kind.CADENCE,
                        due_on=due,
                        made_on=today,
                        detail={"every": cadence, "last": last.isoformat() if last else None},
                    )
                )
            for key, day in coming:
                new.append(
                    Reminder(
                        staff_id=staff,
                        person_id=person,
                        kind=Reminder.Kind.FESTIVAL,
                        due_on=day,
                        made_on=today,
                        detail={"festival": key},
                    )
                )
        birthdays = {
            person: rules.next_birthday(born, today)
            for person, born in Person.objects.filter(birthday__isnull=False).values_list(
                "pk", "birthday"
            )
            if born is not None
        }
        soon = {
            person: day
            for person, day in birthdays.items()
            if day <= today + timedelta(days=LOOK_AHEAD_DAYS)
        }
        if soon:
            known = Relationship.objects.filter(person_id__in=list(soon), strength__gt=0)
            for staff, person in known.values_list("staff_id", "person_id"):
                new.append(
                    Reminder(
                        staff_id=staff,
                        person_id=person,
                        kind=Reminder.Kind.BIRTHDAY,
                        due_on=soon[person],
                        made_on=today,
                    )
                )
        before = _counts(today)
        Reminder.objects.bulk_create(new, ignore_conflicts=True, batch_size=2000)
        after = _counts(today)
    counts = {kind: after.get(kind, 0) - before.get(kind, 0) for kind in Reminder.Kind.values}
    counts["total"] = sum(counts.values())
    return counts
