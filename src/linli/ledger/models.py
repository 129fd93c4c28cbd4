"""One double-entry ledger for money and points.

An :class:`Account` belongs to an owner for a purpose and holds one unit. A :class:`Entry`
is one event (an order placed, a payment received, a group buy settled) and has two or more
:class:`Posting` rows that sum to zero per unit. Entries and postings are append-only: the
database refuses to update or delete them (triggers, ``migrations/0002``); a correction is a
new entry that points at the one it reverses. A balance is the sum of an account's postings.

Signs: a posting is a debit when positive. A household's balance is what it owes (negative:
credit held for it, for instance a refund not yet paid back); a clearing account's balance is
the money received through that method and not yet paid out; a supplier's, a leader's and the
operator's balances are negative by what they are owed or have earned.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Unit(models.TextChoices):
    CNY = "CNY", _("yuan (in fen)")
    POINTS = "PTS", _("points")
    GREEN = "GREEN_G", _("green energy (grams)")


class Account(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("household wallet")
        SALES = "sales", _("group buy sales")
        LEADER = "leader", _("leader commission")
        SUPPLIER = "supplier", _("supplier payable")
        OPERATOR = "operator", _("operator revenue")
        CLEARING = "clearing", _("clearing")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    # The household, group buy, leader or supplier id by kind; 0 for the operator and clearing.
    owner_id = models.PositiveBigIntegerField(_("owner"))
    # The payment method of a clearing account; empty for the others.
    method = models.CharField(_("payment method"), max_length=20, blank=True)
    unit = models.CharField(_("unit"), max_length=8, choices=Unit.choices, default=Unit.CNY)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "owner_id", "method", "unit"], name="ledger_account_unique"
            ),
        ]

    def __str__(self) -> str:
        method = f":{self.method}" if self.method else ""
        return f"{self.kind}:{self.owner_id}{method} ({self.unit})"


class Entry(models.Model):
    class Kind(models.TextChoices):
        CHARGE = "charge", _("order charged")
        PAYMENT = "payment", _("payment received")
        REFUND_PAID = "refund_paid", _("refund paid out")
        FAILED = "failed", _("group buy failed: charges reversed")
        SHORTFALL = "shortfall", _("short delivery refunded")
        SETTLEMENT = "settlement", _("group buy settled")
        PAYOUT = "payout", _("paid out")
        REVERSAL = "reversal", _("correction")
        AFTER_SALES = "after_sales", _("after-sales credit")
        MEAL_FEE = "meal_fee", _("consumer-connect meal fees to a host")
        # Rewards' points (unit PTS) and green energy (unit GREEN_G), docs/decisions/0029-0030.
        POINTS_EARNED = "pts_earned", _("points earned")
        POINTS_BACK = "pts_back", _("points taken back")
        POINTS_SPENT = "pts_spent", _("points spent on a perk")
        POINTS_EXPIRED = "pts_expired", _("points expired")
        ENERGY_IN = "energy_in", _("green energy collected")
        ENERGY_TREE = "energy_tree", _("green energy given to a tree")

    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    memo = models.CharField(_("memo"), max_length=200, blank=True)
    # What the entry is about, for the reports; the postings carry the amounts.
    group_buy = models.ForeignKey(
        "groupbuys.GroupBuy",
        verbose_name=_("group buy"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        "groupbuys.Order",
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # A payment's method and the reference the payer gave (a transfer's number).
    method = models.CharField(_("payment method"), max_length=20, blank=True)
    reference = models.CharField(_("reference"), max_length=100, blank=True)
    # Unique when set: the same payment, refund or settlement asked for twice posts once.
    key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    reverses = models.OneToOneField(
        "self",
        verbose_name=_("reverses"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reversed_by",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("journal entry")
        verbose_name_plural = _("journal entries")
        indexes = [models.Index(fields=["order", "kind"], name="ledger_entry_order_idx")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.memo}"


class Posting(models.Model):
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="postings"
    )
    account = models.ForeignKey(
        Account,
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="postings",
        db_index=False,
    )
    amount = models.BigIntegerField(_("amount"))

    class Meta:
        verbose_name = _("posting")
        verbose_name_plural = _("postings")
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=0), name="ledger_posting_not_zero")
        ]
        # A balance is an index-only scan: every posting of one account, amounts included.
        indexes = [models.Index(fields=["account", "amount"], name="ledger_posting_balance_idx")]

    def __str__(self) -> str:
        return f"{self.account}: {self.amount:+d}"
