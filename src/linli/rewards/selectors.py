"""Reads shared by the pages, the API and the CLI; none writes. Who may read what is decided
here: a member their own household, a leader their communities' totals, operators all."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Building, Community, Household
from linli.core.rows import Picked
from linli.ledger.models import Posting

from . import rules
from .errors import HouseholdNotFound, NoHousehold, TreeNotFound
from .garden import energy as energy  # the energy page's reads, written out
from .limits import HISTORY
from .models import (
    EarningRule,
    EnergyDrop,
    Goal,
    Lot,
    Perk,
    PlantingBatch,
    Species,
    Tree,
    Watering,
)
from .progress import GoalProgress, goals_progress
from .services import book
from .standing import standing as standing  # the points page's reads, written out


def household_for(actor: User, household_id: int | None = None) -> int:
    """The household a caller reads: their own (no id, or their own id); any for operators;
    refused for anyone else (a 404: it is not theirs to know it exists)."""
    who = roles(actor)
    if household_id is None:
        if who.household_id is None:
            raise NoHousehold()
        return who.household_id
    if (who.household_id == household_id or who.operator) and Household.objects.filter(
        pk=household_id
    ).exists():
        return household_id
    raise HouseholdNotFound()


def perks_for(community_id: int | None):
    perks = Perk.objects.filter(active=True).select_related("min_tier", "product")
    if community_id is not None:
        perks = perks.filter(Q(community__isnull=True) | Q(community_id=community_id))
    return perks.order_by("cost", "id")[:HISTORY]


def rules_list():
    return EarningRule.objects.select_related("community").order_by("-active", "trigger", "id")


def species_list():
    return Species.objects.filter(active=True).order_by("energy_g", "id")


def batches():
    return PlantingBatch.objects.select_related("species").annotate(planted=Count("trees"))[
        :HISTORY
    ]


def certificate_tree(actor: User, code: str) -> Tree:
    """A planted tree whose certificate the caller may have: their household's, their
    building's shared tree, any for operators."""
    tree = (
        Tree.objects.select_related("species", "batch", "household", "building__community")
        .filter(code=code, batch__isnull=False)
        .first()
    )
    who = roles(actor)
    if tree is None:
        raise TreeNotFound()
    if who.operator:
        return tree
    household = (
        Household.objects.filter(pk=who.household_id).values_list("building_id", flat=True).first()
        if who.household_id
        else None
    )
    if tree.household_id is not None and tree.household_id == who.household_id:
        return tree
    if tree.building_id is not None and tree.building_id == household:
        return tree
    raise TreeNotFound()


@dataclass
class ForestRow:
    name: str
    community_id: int
    building_id: int | None
    trees_grown: int
    trees_planted: int
    avoided_g: int
    pickups: int


@dataclass
class Forest:
    communities: list[ForestRow]
    buildings: list[ForestRow]
    months: list[tuple[str, int]]
    total_avoided_g: int
    total_grown: int
    total_planted: int


def forest(actor: User, *, community_id: int | None = None) -> Forest:
    """Trees grown and planted and CO₂ avoided per community and per building, and CO₂ avoided
    month by month. Everyone signed in sees the communities they see (members their own,
    leaders theirs, operators every one); the figures are totals, no household in them."""
    who = roles(actor)
    communities = Community.objects.all()
    if not who.operator:
        seen = set(who.led_community_ids) | ({who.community_id} if who.community_id else set())
        communities = communities.filter(pk__in=seen)
    if community_id is not None:
        communities = communities.filter(pk=community_id)
    ids = list(communities.values_list("id", flat=True)[:200])
    names = dict(Community.objects.filter(pk__in=ids).values_list("id", "name"))
    pickups = EnergyDrop.objects.filter(community_id__in=ids, rule__isnull=True)
    avoided = {
        c: (int(g or 0), n)
        for c, g, n in pickups.values_list("community_id")
        .annotate(g=Sum("avoided_g", filter=Q(avoided_g__gt=0)), n=Count("id"))
        .order_by()
    }
    trees = Tree.objects.filter(community_id__in=ids)
    grown = dict(
        trees.filter(grown_at__isnull=False)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    planted = dict(
        trees.filter(batch__isnull=False)
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    rows = [
        ForestRow(names[c], c, None, grown.get(c, 0), planted.get(c, 0), *avoided.get(c, (0, 0)))
        for c in ids
    ]
    rows.sort(key=lambda r: -r.avoided_g)
    buildings: list[ForestRow] = []
    if len(ids) <= 5:
        b_names = {
            pk: f"{names[c]} {name}"
            for pk, c, name in Building.objects.filter(community_id__in=ids).values_list(
                "id", "community_id", "name"
            )
        }
        b_avoided = {
            b: (int(g or 0), n)
            for b, g, n in pickups.values_list("building_id")
            .annotate(g=Sum("avoided_g", filter=Q(avoided_g__gt=0)), n=Count("id"))
            .order_by()
        }
        b_community = dict(
            Building.objects.filter(pk__in=b_names).values_list("id", "community_id")
        )
        b_grown = dict(
            Tree.objects.filter(community_id__in=ids, grown_at__isnull=False)
            .values_list("household__building_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        b_shared = dict(
            Tree.objects.filter(building_id__in=b_names, grown_at__isnull=False)
            .values_list("building_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        buildings = [
            ForestRow(
                name,
                b_community[b],
                b,
                b_grown.get(b, 0) + b_shared.get(b, 0),
                0,
                *b_avoided.get(b, (0, 0)),
            )
            for b, name in b_names.items()
        ]
        buildings.sort(key=lambda r: -r.avoided_g)
    months = [
        (month.astimezone(rules.SHANGHAI).strftime("%Y-%m") if month else "", int(g or 0))
        for month, g in pickups.filter(avoided_g__gt=0)
        .annotate(month=TruncMonth("earned_at", tzinfo=rules.SHANGHAI))
        .values_list("month")
        .annotate(g=Sum("avoided_g"))
        .order_by("month")
    ]
    return Forest(
        communities=rows,
        buildings=buildings,
        months=months[-24:],
        total_avoided_g=sum(r.avoided_g for r in rows),
        total_grown=sum(r.trees_grown for r in rows),
        total_planted=sum(r.trees_planted for r in rows),
    )


@dataclass
class Check:
    households: int
    wrong: list[str]

    @property
    def ok(self) -> bool:
        return not self.wrong


def check() -> Check:
    """Prove rewards' books agree with the ledger, set-based: each household's points on the
    ledger equal what its lots hold, and equal earned − taken back − spent − expired by entry
    kind; its energy equals what it collected less what it gave its trees."""
    pts = Posting.objects.filter(account__kind="household", account__unit=book.PTS)
    ledger_points = {
        h: -int(n)
        for h, n in pts.values_list("account__owner_id").annotate(n=Sum("amount")).order_by()
    }
    by_kind: dict[int, int] = {}
    for h, kind, n in (
        pts.values_list("account__owner_id", "entry__kind").annotate(n=Sum("amount")).order_by()
    ):
        sign = 1 if kind == book.EARNED else -1
        by_kind[h] = by_kind.get(h, 0) + sign * abs(int(n))
    lots = {
        h: int(n)
        for h, n in Lot.objects.values_list("household_id").annotate(n=Sum("remaining")).order_by()
    }
    green = Posting.objects.filter(account__kind="household", account__unit=book.GREEN)
    ledger_energy = {
        h: -int(n)
        for h, n in green.values_list("account__owner_id").annotate(n=Sum("amount")).order_by()
    }
    collected = {
        h: int(n)
        for h, n in EnergyDrop.objects.filter(collected_at__isnull=False)
        .values_list("household_id")
        .annotate(n=Sum("grams"))
        .order_by()
    }
    given = {
        h: int(n)
        for h, n in Watering.objects.values_list("household_id").annotate(n=Sum("grams")).order_by()
    }
    wrong = []
    households = set(ledger_points) | set(lots) | set(ledger_energy) | set(collected)
    for h in sorted(households):
        if ledger_points.get(h, 0) != lots.get(h, 0):
            wrong.append(
                f"household {h}: ledger {ledger_points.get(h, 0)} points, lots {lots.get(h, 0)}"
            )
        if ledger_points.get(h, 0) != by_kind.get(h, 0):
            wrong.append(
                f"household {h}: ledger {ledger_points.get(h, 0)} points, by kind {by_kind.get(h, 0)}"
            )
        energy = collected.get(h, 0) - given.get(h, 0)
        if ledger_energy.get(h, 0) != energy:
            wrong.append(
                f"household {h}: ledger {ledger_energy.get(h, 0)} g, drops − trees {energy} g"
            )
    return Check(households=len(households), wrong=wrong)


#: How many months back a member sees its goals (this month's and the settled ones before).
GOAL_MONTHS = 3


def goals_for(household_id: int, *, now: datetime | None = None) -> list[GoalProgress]:
    """The goals of a household's community (its building's and the whole community's) of
    this month and the last ones, with their progress: what its households see. Two
    statements (written out, decision 0015): the goals, and the progress of those not settled."""
    now = now or timezone.now()
    this_month = rules.local_day(now).replace(day=1)
    since = this_month
    for _ in range(GOAL_MONTHS - 1):
        since = (since - timedelta(days=1)).replace(day=1)
    goal, building, perk = _GOAL, _GOAL_BUILDING, _GOAL_PERK
    adapt = connection.ops.adapt_datefield_value
    with connection.cursor() as cursor:
        cursor.execute(_goals_sql(), [household_id, household_id, adapt(since), adapt(this_month)])
        goals = []
        for row in cursor.fetchall():
            found, rest = goal.build(row)
            found.building, rest = building.build(rest)  # type: ignore[union-attr]
            found.perk, _ = perk.build(rest)  # type: ignore[union-attr]
            goals.append(found)
    return goals_progress(goals, now=now)  # type: ignore[arg-type]


_GOAL, _GOAL_BUILDING, _GOAL_PERK = Picked(Goal, "g"), Picked(Building, "b"), Picked(Perk, "k")


@cache
def _goals_sql() -> str:
    """Parameters: household, household, since, this month. The household's building and
    community are subqueries (read first, by its id), so the goals are found by community."""
    g, b, k, h = _GOAL, _GOAL_BUILDING, _GOAL_PERK, Picked(Household, "h")
    home = Picked(Building, "hb")
    building = f"(SELECT {h.column('building')} FROM {h.table} WHERE h.id = %s)"
    community = (
        f"(SELECT {home.column('community')} FROM {h.table}"
        f" JOIN {home.table} ON hb.id = {h.column('building')} WHERE h.id = %s)"
    )
    return (
        f"SELECT {g.columns}, {b.columns}, {k.columns} FROM {g.table}"
        f" LEFT JOIN {b.table} ON b.id = {g.column('building')}"
        f" LEFT JOIN {k.table} ON k.id = {g.column('perk')}"
        f" WHERE {g.column('community')} = {community}"
        f" AND ({g.column('building')} IS NULL OR {g.column('building')} = {building})"
        f" AND {g.column('month')} >= %s AND {g.column('month')} <= %s"
        f" ORDER BY {g.column('month')} DESC, g.id"
    )


def goals_list():
    """Every goal, newest month first (operators)."""
    return Goal.objects.select_related("community", "building", "perk").order_by("-month", "-id")


def pickup_avoided_g(*, order_id: int, household_id: int) -> int | None:
    """The CO₂ the order's pickup at the gate avoided, as the energy model computed it (may
    be below zero: a far depot, few orders); ``None`` before the leader confirmed the pickup.
    One query on the unique (household, source) index."""
    return (
        EnergyDrop.objects.filter(
            household_id=household_id, source=f"pickup:{order_id}", rule__isnull=True
        )
        .values_list("avoided_g", flat=True)
        .first()
    )
