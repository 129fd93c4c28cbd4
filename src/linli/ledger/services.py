"""Every movement of money, each one service and one journal entry.

What happens in a group buy reaches the ledger as the group buys' published events: the
ledger's same-transaction subscribers (:mod:`linli.ledger.events`) call :func:`charge_order`,
:func:`reverse_failed`, :func:`refund_shortfalls` and :func:`settle_group_buy` inside the
transaction of the change, so an order and its charge commit or roll back together. Leaders call :func:`record_payment` and :func:`record_refund`; operators
:func:`pay_out` and :func:`reverse_entry`.

Charges and refunds are written as the difference between what should stand and what the
ledger already holds (for an order, a household in a group buy), so calling one twice, or
after a retry, posts nothing the second time. Payments, settlements and corrections carry a
unique ``key`` instead: asked for twice, even at the same moment, they post once.
"""

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.utils import timezone

from linli.accounts.models import User
from linli.accounts.roles import roles
from linli.communities.models import Household
from linli.core import audit
from linli.core.formatting import yuan
from linli.groupbuys import rules as groupbuy_rules
from linli.groupbuys import selectors as groupbuys
from linli.groupbuys.errors import HouseholdOutsideCommunity
from linli.groupbuys.models import GroupBuy, PurchaseOrderLine

from . import rules
from .errors import (
    AccountNotFound,
    AlreadyReversed,
    BadAmount,
    EntryNotFound,
    NotOperator,
    NotReversible,
    PayoutTooLarge,
    ReferenceUsed,
    RefundTooLarge,
)
from .methods import method_for
from .models import Account, Entry, Posting, Unit

#: The most one payment, refund or payout may be: ¥1,000,000.
MAX_AMOUNT_FEN = 100_000_000
MAX_REFERENCE = 100
MAX_MEMO = 200

Kind = Account.Kind


@dataclass(frozen=True)
class Acct:
    """An account by what it is, before it has a row: ``Acct(Kind.HOUSEHOLD, 12)``."""

    kind: str
    owner_id: int = 0
    method: str = ""
    unit: str = Unit.CNY


OPERATOR = Acct(Kind.OPERATOR)


def accounts(specs: Iterable[Acct], known: Mapping[Acct, int] | None = None) -> dict[Acct, int]:
    """The ids of these accounts (``known``: some already read), creating those that do not
    exist yet (concurrently safe: an insert that meets an existing row does nothing)."""
    wanted = set(specs)
    found = {spec: known[spec] for spec in wanted if known and spec in known}
    found |= _find(wanted - set(found)) if len(found) < len(wanted) else {}
    missing = wanted - set(found)
    if missing:
        Account.objects.bulk_create(
            [
                Account(kind=a.kind, owner_id=a.owner_id, method=a.method, unit=a.unit)
                for a in missing
            ],
            ignore_conflicts=True,
        )
        found |= _find(missing)
    return found


def _find(specs: set[Acct]) -> dict[Acct, int]:
    """Look the accounts up by (kind, method, unit) and owners, a few thousand at a time (a
    failed group buy touches every household that ordered)."""
    owners: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    for spec in specs:
        owners[spec.kind, spec.method, spec.unit].append(spec.owner_id)
    found = {}
    for (kind, method, unit), ids in owners.items():
        for start in range(0, len(ids), 5000):
            rows = Account.objects.filter(
                kind=kind, method=method, unit=unit, owner_id__in=ids[start : start + 5000]
            ).values_list("id", "owner_id")
            found.update({Acct(kind, owner, method, unit): pk for pk, owner in rows})
    return found


def post(
    kind: str,
    amounts: Iterable[tuple[Acct, int]],
    *,
    key: str | None = None,
    actor: User | None = None,
    actor_id: int | None = None,
    at: datetime | None = None,
    known: Mapping[Acct, int] | None = None,
    **fields,
) -> Entry | None:
    """Write one entry with its postings (amounts to the same account are added up, zeros
    dropped). Nothing is written when nothing is left. Refuses an entry that does not balance
    per unit. With a ``key`` already used, returns that entry and writes nothing."""
    totals: dict[Acct, int] = defaultdict(int)
    for account, amount in amounts:
        totals[account] += amount
    totals = {account: amount for account, amount in totals.items() if amount}
    if not totals:
        return None
    per_unit: dict[str, int] = defaultdict(int)
    for account, amount in totals.items():
        per_unit[account.unit] += amount
    if any(per_unit.values()) or len(totals) < 2:
        raise ValueError(f"unbalanced entry {kind}: {dict(per_unit)}")
    ids = accounts(totals, known)
    if actor is not None and actor.is_authenticated:
        actor_id = actor.pk
    entry = Entry(
        kind=kind,
        key=key,
        actor_id=actor_id,
        at=at or timezone.now(),
        **fields,
    )
    if key is None:
        entry.save(force_insert=True)
    else:
        try:
            with transaction.atomic():
                entry.save(force_insert=True)
        except IntegrityError:
            return Entry.objects.get(key=key)
    rows = sorted((entry.pk, ids[account], amount) for account, amount in totals.items())
    with connection.cursor() as cursor:
        # One statement for any number of postings (a failed group buy has one per household);
        # the ORM's bulk_create builds a model instance per row first.
        cursor.executemany(_INSERT_POSTING, rows)
    entry._fresh = True  # type: ignore[attr-defined]
    return entry


def _household_postings(group_buy_id: int, *kinds: str):
    return Posting.objects.filter(
        entry__group_buy_id=group_buy_id,
        entry__kind__in=kinds,
        account__kind=Kind.HOUSEHOLD,
        account__unit=Unit.CNY,
    )


# What happens in a group buy (run by the ledger's subscribers, linli.ledger.events) -------


def charge_order(
    *,
    order_id: int,
    household_id: int,
    group_buy_id: int,
    due_fen: int,
    at: datetime,
    actor_id: int | None = None,
    new: bool = False,
) -> Entry | None:
    """Make the household owe ``due_fen`` for the order (its total while placed or confirmed,
    nothing once cancelled): posts the difference from what it was charged before, so a
    second call with the same figures posts nothing. ``new``: the order was placed in this
    transaction, so nothing was charged for it yet."""
    charged = 0
    if not new:
        charged = (
            Posting.objects.filter(
                entry__order_id=order_id,
                entry__kind=Entry.Kind.CHARGE,
                account__kind=Kind.HOUSEHOLD,
            ).aggregate(total=Sum("amount"))["total"]
            or 0
        )
    change = due_fen - charged
    return post(
        Entry.Kind.CHARGE,
        [
            (Acct(Kind.HOUSEHOLD, household_id), change),
            (Acct(Kind.SALES, group_buy_id), -change),
        ],
        actor_id=actor_id,
        group_buy_id=group_buy_id,
        order_id=order_id,
        at=at,
    )


def reverse_failed(group_buy: GroupBuy, *, at: datetime) -> Entry | None:
    """A group buy failed: every household's charges in it are reversed, so what each paid
    stands to its credit as a refund due, in full (set-based: one GROUP BY, one entry)."""
    charged = (
        _household_postings(group_buy.pk, Entry.Kind.CHARGE)
        .values_list("account_id", "account__owner_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    amounts, known = [], {}
    for account_id, household_id, total in charged:
        known[Acct(Kind.HOUSEHOLD, household_id)] = account_id
        amounts += [
            (Acct(Kind.HOUSEHOLD, household_id), -total),
            (Acct(Kind.SALES, group_buy.pk), total),
        ]
    return post(
        Entry.Kind.FAILED,
        amounts,
        known=known,
        key=f"failed:{group_buy.pk}",
        group_buy_id=group_buy.pk,
        memo=group_buy.title[:MAX_MEMO],
        at=at,
    )


def refund_shortfalls(
    group_buy: GroupBuy,
    shortfall_fen: Mapping[int, int],
    *,
    actor_id: int | None = None,
    at: datetime | None = None,
) -> Entry | None:
    """Short delivery: credit each household with the value of what it ordered and will not
    get, ``{household_id: fen}`` for the whole group buy. Posts the difference from what was
    credited before, so a corrected allocation moves only what changed."""
    before = dict(
        _household_postings(group_buy.pk, Entry.Kind.SHORTFALL)
        .values_list("account__owner_id")
        .annotate(total=Sum("amount"))
    )
    amounts = []
    for household_id in sorted(set(shortfall_fen) | set(before)):
        change = -shortfall_fen.get(household_id, 0) - before.get(household_id, 0)
        amounts += [
            (Acct(Kind.HOUSEHOLD, household_id), change),
            (Acct(Kind.SALES, group_buy.pk), -change),
        ]
    return post(
        Entry.Kind.SHORTFALL,
        amounts,
        actor_id=actor_id,
        group_buy_id=group_buy.pk,
        memo=group_buy.title[:MAX_MEMO],
        at=at,
    )


def settle_group_buy(group_buy: GroupBuy, *, at: datetime) -> Entry | None:
    """A group buy completed: its sales (charges less refunds) go to the suppliers at cost for
    what they delivered, to the leader at the leader's commission rate (rounded half up to the
    fen), and the rest to the operator."""
    sales = -(
        Posting.objects.filter(
            entry__group_buy_id=group_buy.pk,
            account__kind=Kind.SALES,
            account__owner_id=group_buy.pk,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )
    costs: dict[int, int] = defaultdict(int)
    for supplier_id, units, ordered, cost in PurchaseOrderLine.objects.filter(
        purchase_order__group_buy=group_buy
    ).values_list("purchase_order__supplier_id", "delivered", "quantity", "unit_cost_fen"):
        costs[supplier_id] += groupbuy_rules.line_cost_fen(
            ordered=ordered, delivered=units, unit_cost_fen=cost
        )
    commission = rules.commission_fen(sales, rules.commission_rate_bp(group_buy))
    to_suppliers, to_leader, to_operator = rules.split_sales(
        sales, costs_fen=costs, commission=commission
    )
    amounts = [(Acct(Kind.SALES, group_buy.pk), sales)]
    amounts += [(Acct(Kind.SUPPLIER, supplier), -cost) for supplier, cost in to_suppliers.items()]
    if group_buy.leader_id:
        amounts.append((Acct(Kind.LEADER, group_buy.leader_id), -to_leader))
    amounts.append((OPERATOR, -to_operator))
    return post(
        Entry.Kind.SETTLEMENT,
        amounts,
        key=f"settlement:{group_buy.pk}",
        group_buy_id=group_buy.pk,
        memo=group_buy.title[:MAX_MEMO],
        at=at,
    )


# Money in and out ------------------------------------------------------------------------


def _money(amount_fen: int, method: str, reference: str) -> tuple[int, str]:
    """A sum of money moved by hand: a whole number of fen within bounds, a known method
    recorded by hand, and the reference as that method keeps it."""
    if type(amount_fen) is not int or not 0 < amount_fen <= MAX_AMOUNT_FEN:
        raise BadAmount(most=MAX_AMOUNT_FEN)
    return amount_fen, method_for(method).clean_reference(reference)[:MAX_REFERENCE]


def _household_in(group_buy: GroupBuy, household_id: int) -> int:
    if not Household.objects.filter(
        pk=household_id, building__community_id=group_buy.community_id
    ).exists():
        raise HouseholdOutsideCommunity(community=group_buy.community.name)
    return household_id


def household_balance_in(group_buy_id: int, household_id: int) -> int:
    """What the household owes in this group buy (negative: what is due to it)."""
    return (
        Posting.objects.filter(
            entry__group_buy_id=group_buy_id,
            account__kind=Kind.HOUSEHOLD,
            account__owner_id=household_id,
            account__unit=Unit.CNY,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def record_payment(
    *,
    actor: User,
    group_buy_id: int,
    household_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """A leader (or an operator) records money a household paid for a group buy: "received
    ¥36.00 by WeChat transfer, ref …". The same reference recorded again for the same
    household and amount is the same payment and posts nothing."""
    group_buy = groupbuys.managed_group_buy(roles(actor), group_buy_id)
    _household_in(group_buy, household_id)
    amount_fen, reference = _money(amount_fen, method, reference)
    key = _reference_key("payment", method, reference)
    with transaction.atomic():
        entry = post(
            Entry.Kind.PAYMENT,
            [
                (Acct(Kind.CLEARING, method=method), amount_fen),
                (Acct(Kind.HOUSEHOLD, household_id), -amount_fen),
            ],
            key=key,
            actor=actor,
            at=at,
            group_buy_id=group_buy.pk,
            method=method,
            reference=reference,
        )
        assert entry is not None
        if _recorded_before(
            entry, reference, Kind.HOUSEHOLD, household_id, -amount_fen, group_buy.pk
        ):
            return entry
        audit.record(
            actor=actor,
            action="ledger.payment_recorded",
            target=entry,
            data={"household": household_id, "amount_fen": amount_fen, "method": method},
        )
    return entry


#: What a reference's key may take of ``Entry.key`` (120), leaving room for ``#n``.
_KEY_ROOM = 112


def _reference_key(kind: str, method: str, reference: str) -> str | None:
    """The key money recorded with this reference posts under, so that the same money sent
    twice posts once: the reference's own, or, once the entry recorded under it has been
    corrected (reversed by an operator), the next one (``…#2``, ``…#3``): a corrected
    reference may be recorded again, right this time."""
    if not reference:
        return None
    base = f"{kind}:{method}:{reference}"
    if len(base) > _KEY_ROOM:  # a long reference: its digest, which is as unique
        base = f"{kind}:{method}:sha256:{hashlib.sha256(reference.encode()).hexdigest()[:40]}"
    corrected = set(
        Entry.objects.filter(key__startswith=base, reversed_by__isnull=False).values_list(
            "key", flat=True
        )
    )
    key, n = base, 1
    while key in corrected:
        n += 1
        key = f"{base}#{n}"
    return key


def _recorded_before(
    entry: Entry,
    reference: str,
    kind: str,
    owner_id: int,
    amount: int,
    group_buy_id: int | None = None,
) -> bool:
    """Whether :func:`post` found ``entry`` under its key (its reference) rather than writing
    it: the same money sent again if it moved ``amount`` for this owner of ``kind`` in this
    group buy; a reference already used for another owner, amount or group buy is refused,
    whether it was recorded long ago or at the same moment."""
    if getattr(entry, "_fresh", False):
        return False
    rows = list(
        entry.postings.filter(account__kind=kind).values_list("account__owner_id", "amount")
    )
    if rows != [(owner_id, amount)] or entry.group_buy_id != group_buy_id:
        raise ReferenceUsed(reference=reference)
    return True


def record_refund(
    *,
    actor: User,
    group_buy_id: int,
    household_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """A leader records money paid back to a household (what a failed group buy or a short
    delivery left to its credit). Never more than is due to it in this group buy."""
    group_buy = groupbuys.managed_group_buy(roles(actor), group_buy_id)
    _household_in(group_buy, household_id)
    amount_fen, reference = _money(amount_fen, method, reference)
    with transaction.atomic():
        # One refund at a time per household and group buy: the balance read below stays true.
        _lock_account(Acct(Kind.HOUSEHOLD, household_id))
        due = -household_balance_in(group_buy.pk, household_id)
        if amount_fen > due:
            raise RefundTooLarge(due=yuan(max(due, 0)))
        entry = post(
            Entry.Kind.REFUND_PAID,
            [
                (Acct(Kind.HOUSEHOLD, household_id), amount_fen),
                (Acct(Kind.CLEARING, method=method), -amount_fen),
            ],
            actor=actor,
            at=at,
            group_buy_id=group_buy.pk,
            method=method,
            reference=reference,
        )
        assert entry is not None
        audit.record(
            actor=actor,
            action="ledger.refund_paid",
            target=entry,
            data={"household": household_id, "amount_fen": amount_fen, "method": method},
        )
    return entry


def _lock_account(spec: Acct) -> None:
    account_id = accounts([spec])[spec]
    Account.objects.select_for_update().filter(pk=account_id).first()


_POSTING = Posting._meta.db_table
_ACCOUNT = Account._meta.db_table
_INSERT_POSTING = f"INSERT INTO {_POSTING} (entry_id, account_id, amount) VALUES (%s, %s, %s)"
# Written out (as the hot queries of decision 0008): composing it with the ORM cost ten times
# what the database takes to answer it from the (account, amount) index.
_BALANCE = (
    f"SELECT COALESCE(SUM(p.amount), 0) FROM {_POSTING} p"
    f" JOIN {_ACCOUNT} a ON a.id = p.account_id"
    " WHERE a.kind = %s AND a.owner_id = %s AND a.method = %s AND a.unit = %s"
)


def balance(spec: Acct) -> int:
    """The sum of the account's postings (0 for an account that has none or does not exist)."""
    with connection.cursor() as cursor:
        cursor.execute(_BALANCE, [spec.kind, spec.owner_id, spec.method, spec.unit])
        return int(cursor.fetchone()[0])


def pay_out(
    *,
    actor: User,
    kind: str,
    owner_id: int,
    amount_fen: int,
    method: str,
    reference: str = "",
    at: datetime | None = None,
) -> Entry:
    """An operator records money paid to a supplier (its payable) or a leader (commission)."""
    if not roles(actor).operator:
        raise NotOperator()
    if kind not in (Kind.SUPPLIER, Kind.LEADER):
        raise AccountNotFound()
    amount_fen, reference = _money(amount_fen, method, reference)
    account = Acct(kind, owner_id)
    key = _reference_key("payout", method, reference)
    with transaction.atomic():
        _lock_account(account)
        owed = -balance(account)
        entry = post(
            Entry.Kind.PAYOUT,
            [(account, amount_fen), (Acct(Kind.CLEARING, method=method), -amount_fen)],
            key=key,
            actor=actor,
            at=at,
            method=method,
            reference=reference,
        )
        assert entry is not None
        # The same payout sent again is answered with the first one, even though nothing is
        # owed any more.
        if _recorded_before(entry, reference, kind, owner_id, amount_fen):
            return entry
        if amount_fen > owed:
            raise PayoutTooLarge(due=yuan(max(owed, 0)))  # and the entry is rolled back
        audit.record(
            actor=actor,
            action="ledger.paid_out",
            target=entry,
            data={"account": str(account), "amount_fen": amount_fen, "method": method},
        )
    return entry


#: Entries typed in by people, and so the ones a correction is for. Charges, failures,
#: short-delivery refunds and settlements follow from the orders and are recomputed from them.
BY_HAND = (Entry.Kind.PAYMENT, Entry.Kind.REFUND_PAID, Entry.Kind.PAYOUT)


def reverse_entry(*, actor: User, entry_id: int, memo: str = "") -> Entry:
    """An operator corrects a payment, refund or payout recorded by mistake: a new entry with
    every posting negated, pointing at the one it corrects. Each is corrected at most once."""
    if not roles(actor).operator:
        raise NotOperator()
    with transaction.atomic():
        original = Entry.objects.select_for_update().filter(pk=entry_id).first()
        if original is None:
            raise EntryNotFound()
        if original.kind not in BY_HAND:
            raise NotReversible()
        done = Entry.objects.filter(reverses=original).values_list("pk", flat=True).first()
        if done is not None:
            raise AlreadyReversed(entry=original.pk, by=done)
        amounts = [
            (Acct(kind, owner, method, unit), -amount)
            for kind, owner, method, unit, amount in original.postings.values_list(
                "account__kind", "account__owner_id", "account__method", "account__unit", "amount"
            )
        ]
        entry = post(
            Entry.Kind.REVERSAL,
            amounts,
            key=f"reversal:{original.pk}",
            actor=actor,
            reverses=original,
            group_buy_id=original.group_buy_id,
            order_id=original.order_id,
            method=original.method,
            memo=" ".join(memo.split())[:MAX_MEMO],
        )
        assert entry is not None
        audit.record(
            actor=actor,
            action="ledger.entry_reversed",
            target=entry,
            data={"reverses": original.pk},
        )
    return entry
