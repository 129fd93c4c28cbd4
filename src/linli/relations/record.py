"""The business record beside a partner, computed from what Linli already stores: for a
supplier, group buys served, deliveries on time and short, after-sales complaints, money
payable, paid and owed; for a leader, group buys run, formed and failed, households served,
sales and commission. Read with the reader's own roles, so the ledger and after-sales apply
their own rules of who may see what."""

from dataclasses import dataclass

from django.db.models import Count, Exists, F, OuterRef, Q

from linli.accounts.roles import roles
from linli.aftersales import selectors as aftersales
from linli.groupbuys.models import GroupBuy, Order, PurchaseOrder, PurchaseOrderLine
from linli.ledger import selectors as ledger


@dataclass(frozen=True)
class SupplierRecord:
    supplier_id: int
    group_buys: int
    deliveries: int
    on_time: int  # recorded by the time the pickup started
    short: int  # at least one line delivered short
    complaint_percent: str  # approved after-sales units over delivered units, 90 days
    approved_reports: int
    payable_fen: int
    paid_fen: int
    owed_fen: int


@dataclass(frozen=True)
class LeaderRecord:
    leader_id: int
    group_buys: int
    formed: int
    failed: int
    households: int
    sales_fen: int
    commission_fen: int


def supplier_record(user, supplier_id: int) -> SupplierRecord:
    who = roles(user)
    orders = PurchaseOrder.objects.filter(supplier_id=supplier_id)
    short = PurchaseOrderLine.objects.filter(
        purchase_order=OuterRef("pk"), delivered__lt=F("quantity")
    )
    counts = orders.aggregate(
        group_buys=Count("group_buy", distinct=True),
        deliveries=Count("pk", filter=Q(delivery_recorded_at__isnull=False)),
        on_time=Count("pk", filter=Q(delivery_recorded_at__lte=F("group_buy__pickup_starts_at"))),
    )
    money = ledger.supplier_ledger(who, supplier_id)
    rate = aftersales.supplier_rate(who, supplier_id)
    return SupplierRecord(
        supplier_id=supplier_id,
        group_buys=counts["group_buys"],
        deliveries=counts["deliveries"],
        on_time=counts["on_time"],
        short=orders.filter(Exists(short)).count(),
        complaint_percent=rate.percent,
        approved_reports=rate.approved_reports,
        payable_fen=money.payable_fen,
        paid_fen=money.paid_fen,
        owed_fen=money.outstanding_fen,
    )


def leader_record(user, leader_id: int) -> LeaderRecord:
    who = roles(user)
    runs = GroupBuy.objects.filter(leader_id=leader_id)
    counts = runs.aggregate(
        group_buys=Count("pk"),
        formed=Count(
            "pk", filter=Q(status__in=[GroupBuy.Status.FORMED, GroupBuy.Status.COMPLETED])
        ),
        failed=Count("pk", filter=Q(status=GroupBuy.Status.FAILED)),
    )
    households = (
        Order.objects.filter(group_buy__leader_id=leader_id)
        .exclude(status=Order.Status.CANCELLED)
        .values("household_id")
        .distinct()
        .count()
    )
    money = ledger.leader_ledger(who, leader_id)
    return LeaderRecord(
        leader_id=leader_id,
        group_buys=counts["group_buys"],
        formed=counts["formed"],
        failed=counts["failed"],
        households=households,
        sales_fen=money.total.charged,
        commission_fen=money.total.commission_fen,
    )
