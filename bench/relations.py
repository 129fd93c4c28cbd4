"""The relationship book at scale: the set-based strength of 100,000 relationships from
2,000,000 interactions, the daily reminder job for 500 staff, and the warmest path between
our staff and a person in a graph of 50,000 people.

On a throwaway database (see ``_common``) this writes, set-based, 500 staff, 50,000 people,
100,000 relationships (each person kept by two staff) and 2,000,000 interactions spread over
two years (20 per relationship, every kind), each with its staff member and person, and
25,000 ties between people. Then:

- :func:`linli.relations.strength.recompute` over everything: the first run (which inserts the
  relationship rows) and a second (which only updates them); then ``linli relations check``'s
  :func:`~linli.relations.strength.check` (the same formula in Python, relationship by
  relationship) over all of them;
- :func:`linli.relations.reminders.make`, the daily job, with a 30-day cadence on every
  relationship and a level on half of them;
- :func:`linli.relations.paths.graph` (reading the book into networkx) and
  :func:`~linli.relations.paths.warmest` from all staff, and from one, to random people:
  p50 and p95.

Targets (issue 16): the recompute under 10 s on SQLite.
"""

import argparse
import random
import sys
import time
from datetime import date

from _common import emit, out, percentile, rounded, say, setup_django, table, throwaway_database

KINDS = (
    "message",
    "call",
    "visit",
    "event",
    "meal",
    "meal_at_home",
    "gift_given",
    "gift_received",
    "favour_given",
    "favour_received",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--interactions", type=int, default=2_000_000)
    parser.add_argument("--relationships", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=50_000)
    parser.add_argument("--staff", type=int, default=500)
    parser.add_argument("--ties", type=int, default=25_000)
    parser.add_argument("--samples", type=int, default=200)
    return parser.parse_args()


def series(vendor: str, n: int) -> str:
    if vendor == "postgresql":
        return f"(SELECT generate_series(1, {n}) AS x) AS s"
    return (
        f"(WITH RECURSIVE s(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM s WHERE x < {n}) "
        "SELECT x FROM s) AS s"
    )


def days_before(vendor: str, today: str, days: str) -> str:
    if vendor == "postgresql":
        return f"(DATE '{today}' - ({days}))"
    return f"date('{today}', '-' || ({days}) || ' days')"


def build(vendor: str, args, today: date) -> dict[str, int]:
    """Everything written with a handful of INSERT … SELECT statements."""
    from django.db import connection, transaction
    from django.utils import timezone

    from linli.accounts.models import User
    from linli.relations.models import (
        Contact,
        Interaction,
        Person,
        PersonTookPart,
        StaffTookPart,
        Tie,
    )

    now = timezone.now()
    users = User.objects.bulk_create(
        User(username=f"staff{n}", is_staff=True, password="!") for n in range(args.staff)
    )
    first_user = min(user.pk for user in users)
    people, pairs, n = args.people, args.relationships, args.interactions
    kind = "CASE (x * 7) % 10 " + " ".join(f"WHEN {i} THEN '{k}'" for i, k in enumerate(KINDS))
    kind += " END"
    # Pair k (0-based): person k % people + 1; staff k // people · (staff / 2) + k % (staff / 2).
    half = args.staff // 2
    pair = f"((x - 1) % {pairs})"
    person = f"({pair} % {people} + 1)"
    staff = f"({first_user} + ({pair} / {people}) * {half} + {pair} % {half})"
    with transaction.atomic(), connection.cursor() as cursor:
        say(f"{people:,} people")
        cursor.execute(
            f"INSERT INTO {Person._meta.db_table} (id, name, pinyin, initials, phone, wechat, "
            "email, notes, tags, created_at) "
            f"SELECT x, 'p' || x, 'p' || x, 'p', '', '', '', '', '', %s FROM {series(vendor, people)}",
            [now],
        )
        say(f"{n:,} interactions")
        cursor.execute(
            f"INSERT INTO {Interaction._meta.db_table} (id, kind, happened_on, place, notes, "
            "value_fen, logged_at, review, review_note, anonymised) "
            f"SELECT x, {kind}, {days_before(vendor, today.isoformat(), '(x * 37) % 730')}, "
            f"'', '', 0, %s, '', '', FALSE FROM {series(vendor, n)}",
            [now],
        )
        cursor.execute(
            f"INSERT INTO {StaffTookPart._meta.db_table} (interaction_id, user_id) "
            f"SELECT x, {staff} FROM {series(vendor, n)}"
        )
        cursor.execute(
            f"INSERT INTO {PersonTookPart._meta.db_table} (interaction_id, person_id) "
            f"SELECT x, {person} FROM {series(vendor, n)}"
        )
        cursor.execute(
            f"INSERT INTO {Contact._meta.db_table} (interaction_id, staff_id, person_id, kind, "
            f"happened_on) SELECT x, {staff}, {person}, {kind}, "
            f"{days_before(vendor, today.isoformat(), '(x * 37) % 730')} FROM {series(vendor, n)}"
        )
    rng = random.Random(16)
    ties = {
        (a, b)
        for a, b in (
            (rng.randrange(1, people + 1), rng.randrange(1, people + 1)) for _ in range(args.ties)
        )
        if a != b
    }
    Tie.objects.bulk_create(
        [Tie(person_id=a, other_id=b, kind="colleague") for a, b in ties], batch_size=5000
    )
    if vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
            for model in (Person, Interaction):
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {model._meta.db_table}))"
                )
    else:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {"users": len(users), "first_user": first_user}


def main() -> int:
    args = parse_args()
    with throwaway_database("relations") as db:
        setup_django()
        from django.utils import timezone

        from linli.relations import paths, reminders, strength
        from linli.relations.models import Relationship

        today = timezone.localdate()
        started = time.perf_counter()
        built = build(db.vendor, args, today)
        say(f"built in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        first = strength.recompute(today=today)
        first_s = time.perf_counter() - started
        say(f"recompute (inserting) {first:,} in {first_s:.1f} s")
        started = time.perf_counter()
        second = strength.recompute(today=today)
        second_s = time.perf_counter() - started
        say(f"recompute (updating) {second:,} in {second_s:.1f} s")
        started = time.perf_counter()
        checked, wrong = strength.check()
        check_s = time.perf_counter() - started
        say(f"check {checked:,}: {len(wrong)} differ, {check_s:.1f} s")

        Relationship.objects.update(cadence_days=30)
        Relationship.objects.filter(person_id__lte=args.people // 2).update(keep_above=5.0)
        started = time.perf_counter()
        counts = reminders.make(today)
        remind_s = time.perf_counter() - started
        say(f"reminders {counts} in {remind_s:.1f} s")

        started = time.perf_counter()
        graph = paths.graph(today)
        graph_s = time.perf_counter() - started
        rng = random.Random(7)
        targets = [rng.randrange(1, args.people + 1) for _ in range(args.samples)]
        from_all, from_one, found = [], [], 0
        for target in targets:
            t0 = time.perf_counter()
            found += paths.warmest(graph, target) is not None
            from_all.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            paths.warmest(graph, target, from_staff=built["first_user"])
            from_one.append((time.perf_counter() - t0) * 1000)
        say(f"graph of {graph.number_of_nodes():,} nodes in {graph_s:.1f} s")
        # A path request as the selector makes it: the book's signature, and the graph read
        # only when that changed (the first request reads it, the rest search it again).
        paths.warmest_today(today, targets[0])
        requests = []
        for target in targets:
            t0 = time.perf_counter()
            paths.warmest_today(today, target)
            requests.append((time.perf_counter() - t0) * 1000)

    out.print(
        table(
            f"Relationship book on {db.label}",
            ["what", "rows", "seconds"],
            [
                ["recompute, first (inserts relationships)", f"{first:,}", f"{first_s:.2f}"],
                ["recompute, again (updates)", f"{second:,}", f"{second_s:.2f}"],
                ["check (Python, one by one)", f"{checked:,}", f"{check_s:.2f}"],
                [f"daily reminders, {args.staff} staff", f"{counts['total']:,}", f"{remind_s:.2f}"],
                ["graph read into networkx", f"{graph.number_of_nodes():,}", f"{graph_s:.2f}"],
            ],
        )
    )
    out.print(
        table(
            f"Warmest path, {args.samples} people of {args.people:,} (ms)",
            ["from", "p50", "p95"],
            [
                ["all staff", f"{percentile(from_all, 50):.1f}", f"{percentile(from_all, 95):.1f}"],
                [
                    "one staff member",
                    f"{percentile(from_one, 50):.1f}",
                    f"{percentile(from_one, 95):.1f}",
                ],
                [
                    "a request, book unchanged",
                    f"{percentile(requests, 50):.1f}",
                    f"{percentile(requests, 95):.1f}",
                ],
            ],
        )
    )
    emit(
        {
            "bench": "relations",
            "database": db.vendor,
            "interactions": args.interactions,
            "relationships": second,
            "recompute_first_s": rounded(first_s, 2),
            "recompute_s": rounded(second_s, 2),
            "check_s": rounded(check_s, 2),
            "check_differ": len(wrong),
            "reminders": counts["total"],
            "reminders_s": rounded(remind_s, 2),
            "graph_nodes": graph.number_of_nodes(),
            "graph_s": rounded(graph_s, 2),
            "path_found": found,
            "path_all_p50_ms": rounded(percentile(from_all, 50), 2),
            "path_all_p95_ms": rounded(percentile(from_all, 95), 2),
            "path_one_p95_ms": rounded(percentile(from_one, 95), 2),
            "path_request_p95_ms": rounded(percentile(requests, 95), 2),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
