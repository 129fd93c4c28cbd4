"""`linli jobs`: what the worker has to do, and parked deliveries queued again."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction

from linli.core import events
from linli.core.models import Delivery, OutboxEvent
from linli.groupbuys.tasks import run_the_clock

pytestmark = pytest.mark.django_db


def jobs(*args: str) -> str:
    out = io.StringIO()
    call_command("jobs", *args, stdout=out)
    return out.getvalue()


def test_jobs_counts_tasks_and_deliveries_and_retries_the_parked(now):
    run_the_clock.enqueue()
    event = OutboxEvent.objects.create(name="order.placed", payload={})
    Delivery.objects.create(event=event, subscriber="rewards.earn", due_at=now)
    Delivery.objects.create(
        event=event,
        subscriber="notices.send",
        status=Delivery.Status.PARKED,
        attempts=8,
        last_error="Traceback …\nValueError: no phone",
    )
    assert jobs("--failed") == (
        "tasks:      1 ready, 0 running, 0 failed, 0 successful\n"
        "deliveries: 1 pending, 1 parked, 0 done\n"
        f"delivery {Delivery.objects.get(subscriber='notices.send').pk} order.placed#{event.pk}"
        " → notices.send after 8 tries: ValueError: no phone\n"
    )
    assert jobs("--retry") == (
        "1 parked deliveries queued again\n"
        "tasks:      1 ready, 0 running, 0 failed, 0 successful\n"
        "deliveries: 2 pending, 0 parked, 0 done\n"
    )


def test_jobs_counts_the_deliveries_of_events_not_fanned_out_yet_as_pending(now):
    for name in ("tests.one", "tests.two"):
        events.subscriber("test.jobs", name=name)(lambda event: None)
    try:
        with transaction.atomic():
            events.publish("test.jobs", {"n": 1}, at=now)
            events.publish("test.jobs", {"n": 2}, at=now)
            events.publish("test.unheard", {"n": 3}, at=now)
        assert jobs() == (
            "tasks:      0 ready, 0 running, 0 failed, 0 successful\n"
            "deliveries: 4 pending, 0 parked, 0 done\n"
        )
        assert events.fan_out(now=now) == 3
        assert jobs().endswith("deliveries: 4 pending, 0 parked, 0 done\n")
        assert events.deliver(now=now) == 4
        assert jobs().endswith("deliveries: 0 pending, 0 parked, 4 done\n")
    finally:
        events.unsubscribe("tests.one")
        events.unsubscribe("tests.two")
