"""Consumer connect (走进用户): programmes in which staff, leaders and partner officials live and
work for some days with the households and farmers Linli serves, and write up what they saw.

A :class:`Programme` mandates days per participant per year, in stays of ``stay_days`` within
``weeks`` weeks from ``starts_on``. Its :class:`Participant` rows are imported from a sheet; its
:class:`Host` rows are households that agreed (``Consent.Purpose.connect_host``, withdrawable),
farms (suppliers) and leaders' shops. A :class:`MatchRun` assigns participants to hosts and
weeks (``matching.py``, docs/decisions/0035) and writes :class:`Stay` rows; a stay is
scheduled, confirmed by the host, checked in and out (the days counted), and its meal fees are
posted on the ledger to the host. Each stay has a :class:`Report` of notes (observe, listen,
dialogue; the visitor's view or the host's words) and photos; :class:`Highlight` spans of notes
are tagged (nestable :class:`Tag`) and cited by :class:`Insight` rows, which become
:class:`Action` rows. Search over all of it: :mod:`linli.connect.search` (0036).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Supplier
from linli.communities.models import Household, Leader

from .limits import MAX_NAME, MAX_NOTE, MAX_TEXT


def _token() -> str:
    return secrets.token_urlsafe(16)


class Programme(models.Model):
    name = models.CharField(_("name"), max_length=MAX_NAME)
    year = models.PositiveIntegerField(_("year"))
    mandated_days = models.PositiveIntegerField(
        _("mandated days"),
        default=7,
        help_text=_("Days each participant spends with hosts a year."),
    )
    new_staff_days = models.PositiveIntegerField(_("mandated days for new staff"), default=30)
    starts_on = models.DateField(_("first week starts"), help_text=_("A Monday."))
    weeks = models.PositiveIntegerField(_("weeks"), default=8)
    stay_days = models.PositiveIntegerField(_("days per stay"), default=7)
    # ",household,farm,shop,": the kinds of host this programme places participants with.
    host_kinds = models.CharField(_("host kinds"), max_length=40, default=",household,farm,shop,")
    no_repeat_years = models.PositiveIntegerField(_("no repeat host within (years)"), default=3)
    max_distance_km = models.PositiveIntegerField(_("maximum travel (km)"), default=50)
    host_stays_per_year = models.PositiveIntegerField(_("stays a host takes a year"), default=4)
    meal_fee_fen = models.PositiveIntegerField(
        _("meal fee per day (fen)"), default=2500, help_text=_("Paid to the host: ¥25 a day.")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("connect programme")
        verbose_name_plural = _("connect programmes")
        ordering = ["-year", "name"]
        permissions = [
            ("run_programme", _("Can run consumer-connect programmes (import, match, insights)")),
            ("see_host_identity", _("Can see who hosted a consumer-connect stay")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def kinds(self) -> list[str]:
        return [kind for kind in self.host_kinds.split(",") if kind]


class Participant(models.Model):
    class Kind(models.TextChoices):
        STAFF = "staff", _("staff")
        LEADER = "leader", _("group leader")
        OFFICIAL = "official", _("partner official")

    programme = models.ForeignKey(
        Programme,
        verbose_name=_("programme"),
        on_delete=models.CASCADE,
        related_name="participants",
    )
    staff_no = models.CharField(_("staff number"), max_length=32)
    name = models.CharField(_("name"), max_length=MAX_NAME)
    department = models.CharField(_("department"), max_length=MAX_NAME)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.STAFF)
    new_staff = models.BooleanField(_("new staff"), default=False)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    # ",普通话,重庆话,": languages or dialects spoken.
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    needs_step_free = models.BooleanField(_("needs step-free access"), default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="connect_participations",
    )

    class Meta:
        verbose_name = _("connect participant")
        verbose_name_plural = _("connect participants")
        ordering = ["department", "staff_no"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "staff_no"], name="connect_participant_once"
            )
        ]
        indexes = [models.Index(fields=["programme", "department"], name="connect_part_dept_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.staff_no})"


class Host(models.Model):
    class Kind(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        FARM = "farm", _("farm")
        SHOP = "shop", _("leader's shop")

    class Profile(models.TextChoices):
        ELDERLY_ALONE = "elderly_alone", _("elderly living alone")
        YOUNG_FAMILY = "young_family", _("young family")
        FARMER = "farmer", _("farmer")
        SHOPKEEPER = "shopkeeper", _("shopkeeper")
        OTHER = "other", _("other")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="hosts"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    household = models.ForeignKey(
        Household,
        verbose_name=_("household"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    supplier = models.ForeignKey(
        Supplier, verbose_name=_("farm"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    leader = models.ForeignKey(
        Leader, verbose_name=_("leader"), null=True, blank=True, on_delete=models.CASCADE,
        related_name="+",
    )  # fmt: skip
    # What participants see when they may not see who the host is: "3号楼的一户人家".
    label = models.CharField(_("label"), max_length=MAX_NAME)
    profile = models.CharField(
        _("profile"), max_length=16, choices=Profile.choices, default=Profile.OTHER
    )
    district = models.CharField(_("district"), max_length=40, blank=True)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    capacity = models.PositiveIntegerField(_("participants at a time"), default=1)
    stays_per_year = models.PositiveIntegerField(_("stays a year"), default=4)
    # Week numbers of the programme (0 = its first week) the host can take someone; [] = all.
    available_weeks = models.JSONField(_("available weeks"), default=list, blank=True)
    languages = models.CharField(_("languages"), max_length=120, blank=True)
    step_free = models.BooleanField(_("step-free access"), default=False)
    active = models.BooleanField(
        _("active"), default=True, help_text=_("Off when a household withdraws its consent.")
    )
    qr_token = models.CharField(max_length=32, default=_token, unique=True, editable=False)

    class Meta:
        verbose_name = _("connect host")
        verbose_name_plural = _("connect hosts")
        ordering = ["programme_id", "kind", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="household",
                        household__isnull=False,
                        supplier__isnull=True,
                        leader__isnull=True,
                    )
                    | Q(
                        kind="farm",
                        household__isnull=True,
                        supplier__isnull=False,
                        leader__isnull=True,
                    )
                    | Q(
                        kind="shop",
                        household__isnull=True,
                        supplier__isnull=True,
                        leader__isnull=False,
                    )
                ),
                name="connect_host_one_owner",
            ),
            models.UniqueConstraint(
                fields=["programme", "household"], name="connect_host_household_once"
            ),
            models.UniqueConstraint(
                fields=["programme", "supplier"], name="connect_host_supplier_once"
            ),
            models.UniqueConstraint(
                fields=["programme", "leader"], name="connect_host_leader_once"
            ),
        ]

    def __str__(self) -> str:
        return self.label

    @property
    def key(self) -> str:
        """The same host across programmes: ``household:12``, ``farm:3``, ``shop:7``."""
        owner = self.household_id or self.supplier_id or self.leader_id
        return f"{self.kind}:{owner}"


class Pairing(models.Model):
    """An operator's pin (this participant goes to this host) or ban (never to this host)."""

    class Rule(models.TextChoices):
        PIN = "pin", _("pin")
        FORBID = "forbid", _("forbid")

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="pairings",
    )
    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="pairings"
    )
    rule = models.CharField(_("rule"), max_length=8, choices=Rule.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("pinned or forbidden pairing")
        verbose_name_plural = _("pinned or forbidden pairings")
        constraints = [
            models.UniqueConstraint(fields=["participant", "host"], name="connect_pairing_once"),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.participant_id}→{self.host_id}"


class MatchRun(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="runs"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    at = models.DateTimeField(_("at"), auto_now_add=True)
    seconds = models.FloatField(_("seconds"), default=0)
    cost = models.BigIntegerField(_("cost"), default=0)
    bound = models.BigIntegerField(_("bound"), default=0)
    placed = models.PositiveIntegerField(_("placed"), default=0)
    unplaced = models.PositiveIntegerField(_("unplaced"), default=0)
    greedy_cost = models.BigIntegerField(_("greedy cost"), default=0)
    greedy_placed = models.PositiveIntegerField(_("greedy placed"), default=0)
    greedy_unplaced = models.PositiveIntegerField(_("greedy unplaced"), default=0)
    # {"reasons": {code: count}, "unplaced": [{"participant": id, "reason": code}, ...], ...}
    report = models.JSONField(_("report"), default=dict)

    class Meta:
        verbose_name = _("matching run")
        verbose_name_plural = _("matching runs")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.programme} #{self.pk}"


class Stay(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", _("scheduled")
        CONFIRMED = "confirmed", _("confirmed by the host")
        CHECKED_IN = "checked_in", _("checked in")
        CHECKED_OUT = "checked_out", _("checked out")
        CANCELLED = "cancelled", _("cancelled")

    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="stays"
    )
    participant = models.ForeignKey(
        Participant, verbose_name=_("participant"), on_delete=models.CASCADE, related_name="stays"
    )
    host = models.ForeignKey(
        Host, verbose_name=_("host"), on_delete=models.CASCADE, related_name="stays"
    )
    week = models.PositiveIntegerField(_("week"))
    starts_on = models.DateField(_("starts on"))
    days_planned = models.PositiveIntegerField(_("days planned"))
    status = models.CharField(
        _("status"), max_length=12, choices=Status.choices, default=Status.SCHEDULED
    )
    run = models.ForeignKey(
        MatchRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="stays"
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checked_out_at = models.DateTimeField(_("checked out at"), null=True, blank=True)
    days_done = models.PositiveIntegerField(_("days done"), default=0)
    cancelled_reason = models.CharField(_("why cancelled"), max_length=MAX_NAME, blank=True)
    replaces = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )

    class Meta:
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        ordering = ["starts_on", "id"]
        constraints = [
            # One live stay per participant in a programme (a cancelled one may be replaced).
            models.UniqueConstraint(
                fields=["participant"],
                condition=~Q(status="cancelled"),
                name="connect_one_live_stay",
            ),
            models.CheckConstraint(
                condition=Q(days_done__lte=F("days_planned")), name="connect_days_within_plan"
            ),
        ]
        indexes = [
            models.Index(fields=["programme", "status"], name="connect_stay_status_idx"),
            models.Index(fields=["host", "week"], name="connect_stay_host_week_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.participant} @ {self.host} w{self.week}"


class Report(models.Model):
    stay = models.OneToOneField(
        Stay, verbose_name=_("stay"), on_delete=models.CASCADE, related_name="report"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    title = models.CharField(_("title"), max_length=MAX_NAME)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        verbose_name = _("stay report")
        verbose_name_plural = _("stay reports")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Note(models.Model):
    class Part(models.TextChoices):
        OBSERVE = "observe", _("observe")
        LISTEN = "listen", _("listen")
        DIALOGUE = "dialogue", _("dialogue")

    class Voice(models.TextChoices):
        ETIC = "etic", _("my own view (etic)")
        EMIC = "emic", _("the host's words (emic)")

    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="notes"
    )
    part = models.CharField(_("part"), max_length=10, choices=Part.choices)
    voice = models.CharField(_("voice"), max_length=6, choices=Voice.choices)
    text = models.TextField(_("text"), max_length=MAX_NOTE)
    # A verbatim quote of the host: kept only while the host household consents to be quoted.
    quote = models.BooleanField(_("verbatim quote"), default=False)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("report note")
        verbose_name_plural = _("report notes")
        ordering = ["report_id", "position", "id"]

    def __str__(self) -> str:
        return self.text[:40]


class Photo(models.Model):
    report = models.ForeignKey(
        Report, verbose_name=_("report"), on_delete=models.CASCADE, related_name="photos"
    )
    image = models.FileField(_("photo"), upload_to="connect/%Y/%m/")
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    caption = models.CharField(_("caption"), max_length=MAX_NAME, blank=True)

    class Meta:
        verbose_name = _("report photo")
        verbose_name_plural = _("report photos")

    def __str__(self) -> str:
        return self.caption or str(self.image.name)


class Tag(models.Model):
    name = models.CharField(_("name"), max_length=40)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        verbose_name = _("insight tag")
        verbose_name_plural = _("insight tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="connect_tag_once"),
            models.UniqueConstraint(
                fields=["name"], condition=Q(parent__isnull=True), name="connect_top_tag_once"
            ),
            models.CheckConstraint(condition=~Q(parent=F("id")), name="connect_tag_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name


class Highlight(models.Model):
    note = models.ForeignKey(
        Note, verbose_name=_("note"), on_delete=models.CASCADE, related_name="highlights"
    )
    start = models.PositiveIntegerField(_("start"))
    end = models.PositiveIntegerField(_("end"))
    text = models.CharField(_("text"), max_length=MAX_TEXT)
    tags = models.ManyToManyField(Tag, verbose_name=_("tags"), related_name="highlights")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("highlight")
        verbose_name_plural = _("highlights")
        ordering = ["-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=F("start")), name="connect_span_not_empty")
        ]

    def __str__(self) -> str:
        return self.text[:40]


class Insight(models.Model):
    programme = models.ForeignKey(
        Programme, verbose_name=_("programme"), on_delete=models.CASCADE, related_name="insights"
    )
    title = models.CharField(_("title"), max_length=MAX_NAME)
    body = models.TextField(_("body"), max_length=MAX_NOTE, blank=True)
    evidence = models.ManyToManyField(
        Highlight, verbose_name=_("evidence"), related_name="insights"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("insight")
        verbose_name_plural = _("insights")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class Action(models.Model):
    class Kind(models.TextChoices):
        SOURCE_PRODUCT = "source_product", _("source a product")
        PICKUP_TIME = "pickup_time", _("move the pickup time")
        CHANGE_RULE = "change_rule", _("change a rule")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        DOING = "doing", _("in progress")
        DONE = "done", _("done")
        DROPPED = "dropped", _("dropped")

    insight = models.ForeignKey(
        Insight, verbose_name=_("insight"), on_delete=models.CASCADE, related_name="actions"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=MAX_NAME)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="connect_actions",
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default="open")
    link = models.CharField(
        _("what changed"), max_length=200, blank=True, help_text=_("A link to it in Linli.")
    )
    outcome = models.CharField(_("outcome"), max_length=MAX_TEXT, blank=True)
    reported_back_at = models.DateTimeField(_("reported back to hosts"), null=True, blank=True)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["-id"]

    def __str__(self) -> str:
        return self.title


class SearchEntry(models.Model):
    """One searchable text (a note, a highlight, an insight) segmented into words by jieba,
    space-separated, for SQLite FTS5 (``connect_search_fts``) and PostgreSQL's full text
    (a GIN index on ``to_tsvector('simple', words)``): see :mod:`linli.connect.search`."""

    class Kind(models.TextChoices):
        NOTE = "note", _("report note")
        HIGHLIGHT = "highlight", _("highlight")
        INSIGHT = "insight", _("insight")

    kind = models.CharField(max_length=10, choices=Kind.choices)
    object_id = models.PositiveBigIntegerField()
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    words = models.TextField()
    grams = models.TextField()

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="connect_search_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"


class Reminder(models.Model):
    """A participant behind on their days, told so once a week (``reminders.py``)."""

    participant = models.ForeignKey(
        Participant,
        verbose_name=_("participant"),
        on_delete=models.CASCADE,
        related_name="reminders",
    )
    week_of = models.DateField(_("week of"))
    days_behind = models.PositiveIntegerField(_("days behind"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("compliance reminder")
        verbose_name_plural = _("compliance reminders")
        ordering = ["-week_of", "participant_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "week_of"], name="connect_reminder_once_a_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.participant_id} {self.week_of}"
