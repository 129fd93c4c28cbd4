"""Fan-out by many workers at once: each event becomes one delivery per subscriber, however
the workers interleave, and each delivery is handled once in effect."""

import threading
from collections import Counter

import pytest
from django.db import connection, transaction

from linli.core import events
from linli.core.models import AuditEvent, Delivery, OutboxEvent

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = 300


@pytest.fixture
def published():
    """300 committed ``test.fan`` events and two subscribers, each writing an audit row."""

    def tally(name):
        def handle(event):
            AuditEvent.objects.create(action=name, target_type="event", target_id=str(event.id))

        return handle

    for name in ("tests.one", "tests.two"):
        events.subscriber("test.fan", name=name)(tally(name))
    with transaction.atomic():
        ids = [events.publish("test.fan", {"n": n}).pk for n in range(EVENTS)]
    yield ids
    events.unsubscribe("tests.one")
    events.unsubscribe("tests.two")


def in_thread(work):
    """Run ``work`` on a thread of its own, with a connection of its own."""
    result: list = []

    def run():
        try:
            result.append(work())
        except BaseException as error:  # handed to the test's thread
            result.append(error)
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, result


def each_once(ids) -> None:
    pairs = Counter(Delivery.objects.values_list("event_id", "subscriber"))
    assert pairs == Counter({(i, s): 1 for i in ids for s in ("tests.one", "tests.two")})
    assert not OutboxEvent.objects.filter(fanned_out_at__isnull=True).exists()


@pytest.mark.skipif(
    not connection.features.has_select_for_update_skip_locked,
    reason="SKIP LOCKED: PostgreSQL (SQLite's workers take turns at the write lock)",
)
def test_a_worker_skips_the_events_another_is_fanning_out(published):
    holding, release = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():
            fanned = events.fan_out(limit=100)
            holding.set()
            release.wait(30)
        return fanned

    thread, first_fanned = in_thread(first)
    assert holding.wait(30)
    # The second worker, while the first holds its batch uncommitted: it takes the others.
    assert events.fan_out(limit=1000) == EVENTS - 100
    assert Delivery.objects.filter(event_id__in=published[:100]).count() == 0
    release.set()
    thread.join(30)
    assert first_fanned == [100]
    assert events.fan_out() == 0
    each_once(published)


def test_workers_fanning_out_and_delivering_at_once_do_each_once(published):
    def work():
        tried = 0
        while (batch := events.deliver(limit=50)) > 0:
            tried += batch
        return tried

    threads = [in_thread(work) for _ in range(3)]
    for thread, _ in threads:
        thread.join(120)
    results = [result for _, result in threads]
    assert all(len(r) == 1 and isinstance(r[0], int) for r in results), results
    assert sum(r[0] for r in results) == 2 * EVENTS
    each_once(published)
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}
    handled = Counter(AuditEvent.objects.values_list("action", "target_id"))
    assert handled == Counter(
        {(s, str(i)): 1 for i in published for s in ("tests.one", "tests.two")}
    )
