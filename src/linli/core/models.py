from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One state change: who, when, what, through which door and request.

    Written by services in the same transaction as the change itself, so a change that rolls
    back leaves no event and an event always describes something that happened.
    """

    at = models.DateTimeField(_("at"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    actor_label = models.CharField(_("actor name"), max_length=150, blank=True)
    action = models.CharField(_("action"), max_length=60)
    target_type = models.CharField(_("target type"), max_length=60)
    target_id = models.CharField(_("target id"), max_length=40)
    data = models.JSONField(_("data"), default=dict, blank=True)
    channel = models.CharField(_("channel"), max_length=10)
    request_id = models.CharField(_("request id"), max_length=64, blank=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"], name="audit_target_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.target_type}#{self.target_id}"


class IdempotencyKey(models.Model):
    """The stored outcome of a state-changing API call made with an ``Idempotency-Key``.

    The row is inserted *before* the work and in the same transaction, so a concurrent retry
    waits on the unique index and then replays this outcome instead of doing the work twice.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(default=0)
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="idempotency_key_per_user"),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class OutboxEvent(models.Model):
    """Something that happened, published by a service in the same transaction as the change
    (a transactional outbox): rolled back, no event; committed, fanned out by the worker to a
    :class:`Delivery` per subscriber (``fanned_out_at`` set in the same transaction), and
    delivered, even if the process dies right after. Payloads are stable: fields are added,
    never renamed or removed (``linli.core.events``)."""

    name = models.CharField(_("event"), max_length=60)
    payload = models.JSONField(_("payload"), default=dict)
    at = models.DateTimeField(_("at"), default=timezone.now)
    fanned_out_at = models.DateTimeField(_("fanned out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("published event")
        verbose_name_plural = _("published events")
        ordering = ["-id"]
        indexes = [
            # The worker's queue of events to fan out: only the few not fanned out yet.
            models.Index(
                fields=["id"],
                name="event_to_fan_out_idx",
                condition=models.Q(fanned_out_at__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} #{self.pk}"


class Delivery(models.Model):
    """One event for one subscriber: pending until its handler has run and committed with it,
    retried with back-off when the handler fails, parked for an operator after the last try."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        DONE = "done", _("done")
        PARKED = "parked", _("parked")

    event = models.ForeignKey(
        OutboxEvent, verbose_name=_("event"), on_delete=models.CASCADE, related_name="deliveries"
    )
    subscriber = models.CharField(_("subscriber"), max_length=120)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due at"), default=timezone.now)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("event delivery")
        verbose_name_plural = _("event deliveries")
        ordering = ["id"]
        indexes = [models.Index(fields=["status", "due_at"], name="delivery_due_idx")]
        constraints = [
            models.UniqueConstraint(fields=["event", "subscriber"], name="delivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.subscriber} ← {self.event_id} ({self.status})"


class ClockTick(models.Model):
    """A periodic job's run for one time slot, written by the worker that enqueues it: with
    many workers, the unique slot lets exactly one of them enqueue each run."""

    job = models.CharField(_("job"), max_length=120)
    slot = models.DateTimeField(_("slot"))

    class Meta:
        verbose_name = _("clock tick")
        verbose_name_plural = _("clock ticks")
        constraints = [models.UniqueConstraint(fields=["job", "slot"], name="clock_tick_once")]

    def __str__(self) -> str:
        return f"{self.job} @ {self.slot:%Y-%m-%d %H:%M:%S}"
