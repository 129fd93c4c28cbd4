"""Reads of the ledger that the API, the pages, the Excel files and the CLI share.

Every figure is a sum of postings, grouped in the database; every reader is checked here.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Sum

from linli.accounts.roles import Roles
from linli.communities.models import Household, Leader
from linli.groupbuys import selectors as groupbuys
from linli.groupbuys.models import GroupBuy

from . import rules
from .errors import AccountNotFound
from .methods import METHODS
from .models import Account, Entry, Posting, Unit

Kind = Account.Kind

#: Which column of a report a household posting adds to, by its entry's kind (a correction
#: counts against the column of the entry it corrects). Money paid in and credits are shown
#: positive; the balance is charged − paid − credited + refunded.
_COLUMN = {
    Entry.Kind.CHARGE: "charged",
    Entry.Kind.PAYMENT: "paid",
    Entry.Kind.FAILED: "credited",
    Entry.Kind.SHORTFALL: "credited",
    Entry.Kind.REFUND_PAID: "refunded",
    Entry.Kind.AFTER_SALES: "after_sales",
}
_SIGN = {"charged": 1, "paid": -1, "credited": -1, "refunded": 1, "after_sales": -1}


@dataclass
class Line:
    """One household in one group buy (or a group buy in a leader's report), in fen."""

    charged: int = 0
    paid: int = 0
    credited: int = 0
    refunded: int = 0
    owes: int = 0
    refund_due: int = 0
    # The part of ``credited`` that approved after-sales reports credited (decision 0025):
    # the supplier and the operator bear it, so it does not lower the sales a commission is on.
    after_sales: int = 0

    @property
    def balance(self) -> int:
        return self.charged - self.paid - self.credited + self.refunded

    @property
    def sales(self) -> int:
        """Charges less the credits that undo a sale (failures, short deliveries)."""
        return self.charged - self.credited + self.after_sales

    def add(self, column: str, amount: int) -> None:
        if column == "after_sales":
            self.credited += _SIGN[column] * amount
        setattr(self, column, getattr(self, column) + _SIGN[column] * amount)

    def close(self) -> None:
        self.owes = max(self.balance, 0)
        self.refund_due = max(-self.balance, 0)

    def absorb(self, other: "Line") -> None:
        """Add ``other``'s figures to these (a total over households or group buys)."""
        for name in (
            "charged",
            "paid",
            "credited",
            "refunded",
            "owes",
            "refund_due",
            "after_sales",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))


@dataclass
class HouseholdLine(Line):
    household_id: int = 0
    label: str = ""


@dataclass
class GroupBuyLedger:
    group_buy: GroupBuy
    households: list[HouseholdLine]
    total: Line
    commission_fen: int
    commission_settled: bool
    commission_bp: int

    @property
    def group_buy_id(self) -> int:
        return self.group_buy.pk

    @property
    def title(self) -> str:
        return self.group_buy.title

    @property
    def status(self) -> str:
        return self.group_buy.status


@dataclass
class GroupBuyLine(Line):
    group_buy_id: int = 0
    title: str = ""
    status: str = ""
    commission_fen: int = 0
    overpaid_households: int = 0
    owing_households: int = 0


@dataclass
class LeaderLedger:
    leader: Leader
    group_buys: list[GroupBuyLine]
    total: GroupBuyLine = field(default_factory=GroupBuyLine)
    commission_paid_fen: int = 0

    @property
    def leader_id(self) -> int:
        return self.leader.pk


@dataclass(frozen=True)
class Payable:
    """What one completed group buy owes a supplier."""

    group_buy_id: int
    title: str
    payable_fen: int


@dataclass
class SupplierLedger:
    supplier_id: int
    name: str
    payable_fen: int
    paid_fen: int
    outstanding_fen: int
    group_buys: list[Payable]


def _by_household(group_buy_ids: list[int]):
    """(group buy, household, column, fen) for every household posting of these group buys."""
    rows = (
        Posting.objects.filter(
            entry__group_buy_id__in=group_buy_ids,
            account__kind=Kind.HOUSEHOLD,
            account__unit=Unit.CNY,
        )
        .values_list(
            "entry__group_buy_id", "account__owner_id", "entry__kind", "entry__reverses__kind"
        )
        .annotate(total=Sum("amount"))
        .order_by()
    )
    for group_buy_id, household_id, kind, reversed_kind, total in rows:
        yield group_buy_id, household_id, _COLUMN[reversed_kind or kind], total


def _settled_commission(group_buy_ids: list[int]) -> dict[int, int]:
    return dict(
        Posting.objects.filter(
            entry__group_buy_id__in=group_buy_ids,
            entry__kind=Entry.Kind.SETTLEMENT,
            account__kind=Kind.LEADER,
        )
        .values_list("entry__group_buy_id")
        .annotate(total=Sum("amount"))
        .order_by()
    )


def _commission(group_buy_id: int, sales: int, rate: int, settled: dict[int, int]) -> int:
    """The leader's commission: as settled, or due at the leader's rate on the sales so far."""
    if group_buy_id in settled:
        return -settled[group_buy_id]
    return rules.commission_fen(sales, rate)


def group_buy_ledger(who: Roles, group_buy_id: int) -> GroupBuyLedger:
    """Who paid, who owes, refunds due and done, and the leader's commission, for a leader of
    the group buy's community or an operator."""
    group_buy = groupbuys.managed_group_buy(who, group_buy_id)
    lines: dict[int, HouseholdLine] = {}
    for _g, household_id, column, amount in _by_household([group_buy.pk]):
        lines.setdefault(household_id, HouseholdLine(household_id=household_id)).add(column, amount)
    labels = {
        pk: f"{building} {room} {name}"
        for pk, building, room, name in Household.objects.filter(pk__in=lines).values_list(
            "pk", "building__name", "room", "contact_name"
        )
    }
    total = Line()
    for line in lines.values():
        line.label = labels.get(line.household_id, "")
        line.close()
        total.absorb(line)
    rate = rules.commission_rate_bp(group_buy)
    settled = _settled_commission([group_buy.pk])
    return GroupBuyLedger(
        group_buy=group_buy,
        households=sorted(lines.values(), key=lambda line: line.label),
        total=total,
        commission_fen=_commission(group_buy.pk, total.sales, rate, settled),
        commission_settled=group_buy.pk in settled,
        commission_bp=rate,
    )


def leader_for(who: Roles, leader_id: int | None) -> Leader:
    """The leader asking (``leader_id`` None or their own), or any leader for an operator."""
    leader_id = leader_id if leader_id is not None else who.leader_id
    if leader_id is None or not (who.operator or leader_id == who.leader_id):
        raise AccountNotFound()
    leader = Leader.objects.select_related("user").filter(pk=leader_id).first()
    if leader is None:
        raise AccountNotFound()
    return leader


def leader_ledger(who: Roles, leader_id: int | None = None) -> LeaderLedger:
    """Per group buy the leader opened: what was charged, paid, credited and refunded, how
    many households still owe or are owed, and the commission (settled, or due at the
    leader's rate on the sales so far)."""
    leader = leader_for(who, leader_id)
    group_buys = list(
        GroupBuy.objects.filter(leader=leader)
        .order_by("-cutoff_at", "-id")
        .values_list("pk", "title", "status")
    )
    ids = [pk for pk, _t, _s in group_buys]
    per_household: dict[tuple[int, int], Line] = defaultdict(Line)
    rows = {
        pk: GroupBuyLine(group_buy_id=pk, title=title, status=status)
        for pk, title, status in group_buys
    }
    for group_buy_id, household_id, column, amount in _by_household(ids):
        per_household[group_buy_id, household_id].add(column, amount)
    for (group_buy_id, _h), line in per_household.items():
        line.close()
        row = rows[group_buy_id]
        row.absorb(line)
        row.owing_households += line.owes > 0
        row.overpaid_households += line.refund_due > 0
    settled = _settled_commission(ids)
    ledger = LeaderLedger(leader=leader, group_buys=list(rows.values()))
    total = ledger.total
    for row in ledger.group_buys:
        row.commission_fen = _commission(row.group_buy_id, row.sales, leader.commission_bp, settled)
        total.absorb(row)
        total.commission_fen += row.commission_fen
        total.owing_households += row.owing_households
        total.overpaid_households += row.overpaid_households
    ledger.commission_paid_fen = _paid_out(Kind.LEADER, leader.pk)
    return ledger


def _paid_out(kind: str, owner_id: int) -> int:
    """Paid to a supplier or leader: payouts, less the corrections of payouts (the only
    entries besides settlements that touch these accounts)."""
    return (
        Posting.objects.filter(
            entry__kind__in=[Entry.Kind.PAYOUT, Entry.Kind.REVERSAL],
            account__kind=kind,
            account__owner_id=owner_id,
        ).aggregate(total=Sum("amount"))["total"]
        or 0
    )


def supplier_ledger(who: Roles, supplier_id: int) -> SupplierLedger:
    """A supplier's payable (cost of what it delivered in completed group buys, less its share
    of approved after-sales credits), what was paid and what is outstanding: for the supplier's
    own staff or an operator."""
    from linli.catalog.models import Supplier

    if not (who.operator or supplier_id in who.supplier_ids):
        raise AccountNotFound()
    supplier = Supplier.objects.filter(pk=supplier_id).first()
    if supplier is None:
        raise AccountNotFound()
    settled = list(
        Posting.objects.filter(
            entry__kind__in=[Entry.Kind.SETTLEMENT, Entry.Kind.AFTER_SALES],
            account__kind=Kind.SUPPLIER,
            account__owner_id=supplier_id,
        )
        .values_list("entry__group_buy_id", "entry__group_buy__title")
        .annotate(total=Sum("amount"))
        .order_by("-entry__group_buy_id")
    )
    payable = -sum(total for _g, _t, total in settled)
    paid = _paid_out(Kind.SUPPLIER, supplier_id)
    return SupplierLedger(
        supplier_id=supplier_id,
        name=supplier.name,
        payable_fen=payable,
        paid_fen=paid,
        outstanding_fen=payable - paid,
        group_buys=[Payable(pk, title, -total) for pk, title, total in settled],
    )


@dataclass
class StatementLine:
    entry_id: int
    at: object
    kind: str
    kind_label: str
    group_buy_id: int | None
    group_buy_title: str
    method: str
    method_label: str  # in the reader's language
    reference: str
    amount_fen: int


@dataclass
class Statement:
    household_id: int
    balance_fen: int
    lines: list[StatementLine]


def household_statement(
    who: Roles, household_id: int | None = None, *, limit: int = 100
) -> Statement:
    """A household's own account: its balance (positive: it owes) and its latest postings.
    For the household's members and operators."""
    household_id = household_id if household_id is not None else who.household_id
    if household_id is None or not (who.operator or household_id == who.household_id):
        raise AccountNotFound()
    postings = Posting.objects.filter(
        account__kind=Kind.HOUSEHOLD, account__owner_id=household_id, account__unit=Unit.CNY
    )
    balance = postings.aggregate(total=Sum("amount"))["total"] or 0
    labels = dict(Entry.Kind.choices)
    lines = [
        StatementLine(
            entry_id=entry_id,
            at=at,
            kind=kind,
            kind_label=str(labels[kind]),
            group_buy_id=group_buy_id,
            group_buy_title=title or "",
            method=method,
            method_label=str(METHODS[method].label) if method in METHODS else method,
            reference=reference,
            amount_fen=amount,
        )
        for entry_id, at, kind, group_buy_id, title, method, reference, amount in postings.order_by(
            "-entry__at", "-entry_id"
        ).values_list(
            "entry_id",
            "entry__at",
            "entry__kind",
            "entry__group_buy_id",
            "entry__group_buy__title",
            "entry__method",
            "entry__reference",
            "amount",
        )[:limit]
    ]
    return Statement(household_id=household_id, balance_fen=balance, lines=lines)


# The whole ledger --------------------------------------------------------------------------


@dataclass
class Check:
    entries: int
    postings: int
    unbalanced_entries: list[tuple[int, str, int]]
    totals: dict[str, int]
    short_entries: list[int]
    bad_reversals: list[int]

    @property
    def ok(self) -> bool:
        return not (
            self.unbalanced_entries
            or any(self.totals.values())
            or self.short_entries
            or self.bad_reversals
        )


def check() -> Check:
    """Prove the ledger sound, over every posting, in the database: each entry balances per
    unit, each has at least two postings, the postings of each unit sum to zero, and each
    correction is the exact negation of the entry it corrects. Balances are never cached, so
    there is no cached figure to compare."""
    posting = Posting._meta.db_table
    account = Account._meta.db_table
    entry = Entry._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {entry}")
        entries = cursor.fetchone()[0]
        cursor.execute(
            f"""
            SELECT a.unit, SUM(p.amount), COUNT(*)
              FROM {posting} p JOIN {account} a ON a.id = p.account_id
             GROUP BY a.unit
            """
        )
        by_unit = cursor.fetchall()
        cursor.execute(
            f"""
            SELECT p.entry_id, a.unit, SUM(p.amount)
              FROM {posting} p JOIN {account} a ON a.id = p.account_id
             GROUP BY p.entry_id, a.unit
            HAVING SUM(p.amount) <> 0
            """
        )
        # PostgreSQL sums bigints as numeric: back to int.
        unbalanced = sorted((pk, unit, int(total)) for pk, unit, total in cursor.fetchall())
        cursor.execute(
            f"""
            SELECT e.id FROM {entry} e
             WHERE (SELECT COUNT(*) FROM {posting} p WHERE p.entry_id = e.id) < 2
             ORDER BY e.id
            """
        )
        short = [pk for (pk,) in cursor.fetchall()]
        cursor.execute(
            f"""
            SELECT DISTINCT r.id
              FROM {entry} r
              JOIN {posting} p ON p.entry_id = r.id OR p.entry_id = r.reverses_id
             WHERE r.reverses_id IS NOT NULL
             GROUP BY r.id, p.account_id
            HAVING SUM(p.amount) <> 0
            """
        )
        bad_reversals = sorted(pk for (pk,) in cursor.fetchall())
    return Check(
        entries=entries,
        postings=sum(int(count) for _u, _t, count in by_unit),
        unbalanced_entries=unbalanced,
        totals={unit: int(total) for unit, total, _c in by_unit},
        short_entries=short,
        bad_reversals=bad_reversals,
    )
