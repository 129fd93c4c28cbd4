from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Community(models.Model):
    """A residential compound (小区) whose households buy together."""

    name = models.CharField(_("name"), max_length=80)
    city = models.CharField(_("city"), max_length=40)
    district = models.CharField(_("district"), max_length=40)
    address = models.CharField(_("address"), max_length=200, blank=True)
    default_pickup_place = models.CharField(_("default pickup place"), max_length=120, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["city", "district", "name"]

    def __str__(self) -> str:
        return self.name


class Building(models.Model):
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="buildings"
    )
    name = models.CharField(_("name"), max_length=40, help_text=_("As residents say it: 3号楼"))
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["community_id", "position", "name"]
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="building_name_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.community.name} {self.name}"


class Household(models.Model):
    """One flat: the unit that orders, pays and picks up."""

    class Vulnerability(models.TextChoices):
        NONE = "", _("none")
        ELDERLY_ALONE = "elderly_alone", _("elderly living alone")
        MEDICAL_NEED = "medical_need", _("medical need")
        DISABILITY = "disability", _("disability")
        OTHER = "other", _("other")

    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.PROTECT, related_name="households"
    )
    room = models.CharField(_("room"), max_length=20)
    contact_name = models.CharField(_("contact name"), max_length=60)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    vulnerable = models.BooleanField(
        _("vulnerable"),
        default=False,
        help_text=_("Served first when a delivery falls short."),
    )
    vulnerability = models.CharField(
        _("why vulnerable"), max_length=20, choices=Vulnerability.choices, blank=True
    )
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    # A default in the database too: bulk loaders (the demo city) insert households without it.
    neighbours_may_order = models.BooleanField(
        _("ordered for by neighbours"),
        default=False,
        db_default=False,
        help_text=_(
            "The household has agreed that members of other households in its community may "
            "order on its behalf (for households without a phone). Set by a leader."
        ),
    )

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["building_id", "room"]
        constraints = [
            models.UniqueConstraint(fields=["building", "room"], name="household_room_unique"),
            models.CheckConstraint(
                condition=Q(vulnerable=True) | Q(vulnerability=""),
                name="household_vulnerability_needs_flag",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.building.name} {self.room} {self.contact_name}"


class Member(models.Model):
    """A signed-in person who belongs to a household."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="member",
    )
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="members"
    )

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return f"{self.user} @ {self.household}"


class Leader(models.Model):
    """A group leader (团长): runs group buys for the communities they lead."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="leader",
    )
    communities = models.ManyToManyField(
        Community, verbose_name=_("communities"), related_name="leaders", blank=True
    )
    commission_bp = models.PositiveIntegerField(
        _("commission (basis points)"),
        default=1000,
        help_text=_("Share of sales paid to the leader, in hundredths of a percent: 1000 = 10%."),
    )
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("group leader")
        verbose_name_plural = _("group leaders")
        constraints = [
            models.CheckConstraint(
                condition=Q(commission_bp__lte=5000), name="leader_commission_at_most_half"
            ),
        ]

    def __str__(self) -> str:
        return str(self.user)


class Consent(models.Model):
    """A household's yes or no to one use of its data beyond delivering its orders (PIPL: a
    consent per purpose, given freely, withdrawable at any time). Append-only: the newest row
    per (household, purpose) is the household's choice; the older rows are its history, kept
    to show what was agreed to, under which text, when and by whom."""

    class Purpose(models.TextChoices):
        NEIGHBOURS_ORDER = "neighbours_order", _("neighbours may order for us")
        SUGGESTIONS = "suggestions", _("personal suggestions from our order history")
        CONNECT_HOST = "connect_host", _("hosting visitors in a consumer-connect programme")
        QUOTED = "quoted", _("being quoted in a report")
        MARKETING = "marketing", _("marketing notices")
        LEADER_CONTACTS = "leader_contacts", _("our leader may keep our contact")

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="consents"
    )
    purpose = models.CharField(_("purpose"), max_length=20, choices=Purpose.choices)
    granted = models.BooleanField(_("granted"))
    # The version of the text the household was shown (consent_texts.CONSENT_TEXTS).
    text_version = models.CharField(_("text version"), max_length=20)
    # Who recorded it: a member of the household, or its leader on behalf of a household
    # without a phone. Empty once that person's account is deleted.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    at = models.DateTimeField(_("at"), default=timezone.now)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        indexes = [
            models.Index(fields=["household", "purpose", "-id"], name="consent_newest_idx"),
            models.Index(fields=["purpose", "household"], name="consent_purpose_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.household_id} {self.purpose} {'yes' if self.granted else 'no'}"
