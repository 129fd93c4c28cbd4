"""What the tests compare before and after a call that must change nothing."""

from linli.accounts.models import ApiToken
from linli.core.models import AuditEvent, IdempotencyKey
from linli.groupbuys.models import (
    GroupBuy,
    GroupBuyItem,
    Order,
    OrderLine,
    PurchaseOrder,
    PurchaseOrderLine,
)
from linli.jielong.models import NicknameBook
from linli.ledger.models import Entry, Posting


def snapshot() -> dict:
    """Everything a call could change (not a token's ``last_used_at``, which any call may
    touch)."""
    return {
        "group_buys": list(
            GroupBuy.objects.order_by("pk").values_list(
                "pk", "status", "title", "closed_at", "completed_at"
            )
        ),
        "items": list(
            GroupBuyItem.objects.order_by("pk").values_list("pk", "stock_initial", "stock_left")
        ),
        "orders": list(
            Order.objects.order_by("pk").values_list(
                "pk", "household_id", "status", "total_fen", "note", "pickup", "seq", "updated_at"
            )
        ),
        "lines": list(
            OrderLine.objects.order_by("pk").values_list(
                "pk", "item_id", "quantity", "picked_up", "allocated"
            )
        ),
        "purchase_orders": list(
            PurchaseOrder.objects.order_by("pk").values_list("pk", "delivery_recorded_at")
        ),
        "purchase_lines": list(
            PurchaseOrderLine.objects.order_by("pk").values_list(
                "pk", "quantity", "delivered", "handed_out", "allocation_policy", "allocated_at"
            )
        ),
        "tokens": list(ApiToken.objects.order_by("pk").values_list("pk", "name", "revoked_at")),
        # A read of a household's address or phone records who looked (decision 0040): the
        # one write a read makes, on purpose.
        "audit": list(
            AuditEvent.objects.exclude(action="household.looked")
            .order_by("pk")
            .values_list("pk", "action")
        ),
        "idempotency": IdempotencyKey.objects.count(),
        "ledger": list(Posting.objects.order_by("pk").values_list("pk", "account_id", "amount")),
        "entries": Entry.objects.count(),
        "nicknames": list(
            NicknameBook.objects.order_by("pk").values_list("pk", "key", "household_id")
        ),
    }
