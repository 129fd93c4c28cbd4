"""What the privacy app handles: a copy asked for is prepared by the worker (queued, so the
member's request returns at once). Idempotent: a copy already prepared is left alone."""

from linli.core.events import Event, subscriber

from .services import prepare_copy


@subscriber("privacy.copy_requested", name="privacy.prepare_copy")
def prepare(event: Event) -> None:
    prepare_copy(copy_id=int(event.payload["copy_id"]))
