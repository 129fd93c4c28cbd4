"""A household's standing: its points and energy, tier, what expires soon, its history and the
perks it may redeem. Every member's points page and ``GET /api/rewards/me`` ask it, so its reads
are written out, one fixed statement each (decisions 0008 and 0015): composing them with the ORM
cost several times what the database takes to answer."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache

from django.db import connection
from django.utils import timezone

from linli.communities.models import Building, Household
from linli.core.rows import Picked, moment
from linli.ledger.services import balance_query

from . import rules
from .limits import HISTORY
from .models import EarningRule, Lot, Perk, Redemption, Tier, TierStanding
from .services import book
from .services.spending import tier_from

#: Points expiring within this many days are announced.
EXPIRING_DAYS = 30

_LOT, _RULE = Picked(Lot, "l"), Picked(EarningRule, "r")
_REDEMPTION, _PERK, _TIER = Picked(Redemption, "d"), Picked(Perk, "k"), Picked(Tier, "t")
_HOUSEHOLD, _BUILDING = Picked(Household, "h"), Picked(Building, "b")


@dataclass(frozen=True, slots=True)
class Earned:
    """A line of the history: points one rule earned for one source."""

    pk: int
    rule_name: str
    source: str
    amount: int
    taken_back: int
    remaining: int
    earned_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class Redeemed:
    """A perk the household redeemed (or was granted by a goal, for 0 points)."""

    pk: int
    perk_id: int
    perk_name: str
    points: int
    code: str
    at: datetime


#: Each kind of perk's label (translated when written): ``get_kind_display()`` builds the
#: choices' dict anew on every call, a twentieth of the points page's time for four perks.
KIND_LABELS = dict(Perk.Kind.choices)


@dataclass
class PerkView:
    perk: Perk
    may_redeem: bool
    why_not: str | None

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS.get(self.perk.kind, self.perk.kind))


@dataclass
class Standing:
    household_id: int
    points: int
    energy: int
    tier: Tier | None
    next_tier: Tier | None
    earned_12m: int
    expiring: list[tuple[datetime, int]]
    lots: list[Earned]
    #: Whether the history goes on beyond ``lots`` (the page links to the earlier lines).
    more: bool
    redemptions: list[Redeemed]
    perks: list[PerkView] = field(default_factory=list)


def standing(
    household_id: int,
    *,
    community_id: int | None = None,
    now: datetime | None = None,
    lines: int = HISTORY,
    skip: int = 0,
) -> Standing:
    """Five statements, whatever the history: the year's earnings with both balances, the
    tiers and the last review; what expires soon; ``lines`` lots of the history with their
    rules, newest first, after skipping ``skip``; the last redemptions with their perks; the
    perks on offer (the household's community's and everyone's: ``community_id`` when the
    caller knows it, else read with them)."""
    now = now or timezone.now()
    adapt = connection.ops.adapt_datetimefield_value
    points_sql, points_params = balance_query(book.points_account(household_id))
    energy_sql, energy_params = balance_query(book.energy_account(household_id))
    with connection.cursor() as cursor:
        since = adapt(now - timedelta(days=365))
        params = [*points_params, *energy_params, since, household_id, household_id]
        cursor.execute(_tiers_sql(points_sql, energy_sql), params)
        rows = cursor.fetchall()
        earned, standing_tier = int(rows[0][0]), rows[0][1]
        # A household's accounts are negative by what it holds (rewards.services.book).
        points, energy = -int(rows[0][2]), -int(rows[0][3])
        tiers = [tier for row in rows if (tier := _TIER.build(row[4:])[0]) is not None]
        cursor.execute(_expiring_sql(), [household_id, adapt(now + timedelta(days=EXPIRING_DAYS))])
        expiring = [(moment(at), int(n)) for at, n in cursor.fetchall()]
        cursor.execute(_lots_sql(), [household_id, lines + 1, skip])
        rows = cursor.fetchall()
        lots = [Earned(*row[:6], moment(row[6]), moment(row[7])) for row in rows[:lines]]
        cursor.execute(_redemptions_sql(), [household_id, HISTORY])
        redemptions = [Redeemed(*row[:5], moment(row[5])) for row in cursor.fetchall()]
        if community_id is None:
            cursor.execute(_perks_of_household_sql(), [household_id, HISTORY])
        else:
            cursor.execute(_perks_sql(), [community_id, HISTORY])
        perks = []
        for row in cursor.fetchall():
            perk, rest = _PERK.build(row)
            perk.min_tier, _ = _TIER.build(rest)  # type: ignore[union-attr]
            perks.append(perk)
    tier = tier_from(tiers, earned=earned, standing_tier_id=standing_tier)
    following = next((t for t in tiers if t.min_points > earned), None)
    return Standing(
        household_id=household_id,
        points=points,
        energy=energy,
        tier=tier,
        next_tier=following,
        earned_12m=earned,
        expiring=expiring,
        lots=lots,
        more=len(rows) > lines,
        redemptions=redemptions,
        perks=[_perk_view(perk, points=points, tier=tier) for perk in perks],
    )


def _perk_view(perk: Perk, *, points: int, tier: Tier | None) -> PerkView:
    tier_ok = perk.min_tier is None or (
        tier is not None and tier.min_points >= perk.min_tier.min_points
    )
    why = rules.may_redeem(points=points, cost=perk.cost, left=perk.left, tier_ok=tier_ok)
    return PerkView(perk, why is None, why)


@cache
def _tiers_sql(points: str, energy: str) -> str:
    """The year's earnings, the last review's tier, the points and energy balances
    (subqueries ``points`` and ``energy``), and every tier (a row per tier; one row of NULLs
    when there are none), lowest first. Parameters: the balances', since, household,
    household."""
    review = Picked(TierStanding, "s")
    amount, back = _LOT.column("amount"), _LOT.column("taken_back")
    return (
        f"SELECT e.n, {review.column('tier')}, {points}, {energy}, {_TIER.columns} FROM"
        f" (SELECT COALESCE(SUM({amount} - {back}), 0) n FROM {_LOT.table}"
        f" WHERE {_LOT.column('earned_at')} > %s AND {_LOT.column('household')} = %s) e"
        f" LEFT JOIN {review.table} ON {review.column('household')} = %s"
        f" LEFT JOIN {_TIER.table} ON 1 = 1"
        f" ORDER BY {_TIER.column('min_points')}"
    )


@cache
def _expiring_sql() -> str:
    expires, remaining = _LOT.column("expires_at"), _LOT.column("remaining")
    return (
        f"SELECT {expires}, SUM({remaining}) FROM {_LOT.table}"
        f" WHERE {_LOT.column('household')} = %s AND {expires} <= %s AND {remaining} > 0"
        f" GROUP BY {expires} ORDER BY {expires} LIMIT 10"
    )


@cache
def _lots_sql() -> str:
    lot = _LOT
    picked = ", ".join(
        lot.column(name)
        for name in ("amount", "taken_back", "remaining", "earned_at", "expires_at")
    )
    return (
        f"SELECT l.id, {_RULE.column('name')}, {lot.column('source')}, {picked}"
        f" FROM {lot.table} JOIN {_RULE.table} ON r.id = {lot.column('rule')}"
        f" WHERE {lot.column('household')} = %s"
        f" ORDER BY {lot.column('earned_at')} DESC, l.id DESC LIMIT %s OFFSET %s"
    )


@cache
def _redemptions_sql() -> str:
    d = _REDEMPTION
    return (
        f"SELECT d.id, k.id, {_PERK.column('name')}, {d.column('points')}, {d.column('code')},"
        f" {d.column('at')} FROM {d.table} JOIN {_PERK.table} ON k.id = {d.column('perk')}"
        f" WHERE {d.column('household')} = %s"
        f" ORDER BY {d.column('at')} DESC, d.id DESC LIMIT %s"
    )


def _perks_where(community: str) -> str:
    return (
        f"SELECT {_PERK.columns}, {_TIER.columns} FROM {_PERK.table}"
        f" LEFT JOIN {_TIER.table} ON t.id = {_PERK.column('min_tier')}"
        f" WHERE {_PERK.column('active')}"
        f" AND ({_PERK.column('community')} IS NULL OR {_PERK.column('community')} = {community})"
        f" ORDER BY {_PERK.column('cost')}, k.id LIMIT %s"
    )


@cache
def _perks_sql() -> str:
    return _perks_where("%s")


@cache
def _perks_of_household_sql() -> str:
    return _perks_where(
        f"(SELECT {_BUILDING.column('community')} FROM {_HOUSEHOLD.table}"
        f" JOIN {_BUILDING.table} ON b.id = {_HOUSEHOLD.column('building')} WHERE h.id = %s)"
    )
