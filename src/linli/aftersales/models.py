"""After-sales (售后): a household's report of a problem with goods it collected, the
leader's (or an operator's) decision, and the photos that come with it.

One report per order line (a constraint), so a retried request never files two. The money
moves on the ledger, which hears ``after_sales.decided`` (``events.py``); the report keeps the
figures it was decided on.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Product, Supplier
from linli.communities.models import Community, Household
from linli.groupbuys.models import GroupBuy, GroupBuyItem, Order, OrderLine

from .limits import MAX_NOTE, MAX_PHOTOS, MAX_REASON


class Report(models.Model):
    class Kind(models.TextChoices):
        SPOILED = "spoiled", _("spoiled (变质)")
        MISSING = "missing", _("missing (少件)")
        WRONG = "wrong", _("wrong item (发错)")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for the leader")
        ESCALATED = "escalated", _("with an operator")
        APPROVED = "approved", _("approved")
        PARTLY_APPROVED = "partly_approved", _("partly approved")
        REJECTED = "rejected", _("rejected")

    order_line = models.OneToOneField(
        OrderLine, verbose_name=_("order line"), on_delete=models.PROTECT, related_name="report"
    )
    # Copied from the line when reported, so each role's list is one indexed filter.
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="+"
    )
    item = models.ForeignKey(
        GroupBuyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="+"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    group_buy = models.ForeignKey(
        GroupBuy, verbose_name=_("group buy"), on_delete=models.PROTECT, related_name="+"
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("problem"), max_length=10, choices=Kind.choices)
    quantity = models.PositiveIntegerField(_("quantity"))
    note = models.CharField(_("note"), max_length=MAX_NOTE, blank=True)
    # What one unit was sold and bought for, when reported: the credit and the cost.
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    unit_cost_fen = models.PositiveIntegerField(_("unit cost (fen)"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported at"))
    decide_by = models.DateTimeField(_("leader decides by"))
    escalated_at = models.DateTimeField(_("handed to an operator at"), null=True, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    approved_quantity = models.PositiveIntegerField(_("approved quantity"), default=0)
    credit_fen = models.PositiveIntegerField(_("credit (fen)"), default=0)
    cost_fen = models.PositiveIntegerField(_("supplier's share (fen)"), default=0)
    reason = models.CharField(_("reason"), max_length=MAX_REASON, blank=True)

    class Meta:
        verbose_name = _("after-sales report")
        verbose_name_plural = _("after-sales reports")
        ordering = ["-reported_at", "-id"]
        indexes = [
            models.Index(fields=["community", "status"], name="aftersales_community_idx"),
            models.Index(fields=["supplier", "reported_at"], name="aftersales_supplier_idx"),
            models.Index(fields=["household", "reported_at"], name="aftersales_household_idx"),
            models.Index(fields=["status", "decide_by"], name="aftersales_due_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(quantity__gt=0), name="aftersales_quantity_positive"
            ),
            models.CheckConstraint(
                condition=Q(approved_quantity__lte=F("quantity")),
                name="aftersales_approved_at_most_asked",
            ),
            models.CheckConstraint(
                condition=Q(credit_fen__lte=F("approved_quantity") * F("unit_price_fen")),
                name="aftersales_credit_at_most_price",
            ),
            models.CheckConstraint(
                condition=Q(cost_fen__lte=F("approved_quantity") * F("unit_cost_fen")),
                name="aftersales_cost_at_most_cost",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} × {self.quantity} ({self.status})"

    @property
    def asked_fen(self) -> int:
        """What the reported quantity was sold for."""
        return self.quantity * self.unit_price_fen


class Photo(models.Model):
    """A photo of a report, as re-encoded on upload (no metadata). ``name`` is its name in
    Django's default storage; it is handed out only by a view that checks who asks."""

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("stored as"), max_length=200, unique=True)
    content_type = models.CharField(_("content type"), max_length=20)
    size = models.PositiveIntegerField(_("bytes"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["report_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["report", "position"], name="aftersales_photo_once"),
            models.CheckConstraint(
                condition=Q(position__gte=1) & Q(position__lte=MAX_PHOTOS),
                name="aftersales_photo_position",
            ),
        ]

    def __str__(self) -> str:
        return self.name
