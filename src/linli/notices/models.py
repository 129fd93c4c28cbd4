"""Notices to people: what happened to them (goods arrived, money due back …), the inbox that
shows them, what each person chose to get, and the sends by other channels (e-mail).

A notice stores its kind and parameters, never its text: it is written in the reader's
language when shown, and an e-mail in the language the person chose (``User.language``).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .rules import Kind


class Notice(models.Model):
    """One thing to tell one person. Unique per (recipient, kind, key): the key names what it
    is about (the purchase order whose goods arrived, the group buy that failed …), so an
    event delivered twice, or a job run twice, writes it once."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notices",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(_("about"), max_length=60)
    params = models.JSONField(_("parameters"), default=dict)
    created_at = models.DateTimeField(_("created at"))
    # False when the person chose not to see this kind in the inbox (an e-mail only).
    in_inbox = models.BooleanField(_("in the inbox"), default=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "key"], name="notice_once_per_recipient"
            ),
        ]
        indexes = [
            # The inbox, newest first, and its unread count.
            models.Index(fields=["recipient", "-created_at", "-id"], name="notice_inbox_idx"),
            models.Index(
                fields=["recipient"],
                condition=Q(read_at__isnull=True, in_inbox=True),
                name="notice_unread_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.recipient_id}"


class Preference(models.Model):
    """A person's choice for one kind of notice on one channel; without a row, the default
    (``rules.DEFAULT_CHANNELS``)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="notice_preferences",
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    # A channel's name (``channels.py``); not a fixed choice, so a channel added later (SMS,
    # WeChat subscription messages) needs no migration.
    channel = models.CharField(_("channel"), max_length=16)
    enabled = models.BooleanField(_("wanted"))

    class Meta:
        verbose_name = _("notice preference")
        verbose_name_plural = _("notice preferences")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "kind", "channel"], name="notice_preference_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user_id} {self.kind} {self.channel}: {self.enabled}"


class Sending(models.Model):
    """A notice to go out by a channel other than the inbox, sent by the worker
    (``services.send_due``) and retried with back-off when the channel fails."""

    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped")
        PARKED = "parked", _("parked after repeated failures")

    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.CASCADE, related_name="sendings"
    )
    channel = models.CharField(_("channel"), max_length=16)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    due_at = models.DateTimeField(_("due at"))
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("sending")
        verbose_name_plural = _("sendings")
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["notice", "channel"], name="sending_once_per_channel"),
        ]
        indexes = [
            models.Index(
                fields=["due_at", "id"],
                condition=Q(status="pending"),
                name="sending_due_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} by {self.channel}: {self.status}"
