"""The ledger's decisions about a group buy's money, in one place: the leader's commission
and how a completed group buy's sales are split. Pure: callers pass what they read."""

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


def split_sales(
    sales_fen: int, *, costs_fen: Mapping[int, int], commission: int
) -> tuple[dict[int, int], int, int]:
    """A completed group buy's sales: to each supplier its cost, to the leader the commission,
    and what is left to the operator (negative when the group buy sold below cost)."""
    operator = sales_fen - sum(costs_fen.values()) - commission
    return dict(costs_fen), commission, operator
