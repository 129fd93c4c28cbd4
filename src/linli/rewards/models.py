"""Points, perks, green energy and trees (docs/decisions/0029, 0030).

Balances live on the ledger (units ``PTS`` and ``GREEN_G``); these tables say where each
posting came from and what is left of it:

- :class:`EarningRule`: data an operator manages, that turns a published event into points
  or energy.
- :class:`Lot`: points a household earned from one rule for one source (an order, a report),
  with what is left to spend and when it expires. A household's points balance on the ledger
  is always the sum of its lots' ``remaining`` (a take-back that finds the points spent leaves
  a lot below zero: a debt the next earnings pay off).
- :class:`EnergyDrop`: green energy (grams of CO₂ avoided) waiting to be collected; collected
  it is posted to the ledger, uncollected it lapses.
- :class:`Tree`, :class:`Species`, :class:`PlantingBatch`: a virtual tree grows with the energy
  given to it; grown, it is planted for real in a batch and gets a code and a certificate.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Product
from linli.communities.models import Building, Community, Household
from linli.groupbuys.models import GroupBuyItem, Order
from linli.ledger.models import Entry, Unit

from .limits import MAX_NAME, MAX_NOTE


class Trigger(models.TextChoices):
    PICKED_UP = "picked_up", _("order picked up")
    ON_TIME = "on_time", _("picked up within its pickup window")
    FIRST_ORDER = "first_order", _("a household's first order")
    FOR_NEIGHBOUR = "for_neighbour", _("ordered for a neighbour who has no phone")
    INVITED = "invited", _("a household joined through the member's invitation")
    FEEDBACK = "feedback", _("feedback on a delivered item")
    OWN_BAG = "own_bag", _("brought an own bag")
    CRATES = "crates", _("returned crates")
    IMPERFECT = "imperfect", _("bought imperfect produce")
    GOAL = "goal", _("a community goal reached")


#: The triggers that come from an order's pickup (the others from their own events).
PICKUP_TRIGGERS = (
    Trigger.PICKED_UP,
    Trigger.ON_TIME,
    Trigger.FIRST_ORDER,
    Trigger.FOR_NEIGHBOUR,
    Trigger.INVITED,
    Trigger.IMPERFECT,
)


class RewardUnit(models.TextChoices):
    POINTS = Unit.POINTS.value, _("points")
    ENERGY = Unit.GREEN.value, _("green energy (grams)")


class EarningRule(models.Model):
    """When a household earns, how much, where and until when: data, not code."""

    class Effect(models.TextChoices):
        FIXED = "fixed", _("fixed amount")
        PER_YUAN = "per_yuan", _("per yuan of the order")

    name = models.CharField(_("name"), max_length=MAX_NAME)
    trigger = models.CharField(_("trigger"), max_length=16, choices=Trigger.choices)
    unit = models.CharField(
        _("earns"), max_length=8, choices=RewardUnit.choices, default=RewardUnit.POINTS
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: every community."),
    )
    category = models.CharField(
        _("product category"),
        max_length=20,
        choices=Product.Category.choices,
        blank=True,
        help_text=_("Empty: any product. Set: only orders with a product of this category."),
    )
    min_amount_fen = models.PositiveIntegerField(_("minimum amount (fen)"), default=0)
    effect = models.CharField(
        _("effect"), max_length=8, choices=Effect.choices, default=Effect.FIXED
    )
    amount = models.PositiveIntegerField(
        _("amount"), help_text=_("Points or grams, fixed or per yuan of the order.")
    )
    per_day_cap = models.PositiveIntegerField(
        _("most per household per day"), null=True, blank=True
    )
    per_month_cap = models.PositiveIntegerField(
        _("most per household per month"), null=True, blank=True
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("earning rule")
        verbose_name_plural = _("earning rules")
        ordering = ["trigger", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="rewards_rule_amount_positive"),
            models.CheckConstraint(condition=~Q(trigger=""), name="rewards_rule_has_trigger"),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="rewards_rule_dates_in_order",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Lot(models.Model):
    """Points one household earned from one rule for one source, once (unique)."""

    # Indexed by (household, expires_at), which starts with it.
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    # Indexed by the unique (rule, household, source), which starts with it.
    rule = models.ForeignKey(
        EarningRule,
        verbose_name=_("rule"),
        on_delete=models.PROTECT,
        related_name="lots",
        db_index=False,
    )
    # What earned it: "order:12", "report:3", "action:7".
    source = models.CharField(_("source"), max_length=40)
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The amount the rule's conditions were measured on (a per-yuan rule's base).
    basis_fen = models.PositiveIntegerField(_("basis (fen)"), default=0)
    amount = models.PositiveIntegerField(_("earned"))
    taken_back = models.PositiveIntegerField(_("taken back"), default=0)
    spent = models.PositiveIntegerField(_("spent"), default=0)
    expired = models.PositiveIntegerField(_("expired"), default=0)
    # amount − taken_back − spent − expired, adjusted by debts paid off: below zero while a
    # take-back is owed.
    remaining = models.BigIntegerField(_("left"))
    earned_at = models.DateTimeField(_("earned at"))
    expires_at = models.DateTimeField(_("expires at"))
    # Not indexed: nothing looks lots up by their entry (entries are never deleted), and every
    # index slows earning's bulk insert.
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name = _("points earned")
        verbose_name_plural = _("points earned")
        ordering = ["expires_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["rule", "household", "source"], name="rewards_lot_earned_once"
            ),
            models.CheckConstraint(condition=Q(amount__gt=0), name="rewards_lot_amount_positive"),
            models.CheckConstraint(
                condition=Q(taken_back__lte=F("amount")), name="rewards_lot_take_back_at_most"
            ),
        ]
        indexes = [
            models.Index(fields=["household", "expires_at"], name="rewards_lot_household_idx"),
            models.Index(fields=["expires_at", "remaining"], name="rewards_lot_due_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} +{self.amount} ({self.source})"


class TakeBack(models.Model):
    """Points taken back from one lot for one reason (an order cancelled, a refund), once."""

    lot = models.ForeignKey(
        Lot, verbose_name=_("points earned"), on_delete=models.PROTECT, related_name="take_backs"
    )
    reason = models.CharField(_("reason"), max_length=40)
    amount = models.PositiveIntegerField(_("taken back"))
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("points taken back")
        verbose_name_plural = _("points taken back")
        constraints = [
            models.UniqueConstraint(fields=["lot", "reason"], name="rewards_take_back_once"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="rewards_take_back_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.lot_id} -{self.amount} ({self.reason})"


class Tier(models.Model):
    """A level reached by points earned over the last twelve months."""

    name = models.CharField(_("name"), max_length=MAX_NAME)
    name_en = models.CharField(_("name in English"), max_length=MAX_NAME)
    min_points = models.PositiveIntegerField(_("points earned in 12 months"), unique=True)

    class Meta:
        verbose_name = _("tier")
        verbose_name_plural = _("tiers")
        ordering = ["min_points"]

    def __str__(self) -> str:
        return self.name


class TierStanding(models.Model):
    """The tier a household was given at its last yearly review (it may rise in between,
    never fall)."""

    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    tier = models.ForeignKey(Tier, verbose_name=_("tier"), on_delete=models.PROTECT)
    earned = models.PositiveIntegerField(_("points earned in 12 months"))
    reviewed_at = models.DateTimeField(_("reviewed at"))

    class Meta:
        verbose_name = _("tier standing")
        verbose_name_plural = _("tier standings")

    def __str__(self) -> str:
        return f"{self.household_id}: {self.tier_id}"


class Perk(models.Model):
    class Kind(models.TextChoices):
        EARLY_ACCESS = "early_access", _("early access to group buys")
        RESERVED_UNIT = "reserved", _("a reserved unit of a scarce item")
        FREE_ITEM = "free_item", _("a free item at the next pickup")
        COUPON = "coupon", _("a leader-funded coupon")

    name = models.CharField(_("name"), max_length=MAX_NAME)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    cost = models.PositiveIntegerField(_("points"))
    min_tier = models.ForeignKey(
        Tier,
        verbose_name=_("for tier and above"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    product = models.ForeignKey(
        Product,
        verbose_name=_("product"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    hours_early = models.PositiveSmallIntegerField(_("hours early"), default=0)
    coupon_fen = models.PositiveIntegerField(_("coupon (fen)"), default=0)
    # None: as many as are redeemed.
    stock = models.PositiveIntegerField(_("how many"), null=True, blank=True)
    left = models.PositiveIntegerField(_("left"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("perk")
        verbose_name_plural = _("perks")
        ordering = ["cost", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="rewards_perk_cost_positive"),
            models.CheckConstraint(
                condition=(Q(stock__isnull=True) & Q(left__isnull=True))
                | (Q(left__gte=0) & Q(left__lte=F("stock"))),
                name="rewards_perk_left_within_stock",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    perk = models.ForeignKey(
        Perk, verbose_name=_("perk"), on_delete=models.PROTECT, related_name="redemptions"
    )
    points = models.PositiveIntegerField(_("points"))
    code = models.CharField(_("code"), max_length=12, unique=True)
    # Empty for a perk a community goal granted (no one redeemed it, no points moved).
    redeemed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("redeemed by"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    goal = models.ForeignKey(
        "Goal",
        verbose_name=_("granted by goal"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="grants",
    )

    class Meta:
        verbose_name = _("redemption")
        verbose_name_plural = _("redemptions")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["household", "at"], name="rewards_redemption_hh_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["goal", "household"],
                condition=Q(goal__isnull=False),
                name="rewards_goal_grants_once",
            ),
            models.CheckConstraint(
                condition=Q(goal__isnull=False) | (Q(entry__isnull=False) & Q(points__gt=0)),
                name="rewards_redemption_paid_or_granted",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.perk_id}"

    @property
    def perk_name(self) -> str:
        """As :class:`linli.rewards.standing.Redeemed` names it (the API writes both alike)."""
        return self.perk.name


class Referral(models.Model):
    """A household that joined through another's invitation (recorded by its leader)."""

    household = models.OneToOneField(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    invited_by = models.ForeignKey(
        Household, verbose_name=_("invited by"), on_delete=models.CASCADE, related_name="+"
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        constraints = [
            models.CheckConstraint(
                condition=~Q(household=F("invited_by")), name="rewards_referral_not_self"
            )
        ]

    def __str__(self) -> str:
        return f"{self.household_id} ← {self.invited_by_id}"


class GreenAction(models.Model):
    """An own bag or returned crates, recorded by the leader at the pickup."""

    class Kind(models.TextChoices):
        OWN_BAG = Trigger.OWN_BAG.value, Trigger.OWN_BAG.label
        CRATES = Trigger.CRATES.value, Trigger.CRATES.label

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="+"
    )
    order = models.ForeignKey(
        Order, verbose_name=_("order"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT
    )
    at = models.DateTimeField(_("at"))

    class Meta:
        verbose_name = _("green action")
        verbose_name_plural = _("green actions")
        constraints = [
            models.UniqueConstraint(fields=["order", "kind"], name="rewards_action_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.order_id}"


class ImperfectItem(models.Model):
    """An item of a group buy flagged as imperfect ("ugly") produce."""

    item = models.OneToOneField(
        GroupBuyItem, verbose_name=_("item"), on_delete=models.CASCADE, related_name="+"
    )
    flagged_at = models.DateTimeField(_("flagged at"), default=timezone.now)

    class Meta:
        verbose_name = _("imperfect produce")
        verbose_name_plural = _("imperfect produce")

    def __str__(self) -> str:
        return str(self.item_id)


class Site(models.Model):
    """Where a community's gate or a supplier's depot is (WGS-84), for the bulk delivery's
    distance in the energy model."""

    class Kind(models.TextChoices):
        COMMUNITY = "community", _("community")
        SUPPLIER = "supplier", _("supplier")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    owner_id = models.PositiveBigIntegerField(_("community or supplier"))
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        constraints = [
            models.UniqueConstraint(fields=["kind", "owner_id"], name="rewards_site_once"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lng__gte=-180) & Q(lng__lte=180),
                name="rewards_site_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.owner_id} ({self.lat:.4f}, {self.lng:.4f})"


class EnergyDrop(models.Model):
    """Green energy for one source, waiting from ``appears_at`` until ``lapses_at`` to be
    collected by a tap; posted to the ledger when collected."""

    # Indexed by the unique (household, source), which starts with it.
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    source = models.CharField(_("source"), max_length=40)
    rule = models.ForeignKey(
        EarningRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    order = models.ForeignKey(
        Order,
        verbose_name=_("order"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="+"
    )
    # What the model computed (CO₂ avoided) and what is given after the daily cap.
    avoided_g = models.IntegerField(_("CO₂ avoided (g)"))
    grams = models.PositiveIntegerField(_("energy (g)"))
    earned_at = models.DateTimeField(_("earned at"))
    appears_at = models.DateTimeField(_("appears at"))
    lapses_at = models.DateTimeField(_("lapses at"))
    collected_at = models.DateTimeField(_("collected at"), null=True, blank=True)
    lapsed_at = models.DateTimeField(_("lapsed at"), null=True, blank=True)
    entry = models.ForeignKey(
        Entry,
        verbose_name=_("entry"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("energy")
        verbose_name_plural = _("energy")
        ordering = ["appears_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["household", "source"], name="rewards_energy_earned_once"
            ),
            models.CheckConstraint(
                condition=Q(collected_at__isnull=True) | Q(lapsed_at__isnull=True),
                name="rewards_energy_collected_or_lapsed",
            ),
        ]
        indexes = [
            models.Index(fields=["household", "appears_at"], name="rewards_energy_hh_idx"),
            # The energy page's pickups, newest first, a page at a time: without it PostgreSQL
            # sorted a seq scan of every drop (15 ms on the default city).
            models.Index(fields=["household", "earned_at"], name="rewards_energy_recent_idx"),
            models.Index(fields=["lapses_at"], name="rewards_energy_lapse_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.grams} g ({self.source})"


class Species(models.Model):
    name = models.CharField(_("name"), max_length=MAX_NAME)
    name_en = models.CharField(_("name in English"), max_length=MAX_NAME)
    energy_g = models.PositiveIntegerField(_("energy needed (g)"))
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("tree species")
        verbose_name_plural = _("tree species")
        ordering = ["energy_g", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(energy_g__gt=0), name="rewards_species_energy_positive"
            )
        ]

    def __str__(self) -> str:
        return self.name


class PlantingBatch(models.Model):
    """Trees a partner planted on a day at a place."""

    partner = models.CharField(_("partner"), max_length=MAX_NAME)
    place = models.CharField(_("place"), max_length=MAX_NOTE)
    lat = models.FloatField(_("latitude"))
    lng = models.FloatField(_("longitude"))
    planted_on = models.DateField(_("planted on"))
    species = models.ForeignKey(Species, verbose_name=_("species"), on_delete=models.PROTECT)
    count = models.PositiveIntegerField(_("trees"))

    class Meta:
        verbose_name = _("planting batch")
        verbose_name_plural = _("planting batches")
        ordering = ["-planted_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(count__gt=0), name="rewards_batch_count_positive"),
            models.CheckConstraint(
                condition=Q(lat__gte=-90) & Q(lat__lte=90) & Q(lng__gte=-180) & Q(lng__lte=180),
                name="rewards_batch_on_earth",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} {self.place} {self.planted_on}"


class Tree(models.Model):
    """A virtual tree of one household, or planted together (合种) by a building's households."""

    species = models.ForeignKey(Species, verbose_name=_("species"), on_delete=models.PROTECT)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("planted together by building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    energy_g = models.PositiveIntegerField(_("energy given (g)"), default=0)
    started_at = models.DateTimeField(_("started at"))
    grown_at = models.DateTimeField(_("grown at"), null=True, blank=True)
    batch = models.ForeignKey(
        PlantingBatch,
        verbose_name=_("planting batch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="trees",
    )
    code = models.CharField(_("tree code"), max_length=20, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("tree")
        verbose_name_plural = _("trees")
        ordering = ["-started_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(household__isnull=True) & Q(building__isnull=False))
                | (Q(household__isnull=False) & Q(building__isnull=True)),
                name="rewards_tree_one_owner",
            ),
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(grown_at__isnull=True, household__isnull=False),
                name="rewards_one_growing_tree",
            ),
            models.UniqueConstraint(
                fields=["building"],
                condition=Q(grown_at__isnull=True, building__isnull=False),
                name="rewards_one_growing_building_tree",
            ),
        ]

    def __str__(self) -> str:
        return self.code or f"#{self.pk} {self.species_id}"


class Watering(models.Model):
    """Energy one household gave to a tree (its own, or its building's)."""

    tree = models.ForeignKey(
        Tree, verbose_name=_("tree"), on_delete=models.PROTECT, related_name="waterings"
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="+"
    )
    grams = models.PositiveIntegerField(_("energy (g)"))
    at = models.DateTimeField(_("at"))
    entry = models.ForeignKey(
        Entry, verbose_name=_("entry"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("energy given")
        verbose_name_plural = _("energy given")
        constraints = [
            models.CheckConstraint(condition=Q(grams__gt=0), name="rewards_watering_positive")
        ]

    def __str__(self) -> str:
        return f"{self.household_id} → {self.tree_id}: {self.grams} g"


class Goal(models.Model):
    """A community goal an operator sets: "if 80 % of the households of building 3 pick up on
    time in March, each gets 50 points" (docs/decisions/0029). Settled once after its month."""

    class Measure(models.TextChoices):
        ON_TIME = "on_time", _("share of households picking up within the pickup window")

    class Unlock(models.TextChoices):
        POINTS = "points", _("points for each household")
        PERK = "perk", _("a perk for each household")

    name = models.CharField(_("name"), max_length=MAX_NAME)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="+"
    )
    building = models.ForeignKey(
        Building,
        verbose_name=_("building"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Empty: the whole community."),
    )
    measure = models.CharField(
        _("measure"), max_length=12, choices=Measure.choices, default=Measure.ON_TIME
    )
    threshold_pct = models.PositiveSmallIntegerField(_("threshold (%)"))
    # The first day of the month it counts.
    month = models.DateField(_("month"))
    unlock = models.CharField(_("unlocks"), max_length=8, choices=Unlock.choices)
    points = models.PositiveIntegerField(_("points for each household"), default=0)
    perk = models.ForeignKey(
        Perk,
        verbose_name=_("perk"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The points' earning rule (trigger "goal"): lots, caps and earning once come with it.
    rule = models.ForeignKey(
        EarningRule,
        verbose_name=_("rule"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    settled_at = models.DateTimeField(_("settled at"), null=True, blank=True)
    met = models.BooleanField(_("reached"), null=True, blank=True)
    counted = models.PositiveIntegerField(_("households counted"), null=True, blank=True)
    on_time = models.PositiveIntegerField(_("households on time"), null=True, blank=True)

    class Meta:
        verbose_name = _("community goal")
        verbose_name_plural = _("community goals")
        ordering = ["-month", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(threshold_pct__gte=1) & Q(threshold_pct__lte=100),
                name="rewards_goal_threshold_pct",
            ),
            models.CheckConstraint(
                condition=(Q(unlock="points") & Q(points__gt=0) & Q(rule__isnull=False))
                | (Q(unlock="perk") & Q(perk__isnull=False)),
                name="rewards_goal_unlocks_something",
            ),
        ]
        indexes = [models.Index(fields=["community", "month"], name="rewards_goal_month_idx")]

    def __str__(self) -> str:
        return self.name
