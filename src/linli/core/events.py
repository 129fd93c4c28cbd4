"""Published events: how a lower app tells the apps above it what happened.

A service calls :func:`publish` inside its own transaction, beside the change it describes
(a transactional outbox): if the transaction rolls back there is no event; once it commits,
the worker (``linli worker``) delivers the event to every subscriber, even if the process
that published it dies right after. :func:`publish` writes the event row only; the worker
fans each new event out to a delivery per queued subscriber (:func:`fan_out`, one set-based
statement a batch), so the subscribers an event reaches are those the worker knows when it
fans the event out.

Apps subscribe in their own ``events.py`` (found at start-up, as ``tiles.py`` is)::

    @subscriber("order.placed", "order.cancelled", name="rewards.earn")
    def earn(event: Event) -> None: ...

Delivery is at least once: a handler must be idempotent (key what it writes by
``event.id``).

A subscriber declared ``same_transaction=True`` is not queued: :func:`publish` runs it before
it returns, inside the transaction of the change, so what it writes commits or rolls back
with the change, and an error it raises undoes the change. The ledger charges an order this
way (decision 0018): the group buys publish, the ledger, above them, reacts, and an order is
never stored without its charge. Keep such handlers few and quick; they run on every change.

A queued handler runs in the transaction that marks its delivery done, so what it
writes to the database commits exactly when the delivery does; a handler that raises is
retried with back-off, and after :data:`MAX_ATTEMPTS` tries it is parked for an operator
(``linli jobs``, the admin), without holding up the other deliveries.
"""

import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F
from django.utils import timezone

from .models import Delivery, OutboxEvent

log = logging.getLogger(__name__)

#: Tries before a delivery is parked: back-off 5 s, 10 s, 20 s … about 21 minutes in all.
MAX_ATTEMPTS = 8


@dataclass(frozen=True)
class Event:
    id: int
    name: str
    payload: dict
    at: datetime


@dataclass(frozen=True)
class Subscriber:
    name: str
    events: frozenset[str]
    handle: Callable[[Event], None]
    same_transaction: bool = False


_subscribers: dict[str, Subscriber] = {}


def subscriber(
    *events: str, name: str, same_transaction: bool = False
) -> Callable[[Callable[[Event], None]], Callable]:
    """Declare ``handle`` a subscriber to ``events`` under a stable ``name`` (its deliveries
    are stored by that name, so renaming the function loses nothing); with
    ``same_transaction``, run by :func:`publish` itself inside the change's transaction."""

    def declare(handle: Callable[[Event], None]) -> Callable[[Event], None]:
        _subscribers[name] = Subscriber(
            name=name, events=frozenset(events), handle=handle, same_transaction=same_transaction
        )
        return handle

    return declare


def unsubscribe(name: str) -> None:
    """Take a subscriber away again (tests that declare their own)."""
    _subscribers.pop(name, None)


def subscribers_to(event_name: str) -> list[str]:
    """The names of the queued subscribers to ``event_name`` (the worker delivers to them)."""
    return sorted(
        s.name for s in _subscribers.values() if event_name in s.events and not s.same_transaction
    )


def _in_transaction(event_name: str) -> list[Subscriber]:
    return sorted(
        (s for s in _subscribers.values() if event_name in s.events and s.same_transaction),
        key=lambda s: s.name,
    )


def publish(name: str, payload: dict, *, at: datetime | None = None) -> OutboxEvent:
    """Record that ``name`` happened, in the caller's transaction (which must be open: an
    event outside one could be delivered for a change that never committed), and run the
    ``same_transaction`` subscribers to it. The queued subscribers get it when the worker
    fans it out (:func:`fan_out`)."""
    if not connection.in_atomic_block:
        raise RuntimeError(f"publish({name!r}) outside the transaction of the change")
    event = _write(name, payload, at or timezone.now())
    for now in _in_transaction(name):
        now.handle(Event(event.pk, event.name, event.payload, event.at))
    return event


def _write(name: str, payload: dict, at: datetime) -> OutboxEvent:
    """The outbox write itself: one row (``bench/events.py`` replaces it to measure its cost)."""
    return OutboxEvent.objects.create(name=name, payload=payload, at=at)


#: Batches of events :func:`deliver` fans out at most before it delivers, while the batches
#: are of events no queued subscriber wants (they are only marked fanned out).
FAN_OUT_ROUNDS = 50


def fan_out(*, limit: int = 200, now: datetime | None = None) -> int:
    """Turn up to ``limit`` events not fanned out yet, oldest first, into a pending delivery
    per queued subscriber known now, in one transaction; returns how many events it fanned
    out. On PostgreSQL a worker skips the events another worker is fanning out; a delivery is
    unique per (event, subscriber), and one that exists already is left as it is."""
    return _fan_out(limit, now or timezone.now())[0]


def _fan_out(limit: int, now: datetime) -> tuple[int, int]:
    """(events fanned out, deliveries created)."""
    wanted = sorted(
        (event, s.name)
        for s in _subscribers.values()
        if not s.same_transaction
        for event in s.events
    )
    fresh = OutboxEvent.objects.filter(fanned_out_at__isnull=True).order_by("id")
    if not fresh.exists():  # a look first: on SQLite the transaction takes the write lock
        return 0, 0
    with transaction.atomic():
        if connection.features.has_select_for_update_skip_locked:
            fresh = fresh.select_for_update(skip_locked=True)
        ids = list(fresh.values_list("id", flat=True)[:limit])
        if not ids:
            return 0, 0
        created = 0
        if wanted:
            created = _insert_deliveries(ids, wanted)
        OutboxEvent.objects.filter(pk__in=ids).update(fanned_out_at=now)
    return len(ids), created


def _insert_deliveries(event_ids: list[int], wanted: list[tuple[str, str]]) -> int:
    """One INSERT … SELECT: a pending delivery for each of ``event_ids`` and each subscriber
    ``wanted`` lists beside its name, due when the event happened; none twice."""
    quote = connection.ops.quote_name
    delivery, event = Delivery._meta.db_table, OutboxEvent._meta.db_table
    pairs = ", ".join(["(%s, %s)"] * len(wanted))
    ids = ", ".join(["%s"] * len(event_ids))
    # VALUES names its columns column1, column2 on both databases. No WITH in front: Python's
    # sqlite3 would not count the rows a statement starting with it inserts.
    sql = (
        f"INSERT INTO {quote(delivery)} "
        "(event_id, subscriber, status, attempts, due_at, last_error) "
        f"SELECT e.id, w.column2, %s, 0, e.{quote('at')}, '' "
        f"FROM {quote(event)} e JOIN (VALUES {pairs}) w ON w.column1 = e.name "
        f"WHERE e.id IN ({ids}) ORDER BY e.id, w.column2 "
        "ON CONFLICT DO NOTHING"
    )
    params = [value for pair in wanted for value in pair]
    with connection.cursor() as cursor:
        cursor.execute(sql, [Delivery.Status.PENDING.value, *params, *event_ids])
        return cursor.rowcount


def to_fan_out() -> int:
    """The deliveries the events not fanned out yet will make, to the subscribers known now
    (``linli jobs`` counts them as pending)."""
    waiting = (
        OutboxEvent.objects.filter(fanned_out_at__isnull=True)
        .values_list("name")
        .annotate(n=Count("id"))
        .order_by()
    )
    return sum(n * len(subscribers_to(name)) for name, n in waiting)


def backoff(attempts: int) -> timedelta:
    """How long a delivery waits after its ``attempts``-th failure: 5 s, doubling."""
    return timedelta(seconds=5 * 2 ** (attempts - 1))


def deliver(*, limit: int = 200, now: datetime | None = None) -> int:
    """Fan new events out (:func:`fan_out`), then deliver up to ``limit`` due deliveries, oldest
    first, in one transaction, each handler in a savepoint of its own; returns how many
    deliveries were tried. Workers on PostgreSQL skip the rows another worker holds; on
    SQLite each transaction takes the write lock when it begins.

    Fan-out goes on to the next batch while a batch was full and made no delivery (events no
    queued subscriber wants), up to :data:`FAN_OUT_ROUNDS` batches, so the worker does not
    rest between such batches as if there were nothing to do."""
    now = now or timezone.now()
    for _ in range(FAN_OUT_ROUNDS):
        fanned, created = _fan_out(limit, now)
        if created or fanned < limit:
            break
    with transaction.atomic():
        due = (
            Delivery.objects.filter(status=Delivery.Status.PENDING, due_at__lte=now)
            .select_related("event")
            .order_by("id")
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True, of=("self",))
        batch = list(due[:limit])
        done = []
        for delivery in batch:
            if _handled(delivery, now):
                done.append(delivery.pk)
        Delivery.objects.filter(pk__in=done).update(
            status=Delivery.Status.DONE, done_at=now, attempts=F("attempts") + 1
        )
    return len(batch)


def _handled(delivery: Delivery, now: datetime) -> bool:
    subscriber = _subscribers.get(delivery.subscriber)
    event = delivery.event
    try:
        if subscriber is None:
            raise LookupError(f"no subscriber is declared as {delivery.subscriber!r}")
        with transaction.atomic():
            subscriber.handle(Event(event.pk, event.name, event.payload, event.at))
    # Any failure of a handler is its own: it is recorded on the delivery (admin, ``linli
    # jobs``) and logged, and the other deliveries go on.
    except Exception:
        delivery.attempts += 1
        delivery.last_error = traceback.format_exc(limit=8)[-4000:]
        if delivery.attempts >= MAX_ATTEMPTS or subscriber is None:
            delivery.status = Delivery.Status.PARKED
        else:
            delivery.due_at = now + backoff(delivery.attempts)
        delivery.save(update_fields=["attempts", "last_error", "status", "due_at"])
        log.exception("event %s to %s failed", event.pk, delivery.subscriber)
        return False
    return True


def retry_parked(*, delivery_ids: list[int] | None = None) -> int:
    """Put parked deliveries back in the queue (an operator fixed what made them fail)."""
    parked = Delivery.objects.filter(status=Delivery.Status.PARKED)
    if delivery_ids is not None:
        parked = parked.filter(pk__in=delivery_ids)
    return parked.update(status=Delivery.Status.PENDING, attempts=0, due_at=timezone.now())
