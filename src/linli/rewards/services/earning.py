"""Earning: the rules (data) applied to what happened, set-based, each earning once.

A pickup earns through every active rule whose trigger it meets (picked up, on time, first
order, ordered for a neighbour, an invited household's pickup, imperfect produce), and green
energy from the documented model (:mod:`.energy`). Everything for one group buy is computed
from a few queries over all its orders at once, then written in bulk: one ledger entry per
rule, one row per lot. A (rule, household, source) that already earned earns nothing again,
so an event delivered twice earns once.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone

from linli.communities.models import Member
from linli.groupbuys.models import GroupBuy, Order, OrderLine
from linli.ledger.services import post

from .. import rules
from ..models import (
    PICKUP_TRIGGERS,
    EarningRule,
    EnergyDrop,
    ImperfectItem,
    Lot,
    Referral,
    RewardUnit,
    Trigger,
)
from . import book, energy, rows
from .drops import Candidate, config, write_drops
from .rows import among, existing


def rules_for(
    trigger_in: Iterable[str],
    *,
    community_id: int | None = None,
    community_ids: Iterable[int] = (),
    now: datetime,
) -> list[EarningRule]:
    """The active rules for these triggers in force today in these communities."""
    wanted = {*community_ids, *([community_id] if community_id is not None else [])}
    today = rules.local_day(now)
    return list(
        EarningRule.objects.filter(
            active=True,
            trigger__in=list(trigger_in),
            starts_on__lte=today,
        )
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(Q(community__isnull=True) | Q(community_id__in=wanted))
        .order_by("id")
    )


# ---------------------------------------------------------------------------------------------
# Pickups


@dataclass
class _Picked:
    order_id: int
    household_id: int
    placed_by_id: int
    collected_at: datetime
    phone: str
    group_buy_id: int
    community_id: int
    window: tuple[datetime, datetime]
    total_fen: int = 0
    imperfect_fen: int = 0
    by_category: dict[str, int] | None = None


def earn_for_pickups(
    *, group_buy_id: int, order_id: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """Points and energy for the orders of a group buy collected so far (one order with
    ``order_id``): an order counts once collected in full, or once the group buy completed
    for what was collected of it. Returns how many lots and drops it wrote."""
    return earn_for_group_buys([group_buy_id], order_id=order_id, now=now)


def earn_for_group_buys(
    group_buy_ids: list[int], *, order_id: int | None = None, now: datetime | None = None
) -> dict[str, int]:
    """:func:`earn_for_pickups` for many group buys at once, set-based (the demo city's
    history, a backfill): each order earns as of when it was collected."""
    now = now or timezone.now()
    with transaction.atomic():
        picked = _picked(group_buy_ids, order_id)
        if not picked:
            return {"lots": 0, "drops": 0}
        communities = {row.community_id for row in picked}
        pairs = [
            (
                rule,
                _pickup_candidates(
                    rule, [r for r in picked if rule.community_id in (None, r.community_id)]
                ),
            )
            for rule in rules_for(PICKUP_TRIGGERS, community_ids=communities, now=now)
        ]
        lots, drops = apply_rules(
            pairs, now=now, group_buy_id=group_buy_ids[0] if len(group_buy_ids) == 1 else None
        )
        written = {"lots": lots, "drops": drops}
        written["drops"] += energy.pickup_energy(group_buy_ids, picked, now=now)
    return written


def _picked(group_buy_ids: list[int], order_id: int | None) -> list[_Picked]:
    orders = Order.objects.filter(
        group_buy_id__in=group_buy_ids, status=Order.Status.CONFIRMED
    ).exclude(pickup=Order.Pickup.NONE)
    # Until its group buy completes, an order counts once collected in full.
    orders = orders.filter(
        Q(pickup=Order.Pickup.FULL) | Q(group_buy__status=GroupBuy.Status.COMPLETED)
    )
    if order_id is not None:
        orders = orders.filter(pk=order_id)
    # The group buys' own columns once each, not once per order.
    group_buys = {
        gb: (community, (starts, ends))
        for gb, community, starts, ends in GroupBuy.objects.filter(
            pk__in=group_buy_ids
        ).values_list("id", "community_id", "pickup_starts_at", "pickup_ends_at")
    }
    by_id = {
        pk: _Picked(
            pk,
            household,
            placed_by,
            collected or group_buys[gb][1][1],
            phone,
            gb,
            group_buys[gb][0],
            group_buys[gb][1],
            0,
            0,
            {},
        )
        for pk, household, placed_by, collected, phone, gb in (
            orders.order_by()
            .values_list(
                "id",
                "household_id",
                "placed_by_id",
                "collected_at",
                "household__phone",
                "group_buy_id",
            )
            .iterator(chunk_size=5000)
        )
    }
    if not by_id:
        return []
    imperfect = set(
        ImperfectItem.objects.filter(item__group_buy_id__in=group_buy_ids).values_list(
            "item_id", flat=True
        )
    )
    lines = (
        OrderLine.objects.filter(order__in=orders, picked_up__gt=0)
        .order_by()
        .values_list(
            "order_id", "item_id", "picked_up", "unit_price_fen", "item__product__category"
        )
    )
    for order, item, units, price, category in lines.iterator(chunk_size=5000):
        row = by_id[order]
        fen = units * price
        row.total_fen += fen
        if item in imperfect:
            row.imperfect_fen += fen
        assert row.by_category is not None
        row.by_category[category] = row.by_category.get(category, 0) + fen
    return [row for row in by_id.values() if row.total_fen > 0]


def _pickup_candidates(rule: EarningRule, picked: list[_Picked]) -> list[Candidate]:
    def basis(row: _Picked) -> int:
        fen = row.imperfect_fen if rule.trigger == Trigger.IMPERFECT else row.total_fen
        if rule.category:
            fen = min(fen, (row.by_category or {}).get(rule.category, 0))
        return fen

    rows = [row for row in picked if basis(row) > 0 and basis(row) >= rule.min_amount_fen]
    if rule.trigger in (Trigger.PICKED_UP, Trigger.IMPERFECT):
        return [_candidate(row, basis(row)) for row in rows]
    if rule.trigger == Trigger.ON_TIME:
        return [
            _candidate(row, basis(row))
            for row in rows
            if row.window[0] <= row.collected_at <= row.window[1]
        ]
    if rule.trigger == Trigger.FIRST_ORDER:
        households = {row.household_id for row in rows}
        first = dict(
            Order.objects.filter(among(Order, "household_id", households))
            .filter(status=Order.Status.CONFIRMED)
            .exclude(pickup=Order.Pickup.NONE)
            .values_list("household_id")
            .annotate(first=Min("id"))
            .order_by()
        )
        return [
            _candidate(row, basis(row), source="first")
            for row in rows
            if first.get(row.household_id) == row.order_id
        ]
    if rule.trigger == Trigger.FOR_NEIGHBOUR:
        placers = dict(
            Member.objects.filter(
                among(Member, "user_id", {row.placed_by_id for row in rows})
            ).values_list("user_id", "household_id")
        )
        return [
            Candidate(
                placers[row.placed_by_id],
                f"order:{row.order_id}",
                basis(row),
                row.order_id,
                row.collected_at,
            )
            for row in rows
            if not row.phone
            and row.placed_by_id in placers
            and placers[row.placed_by_id] != row.household_id
        ]
    if rule.trigger == Trigger.INVITED:
        inviters = dict(
            Referral.objects.filter(
                among(Referral, "household_id", {row.household_id for row in rows})
            ).values_list("household_id", "invited_by_id")
        )
        return [
            Candidate(
                inviters[row.household_id],
                f"invited:{row.household_id}",
                basis(row),
                row.order_id,
                row.collected_at,
            )
            for row in rows
            if row.household_id in inviters
        ]
    return []


def _candidate(row: _Picked, basis_fen: int, *, source: str | None = None) -> Candidate:
    return Candidate(
        row.household_id,
        source or f"order:{row.order_id}",
        basis_fen,
        row.order_id,
        row.collected_at,
    )


# ---------------------------------------------------------------------------------------------
# Applying one rule


def apply_rule(
    rule: EarningRule,
    candidates: Sequence[Candidate],
    *,
    now: datetime,
    group_buy_id: int | None = None,
) -> tuple[int, int]:
    """Give what ``rule`` gives to each candidate that has not earned from it for its source,
    within the rule's caps; returns (lots, drops) written. The caller holds a transaction."""
    return apply_rules([(rule, candidates)], now=now, group_buy_id=group_buy_id)


def apply_rules(
    pairs: Sequence[tuple[EarningRule, Sequence[Candidate]]],
    *,
    now: datetime,
    group_buy_id: int | None = None,
) -> tuple[int, int]:
    """:func:`apply_rule` for several rules at once: the points of all of them on one ledger
    entry, their lots in one statement."""
    points: list[tuple[EarningRule, Candidate, int]] = []
    drops = 0
    for rule, candidates in pairs:
        amounts = _due(rule, candidates, now)
        if rule.unit == RewardUnit.ENERGY:
            drops += _drops(rule, amounts, now)
        else:
            points += [(rule, c, amount) for c, amount in amounts]
    return _lots(points, now, group_buy_id), drops


def _due(
    rule: EarningRule, candidates: Sequence[Candidate], now: datetime
) -> list[tuple[Candidate, int]]:
    if not candidates:
        return []
    seen = _already(rule, candidates)
    fresh: dict[tuple[int, str], Candidate] = {}
    for c in candidates:
        if (c.household_id, c.source) not in seen:
            fresh.setdefault((c.household_id, c.source), c)
    if not fresh:
        return []
    return _within_caps(rule, list(fresh.values()), now)


def _already(rule: EarningRule, candidates: Sequence[Candidate]) -> set[tuple[int, str]]:
    model = EnergyDrop if rule.unit == RewardUnit.ENERGY else Lot
    pairs = {(c.household_id, c.source) for c in candidates}
    return existing(model, sorted(pairs), rule_id=rule.pk)


def _within_caps(
    rule: EarningRule, fresh: list[Candidate], now: datetime
) -> list[tuple[Candidate, int]]:
    """What each candidate gets under the rule's caps per household and day (month) of when
    it happened, counting what the rule already gave."""
    wanted = [(c, rules.earned_by(rule.effect, rule.amount, c.basis_fen)) for c in fresh]
    wanted = [(c, amount) for c, amount in wanted if amount > 0]
    if rule.per_day_cap is None and rule.per_month_cap is None:
        return wanted
    days = [rules.local_day(c.at or now) for c, _ in wanted]
    start = rules.month_bounds(min(days))[0]
    end = rules.month_bounds(max(days))[1]
    model = EnergyDrop if rule.unit == RewardUnit.ENERGY else Lot
    column = "grams" if model is EnergyDrop else "amount"
    today: dict[tuple[int, date], int] = defaultdict(int)
    month: dict[tuple[int, date], int] = defaultdict(int)
    for household, at, amount in (
        model.objects.filter(
            among(model, "household_id", sorted({c.household_id for c, _ in wanted})),
            rule=rule,
            earned_at__gte=start,
            earned_at__lt=end,
        )
        .order_by()
        .values_list("household_id", "earned_at", column)
    ):
        day = rules.local_day(at)
        today[household, day] += amount
        month[household, day.replace(day=1)] += amount
    given = []
    for (c, amount), day in zip(wanted, days, strict=True):
        key, month_key = (c.household_id, day), (c.household_id, day.replace(day=1))
        left = rules.capped(
            amount,
            earned_today=today[key],
            day_cap=rule.per_day_cap,
            earned_month=month[month_key],
            month_cap=rule.per_month_cap,
        )
        if left > 0:
            given.append((c, left))
            today[key] += left
            month[month_key] += left
    return given


def _lots(
    points: list[tuple[EarningRule, Candidate, int]],
    now: datetime,
    group_buy_id: int | None,
) -> int:
    if not points:
        return 0
    per_household: dict[int, int] = defaultdict(int)
    for _rule, c, amount in points:
        per_household[c.household_id] += amount
    names = sorted({rule.name for rule, _c, _a in points})
    entry = post(
        book.EARNED,
        [(book.points_account(h), -n) for h, n in per_household.items()]
        + [(book.POINTS_OPERATOR, sum(per_household.values()))],
        at=now,
        memo=" · ".join(names)[:200],
        group_buy_id=group_buy_id,
    )
    assert entry is not None
    keep = timedelta(days=config()["POINTS_EXPIRE_DAYS"])
    columns = (
        "household_id",
        "rule_id",
        "source",
        "order_id",
        "basis_fen",
        "amount",
        "taken_back",
        "spent",
        "expired",
        "remaining",
        "earned_at",
        "expires_at",
        "entry_id",
    )
    rows.insert(
        Lot,
        columns,
        (
            (
                c.household_id,
                rule.pk,
                c.source,
                c.order_id,
                c.basis_fen,
                amount,
                0,
                0,
                0,
                amount,
                c.at or now,
                (c.at or now) + keep,
                entry.pk,
            )
            for rule, c, amount in points
        ),
    )
    pay_debts(per_household.keys())
    return len(points)


def pay_debts(household_ids: Iterable[int]) -> None:
    """Points earned pay off what a take-back left owing (a lot below zero) first: moved
    between a household's lots, the balance unchanged."""
    owing = set(
        Lot.objects.filter(among(Lot, "household_id", sorted(set(household_ids))), remaining__lt=0)
        .order_by()
        .values_list("household_id", flat=True)
    )
    for household in sorted(owing):
        book.lock_points(household)
        lots = list(
            Lot.objects.select_for_update()
            .filter(household_id=household)
            .exclude(remaining=0)
            .order_by("expires_at", "id")
        )
        debts = [lot for lot in lots if lot.remaining < 0]
        owed = -sum(lot.remaining for lot in debts)
        held = [rules.Held(lot.pk, lot.remaining) for lot in lots if lot.remaining > 0]
        by_id = {lot.pk: lot for lot in lots}
        for lot_id, take in rules.consume(held, owed):
            by_id[lot_id].remaining -= take
            by_id[lot_id].save(update_fields=["remaining"])
            while take:
                debt = next(d for d in debts if d.remaining < 0)
                moved = min(take, -debt.remaining)
                debt.remaining += moved
                debt.save(update_fields=["remaining"])
                take -= moved


def _drops(rule: EarningRule, amounts: list[tuple[Candidate, int]], now: datetime) -> int:
    return write_drops([(c, amount, amount) for c, amount in amounts], now=now, rule_id=rule.pk)


def earn_for_report(
    *,
    report_id: int,
    household_id: int,
    community_id: int,
    order_id: int | None,
    now: datetime | None = None,
) -> int:
    """Feedback on a delivered item (an after-sales report) earns through the feedback
    rules, once per report."""
    now = now or timezone.now()
    written = 0
    with transaction.atomic():
        for rule in rules_for([Trigger.FEEDBACK], community_id=community_id, now=now):
            candidate = Candidate(household_id, f"report:{report_id}", 0, order_id, now)
            lots, drops = apply_rule(rule, [candidate], now=now)
            written += lots + drops
    return written


def earn_for_action(
    *,
    kind: str,
    action_id: int,
    household_id: int,
    community_id: int,
    order_id: int,
    now: datetime,
) -> int:
    """An own bag or returned crates, recorded at the pickup, earns through its rules."""
    written = 0
    for rule in rules_for([kind], community_id=community_id, now=now):
        candidate = Candidate(household_id, f"action:{action_id}", 0, order_id, now)
        lots, drops = apply_rule(rule, [candidate], now=now)
        written += lots + drops
    return written
