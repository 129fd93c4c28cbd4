"""Every write to the relationship book, one transaction each, audited: add organisations,
people, posts and ties; log an interaction (which resets the cadence and recomputes the
strength of the relationships it touches); review a gift to an official; keep in touch every
N days; remove a person on request; open and revoke a calendar address."""

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from pypinyin import lazy_pinyin

from linli.catalog.models import Supplier
from linli.communities.models import Community, Leader
from linli.core import audit
from linli.core.errors import Message

from . import errors, rules, strength
from .access import reader, writer
from .limits import MAX_CADENCE_DAYS, MAX_NAME, MAX_TAG, MAX_TAGS, MAX_TEXT, MAX_VALUE_FEN
from .limits import official_limit_fen as limit_fen
from .models import (
    CalendarFeed,
    Contact,
    Interaction,
    Organisation,
    Person,
    PersonTookPart,
    Post,
    Relationship,
    Reminder,
    StaffTookPart,
    Tie,
)


class Problems:
    """Field errors gathered before anything is written, raised together."""

    def __init__(self) -> None:
        self.details: list[dict] = []

    def add(self, field: str, message) -> None:
        self.details.append({"field": field, "message": message})

    def raise_any(self) -> None:
        if self.details:
            raise errors.BadInput(details=self.details)


def spelled(name: str) -> tuple[str, str]:
    """The pinyin and initials of a name, lower case, no spaces: 张三 → zhangsan, zs."""
    syllables = [part.strip().lower() for part in lazy_pinyin(name) if part.strip()]
    return "".join(syllables).replace(" ", ""), "".join(part[0] for part in syllables)


def _text(problems: Problems, field: str, value: str, most: int, *, required=False) -> str:
    value = (value or "").strip()
    if required and not value:
        problems.add(field, _("Write something here."))
    elif len(value) > most:
        problems.add(field, Message(_("Write at most %(most)s characters."), most=most))
    return value


def _tags(problems: Problems, tags: Sequence[str]) -> str:
    cleaned = sorted({tag.strip() for tag in tags if tag.strip()})
    if any("," in tag for tag in cleaned):
        problems.add("tags", _("A tag cannot contain a comma."))
    if len(cleaned) > MAX_TAGS or any(len(tag) > MAX_TAG for tag in cleaned):
        problems.add(
            "tags",
            Message(
                _("Give at most %(most)s tags of %(length)s characters."),
                most=MAX_TAGS,
                length=MAX_TAG,
            ),
        )
    return f",{','.join(cleaned)}," if cleaned else ""


def _choice(problems: Problems, field: str, value: str, choices) -> str:
    if value not in choices.values:
        problems.add(
            field,
            Message(_("Choose one of: %(choices)s."), choices=", ".join(choices.values)),
        )
    return value


def _today(now: datetime | None) -> date:
    return timezone.localdate(now or timezone.now())


# ---------------------------------------------------------------------------------------------
# Organisations, people, posts, ties


@dataclass(frozen=True)
class OrganisationSpec:
    name: str
    kind: str
    parent_id: int | None = None
    community_id: int | None = None
    supplier_id: int | None = None
    leader_id: int | None = None
    tags: Sequence[str] = ()


def _check_organisation(spec: OrganisationSpec, problems: Problems) -> dict:
    values: dict[str, object] = {
        "name": _text(problems, "name", spec.name, MAX_NAME, required=True),
        "kind": _choice(problems, "kind", spec.kind, Organisation.Kind),
        "tags": _tags(problems, spec.tags),
    }
    for field, model, id_ in (
        ("parent_id", Organisation, spec.parent_id),
        ("community_id", Community, spec.community_id),
        ("supplier_id", Supplier, spec.supplier_id),
        ("leader_id", Leader, spec.leader_id),
    ):
        if id_ is not None and not model.objects.filter(pk=id_).exists():
            problems.add(field, _("There is no such one."))
        values[field] = id_
    return values


def add_organisation(*, actor, spec: OrganisationSpec) -> Organisation:
    """Add an organisation (once per name and kind)."""
    writer(actor)
    problems = Problems()
    values = _check_organisation(spec, problems)
    problems.raise_any()
    with transaction.atomic():
        if Organisation.objects.filter(name=values["name"], kind=values["kind"]).exists():
            raise errors.DuplicateOrganisation(
                name=values["name"], kind=Organisation.Kind(str(values["kind"])).label
            )
        organisation = Organisation.objects.create(**values)
        audit.record(actor=actor, action="relations.organisation_added", target=organisation)
    return organisation


@dataclass(frozen=True)
class PersonSpec:
    name: str
    phone: str = ""
    wechat: str = ""
    email: str = ""
    birthday: date | None = None
    notes: str = ""
    tags: Sequence[str] = ()


def check_person(spec: PersonSpec, problems: Problems) -> dict:
    name = _text(problems, "name", spec.name, MAX_NAME, required=True)
    phone = _text(problems, "phone", spec.phone, 20)
    if phone and not phone.replace("-", "").replace("+", "").replace(" ", "").isdigit():
        problems.add("phone", _("Write a phone number in digits."))
    email = _text(problems, "email", spec.email, 254)
    if email and ("@" not in email or " " in email):
        problems.add("email", _("Write an e-mail address like name@example.cn."))
    pinyin, initials = spelled(name)
    return {
        "name": name,
        "pinyin": pinyin[: MAX_NAME * 6],
        "initials": initials[:MAX_NAME],
        "phone": phone,
        "wechat": _text(problems, "wechat", spec.wechat, 40),
        "email": email,
        "birthday": spec.birthday,
        "notes": _text(problems, "notes", spec.notes, MAX_TEXT),
        "tags": _tags(problems, spec.tags),
    }


def _refuse_duplicate(values: dict) -> None:
    if not values["phone"]:
        return
    earlier = (
        Person.objects.filter(name=values["name"], phone=values["phone"])
        .values_list("pk", flat=True)
        .first()
    )
    if earlier is not None:
        raise errors.DuplicatePerson(name=values["name"], id=earlier)


@dataclass(frozen=True)
class PostSpec:
    person_id: int
    organisation_id: int
    level: str
    started_on: date
    role: str = ""
    ended_on: date | None = None


def check_post(spec: PostSpec, problems: Problems, *, person_known: bool = False) -> dict:
    if not person_known and not Person.objects.filter(pk=spec.person_id).exists():
        raise errors.PersonNotFound()
    if not Organisation.objects.filter(pk=spec.organisation_id).exists():
        problems.add("organisation_id", _("There is no such organisation in the book."))
    if spec.ended_on is not None and spec.ended_on < spec.started_on:
        problems.add(
            "ended_on",
            Message(
                _("A post cannot end (%(ended)s) before it starts (%(started)s)."),
                ended=spec.ended_on.isoformat(),
                started=spec.started_on.isoformat(),
            ),
        )
    return {
        "person_id": spec.person_id,
        "organisation_id": spec.organisation_id,
        "level": _choice(problems, "level", spec.level, Post.Level),
        "role": _text(problems, "role", spec.role, MAX_NAME),
        "started_on": spec.started_on,
        "ended_on": spec.ended_on,
    }


def add_person(*, actor, spec: PersonSpec, post: PostSpec | None = None) -> Person:
    """Add a person (with their post, if given: both or neither); the same name with the same
    phone number is refused as a duplicate."""
    writer(actor)
    problems = Problems()
    values = check_person(spec, problems)
    post_values = check_post(post, problems, person_known=True) if post is not None else None
    problems.raise_any()
    with transaction.atomic():
        _refuse_duplicate(values)
        person = Person.objects.create(**values)
        audit.record(actor=actor, action="relations.person_added", target=person)
        if post_values is not None:
            made = Post.objects.create(**{**post_values, "person_id": person.pk})
            audit.record(actor=actor, action="relations.post_added", target=made)
    return person


def add_post(*, actor, spec: PostSpec) -> Post:
    """Record a person's post in an organisation; a post ending before it starts is refused."""
    writer(actor)
    problems = Problems()
    values = check_post(spec, problems)
    problems.raise_any()
    with transaction.atomic():
        post = Post.objects.create(**values)
        audit.record(
            actor=actor,
            action="relations.post_added",
            target=post,
            data={"person": spec.person_id, "organisation": spec.organisation_id},
        )
    return post


def add_tie(*, actor, person_id: int, other_id: int, kind: str) -> Tie:
    """Record that two people know each other (colleagues, family, classmates, introduced)."""
    writer(actor)
    problems = Problems()
    _choice(problems, "kind", kind, Tie.Kind)
    if person_id == other_id:
        problems.add("other_id", _("A person cannot be tied to themselves."))
    problems.raise_any()
    if Person.objects.filter(pk__in={person_id, other_id}).count() != 2:
        raise errors.PersonNotFound()
    with transaction.atomic():
        tie, created = Tie.objects.get_or_create(person_id=person_id, other_id=other_id, kind=kind)
        if created:
            audit.record(actor=actor, action="relations.tie_added", target=tie)
    return tie


# ---------------------------------------------------------------------------------------------
# Interactions


def _staff(problems: Problems, staff_ids: Sequence[int]) -> list[int]:
    ids = sorted(set(staff_ids))
    if not ids:
        problems.add("staff_ids", _("Name at least one of our staff who took part."))
        return ids
    found = set(
        get_user_model()
        ._default_manager.filter(pk__in=ids, is_staff=True, is_active=True)
        .values_list("pk", flat=True)
    )
    if found != set(ids):
        problems.add("staff_ids", _("Only our active staff can take part on our side."))
    return ids


def _officials(person_ids: Sequence[int], on: date) -> set[int]:
    """Those of ``person_ids`` who held a government post on ``on``."""
    posts = Post.objects.filter(person_id__in=person_ids, started_on__lte=on).exclude(
        ended_on__lt=on
    )
    return {
        person
        for person, kind, level in posts.values_list("person_id", "organisation__kind", "level")
        if rules.is_official(kind, level)
    }


def log_interaction(
    *,
    actor,
    kind: str,
    happened_on: date,
    person_ids: Sequence[int],
    staff_ids: Sequence[int] = (),
    place: str = "",
    notes: str = "",
    value_fen: int = 0,
    now: datetime | None = None,
) -> Interaction:
    """Log a visit, meal, call, message, event, gift or favour with their people and ours
    (the actor unless others are named). Not in the future. It resets the keep-in-touch
    cadence, closes the fading and cadence reminders it answers, and recomputes the strength
    of each relationship it touches; a meal, gift or favour with a public official above the
    limit is flagged for review."""
    writer(actor)
    now = now or timezone.now()
    today = _today(now)
    problems = Problems()
    _choice(problems, "kind", kind, Interaction.Kind)
    if happened_on > today:
        problems.add(
            "happened_on",
            Message(
                _("%(day)s is in the future: log what has happened (today is %(today)s)."),
                day=happened_on.isoformat(),
                today=today.isoformat(),
            ),
        )
    place = _text(problems, "place", place, MAX_NAME * 2)
    notes = _text(problems, "notes", notes, MAX_TEXT)
    if not 0 <= value_fen <= MAX_VALUE_FEN:
        problems.add("value_fen", _("Give a value from ¥0 to ¥1,000,000."))
    staff = _staff(problems, staff_ids or [actor.pk])
    people = sorted(set(person_ids))
    if not people:
        problems.add("person_ids", _("Name at least one person who took part."))
    problems.raise_any()
    with transaction.atomic():
        if Person.objects.filter(pk__in=people).count() != len(people):
            raise errors.PersonNotFound()
        official = bool(_officials(people, happened_on))
        flagged = rules.needs_review(kind, value_fen, official, limit_fen())
        interaction = Interaction.objects.create(
            kind=kind,
            happened_on=happened_on,
            place=place,
            notes=notes,
            value_fen=value_fen,
            logged_by=actor,
            logged_at=now,
            review=Interaction.Review.FLAGGED if flagged else Interaction.Review.NONE,
        )
        StaffTookPart.objects.bulk_create(
            StaffTookPart(interaction=interaction, user_id=user) for user in staff
        )
        PersonTookPart.objects.bulk_create(
            PersonTookPart(interaction=interaction, person_id=person) for person in people
        )
        Contact.objects.bulk_create(
            Contact(
                interaction=interaction,
                staff_id=user,
                person_id=person,
                kind=kind,
                happened_on=happened_on,
            )
            for user in staff
            for person in people
        )
        strength.recompute(today=today, staff_ids=staff, person_ids=people)
        Reminder.objects.filter(
            staff_id__in=staff,
            person_id__in=people,
            kind__in=[Reminder.Kind.CADENCE, Reminder.Kind.FADING],
            done_at__isnull=True,
        ).update(done_at=now)
        audit.record(
            actor=actor,
            action="relations.interaction_logged",
            target=interaction,
            data={"kind": kind, "people": people, "staff": staff, "flagged": flagged},
        )
    return interaction


def review_interaction(*, actor, interaction_id: int, approve: bool, note: str = "") -> Interaction:
    """Approve or reject a flagged gift or meal with an official; the review is on record."""
    reader_ = writer(actor)
    if not reader_.review:
        raise errors.NotAllowed(_("Only reviewers may review gifts and meals with officials."))
    problems = Problems()
    note = _text(problems, "note", note, MAX_TEXT, required=not approve)
    problems.raise_any()
    with transaction.atomic():
        interaction = Interaction.objects.select_for_update().filter(pk=interaction_id).first()
        if interaction is None:
            raise errors.InteractionNotFound()
        if interaction.review != Interaction.Review.FLAGGED:
            raise errors.NotFlagged()
        interaction.review = Interaction.Review.APPROVED if approve else Interaction.Review.REJECTED
        interaction.reviewed_by = actor
        interaction.reviewed_at = timezone.now()
        interaction.review_note = note
        interaction.save(update_fields=["review", "reviewed_by", "reviewed_at", "review_note"])
        audit.record(
            actor=actor,
            action="relations.interaction_reviewed",
            target=interaction,
            data={"review": interaction.review, "note": note},
        )
    return interaction


def keep_in_touch(
    *,
    actor,
    person_id: int,
    cadence_days: int | None,
    keep_above: float | None = None,
    now: datetime | None = None,
) -> Relationship:
    """Set how often the actor means to be in touch with a person (``None``: no cadence) and
    the strength below which the tie counts as fading."""
    writer(actor)
    problems = Problems()
    if cadence_days is not None and not 1 <= cadence_days <= MAX_CADENCE_DAYS:
        problems.add(
            "cadence_days",
            Message(_("Give a number of days from 1 to %(most)s."), most=MAX_CADENCE_DAYS),
        )
    if keep_above is not None and not 0 <= keep_above <= 1000:
        problems.add("keep_above", _("Give a strength from 0 to 1000."))
    problems.raise_any()
    with transaction.atomic():
        if not Person.objects.filter(pk=person_id).exists():
            raise errors.PersonNotFound()
        relationship, _created = Relationship.objects.get_or_create(
            staff=actor, person_id=person_id, defaults={"strength_on": _today(now)}
        )
        relationship.cadence_days = cadence_days
        relationship.keep_above = keep_above
        relationship.save(update_fields=["cadence_days", "keep_above"])
        audit.record(
            actor=actor,
            action="relations.cadence_set",
            target=relationship,
            data={"cadence_days": cadence_days, "keep_above": keep_above},
        )
    return relationship


def remove_person(*, actor, person_id: int) -> None:
    """Remove a person on their request (PIPL): their details, posts, ties, relationships and
    reminders go; the interactions they took part in stay for the others in them and for the
    favour totals, with place and notes wiped and marked anonymised."""
    reader_ = writer(actor)
    if not reader_.remove:
        raise errors.NotAllowed(_("Only operators allowed to remove people may do this."))
    with transaction.atomic():
        person = Person.objects.select_for_update().filter(pk=person_id).first()
        if person is None:
            raise errors.PersonNotFound()
        took_part = PersonTookPart.objects.filter(person=person).values("interaction_id")
        interactions = Interaction.objects.filter(pk__in=took_part)
        touched = interactions.update(place="", notes="", anonymised=True)
        person.delete()
        # No name or contact in the trail: only that someone was removed, and by whom.
        audit.record(
            actor=actor,
            action="relations.person_removed",
            target_type="relations.person",
            target_id=person_id,
            data={"interactions_anonymised": touched},
        )


# ---------------------------------------------------------------------------------------------
# Calendar addresses


def open_calendar(*, actor, now: datetime | None = None) -> CalendarFeed:
    """A new calendar address for the actor's reminders; any earlier one is revoked."""
    reader(actor)
    now = now or timezone.now()
    with transaction.atomic():
        CalendarFeed.objects.filter(staff=actor, revoked_at__isnull=True).update(revoked_at=now)
        feed = CalendarFeed.objects.create(
            staff=actor, token=secrets.token_urlsafe(32), created_at=now
        )
        audit.record(actor=actor, action="relations.calendar_opened", target=feed)
    return feed


def revoke_calendar(*, actor, now: datetime | None = None) -> int:
    """Revoke the actor's calendar address: the link stops working at once."""
    reader(actor)
    with transaction.atomic():
        revoked = CalendarFeed.objects.filter(staff=actor, revoked_at__isnull=True).update(
            revoked_at=now or timezone.now()
        )
        audit.record(
            actor=actor,
            action="relations.calendar_revoked",
            target_type="relations.calendarfeed",
            target_id=actor.pk,
            data={"revoked": revoked},
        )
    return revoked


__all__ = [
    "OrganisationSpec",
    "PersonSpec",
    "PostSpec",
    "add_organisation",
    "add_person",
    "add_post",
    "add_tie",
    "keep_in_touch",
    "log_interaction",
    "mark_done",
    "open_calendar",
    "remove_person",
    "review_interaction",
    "revoke_calendar",
    "spelled",
]


def mark_done(*, actor, reminder_id: int, now: datetime | None = None) -> Reminder:
    """Tick off one of the actor's own reminders."""
    reader(actor)
    with transaction.atomic():
        reminder = Reminder.objects.filter(pk=reminder_id, staff=actor).first()
        if reminder is None:
            raise errors.ReminderNotFound()
        if reminder.done_at is None:
            reminder.done_at = now or timezone.now()
            reminder.save(update_fields=["done_at"])
            audit.record(actor=actor, action="relations.reminder_done", target=reminder)
    return reminder
