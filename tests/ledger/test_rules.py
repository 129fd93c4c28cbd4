"""The ledger's decisions on values alone: the commission and the split of a group buy's
sales."""

from linli.communities.models import Leader
from linli.groupbuys.models import GroupBuy
from linli.ledger import rules


def test_a_group_buy_pays_its_leaders_rate_and_none_without_a_leader():
    assert rules.commission_rate_bp(GroupBuy(leader=Leader(pk=4, commission_bp=800))) == 800
    assert rules.commission_rate_bp(GroupBuy(leader=None)) == 0


def test_the_commission_is_rounded_half_up_to_the_fen():
    assert rules.commission_fen(1005, 1000) == 101  # 100.5 → 101
    assert rules.commission_fen(1004, 1000) == 100
    assert rules.commission_fen(0, 1000) == 0


def test_the_operator_keeps_what_the_suppliers_and_the_leader_do_not_take():
    costs = {3: 6_000, 5: 1_500}
    assert rules.operator_share_fen(10_000, costs_fen=costs, commission=800) == 1_700
    # Sold below cost: the operator's share is negative.
    assert rules.operator_share_fen(1_000, costs_fen={3: 1_200}, commission=100) == -300


def test_an_order_is_charged_its_total_until_it_is_cancelled():
    assert rules.order_due_fen(cancelled=False, total_fen=1_350) == 1_350
    assert rules.order_due_fen(cancelled=True, total_fen=1_350) == 0
