"""The ledger's decisions about a group buy's money, in one place: what an order is charged,
the leader's commission and what a completed group buy's sales leave the operator. Pure: callers pass what they read."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from linli.core import rounding
from linli.groupbuys.models import GroupBuy


def commission_rate_bp(group_buy: GroupBuy) -> int:
    """The leader's rate in basis points; a group buy without a leader pays none."""
    return group_buy.leader.commission_bp if group_buy.leader_id else 0


def commission_fen(sales_fen: int, rate_bp: int) -> int:
    """The leader's commission on ``sales_fen`` (charges less refunds): the rate, rounded half
    up to the fen (the demo's history, ``demo/money.py``, writes the same rule in SQL)."""
    return rounding.share(sales_fen, rate_bp)


def operator_share_fen(sales_fen: int, *, costs_fen: Mapping[int, int], commission: int) -> int:
    """What a completed group buy's sales leave the operator once each supplier has its cost
    and the leader the commission (negative when the group buy sold below cost)."""
    return sales_fen - sum(costs_fen.values()) - commission


def order_due_fen(*, cancelled: bool, total_fen: int) -> int:
    """What a household owes for an order: its total, nothing once it is cancelled."""
    return 0 if cancelled else total_fen


PPM = 1_000_000


def share_ppm(amount: int, ppm: int) -> int:
    """``amount × ppm / 1 000 000``, rounded half up (half away from zero for negatives): the
    rounding rule of :mod:`linli.core.rounding`, at parts per million."""
    sign = -1 if amount < 0 else 1
    return sign * ((abs(amount) * ppm * 2 + PPM) // (2 * PPM))


@dataclass(frozen=True)
class HelpSellSplit:
    """A help-sell sale split (decision 0038): the supplier's cost, the operator's share and
    each leader's, from the first leader down to the one who sold; they add up to the sale."""

    supplier: int
    operator: int
    leaders: list[int]

    @property
    def total(self) -> int:
        return self.supplier + self.operator + sum(self.leaders)


def help_sell_split(
    *, sales_fen: int, cost_fen: int, operator_ppm: int, shares_ppm: Sequence[int]
) -> HelpSellSplit:
    """Split ``sales_fen`` of a help-sell item along its chain.

    The supplier gets its cost (the supply price of what it delivered). Of the margin left,
    the operator takes ``operator_ppm`` (rounded half up to the fen) and the rest reaches the
    first leader. Each level below keeps ``shares_ppm[i]`` of what reached the level above it
    (rounded half up), and each leader keeps what reached it less what it passed down; the
    last leader keeps all that reached it. So every fen is someone's, and no share is
    negative. A sale at or below cost leaves the leaders nothing; the operator bears the loss.
    ``shares_ppm[0]`` (the first leader's, from the supplier) is not used: all reaches it.
    """
    margin = sales_fen - cost_fen
    levels = len(shares_ppm)
    if margin <= 0:
        return HelpSellSplit(supplier=cost_fen, operator=margin, leaders=[0] * levels)
    operator = share_ppm(margin, operator_ppm)
    reached = [margin - operator]
    for ppm in shares_ppm[1:]:
        reached.append(share_ppm(reached[-1], ppm))
    kept = [reached[i] - reached[i + 1] for i in range(levels - 1)] + [reached[-1]]
    return HelpSellSplit(supplier=cost_fen, operator=operator, leaders=kept)
