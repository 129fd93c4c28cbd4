"""The relationship book (关系簿): organisations around the communities, the people in them and
their posts, our staff's interactions with them, ties between people, and per relationship
(one staff member and one person) a stored strength, a keep-in-touch cadence and reminders.

Everything stored about a person is there to keep up a working relationship with them on the
operator's behalf (what each field is for is in its help text). People here are partners and
officials, not households; a person is removed on request with ``services.remove_person``.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from linli.catalog.models import Supplier
from linli.communities.models import Community, Leader

from .limits import MAX_NAME, MAX_TAG, MAX_TAGS, MAX_TEXT


class Organisation(models.Model):
    class Kind(models.TextChoices):
        SUPPLIER = "supplier", _("supplier")
        COOP = "coop", _("co-op")
        PROPERTY = "property", _("property management")
        RESIDENTS_COMMITTEE = "residents_committee", _("residents' committee (居委会)")
        STREET_OFFICE = "street_office", _("street office (街道办)")
        DISTRICT_BUREAU = "district_bureau", _("district bureau (区局)")
        SCHOOL = "school", _("school")
        CLINIC = "clinic", _("clinic")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=MAX_NAME)
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("above it"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        help_text=_("The organisation above this one: a street office above its committees."),
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    supplier = models.ForeignKey(
        Supplier,
        verbose_name=_("supplier"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    leader = models.ForeignKey(
        Leader,
        verbose_name=_("group leader"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # ",蔬菜,农民,": one portable lookup finds a tag (``tags__contains=",农民,"``).
    tags = models.CharField(_("tags"), max_length=(MAX_TAG + 1) * MAX_TAGS + 1, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["name", "kind"], name="organisation_name_kind_once"),
            models.CheckConstraint(
                condition=~Q(parent=F("id")), name="organisation_not_its_own_parent"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class Person(models.Model):
    name = models.CharField(_("name"), max_length=MAX_NAME, help_text=_("As written: 张三"))
    # Written by the service from the name, for search: "zhangsan", "zs".
    pinyin = models.CharField(_("pinyin"), max_length=MAX_NAME * 6, db_index=True, editable=False)
    initials = models.CharField(_("initials"), max_length=MAX_NAME, db_index=True, editable=False)
    phone = models.CharField(
        _("phone"), max_length=20, blank=True, help_text=_("To arrange visits and calls.")
    )
    wechat = models.CharField(
        _("WeChat ID"), max_length=40, blank=True, help_text=_("To send greetings and messages.")
    )
    email = models.EmailField(_("e-mail"), blank=True, help_text=_("To send documents."))
    birthday = models.DateField(
        _("birthday"), null=True, blank=True, help_text=_("To remember it: a reminder each year.")
    )
    notes = models.CharField(
        _("notes"),
        max_length=MAX_TEXT,
        blank=True,
        help_text=_("What helps the work with this person; nothing else."),
    )
    # ",蔬菜,农民,": one portable lookup finds a tag (``tags__contains=",农民,"``).
    tags = models.CharField(_("tags"), max_length=(MAX_TAG + 1) * MAX_TAGS + 1, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["pinyin", "id"]
        permissions = [
            ("view_contact", _("Can see people's phone, WeChat and e-mail")),
            ("review_interaction", _("Can review gifts and meals with officials")),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def tag_list(self) -> list[str]:
        return [tag for tag in self.tags.split(",") if tag]


class Post(models.Model):
    """A person's post in an organisation, with dates: a person keeps their history."""

    class Level(models.TextChoices):
        FRONT_LINE = "front_line", _("front line")
        MANAGER = "manager", _("manager")
        HEAD = "head", _("head")
        CLERK = "clerk", _("official: clerk (科员)")
        SECTION = "section", _("official: section chief (科级)")
        DIVISION = "division", _("official: division chief (处级)")
        BUREAU = "bureau", _("official: bureau chief (局级)")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="posts"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="posts"
    )
    role = models.CharField(_("role"), max_length=MAX_NAME, blank=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["-started_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="post_ends_after_it_starts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} @ {self.organisation_id} ({self.level})"


class Interaction(models.Model):
    class Kind(models.TextChoices):
        MESSAGE = "message", _("WeChat message")
        CALL = "call", _("call")
        VISIT = "visit", _("visit")
        EVENT = "event", _("event")
        MEAL = "meal", _("meal")
        MEAL_AT_HOME = "meal_at_home", _("meal at home")
        GIFT_GIVEN = "gift_given", _("gift given")
        GIFT_RECEIVED = "gift_received", _("gift received")
        FAVOUR_GIVEN = "favour_given", _("favour given")
        FAVOUR_RECEIVED = "favour_received", _("favour received")

    class Review(models.TextChoices):
        NONE = "", _("no review needed")
        FLAGGED = "flagged", _("waiting for review")
        APPROVED = "approved", _("approved")
        REJECTED = "rejected", _("rejected")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    happened_on = models.DateField(_("date"), db_index=True)
    place = models.CharField(_("place"), max_length=MAX_NAME * 2, blank=True)
    notes = models.CharField(_("notes"), max_length=MAX_TEXT, blank=True)
    value_fen = models.PositiveBigIntegerField(
        _("value (fen)"), default=0, help_text=_("What a gift, meal or favour was worth.")
    )
    staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("our staff"),
        through="StaffTookPart",
        related_name="+",
    )
    people = models.ManyToManyField(
        Person, verbose_name=_("their people"), through="PersonTookPart", related_name="+"
    )
    logged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("logged by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    logged_at = models.DateTimeField(_("logged at"))
    review = models.CharField(
        _("review"), max_length=10, choices=Review.choices, default=Review.NONE, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    review_note = models.CharField(_("review note"), max_length=MAX_TEXT, blank=True)
    anonymised = models.BooleanField(
        _("anonymised"), default=False, help_text=_("A person in it was removed on request.")
    )

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-happened_on", "-id"]
        indexes = [models.Index(fields=["review"], name="interaction_review")]

    def __str__(self) -> str:
        return f"{self.kind} {self.happened_on}"


class StaffTookPart(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "user"], name="staff_took_part_once")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} in {self.interaction_id}"


class PersonTookPart(models.Model):
    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "person"], name="person_took_part_once")
        ]
        indexes = [models.Index(fields=["person", "interaction"], name="person_took_part_by")]

    def __str__(self) -> str:
        return f"{self.person_id} in {self.interaction_id}"


class Contact(models.Model):
    """One of our staff and one of their people in one interaction, with its kind and day
    copied: what the strength is summed over (``strength.py``), one covering index walked in
    (staff, person) order. Written with the interaction, in its transaction; ``linli
    relations check`` reads the interactions and who took part instead, so a row missing
    here shows as a difference."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="+")
    staff = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Interaction.Kind.choices)
    happened_on = models.DateField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["interaction", "staff", "person"], name="contact_once")
        ]
        indexes = [
            models.Index(fields=["staff", "person", "happened_on", "kind"], name="contact_by_pair")
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} ↔ {self.person_id} in {self.interaction_id}"


class Tie(models.Model):
    """Who knows whom among their people (both ways)."""

    class Kind(models.TextChoices):
        INTRODUCED_BY = "introduced_by", _("introduced by")
        COLLEAGUE = "colleague", _("colleague")
        FAMILY = "family", _("family")
        CLASSMATE = "classmate", _("classmate")
        FRIEND = "friend", _("friend")

    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    other = models.ForeignKey(
        Person, verbose_name=_("knows"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        verbose_name = _("tie")
        verbose_name_plural = _("ties")
        constraints = [
            models.UniqueConstraint(fields=["person", "other", "kind"], name="tie_once"),
            models.CheckConstraint(condition=~Q(person=F("other")), name="tie_not_to_oneself"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.other_id}"


class Relationship(models.Model):
    """One staff member and one person: the stored strength (``rules.strength`` as of
    ``strength_on``), the keep-in-touch cadence and the level below which it is fading."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="relationships"
    )
    strength = models.FloatField(_("strength"), default=0.0)
    strength_on = models.DateField(_("strength as of"), null=True, blank=True)
    last_contact_on = models.DateField(_("last contact"), null=True, blank=True)
    cadence_days = models.PositiveIntegerField(
        _("keep in touch every (days)"), null=True, blank=True
    )
    keep_above = models.FloatField(_("keep strength above"), null=True, blank=True)

    class Meta:
        verbose_name = _("relationship")
        verbose_name_plural = _("relationships")
        constraints = [
            models.UniqueConstraint(fields=["staff", "person"], name="relationship_once"),
            models.CheckConstraint(condition=Q(strength__gte=0), name="strength_not_negative"),
            models.CheckConstraint(
                condition=Q(cadence_days__isnull=True) | Q(cadence_days__gte=1),
                name="cadence_at_least_a_day",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.staff_id} ↔ {self.person_id}"


class Reminder(models.Model):
    """One item of a staff member's daily list, written by the daily job (``tasks.py``)."""

    class Kind(models.TextChoices):
        FADING = "fading", _("fading")
        CADENCE = "cadence", _("keep in touch")
        BIRTHDAY = "birthday", _("birthday")
        FESTIVAL = "festival", _("festival")

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    person = models.ForeignKey(
        Person, verbose_name=_("person"), on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("due on"))
    # The festival's key (spring_festival, mid_autumn) or the figures behind a fading one.
    detail = models.JSONField(_("detail"), default=dict, blank=True)
    made_on = models.DateField(_("made on"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)

    class Meta:
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        ordering = ["due_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "person", "kind", "due_on"], name="reminder_once"
            ),
        ]
        indexes = [models.Index(fields=["staff", "done_at", "due_on"], name="reminder_open")]

    def __str__(self) -> str:
        return f"{self.kind} {self.person_id} {self.due_on}"


class CalendarFeed(models.Model):
    """A staff member's iCalendar address: the token is the secret; revoking ends it."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("staff"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self) -> str:
        return f"calendar of {self.staff_id}"
