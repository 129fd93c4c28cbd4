"""Counts each ``test.count`` event it is given: one audit row per delivery, written in the
delivery's transaction, so a duplicate delivery in effect would show as a second row."""

import time

from linli.core.events import Event, subscriber
from linli.core.models import AuditEvent

NAME = "tests.counting"


@subscriber("test.count", name=NAME)
def count(event: Event) -> None:
    AuditEvent.objects.create(
        action="test.counted", target_type="event", target_id=str(event.id), channel="test"
    )
    time.sleep(event.payload.get("sleep", 0))
