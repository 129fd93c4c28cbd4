"""A supplier's storefront: its story, how each product is grown and kept, photos, the
households that follow it, its short updates, and ratings from households that collected."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Product, Supplier
from linli.communities.models import Household

from .limits import (
    MAX_CAPTION,
    MAX_COMMENT,
    MAX_MAP_URL,
    MAX_PLACE,
    MAX_SEASON,
    MAX_SHORT,
    MAX_STORY,
    MAX_UPDATE,
)


class Storefront(models.Model):
    """Who a supplier is, where, and how it grows or makes things. Chinese first; the
    ``*_en`` fields are optional."""

    supplier = models.OneToOneField(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="storefront"
    )
    place = models.CharField(_("place"), max_length=MAX_PLACE, blank=True)
    map_url = models.URLField(_("map link"), max_length=MAX_MAP_URL, blank=True)
    story = models.TextField(_("our story"), max_length=MAX_STORY, blank=True)
    story_en = models.TextField(_("our story (English)"), max_length=MAX_STORY, blank=True)
    growing = models.TextField(_("how we grow or make"), max_length=MAX_STORY, blank=True)
    growing_en = models.TextField(
        _("how we grow or make (English)"), max_length=MAX_STORY, blank=True
    )
    certifications = models.TextField(_("certifications"), max_length=MAX_SHORT, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("storefront")
        verbose_name_plural = _("storefronts")

    def __str__(self) -> str:
        return str(self.supplier_id)


class ProductStory(models.Model):
    """How one product is grown, when it is in season, how to keep and prepare it."""

    product = models.OneToOneField(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="story"
    )
    growing = models.TextField(_("how it is grown"), max_length=MAX_SHORT, blank=True)
    season = models.CharField(_("in season"), max_length=MAX_SEASON, blank=True)
    keeping = models.TextField(_("how to keep it"), max_length=MAX_SHORT, blank=True)
    preparing = models.TextField(_("how to prepare it"), max_length=MAX_SHORT, blank=True)
    english = models.TextField(_("in English"), max_length=MAX_SHORT, blank=True)
    updated_at = models.DateTimeField(_("updated at"))

    class Meta:
        verbose_name = _("product story")
        verbose_name_plural = _("product stories")

    def __str__(self) -> str:
        return str(self.product_id)


class Update(models.Model):
    """A short post from the farm ("the strawberries are two weeks from ready")."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="updates"
    )
    text = models.CharField(_("text"), max_length=MAX_UPDATE)
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("posted by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    posted_at = models.DateTimeField(_("posted at"))

    class Meta:
        verbose_name = _("update")
        verbose_name_plural = _("updates")
        ordering = ["-posted_at", "-id"]
        indexes = [models.Index(fields=["supplier", "-posted_at"], name="storefront_update_idx")]

    def __str__(self) -> str:
        return self.text[:40]


class Photo(models.Model):
    """A photo on a storefront: of the farm, of one product, or with one update. Checked and
    re-encoded from its pixels before it is stored (:mod:`linli.aftersales.photos`)."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    update = models.ForeignKey(
        Update,
        verbose_name=_("update"),
        on_delete=models.CASCADE,
        related_name="photos",
        null=True,
        blank=True,
    )
    name = models.CharField(_("stored as"), max_length=200)
    content_type = models.CharField(_("type"), max_length=20)
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    caption = models.CharField(_("caption"), max_length=MAX_CAPTION, blank=True)
    added_at = models.DateTimeField(_("added at"))

    class Meta:
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        ordering = ["added_at", "id"]

    def __str__(self) -> str:
        return self.name


class Follow(models.Model):
    """A household follows a supplier: its updates and new offers show on the front door."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="followers"
    )
    since = models.DateTimeField(_("since"))

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [
            models.UniqueConstraint(fields=["household", "supplier"], name="follow_once"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.supplier_id}"


class Rating(models.Model):
    """One household's stars for one product it collected, never anonymous; changing it
    replaces it."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="ratings"
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="ratings"
    )
    stars = models.PositiveSmallIntegerField(_("stars"))
    comment = models.CharField(_("comment"), max_length=MAX_COMMENT, blank=True)
    rated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("rated by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    rated_at = models.DateTimeField(_("rated at"))

    class Meta:
        verbose_name = _("rating")
        verbose_name_plural = _("ratings")
        ordering = ["-rated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["household", "product"], name="rating_once"),
            models.CheckConstraint(condition=Q(stars__gte=1, stars__lte=5), name="rating_stars"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id}: {self.stars}"
