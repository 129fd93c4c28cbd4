from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.communities.models import Household
from linli.groupbuys.models import GroupBuy, Order


class ImportedLine(models.Model):
    """A numbered line of a 接龙 chain that has been imported into a group buy: what makes
    importing the same chain again, or a longer one, add only what is new."""

    group_buy = models.ForeignKey(
        GroupBuy,
        verbose_name=_("group buy"),
        on_delete=models.CASCADE,
        related_name="imported_lines",
    )
    number = models.PositiveIntegerField(_("number in the chain"))
    text = models.CharField(_("text"), max_length=300)
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.PROTECT, related_name="chain_lines"
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    imported_at = models.DateTimeField(_("imported at"))

    class Meta:
        verbose_name = _("imported chain line")
        verbose_name_plural = _("imported chain lines")
        ordering = ["group_buy_id", "number"]
        constraints = [
            models.UniqueConstraint(fields=["group_buy", "number"], name="chain_line_once"),
        ]
        indexes = [
            models.Index(fields=["group_buy", "household"], name="chain_line_household_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.group_buy_id} #{self.number}"
