"""Stored forecasts: one run of every series, and its rows per community × product × week.

No personal data: units per community and product, never per household.
"""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ForecastRun(models.Model):
    """One forecast of every series (``linli forecast run``, or the nightly job). The newest
    finished run is the one read; older ones are deleted after a new one finishes."""

    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    #: The history read: whole weeks (Monday to Sunday, Shanghai) before this day.
    until = models.DateField(_("history until"))
    #: The first week forecast (a Monday) and how many weeks from it.
    first_week = models.DateField(_("first week forecast"))
    weeks = models.PositiveSmallIntegerField(_("weeks forecast"))
    series = models.PositiveIntegerField(_("series"), default=0)
    seconds = models.FloatField(_("seconds"), default=0.0)

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        ordering = ["-started_at", "-id"]

    def __str__(self) -> str:
        return f"{self.first_week} +{self.weeks}w ({self.series} series)"


class Forecast(models.Model):
    """Units expected in one week: per community × product, or city-wide per product
    (``community`` empty; a community without history of its own reads that, scaled to its
    size). ``low``–``high`` is the 80 % interval."""

    run = models.ForeignKey(
        ForecastRun, verbose_name=_("run"), on_delete=models.CASCADE, related_name="rows"
    )
    community = models.ForeignKey(
        "communities.Community",
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    product = models.ForeignKey(
        "catalog.Product", verbose_name=_("product"), on_delete=models.CASCADE, related_name="+"
    )
    week = models.DateField(_("week (Monday)"))
    expected = models.FloatField(_("expected units"))
    low = models.FloatField(_("low (10 %)"))
    high = models.FloatField(_("high (90 %)"))
    model = models.CharField(_("model"), max_length=24)

    class Meta:
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.UniqueConstraint(
                fields=["run", "community", "product", "week"],
                condition=Q(community__isnull=False),
                name="forecast_once_per_series_week",
            ),
            models.UniqueConstraint(
                fields=["run", "product", "week"],
                condition=Q(community__isnull=True),
                name="forecast_city_once_per_week",
            ),
            models.CheckConstraint(
                condition=Q(low__gte=0) & Q(expected__gte=0) & Q(low__lte=F("high")),
                name="forecast_interval_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["run", "product", "week"], name="forecast_product_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id}:{self.product_id} {self.week} {self.expected:.1f}"


class Suggested(models.Model):
    """The stock the open form suggested for one group-buy item, kept beside the stock the
    leader opened it with (issue 15: "keep what they chose beside what was suggested"). Written
    once when the group buy opens (the ``group_buy.opened`` event), from the group buys before
    that moment only; ``units`` empty when there was nothing to suggest from. No personal
    data: units per item."""

    item = models.OneToOneField(
        "groupbuys.GroupBuyItem",
        verbose_name=_("group-buy item"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    #: When it was worked out: the moment the group buy was opened.
    suggested_at = models.DateTimeField(_("suggested at"))
    units = models.PositiveIntegerField(_("suggested units"), null=True, blank=True)
    low = models.PositiveIntegerField(_("low (10 %)"), null=True, blank=True)
    high = models.PositiveIntegerField(_("high (90 %)"), null=True, blank=True)
    #: The group buys it was read from, and whether they were the city's (scaled).
    offers = models.PositiveSmallIntegerField(_("group buys read"), default=0)
    from_city = models.BooleanField(_("from the city's"), default=False)
    #: The weekday (0 Monday … 6 Sunday) those group buys mostly opened on, if one.
    weekday = models.PositiveSmallIntegerField(_("usual weekday"), null=True, blank=True)
    #: The stock the leader opened the item with.
    chosen = models.PositiveIntegerField(_("stock chosen"))

    class Meta:
        verbose_name = _("suggested stock")
        verbose_name_plural = _("suggested stock")
        constraints = [
            models.CheckConstraint(
                condition=Q(units__isnull=True) | (Q(low__lte=F("high"))),
                name="suggested_range_ordered",
            ),
            models.CheckConstraint(
                condition=Q(weekday__isnull=True) | Q(weekday__lte=6),
                name="suggested_weekday_in_week",
            ),
        ]

    def __str__(self) -> str:
        return f"item {self.item_id}: {self.units} suggested, {self.chosen} chosen"
