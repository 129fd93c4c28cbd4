"""What happens in a group buy, on the ledger: run by the ledger's subscribers
(:mod:`linli.ledger.events`) inside the transaction of the change."""

from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime

from django.db.models import Sum

from linli.groupbuys import rules as groupbuy_rules
from linli.groupbuys import selectors as groupbuys
from linli.groupbuys.models import GroupBuy, PurchaseOrderLine

from .. import rules
from ..limits import MAX_MEMO
from ..models import Entry, Posting
from .posting import OPERATOR, Acct, Kind, household_postings, post


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
        household_postings(group_buy.pk, Entry.Kind.CHARGE)
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
        household_postings(group_buy.pk, Entry.Kind.SHORTFALL)
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
    fen) on all but its help-sell items, to every leader of a help-sell item's chain its share
    (:func:`rules.help_sell_split`), and the rest to the operator."""
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
    # Help-sell items (decision 0038): their sales are split along their chains, not by the
    # leader's commission rate; the operator keeps what is left of everything.
    chains = groupbuys.help_sell_sales(group_buy)
    chained: dict[int, int] = defaultdict(int)
    for sale in chains:
        split = rules.help_sell_split(
            sales_fen=sale.sales_fen,
            cost_fen=sale.cost_fen,
            operator_ppm=sale.operator_ppm,
            shares_ppm=[ppm for _leader, ppm in sale.chain],
        )
        for (leader_id, _ppm), kept in zip(sale.chain, split.leaders, strict=True):
            chained[leader_id] += kept
    rest = sales - sum(sale.sales_fen for sale in chains)
    commission = rules.commission_fen(rest, rules.commission_rate_bp(group_buy))
    amounts = [(Acct(Kind.SALES, group_buy.pk), sales)]
    amounts += [(Acct(Kind.SUPPLIER, supplier), -cost) for supplier, cost in costs.items()]
    if group_buy.leader_id:
        amounts.append((Acct(Kind.LEADER, group_buy.leader_id), -commission))
    amounts += [(Acct(Kind.LEADER, leader_id), -kept) for leader_id, kept in chained.items()]
    amounts.append(
        (
            OPERATOR,
            -rules.operator_share_fen(
                sales, costs_fen=costs, commission=commission + sum(chained.values())
            ),
        )
    )
    return post(
        Entry.Kind.SETTLEMENT,
        amounts,
        key=f"settlement:{group_buy.pk}",
        group_buy_id=group_buy.pk,
        memo=group_buy.title[:MAX_MEMO],
        at=at,
    )
