from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Supplier(models.Model):
    """A farm, co-op or merchant that sells to communities."""

    class Kind(models.TextChoices):
        FARM = "farm", _("farm")
        COOP = "coop", _("co-op")
        MERCHANT = "merchant", _("merchant")

    name = models.CharField(_("name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    region = models.CharField(_("region"), max_length=60, blank=True)
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff users"),
        related_name="suppliers",
        blank=True,
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("supplier")
        verbose_name_plural = _("suppliers")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Product(models.Model):
    """Something a supplier sells, in a unit residents buy it by (斤, 份, 箱, 袋)."""

    class Category(models.TextChoices):
        VEGETABLE = "vegetable", _("vegetables")
        FRUIT = "fruit", _("fruit")
        MEAT = "meat", _("meat")
        SEAFOOD = "seafood", _("seafood")
        EGGS_DAIRY = "eggs_dairy", _("eggs and dairy")
        GRAIN = "grain", _("rice, flour and noodles")
        PANTRY = "pantry", _("pantry")
        HOUSEHOLD = "household", _("household goods")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="products"
    )
    name = models.CharField(_("name"), max_length=80)
    unit = models.CharField(_("unit"), max_length=10, help_text=_("斤, 份, 箱, 袋 …"))
    spec = models.CharField(_("specification"), max_length=60, blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices)
    cost_fen = models.PositiveIntegerField(_("supplier price (fen)"))
    suggested_price_fen = models.PositiveIntegerField(_("suggested price (fen)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["supplier_id", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["supplier", "name", "spec"], name="product_name_unique_per_supplier"
            ),
            models.CheckConstraint(
                condition=Q(cost_fen__gt=0) & Q(suggested_price_fen__gt=0),
                name="product_prices_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.unit})"
