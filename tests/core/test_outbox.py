"""The outbox: an event is written with its change or not at all, reaches each subscriber
once in effect, and a failing subscriber is retried, then parked, without holding up others."""

from datetime import timedelta

import pytest
from django.db import transaction

from linli.core import events
from linli.core.models import AuditEvent, Delivery, OutboxEvent

pytestmark = pytest.mark.django_db

seen: list[tuple[str, int]] = []


@pytest.fixture
def recorders():
    """Two subscribers to ``test.thing``: one that records, one that fails while told to."""
    seen.clear()
    failing = {"on": True}

    @events.subscriber("test.thing", name="tests.records")
    def records(event):
        seen.append(("records", event.payload["n"]))
        AuditEvent.objects.create(action="test.recorded", target_type="n", target_id="1")

    @events.subscriber("test.thing", name="tests.fails")
    def fails(event):
        AuditEvent.objects.create(action="test.half-written", target_type="n", target_id="1")
        if failing["on"]:
            raise ValueError("the rewards table is not there yet")
        seen.append(("fails", event.payload["n"]))

    yield failing
    events.unsubscribe("tests.records")
    events.unsubscribe("tests.fails")


def test_an_event_commits_with_its_change_and_rolls_back_with_it(recorders):
    with transaction.atomic():
        kept = events.publish("test.thing", {"n": 1})

    def refused():
        with transaction.atomic():
            events.publish("test.thing", {"n": 2})
            raise RuntimeError("no")

    with pytest.raises(RuntimeError, match="no"):
        refused()
    assert list(OutboxEvent.objects.values_list("id", "payload", "fanned_out_at")) == [
        (kept.pk, {"n": 1}, None)
    ]
    # Publishing wrote the event only; the worker fans it out, and finds nothing of the other.
    assert Delivery.objects.count() == 0
    assert events.fan_out() == 1
    assert sorted(Delivery.objects.values_list("event_id", "subscriber", "status")) == [
        (kept.pk, "tests.fails", "pending"),
        (kept.pk, "tests.records", "pending"),
    ]
    assert OutboxEvent.objects.get().fanned_out_at is not None
    assert events.fan_out() == 0
    assert events.deliver() == 2
    assert seen == [("records", 1)]


@pytest.mark.django_db(transaction=True)
def test_publishing_outside_a_transaction_is_refused():
    with pytest.raises(RuntimeError, match=r"^publish\('test.thing'\) outside the transaction"):
        events.publish("test.thing", {"n": 1})
    assert OutboxEvent.objects.count() == 0


def test_a_failing_subscriber_is_retried_with_back_off_then_parked(recorders, now):
    with transaction.atomic():
        events.publish("test.thing", {"n": 7}, at=now)
    assert events.deliver(now=now) == 2
    assert seen == [("records", 7)]
    failed = Delivery.objects.get(subscriber="tests.fails")
    assert (failed.status, failed.attempts, failed.due_at) == (
        "pending",
        1,
        now + timedelta(seconds=5),
    )
    assert failed.last_error.strip().endswith("ValueError: the rewards table is not there yet")
    # Its half-written row went with its savepoint; the other subscriber's row stayed.
    assert list(AuditEvent.objects.values_list("action", flat=True)) == ["test.recorded"]
    done = Delivery.objects.get(subscriber="tests.records")
    assert (done.status, done.attempts, done.done_at) == ("done", 1, now)

    # Not due again before its back-off, and the done one is never handled twice.
    assert events.deliver(now=now + timedelta(seconds=4)) == 0
    at = now
    for attempt in range(2, events.MAX_ATTEMPTS + 1):
        at += events.backoff(attempt - 1)
        assert events.deliver(now=at) == 1
    failed.refresh_from_db()
    assert (failed.status, failed.attempts) == ("parked", events.MAX_ATTEMPTS)
    assert events.deliver(now=at + timedelta(days=1)) == 0
    assert seen == [("records", 7)]

    # The operator mends it and retries: delivered once, the other subscriber untouched.
    recorders["on"] = False
    assert events.retry_parked() == 1
    assert events.deliver() == 1
    assert seen == [("records", 7), ("fails", 7)]
    assert set(Delivery.objects.values_list("status", flat=True)) == {"done"}


def test_back_off_doubles_from_five_seconds():
    assert [events.backoff(n).total_seconds() for n in (1, 2, 3, 8)] == [5, 10, 20, 640]


def test_a_delivery_to_a_subscriber_nobody_declares_is_parked_at_once(now):
    with transaction.atomic():
        event = OutboxEvent.objects.create(name="test.thing", payload={})
        Delivery.objects.create(event=event, subscriber="gone.app", due_at=now)
    assert events.deliver(now=now) == 1
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("parked", 1)
    assert "LookupError: no subscriber is declared as 'gone.app'" in delivery.last_error


def test_publish_runs_the_in_transaction_subscribers_and_queues_nothing_for_them(now):
    ran = []
    events.subscriber("test.now", name="tests.now", same_transaction=True)(ran.append)
    try:
        with transaction.atomic():
            event = events.publish("test.now", {"n": 3}, at=now)
            assert ran == [events.Event(event.pk, "test.now", {"n": 3}, now)]
        assert events.deliver() == 0
    finally:
        events.unsubscribe("tests.now")
    assert Delivery.objects.count() == 0
    assert OutboxEvent.objects.get().fanned_out_at is not None


def test_an_event_reaches_the_subscribers_known_when_it_is_fanned_out(now):
    got = []
    with transaction.atomic():
        events.publish("test.late", {"n": 1}, at=now)
        events.publish("test.late", {"n": 2}, at=now)
    events.subscriber("test.late", name="tests.late")(lambda event: got.append(event.payload))
    events.subscriber("test.late", name="tests.gone")(lambda event: got.append("gone"))
    events.unsubscribe("tests.gone")
    try:
        assert events.deliver(now=now) == 2
    finally:
        events.unsubscribe("tests.late")
    assert got == [{"n": 1}, {"n": 2}]
    assert set(Delivery.objects.values_list("subscriber", flat=True)) == {"tests.late"}


def test_a_delivery_written_already_is_not_written_again(recorders, now):
    with transaction.atomic():
        event = events.publish("test.thing", {"n": 4}, at=now)
        Delivery.objects.create(event=event, subscriber="tests.records", due_at=now)
    assert events.fan_out(now=now) == 1
    assert sorted(Delivery.objects.values_list("event_id", "subscriber")) == [
        (event.pk, "tests.fails"),
        (event.pk, "tests.records"),
    ]


def test_each_subscriber_gets_the_events_in_the_order_they_were_published(now):
    got = []
    events.subscriber("test.order", name="tests.order")(lambda event: got.append(event.payload))
    try:
        with transaction.atomic():
            for n in range(7):
                events.publish("test.order", {"n": n}, at=now)
                events.publish("test.other", {"n": n}, at=now)
        tried = []
        while tried[-1:] != [0]:
            tried.append(events.deliver(limit=3, now=now))
    finally:
        events.unsubscribe("tests.order")
    assert got == [{"n": n} for n in range(7)]
    # Three events fanned out a call, every other one wanted: 2, 1, 2, 1, then the last one.
    assert tried == [2, 1, 2, 1, 1, 0]


def test_events_nobody_queued_wants_are_fanned_out_without_rest(now):
    with transaction.atomic():
        for n in range(25):
            events.publish("test.unheard", {"n": n}, at=now)
    assert events.deliver(limit=4, now=now) == 0
    assert not OutboxEvent.objects.filter(fanned_out_at__isnull=True).exists()
    assert Delivery.objects.count() == 0
