from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.communities.models import Community, Household
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


# The longest nickname the book keeps, as written (WeChat's own limit is 32 characters).
MAX_NICKNAME = 60
# The longest key: a nickname folded (NFKC) may grow; one that grows past this is refused.
MAX_KEY = 4 * MAX_NICKNAME


class NicknameBook(models.Model):
    """One entry of a community's nickname book: the nickname a household writes in 接龙
    chains that name no building and room ("8、阿芳 草莓两盒"), and the household it is.

    Personal data: it is kept only to find a household's 接龙 entry, is written only when a
    leader of the community (or an operator) says whose a nickname is, and is shown only to
    the community's leaders and the operators. ``key`` is the nickname as compared
    (:func:`linli.jielong.rules.nickname_key`); one household per key and community."""

    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    nickname = models.CharField(
        _("nickname"),
        max_length=MAX_NICKNAME,
        help_text=_(
            "As written in a 接龙 chain. Personal data: kept only to find this household's "
            "entries in the community's chains; seen only by the community's leaders and the "
            "operators."
        ),
    )
    key = models.CharField(
        _("key"),
        max_length=MAX_KEY,
        help_text=_("The nickname as compared: NFKC, case-folded, spaces squeezed."),
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.CASCADE,
        related_name="+",
        help_text=_("The household that writes this nickname."),
    )
    matched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("matched by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    matched_at = models.DateTimeField(_("matched at"))

    class Meta:
        verbose_name = _("nickname book entry")
        verbose_name_plural = _("nickname book")
        ordering = ["community_id", "key"]
        constraints = [
            models.UniqueConstraint(fields=["community", "key"], name="nickname_once"),
        ]

    def __str__(self) -> str:
        return f"{self.community_id} {self.nickname}"
