from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Product, Supplier
from linli.communities.models import Community, Household, Leader

from .limits import MAX_DESCRIPTION, MAX_NOTE, MAX_PLACE, MAX_TITLE, PPM


class GroupBuy(models.Model):
    """A leader's offer to one community: items, a minimum to form, a cutoff, a pickup.

    Opening, cutoff and pickup are separate fields on purpose: when one field does two jobs,
    leaders mix up "orders close" with "come and collect".
    """

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        FORMED = "formed", _("formed")
        FAILED = "failed", _("failed")
        COMPLETED = "completed", _("completed")

    class Threshold(models.TextChoices):
        UNITS = "units", _("units")
        HOUSEHOLDS = "households", _("households")

    class CloseReason(models.TextChoices):
        CUTOFF = "cutoff", _("cutoff reached")
        EARLY = "early", _("closed early by the leader")
        FULL = "full", _("maximum reached")

    class CompletionReason(models.TextChoices):
        ALL_COLLECTED = "all_collected", _("everything collected")
        PICKUP_WINDOW_ENDED = "pickup_window_ended", _("pickup window ended")

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="group_buys"
    )
    leader = models.ForeignKey(
        Leader, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="group_buys"
    )
    title = models.CharField(_("title"), max_length=MAX_TITLE)
    description = models.TextField(_("description"), max_length=MAX_DESCRIPTION, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    threshold = models.CharField(
        _("threshold counted in"), max_length=10, choices=Threshold.choices, default="units"
    )
    min_to_form = models.PositiveIntegerField(_("minimum to form (成团)"))
    max_to_close = models.PositiveIntegerField(_("maximum (closes early)"), null=True, blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    cutoff_at = models.DateTimeField(_("cutoff"))
    pickup_starts_at = models.DateTimeField(_("pickup starts"))
    pickup_ends_at = models.DateTimeField(_("pickup ends"))
    pickup_place = models.CharField(_("pickup place"), max_length=MAX_PLACE)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    close_reason = models.CharField(
        _("close reason"), max_length=10, choices=CloseReason.choices, blank=True
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completion_reason = models.CharField(
        _("completion reason"), max_length=20, choices=CompletionReason.choices, blank=True
    )

    class Meta:
        verbose_name = _("group buy")
        verbose_name_plural = _("group buys")
        ordering = ["-cutoff_at", "-id"]
        indexes = [
            models.Index(fields=["status", "cutoff_at"], name="groupbuy_due_idx"),
            models.Index(fields=["community", "status"], name="groupbuy_community_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(min_to_form__gte=1), name="groupbuy_min_positive"),
            models.CheckConstraint(
                condition=Q(max_to_close__isnull=True) | Q(max_to_close__gte=F("min_to_form")),
                name="groupbuy_max_at_least_min",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__lt=F("cutoff_at"))
                & Q(cutoff_at__lte=F("pickup_starts_at"))
                & Q(pickup_starts_at__lt=F("pickup_ends_at")),
                name="groupbuy_times_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Presale(models.Model):
    """A farmer's offer before harvest (预售): one total shared by the group buys of many
    communities. ``left`` is taken by every order of every group buy that carries it, by the
    same conditional UPDATE as an item's stock, so the total is never oversold (decision 0038).
    """

    class Status(models.TextChoices):
        OPEN = "open", _("taking orders")
        HARVESTED = "harvested", _("harvested")

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="presales"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="presales"
    )
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    harvest_on = models.DateField(_("expected harvest"))
    total = models.PositiveIntegerField(_("total"))
    left = models.PositiveIntegerField(_("left"))
    minimum = models.PositiveIntegerField(_("minimum worth harvesting"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    harvested = models.PositiveIntegerField(_("harvested"), null=True, blank=True)
    policy = models.CharField(_("shared out by"), max_length=12, blank=True)
    harvested_at = models.DateTimeField(_("harvest recorded at"), null=True, blank=True)
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("presale")
        verbose_name_plural = _("presales")
        ordering = ["harvest_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(left__gte=0) & Q(left__lte=F("total")), name="presale_left_within"
            ),
            models.CheckConstraint(
                condition=Q(minimum__gte=1) & Q(minimum__lte=F("total")),
                name="presale_minimum_within",
            ),
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="presale_price_positive"),
            models.CheckConstraint(
                condition=Q(harvested__isnull=True) | Q(harvested__lte=F("total")),
                name="presale_harvest_within",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.total} ({self.harvest_on})"

    @property
    def sold(self) -> int:
        return self.total - self.left


class HelpSellOffer(models.Model):
    """A supplier offers a product to leaders at a supply price (帮卖); leaders pass it on
    (:class:`HelpSellPass`), each level keeping a share in parts per million."""

    supplier = models.ForeignKey(
        Supplier, verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="offers"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="offers"
    )
    supply_price_fen = models.PositiveIntegerField(_("supply price (fen)"))
    suggested_price_fen = models.PositiveIntegerField(_("suggested price (fen)"))
    max_depth = models.PositiveSmallIntegerField(_("deepest level"))
    operator_ppm = models.PositiveIntegerField(_("operator's share (ppm)"))
    created_at = models.DateTimeField(_("created at"))

    class Meta:
        verbose_name = _("help-sell offer")
        verbose_name_plural = _("help-sell offers")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(supply_price_fen__gt=0)
                & Q(suggested_price_fen__gte=F("supply_price_fen")),
                name="offer_prices",
            ),
            models.CheckConstraint(condition=Q(max_depth__gte=1), name="offer_depth_positive"),
            models.CheckConstraint(condition=Q(operator_ppm__lte=PPM), name="offer_operator_ppm"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} @ {self.supply_price_fen}"


class HelpSellPass(models.Model):
    """A leader holds an offer: from the supplier (level 1, no parent) or passed on by the
    leader above (``parent``), keeping ``share_ppm`` of what reaches the level above. A leader
    holds an offer once, so a chain can never come back to a leader already in it."""

    offer = models.ForeignKey(
        HelpSellOffer, verbose_name=_("offer"), on_delete=models.PROTECT, related_name="passes"
    )
    leader = models.ForeignKey(
        Leader, verbose_name=_("leader"), on_delete=models.PROTECT, related_name="passes"
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("passed on by"),
        on_delete=models.PROTECT,
        related_name="children",
        null=True,
        blank=True,
    )
    depth = models.PositiveSmallIntegerField(_("level"))
    share_ppm = models.PositiveIntegerField(_("share (ppm)"))
    passed_at = models.DateTimeField(_("passed at"))
    stopped_at = models.DateTimeField(_("stopped passing on at"), null=True, blank=True)

    class Meta:
        verbose_name = _("help-sell pass")
        verbose_name_plural = _("help-sell passes")
        ordering = ["offer_id", "depth", "id"]
        constraints = [
            models.UniqueConstraint(fields=["offer", "leader"], name="pass_leader_once"),
            models.CheckConstraint(condition=Q(depth__gte=1), name="pass_depth_positive"),
            models.CheckConstraint(condition=Q(share_ppm__lte=PPM), name="pass_share_at_most_all"),
            models.CheckConstraint(
                condition=(Q(parent__isnull=True) & Q(depth=1))
                | (Q(parent__isnull=False) & Q(depth__gte=2)),
                name="pass_root_at_level_one",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.offer_id}: {self.leader_id} (level {self.depth})"


class GroupBuyItem(models.Model):
    """One product on offer in a group buy. ``stock_left`` is taken by orders as they are
    placed, by a conditional UPDATE, and given back on cancel."""

    group_buy = models.ForeignKey(
        GroupBuy, verbose_name=_("group buy"), on_delete=models.CASCADE, related_name="items"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    price_fen = models.PositiveIntegerField(_("price (fen)"))
    stock_initial = models.PositiveIntegerField(_("stock"))
    stock_left = models.PositiveIntegerField(_("stock left"))
    per_household_limit = models.PositiveIntegerField(
        _("limit per household"), null=True, blank=True
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    # Set when the item sells a share of a presale (its orders also take the presale's total)
    # or a help-sell offer held by the group buy's leader (its sales are split by the chain).
    presale = models.ForeignKey(
        Presale,
        verbose_name=_("presale"),
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
    )
    help_sell = models.ForeignKey(
        HelpSellPass,
        verbose_name=_("help-sell"),
        on_delete=models.PROTECT,
        related_name="items",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["group_buy_id", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["group_buy", "product"], name="item_product_once"),
            models.CheckConstraint(
                condition=Q(stock_left__gte=0) & Q(stock_left__lte=F("stock_initial")),
                name="item_stock_within_initial",
            ),
            models.CheckConstraint(condition=Q(price_fen__gt=0), name="item_price_positive"),
            models.CheckConstraint(
                condition=Q(per_household_limit__isnull=True) | Q(per_household_limit__gte=1),
                name="item_limit_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product.name} ¥{self.price_fen / 100:.2f}"

    @property
    def sold(self) -> int:
        return self.stock_initial - self.stock_left


class Order(models.Model):
    """A household's order in one group buy. A household may place several."""

    class Status(models.TextChoices):
        PLACED = "placed", _("placed")
        CANCELLED = "cancelled", _("cancelled")
        CONFIRMED = "confirmed", _("confirmed")
        FAILED = "failed", _("group buy failed")

    class Pickup(models.TextChoices):
        NONE = "none", _("not collected")
        PARTIAL = "partial", _("partly collected")
        FULL = "full", _("collected")

    # No index of their own: the composite indexes below start with each of them, and every
    # index is one more write for each order placed and each order a close numbers.
    group_buy = models.ForeignKey(
        GroupBuy,
        verbose_name=_("group buy"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="orders",
        db_index=False,
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("placed by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PLACED
    )
    seq = models.PositiveIntegerField(_("跟团号"), null=True, blank=True)
    pickup_code = models.CharField(_("pickup code"), max_length=12)
    pickup = models.CharField(
        _("pickup"), max_length=8, choices=Pickup.choices, default=Pickup.NONE
    )
    note = models.CharField(_("note"), max_length=MAX_NOTE, blank=True)
    total_fen = models.PositiveIntegerField(_("total (fen)"), default=0)
    placed_at = models.DateTimeField(_("placed at"))
    updated_at = models.DateTimeField(_("updated at"))
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["group_buy_id", "seq", "placed_at", "id"]
        indexes = [
            models.Index(fields=["group_buy", "status", "pickup"], name="order_gb_status_idx"),
            models.Index(fields=["household", "group_buy"], name="order_household_idx"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["group_buy", "seq"], name="order_seq_unique"),
            models.UniqueConstraint(
                fields=["group_buy", "pickup_code"], name="order_pickup_code_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.seq or '-'} {self.household_id} ({self.status})"

    @property
    def issued_pickup_code(self) -> str | None:
        """The pickup code once the group buy has formed; none before, or if it failed."""
        return self.pickup_code if self.status == self.Status.CONFIRMED else None


class OrderLine(models.Model):
    # Indexed by ``line_item_once`` (order, item), which starts with it.
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        on_delete=models.CASCADE,
        related_name="lines",
        db_index=False,
    )
    item = models.ForeignKey(
        GroupBuyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="lines"
    )
    quantity = models.PositiveIntegerField(_("quantity"))
    unit_price_fen = models.PositiveIntegerField(_("unit price (fen)"))
    picked_up = models.PositiveIntegerField(_("picked up"), default=0)
    # Set when a short delivery is shared out (``services.allocation``): what this line gets,
    # at most what was ordered; the hand-out never gives more. None: the full quantity.
    allocated = models.PositiveIntegerField(_("allocated"), null=True, blank=True)

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order_id", "item_id"]
        constraints = [
            models.UniqueConstraint(fields=["order", "item"], name="line_item_once"),
            models.CheckConstraint(condition=Q(quantity__gt=0), name="line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(picked_up__lte=F("quantity")), name="line_picked_up_at_most_ordered"
            ),
            models.CheckConstraint(
                condition=Q(allocated__isnull=True) | Q(allocated__lte=F("quantity")),
                name="line_allocated_at_most_ordered",
            ),
            models.CheckConstraint(
                condition=Q(allocated__isnull=True) | Q(picked_up__lte=F("allocated")),
                name="line_picked_up_at_most_allocated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id} × {self.quantity}"

    @property
    def due(self) -> int:
        """What this line hands out in all: its share of a short delivery, or what was
        ordered."""
        return self.quantity if self.allocated is None else self.allocated

    @property
    def shortfall_fen(self) -> int:
        """What the household paid for this line and will not get: credited back to it."""
        return (self.quantity - self.due) * self.unit_price_fen


class PurchaseOrder(models.Model):
    """What one supplier delivers to one community for one formed group buy. No household
    data: quantities per product only."""

    group_buy = models.ForeignKey(
        GroupBuy,
        verbose_name=_("group buy"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="purchase_orders",
    )
    created_at = models.DateTimeField(_("created at"))
    delivery_recorded_at = models.DateTimeField(_("delivery recorded at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order")
        verbose_name_plural = _("purchase orders")
        ordering = ["-created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["group_buy", "supplier"], name="purchase_order_per_supplier"
            ),
        ]

    def __str__(self) -> str:
        return f"PO {self.pk} {self.supplier} → {self.group_buy}"


class PurchaseOrderLine(models.Model):
    purchase_order = models.ForeignKey(
        PurchaseOrder,
        verbose_name=_("purchase order"),
        on_delete=models.CASCADE,
        related_name="lines",
    )
    item = models.OneToOneField(
        GroupBuyItem, verbose_name=_("item"), on_delete=models.PROTECT, related_name="po_line"
    )
    product = models.ForeignKey(
        Product, verbose_name=_("product"), on_delete=models.PROTECT, related_name="+"
    )
    quantity = models.PositiveIntegerField(_("ordered"))
    unit_cost_fen = models.PositiveIntegerField(_("unit cost (fen)"))
    delivered = models.PositiveIntegerField(_("delivered"), null=True, blank=True)
    handed_out = models.PositiveIntegerField(_("handed out"), default=0)
    # A database default too: the demo and the benchmarks insert lines in bulk SQL.
    allocation_policy = models.CharField(
        _("shared out by"), max_length=12, blank=True, default="", db_default=""
    )
    allocated_at = models.DateTimeField(_("shared out at"), null=True, blank=True)

    class Meta:
        verbose_name = _("purchase order line")
        verbose_name_plural = _("purchase order lines")
        ordering = ["purchase_order_id", "item_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delivered__isnull=True) | Q(delivered__lte=F("quantity")),
                name="po_line_delivered_at_most_ordered",
            ),
            models.CheckConstraint(
                condition=Q(handed_out__lte=F("quantity")),
                name="po_line_handed_out_at_most_ordered",
            ),
            models.CheckConstraint(
                condition=Q(delivered__isnull=True) | Q(handed_out__lte=F("delivered")),
                name="po_line_handed_out_at_most_delivered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} × {self.quantity}"
