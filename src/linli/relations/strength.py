"""Strength of every relationship, set-based: one ``INSERT … SELECT`` for the relationships
new interactions started and one ``UPDATE … FROM`` over the sums of all their contacts
(``Contact``: one row per staff member, person and interaction, summed in the order of one
covering index), in SQL, whatever the number of rows (docs/decisions/0033). ``rules.strength`` is the same
formula for one relationship in Python; ``check`` proves the stored values equal it.
"""

import math
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import date

from django.db import connection, transaction

from . import rules
from .limits import half_life_days
from .models import Contact, Interaction, PersonTookPart, Relationship, StaffTookPart

I = Interaction._meta.db_table  # noqa: E741
S = StaffTookPart._meta.db_table
P = PersonTookPart._meta.db_table
R = Relationship._meta.db_table
C = Contact._meta.db_table


def _days(today_param: str = "%s") -> str:
    """Whole days from an interaction's date to ``today`` in this database's dialect."""
    if connection.vendor == "postgresql":
        return f"({today_param}::date - c.happened_on)"
    return f"CAST(julianday({today_param}) - julianday(c.happened_on) AS INTEGER)"


def _scope(staff_ids: Collection[int] | None, person_ids: Collection[int] | None):
    where, params = [], []
    if staff_ids is not None:
        where.append(f"c.staff_id IN ({', '.join(['%s'] * len(staff_ids))})")
        params += list(staff_ids)
    if person_ids is not None:
        where.append(f"c.person_id IN ({', '.join(['%s'] * len(person_ids))})")
        params += list(person_ids)
    return "".join(f" AND {clause}" for clause in where), params


def _sums_sql(today: date, half_life: int, scope: str, scope_params: list) -> tuple[str, list]:
    weight = "CASE c.kind " + " ".join("WHEN %s THEN %s" for _ in rules.WEIGHTS) + " END"
    weight_params = [value for pair in rules.WEIGHTS.items() for value in pair]
    given = ", ".join(["%s"] * len(rules.GIVEN))
    received = ", ".join(["%s"] * len(rules.RECEIVED))
    sql = f"""
        SELECT staff_id, person_id,
               SUM(amount) AS base,
               SUM(CASE WHEN kind IN ({given}) THEN amount ELSE 0 END) AS given,
               SUM(CASE WHEN kind IN ({received}) THEN amount ELSE 0 END) AS received,
               MAX(happened_on) AS last
        FROM (
            SELECT c.staff_id AS staff_id, c.person_id AS person_id, c.kind AS kind,
                   c.happened_on AS happened_on,
                   {weight} * EXP(%s * {_days()}) AS amount
            FROM {C} c
            WHERE c.happened_on <= %s {scope}
        ) contacts
        GROUP BY staff_id, person_id
    """
    params = [
        *sorted(rules.GIVEN),
        *sorted(rules.RECEIVED),
        *weight_params,
        rules.rate(half_life),
        today,
        today,
        *scope_params,
    ]
    return sql, params


def recompute(
    *,
    today: date,
    staff_ids: Collection[int] | None = None,
    person_ids: Collection[int] | None = None,
) -> int:
    """Store the strength on ``today`` of every relationship (or those between ``staff_ids``
    and ``person_ids``), creating those that interactions started. Returns how many rows were
    set. Runs in the caller's transaction, or its own."""
    half_life = half_life_days()
    scope, scope_params = _scope(staff_ids, person_ids)
    sums, params = _sums_sql(today, half_life, scope, scope_params)
    reset_scope = scope.replace("c.staff_id", "staff_id").replace("c.person_id", "person_id")
    whole = staff_ids is None and person_ids is None
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql" and whole:
            # Before anything else: writers that hold rows finish first, new ones wait.
            cursor.execute(f"LOCK TABLE {R} IN EXCLUSIVE MODE")
        cursor.execute(
            f"""
            INSERT INTO {R} (staff_id, person_id, strength, strength_on)
            SELECT DISTINCT c.staff_id, c.person_id, 0.0, %s
            FROM {C} c
            WHERE c.happened_on <= %s {scope}
            ON CONFLICT (staff_id, person_id) DO NOTHING
            """,
            [today, today, *scope_params],
        )
        # Concurrent writers: the rows are locked before the sums are read, so the sums (a
        # statement of their own, with a fresh snapshot under READ COMMITTED) see every
        # interaction committed before the lock was granted. In id order, so two calls over
        # overlapping rows cannot deadlock; the whole table at once for the daily job.
        if connection.vendor == "postgresql" and not whole:
            cursor.execute(
                f"SELECT id FROM {R} WHERE 1 = 1 {reset_scope} ORDER BY id FOR UPDATE",
                scope_params,
            )
        # Relationships whose interactions are all gone (a person's were anonymised) have none.
        cursor.execute(
            f"UPDATE {R} SET strength = 0.0, strength_on = %s, last_contact_on = NULL "
            f"WHERE 1 = 1 {reset_scope}",
            [today, *scope_params],
        )
        cursor.execute(
            f"""
            UPDATE {R} SET
                strength = sums.base + %s * (
                    CASE WHEN sums.given < sums.received THEN sums.given ELSE sums.received END
                ),
                last_contact_on = sums.last
            FROM ({sums}) sums
            WHERE {R}.staff_id = sums.staff_id AND {R}.person_id = sums.person_id
            """,
            [rules.RECIPROCITY, *params],
        )
        return cursor.rowcount


@dataclass(frozen=True)
class Mismatch:
    staff_id: int
    person_id: int
    stored: float
    recomputed: float
    on: date | None


def contacts_of(staff_id: int, person_id: int) -> list[tuple[str, date]]:
    """The ``(kind, day)`` of every interaction the two took part in."""
    return list(
        Interaction.objects.filter(
            id__in=StaffTookPart.objects.filter(user_id=staff_id).values("interaction_id")
        )
        .filter(id__in=PersonTookPart.objects.filter(person_id=person_id).values("interaction_id"))
        .values_list("kind", "happened_on")
    )


def _all_contacts() -> Iterator[tuple[tuple[int, int], list[tuple[str, date]]]]:
    """Every relationship's contacts, read once in (staff, person) order."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT s.user_id, p.person_id, i.kind, i.happened_on
            FROM {I} i JOIN {S} s ON s.interaction_id = i.id
            JOIN {P} p ON p.interaction_id = i.id
            ORDER BY s.user_id, p.person_id
            """
        )
        key: tuple[int, int] | None = None
        contacts: list[tuple[str, date]] = []
        for staff_id, person_id, kind, day in cursor:
            if (staff_id, person_id) != key:
                if key is not None:
                    yield key, contacts
                key, contacts = (staff_id, person_id), []
            contacts.append((kind, day if isinstance(day, date) else date.fromisoformat(day)))
        if key is not None:
            yield key, contacts


def check(*, tolerance: float = 1e-9) -> tuple[int, list[Mismatch]]:
    """Recompute every stored strength from scratch with ``rules.strength`` (one relationship
    at a time, in Python: a second implementation of the formula) at the day it was stored on;
    returns how many were checked and those that differ."""
    half_life = half_life_days()
    stored = {
        (staff, person): (value, on)
        for staff, person, value, on in Relationship.objects.values_list(
            "staff_id", "person_id", "strength", "strength_on"
        )
    }
    mismatches = []
    seen = set()
    for key, contacts in _all_contacts():
        seen.add(key)
        value, on = stored.get(key, (None, None))
        if value is None or on is None:
            mismatches.append(Mismatch(*key, math.nan, rules.strength(contacts, date.max, 1), on))
            continue
        expected = rules.strength(contacts, on, half_life)
        if not math.isclose(value, expected, rel_tol=tolerance, abs_tol=tolerance):
            mismatches.append(Mismatch(*key, value, expected, on))
    for key, (value, on) in stored.items():
        if key not in seen and value != 0.0:
            mismatches.append(Mismatch(*key, value, 0.0, on))
    return len(stored), mismatches
