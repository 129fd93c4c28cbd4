"""Spending points on perks, taking points back, expiring them, reviewing tiers.

Every change of one household's points holds the lock of its points account on the ledger
(:func:`.book.lock_points`), then its lots in id order, so a redemption, a take-back and the
payment of a debt of one household never interleave, and a balance read under the lock is the
balance the change is made against: no redemption overdraws, however many arrive at once.
"""

import secrets
from datetime import datetime, timedelta

from django.db import connection, transaction
from django.db.models import F, Sum
from django.utils import timezone

from linli.accounts.models import User
from linli.ledger.services import post

from .. import rules
from ..errors import NotEnoughPoints, PerkNotFound, PerkSoldOut, TierTooLow
from ..models import Lot, Perk, Redemption, TakeBack, Tier, TierStanding
from . import book
from .access import member_household

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _held_locked(household_id: int) -> list[Lot]:
    """The household's lots with anything left or owed, locked, closest to expiry first (the
    caller holds its points lock)."""
    locked = list(
        Lot.objects.select_for_update()
        .filter(household_id=household_id)
        .exclude(remaining=0)
        .order_by("id")
    )
    return sorted(locked, key=lambda lot: (lot.expires_at, lot.pk))


def redeem(*, actor: User, perk_id: int, now: datetime | None = None) -> Redemption:
    """Spend the member's household's points on a perk: the points closest to expiry first.
    Refused, changing nothing, when the perk ran out, is above the household's tier, or costs
    more than the household holds."""
    now = now or timezone.now()
    household = member_household(actor)
    with transaction.atomic():
        perk = Perk.objects.select_related("min_tier").filter(pk=perk_id, active=True).first()
        if perk is None:
            raise PerkNotFound()
        book.lock_points(household)
        lots = _held_locked(household)
        points = sum(lot.remaining for lot in lots)
        tier_ok = perk.min_tier is None or (
            (tier := tier_of(household, now=now)) is not None
            and tier.min_points >= perk.min_tier.min_points
        )
        refused = rules.may_redeem(points=points, cost=perk.cost, left=perk.left, tier_ok=tier_ok)
        if refused == "sold_out":
            raise PerkSoldOut(perk=perk.name)
        if refused == "tier":
            assert perk.min_tier is not None
            raise TierTooLow(perk=perk.name, tier=perk.min_tier.name)
        if refused == "points":
            raise NotEnoughPoints(perk=perk.name, cost=perk.cost, points=points)
        if perk.stock is not None:
            # The database guards the last one: a conditional update, no read-then-write.
            taken = Perk.objects.filter(pk=perk.pk, left__gt=0).update(left=F("left") - 1)
            if not taken:
                raise PerkSoldOut(perk=perk.name)
        for lot_id, take in rules.consume(
            [rules.Held(lot.pk, lot.remaining) for lot in lots], perk.cost
        ):
            Lot.objects.filter(pk=lot_id).update(
                remaining=F("remaining") - take, spent=F("spent") + take
            )
        entry = post(
            book.SPENT,
            [(book.points_account(household), perk.cost), (book.POINTS_OPERATOR, -perk.cost)],
            at=now,
            actor=actor,
            memo=perk.name[:200],
        )
        assert entry is not None
        return Redemption.objects.create(
            household_id=household,
            perk=perk,
            points=perk.cost,
            code="".join(secrets.choice(CODE_ALPHABET) for _ in range(8)),
            redeemed_by=actor,
            at=now,
            entry=entry,
        )


def take_back(
    *, order_id: int, reason: str, refund_fen: int | None = None, now: datetime | None = None
) -> int:
    """Take back what an order earned (``refund_fen`` None: all of it; else the refund's
    share), once per ``reason`` ("cancelled", "report:12"); returns the points taken back.
    Points already spent are taken from the household's other points, and when there are none
    the household owes them: its next earnings pay them off."""
    now = now or timezone.now()
    total = 0
    with transaction.atomic():
        lots = list(Lot.objects.filter(order_id=order_id).order_by("household_id", "id"))
        for household in sorted({lot.household_id for lot in lots}):
            book.lock_points(household)
            held = _held_locked(household)
            by_id = {lot.pk: lot for lot in held}
            for lot in Lot.objects.filter(order_id=order_id, household_id=household).order_by("id"):
                lot = by_id.get(lot.pk, lot)
                if TakeBack.objects.filter(lot=lot, reason=reason).exists():
                    continue
                share = rules.take_back_share(
                    amount=lot.amount,
                    taken_back=lot.taken_back,
                    basis_fen=lot.basis_fen,
                    refund_fen=refund_fen,
                )
                if share <= 0:
                    continue
                total += share
                _take_back_locked(lot, share, reason, held, now)
    return total


def _take_back_locked(lot: Lot, share: int, reason: str, held: list[Lot], now: datetime) -> None:
    """From the lot itself first, then the household's other points closest to expiry; what
    is missing stays on the lot as a debt (``remaining`` below zero)."""
    entry = post(
        book.TAKEN_BACK,
        [(book.points_account(lot.household_id), share), (book.POINTS_OPERATOR, -share)],
        at=now,
        memo=f"{lot.source} {reason}"[:200],
        key=f"rewards:back:{lot.pk}:{reason}"[:120],
        order_id=lot.order_id,
    )
    assert entry is not None
    TakeBack.objects.create(lot=lot, reason=reason, amount=share, entry=entry, at=now)
    own = min(share, max(0, lot.remaining))
    lot.remaining -= own
    lot.taken_back += share
    left = share - own
    others = [rules.Held(h.pk, h.remaining) for h in held if h.pk != lot.pk]
    by_id = {h.pk: h for h in held}
    for lot_id, take in rules.consume(others, left):
        other = by_id[lot_id]
        other.remaining -= take
        other.save(update_fields=["remaining"])
        left -= take
    lot.remaining -= left  # a debt, when the household had too little left
    lot.save(update_fields=["remaining", "taken_back"])


def expire_due(*, now: datetime | None = None) -> dict[str, int]:
    """Points past their expiry go (the worker's job): set-based, one ledger entry for all
    households. Returns households and points expired."""
    now = now or timezone.now()
    table = Lot._meta.db_table
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Locks the due lots in id order (as a redemption does), zeroes them and hands back
            # what each household lost, in one statement.
            sql = (
                f"WITH due AS (SELECT id, remaining FROM {table} "
                "WHERE expires_at <= %s AND remaining > 0 ORDER BY id FOR UPDATE), "
                f"gone AS (UPDATE {table} l SET expired = l.expired + due.remaining, remaining = 0 "
                "FROM due WHERE l.id = due.id RETURNING l.household_id, due.remaining AS n) "
                "SELECT household_id, SUM(n) FROM gone GROUP BY household_id"
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [now])
                lost = {household: int(n) for household, n in cursor.fetchall()}
        else:
            # SQLite: the transaction holds the write lock from its start (IMMEDIATE).
            due = Lot.objects.filter(expires_at__lte=now, remaining__gt=0)
            lost = {
                household: int(n)
                for household, n in due.values_list("household_id")
                .annotate(n=Sum("remaining"))
                .order_by()
            }
            due.update(expired=F("expired") + F("remaining"), remaining=0)
        if lost:
            post(
                book.EXPIRED,
                [(book.points_account(h), n) for h, n in lost.items()]
                + [(book.POINTS_OPERATOR, -sum(lost.values()))],
                at=now,
                memo="points expired",
            )
    return {"households": len(lost), "points": sum(lost.values())}


def earned_in_year(household_ids: list[int] | None, *, now: datetime) -> dict[int, int]:
    """Points earned over the last twelve months, net of what was taken back."""
    lots = Lot.objects.filter(earned_at__gt=now - timedelta(days=365))
    if household_ids is not None:
        lots = lots.filter(household_id__in=household_ids)
    return {
        household: int(n or 0)
        for household, n in lots.values_list("household_id")
        .annotate(n=Sum(F("amount") - F("taken_back")))
        .order_by()
    }


def tier_of(household_id: int, *, now: datetime, earned: int | None = None) -> Tier | None:
    """The tier a household holds now: reached by its last twelve months' earnings (``earned``
    when the caller has read them), or the one its last yearly review gave it, whichever is
    higher."""
    if earned is None:
        earned = earned_in_year([household_id], now=now).get(household_id, 0)
    standing = TierStanding.objects.filter(household_id=household_id).first()
    return tier_from(
        list(Tier.objects.all()),
        earned=earned,
        standing_tier_id=standing.tier_id if standing else None,
    )


def tier_from(tiers: list[Tier], *, earned: int, standing_tier_id: int | None) -> Tier | None:
    """Of ``tiers``, the one reached by ``earned`` or the review's, whichever is higher."""
    by_id = {t.pk: t for t in tiers}
    by_earned_id = rules.tier_for(earned, [(t.min_points, t.pk) for t in tiers])
    chosen = rules.current_tier(
        (by_id[by_earned_id].min_points, by_earned_id) if by_earned_id else None,
        (by_id[standing_tier_id].min_points, standing_tier_id)
        if standing_tier_id in by_id
        else None,
    )
    return by_id[chosen[1]] if chosen else None


def review_tiers(*, now: datetime | None = None) -> dict[str, int]:
    """The yearly review: every household's standing set from its last twelve months'
    earnings, up or down; a household that earned too little for any tier loses its standing."""
    now = now or timezone.now()
    tiers = list(Tier.objects.values_list("min_points", "id"))
    with transaction.atomic():
        earned = earned_in_year(None, now=now)
        standings = []
        for household, points in earned.items():
            tier = rules.tier_for(points, tiers)
            if tier is not None:
                standings.append(
                    TierStanding(
                        household_id=household, tier_id=tier, earned=points, reviewed_at=now
                    )
                )
        TierStanding.objects.all().delete()
        TierStanding.objects.bulk_create(standings, batch_size=2000)
    return {"households": len(standings)}
