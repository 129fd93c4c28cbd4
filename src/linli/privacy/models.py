"""A household's requests under PIPL: a copy of its data, and a move to another room (which
its leader confirms: the distribution sheets depend on rooms)."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.communities.models import Building, Household

from .limits import MAX_ROOM


class DataCopy(models.Model):
    """A copy of everything Linli holds about a household, prepared by the worker as a ZIP.

    It is handed out once, to a member of the household, before ``expires_at``; the file is
    deleted once taken or expired (the row stays, as the record of the request)."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("being prepared")
        READY = "ready", _("ready to download")
        TAKEN = "taken", _("downloaded")
        EXPIRED = "expired", _("expired")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    requested_at = models.DateTimeField(_("requested at"))
    ready_at = models.DateTimeField(_("ready at"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    taken_at = models.DateTimeField(_("downloaded at"), null=True, blank=True)
    # The ZIP's name in Django's default storage while it is there; empty once gone.
    stored_as = models.CharField(_("stored as"), max_length=200, blank=True)
    size = models.PositiveIntegerField(_("bytes"), default=0)

    class Meta:
        verbose_name = _("copy of a household's data")
        verbose_name_plural = _("copies of households' data")
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["household", "-requested_at"], name="privacy_copy_household_idx"),
            models.Index(
                fields=["expires_at"], condition=Q(status="ready"), name="privacy_copy_expiry_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"copy {self.pk} of {self.household_id} ({self.status})"


class RoomChange(models.Model):
    """A member's correction of their room (or building), waiting for a leader of the
    community to confirm it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the leader")
        CONFIRMED = "confirmed", _("confirmed")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="+"
    )
    room = models.CharField(_("room"), max_length=MAX_ROOM)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        verbose_name = _("room change")
        verbose_name_plural = _("room changes")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(status="pending"),
                name="privacy_one_pending_room_change",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.building_id} {self.room} ({self.status})"
