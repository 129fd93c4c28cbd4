"""Reads of the relationship book shared by the pages, the API and the CLI; none writes.
Each takes the :class:`~linli.relations.access.Reader` asking, so contact details come out
masked for those without ``relations.view_contact``."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from . import paths, record, rules, strength
from .access import Reader
from .errors import OrganisationNotFound, PersonNotFound
from .limits import LOOK_AHEAD_DAYS, half_life_days
from .models import (
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

CJK = range(0x3400, 0xA000)


def _current_posts(today: date) -> Q:
    return Q(started_on__lte=today) & (Q(ended_on__isnull=True) | Q(ended_on__gte=today))


def people(
    reader: Reader,
    *,
    q: str = "",
    organisation_id: int | None = None,
    tag: str = "",
    today: date | None = None,
) -> QuerySet[Person]:
    """People found by Chinese name, pinyin or initials (张三 from 张, zhangsan, zhang or zs),
    by an organisation they hold a post in now, and by tag."""
    found = Person.objects.all()
    words = q.strip().lower().replace(" ", "")
    if words:
        if any(ord(char) in CJK for char in words):
            found = found.filter(name__contains=q.strip())
        else:
            found = found.filter(
                Q(pinyin__startswith=words)
                | Q(initials__startswith=words)
                | Q(pinyin__contains=words)
                | Q(name__icontains=words)
            )
    if organisation_id is not None:
        current = Post.objects.filter(_current_posts(today or timezone.localdate())).filter(
            organisation_id=organisation_id
        )
        found = found.filter(pk__in=current.values("person_id"))
    if tag.strip():
        found = found.filter(tags__contains=f",{tag.strip()},")
    return found.order_by("pinyin", "pk")


@dataclass
class PersonRow:
    """A person as a list shows them: current posts and the reader's own tie."""

    id: int
    name: str
    pinyin: str
    phone: str
    wechat: str
    tags: list[str]
    posts: list[str]
    strength: float | None


def rows(reader: Reader, persons: list[Person], today: date) -> list[PersonRow]:
    """The rows of one page of people (two queries, whatever its length)."""
    ids = [person.pk for person in persons]
    posts: dict[int, list[str]] = defaultdict(list)
    for person, role, organisation in (
        Post.objects.filter(_current_posts(today), person_id__in=ids)
        .order_by("organisation__name")
        .values_list("person_id", "role", "organisation__name")
    ):
        posts[person].append(f"{organisation} {role}".strip())
    mine = {
        person: rules.strength_now(value, on, today, half_life_days())
        for person, value, on in Relationship.objects.filter(
            staff_id=reader.user_id, person_id__in=ids
        ).values_list("person_id", "strength", "strength_on")
    }
    return [
        PersonRow(
            id=person.pk,
            name=person.name,
            pinyin=person.pinyin,
            phone=reader.shown(person.phone, phone=True),
            wechat=reader.shown(person.wechat),
            tags=person.tag_list,
            posts=posts[person.pk],
            strength=mine.get(person.pk),
        )
        for person in persons
    ]


def person_for(reader: Reader, person_id: int) -> Person:
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise PersonNotFound()
    return person


@dataclass
class Tied:
    staff_id: int
    staff: str
    strength: float
    last_contact_on: date | None
    cadence_days: int | None
    keep_above: float | None
    due_on: date | None
    overdue: bool
    fading: bool


@dataclass
class Favours:
    year: int
    given_count: int = 0
    given_fen: int = 0
    received_count: int = 0
    received_fen: int = 0


@dataclass
class PersonView:
    person: Person
    phone: str
    wechat: str
    email: str
    posts: list[Post]
    official: bool
    ties: list[Tied]
    mine: Tied | None
    trend: list[tuple[date, float]]
    interactions: list[Interaction]
    favours: list[Favours]
    knows: list[tuple[str, Person]]
    today: date = field(default_factory=timezone.localdate)


def _staff_names(ids) -> dict[int, str]:
    return {user.pk: str(user) for user in get_user_model()._default_manager.filter(pk__in=ids)}


def person_view(reader: Reader, person_id: int, *, today: date | None = None) -> PersonView:
    """Everything about one person: posts, each of our staff's tie with its strength and
    cadence, the reader's trend over a year, recent interactions, the favour ledger (人情 given
    and received, per year) and whom they know."""
    today = today or timezone.localdate()
    half_life = half_life_days()
    person = person_for(reader, person_id)
    posts = list(person.posts.select_related("organisation").order_by("-started_on", "pk"))
    relationships = list(Relationship.objects.filter(person=person).order_by("-strength"))
    names = _staff_names([r.staff_id for r in relationships])
    ties = []
    for relationship in relationships:
        due = rules.cadence_due(relationship.last_contact_on, relationship.cadence_days)
        current = rules.strength_now(
            relationship.strength, relationship.strength_on, today, half_life
        )
        ties.append(
            Tied(
                staff_id=relationship.staff_id,
                staff=names.get(relationship.staff_id, ""),
                strength=current,
                last_contact_on=relationship.last_contact_on,
                cadence_days=relationship.cadence_days,
                keep_above=relationship.keep_above,
                due_on=due,
                overdue=due is not None and due < today,
                fading=rules.fading(current, relationship.keep_above),
            )
        )
    mine = next((tie for tie in ties if tie.staff_id == reader.user_id), None)
    trend = rules.trend(strength.contacts_of(reader.user_id, person.pk), today, half_life)
    took_part = PersonTookPart.objects.filter(person=person).values("interaction_id")
    interactions = list(
        Interaction.objects.filter(pk__in=took_part).order_by("-happened_on", "-pk")[:50]
    )
    favours: dict[int, Favours] = {}
    for kind, day, value in Interaction.objects.filter(
        pk__in=took_part, kind__in=sorted(rules.GIVEN | rules.RECEIVED)
    ).values_list("kind", "happened_on", "value_fen"):
        year = favours.setdefault(day.year, Favours(day.year))
        if kind in rules.GIVEN:
            year.given_count += 1
            year.given_fen += value
        else:
            year.received_count += 1
            year.received_fen += value
    knows = [
        (tie.kind, tie.other) for tie in Tie.objects.filter(person=person).select_related("other")
    ] + [
        (tie.kind, tie.person) for tie in Tie.objects.filter(other=person).select_related("person")
    ]
    return PersonView(
        person=person,
        phone=reader.shown(person.phone, phone=True),
        wechat=reader.shown(person.wechat),
        email=reader.shown(person.email),
        posts=posts,
        official=any(
            rules.is_official(post.organisation.kind, post.level)
            for post in posts
            if post.started_on <= today and (post.ended_on is None or post.ended_on >= today)
        ),
        ties=ties,
        mine=mine,
        trend=trend,
        interactions=interactions,
        favours=sorted(favours.values(), key=lambda f: f.year, reverse=True),
        knows=knows,
        today=today,
    )


def interaction_names(interactions: list[Interaction]) -> dict[int, tuple[list[str], list[str]]]:
    """Per interaction: the names of our staff and of their people in it (two queries)."""
    ids = [i.pk for i in interactions]
    staff: dict[int, list[str]] = defaultdict(list)
    people_: dict[int, list[str]] = defaultdict(list)
    links = list(
        StaffTookPart.objects.filter(interaction_id__in=ids).values_list(
            "interaction_id", "user_id"
        )
    )
    names = _staff_names({user for _i, user in links})
    for interaction, user in links:
        staff[interaction].append(names.get(user, ""))
    for interaction, name in PersonTookPart.objects.filter(interaction_id__in=ids).values_list(
        "interaction_id", "person__name"
    ):
        people_[interaction].append(name)
    return {i: (staff[i], people_[i]) for i in ids}


def organisations(reader: Reader, *, q: str = "") -> QuerySet[Organisation]:
    found = Organisation.objects.annotate(people=Count("posts__person", distinct=True))
    if q.strip():
        found = found.filter(name__contains=q.strip())
    return found.order_by("name", "pk")


def organisation_for(reader: Reader, organisation_id: int) -> Organisation:
    found = Organisation.objects.select_related("parent").filter(pk=organisation_id).first()
    if found is None:
        raise OrganisationNotFound()
    return found


LEVELS_OF_PARTNERS = [Post.Level.FRONT_LINE, Post.Level.MANAGER, Post.Level.HEAD]


@dataclass
class Coverage:
    organisation: Organisation
    levels: list[tuple[str, str, list[rules.Seat]]]  # level, label, seats
    gaps: list[rules.Gap]
    children: list[Organisation]
    supplier: record.SupplierRecord | None = None
    leader: record.LeaderRecord | None = None


def coverage(
    reader: Reader, organisation_id: int, *, today: date | None = None, user=None
) -> Coverage:
    """The organisation's levels against the people we know there now and how strong our best
    tie to each is, with the gaps marked (``rules.gaps``)."""
    today = today or timezone.localdate()
    organisation = organisation_for(reader, organisation_id)
    half_life = half_life_days()
    posts = list(
        Post.objects.filter(_current_posts(today), organisation=organisation)
        .select_related("person")
        .order_by("level", "person__pinyin")
    )
    best: dict[int, tuple[float, int]] = {}
    for person, value, on in Relationship.objects.filter(
        person_id__in=[post.person_id for post in posts], strength__gt=0
    ).values_list("person_id", "strength", "strength_on"):
        current = rules.strength_now(value, on, today, half_life)
        top, known_by = best.get(person, (0.0, 0))
        best[person] = (max(top, current), known_by + (current >= rules.KNOWN_STRENGTH))
    seats = [
        rules.Seat(
            person_id=post.person_id,
            name=post.person.name,
            level=post.level,
            strength=best.get(post.person_id, (0.0, 0))[0],
            known_by=best.get(post.person_id, (0.0, 0))[1],
            ends_on=post.ended_on,
        )
        for post in posts
    ]
    used = {seat.level for seat in seats}
    if organisation.kind in rules.GOVERNMENT:
        expected = [Post.Level.FRONT_LINE, Post.Level.HEAD] + [
            level for level in Post.Level.values if level in rules.RANKS and level in used
        ]
    else:
        expected = LEVELS_OF_PARTNERS + [
            level
            for level in Post.Level.values
            if level in used and level not in LEVELS_OF_PARTNERS
        ]
    levels = [
        (level, str(Post.Level(level).label), [seat for seat in seats if seat.level == level])
        for level in expected
    ]
    return Coverage(
        organisation=organisation,
        levels=levels,
        gaps=rules.gaps(expected, seats, today),
        children=list(organisation.children.order_by("name")),
        supplier=(
            record.supplier_record(user, organisation.supplier_id)
            if user is not None and organisation.supplier_id
            else None
        ),
        leader=(
            record.leader_record(user, organisation.leader_id)
            if user is not None and organisation.leader_id
            else None
        ),
    )


def open_reminders(reader: Reader, *, today: date | None = None) -> QuerySet[Reminder]:
    """The reader's list: reminders not done, due by a week from today."""
    today = today or timezone.localdate()
    return (
        Reminder.objects.filter(
            staff_id=reader.user_id,
            done_at__isnull=True,
            due_on__lte=today + timedelta(days=LOOK_AHEAD_DAYS),
        )
        .select_related("person")
        .order_by("due_on", "pk")
    )


def flagged(reader: Reader) -> QuerySet[Interaction]:
    """Gifts and meals with officials waiting for a review, oldest first."""
    return Interaction.objects.filter(review=Interaction.Review.FLAGGED).order_by(
        "happened_on", "pk"
    )


@dataclass
class PathStep:
    kind: str
    id: int
    name: str
    strength: float


def warmest_path(
    reader: Reader, person_id: int, *, from_staff: int | None = None, today: date | None = None
) -> tuple[float, list[PathStep]] | None:
    """The warmest path from our staff (or one of them) to a person, or ``None``."""
    person_for(reader, person_id)
    found = paths.warmest_today(today or timezone.localdate(), person_id, from_staff=from_staff)
    if found is None:
        return None
    cost, steps = found
    names = paths.names(steps)
    return cost, [
        PathStep(step.kind, step.id, names[(step.kind, step.id)], step.strength) for step in steps
    ]
