"""The demo city's relationship book: a street office per district above the residents'
committees of its communities, a property company per community, an organisation for each of
the first suppliers (linked to it); people at every level with posts (a few ended, one ending
next month); two years of interactions between them and three staff members (the operator
and two colleagues), bulk-loaded, then every strength computed set-based and the reminders of
today written as the worker's daily job would. Deterministic for a seed and a day."""

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta

from django.contrib.auth.models import Permission
from django.utils import timezone

from linli.accounts.models import User
from linli.relations import reminders, rules, services, strength
from linli.relations.models import (
    Contact,
    Interaction,
    Organisation,
    Person,
    PersonTookPart,
    Post,
    Relationship,
    StaffTookPart,
    Tie,
)

from . import names
from .city import OPERATOR, City

Kind = Interaction.Kind
#: How often each kind is logged (messages most, meals at home rarely).
KINDS = (
    (Kind.MESSAGE, 30),
    (Kind.CALL, 20),
    (Kind.VISIT, 18),
    (Kind.EVENT, 6),
    (Kind.MEAL, 8),
    (Kind.MEAL_AT_HOME, 1),
    (Kind.GIFT_GIVEN, 5),
    (Kind.GIFT_RECEIVED, 3),
    (Kind.FAVOUR_GIVEN, 5),
    (Kind.FAVOUR_RECEIVED, 4),
)
PLACES = ("居委会办公室", "小区南门", "合作社仓库", "街道办会议室", "茶楼", "物业办公室", "田头")
DAYS = 730
MOST_COMMUNITIES = 12
MOST_SUPPLIERS = 8


def _staff(city: City) -> list[int]:
    """The operator and two colleagues who may read and write the book."""
    operator = city.logins[OPERATOR]
    colleagues = []
    for username, name in (("xiaomei", "运营 李小梅"), ("laochen", "运营 陈国强")):
        user, _created = User.objects.get_or_create(
            username=username, defaults={"display_name": name, "is_staff": True}
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
        user.user_permissions.add(
            *Permission.objects.filter(
                content_type__app_label="relations",
                codename__in=["view_person", "change_person", "view_contact"],
            )
        )
        colleagues.append(user.pk)
    return [operator, *colleagues]


def build(city: City, *, seed: int, now: datetime) -> dict[str, int]:
    """Fill the book as of ``now``; returns what it holds."""
    today = timezone.localdate(now)
    rng = random.Random(seed * 16 + 1)
    staff = _staff(city)
    taken: set[str] = set()
    places = city.places[:MOST_COMMUNITIES]
    streets: dict[str, Organisation] = {}
    organisations: list[tuple[Organisation, tuple[str, ...]]] = []
    for place in places:
        district = place.district or "浦东新区"
        if district not in streets:
            streets[district] = Organisation.objects.create(
                name=f"{district}{names.surname(rng)}家街道办事处", kind="street_office"
            )
            organisations.append((streets[district], ("head", "section", "clerk")))
        committee = Organisation.objects.create(
            name=f"{place.name}居委会",
            kind="residents_committee",
            parent=streets[district],
            community_id=place.id,
        )
        organisations.append((committee, ("head", "clerk", "front_line")))
        property_ = Organisation.objects.create(
            name=f"{place.name}物业服务中心", kind="property", community_id=place.id
        )
        organisations.append((property_, ("head", "manager", "front_line")))
    for supplier_id in list(city.wares_by_supplier)[:MOST_SUPPLIERS]:
        organisations.append(
            (
                Organisation.objects.create(
                    name=f"供货商 {supplier_id} 号",
                    kind="coop" if rng.random() < 0.5 else "supplier",
                    supplier_id=supplier_id,
                ),
                ("head", "manager", "front_line"),
            )
        )
    # People and posts: most levels filled, some left as gaps; a few moved on.
    people: list[Person] = []
    posts: list[Post] = []
    official: set[int] = set()
    by_organisation: dict[int, list[int]] = {}
    for organisation, levels in organisations:
        for level in levels:
            if rng.random() < 0.15:
                continue  # a gap on the coverage grid
            name = names.person(rng, old=level == "head" and rng.random() < 0.3)
            pinyin, initials = services.spelled(name)
            person = Person(
                name=name,
                pinyin=pinyin,
                initials=initials,
                phone=names.phone(rng, taken),
                wechat=f"wx_{pinyin}{rng.randrange(100)}",
                birthday=date(
                    rng.randrange(1960, 1995), rng.randrange(1, 13), rng.randrange(1, 29)
                ),
                tags=",重要," if level == "head" else "",
            )
            people.append(person)
            started = today - timedelta(days=rng.randrange(200, 3000))
            ends_soon = rng.random() < 0.05
            posts.append(
                Post(
                    person=person,
                    organisation=organisation,
                    level=level,
                    role={
                        "head": "主任",
                        "manager": "经理",
                        "section": "科长",
                        "clerk": "科员",
                    }.get(level, "专员"),
                    started_on=started,
                    ended_on=today + timedelta(days=30) if ends_soon else None,
                )
            )
    Person.objects.bulk_create(people)
    for post in posts:
        post.person_id = post.person.pk
    Post.objects.bulk_create(posts)
    for post in posts:
        by_organisation.setdefault(post.organisation.pk, []).append(post.person_id)
        if rules.is_official(post.organisation.kind, post.level):
            official.add(post.person_id)
    # Ties: colleagues inside each organisation; a few families and classmates across.
    ties = [
        Tie(person_id=one, other_id=two, kind="colleague")
        for members in by_organisation.values()
        for one, two in itertools.pairwise(members)
    ]
    ids = [person.pk for person in people]
    for _ in range(len(ids) // 6):
        one, two = rng.sample(ids, 2)
        ties.append(Tie(person_id=one, other_id=two, kind=rng.choice(["family", "classmate"])))
    Tie.objects.bulk_create(ties, ignore_conflicts=True)
    # Two years of interactions: each person has one or two of our staff who keep in touch,
    # some often, some rarely, some not for a while.
    interactions, staff_links, people_links = [], [], []
    kinds, weights = zip(*KINDS, strict=True)
    for person_id in ids:
        keepers = rng.sample(staff, rng.choice([1, 1, 2]))
        every = rng.choice([14, 30, 45, 90, 180])
        quiet_since = rng.choice([0, 0, 0, 60, 200])
        day = today - timedelta(days=DAYS - rng.randrange(every))
        while day <= today - timedelta(days=quiet_since):
            kind = rng.choices(kinds, weights)[0]
            value = 0
            if kind in rules.GUARDED or kind in rules.RECEIVED:
                value = rng.randrange(50, 600) * 100
            interaction = Interaction(
                kind=kind,
                happened_on=day,
                place=rng.choice(PLACES) if kind in (Kind.VISIT, Kind.MEAL) else "",
                value_fen=value,
                logged_by_id=keepers[0],
                logged_at=datetime.combine(day, time(12), tzinfo=UTC),
                review=(
                    Interaction.Review.APPROVED
                    if person_id in official and rules.needs_review(kind, value, True, 20000)
                    else Interaction.Review.NONE
                ),
            )
            interactions.append(interaction)
            staff_links.append((interaction, keepers))
            people_links.append((interaction, person_id))
            day += timedelta(days=max(1, int(rng.expovariate(1 / every))))
    Interaction.objects.bulk_create(interactions, batch_size=2000)
    StaffTookPart.objects.bulk_create(
        [
            StaffTookPart(interaction_id=interaction.pk, user_id=user)
            for interaction, users in staff_links
            for user in users
        ],
        batch_size=5000,
    )
    PersonTookPart.objects.bulk_create(
        [
            PersonTookPart(interaction_id=interaction.pk, person_id=person)
            for interaction, person in people_links
        ],
        batch_size=5000,
    )
    Contact.objects.bulk_create(
        [
            Contact(
                interaction_id=interaction.pk,
                staff_id=user,
                person_id=person,
                kind=interaction.kind,
                happened_on=interaction.happened_on,
            )
            for (interaction, users), (_same, person) in zip(staff_links, people_links, strict=True)
            for user in users
        ],
        batch_size=5000,
    )
    strength.recompute(today=today)
    # Key partners are kept every 30 days; heads should stay above 3.
    heads = {post.person_id for post in posts if post.level == "head"}
    Relationship.objects.filter(person_id__in=heads).update(cadence_days=30, keep_above=3.0)
    # One meal with a street office head above the limit, waiting for a review.
    street_heads = [
        post.person_id
        for post in posts
        if post.level == "head" and post.organisation.kind == "street_office"
    ]
    if street_heads:
        services.log_interaction(
            actor=User.objects.get(pk=city.logins[OPERATOR]),
            kind=Kind.MEAL,
            happened_on=today - timedelta(days=2),
            person_ids=[street_heads[0]],
            place="茶楼",
            notes="谈社区团购点位",
            value_fen=68800,
            now=now,
        )
    reminders.make(today)
    return {
        "organisations": len(organisations),
        "people": len(people),
        "interactions": len(interactions),
        "relationships": Relationship.objects.count(),
    }
