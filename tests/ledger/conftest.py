"""Helpers for the ledger tests: a group buy run to a given point through the real services."""

from datetime import timedelta

from linli.groupbuys import services as groupbuys
from linli.groupbuys.models import PurchaseOrder
from linli.ledger import services
from linli.ledger.services import Acct, Kind, balance


def owes(household) -> int:
    """What a household owes overall (negative: what is due to it)."""
    return balance(Acct(Kind.HOUSEHOLD, household.pk))


def order(hood, member_index: int, group_buy, quantities: tuple[int, ...], now):
    items = list(group_buy.items.order_by("position"))
    lines = {
        item.pk: quantity for item, quantity in zip(items, quantities, strict=False) if quantity
    }
    return groupbuys.place_order(
        actor=hood.members[member_index], group_buy_id=group_buy.pk, lines=lines, now=now
    )


def pays(hood, household_index: int, group_buy, amount_fen: int, method="cash", **extra):
    """The leader records what a household paid for the group buy."""
    return services.record_payment(
        actor=hood.leader_user,
        group_buy_id=group_buy.pk,
        household_id=hood.households[household_index].pk,
        amount_fen=amount_fen,
        method=method,
        **extra,
    )


def close(group_buy):
    later = group_buy.cutoff_at + timedelta(seconds=1)
    groupbuys.close_due_group_buys(now=later)
    group_buy.refresh_from_db()
    return later


def deliver(hood, group_buy, units: tuple[int, ...], now):
    purchase_order = PurchaseOrder.objects.get(group_buy=group_buy)
    products = [item.product_id for item in group_buy.items.order_by("position")]
    groupbuys.record_delivery(
        actor=hood.supplier_user,
        purchase_order_id=purchase_order.pk,
        delivered=dict(zip(products, units, strict=False)),
        now=now,
    )


def complete(group_buy):
    end = group_buy.pickup_ends_at + timedelta(seconds=1)
    groupbuys.close_due_group_buys(now=end)
    group_buy.refresh_from_db()
    return end
