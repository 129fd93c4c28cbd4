"""The ledger's decisions about a group buy's money, in one place: what an order is charged,
the leader's commission and what a completed group buy's sales leave the operator. Pure: callers pass what they read."""

from collections.abc import Mapping

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
