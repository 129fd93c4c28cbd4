"""Writes: notices written for the people they are for, sent by the channels each chose;
read marks; choices. Each function is one transaction (``send_due`` one per sending, so a
slow mail server holds no lock)."""

import logging
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.utils import timezone

from linli.accounts.models import User
from linli.core.events import MAX_ATTEMPTS, backoff

from . import rules, selectors
from .channels import channel, channels
from .errors import UnknownChannel, UnknownKind
from .models import Notice, Preference, Sending
from .rules import INBOX, Kind

log = logging.getLogger(__name__)

#: How long a worker holds the sendings it took before another may take them again (a worker
#: that died mid-send): longer than any send takes.
LEASE = timedelta(minutes=5)


def notify(
    *, kind: str, key: str, to: Mapping[int, dict], now: datetime | None = None
) -> list[Notice]:
    """Write a notice of ``kind`` about ``key`` to each person in ``to`` (user id → the
    notice's parameters) who has none yet, by the channels they chose (``rules.wants``) that
    can reach them: the inbox at once, the others as sendings for the worker. A person who
    wants this kind by no channel gets no notice. Returns the notices written; writing them
    again writes nothing (unique per recipient, kind and key)."""
    now = now or timezone.now()
    with transaction.atomic():
        have = set(
            Notice.objects.filter(kind=kind, key=key, recipient_id__in=list(to)).values_list(
                "recipient_id", flat=True
            )
        )
        people = {
            user.pk: user
            for user in User.objects.filter(
                pk__in=[user_id for user_id in to if user_id not in have], is_active=True
            ).only("id", "email", "language")
        }
        choices = selectors.chosen(people)
        notices, ways = [], []
        for user_id in sorted(people):
            person = people[user_id]
            by = [
                way
                for way in channels()
                if rules.wants(kind, way.name, choices.get(user_id, {})) and way.reaches(person)
            ]
            if not by:
                continue
            notices.append(
                Notice(
                    recipient_id=user_id,
                    kind=kind,
                    key=key,
                    params=to[user_id],
                    created_at=now,
                    in_inbox=any(way.name == INBOX for way in by),
                )
            )
            ways.append(by)
        Notice.objects.bulk_create(notices)
        sendings = []
        for notice, by in zip(notices, ways, strict=True):
            for way in by:
                if way.queued:
                    sendings.append(Sending(notice=notice, channel=way.name, due_at=now))
                else:
                    way.send(notice, people[notice.recipient_id])
        Sending.objects.bulk_create(sendings)
    return notices


def notify_households(
    *, kind: str, key: str, households: Mapping[int, dict], now: datetime | None = None
) -> list[Notice]:
    """:func:`notify` every member of each household (household id → parameters)."""
    members = selectors.members_of(households)
    return notify(
        kind=kind,
        key=key,
        to={user: households[household] for household, users in members.items() for user in users},
        now=now,
    )


@dataclass
class SendRun:
    sent: int = 0
    failed: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def send_due(*, now: datetime | None = None, limit: int = 100) -> SendRun:
    """Send up to ``limit`` due sendings, oldest first. They are taken under a lease
    (:data:`LEASE`) in one short transaction, so other workers skip them; each is then sent
    and marked on its own. A channel that fails is tried again after 5 s, 10 s, 20 s … and
    parked after ``MAX_ATTEMPTS`` tries; a person it cannot reach (no address any more) is
    skipped. A worker that dies between sending and marking sends that one again after the
    lease: at least once, as mail is."""
    now = now or timezone.now()
    run = SendRun()
    with transaction.atomic():
        due = Sending.objects.filter(status=Sending.Status.PENDING, due_at__lte=now).order_by(
            "due_at", "id"
        )
        if connection.features.has_select_for_update_skip_locked:
            due = due.select_for_update(skip_locked=True)
        taken = list(due.values_list("id", flat=True)[:limit])
        Sending.objects.filter(pk__in=taken).update(due_at=now + LEASE)
    for sending in Sending.objects.filter(pk__in=taken).select_related("notice__recipient"):
        _send(sending, now, run)
    return run


def _send(sending: Sending, now: datetime, run: SendRun) -> None:
    way = channel(sending.channel)
    person = sending.notice.recipient
    sending.attempts += 1
    if way is None or not way.reaches(person):
        sending.status = Sending.Status.SKIPPED
        sending.last_error = "no such channel" if way is None else "the person cannot be reached"
        run.skipped += 1
    else:
        try:
            way.send(sending.notice, person)
        # Whatever a channel raises (a mail server down, a refused address) is its own: kept on
        # the sending (admin), logged, and tried again later; the other sendings go on.
        except Exception:
            sending.last_error = traceback.format_exc(limit=4)[-2000:]
            sending.status = (
                Sending.Status.PARKED
                if sending.attempts >= MAX_ATTEMPTS
                else Sending.Status.PENDING
            )
            sending.due_at = now + backoff(sending.attempts)
            run.failed += 1
            run.errors.append(sending.last_error)
            log.exception("notice %s by %s failed", sending.notice_id, sending.channel)
        else:
            sending.status = Sending.Status.SENT
            sending.sent_at = now
            sending.last_error = ""
            run.sent += 1
    sending.save(update_fields=["attempts", "status", "due_at", "sent_at", "last_error"])


def mark_read(*, user: User, notice_id: int, now: datetime | None = None) -> Notice:
    """Mark one of ``user``'s notices read (reading it again keeps the first time)."""
    notice = selectors.notice_for(user.pk, notice_id)
    if notice.read_at is None:
        notice.read_at = now or timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def mark_all_read(*, user: User, now: datetime | None = None) -> int:
    """Mark every unread notice in ``user``'s inbox read; returns how many."""
    return (
        selectors.inbox(user.pk).filter(read_at__isnull=True).update(read_at=now or timezone.now())
    )


@transaction.atomic
def set_preferences(*, user: User, choices: Mapping[tuple[str, str], bool]) -> None:
    """Record what ``user`` wants, by (kind, channel); a choice equal to the default is kept
    as no row, so a better default later reaches everyone who never chose. Unknown kinds or
    channels change nothing."""
    kinds = {kind.value for kind in Kind}
    names = {way.name for way in channels()}
    for kind, name in choices:
        if kind not in kinds:
            raise UnknownKind(kind=kind, kinds=rules.kinds_listed(kinds))
        if name not in names:
            raise UnknownChannel(channel=name, channels=rules.kinds_listed(names))
    for (kind, name), wanted in sorted(choices.items()):
        if wanted == rules.wants(kind, name, {}):
            Preference.objects.filter(user=user, kind=kind, channel=name).delete()
        else:
            Preference.objects.update_or_create(
                user=user, kind=kind, channel=name, defaults={"enabled": wanted}
            )
