"""The daily list of each staff member, written by the daily job (``tasks.py``) in a few
set-based steps: relationships fading below their level, cadences overdue, birthdays in the
week ahead, and Spring Festival and Mid-Autumn in the two weeks ahead for every relationship a
staff member keeps up (one with a cadence or a level).

Each reminder is keyed by (staff, person, kind, due day), so running the job twice writes
nothing new, and a reminder answered by an interaction (``services.log_interaction``) is not
written again: its cadence now falls due later, and a fading tie's key is the day it fell
below its level.
"""

from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Count

from . import rules, strength
from .limits import FESTIVAL_AHEAD_DAYS, LOOK_AHEAD_DAYS, half_life_days
from .models import Person, Relationship, Reminder

R = Relationship._meta.db_table
T = Reminder._meta.db_table


def _counts(today: date) -> dict[str, int]:
    return dict(
        Reminder.objects.filter(made_on=today)
        .values("kind")
        .annotate(n=Count("id"))
        .values_list("kind", "n")
    )


def _plus_days(day: str, days: str) -> str:
    if connection.vendor == "postgresql":
        return f"({day} + ({days})::integer)"
    return f"date({day}, printf('%%+d days', {days}))"


def _json(*pairs: str) -> str:
    function = "json_build_object" if connection.vendor == "postgresql" else "json_object"
    cast = "::jsonb" if connection.vendor == "postgresql" else ""
    return f"{function}({', '.join(pairs)}){cast}"


def _round(value: str, digits: int) -> str:
    if connection.vendor == "postgresql":
        return f"round(({value})::numeric, {digits})"
    return f"round({value}, {digits})"


def _days_since(day: str) -> str:
    if connection.vendor == "postgresql":
        return f"(%s::date - {day})"
    return f"CAST(julianday(%s) - julianday({day}) AS INTEGER)"


def make(today: date) -> dict[str, int]:
    """Bring every strength to today and write the reminders due; returns how many of each
    kind were new. Each kind is one ``INSERT … SELECT … ON CONFLICT DO NOTHING`` over the
    relationships (birthdays: over the few people whose birthday is this week)."""
    half_life = half_life_days()
    insert = (
        f"INSERT INTO {T} (staff_id, person_id, kind, due_on, detail, made_on) "
        "SELECT staff_id, person_id, %s, {due}, {detail}, %s FROM "
        f"{R} WHERE {{where}} ON CONFLICT (staff_id, person_id, kind, due_on) DO NOTHING"
    )
    # The day a tie fell (or will fall) below its level: rules.strength_now solved for the day.
    fell = _plus_days(
        "strength_on",
        f"CASE WHEN strength > 0 THEN FLOOR({_round(f'LN(strength / keep_above) * {half_life} / LN(2)', 6)}) + 1 ELSE 0 END",
    )
    with transaction.atomic():
        strength.recompute(today=today)
        before = _counts(today)
        with connection.cursor() as cursor:
            cursor.execute(
                insert.format(
                    due=fell,
                    detail=_json(
                        "'strength'",
                        _round(f"strength * EXP(%s * {_days_since('strength_on')})", 2),
                        "'keep_above'",
                        "keep_above",
                    ),
                    where=f"keep_above > 0 AND strength_on IS NOT NULL AND {fell} <= %s",
                ),
                [Reminder.Kind.FADING, rules.rate(half_life), today, today, today],
            )
            due = _plus_days("last_contact_on", "cadence_days")
            cursor.execute(
                insert.format(
                    due=due,
                    detail=_json("'every'", "cadence_days", "'last'", "last_contact_on"),
                    where=f"cadence_days IS NOT NULL AND last_contact_on IS NOT NULL AND {due} <= %s",
                ),
                [Reminder.Kind.CADENCE, today, today],
            )
            for key, day in rules.festivals(today, today + timedelta(days=FESTIVAL_AHEAD_DAYS)):
                cursor.execute(
                    insert.format(
                        due="%s",
                        detail=_json("'festival'", "%s"),
                        where="(cadence_days IS NOT NULL OR keep_above IS NOT NULL)",
                    ),
                    [Reminder.Kind.FESTIVAL, day, key, today],
                )
        soon = {
            person: day
            for person, born in Person.objects.filter(birthday__isnull=False).values_list(
                "pk", "birthday"
            )
            if born is not None
            and (day := rules.next_birthday(born, today)) <= today + timedelta(days=LOOK_AHEAD_DAYS)
        }
        if soon:
            known = Relationship.objects.filter(person_id__in=list(soon), strength__gt=0)
            Reminder.objects.bulk_create(
                [
                    Reminder(
                        staff_id=staff,
                        person_id=person,
                        kind=Reminder.Kind.BIRTHDAY,
                        due_on=soon[person],
                        made_on=today,
                    )
                    for staff, person in known.values_list("staff_id", "person_id")
                ],
                ignore_conflicts=True,
            )
        after = _counts(today)
    counts = {kind: after.get(kind, 0) - before.get(kind, 0) for kind in Reminder.Kind.values}
    counts["total"] = sum(counts.values())
    return counts
