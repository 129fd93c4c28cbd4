"""See and copy: a member asks for a copy of the household's data; the worker prepares it
(a ZIP of JSON and an Excel workbook, :mod:`linli.privacy.copying`) and leaves a notice with a
link; the copy is handed out once, to a member of the household, before it expires."""

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.core import audit, events
from linli.notices.rules import Kind
from linli.notices.services import notify_households

from .. import copying, rules, storage
from ..errors import CopyNotFound, NoHousehold, TooManyCopies
from ..limits import COPIES_PER_DAY, COPY_KEEPS
from ..models import DataCopy


def request_copy(*, actor: User, now: datetime | None = None) -> DataCopy:
    """Ask for a copy of the actor's household's data; the worker prepares it
    (``privacy.copy_requested``)."""
    now = now or timezone.now()
    household_id = roles(actor).household_id
    if household_id is None:
        raise NoHousehold()
    with transaction.atomic():
        asked = DataCopy.objects.filter(
            household_id=household_id, requested_at__gt=now - timedelta(days=1)
        ).count()
        if asked >= COPIES_PER_DAY:
            raise TooManyCopies(count=asked)
        copy = DataCopy.objects.create(
            household_id=household_id, requested_by=actor, requested_at=now
        )
        audit.record(actor=actor, action="privacy.copy_requested", target=copy)
        events.publish("privacy.copy_requested", {"copy_id": copy.pk, "household": household_id})
    return copy


def prepare_copy(*, copy_id: int, now: datetime | None = None) -> DataCopy | None:
    """Build and store the copy, and tell the household it is ready (run by the worker; a
    copy already prepared is left as it is)."""
    now = now or timezone.now()
    with transaction.atomic():
        copy = DataCopy.objects.select_for_update().filter(pk=copy_id).first()
        if copy is None or copy.status != DataCopy.Status.REQUESTED:
            return copy
        content, _counts = copying.build(copy.household_id, at=now)
        stored = storage.save(copy.household_id, content)
        try:
            copy.stored_as = stored
            copy.size = len(content)
            copy.status = DataCopy.Status.READY
            copy.ready_at = now
            copy.expires_at = now + COPY_KEEPS
            copy.save(update_fields=["stored_as", "size", "status", "ready_at", "expires_at"])
            notify_households(
                kind=Kind.DATA_COPY_READY,
                key=f"copy:{copy.pk}",
                households={
                    copy.household_id: {"copy": copy.pk, "until": copy.expires_at.isoformat()}
                },
                now=now,
            )
        except BaseException:
            storage.delete(stored)  # nothing stored points at it
            raise
    return copy


def take_copy(*, actor: User, copy_id: int, now: datetime | None = None) -> tuple[DataCopy, bytes]:
    """Hand the copy to a member of its household, once: the file is deleted as it goes."""
    now = now or timezone.now()
    household_id = roles(actor).household_id
    with transaction.atomic():
        copy = DataCopy.objects.select_for_update().filter(pk=copy_id).first()
        if copy is None or household_id is None or copy.household_id != household_id:
            raise CopyNotFound()
        rules.check_taking(copy, now)
        content = storage.read(copy.stored_as)
        copy.status = DataCopy.Status.TAKEN
        copy.taken_at = now
        copy.save(update_fields=["status", "taken_at"])
        storage.drop_files(DataCopy.objects.filter(pk=copy.pk))
        audit.record(actor=actor, action="privacy.copy_taken", target=copy)
    return copy, content


def expire_copies(*, now: datetime | None = None) -> int:
    """Copies not taken in time expire, and their files go (run by the worker)."""
    now = now or timezone.now()
    with transaction.atomic():
        due = DataCopy.objects.select_for_update().filter(
            status=DataCopy.Status.READY, expires_at__lte=now
        )
        ids = list(due.values_list("pk", flat=True))
        storage.drop_files(DataCopy.objects.filter(pk__in=ids))
        DataCopy.objects.filter(pk__in=ids).update(status=DataCopy.Status.EXPIRED)
    return len(ids)
